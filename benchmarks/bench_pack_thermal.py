"""What the pack thermal model costs: a run of a 6S4P pack (the mean cell in PyBaMM, then the
25-node network of its cells and enclosure) against the same cell flown alone (a one-cell open
frame: the lumped cell of before), in one process, on built models.

    python benchmarks/bench_pack_thermal.py [--model dfn] [--repeats 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
RESULTS = Path(__file__).parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="dfn", choices=["dfn", "spme", "spm"])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    from sortie.cells.pack import Pack
    from sortie.cells.pack_layout import PackLayout
    from sortie.models.flight import fly
    from sortie.models.mission import FlightPhase, Mission, Segment
    from sortie.models.settings import ModelKind, SimulationSettings
    from sortie.presets import load_cell
    from sortie.studies.setup import assemble, built_pack

    cell = load_cell("lg-m50-21700-chen2020")
    settings = SimulationSettings(model=ModelKind(args.model))

    def mission(cells: int) -> Mission:
        per_cell = (
            (60, 30.0),
            (1200, 20.0),
            (120, 45.0),
            (300, 18.0),
        )  # climb, hover, dash, return
        return Mission(
            id="bench",
            name="bench",
            description="pack thermal benchmark",
            segments=tuple(
                Segment(name=f"s{i}", duration_s=d, power_w=p * cells, phase=FlightPhase.TEST)
                for i, (d, p) in enumerate(per_cell)
            ),
            ambient_c=20.0,
        )

    single = dataclasses.replace(built_pack(1, 1), layout=PackLayout(sealed=False))
    pack = built_pack(6, 4)

    def timed(which: Pack) -> tuple[float, float]:
        setup = assemble(cell, which, mission(which.cell_count), settings=settings)
        fly(setup)  # build and set up
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            flight = fly(setup)
            times.append(time.perf_counter() - start)
        return statistics.median(times), flight.summary.max_cell_temperature_c

    single_s, single_peak = timed(single)
    pack_s, pack_peak = timed(pack)
    results = {
        "model": args.model,
        "single_cell_run_s": single_s,
        "pack_6s4p_run_s": pack_s,
        "ratio_pack_over_single": pack_s / single_s,
        "single_cell_peak_c": single_peak,
        "pack_hottest_cell_peak_c": pack_peak,
    }
    for name, value in results.items():
        print(f"{name:28s} {value}")
    print(f"cost of the pack thermal model over a single-cell run: {pack_s / single_s:.1f}x")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"pack-thermal-{args.model}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
