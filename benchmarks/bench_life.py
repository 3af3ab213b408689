"""Life speed: 500 sorties of the ISR loiter (quad-isr-loiter) on the LG M50 (OKane2022, DFN
with SEI, SEI on cracks, partially reversible plating, cracking and stress-driven loss of
active material, lumped thermal), ``sortie life`` (cycle jumping) against PyBaMM's own
``Experiment`` loop over the same sorties (same steps: the mission's power per cell, the
1C CCCV recharge to 4.2 V, the 30-minute turnaround; ``save_at_cycles`` so only the first and
last cycle are kept).

The plain loop is MEASURED ON 20 SORTIES AND EXTRAPOLATED to 500 (x 25, per-cycle cost taken
as constant; its model build is counted once). Accuracy: the capacity after 20 sorties of the
accelerated run against the plain loop's (both PyBaMM's electrode-SOH capacity).

    python benchmarks/bench_life.py [--model dfn|spme] [--sorties 500] [--plain-sorties 20]

Each side runs in a fresh Python process (imports, builds, solves). Prints a table and writes
benchmarks/results/life-<model>.json (not committed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
MISSION = "quad-isr-loiter"


def _spec(model: str):
    from sortie.models.settings import ModelKind, SimulationSettings
    from sortie.studies.life import ageing_spec, life_setup
    from sortie.studies.life_spec import LifeSpec

    setup = life_setup(MISSION, settings=SimulationSettings(model=ModelKind(model)))
    return setup, ageing_spec(setup, LifeSpec())[0]


def sortie_side(sorties: int, model: str) -> dict:
    from sortie.progress import TerminalProgress
    from sortie.studies.life import run_life
    from sortie.studies.life_spec import LifeSpec

    start = time.perf_counter()
    setup, _ = _spec(model)
    progress = TerminalProgress("life", unit="sorties")
    result = run_life(setup, LifeSpec(sorties=sorties), progress=progress.update)
    wall = time.perf_counter() - start
    table = result.table
    return {
        "wall_s": wall,
        "simulated_sorties": result.summary.simulated_sorties,
        "solved": [int(s) for s in table.index[table.simulated]],
        "capacity_relative_solved": [
            round(float(c), 6) for c in table.capacity_relative[table.simulated]
        ],
        "capacity_after_20_ah": float(table.capacity_ah.loc[21]),
        "capacity_relative_end": result.summary.capacity_relative_end,
        "first_failing_sortie": result.summary.first_failing_sortie,
    }


def plain_side(sorties: int, model: str) -> dict:
    """PyBaMM's own loop, written as a PyBaMM user would."""
    os.environ["PYBAMM_DISABLE_TELEMETRY"] = "true"
    import pybamm

    start = time.perf_counter()
    _, spec = _spec(model)
    values = pybamm.ParameterValues("OKane2022")
    cooling = spec.heat_transfer_coefficient_w_per_m2_k
    values.update(
        {
            "Total heat transfer coefficient [W.m-2.K-1]": cooling,
            "Cell cooling surface area [m2]": spec.cooling_area_m2,
            "Cell volume [m3]": spec.cell_volume_m3,
            "Ambient temperature [K]": spec.ground_ambient_k,
            "Initial temperature [K]": spec.ground_ambient_k,
        }
    )
    options = {**dict(spec.degradation.options), "thermal": "lumped"}
    cycle = [
        pybamm.step.power(p, duration=d, termination="2.51 V", temperature=k)
        for p, d, k in spec.mission
    ]
    cycle += [
        pybamm.step.c_rate(-1.0, termination="4.2 V"),
        pybamm.step.voltage(4.2, termination="C/20"),
        pybamm.step.rest(spec.turnaround_s),
    ]
    experiment = pybamm.Experiment([tuple(cycle)] * sorties)
    simulation = pybamm.Simulation(
        {"dfn": pybamm.lithium_ion.DFN, "spme": pybamm.lithium_ion.SPMe}[model](options),
        parameter_values=values,
        experiment=experiment,
        solver=pybamm.IDAKLUSolver(rtol=1e-6, atol=1e-8),
    )
    solution = simulation.solve(initial_soc=1.0, save_at_cycles=sorties, calc_esoh=True)
    wall = time.perf_counter() - start
    capacities = [float(s["Capacity [A.h]"]) for s in solution.all_summary_variables]
    return {"wall_s": wall, "cycles": len(capacities), "capacity_after_ah": capacities[-1]}


def _in_fresh_process(side: str, sorties: int, model: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--side", side, "--sorties", str(sorties), "--model", model],
        capture_output=True,
        text=True,
        env={**os.environ, "PYBAMM_DISABLE_TELEMETRY": "true"},
    )
    if done.returncode != 0:
        sys.exit(f"{side} side failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sorties", type=int, default=500)
    parser.add_argument("--plain-sorties", type=int, default=20)
    parser.add_argument("--side", choices=["sortie", "plain"])
    parser.add_argument("--model", choices=["dfn", "spme"], default="dfn")
    args = parser.parse_args()
    if args.side == "sortie":
        print(json.dumps(sortie_side(args.sorties, args.model)))
        return
    if args.side == "plain":
        print(json.dumps(plain_side(args.sorties, args.model)))
        return
    ours = _in_fresh_process("sortie", args.sorties, args.model)
    plain = _in_fresh_process("plain", args.plain_sorties, args.model)
    extrapolated_s = plain["wall_s"] * args.sorties / args.plain_sorties
    error = ours["capacity_after_20_ah"] / plain["capacity_after_ah"] - 1
    record = {
        "model": args.model,
        "sorties": args.sorties,
        "sortie_life_s": ours["wall_s"],
        "simulated_sorties": ours["simulated_sorties"],
        "solved": ours["solved"],
        "capacity_relative_solved": ours["capacity_relative_solved"],
        "plain_pybamm_measured_sorties": args.plain_sorties,
        "plain_pybamm_measured_s": plain["wall_s"],
        "plain_pybamm_extrapolated_s": extrapolated_s,
        "speed_up": extrapolated_s / ours["wall_s"],
        "capacity_after_20_relative_error": error,
        "capacity_relative_end": ours["capacity_relative_end"],
        "first_failing_sortie": ours["first_failing_sortie"],
        "cpu_count": os.cpu_count(),
    }
    print(f"sortie life, {args.sorties} sorties ({args.model.upper()}, OKane2022): "
          f"{ours['wall_s']:.1f} s, {ours['simulated_sorties']} solved in full")
    print(f"PyBaMM Experiment loop: {plain['wall_s']:.1f} s for {args.plain_sorties} sorties, "
          f"extrapolated to {args.sorties}: {extrapolated_s:.0f} s")
    print(f"speed-up: {record['speed_up']:.0f}x; capacity after 20 sorties: "
          f"{100 * error:+.3f} % against the full run")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"life-{args.model}.json").write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
