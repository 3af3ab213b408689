"""Life speed: 500 sorties of the ISR loiter (quad-isr-loiter) on the LG M50 (OKane2022, DFN
with SEI, SEI on cracks, partially reversible plating, cracking and stress-driven loss of
active material, lumped thermal), ``sortie life`` (cycle jumping) against PyBaMM's own
``Experiment`` loop over the same sorties on the same cell (the LG M50 preset's design laid
on OKane2022, as the engine does; the same steps: the mission's power per cell down to the
engine's landing voltage, the 1C CCCV recharge to 4.2 V, the 30-minute turnaround;
``save_at_cycles`` so only the first and last cycle are kept), at the engine's solver
tolerances (``sortie.engine.ageing.SOLVER_RTOL``/``SOLVER_ATOL``).

The plain loop runs in two modes, each in its own fresh process: PyBaMM's default
(``legacy``: one model built, set up and compiled per distinct step, what a PyBaMM user gets)
and ``experiment_model_mode="unified"`` (one model for every step, what the engine uses).
Each is MEASURED ON 20 SORTIES AND EXTRAPOLATED to 500: a callback stamps the end of every
cycle, so the time to the end of cycle 1 (imports, model build, solver set-up, the first
cycle) is counted once and the mean time of cycles 2..20 is taken for each of the other 499
(per-cycle cost taken as constant):

    extrapolated = first_cycle + per_cycle * (sorties - 1)

The headline speed-up is against the FASTER of the two plain modes. ``sortie life`` runs in
a fresh process too; every time runs from the start of its process (imports included).

Accuracy: the capacity after the plain loop's 20 sorties in the accelerated run (a row
solved in full or interpolated between two, as the run gives it) against each plain loop's
(all PyBaMM's electrode-SOH capacity), the largest difference over those sorties, and the two
plain modes against each other.

    python benchmarks/bench_life.py [--model dfn|spme] [--sorties 500] [--plain-sorties 20]
        [--plain-modes legacy unified] [--mission quad-isr-loiter] [--mesh coarse]

``--mesh pybamm-default`` runs ``sortie life`` on PyBaMM's own mesh, the plain loop's: the
ratio without the coarse life mesh.

Validation, on a mission none of the life's choices was tuned on (the plain loop run in
full; ``--sorties`` one more than ``--plain-sorties``, the row after the last compared):

    python benchmarks/bench_life.py --mission quad-isr-cold --sorties 201 \
        --plain-sorties 200 --plain-modes legacy

Prints a short table and writes benchmarks/results/life-<model>[-<mission>][-<mesh>].json (not
committed; the mission and mesh named when not the defaults).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

# Every time a side reports runs from here: its process has imported nothing heavy yet.
_PROCESS_START_S = time.perf_counter()

RESULTS = Path(__file__).parent / "results"
MISSION = "quad-isr-loiter"
PLAIN_MODES = ("legacy", "unified")


def first_and_per_cycle_s(start_s: float, cycle_ends_s: list[float]) -> tuple[float, float]:
    """The time from ``start_s`` to the end of the first cycle, and the mean time of each
    later cycle (needs at least two cycle ends)."""
    if len(cycle_ends_s) < 2:
        raise ValueError("the per-cycle time needs at least two cycles")
    first_s = cycle_ends_s[0] - start_s
    per_cycle_s = (cycle_ends_s[-1] - cycle_ends_s[0]) / (len(cycle_ends_s) - 1)
    return first_s, per_cycle_s


def extrapolated_s(first_cycle_s: float, per_cycle_s: float, sorties: int) -> float:
    """The plain loop's time for ``sorties``: its first cycle (with the build) once, then
    ``sorties - 1`` cycles at the measured per-cycle time."""
    return first_cycle_s + per_cycle_s * (sorties - 1)


def largest_relative_difference(
    ours_ah: list[float], plain_ah: list[float], new_ah: float
) -> float:
    """The largest capacity difference, sortie by sortie, as a share of the new capacity."""
    if len(ours_ah) != len(plain_ah) or not ours_ah:
        raise ValueError("compare the same sorties, at least one")
    return max(abs(a - b) for a, b in zip(ours_ah, plain_ah, strict=True)) / new_ah


def _spec(model: str, mission: str = MISSION):
    from sortie.models.settings import ModelKind, SimulationSettings
    from sortie.studies.life import ageing_spec, life_setup
    from sortie.studies.life_spec import LifeSpec

    setup = life_setup(mission, settings=SimulationSettings(model=ModelKind(model)))
    return setup, ageing_spec(setup, LifeSpec())[0]


def sortie_side(
    sorties: int, model: str, compared_after: int, mission: str = MISSION, mesh: str = "coarse"
) -> dict:
    """``sortie life`` over ``sorties`` on ``mesh`` (a ``LifeMesh`` value); its capacity after
    each of the first ``compared_after`` sorties (the plain loop's length) for the accuracy
    check."""
    from sortie.progress import TerminalProgress
    from sortie.studies.life import run_life
    from sortie.studies.life_spec import LifeMesh, LifeSpec

    setup, _ = _spec(model, mission)
    progress = TerminalProgress("life", unit="sorties")
    spec = LifeSpec(sorties=sorties, mesh=LifeMesh(mesh))
    result = run_life(setup, spec, progress=progress.update)
    wall = time.perf_counter() - _PROCESS_START_S
    table = result.table
    return {
        "wall_s": wall,
        "simulated_sorties": result.summary.simulated_sorties,
        "solved": [int(s) for s in table.index[table.simulated]],
        "capacity_relative_solved": [
            round(float(c), 6) for c in table.capacity_relative[table.simulated]
        ],
        # A row holds the capacity before its sortie.
        "capacity_after_compared_ah": float(table.capacity_ah.loc[compared_after + 1]),
        "capacity_after_each_ah": [
            float(c) for c in table.capacity_ah.loc[2 : compared_after + 1]
        ],
        "capacity_new_ah": float(table.capacity_ah.loc[1]),
        "compared_row_solved": bool(table.simulated.loc[compared_after + 1]),
        "capacity_relative_end": result.summary.capacity_relative_end,
        "first_failing_sortie": result.summary.first_failing_sortie,
    }


def plain_side(sorties: int, model: str, mode: str, mission: str = MISSION) -> dict:
    """PyBaMM's own loop, written as a PyBaMM user would (``mode``: its
    ``experiment_model_mode``)."""
    os.environ["PYBAMM_DISABLE_TELEMETRY"] = "true"
    import pybamm

    from sortie.engine.ageing import (
        CUTOFF_MARGIN_V,
        SOLVER_ATOL,
        SOLVER_RTOL,
        parameter_values,
    )

    class CycleEnds(pybamm.callbacks.Callback):
        def __init__(self) -> None:
            self.ends_s: list[float] = []

        def on_cycle_end(self, logs):
            self.ends_s.append(time.perf_counter())

    _, spec = _spec(model, mission)
    # The engine's cell: the LG M50 preset's own design on the set's ageing data, its cooling
    # and ambient (without the design the cell differs: +0.04 % capacity after 5 sorties).
    values = parameter_values(spec)
    options = {**dict(spec.degradation.options), "thermal": "lumped"}
    landing_v = float(values["Lower voltage cut-off [V]"]) + CUTOFF_MARGIN_V
    cycle = [
        pybamm.step.power(p, duration=d, termination=f"{landing_v:.3f} V", temperature=k)
        for p, d, k in spec.mission
    ]
    recharge = spec.recharge
    cycle += [
        pybamm.step.c_rate(-recharge.c_rate, termination=f"{recharge.voltage_v} V"),
        pybamm.step.voltage(
            recharge.voltage_v, termination=f"C/{1 / recharge.cutoff_c_rate:g}"
        ),
        pybamm.step.rest(spec.turnaround_s),
    ]
    experiment = pybamm.Experiment([tuple(cycle)] * sorties)
    simulation = pybamm.Simulation(
        {"dfn": pybamm.lithium_ion.DFN, "spme": pybamm.lithium_ion.SPMe}[model](options),
        parameter_values=values,
        experiment=experiment,
        solver=pybamm.IDAKLUSolver(rtol=SOLVER_RTOL, atol=SOLVER_ATOL),
        experiment_model_mode=mode,
    )
    cycle_ends = CycleEnds()
    solution = simulation.solve(
        initial_soc=1.0, save_at_cycles=sorties, calc_esoh=True, callbacks=[cycle_ends]
    )
    wall = time.perf_counter() - _PROCESS_START_S
    first_s, per_cycle_s = first_and_per_cycle_s(_PROCESS_START_S, cycle_ends.ends_s)
    capacities = [float(s["Capacity [A.h]"]) for s in solution.all_summary_variables]
    return {
        "mode": mode,
        "rtol": SOLVER_RTOL,
        "atol": SOLVER_ATOL,
        "wall_s": wall,
        "first_cycle_s": first_s,
        "per_cycle_s": per_cycle_s,
        "cycles": len(capacities),
        "capacity_after_ah": capacities[-1],
        "capacities_ah": capacities,
    }


def _in_fresh_process(side: str, options: list[str]) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--side", side, *options],
        capture_output=True,
        text=True,
        env={**os.environ, "PYBAMM_DISABLE_TELEMETRY": "true"},
    )
    if done.returncode != 0:
        sys.exit(f"{side} side failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _plain_record(plain: dict, sorties: int, ours: dict) -> dict:
    total_s = extrapolated_s(plain["first_cycle_s"], plain["per_cycle_s"], sorties)
    return {
        "rtol": plain["rtol"],
        "atol": plain["atol"],
        "measured_sorties": plain["cycles"],
        "measured_s": plain["wall_s"],
        "first_cycle_s": plain["first_cycle_s"],
        "per_cycle_s": plain["per_cycle_s"],
        "extrapolated_s": total_s,
        "speed_up": total_s / ours["wall_s"],
        "capacity_after_ah": plain["capacity_after_ah"],
        "capacity_relative_error": ours["capacity_after_compared_ah"] / plain["capacity_after_ah"]
        - 1,
        "largest_capacity_difference": largest_relative_difference(
            ours["capacity_after_each_ah"], plain["capacities_ah"], ours["capacity_new_ah"]
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sorties", type=int, default=500)
    parser.add_argument("--plain-sorties", type=int, default=20)
    parser.add_argument("--side", choices=["sortie", "plain"])
    parser.add_argument("--model", choices=["dfn", "spme"], default="dfn")
    parser.add_argument(
        "--mission", default=MISSION, help=f"mission preset id (default {MISSION})"
    )
    parser.add_argument(
        "--mesh", choices=["coarse", "pybamm-default"], default="coarse",
        help="sortie life's mesh (the plain loop always flies PyBaMM's default)",
    )
    parser.add_argument(
        "--plain-modes", nargs="+", choices=PLAIN_MODES, default=list(PLAIN_MODES),
        help="PyBaMM experiment_model_mode(s) of the plain loop (a --side plain run: the first)",
    )
    args = parser.parse_args()
    if args.side == "sortie":
        found = sortie_side(args.sorties, args.model, args.plain_sorties, args.mission, args.mesh)
        print(json.dumps(found))
        return
    if args.side == "plain":
        print(json.dumps(plain_side(args.sorties, args.model, args.plain_modes[0], args.mission)))
        return
    if not 2 <= args.plain_sorties < args.sorties:
        parser.error("--plain-sorties: at least 2 (the first cycle is timed apart), fewer than "
                     "--sorties (the accuracy check reads the capacity after them)")
    n, plain_n = args.sorties, args.plain_sorties
    model = ["--model", args.model, "--plain-sorties", str(plain_n), "--mission", args.mission]
    ours = _in_fresh_process("sortie", ["--sorties", str(n), *model, "--mesh", args.mesh])
    plains = {
        mode: _plain_record(
            _in_fresh_process("plain", ["--sorties", str(plain_n), *model, "--plain-modes", mode]),
            n,
            ours,
        )
        for mode in dict.fromkeys(args.plain_modes)
    }
    fastest = min(plains, key=lambda mode: plains[mode]["extrapolated_s"])
    record = {
        "model": args.model,
        "mission": args.mission,
        "mesh": args.mesh,
        "sorties": args.sorties,
        "rtol": next(iter(plains.values()))["rtol"],
        "atol": next(iter(plains.values()))["atol"],
        "sortie_life_s": ours["wall_s"],
        "simulated_sorties": ours["simulated_sorties"],
        "solved": ours["solved"],
        "capacity_relative_solved": ours["capacity_relative_solved"],
        "capacity_compared_after_sorties": plain_n,
        "capacity_compared_row_solved": ours["compared_row_solved"],
        "capacity_after_compared_ah": ours["capacity_after_compared_ah"],
        **{f"plain_{mode}": plain for mode, plain in plains.items()},
        "plain_pybamm_first_cycle_s": plains[fastest]["first_cycle_s"],
        "plain_pybamm_per_cycle_s": plains[fastest]["per_cycle_s"],
        "plain_pybamm_extrapolated_s": plains[fastest]["extrapolated_s"],
        "speed_up_against": fastest,
        "speed_up": plains[fastest]["speed_up"],
        "capacity_relative_error": plains[fastest]["capacity_relative_error"],
        "plain_modes_capacity_relative_difference": (
            plains["unified"]["capacity_after_ah"] / plains["legacy"]["capacity_after_ah"] - 1
            if len(plains) == 2
            else None
        ),
        "capacity_relative_end": ours["capacity_relative_end"],
        "first_failing_sortie": ours["first_failing_sortie"],
        "cpu_count": os.cpu_count(),
    }
    print(f"{args.model.upper()}, OKane2022, {args.mission}, {n} sorties, "
          f"rtol {record['rtol']:g}, atol {record['atol']:g}, sortie life's mesh {args.mesh}")
    print(f"PyBaMM: measured on {plain_n} sorties; total = cycle 1 (imports, build, set-up)"
          f" + {n - 1} x per cycle")
    print(f"  {'':15} {'total s':>8} {'cycle 1 s':>10} {'per cycle s':>12} {'speed-up':>9}"
          f"  sortie life's capacity after {plain_n}, largest difference over 1..{plain_n}")
    solved = f"({ours['simulated_sorties']} of {n} sorties solved in full)"
    print(f"  {'sortie life':15} {ours['wall_s']:8.1f}  {solved}")
    for mode, plain in plains.items():
        print(
            f"  {'PyBaMM ' + mode:15} {plain['extrapolated_s']:8.1f} {plain['first_cycle_s']:10.1f}"
            f" {plain['per_cycle_s']:12.2f} {plain['speed_up']:8.1f}x"
            f"  {100 * plain['capacity_relative_error']:+.4f} %,"
            f" {plain['largest_capacity_difference']:.1e} of new"
        )
    difference = record["plain_modes_capacity_relative_difference"]
    if difference is not None:
        print(f"  legacy against unified, capacity after {plain_n}: {difference:+.1e}")
    print(f"  speed-up against the faster ({fastest}): {record['speed_up']:.1f}x")
    RESULTS.mkdir(exist_ok=True)
    name = "-".join(
        [args.model]
        + ([args.mission] if args.mission != MISSION else [])
        + ([args.mesh] if args.mesh != "coarse" else [])
    )
    (RESULTS / f"life-{name}.json").write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
