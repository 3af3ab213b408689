"""Where a Sortie life's sortie time goes: one DFN sortie cycle of the ISR loiter on the LG M50
(OKane2022, every mechanism), the engine's ``AgeingSimulation``, with its speed-ups added one
at a time, in one process (same machine state for all):

1. PyBaMM's CasADi functions (MX), PyBaMM's default mesh;
2. + the engine's scalar (SX) functions (``ScalarFunctions``; OKane2022's cubic graphite OCP
   as one call, ``casadi_conversion.spline_function``);
3. + the coarse life mesh (``LifeMesh.COARSE``);
4. + the algebraic states out of IDA's error test: the engine as it ships.

Each flies ``--sorties`` sorties from new; the time per sortie is the mean of sorties 3 on
(the first builds, the second still settles the set's initial plated layer). The capacity
after the last sortie is compared with variant 1's.

    python benchmarks/bench_life_cycle.py [--sorties 10]

Cycle jumping is not part of this (see ``bench_life.py``).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import time

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

MISSION = "quad-isr-loiter"


def per_sortie_s(ends_s: list[float], start_s: float, skipped: int = 2) -> float:
    """The mean time of the sorties after the first ``skipped`` (``ends_s``: each sortie's end,
    from ``start_s``)."""
    if len(ends_s) <= skipped:
        raise ValueError(f"needs more than {skipped} sorties")
    times = [b - a for a, b in zip([start_s, *ends_s[:-1]], ends_s, strict=True)]
    return statistics.fmean(times[skipped:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sorties", type=int, default=10)
    args = parser.parse_args()

    from sortie.engine import ageing
    from sortie.models.ageing_runs import LifeMesh
    from sortie.models.settings import ModelKind, SimulationSettings
    from sortie.studies.life import ageing_spec, life_setup
    from sortie.studies.life_spec import LifeSpec

    setup = life_setup(MISSION, settings=SimulationSettings(model=ModelKind.DFN))
    spec = ageing_spec(setup, LifeSpec())[0]
    shipped = ageing._solver

    def solver(scalar: bool, suppress: bool):
        def made():
            found = ageing.AgeingSolver(
                rtol=ageing.SOLVER_RTOL,
                atol=ageing.SOLVER_ATOL,
                options={"suppress_algebraic_error": suppress},
            )
            found.scalar_functions = scalar
            return found

        return made

    variants = [
        ("PyBaMM's MX functions, default mesh", solver(False, False), LifeMesh.PYBAMM_DEFAULT),
        ("+ scalar (SX) functions", solver(True, False), LifeMesh.PYBAMM_DEFAULT),
        ("+ coarse life mesh", solver(True, False), LifeMesh.COARSE),
        ("+ algebraic states untested (shipped)", shipped, LifeMesh.COARSE),
    ]
    print(f"DFN, OKane2022, {MISSION}: one sortie cycle, mean of sorties 3..{args.sorties}")
    print(f"  {'':40} {'s per sortie':>12} {'capacity after':>15} {'vs first':>9}")
    first_ah = None
    for label, made, mesh in variants:
        ageing._solver = made
        try:
            simulation = ageing.AgeingSimulation(dataclasses.replace(spec, mesh=mesh))
            start = time.perf_counter()
            ends, state = [], None
            for _ in range(args.sorties):
                output, state = simulation.fly(state)
                ends.append(time.perf_counter())
        finally:
            ageing._solver = shipped
        capacity_ah = output.after.capacity_ah
        first_ah = capacity_ah if first_ah is None else first_ah
        print(
            f"  {label:40} {per_sortie_s(ends, start):12.3f} {capacity_ah:13.6f} Ah"
            f" {capacity_ah / first_ah - 1:+9.1e}"
        )


if __name__ == "__main__":
    main()
