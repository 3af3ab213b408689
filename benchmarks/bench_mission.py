"""Mission engine speed: time to first result and repeated runs, against plain PyBaMM.

Each model runs in a fresh Python process so that "first result" includes everything a user
waits for: importing PyBaMM, building the model, the first solve. The mission is flown as
`sortie run` flies it (the one chain, ``fly``: the flight plan compiled for the drone, its
cooling in the downwash). Within that process the same setup is then re-flown (cached model),
and a plain PyBaMM loop (a new Simulation per run, the same electrochemistry and power
profile, still-air cooling) gives the ratio on the same machine in the same run.

    python benchmarks/bench_mission.py [--repeats 5] [--mission quad-isr-loiter]

Prints a table and writes benchmarks/results/mission.json (not committed).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def worker(
    model_name: str, mission_id: str, cell_id: str | None, repeats: int, process_start: float
) -> dict:
    import_start = time.perf_counter()
    from plain_pybamm import plain_mission_run

    from sortie import engine as electrochemistry  # imports PyBaMM
    from sortie.models.flight import fly
    from sortie.models.settings import SimulationSettings
    from sortie.studies.setup import resolve_setup

    import_s = time.perf_counter() - import_start
    settings = SimulationSettings(model=model_name)
    setup = resolve_setup(mission_id, cell=cell_id, settings=settings)

    start = time.perf_counter()
    first = fly(setup)
    first_run_s = time.perf_counter() - start
    first_result_s = time.time() - process_start
    cell, pack, mission = setup.cell, setup.pack, first.compiled.mission

    repeated = []
    for _ in range(repeats):
        start = time.perf_counter()
        again = fly(setup)
        repeated.append(time.perf_counter() - start)
    assert again.summary.endurance_s == first.summary.endurance_s
    assert electrochemistry.built_model_count() == 1

    plain = [
        plain_mission_run(model_name, mission, cell, pack) for _ in range(max(2, repeats // 2))
    ]
    return {
        "model": model_name,
        "mission": mission_id,
        "cell": cell.id,
        "verdict": first.summary.termination_reason.value,
        "import_s": import_s,
        "first_run_s": first_run_s,
        "time_to_first_result_s": first_result_s,
        "repeated_run_median_s": statistics.median(repeated),
        "plain_pybamm_run_median_s": statistics.median(plain),
        "speed_up_vs_plain_pybamm": statistics.median(plain) / statistics.median(repeated),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--mission", default="quad-isr-loiter")
    parser.add_argument("--models", default="dfn,spme")
    parser.add_argument("--cell", help="cell preset (default: the mission drone's cell)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--process-start", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(
            json.dumps(
                worker(args.worker, args.mission, args.cell, args.repeats, args.process_start)
            )
        )
        return

    rows = []
    env = {**os.environ, "PYBAMM_DISABLE_TELEMETRY": "true"}
    for model_name in args.models.split(","):
        command = [
            sys.executable,
            __file__,
            "--worker",
            model_name,
            "--mission",
            args.mission,
            "--repeats",
            str(args.repeats),
            "--process-start",
            repr(time.time()),
        ]
        if args.cell:
            command += ["--cell", args.cell]
        done = subprocess.run(command, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            sys.exit(f"worker {model_name} failed:\n{done.stderr}")
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))

    print(
        f"mission {args.mission}, cell {rows[0]['cell']}, {os.cpu_count()} cores, "
        f"repeats {args.repeats}"
    )
    header = (
        "model",
        "first result [s]",
        "of which import [s]",
        "first run [s]",
        "repeat [s]",
        "plain PyBaMM [s]",
        "speed-up",
    )
    print(" | ".join(header))
    for r in rows:
        print(
            f"{r['model']} | {r['time_to_first_result_s']:.2f} | {r['import_s']:.2f} | "
            f"{r['first_run_s']:.2f} | {r['repeated_run_median_s']:.3f} | "
            f"{r['plain_pybamm_run_median_s']:.2f} | {r['speed_up_vs_plain_pybamm']:.1f}x"
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "mission.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
