"""Design sweeps at speed: ``sortie sweep`` as a user runs it against the plain PyBaMM loop.

    python benchmarks/bench_sweep.py [--sweep examples/sweeps/dfn-thickness-porosity-200.toml]
        [--plain-sample 16] [--repeats 3] [--skip-dask] [--compiled]

Measured in one run, on this machine, so that the ratios count:
- the plain PyBaMM way: a new ``pybamm.Simulation`` per design with the same physics and
  tolerances (benchmarks/plain_pybamm.py), timed on a sample of the sweep's designs;
- ``sortie sweep FILE --out x.parquet`` in a fresh process (imports, model builds, solves,
  writing), the median of ``--repeats`` runs: designs per second and the ratio to the plain
  loop; with 1 and 2 workers; through a new local 2-worker Dask cluster each run (and once
  more on the last one, whose workers kept their models);
- inside one process: the single-design re-solve time on the built model, and the batch
  (one list-of-inputs solve) against one-by-one re-solves;
- the peak memory (largest resident set) of a sweep process and its workers;
- with ``--compiled``: the same sweep with ``compiled = true``, once with an empty compile
  cache (the first run of a model structure pays the compile) and then as every later run
  does (the compiled library found on disk).
Results go to benchmarks/results/sweep-<name>.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results"
SORTIE = Path(sys.executable).with_name("sortie")


def _sweep_process(
    sweep: Path, out: Path, *extra: str, env: dict[str, str] | None = None
) -> tuple[float, float]:
    """Wall time [s] and peak resident memory [MB] of ``sortie sweep`` in a new process."""
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(
        [str(SORTIE), "sweep", str(sweep), "--out", str(out), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYBAMM_DISABLE_TELEMETRY": "true", **(env or {})},
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"sortie sweep failed: {done.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def _repeated_sweeps(
    repeats: int, sweep: Path, out: Path, *extra: str, env: dict[str, str] | None = None
) -> tuple[float, list[float], float]:
    """The median wall time [s] of ``repeats`` runs, every run's time, and the peak memory
    [MB]: this machine's noise moves one run by up to ~1 s."""
    runs = [_sweep_process(sweep, out, *extra, env=env) for _ in range(repeats)]
    times = [seconds for seconds, _ in runs]
    return statistics.median(times), times, max(peak for _, peak in runs)


def _setups(sweep: Path):
    from sortie.studies.design_rows import resolve_base
    from sortie.studies.design_space import read_sweep_spec
    from sortie.studies.setup import apply_changes

    spec = read_sweep_spec(sweep)
    base = resolve_base(spec)
    return spec, [apply_changes(base.setup, {**base.changes, **d}) for d in spec.designs()]


def _plain_design_s(setup) -> float:
    """One design the plain way: a new Simulation with the design's parameters."""
    import pybamm
    from plain_pybamm import plain_values, solve_new_simulation

    from sortie.models.flight import compile_flight

    mission = compile_flight(setup).mission
    start = time.perf_counter()
    values = plain_values(
        setup.cell, setup.pack, mission, setup.settings.heat_transfer_coefficient_w_per_m2_k
    )
    # A design that cannot fly costs its time too.
    with contextlib.suppress(pybamm.SolverError):
        solve_new_simulation(setup.settings.model.value, values, mission.duration_s)
    return time.perf_counter() - start


def _in_process(setups, repeats: int = 3) -> dict[str, float]:
    """Single-design re-solve and batch against one by one, on one built model."""
    from sortie.engine import built_model
    from sortie.models.chain import prepare_run
    from sortie.models.flight import compile_flight

    runs = []
    for setup in setups:
        try:
            runs.append(
                prepare_run(setup.cell, setup.pack, compile_flight(setup).mission, setup.settings)
            )
        except Exception:  # a design that cannot fly: not part of this measurement
            continue
    runs = [r for r in runs if r.spec == runs[0].spec][:40]
    model = built_model(runs[0].spec, solver_threads=1)
    grid = runs[0].time_grid_s
    model.run(runs[0].inputs, grid)  # solver set-up
    single = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.run(runs[1].inputs, grid)
        single.append(time.perf_counter() - start)
    start = time.perf_counter()
    for run in runs:
        model.run(run.inputs, grid)
    one_by_one = (time.perf_counter() - start) / len(runs)
    start = time.perf_counter()
    model.run_many([r.inputs for r in runs], grid)
    batched = (time.perf_counter() - start) / len(runs)
    return {
        "single_resolve_s": statistics.median(single),
        "single_resolve_mx_s": _mx_resolve_s(runs[0].spec, runs[:2], grid, repeats),
        "one_by_one_per_design_s": one_by_one,
        "batch_per_design_s": batched,
        "batch_speedup_over_one_by_one": one_by_one / batched,
    }


