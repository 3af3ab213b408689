"""Explorer speed: a three-cell comparison through the shared worker pool, against a plain
PyBaMM loop (a new Simulation per cell, one after the other) in the same run.

Measured: the cold start (spawning the workers, importing PyBaMM, building the default
view's models, first results), a warm comparison that is not cached (another ambient: same
models), and a cached one (what a repeated view or a shared link costs).

    python benchmarks/bench_explorer.py [--repeats 3]

Prints a table and writes benchmarks/results/explorer.json (not committed).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
DEFAULT = {
    "mission": {"preset": "quad-isr-loiter"},
    "cells": [
        {"preset": "lg-m50-21700"},
        {"preset": "nca-18650-power"},
        {"preset": "nmc811-high-power-21700"},
    ],
}


def compare(runner, scenario) -> tuple[float, float]:
    """(seconds to the first verdict, seconds to all verdicts)."""
    from sortie.studies.comparison import fly_task

    start = time.perf_counter()
    first = None
    for _, outcome in runner.as_completed(
        [fly_task(scenario, i) for i in range(len(scenario.cells))]
    ):
        assert outcome.ok, outcome.error
        first = first or time.perf_counter() - start
    return first, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    from plain_pybamm import plain_mission_run

    from sortie.studies.comparison import compiled_of, fly_task
    from sortie.studies.result_cache import ResultCache
    from sortie.studies.runner import Runner
    from sortie.studies.scenario import scenario_from_dict

    default = scenario_from_dict(DEFAULT)
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as cache_dir:
        start = time.perf_counter()
        runner = Runner(
            cache=ResultCache(Path(cache_dir)),
            warm_tasks=[fly_task(default, i) for i in range(len(default.cells))],
        )
        runner.start()
        first, every = compare(runner, default)
        results["cold_first_verdict_s"] = time.perf_counter() - start - (every - first)
        results["cold_all_verdicts_s"] = time.perf_counter() - start
        warm_first, warm_all = [], []
        for repeat in range(args.repeats):
            other = scenario_from_dict({**DEFAULT, "ambient_c": 5.0 + repeat})
            first, every = compare(runner, other)
            warm_first.append(first)
            warm_all.append(every)
        results["warm_first_verdict_s"] = statistics.median(warm_first)
        results["warm_all_verdicts_s"] = statistics.median(warm_all)
        results["cached_all_verdicts_s"] = compare(runner, default)[1]
        runner.shutdown()

    plain = []
    for repeat in range(args.repeats):
        other = scenario_from_dict({**DEFAULT, "ambient_c": 5.0 + repeat})
        total = 0.0
        for index in range(len(other.cells)):
            flown = compiled_of(other, index)
            total += plain_mission_run("dfn", flown.mission, flown.setup.cell, flown.setup.pack)
        plain.append(total)
    results["plain_pybamm_loop_all_s"] = statistics.median(plain)
    results["ratio_plain_over_warm"] = (
        results["plain_pybamm_loop_all_s"] / results["warm_all_verdicts_s"]
    )

    for name, value in results.items():
        print(f"{name:28s} {value:8.3f}")
    print(
        "speed-up of a warm comparison over the plain loop: "
        f"{results['ratio_plain_over_warm']:.1f}x"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "explorer.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
