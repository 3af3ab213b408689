"""Sweeps: designs from a sweep file, rows for every design (failures included), streaming to
Parquet parts, resume after a kill, and the same table from a local pool and a Dask cluster."""

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sortie.errors import InputError
from sortie.models.flight import fly
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.studies.design_rows import _not_flown, resolve_base, row_types, rows_frame
from sortie.studies.design_space import Sampling, read_sweep_spec, spec_from_dict
from sortie.studies.executors import InProcessExecutor
from sortie.studies.setup import apply_changes
from sortie.studies.sweep import MAX_CHUNK, MIN_CHUNK, chunk_sizes, run_sweep, sweep

ROOT = Path(__file__).resolve().parents[1]
SORTIE = Path(sys.executable).with_name("sortie")

SPME_BASE = {
    "mission": "quad-isr-loiter",
    "cell": "lg-m50-21700-chen2020",
    "settings": {"model": "spme"},
}


def _sortie_sweep(path: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    """``sortie sweep PATH --out OUT --workers 1 [EXTRA]`` as a user runs it."""
    return subprocess.run(
        [str(SORTIE), "sweep", str(path), "--out", str(out), "--workers", "1", *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _spec(dimensions, **extra):
    return spec_from_dict({"base": SPME_BASE, "dimensions": dimensions, **extra})


def test_a_grid_is_every_combination_in_order():
    spec = _spec(
        [
            {"field": "positive_electrode_thickness_um", "start": 60.0, "stop": 80.0, "count": 3},
            {"field": "pack.parallel_count", "values": [1, 2]},
        ]
    )
    assert spec.fields == ("cell.positive_electrode_thickness_um", "pack.parallel_count")
    designs = spec.designs()
    assert [tuple(d.values()) for d in designs] == [
        (60.0, 1),
        (60.0, 2),
        (70.0, 1),
        (70.0, 2),
        (80.0, 1),
        (80.0, 2),
    ]


def test_a_latin_hypercube_is_seeded_and_stratified():
    dimensions = [
        {"field": "cell.positive_electrode_porosity", "start": 0.25, "stop": 0.45},
        {"field": "pack.parallel_count", "start": 1, "stop": 4},
        {"field": "cell", "values": ["lg-m50-21700", "nca-18650-power"]},
    ]
    spec = _spec(dimensions, sampling="latin hypercube", samples=8, seed=3)
    assert spec.sampling is Sampling.LATIN_HYPERCUBE
    first, again = spec.designs(), _spec(dimensions, sampling="latin hypercube", samples=8, seed=3)
    assert first == again.designs()
    assert first != _spec(dimensions, sampling="latin hypercube", samples=8, seed=4).designs()
    porosities = sorted(d["cell.positive_electrode_porosity"] for d in first)
    # One sample in each eighth of the range: what makes it a Latin hypercube.
    assert [int((p - 0.25) / 0.2 * 8) for p in porosities] == list(range(8))
    counts = [d["pack.parallel_count"] for d in first]
    assert set(counts) == {1, 2, 3, 4} and all(isinstance(c, int) for c in counts)
    assert sorted(d["cell"] for d in first).count("nca-18650-power") == 4


@pytest.mark.parametrize(
    "dimensions, extra, message",
    [
        ([{"field": "plane.wing_m", "values": [1]}], {}, "target must be one of"),
        ([{"field": "pack", "values": [1]}], {}, "name a field"),
        ([{"field": "cell.porosity", "start": 1.0}], {}, "start and stop"),
        ([{"field": "cell.x", "values": [1], "start": 1, "stop": 2}], {}, "either values"),
        ([{"field": "cell.x", "start": 0.1, "stop": 0.2}], {}, "needs count"),
        ([{"field": "cell.x", "values": [1]}], {"samples": 5}, "go together"),
        (
            [{"field": "cell.x", "values": [1]}, {"field": "cell.x", "values": [2]}],
            {},
            "once",
        ),
    ],
)
def test_bad_sweep_files_are_one_line_errors(dimensions, extra, message):
    with pytest.raises(InputError, match=message) as error:
        _spec(dimensions, **extra).designs()
    assert "\n" not in str(error.value)


def test_impossible_designs_in_the_middle_are_rows_not_a_crash():
    spec = _spec(
        [
            {
                "field": "cell.positive_electrode_thickness_um",
                "values": [70.0, 5000.0, 75.0],  # 5 mm: not a coating
            },
            {"field": "pack.parallel_count", "values": [2, 12]},  # 6S12P: above 6 kg
        ]
    )
    table = sweep(spec, executor=InProcessExecutor())
    assert list(table["design"]) == list(range(6))
    by_design = table.set_index("design")
    assert by_design.loc[[0, 4], "flown"].all()
    assert by_design.loc[[0, 4], "mission_completed"].all()
    assert not by_design.loc[[2, 3], "flown"].any()
    assert set(by_design.loc[[2, 3], "not_flown_reason"]) == {"invalid"}
    assert "coating_thickness_um" in by_design.loc[2, "message"]
    assert list(by_design.loc[[1, 5], "not_flown_reason"]) == ["too heavy", "too heavy"]
    assert "exceeds the drone's maximum" in by_design.loc[1, "message"]
    # A grounded design still says what it would have weighed and held.
    assert by_design.loc[1, "take_off_mass_kg"] > 6.0
    assert by_design.loc[1, "capacity_ah"] == pytest.approx(by_design.loc[0, "capacity_ah"])


def test_rows_become_a_table_of_the_row_types():
    # Built column by column for speed: the same table as pandas' DataFrame(rows).astype(types)
    # for flown and grounded rows of float, whole-number and text dimensions, and a missing
    # value becomes NaN.
    spec = _spec(
        [
            {"field": "cell.positive_electrode_thickness_um", "values": [70.0, 75.0]},
            {"field": "pack.parallel_count", "values": [2, 3]},
            {"field": "cell", "values": ["lg-m50-21700-chen2020", "nca-18650-power"]},
        ]
    )
    fields = dict(zip(spec.fields, (72.5, 2, "lg-m50-21700-chen2020"), strict=True))
    grounded = {"design": 1, **fields, **_not_flown("too heavy", "above 6 kg")}
    flown = {**grounded, "design": 0, "flown": True, "not_flown_reason": "", "message": "ok"}
    flown |= {"endurance_s": 1650.0, "mission_completed": True, "reserve_met": True}
    flown |= {"series_count": 6, "parallel_count": 2, "cell_id": "lg-m50-21700-chen2020"}
    del flown["max_enclosure_temperature_c"]
    types = row_types(spec)
    for rows in ([flown, grounded], [grounded], []):
        expected = pd.DataFrame(rows, columns=list(types)).astype(types)
        pd.testing.assert_frame_equal(rows_frame(rows, spec), expected)
    table = rows_frame([flown, grounded], spec)
    assert list(table.dtypes.astype(str)) == list(types.values())
    assert table["max_enclosure_temperature_c"].isna().all()


def test_a_sweep_row_is_the_flight_of_that_design():
    spec = _spec([{"field": "drone.payload_kg", "values": [0.25, 0.75]}])
    table = sweep(spec, executor=InProcessExecutor())
    base = resolve_base(spec)
    for design, row in zip(spec.designs(), table.itertuples(index=False), strict=True):
        flight = fly(apply_changes(base.setup, design))
        summary = flight.summary
        assert row.endurance_s == pytest.approx(summary.endurance_s)
        assert row.final_state_of_charge == pytest.approx(summary.final_state_of_charge)
        assert row.max_cell_temperature_c == pytest.approx(summary.max_cell_temperature_c)
        assert row.take_off_mass_kg == pytest.approx(flight.compiled.take_off_mass_kg)
        assert row.termination_reason == summary.termination_reason.value
    # More payload, more power: less charge left.
    assert table["final_state_of_charge"].iloc[1] < table["final_state_of_charge"].iloc[0]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("designs", "workers", "expected"),
    [
        # The DFN example on 2 workers: a quarter of what is left (at most 32), down to 4.
        (200, 2, [32, 32, 32, 26, 20, 15, 11, 8, 6, 5, 4, 4, 4, 1]),
        (16, 2, [4, 4, 4, 4]),
        # Too few for MIN_CHUNK each: shared out so that every worker gets some.
        (5, 2, [3, 2]),
        (3, 4, [1, 1, 1]),
        (1, 1, [1]),
        (0, 2, []),
    ],
)
def test_chunks_shrink_towards_the_end_of_a_sweep(designs, workers, expected):
    assert chunk_sizes(designs, workers) == expected


def test_chunks_cover_every_design_once_largest_first():
    for designs in (1, 7, 64, 199, 1000, 5000):
        for workers in (1, 2, 3, 8):
            sizes = chunk_sizes(designs, workers)
            assert sum(sizes) == designs
            assert sizes == sorted(sizes, reverse=True)
            assert max(sizes) <= MAX_CHUNK
            # Only the very last chunk may be smaller than MIN_CHUNK, and only in a big sweep.
            assert all(size >= min(MIN_CHUNK, -(-designs // workers)) for size in sizes[:-1])


def test_sweep_tolerances_keep_the_verdicts():
    """The sweep's solver settings (rtol 1e-3, 50 output points, IDA's first step 2 s, no
    error test on the algebraic states) against Sortie's defaults (1e-4, 600, IDA's own, all
    states tested) on DFN designs across the example sweep, valid and limit cases."""
    spec = read_sweep_spec(ROOT / "examples/sweeps/dfn-thickness-porosity-200.toml")
    base = resolve_base(spec)
    for design in spec.designs()[::37]:
        fast_setup = apply_changes(base.setup, design)
        try:
            fast = fly(fast_setup).summary
        except InputError:
            continue  # an invalid design is invalid either way (checked elsewhere)
        precise = fly(
            apply_changes(
                base.setup,
                {
                    **design,
                    "settings.relative_tolerance": 1e-4,
                    "settings.output_points": 600,
                    "settings.initial_step_s": 0.0,
                    "settings.suppress_algebraic_error": False,
                },
            )
        ).summary
        assert fast.termination_reason is precise.termination_reason
        assert fast.mission_completed == precise.mission_completed
        assert fast.endurance_s == pytest.approx(precise.endurance_s, rel=1e-3)
        assert fast.final_state_of_charge == pytest.approx(precise.final_state_of_charge, abs=1e-3)
        assert fast.min_cell_voltage_v == pytest.approx(precise.min_cell_voltage_v, abs=2e-3)
        assert fast.max_cell_temperature_c == pytest.approx(
            precise.max_cell_temperature_c, abs=0.05
        )


def _write_sweep(folder: Path, samples: int) -> Path:
    path = folder / "sweep.toml"
    path.write_text(
        f"""
name = "resume test"
sampling = "latin hypercube"
samples = {samples}
seed = 11
[base]
mission = "quad-isr-loiter"
cell = "lg-m50-21700-chen2020"
[base.settings]
model = "spme"
[[dimensions]]
field = "cell.positive_electrode_thickness_um"
start = 60.0
stop = 76.0
[[dimensions]]
field = "drone.payload_kg"
start = 0.0
stop = 1.5
"""
    )
    return path


def _sortie(*args, **kwargs):
    return subprocess.Popen(
        [str(SORTIE), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYBAMM_DISABLE_TELEMETRY": "true"},
        **kwargs,
    )


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("part-*")}


@pytest.mark.slow
def test_a_killed_sweep_resumes_with_every_design_once(tmp_path):
    path = _write_sweep(tmp_path, samples=120)
    out = tmp_path / "results.parquet"
    process = _sortie(
        "sweep", str(path), "--out", str(out), "--workers", "2", start_new_session=True
    )
    deadline = time.monotonic() + 240
    while len(list(out.glob("part-*"))) < 2:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no part written in time"
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # the sweep and its workers, mid-way
    process.wait()
    finished = _hashes(out)
    done_before = pd.read_parquet(out)
    assert 0 < len(done_before) < 120, "killed too late to test a resume"

    again = _sortie("sweep", str(path), "--out", str(out))
    refused = again.communicate(timeout=120)
    assert again.returncode == 2 and "--resume" in refused[1]

    resumed = _sortie("sweep", str(path), "--out", str(out), "--resume", "--workers", "2")
    stdout, stderr = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, stderr
    assert f"{120 - len(done_before)} computed now" in stdout
    table = pd.read_parquet(out)
    assert sorted(table["design"]) == list(range(120))  # each design exactly once
    after = _hashes(out)
    assert all(after[name] == digest for name, digest in finished.items())
    # The rows finished before the kill are the same rows, value for value.
    kept = table.set_index("design").loc[done_before["design"]].reset_index()
    pd.testing.assert_frame_equal(
        kept, done_before.sort_values("design", ignore_index=True), check_like=True
    )


def test_resume_refuses_the_results_of_another_sweep(tmp_path):
    out = tmp_path / "r.parquet"
    spec = _spec([{"field": "drone.payload_kg", "values": [0.25]}])
    run_sweep(spec, out, executor=InProcessExecutor())
    other = _spec([{"field": "drone.payload_kg", "values": [0.5]}])
    with pytest.raises(InputError, match="another sweep"):
        run_sweep(other, out, resume=True, executor=InProcessExecutor())
    with pytest.raises(InputError, match="--resume"):
        run_sweep(spec, out, executor=InProcessExecutor())
    finished = run_sweep(spec, out, resume=True, executor=InProcessExecutor())
    assert finished.computed == 0 and len(finished.table) == 1


def test_the_command_line_sweep_reports_and_writes_parquet(tmp_path):
    path = _write_sweep(tmp_path, samples=4)
    out = tmp_path / "x.parquet"
    done = _sortie_sweep(path, out)
    assert done.returncode == 0, done.stderr
    assert "4 designs (4 computed now" in done.stdout
    assert "resume test: 4/4 designs (100 %)" in done.stderr  # plain lines off a terminal
    assert "compiled" not in done.stderr  # the note is for compiled sweeps only
    table = pd.read_parquet(out)
    assert len(table) == 4 and table["flown"].all()
    assert (out / "_sweep.json").is_file()


@pytest.mark.slow
def test_a_compiled_sweep_says_it_compiles_and_flies(tmp_path):
    path = _write_sweep(tmp_path, samples=2)
    path.write_text(path.read_text().replace('model = "spme"', 'model = "spm"\ncompiled = true'))
    out = tmp_path / "x.parquet"
    done = subprocess.run(
        [str(SORTIE), "sweep", str(path), "--out", str(out), "--workers", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYBAMM_CASADI_AOT_CACHE": str(tmp_path / "compiled")},
    )
    assert done.returncode == 0, done.stderr
    assert "compiled = true: each model structure" in done.stderr
    assert str(tmp_path / "compiled") in done.stderr  # where it is kept
    assert list((tmp_path / "compiled").glob("*.so")), "no compiled library kept"
    assert pd.read_parquet(out)["flown"].all()


@contextlib.contextmanager
def _dask_cluster(folder: Path, workers: int):
    """A real Dask cluster as the README starts one: ``dask scheduler`` and ``workers`` separate
    ``dask worker`` processes (one thread each, no nanny: each worker is its own process, as on
    separate machines), all on loopback. Yields the scheduler's address; their logs are shown
    when they do not come up."""
    distributed = pytest.importorskip("distributed")
    dask = Path(sys.executable).with_name("dask")
    address_file = folder / "scheduler.json"
    logs = [folder / f"dask-{i}.log" for i in range(workers + 1)]
    commands = [
        [
            str(dask),
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(address_file),
        ],
        *[
            [
                str(dask),
                "worker",
                "--scheduler-file",
                str(address_file),
                "--nthreads",
                "1",
                "--no-nanny",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
                "--name",
                f"w{i}",
            ]
            for i in range(workers)
        ],
    ]
    processes = []

    def shown() -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-2000:]}" for log in logs)

    try:
        for command, log in zip(commands, logs, strict=True):
            with log.open("w") as output:
                processes.append(subprocess.Popen(command, stdout=output, stderr=output))
            if command[1] == "scheduler":
                deadline = time.monotonic() + 120
                while not address_file.exists():
                    assert time.monotonic() < deadline, shown()
                    assert processes[0].poll() is None, shown()
                    time.sleep(0.2)
        with distributed.Client(scheduler_file=str(address_file), timeout=60) as client:
            try:
                client.wait_for_workers(workers, timeout=180)
            except TimeoutError:
                pytest.fail(f"the Dask workers did not come up:\n{shown()}")
            yield client.scheduler.address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.mark.slow
def test_a_dask_cluster_gives_the_local_pools_table(tmp_path):
    spec = read_sweep_spec(_write_sweep(tmp_path, samples=12))
    local = sweep(spec, workers=2)
    with _dask_cluster(tmp_path, workers=2) as address:
        remote = sweep(spec, tmp_path / "dask.parquet", cluster=address)
        import distributed

        with distributed.Client(address) as client:
            # both workers took part: the designs went in chunks to each
            assert len(client.scheduler_info()["workers"]) == 2
    # The same designs and verdicts; the figures within the sweep's solver tolerance (rtol
    # 1e-3): each worker's electrode-balance solve starts from the design it solved before, so
    # the order of the designs on the workers moves a balance by ~1e-6 and the solver's steps
    # with it.
    pd.testing.assert_frame_equal(local, remote, rtol=1e-3)
    assert list(local["termination_reason"]) == list(remote["termination_reason"])


def test_an_unreachable_cluster_is_a_one_line_error():
    spec = _spec([{"field": "drone.payload_kg", "values": [0.25]}])
    with pytest.raises(InputError, match="cannot reach the Dask scheduler"):
        sweep(spec, cluster="tcp://127.0.0.1:9")


def test_settings_reach_the_flight():
    spec = spec_from_dict(
        {
            "base": {**SPME_BASE, "settings": {"model": "spm", "ambient_c": 5.0}},
            "dimensions": [{"field": "settings.max_temperature_c", "values": [50.0]}],
        }
    )
    base = resolve_base(spec)
    setup = apply_changes(base.setup, spec.designs()[0])
    assert setup.settings == SimulationSettings(
        model=ModelKind.SPM,
        ambient_c=5.0,
        max_temperature_c=50.0,
        output_points=50,
        relative_tolerance=1e-3,
        initial_step_s=2.0,
        suppress_algebraic_error=True,
    )


SPM_BASE = {**SPME_BASE, "settings": {"model": "spm"}}


def _spm_spec(payloads):
    return spec_from_dict(
        {"base": SPM_BASE, "dimensions": [{"field": "drone.payload_kg", "values": payloads}]}
    )


# In a fresh process: reading and writing parts, pyarrow starts no thread (its thread pools,
# once started, could abort the process at exit: see sortie.studies.result_store).
_PART_THREADS = """
import os, sys
from pathlib import Path
from sortie.studies.result_store import _read_part, parquet_bytes
def threads():
    return len(os.listdir("/proc/self/task"))
before = threads()
part = next(Path(sys.argv[1]).glob("part-*.parquet"))
frame = _read_part(part)
_read_part(part, ["design"])
parquet_bytes(frame)
print(before, threads())
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc")
def test_parts_are_read_and_written_without_pyarrow_threads(tmp_path):
    out = tmp_path / "r.parquet"
    run_sweep(_spm_spec([0.25]), out, executor=InProcessExecutor())
    done = subprocess.run(
        [sys.executable, "-c", _PART_THREADS, str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
    )
    assert done.returncode == 0, done.stderr
    before, after = done.stdout.split()
    assert after == before


def test_a_resume_over_parts_that_are_no_parquet_parts_is_a_one_line_error(tmp_path):
    spec = _spm_spec([0.25])
    out = tmp_path / "r.parquet"
    run_sweep(spec, out, executor=InProcessExecutor())
    part = out / "part-9999999-badpart0.parquet"

    # A named pipe would block a plain read: refused without waiting (the timeout says so).
    os.mkfifo(part)
    sweep_file = tmp_path / "s.toml"
    sweep_file.write_text(
        '[base]\nmission = "quad-isr-loiter"\ncell = "lg-m50-21700-chen2020"\n'
        '[base.settings]\nmodel = "spm"\n'
        '[[dimensions]]\nfield = "drone.payload_kg"\nvalues = [0.25]\n'
    )
    cli_out = tmp_path / "cli.parquet"
    first = _sortie_sweep(sweep_file, cli_out)
    assert first.returncode == 0, first.stderr
    cli_part = cli_out / part.name
    os.mkfifo(cli_part)
    done = _sortie_sweep(sweep_file, cli_out, "--resume")
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert str(cli_part) in done.stderr and "not a regular file" in done.stderr

    for make in (
        lambda: os.mkfifo(part),
        lambda: part.symlink_to("/dev/zero"),
        lambda: part.write_bytes(b"not parquet at all"),
    ):
        part.unlink(missing_ok=True)
        make()
        with pytest.raises(InputError) as error:
            sweep(spec, out, resume=True, executor=InProcessExecutor())
        assert str(part) in str(error.value) and "\n" not in str(error.value)
        assert "--resume" in str(error.value)
    assert "not a Parquet part of a sweep" in str(error.value)

    part.unlink()
    (out / "_sweep.json").unlink()
    (out / "_sweep.json").symlink_to("/dev/zero")
    with pytest.raises(InputError, match=r"_sweep\.json") as error:
        sweep(spec, out, resume=True, executor=InProcessExecutor())
    assert "\n" not in str(error.value)


def test_a_new_sweep_leaves_the_temporary_files_of_running_writers(tmp_path):
    out = tmp_path / "r.parquet"
    out.mkdir()
    writer = subprocess.Popen(["sleep", "60"])  # a writer still at work in the folder
    try:
        running = out / f".writing-{writer.pid}-inflight"
        running.write_bytes(b"half a part")
        old = time.time() - 3600
        os.utime(running, (old, old))
        dead = out / ".writing-999999999-orphan"  # above any pid_max: no such process
        dead.write_bytes(b"left by a killed writer")
        os.utime(dead, (old, old))
        table = sweep(_spm_spec([0.25]), out, executor=InProcessExecutor())
        assert len(table) == 1
        assert running.read_bytes() == b"half a part"
        assert not dead.exists()
    finally:
        writer.kill()
        writer.wait()


def test_dimension_files_are_relative_to_the_sweep_file(tmp_path, monkeypatch):
    folder = tmp_path / "study"
    folder.mkdir()
    preset = ROOT / "sortie/presets/data/cells/lg-m50-21700-chen2020.toml"
    text = preset.read_text().replace('id = "lg-m50-21700-chen2020"', 'id = "local-cell"', 1)
    (folder / "c.toml").write_text(text)
    path = folder / "sweep.toml"
    path.write_text(
        '[base]\nmission = "quad-isr-loiter"\ncell = "lg-m50-21700-chen2020"\n'
        '[base.settings]\nmodel = "spm"\n'
        '[[dimensions]]\nfield = "cell"\nvalues = ["c.toml", "lg-m50-21700-chen2020"]\n'
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the sweep file's folder, not the working one, is the rule
    spec = read_sweep_spec(path)
    assert [d["cell"] for d in spec.designs()] == [
        str(folder / "c.toml"),
        "lg-m50-21700-chen2020",  # a preset id is kept as written
    ]
    table = sweep(spec, executor=InProcessExecutor())
    assert list(table["cell_id"]) == ["local-cell", "lg-m50-21700-chen2020"]
    assert table["flown"].all()


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("sweep-reads-passwd.toml", "base.mission"),
        ("sweep-swap-spelling.toml", "base.set. drone. "),
    ],
)
def test_an_uploaded_sweep_names_presets_only(name, key):
    """The rule lives in the domain (parse_sweep_spec), not in the page: a sweep sent to the
    server that names a file is refused by the key that names it, before anything reads it."""
    from sortie.studies.design_space import parse_sweep_spec

    text = (Path(__file__).parent / "data" / "hostile" / name).read_text()
    with pytest.raises(InputError) as error:
        parse_sweep_spec(text, name)
    assert key in str(error.value) and "/etc/passwd" in str(error.value)


def test_an_uploaded_sweep_of_presets_parses():
    from sortie.studies.design_space import parse_sweep_spec

    text = 'name = "ok"\n[base]\nmission = "quad-isr-loiter"\ncell = "lg-m50-21700"\n' + (
        '[[dimensions]]\nfield = "cell"\nvalues = ["lg-m50-21700", "a123-26650-lfp"]\n'
    )
    spec = parse_sweep_spec(text, "ok.toml")
    assert spec.fields == ("cell",)