def _mx_resolve_s(spec, runs, grid, repeats: int) -> float:
    """The same re-solve with the MX functions PyBaMM builds (the engine turns them into SX)."""
    from sortie.engine import BuiltModel

    model = BuiltModel(spec, solver_threads=1, pybamm_set_up=True)
    model.run(runs[0].inputs, grid)  # solver set-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.run(runs[1].inputs, grid)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _compiled_copy(sweep: Path, folder: Path) -> Path:
    """The sweep file with ``compiled = true`` in its base settings (its file references made
    absolute: the copy lives elsewhere)."""
    import tomli_w

    from sortie.studies.design_space import with_file_paths

    data = with_file_paths(tomllib.loads(sweep.read_text()), sweep.resolve().parent)
    data.setdefault("base", {}).setdefault("settings", {})["compiled"] = True
    copy = folder / f"{sweep.stem}-compiled.toml"
    copy.write_text(tomli_w.dumps(data))
    return copy


def _compiled_sweeps(sweep: Path, folder: Path, designs: int, repeats: int) -> dict[str, Any]:
    """The compiled sweep with an empty compile cache, then with the library on disk."""
    compiled = _compiled_copy(sweep, folder)
    out = folder / "compiled.parquet"
    env = {"PYBAMM_CASADI_AOT_CACHE": str(folder / "aot-cache")}
    results = {}
    results["sweep_compiled_first_run_s"], _ = _sweep_process(
        compiled, out, "--workers", "2", env=env
    )
    if not list((folder / "aot-cache").glob("*.so")):
        raise SystemExit("nothing was compiled (no C compiler?): no compiled figures")
    for workers in (2, 1):
        seconds, times, _ = _repeated_sweeps(
            repeats, compiled, out, "--workers", str(workers), env=env
        )
        results[f"sweep_compiled_{workers}_workers_s"] = seconds
        results[f"sweep_compiled_{workers}_workers_runs_s"] = times
        results[f"sweep_compiled_{workers}_workers_designs_per_s"] = designs / seconds
    return results


def _dask_sweeps(sweep: Path, out: Path, repeats: int) -> tuple[list[float], float]:
    """Wall times of ``repeats`` sweeps, each on a new local cluster (its workers import
    PyBaMM and build the models, as the local pool's do), and of one more sweep on the last
    cluster (warm: its workers keep their models between sweeps)."""
    from distributed import LocalCluster

    cold = []
    for _ in range(repeats):
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            address = cluster.scheduler_address
            cold.append(_sweep_process(sweep, out, "--cluster", address)[0])
            if len(cold) == repeats:
                warm = _sweep_process(sweep, out, "--cluster", address)[0]
    return cold, warm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sweep", type=Path, default=ROOT / "examples/sweeps/dfn-thickness-porosity-200.toml"
    )
    parser.add_argument("--plain-sample", type=int, default=16)
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument(
        "--repeats", type=int, default=3, help="runs of each sweep (the median is reported)"
    )
    parser.add_argument(
        "--compiled", action="store_true", help="also time the sweep with compiled = true"
    )
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    sys.path.insert(0, str(Path(__file__).parent))
    os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

    spec, setups = _setups(args.sweep)
    step = max(1, len(setups) // args.plain_sample)
    sample = setups[::step][: args.plain_sample]
    results: dict[str, Any] = {"designs": len(setups), "cores": os.cpu_count() or 1}
    plain = [_plain_design_s(s) for s in sample]
    results["plain_per_design_s"] = statistics.median(plain)
    results["plain_designs_per_s"] = 1 / results["plain_per_design_s"]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "x.parquet"
        for workers in (2, 1):
            seconds, times, peak = _repeated_sweeps(
                args.repeats, args.sweep, out, "--workers", str(workers)
            )
            results[f"sweep_{workers}_workers_s"] = seconds
            results[f"sweep_{workers}_workers_runs_s"] = times
            results[f"sweep_{workers}_workers_designs_per_s"] = len(setups) / seconds
            results[f"sweep_{workers}_workers_peak_mb"] = peak
        if not args.skip_dask:
            times, warm = _dask_sweeps(args.sweep, out, args.repeats)
            seconds = statistics.median(times)
            results["sweep_dask_2_workers_s"] = seconds
            results["sweep_dask_2_workers_runs_s"] = times
            results["sweep_dask_warm_cluster_s"] = warm
            results["dask_overhead_over_local_pool"] = seconds / results["sweep_2_workers_s"]
        if args.compiled:
            results.update(_compiled_sweeps(args.sweep, Path(folder), len(setups), args.repeats))
    results.update(_in_process(setups))
    best = max(results["sweep_1_workers_designs_per_s"], results["sweep_2_workers_designs_per_s"])
    results["ratio_sweep_over_plain"] = best / results["plain_designs_per_s"]
    if args.compiled:
        best_compiled = max(
            results["sweep_compiled_1_workers_designs_per_s"],
            results["sweep_compiled_2_workers_designs_per_s"],
        )
        results["ratio_compiled_sweep_over_plain"] = best_compiled / results["plain_designs_per_s"]

    for name, value in results.items():
        shown = " ".join(f"{v:.3g}" for v in value) if isinstance(value, list) else f"{value:10.4g}"
        print(f"{name:40s} {shown}")
    print(
        f"{spec.name}: {len(setups)} designs; speed-up of the sweep over the plain loop: "
        f"{results['ratio_sweep_over_plain']:.1f}x"
    )
    if args.compiled:
        print(
            f"compiled, from the second run on: {results['ratio_compiled_sweep_over_plain']:.1f}x"
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"sweep-{args.sweep.stem}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
