"""Study pools (sweeps, optimisations): workers forked from one server that imported PyBaMM,
started early by the console script for the commands that use it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sortie.console import wants_study_server
from sortie.studies import executors
from tests import engine_work

SORTIE = Path(sys.executable).with_name("sortie")

pytestmark = pytest.mark.skipif(
    not executors.study_server_available() or not Path("/proc/self/maps").exists(),
    reason="no fork server (Windows) or no /proc to look at processes",
)


def _server_libraries(pid: int) -> str:
    return Path(f"/proc/{pid}/maps").read_text()


def test_study_workers_are_forked_from_a_server_that_imported_pybamm():
    with executors.executor_for(workers=2) as pool:
        origins = [
            future.result(timeout=120)
            for future in [pool.submit(engine_work.worker_origin, "HOME") for _ in range(4)]
        ]
    parents = {parent for _, parent, _ in origins}
    assert len(parents) == 1
    (server,) = parents
    # Not this process's children: the fork server's (a process of its own).
    assert server != os.getpid()
    assert all(pid != server for pid, _, _ in origins)
    command = Path(f"/proc/{server}/cmdline").read_bytes()
    assert b"multiprocessing.forkserver" in command
    # The server has PyBaMM's native core (CasADi) loaded: its workers start with it.
    assert "libcasadi" in _server_libraries(server)


def test_study_workers_see_the_environment_of_when_their_pool_was_made(monkeypatch):
    # A forked worker would have the server's environment of when the server started.
    with executors.executor_for(workers=2) as pool:
        assert pool.submit(engine_work.worker_origin, "SORTIE_TEST_MARK").result(120)[2] is None
    monkeypatch.setenv("SORTIE_TEST_MARK", "set later")
    with executors.executor_for(workers=2) as pool:
        origin = pool.submit(engine_work.worker_origin, "SORTIE_TEST_MARK").result(120)
    assert origin[2] == "set later"


@pytest.mark.parametrize(
    ("argv", "environ", "expected"),
    [
        (["sweep", "s.toml", "--out", "x", "--workers", "2"], {}, True),
        (["optimise", "o.toml", "--workers=3"], {}, True),
        (["sweep", "s.toml", "--out", "x"], {"SORTIE_WORKERS": "2"}, True),
        # One worker flies in this process; a cluster has its own workers.
        (["sweep", "s.toml", "--out", "x", "--workers", "1"], {}, False),
        (["sweep", "s.toml", "--out", "x"], {"SORTIE_WORKERS": "1"}, False),
        (["sweep", "s.toml", "--cluster", "tcp://10.0.0.5:8786", "--workers", "2"], {}, False),
        (["sweep", "s.toml", "--workers", "2"], {"SORTIE_DASK_SCHEDULER": "tcp://h:1"}, False),
        # Not a study, asking for help, or arguments the real parser will refuse.
        (["run", "--mission", "quad-isr-loiter"], {}, False),
        ([], {}, False),
        (["sweep", "--help"], {}, False),
        (["sweep", "s.toml", "--workers", "two"], {}, False),
        (["sweep", "s.toml"], {"SORTIE_WORKERS": "many"}, False),
    ],
)
def test_the_console_starts_the_server_only_for_a_local_study_pool(argv, environ, expected):
    assert wants_study_server(argv, environ) is expected


def test_a_bad_workers_variable_is_a_one_line_error(tmp_path):
    sweep_file = Path(__file__).resolve().parents[1] / "examples" / "sweeps" / "spme-1000.toml"
    done = subprocess.run(
        [str(SORTIE), "sweep", str(sweep_file), "--out", str(tmp_path / "x.parquet")],
        env={**os.environ, "SORTIE_WORKERS": "many"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "sortie: error: SORTIE_WORKERS=many: must be a whole number of workers within 1..256"
    )
