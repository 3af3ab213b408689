"""The benchmark scripts still run (figures are recorded in issue notes, not asserted)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["benchmarks/bench_mission.py", "--repeats", "1", "--models", "spme"],
        ["benchmarks/bench_design.py", "--designs", "2", "--model", "spme"],
        ["benchmarks/bench_explorer.py", "--repeats", "1"],
    ],
    ids=["mission", "design", "explorer"],
)
def test_benchmark_runs(args):
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYBAMM_DISABLE_TELEMETRY": "true"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "speed-up" in done.stdout or "x" in done.stdout.splitlines()[-1]
