"""Design changes: re-solve on the cached model (design as input parameters) vs a rebuild.

    python benchmarks/bench_design.py [--designs 8] [--cell lg-m50-21700-chen2020]

Flies the quadcopter ISR mission on N designs (positive and negative coating thickness from
0.7x to 1.3x) through Sortie, then builds a new plain PyBaMM Simulation for each design with
the same physics and tolerances. Same process, same machine: the ratio is what counts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--designs", type=int, default=8)
    parser.add_argument("--cell", default="lg-m50-21700-chen2020")
    parser.add_argument("--model", default="dfn", choices=["dfn", "spme"])
    args = parser.parse_args()

    import pybamm

    from sortie import engine as electrochemistry
    from sortie.models.flight import compile_flight, fly
    from sortie.models.settings import SimulationSettings
    from sortie.presets import load_cell
    from sortie.studies.setup import assemble, resolve_setup

    base = load_cell(args.cell)
    settings = SimulationSettings(model=args.model)
    base_setup = resolve_setup(
        "quad-isr-loiter",
        cell=base,
        drone="isr-quad",
        series_count=6,
        parallel_count=2,
        settings=settings,
    )
    pack = base_setup.pack
    positive = base.design.positive.coating_thickness_um
    negative = base.design.negative.coating_thickness_um
    factors = np.linspace(0.7, 1.3, args.designs)
    cells = [
        load_cell(
            args.cell,
            {
                "positive_electrode_thickness_um": positive * f,
                "negative_electrode_thickness_um": negative * f,
            },
        )
        for f in factors
    ]
    # One mission for all designs (the pack mass changes with the design: keep the power
    # profile of the base design, flown by the pack alone, so that only the cell changes).
    mission = compile_flight(base_setup).mission
    setups = [assemble(cell, pack, mission, settings=settings) for cell in cells]

    start = time.perf_counter()
    fly(setups[0])
    first_s = time.perf_counter() - start
    sortie_s = []
    for setup in setups[1:]:
        start = time.perf_counter()
        fly(setup)
        sortie_s.append(time.perf_counter() - start)
    assert electrochemistry.built_model_count() == 1

    from plain_pybamm import piecewise_power, solve_new_simulation

    power = piecewise_power(
        mission.start_times_s, [s.power_w / pack.cell_count for s in mission.segments]
    )
    plain_s = []
    for cell in cells[1:]:
        start = time.perf_counter()
        values = pybamm.ParameterValues(cell.chemistry.parameter_set)
        um = 1e-6
        values.update(
            {
                "Positive electrode thickness [m]": cell.design.positive.coating_thickness_um * um,
                "Negative electrode thickness [m]": cell.design.negative.coating_thickness_um * um,
                "Electrode width [m]": cell.budget.electrode_area_m2
                / values["Electrode height [m]"],
                "Power function [W]": power,
                "Cell heat capacity [J.K-1.m-3]": cell.heat_capacity_j_per_k
                / cell.budget.volume_m3,
            },
            check_already_exists=False,
        )
        solve_new_simulation(args.model, values, mission.duration_s)
        plain_s.append(time.perf_counter() - start)

    print(f"cell {args.cell}, model {args.model}, {args.designs} designs, {os.cpu_count()} cores")
    print(f"first design (build + solve): {first_s:.2f} s")
    print(f"Sortie, changed design (re-solve): median {statistics.median(sortie_s):.3f} s")
    print(f"plain PyBaMM, new Simulation per design: median {statistics.median(plain_s):.3f} s")
    print(f"speed-up: {statistics.median(plain_s) / statistics.median(sortie_s):.1f}x")


if __name__ == "__main__":
    main()
