"""Calibration speed: a 4-parameter SPMe fit to four constant-current discharges, on the
engine's batched models against PyBOP's own ``pybop.pybamm.Simulator``, same problem, same
optimiser, in one run.

The four discharges (0.5, 1, 1.5 and 2C at 25 °C in the fit's chamber, 3 mV noise) are flown
by the engine on the LG M50 (Chen2020) preset with known factors on both particle
diffusivities and both exchange-current densities. Both fits: the same search space (the
four factors, log-scaled, bounds 0.05-20, in the same order), start (the preset: factors 1),
cost (the sum of the tests' voltage RMSEs on the same 200 points each), optimiser (CMA-ES by
default, same seed, population, iteration limit and stopping rule) and data; each side solves
a whole generation as one batch per test on 2 threads. The engine on its fit builds
(:mod:`sortie.engine.fit_model`: voltages only, fixed inputs as numbers, rtol 1e-4),
compiled ("engine", its compile counted: an empty compile cache; "engine-cached", a second
process with that compile), and not ("engine-sx"); PyBOP with its recommended solver
(rtol 1e-6). "The same result": every fitted value within 2 % of the other side's, or within
2 of the engine's standard errors. Each side runs in a fresh Python process ("cold":
imports, builds and the fit), on SORTIE_SOLVER_THREADS=2.

    python benchmarks/bench_calibration.py [--iterations 200] [--optimiser cmaes] [--dfn]

``--dfn`` adds the engine's DFN fit of the same problem (its time only). Prints a table and
writes benchmarks/results/calibration.json.
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

    from sortie.calibration.fit import DEFAULT_HEAT_TRANSFER_W_PER_M2_K, _spec
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
            (5.0 * rate,), 298.15, 298.15, 393.15, DEFAULT_HEAT_TRANSFER_W_PER_M2_K, volume,
            cell.design.format.surface_area_m2, cell.heat_capacity_j_per_k / volume,
            design_inputs(cell), 0.0, values,
        )  # fmt: skip
        run = engine.run_many([inputs], np.linspace(0, 3600 / rate * 1.1, 400))[0]
        arrays[f"{rate}_t"] = run.time_s
        arrays[f"{rate}_i"] = run.current_a
        arrays[f"{rate}_v"] = run.voltage_v + rng.normal(0, 0.003, run.voltage_v.size)
        arrays[f"{rate}_T"] = run.temperature_k - 273.15
    np.savez(path, **arrays)


def worker(
    side: str, data: str, iterations: int, optimiser: str, unchanged: int, process_start: float
) -> dict:
    import numpy as np

    from sortie.calibration.fit import calibrate, fit_problem
    from sortie.calibration.parameters import FitKey
    from sortie.engine.fitting import FitOptions, Optimiser
    from sortie.engine.pybop_reference import fit_with_pybop_simulator
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
    if side.startswith("engine"):
        calibration = calibrate(
            cell, tests, keys, model="dfn" if side == "engine-dfn" else "spme",
            optimiser=optimiser, max_iterations=iterations, max_unchanged_iterations=unchanged,
            compiled=side != "engine-sx",
        )  # fmt: skip
        values = {v.key.value: v.value for v in calibration.values}
        errors = {v.key.value: v.standard_error for v in calibration.values}
        fit_s, evaluations = calibration.seconds, calibration.evaluations
        cost, done = calibration.cost_v, calibration.iterations
    else:
        _, variables, fit_tests = fit_problem(cell, tests, keys, "spme")
        found = fit_with_pybop_simulator(
            variables,
            fit_tests,
            FitOptions(
                optimiser=Optimiser(optimiser),
                max_iterations=iterations,
                max_unchanged_iterations=unchanged,
            ),
        )
        values, fit_s, evaluations = found.values, found.seconds, found.evaluations
        cost, done, errors = found.cost_v, found.iterations, {}
    return {
        "side": side,
        "cold_s": time.time() - process_start,
        "fit_s": fit_s,
        "evaluations": evaluations,
        "iterations": done,
        "cost_v": cost,
        "values": values,
        "standard_errors": errors,
    }


def same_result(engine: dict, other: dict) -> dict[str, dict[str, float | bool]]:
    """Per value: the relative difference, the difference in the engine's standard errors,
    and whether it is the same (within 2 %, or within 2 standard errors)."""
    found = {}
    for key, value in engine["values"].items():
        theirs = other["values"][key]
        relative = abs(theirs / value - 1)
        error = engine["standard_errors"].get(key)
        in_errors = abs(theirs - value) / error if error else float("inf")
        found[key] = {
            "relative_difference": relative,
            "engine_standard_errors": in_errors,
            "same": relative <= 0.02 or in_errors <= 2.0,
        }
    return found


def run_side(
    side: str, data: Path, iterations: int, optimiser: str, unchanged: int, cache: Path
) -> dict:
    """One side in a fresh process; ``cache``: its compile cache (PYBAMM_CASADI_AOT_CACHE)."""
    kind = side.removesuffix("-cached")
    code = (
        "import sys, json, time; start = time.time(); sys.path.insert(0, 'benchmarks');"
        "from bench_calibration import worker;"
        f"print(json.dumps(worker({kind!r}, {str(data)!r}, {iterations}, {optimiser!r}, "
        f"{unchanged}, start)))"
    )
    env = {
        **os.environ,
        "SORTIE_SOLVER_THREADS": "2",
        "PYBAMM_DISABLE_TELEMETRY": "true",
        "PYBAMM_CASADI_AOT_CACHE": str(cache),
    }
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["side"] = side
    result["process_s"] = time.time() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--optimiser", default="cmaes")
    parser.add_argument("--unchanged", type=int, default=40, help="max unchanged iterations")
    parser.add_argument("--dfn", action="store_true", help="also the engine's DFN fit")
    args = parser.parse_args()
    settings = (args.iterations, args.optimiser, args.unchanged)
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "discharges.npz"
        make_data(data)
        # The compiled engine from an empty compile cache (its compile is part of its time),
        # then again in a new process with what it compiled (a second fit of the same data).
        cache = Path(folder) / "compiled"
        cache.mkdir()
        engine = run_side("engine", data, *settings, cache)
        cached = run_side("engine-cached", data, *settings, cache)
        pybop_side = run_side("pybop", data, *settings, cache)
        uncompiled = run_side("engine-sx", data, *settings, cache)
        dfn = run_side("engine-dfn", data, *settings, cache) if args.dfn else None
    print(f"{'':12s} {'cold s':>8s} {'fit s':>8s} {'evals':>6s} {'cost V':>8s}  values")
    for result in (engine, cached, uncompiled, pybop_side, *([dfn] if dfn else [])):
        values = {k: round(v, 4) for k, v in result["values"].items()}
        print(
            f"{result['side']:12s} {result['process_s']:8.1f} {result['fit_s']:8.1f} "
            f"{result['evaluations']:6d} {result['cost_v']:8.5f}  {values}"
        )
    print(f"truth {TRUTH}")
    ratio = pybop_side["fit_s"] / engine["fit_s"]
    cold_ratio = pybop_side["process_s"] / engine["process_s"]
    same = same_result(engine, pybop_side)
    sx_ratio = pybop_side["fit_s"] / uncompiled["fit_s"]
    cached_ratio = pybop_side["fit_s"] / cached["fit_s"]
    cached_cold_ratio = pybop_side["process_s"] / cached["process_s"]
    print(f"PyBOP Simulator / engine: fit {ratio:.1f}x, cold {cold_ratio:.1f}x")
    print(f"  compile cached: fit {cached_ratio:.1f}x, cold {cached_cold_ratio:.1f}x")
    print(f"  uncompiled: fit {sx_ratio:.1f}x")
    print(f"same result: {all(v['same'] for v in same.values())} {same}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "calibration.json").write_text(
        json.dumps(
            {"engine": engine, "engine_compile_cached": cached, "pybop": pybop_side,
             "engine_uncompiled": uncompiled, "engine_dfn": dfn, "fit_ratio": ratio,
             "cold_ratio": cold_ratio, "compile_cached_fit_ratio": cached_ratio,
             "compile_cached_cold_ratio": cached_cold_ratio,
             "uncompiled_fit_ratio": sx_ratio, "same_result": same,
             "uncompiled_same_result": same_result(uncompiled, pybop_side),
             "same": all(v["same"] for v in same.values()), "truth": TRUTH,
             "iterations": args.iterations, "optimiser": args.optimiser,
             "max_unchanged_iterations": args.unchanged},
            indent=2,
        )
    )  # fmt: skip


if __name__ == "__main__":
    main()
