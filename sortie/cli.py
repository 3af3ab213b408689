"""The ``sortie`` command line: list presets and fly missions.

Every user error ends in one line on stderr (``sortie: error: ...``) and exit status 2; a
mission that is flown but not completed is a result, not an error (exit 0; with
``--fail-on-incomplete`` exit 1 so that scripts can gate on it).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sortie.cells.pack import Pack
from sortie.errors import InputError, SortieError
from sortie.models.result import MissionResult
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.presets.loader import (
    PresetKind,
    construct,
    list_presets,
    load_cell,
    load_drone,
    load_mission,
)

EXIT_OK = 0
EXIT_INCOMPLETE = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage dump
        raise InputError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sortie", description="Fly drone missions on battery cell designs.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    listing = commands.add_parser("list", help="list presets (cells, drones, missions)")
    listing.add_argument(
        "kind",
        nargs="?",
        choices=[k.value for k in PresetKind],
        help="only this kind (default: cells, drones, missions and chemistries)",
    )
    listing.add_argument("--json", action="store_true", help="print JSON")

    run = commands.add_parser("run", help="fly a mission on a cell")
    run.add_argument("--cell", help="cell preset id or .toml file (default: the drone's cell)")
    run.add_argument("--mission", required=True, help="mission preset id or .toml file")
    run.add_argument("--drone", help="drone preset id or .toml file (default: the mission's)")
    run.add_argument("--series", type=int, help="cells in series (default: the drone's)")
    run.add_argument("--parallel", type=int, help="cells in parallel (default: the drone's)")
    run.add_argument("--model", choices=[m.value for m in ModelKind], default=ModelKind.DFN.value)
    run.add_argument("--ambient-c", type=float, help="fly every segment at this ambient [°C]")
    run.add_argument(
        "--max-temperature-c", type=float, default=60.0, help="stop at this cell temperature"
    )
    run.add_argument(
        "--heat-transfer-coefficient",
        type=float,
        help="cell surface heat transfer coefficient [W/(m2 K)] (default 10)",
    )
    run.add_argument("--initial-soc", type=float, default=1.0, help="initial state of charge, 0..1")
    run.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    run.add_argument("--csv", type=Path, help="write the time series to this CSV file")
    run.add_argument(
        "--fail-on-incomplete",
        action="store_true",
        help="exit 1 when the mission is not completed",
    )
    return parser


def _list(kind: str | None, as_json: bool) -> int:
    kinds = (
        [PresetKind(kind)]
        if kind
        else [
            PresetKind.CELL,
            PresetKind.DRONE,
            PresetKind.MISSION,
            PresetKind.CHEMISTRY,
        ]
    )
    entries = [info for k in kinds for info in list_presets(k)]
    if as_json:
        print(
            json.dumps(
                [
                    {"kind": e.kind.value, "id": e.id, "name": e.name, "description": e.description}
                    for e in entries
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return EXIT_OK
    for k in kinds:
        print(f"{k.value}s:")
        for e in (e for e in entries if e.kind is k):
            print(f"  {e.id:30s} {e.description or e.name}")
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    mission = load_mission(args.mission)
    drone_ref = args.drone or mission.drone
    drone = load_drone(drone_ref) if drone_ref else None
    cell_ref = args.cell or (drone.cell if drone else None)
    if not cell_ref:
        raise InputError("no cell given: use --cell (the mission names no drone with a cell)")
    cell = load_cell(cell_ref)
    series = args.series if args.series is not None else (drone.series_count if drone else None)
    parallel = (
        args.parallel if args.parallel is not None else (drone.parallel_count if drone else None)
    )
    if series is None or parallel is None:
        raise InputError("no pack layout: give --series and --parallel (or a --drone)")
    pack = construct(
        Pack, {"series_count": series, "parallel_count": parallel}, "pack (--series/--parallel)"
    )
    settings_data: dict = {
        "model": args.model,
        "max_temperature_c": args.max_temperature_c,
        "ambient_c": args.ambient_c,
        "initial_state_of_charge": args.initial_soc,
    }
    if args.heat_transfer_coefficient is not None:
        settings_data["heat_transfer_coefficient_w_per_m2_k"] = args.heat_transfer_coefficient
    settings = construct(SimulationSettings, settings_data, "settings")

    from sortie.models.chain import simulate_mission

    result = simulate_mission(cell, pack, mission, settings)
    if args.csv:
        _write_csv(result, args.csv)
    if args.json:
        print(json.dumps(_json_ready(result.summary.to_dict()), ensure_ascii=False))
    else:
        print(format_summary(result))
    if args.fail_on_incomplete and not result.mission_completed:
        return EXIT_INCOMPLETE
    return EXIT_OK


def _json_ready(data: dict) -> dict:
    # JSON has no NaN; a run that never started has no voltage or temperature.
    return {
        k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in data.items()
    }


def _write_csv(result: MissionResult, path: Path) -> None:
    try:
        result.timeseries.to_csv(path, float_format="%.6g")
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror}") from None


def format_minutes(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes:d} min {secs:02d} s"


def format_summary(result: MissionResult) -> str:
    """Human-readable summary (what `sortie run` prints without --json)."""
    s = result.summary
    verdict = (
        f"MISSION COMPLETED with {100 * s.final_state_of_charge:.0f} % state of charge left"
        if s.mission_completed
        else f"MISSION NOT COMPLETED: {s.termination_reason.value} in '{s.final_segment}' "
        f"after {format_minutes(s.endurance_s)} of {format_minutes(s.mission_duration_s)}"
    )
    lines = [
        verdict,
        f"  why it ended          {s.termination_message}",
        f"  endurance             {format_minutes(s.endurance_s)} ({s.endurance_s:.0f} s)",
        f"  min cell voltage      {s.min_cell_voltage_v:.3f} V",
        f"  max cell temperature  {s.max_cell_temperature_c:.1f} °C",
        f"  energy delivered      {s.energy_delivered_wh:.1f} Wh",
        f"  final state of charge {100 * s.final_state_of_charge:.1f} %",
        f"pack  {s.series_count}S{s.parallel_count}P  {s.pack_mass_kg:.3f} kg  "
        f"{s.pack_energy_wh:.0f} Wh",
        f"cell  {s.cell_id}: {s.capacity_ah:.2f} Ah  {s.energy_wh:.1f} Wh  {s.mass_g:.1f} g  "
        f"{s.volume_ml:.1f} ml  {s.gravimetric_energy_density_wh_per_kg:.0f} Wh/kg  "
        f"{s.volumetric_energy_density_wh_per_l:.0f} Wh/l",
        f"model {s.model.upper()}",
    ]
    lines.extend(f"warning: {w}" for w in s.warnings)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "list":
            return _list(args.kind, args.json)
        return _run(args)
    except SortieError as error:
        print(f"sortie: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("sortie: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # last resort: one line, never a traceback
        if os.environ.get("SORTIE_DEBUG"):
            raise
        print(
            f"sortie: internal error: {type(error).__name__}: {error} "
            "(set SORTIE_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
