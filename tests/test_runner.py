"""The runner: a real process pool, a cache in memory and on disk, priorities; and the
comparison's three kinds of work."""

import concurrent.futures as cf
import sys
import threading
import time
import types
from pathlib import Path

import pytest

from sortie.models.result import TerminationReason
from sortie.studies.comparison import (
    AMBIENT_SWEEP_C,
    RAGONE_C_RATES,
    Outcome,
    Task,
    TaskKind,
    ambient_task,
    execute,
    fly_cell,
    fly_task,
    rating_task,
)
from sortie.studies.result_cache import ResultCache, task_key
from sortie.studies.runner import Priority, Runner, task_timeout_s
from sortie.studies.scenario import scenario_from_dict, scenario_to_dict
from tests import runner_work

QUAD_SPME = scenario_from_dict(
    {
        "mission": {"preset": "quad-isr-loiter"},
        "cells": [{"preset": "lg-m50-21700-chen2020"}, {"preset": "nca-18650-power"}],
        "model": "spme",
    }
)


@pytest.fixture(scope="module")
def pool_runner(tmp_path_factory):
    """A pool started while ``__main__`` is a script that must not run again in a worker, as
    under Streamlit (the page script) or after an ``AppTest`` (its generated script)."""
    script = tmp_path_factory.mktemp("main") / "page.py"
    script.write_text("raise RuntimeError('a worker re-ran the caller's __main__')\n")
    hostile = types.ModuleType("__main__")
    hostile.__file__ = str(script)
    saved = sys.modules["__main__"]
    sys.modules["__main__"] = hostile
    runner = Runner(cache=ResultCache(tmp_path_factory.mktemp("cache")), workers=2)
    try:
        yield runner
    finally:
        runner.shutdown()
        sys.modules["__main__"] = saved


def test_process_pool_gives_the_same_verdicts_as_flying_here(pool_runner):
    tasks = [fly_task(QUAD_SPME, i) for i in range(2)]
    outcomes = dict(pool_runner.as_completed(tasks))
    assert set(outcomes) == {0, 1}
    for index, outcome in outcomes.items():
        assert outcome.ok, outcome.error
        here = fly_cell(QUAD_SPME, index)
        assert outcome.value.summary.endurance_s == pytest.approx(here.summary.endurance_s)
        assert outcome.value.summary.termination_reason is here.summary.termination_reason
        assert list(outcome.value.timeseries.columns) == list(here.timeseries.columns)
    # The M50 completes the ISR loiter at 6S2P; the lighter NCA power cells run out.
    assert outcomes[0].value.summary.mission_completed
    assert outcomes[1].value.summary.termination_reason is TerminationReason.VOLTAGE_CUTOFF


def test_repeated_tasks_come_from_the_cache_also_after_a_restart(pool_runner, tmp_path):
    task = fly_task(QUAD_SPME, 0)
    first = pool_runner.run(task)
    again = pool_runner.submit(task)
    assert again.done() and again.result() == first  # no solve: already done
    # A new runner on the same directory (a restarted server) finds it on disk without
    # running anything: its executor refuses all work.
    refusing = cf.ThreadPoolExecutor(max_workers=1)
    refusing.shutdown()
    restarted = Runner(cache=ResultCache(pool_runner.cache.directory), executor=refusing)
    assert restarted.cached(task).value.summary == first.value.summary


def test_a_damaged_cache_file_is_a_miss(tmp_path):
    cache = ResultCache(tmp_path)
    cache.put("ab" + "0" * 62, Outcome(value=1))
    path = tmp_path / "ab" / ("ab" + "0" * 62 + ".pkl")
    path.write_bytes(b"not a pickle")
    assert ResultCache(tmp_path).get("ab" + "0" * 62) is None


def test_impossible_work_is_a_one_line_outcome_and_is_cached(pool_runner):
    tiny = scenario_from_dict(
        {
            "mission": {"preset": "fpv-strike-sprint"},
            "cells": [{"preset": "sodium-ion-18650"}],
            "series_count": 1,
            "parallel_count": 1,
            "model": "spme",
        }
    )
    outcome = pool_runner.run(fly_task(tiny, 0))
    assert not outcome.ok and "per cell" in outcome.error and "\n" not in outcome.error
    assert pool_runner.cached(fly_task(tiny, 0)) == outcome


def test_identical_tasks_share_one_run(tmp_path):
    calls = []
    lock = threading.Lock()

    class CountingExecutor(cf.ThreadPoolExecutor):
        def submit(self, fn, *args, **kwargs):
            with lock:
                calls.append(args)
            return super().submit(fn, *args, **kwargs)

    runner = Runner(cache=ResultCache(None), executor=CountingExecutor(1), workers=1)
    task = fly_task(QUAD_SPME, 1)
    futures = [runner.submit(task) for _ in range(3)]
    assert len({id(f) for f in futures}) == 1
    assert futures[0].result().ok and len(calls) == 1


def test_interactive_work_overtakes_background_work():
    finished = []
    runner = Runner(cache=ResultCache(None), executor=cf.ThreadPoolExecutor(1), workers=1)
    background = [
        rating_task(QUAD_SPME, 1),
        ambient_task(QUAD_SPME, 1),
        rating_task(QUAD_SPME, 0),
    ]
    futures = [runner.submit(t, Priority.BACKGROUND) for t in background]
    urgent = runner.submit(fly_task(QUAD_SPME, 1))
    for name, future in [
        ("bg0", futures[0]),
        ("bg1", futures[1]),
        ("bg2", futures[2]),
        ("urgent", urgent),
    ]:
        future.add_done_callback(lambda _, name=name: finished.append(name))
    cf.wait([*futures, urgent])
    # At most the background task already running finishes before the click's task.
    assert finished.index("urgent") <= 1, finished


