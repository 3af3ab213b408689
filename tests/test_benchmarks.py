"""The benchmark scripts still run and end with their ratio (figures are recorded in the
README and issue notes, not asserted: speed is measured, not tested)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RATIO = re.compile(r"(\d+\.\d)x$")
SMALL_SWEEP = """
name = "benchmark smoke test"
[base]
mission = "quad-isr-loiter"
cell = "lg-m50-21700-chen2020"
[base.settings]
model = "spm"
[[dimensions]]
field = "cell.positive_electrode_thickness_um"
start = 65.0
stop = 75.0
count = 6
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["benchmarks/bench_mission.py", "--repeats", "1", "--models", "spme"],
        ["benchmarks/bench_design.py", "--designs", "2", "--model", "spme"],
        ["benchmarks/bench_explorer.py", "--repeats", "1"],
        ["benchmarks/bench_pack_thermal.py", "--model", "spme", "--repeats", "1"],
    ],
    ids=["mission", "design", "explorer", "pack-thermal"],
)
def test_benchmark_runs(args):
    _run(args)


def _run(args):
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYBAMM_DISABLE_TELEMETRY": "true"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    ratio = RATIO.search(done.stdout.strip().splitlines()[-1])
    assert ratio and float(ratio.group(1)) > 0, done.stdout[-500:]


@pytest.mark.slow
def test_sweep_benchmark_runs(tmp_path):
    sweep = tmp_path / "small.toml"
    sweep.write_text(SMALL_SWEEP)
    # SPM: its compile (--compiled times the sweep compiled too, and its ratio is the last
    # line) takes seconds, not minutes. The compile goes to this test's own folder.
    _run(
        [
            "benchmarks/bench_sweep.py",
            "--sweep",
            str(sweep),
            "--plain-sample",
            "2",
            "--repeats",
            "1",
            "--compiled",
        ]
    )
