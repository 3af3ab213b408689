"""The ``sortie`` command line: list presets, fly missions, ask endurance questions.

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
from dataclasses import dataclass
from pathlib import Path

from sortie.cells.cell import Cell
from sortie.cells.pack import Pack
from sortie.errors import InputError, SortieError
from sortie.models.drone import Drone
from sortie.models.flight_plan import FlightPlan, as_mission, phase_powers, phase_table
from sortie.models.mission import FlightPhase, Mission
from sortie.models.result import MissionResult
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.presets.loader import (
    CELL_FIELD_ALIASES,
    PresetKind,
    construct,
    list_presets,
    load_cell,
    load_drone,
    load_mission,
    parse_override,
)

EXIT_OK = 0
EXIT_INCOMPLETE = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
OVERRIDE_TARGETS = ("drone", "mission", "cell")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage dump
        raise InputError(message)


def _add_simulation_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", choices=[m.value for m in ModelKind], default="dfn")
    parser.add_argument("--ambient-c", type=float, help="fly every segment at this ambient [°C]")
    parser.add_argument(
        "--max-temperature-c", type=float, default=60.0, help="stop at this cell temperature"
    )
    parser.add_argument(
        "--heat-transfer-coefficient",
        type=float,
        help="cell surface heat transfer coefficient [W/(m2 K)] (default 10)",
    )
    parser.add_argument("--initial-soc", type=float, default=1.0, help="0..1 (default 1)")
    parser.add_argument("--series", type=int, help="cells in series (default: the drone's)")
    parser.add_argument("--parallel", type=int, help="cells in parallel (default: the drone's)")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="TARGET.FIELD=VALUE",
        help="override a drone, mission or cell field, e.g. drone.payload_kg=1.2 or "
        "mission.phases.2.duration_s=900 (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


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
    run.add_argument(
        "--mission", required=True, help="mission preset id, .toml file or .csv flight log"
    )
    run.add_argument(
        "--bin-s", type=float, default=10.0, help="flight-log averaging bin [s] (default 10)"
    )
    run.add_argument("--cell", help="cell preset id or .toml file (default: the drone's cell)")
    run.add_argument("--drone", help="drone preset id or .toml file (default: the mission's)")
    _add_simulation_options(run)
    run.add_argument("--csv", type=Path, help="write the time series to this CSV file")
    run.add_argument("--fail-on-incomplete", action="store_true", help="exit 1 when not completed")

    endurance = commands.add_parser(
        "endurance", help="how long can it hover/loiter; which pack size flies longest"
    )
    endurance.add_argument("--drone", required=True, help="drone preset id or .toml file")
    endurance.add_argument(
        "--cell", help="cell preset or file; several comma-separated with --sweep-parallel"
    )
    endurance.add_argument(
        "--phase",
        choices=[FlightPhase.HOVER.value, FlightPhase.LOITER.value],
        default=FlightPhase.HOVER.value,
    )
    endurance.add_argument("--speed-m-per-s", type=float, help="loiter airspeed (default cruise)")
    endurance.add_argument("--ground-altitude-m", type=float, default=0.0)
    endurance.add_argument("--reserve", type=float, default=0.2, help="land with this SOC, 0..0.9")
    endurance.add_argument(
        "--sweep-parallel", metavar="FIRST:LAST", help="sweep the parallel count, e.g. 1:12"
    )
    _add_simulation_options(endurance)

    cell = commands.add_parser("cell", help="cell designs: show a budget, rate it")
    cell_commands = cell.add_subparsers(dest="cell_command", required=True, parser_class=_Parser)
    show = cell_commands.add_parser("show", help="design, mass budget and energy density")
    show.add_argument("cell", help="cell preset id or .toml file")
    show.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="change a design field, e.g. positive_electrode_thickness_um=90 (repeatable)",
    )
    show.add_argument("--capacity-ah", type=float, help="scale the design to this capacity")
    show.add_argument(
        "--rate",
        type=float,
        action="append",
        default=[],
        metavar="C",
        help="also simulate a constant-power discharge at this C-rate (repeatable)",
    )
    show.add_argument("--model", choices=[m.value for m in ModelKind], default="dfn")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


@dataclass(frozen=True)
class _Setup:
    cells: list[Cell]
    drone: Drone | None
    pack: Pack
    settings: SimulationSettings
    mission: Mission | FlightPlan | None


def _overrides(texts: list[str]) -> dict[str, dict]:
    """``drone.x=1``, ``mission.x=1``, ``cell.x=1``; a cell alias may go without ``cell.``."""
    grouped: dict[str, dict] = {target: {} for target in OVERRIDE_TARGETS}
    for text in texts:
        field_name, separator, _ = text.partition("=")
        if separator and field_name.strip() in CELL_FIELD_ALIASES:
            text = f"cell.{text.strip()}"
        target, path, value = parse_override(text)
        if target not in grouped:
            raise InputError(f"--set {text!r}: target must be one of {', '.join(OVERRIDE_TARGETS)}")
        grouped[target][path] = value
    return grouped


def _setup(args: argparse.Namespace, mission_ref: str | None) -> _Setup:
    overrides = _overrides(args.overrides)
    mission = (
        load_mission(mission_ref, overrides["mission"], getattr(args, "bin_s", 10.0))
        if mission_ref
        else None
    )
    drone_ref = args.drone or (mission.drone if mission else None)
    drone = load_drone(drone_ref, overrides["drone"]) if drone_ref else None
    cell_refs = (args.cell or (drone.cell if drone else "") or "").split(",")
    if not cell_refs[0]:
        raise InputError("no cell given: use --cell (the drone names no cell)")
    cells = [load_cell(ref.strip(), overrides["cell"]) for ref in cell_refs]
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
    return _Setup(cells, drone, pack, settings, mission)


def _list(kind: str | None, as_json: bool) -> int:
    kinds = (
        [PresetKind(kind)]
        if kind
        else [PresetKind.CELL, PresetKind.DRONE, PresetKind.MISSION, PresetKind.CHEMISTRY]
    )
    entries = [info for k in kinds for info in list_presets(k)]
    if as_json:
        rows = [
            {"kind": e.kind.value, "id": e.id, "name": e.name, "description": e.description}
            for e in entries
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK
    for k in kinds:
        print(f"{k.value}s:")
        for e in (e for e in entries if e.kind is k):
            print(f"  {e.id:30s} {e.description or e.name}")
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    from sortie.models.chain import simulate_mission

    setup = _setup(args, args.mission)
    if len(setup.cells) != 1:
        raise InputError("run takes one --cell")
    cell = setup.cells[0]
    assert setup.mission is not None
    pack_mass_kg = setup.pack.mass_kg(cell.budget)
    mission = as_mission(setup.mission, setup.drone, pack_mass_kg)
    result = simulate_mission(cell, setup.pack, mission, setup.settings)
    phases = None
    if isinstance(setup.mission, FlightPlan):
        assert setup.drone is not None
        phases = phase_table(phase_powers(setup.mission, setup.drone, pack_mass_kg))
    if args.csv:
        try:
            result.timeseries.to_csv(args.csv, float_format="%.8g")
        except OSError as error:
            raise InputError(f"cannot write {args.csv}: {error.strerror}") from None
    if args.json:
        data = _json_ready(result.summary.to_dict())
        if phases is not None:
            data["phases"] = phases.to_dict(orient="records")
        print(json.dumps(data, ensure_ascii=False))
    else:
        if phases is not None:
            print(format_phases(phases))
        print(format_summary(result))
    if args.fail_on_incomplete and not result.mission_completed:
        return EXIT_INCOMPLETE
    return EXIT_OK


def _parse_range(text: str) -> range:
    first, separator, last = text.partition(":")
    try:
        start, stop = int(first), int(last) if separator else int(first)
    except ValueError:
        raise InputError(f"--sweep-parallel {text!r}: expected FIRST:LAST, e.g. 1:12") from None
    if not 1 <= start <= stop <= 100:
        raise InputError(f"--sweep-parallel {text!r}: need 1 <= FIRST <= LAST <= 100")
    return range(start, stop + 1)


def _endurance(args: argparse.Namespace) -> int:
    from sortie.studies.endurance import StationSpec, pack_size_sweep, station_endurance

    setup = _setup(args, None)
    assert setup.drone is not None
    if not 0 <= args.reserve <= 0.9:
        raise InputError(f"--reserve {args.reserve:g}: must be within 0..0.9")
    station = StationSpec(
        phase=FlightPhase(args.phase),
        speed_m_per_s=args.speed_m_per_s,
        ground_altitude_m=args.ground_altitude_m,
        ambient_c=args.ambient_c if args.ambient_c is not None else 15.0,
        reserve_state_of_charge=args.reserve,
    )
    if args.sweep_parallel:

        def progress(done: int, total: int, label: str) -> None:
            if sys.stderr.isatty():
                print(f"\r{done}/{total} {label:40s}", end="", file=sys.stderr, flush=True)

        sweep = pack_size_sweep(
            setup.drone,
            setup.cells,
            _parse_range(args.sweep_parallel),
            station,
            setup.settings,
            setup.pack.series_count,
            progress,
        )
        if sys.stderr.isatty():
            print(file=sys.stderr)
        best = {cell.id: sweep.best(cell.id) for cell in setup.cells}
        if args.json:
            table = sweep.table.astype(object).where(sweep.table.notna(), None)
            print(
                json.dumps(
                    {
                        "points": table.to_dict(orient="records"),
                        "best": {
                            k: {
                                "parallel_count": int(v["parallel_count"]),
                                "endurance_s": float(v["endurance_s"]),
                            }
                            for k, v in best.items()
                        },
                    }
                )
            )
        else:
            print(format_sweep(sweep.table, best))
        return EXIT_OK
    point = station_endurance(setup.drone, setup.cells[0], setup.pack, station, setup.settings)
    if args.json:
        print(json.dumps(_json_ready(point.row())))
    else:
        print(
            f"{args.phase} endurance {format_minutes(point.endurance_s)} until the "
            f"{point.limited_by}"
            + (
                f" ({100 * args.reserve:.0f} % state of charge)"
                if point.limited_by == "reserve"
                else ""
            )
            + f"\npack {point.series_count}S{point.parallel_count}P {point.cell_id}: "
            f"{point.pack_mass_kg:.2f} kg, take-off mass {point.take_off_mass_kg:.2f} kg, "
            f"{point.pack_power_w:.0f} W on station"
        )
    return EXIT_OK


def _cell_show(args: argparse.Namespace) -> int:
    import dataclasses

    from sortie.cells.matching import CapacityMatchError, match_capacity

    overrides: dict = {}
    for text in args.overrides:
        target, path, value = parse_override(text if "." in text.split("=")[0] else f"cell.{text}")
        if target != "cell":
            raise InputError(f"--set {text!r}: only cell fields here")
        overrides[path] = value
    cell = load_cell(args.cell, overrides)
    if args.capacity_ah is not None:
        try:
            design = match_capacity(cell.design, cell.chemistry, args.capacity_ah)
        except CapacityMatchError as error:
            raise InputError(str(error)) from None
        cell = dataclasses.replace(cell, design=design)
    report = cell_report(cell)
    if args.rate:
        from sortie.studies.cell_rating import discharge_at_rate

        settings = SimulationSettings(model=ModelKind(args.model), ambient_c=25.0)
        report["rated"] = [
            dataclasses.asdict(discharge_at_rate(cell, rate, settings)) for rate in args.rate
        ]
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(format_cell_report(report))
    return EXIT_OK


def cell_report(cell: Cell) -> dict:
    """Everything `sortie cell show` prints, as JSON-ready data."""
    design, budget = cell.design, cell.budget
    electrodes = {}
    for side in ("positive", "negative"):
        electrode = getattr(design, side)
        electrodes[side] = {
            **dataclasses_asdict(electrode),
            "loading_mg_per_cm2": 100 * getattr(budget, f"{side}_loading_kg_per_m2"),
            "areal_capacity_mah_per_cm2": 0.1 * getattr(budget, f"{side}_areal_capacity_ah_per_m2"),
        }
    return {
        "id": cell.id,
        "name": cell.name,
        "chemistry": cell.chemistry.id,
        "parameter_set": cell.chemistry.parameter_set,
        "format": dataclasses_asdict(design.format),
        "electrodes": electrodes,
        "separator": dataclasses_asdict(design.separator),
        "electrode_area_m2": budget.electrode_area_m2,
        "jelly_roll_length_m": design.jelly_roll_length_m,
        "winding_turns": design.winding_turns,
        "cathode_layer_count": design.cathode_layer_count,
        "np_ratio": budget.np_ratio,
        "capacity_ah": budget.capacity_ah,
        "energy_wh": budget.energy_wh,
        "mass_g": budget.mass_g,
        "volume_ml": budget.volume_ml,
        "gravimetric_energy_density_wh_per_kg": budget.gravimetric_energy_density_wh_per_kg,
        "volumetric_energy_density_wh_per_l": budget.volumetric_energy_density_wh_per_l,
        "mass_breakdown_g": {k: 1e3 * v for k, v in budget.component_mass_kg.items()},
        "warnings": [*budget.warnings, *cell.chemistry.fidelity.warnings],
    }


def dataclasses_asdict(value) -> dict:
    import dataclasses

    data = dataclasses.asdict(value)
    return {k: (v.value if hasattr(v, "value") else v) for k, v in data.items()}


def format_cell_report(report: dict) -> str:
    lines = [
        f"{report['name']} ({report['id']})",
        f"  chemistry   {report['chemistry']} (PyBaMM {report['parameter_set']})",
        f"  format      {report['format']['name']} ({report['format']['kind']})",
    ]
    for side in ("positive", "negative"):
        e = report["electrodes"][side]
        lines.append(
            f"  {side:9s}   {e['coating_thickness_um']:.1f} um, porosity {e['porosity']:.3f}, "
            f"active {e['active_material_volume_fraction']:.3f}, particles "
            f"{e['particle_radius_um']:.2f} um, {e['loading_mg_per_cm2']:.1f} mg/cm2, "
            f"{e['areal_capacity_mah_per_cm2']:.2f} mAh/cm2"
        )
    geometry = f"  area        {report['electrode_area_m2']:.4f} m2"
    if report["jelly_roll_length_m"]:
        geometry += f", jelly roll {1e3 * report['jelly_roll_length_m']:.0f} mm"
    if report["winding_turns"]:
        geometry += f", {report['winding_turns']:.1f} turns"
    if report["cathode_layer_count"]:
        geometry += f", {report['cathode_layer_count']} cathode layers"
    lines += [
        geometry + f", N/P {report['np_ratio']:.2f}",
        f"  capacity    {report['capacity_ah']:.3f} Ah, energy {report['energy_wh']:.2f} Wh "
        "(at the nominal voltage)",
        f"  mass        {report['mass_g']:.1f} g, volume {report['volume_ml']:.2f} ml: "
        f"{report['gravimetric_energy_density_wh_per_kg']:.0f} Wh/kg, "
        f"{report['volumetric_energy_density_wh_per_l']:.0f} Wh/l",
        "  mass budget",
    ]
    total = report["mass_g"]
    for component, grams in report["mass_breakdown_g"].items():
        lines.append(f"    {component:26s} {grams:7.2f} g  {100 * grams / total:5.1f} %")
    for rated in report.get("rated", []):
        lines.append(
            f"  at {rated['c_rate']:g}C   {rated['energy_wh']:.2f} Wh, "
            f"{rated['gravimetric_energy_density_wh_per_kg']:.0f} Wh/kg, "
            f"{rated['duration_s'] / 60:.1f} min, peak {rated['max_temperature_c']:.1f} °C "
            f"({rated['ended_by']})"
        )
    lines.extend(f"warning: {w}" for w in report["warnings"])
    return "\n".join(lines)


def _json_ready(data: dict) -> dict:
    # JSON has no NaN; a run that never started has no voltage or temperature.
    return {
        k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in data.items()
    }


def format_minutes(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "-"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes:d} min {secs:02d} s"


def format_phases(phases) -> str:
    lines = ["phase                    time     mass   speed   climb   pack power"]
    for row in phases.itertuples():
        lines.append(
            f"{row.phase[:22]:22s} {row.duration_s:7.0f} s {row.mass_kg:6.2f} kg "
            f"{row.speed_m_per_s:5.1f} m/s {row.climb_rate_m_per_s:+5.1f} m/s "
            f"{row.pack_power_w:7.0f} W"
        )
    return "\n".join(lines)


def format_sweep(table, best) -> str:
    lines = ["cell                      pack    mass     take-off  power    endurance"]
    for row in table.itertuples():
        mark = ""
        if best[row.cell_id]["parallel_count"] == row.parallel_count:
            mark = "  <- longest"
        if row.limited_by == "too heavy":
            power, outcome = "     -", "above the maximum take-off mass"
        else:
            power = f"{row.pack_power_w:4.0f} W"
            outcome = f"{format_minutes(row.endurance_s):>13s} ({row.limited_by})"
        pack = f"{row.series_count}S{row.parallel_count}P"
        lines.append(
            f"{row.cell_id[:24]:24s} {pack:7s} {row.pack_mass_kg:6.2f} kg "
            f"{row.take_off_mass_kg:6.2f} kg {power:>6s} {outcome}{mark}"
        )
    return "\n".join(lines)


def format_summary(result: MissionResult) -> str:
    """Human-readable summary (what `sortie run` prints without --json)."""
    s = result.summary
    verdict = (
        f"MISSION COMPLETED, landed with {100 * s.final_state_of_charge:.0f} % state of charge"
        if s.mission_completed
        else f"MISSION NOT COMPLETED: {s.termination_reason.value} in '{s.final_segment}' "
        f"after {format_minutes(s.endurance_s)} of {format_minutes(s.mission_duration_s)}"
    )
    reserve = (
        f" (reserve {100 * s.reserve_state_of_charge:.0f} %: "
        f"{'met' if s.reserve_met else 'NOT met'})"
        if s.reserve_state_of_charge > 0
        else ""
    )
    lines = [
        verdict,
        f"  why it ended          {s.termination_message}",
        f"  endurance             {format_minutes(s.endurance_s)} ({s.endurance_s:.0f} s)",
        f"  hardest phase         {s.hardest_segment} (highest cell current)",
        f"  min cell voltage      {s.min_cell_voltage_v:.3f} V "
        f"(pack {s.min_cell_voltage_v * s.series_count:.1f} V)",
        f"  max cell temperature  {s.max_cell_temperature_c:.1f} °C",
        f"  energy delivered      {s.energy_delivered_wh:.1f} Wh",
        f"  final state of charge {100 * s.final_state_of_charge:.1f} %{reserve}",
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
        if args.command == "endurance":
            return _endurance(args)
        if args.command == "cell":
            return _cell_show(args)
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
