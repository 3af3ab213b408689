"""Calibration speed: a 4-parameter SPMe fit to four constant-current discharges, on the
engine's batched models against PyBOP's own ``pybop.pybamm.Simulator``, same problem, same
optimiser (XNES, same seed and iteration limit), in one run.

The four discharges (0.5, 1, 1.5 and 2C at 25 °C, 3 mV noise) are flown by the engine on the
LG M50 (Chen2020) preset with known factors on both particle diffusivities and both
exchange-current densities; both fits start from the preset (factors 1). Each side runs in a
fresh Python process ("cold": imports, builds and the fit), on SORTIE_SOLVER_THREADS=2.

    python benchmarks/bench_calibration.py [--iterations 40]

Prints a table and writes benchmarks/results/calibration.json (not committed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
BASE = "lg-m50-21700-chen2020"
TRUTH = {
    "negative-diffusivity": 2.0,
    "positive-diffusivity": 0.5,
    "negative-exchange-current": 1.5,
    "positive-exchange-current": 0.7,
}
RATES_C = (0.5, 1.0, 1.5, 2.0)


def make_data(path: Path) -> None:
    import numpy as np

    from sortie.calibration.fit import _spec
    from sortie.calibration.parameters import REGISTRY, FitKey
    from sortie.engine.current_model import CurrentModel
    from sortie.models.current_runs import CurrentRunInputs
    from sortie.models.run_setup import design_inputs
    from sortie.presets.loader import load_cell

    cell = load_cell(BASE)
    keys = [FitKey(k) for k in TRUTH]
    fitted = tuple(p for k in keys for p in REGISTRY[k].pybamm)
    values = tuple(TRUTH[k.value] for k in keys for _ in REGISTRY[k].pybamm)
    engine = CurrentModel(_spec(cell, "spme", (0.0,), 1.0), fitted, 2)
    volume = cell.budget.volume_m3
    arrays = {}
    rng = np.random.default_rng(0)
    for rate in RATES_C:
        inputs = CurrentRunInputs(
            (5.0 * rate,), 298.15, 298.15, 393.15, 10.0, volume,
            cell.design.format.surface_area_m2, cell.heat_capacity_j_per_k / volume,
            design_inputs(cell), 0.0, values,
        )  # fmt: skip
        run = engine.run_many([inputs], np.linspace(0, 3600 / rate * 1.1, 400))[0]
        arrays[f"{rate}_t"] = run.time_s
        arrays[f"{rate}_i"] = run.current_a
        arrays[f"{rate}_v"] = run.voltage_v + rng.normal(0, 0.003, run.voltage_v.size)
        arrays[f"{rate}_T"] = run.temperature_k - 273.15
    np.savez(path, **arrays)


def worker(side: str, data: str, iterations: int, process_start: float) -> dict:
    import numpy as np

    from sortie.calibration.fit import calibrate, fit_problem
    from sortie.calibration.parameters import FitKey
    from sortie.engine.fitting import FitOptions, fit_with_pybop_simulator
    from sortie.measurements.cell_test import CellTest, TestKind
    from sortie.presets.loader import load_cell

    arrays = np.load(data)
    tests = [
        CellTest(f"{rate:g}C", arrays[f"{rate}_t"], arrays[f"{rate}_i"], arrays[f"{rate}_v"],
                 25.0, TestKind.RATE, arrays[f"{rate}_T"])
        for rate in RATES_C
    ]  # fmt: skip
    cell = load_cell(BASE)
    keys = tuple(FitKey(k) for k in TRUTH)
    if side == "engine":
        calibration = calibrate(cell, tests, keys, model="spme", max_iterations=iterations)
        values = {v.key.value: v.value for v in calibration.values}
        errors = {v.key.value: v.standard_error for v in calibration.values}
        fit_s, evaluations = calibration.seconds, calibration.evaluations
    else:
        _, variables, fit_tests = fit_problem(cell, tests, keys, "spme")
        values, fit_s, evaluations = fit_with_pybop_simulator(
            variables, fit_tests, FitOptions(max_iterations=iterations)
        )
        errors = {}
    return {
        "side": side,
        "cold_s": time.time() - process_start,
        "fit_s": fit_s,
        "evaluations": evaluations,
        "values": values,
        "standard_errors": errors,
    }


def run_side(side: str, data: Path, iterations: int) -> dict:
    code = (
        "import sys, json, time; start = time.time(); sys.path.insert(0, 'benchmarks');"
        "from bench_calibration import worker;"
        f"print(json.dumps(worker({side!r}, {str(data)!r}, {iterations}, start)))"
    )
    env = {**os.environ, "SORTIE_SOLVER_THREADS": "2", "PYBAMM_DISABLE_TELEMETRY": "true"}
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_s"] = time.time() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "discharges.npz"
        make_data(data)
        engine = run_side("engine", data, args.iterations)
        pybop_side = run_side("pybop", data, args.iterations)
    print(f"{'':12s} {'cold s':>8s} {'fit s':>8s} {'evals':>6s}  values (truth {TRUTH})")
    for result in (engine, pybop_side):
        values = {k: round(v, 3) for k, v in result["values"].items()}
        print(
            f"{result['side']:12s} {result['process_s']:8.1f} {result['fit_s']:8.1f} "
            f"{result['evaluations']:6d}  {values}"
        )
    ratio = pybop_side["fit_s"] / engine["fit_s"]
    cold_ratio = pybop_side["process_s"] / engine["process_s"]
    print(f"PyBOP Simulator / engine: fit {ratio:.1f}x, cold {cold_ratio:.1f}x")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "calibration.json").write_text(
        json.dumps(
            {"engine": engine, "pybop": pybop_side, "fit_ratio": ratio, "cold_ratio": cold_ratio,
             "truth": TRUTH, "iterations": args.iterations},
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