def test_task_keys_differ_by_every_field():
    other = scenario_from_dict({**scenario_to_dict(QUAD_SPME), "ambient_c": 0.0})
    keys = {
        task_key(fly_task(QUAD_SPME, 0)),
        task_key(fly_task(QUAD_SPME, 1)),
        task_key(fly_task(other, 0)),
        task_key(ambient_task(QUAD_SPME, 0)),
        task_key(rating_task(QUAD_SPME, 0)),
    }
    assert len(keys) == 5


@pytest.mark.slow
def test_cold_shortens_station_endurance():
    # ORegan2022: temperature-dependent transport. (Chen2020 is not, and hovers *longer* in
    # cold air: denser air costs less induced power.)
    oregan = scenario_from_dict(
        {"mission": {"preset": "quad-isr-loiter"}, "cells": [{"preset": "lg-m50-21700"}]}
    )
    rows = {row["ambient_c"]: row for row in execute(ambient_task(oregan, 0)).value}
    assert sorted(rows) == sorted(AMBIENT_SWEEP_C)
    cold, warm = rows[-10.0], rows[20.0]
    assert cold["measure"] == warm["measure"] == "station"
    assert 0 < cold["endurance_s"] < warm["endurance_s"]
    assert warm["limited_by"] == "reserve"


@pytest.mark.slow
def test_ragone_points_trade_energy_for_power():
    points = execute(rating_task(QUAD_SPME, 0)).value
    assert [p["c_rate"] for p in points] == list(RAGONE_C_RATES)
    energies = [p["specific_energy_wh_per_kg"] for p in points]
    powers = [p["specific_power_w_per_kg"] for p in points]
    assert powers == sorted(powers)
    assert energies == sorted(energies, reverse=True)
    # At C/5 the Chen2020 M50 gives about its rated energy per kilogram (5 Ah x 3.6 V / 68 g).
    assert 230 < energies[0] < 290


def _process_ended(pid: int) -> bool:
    """True when ``pid`` is gone or a zombie (killed, not yet reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return True
    return state in ("Z", "X")


def test_a_task_past_its_time_limit_is_stopped_and_its_worker_replaced(tmp_path):
    """One visitor's run that never ends: reported in one line at its time limit, its worker
    killed; the others' tasks (on the same pool and after it) all get their results."""
    runner = Runner(cache=ResultCache(None), workers=2, timeout_s=3.0, work=runner_work.work)
    pid_file = tmp_path / "stuck.pid"
    try:
        first = runner.run(Task(TaskKind.FLY, "warm", 0)).value  # the pool is up
        stuck_task = Task(TaskKind.FLY, str(pid_file), runner_work.STUCK)
        stuck = runner.submit(stuck_task)
        others = [runner.submit(Task(TaskKind.FLY, f"other {i}", i)) for i in range(1, 7)]
        assert all(isinstance(f.result(timeout=60).value, int) for f in others)
        outcome = stuck.result(timeout=60)
        assert outcome.error == (
            "stopped: the simulation took longer than the time limit of 3 s (try a shorter "
            "mission, fewer cells or SPMe)"
        )
        assert runner.stopped_count == 1
        assert runner.cached(stuck_task) is None  # tried again when asked again
        stuck_pid = int(pid_file.read_text())
        deadline = time.monotonic() + 30
        while not _process_ended(stuck_pid):
            assert time.monotonic() < deadline, "the stuck worker was not killed"
            time.sleep(0.2)
        # New work runs on a fresh pool: other processes than the killed one.
        after = {runner.run(Task(TaskKind.FLY, f"after {i}", i)).value for i in range(1, 5)}
        assert stuck_pid not in after and first not in after
    finally:
        runner.shutdown()


def test_the_time_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("SORTIE_TASK_TIMEOUT_S", "12.5")
    assert task_timeout_s() == 12.5
    for wrong in ("0", "-3", "nan", "soon"):
        monkeypatch.setenv("SORTIE_TASK_TIMEOUT_S", wrong)
        assert task_timeout_s() == 300.0
    monkeypatch.delenv("SORTIE_TASK_TIMEOUT_S")
    assert Runner(cache=ResultCache(None), executor=cf.ThreadPoolExecutor(1)).timeout_s == 300.0


def test_local_workers_import_the_engine_and_freeze_the_collector():
    # A worker starts with PyBaMM imported and its objects out of the garbage collector's
    # walk (which costs ~1.2 s at every worker's exit otherwise).
    from sortie.studies.executors import local_pool

    with local_pool(1) as pool:
        frozen, imported, deferred = pool.submit(_frozen_and_imported).result(timeout=120)
    assert imported
    # ~85 000 objects once PyBaMM is imported (SymPy, black and xarray are left to their
    # first use: sortie.deferred_imports); none without the freeze.
    assert frozen > 50_000
    # The app's workers make time series: pandas is imported (and frozen) at their start.
    assert deferred == {"sympy": True, "pandas": False}


def _frozen_and_imported() -> tuple[int, bool, dict[str, bool]]:
    import gc
    import sys

    from sortie.deferred_imports import is_deferred

    deferred = {name: is_deferred(name) for name in ("sympy", "pandas")}
    return gc.get_freeze_count(), "pybamm" in sys.modules, deferred
