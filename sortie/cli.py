"""The ``sortie`` command line: list presets, fly missions, ask endurance questions.

Every user error ends in one line on stderr (``sortie: error: ...``) and exit status 2; a
mission that is flown but not completed is a result, not an error (exit 0; with
``--fail-on-incomplete`` exit 1 so that scripts can gate on it). When the reader of the
output goes away (``sortie list | head -1``) the command stops quietly with 141, as a tool
stopped by SIGPIPE does.

Hostile input gets the same treatment: only regular files are read (with a byte limit) or
written (whole, through a temporary file and a rename), documents nested too deeply are
refused, and control characters from a file are shown as escapes, never sent raw to the
terminal. :func:`main` is the console entry; :func:`run` takes the arguments and returns the
exit status (the tests call it in this process).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import json
import math
import os
import signal
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sortie import cli_cell, cli_studies
from sortie.cli_process import (
    PrintableStream,
    Terminated,
    internal_error,
    one_line,
    quiet_native_stderr,
    raise_terminated,
    reader_gone,
    stop_writing,
)
from sortie.defaults import LANDING_RESERVE_STATE_OF_CHARGE, STANDARD_AMBIENT_C
from sortie.errors import (
    InputError,
    SortieError,
    describe_flag_error,
    describe_validation_error,
    json_printable,
    shown_value,
)
from sortie.files import check_writable, spreadsheet_safe_frame, write_file
from sortie.models.mission import FlightPhase
from sortie.models.settings import ModelKind, SimulationSettings, limits_c
from sortie.presets.loader import (
    PresetKind,
    list_presets,
)
from sortie.reports import (
    format_minutes,
    format_phases,
    format_summary,
    format_sweep,
    heater_pays_off,
)
from sortie.studies.setup import parse_changes, resolve_aircraft, resolve_setup

EXIT_OK = 0
EXIT_INCOMPLETE = 1
EXIT_USAGE = 2
# 128 + SIGTERM, as a shell reports a terminated command.
EXIT_TERMINATED = 143


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage dump
        raise InputError(message)


def finite(text: str) -> float:
    """An option's number: NaN and infinities are refused here, by the option's name (argparse
    puts ``argument --bin-s:`` in front), not later as a range."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def positive(text: str) -> float:
    value = finite(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: must be above 0")
    return value


def _add_simulation_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", choices=[m.value for m in ModelKind], default="dfn")
    parser.add_argument("--ambient-c", type=finite, help="fly every segment at this ambient [°C]")
    parser.add_argument(
        "--max-temperature-c",
        type=finite,
        help="stop when a cell reaches this temperature [°C] (default: the chemistry's limit)",
    )
    parser.add_argument(
        "--min-temperature-c",
        type=finite,
        help="stop when a cell falls below this temperature [°C] (default: the chemistry's)",
    )
    parser.add_argument(
        "--start-temperature-c",
        type=finite,
        help="the cells' temperature at take-off, e.g. after a cold soak [°C] (default: ambient)",
    )
    parser.add_argument(
        "--heater-w", type=finite, default=0.0, help="pre-heater power from the pack [W]"
    )
    parser.add_argument(
        "--heater-s", type=finite, default=0.0, help="pre-heating time before take-off [s]"
    )
    parser.add_argument(
        "--heat-transfer-coefficient",
        type=finite,
        help="still-air heat transfer coefficient on the pack's outer surface (its enclosure, "
        "or the cells of an open frame) [W/(m2 K)] (default 10; in flight forced convection "
        "where larger)",
    )
    parser.add_argument("--initial-soc", type=finite, default=1.0, help="0..1 (default 1)")
    parser.add_argument("--series", type=int, help="cells in series (default: the drone's)")
    parser.add_argument("--parallel", type=int, help="cells in parallel (default: the drone's)")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="TARGET.FIELD=VALUE",
        help="change a cell, drone, mission, pack or settings field, e.g. drone.payload_kg=1.2, "
        "mission.phases.2.duration_s=900; the pack as built: pack.mass_overhead_fraction=0.2, "
        "pack.mass_kg=0.95 (the weighed pack), pack.interconnect_resistance_ohm=0.02 "
        "(repeatable)",
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
        "--bin-s", type=positive, default=10.0, help="flight-log averaging bin [s] (default 10)"
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
    endurance.add_argument("--speed-m-per-s", type=finite, help="loiter airspeed (default cruise)")
    endurance.add_argument("--ground-altitude-m", type=finite, default=0.0)
    endurance.add_argument(
        "--reserve",
        type=finite,
        default=LANDING_RESERVE_STATE_OF_CHARGE,
        help="land with this SOC, 0..0.9",
    )
    endurance.add_argument(
        "--sweep-parallel", metavar="FIRST:LAST", help="sweep the parallel count, e.g. 1:12"
    )
    _add_simulation_options(endurance)

    cli_cell.add_commands(commands, positive)
    cli_studies.add_commands(commands)
    return parser


# The settings each option sets: messages name the option, not the field.
_SETTINGS_OPTIONS = {
    "model": "--model",
    "max_temperature_c": "--max-temperature-c",
    "min_temperature_c": "--min-temperature-c",
    "start_temperature_c": "--start-temperature-c",
    "heater_power_w": "--heater-w",
    "heater_duration_s": "--heater-s",
    "ambient_c": "--ambient-c",
    "initial_state_of_charge": "--initial-soc",
    "heat_transfer_coefficient_w_per_m2_k": "--heat-transfer-coefficient",
}


def _settings(args: argparse.Namespace) -> SimulationSettings:
    data: dict = {
        "model": args.model,
        "max_temperature_c": args.max_temperature_c,
        "min_temperature_c": args.min_temperature_c,
        "start_temperature_c": args.start_temperature_c,
        "heater_power_w": args.heater_w,
        "heater_duration_s": args.heater_s,
        "ambient_c": args.ambient_c,
        "initial_state_of_charge": args.initial_soc,
    }
    if args.heat_transfer_coefficient is not None:
        data["heat_transfer_coefficient_w_per_m2_k"] = args.heat_transfer_coefficient
    return _built(SimulationSettings, data, _SETTINGS_OPTIONS)


def _built(cls: Callable[..., Any], data: dict[str, Any], options: dict[str, str]) -> Any:
    """``cls(**data)``, its validation errors naming the options that gave each field."""
    try:
        return cls(**data)
    except ValidationError as error:
        flags = {field: (flag, data.get(field)) for field, flag in options.items()}
        raise InputError(describe_flag_error(error, flags)) from None


def _check_pack_options(args: argparse.Namespace) -> None:
    """``--series`` and ``--parallel`` within the pack's limits, named as options."""
    from sortie.cells.pack import Pack

    _built(
        Pack,
        {
            "series_count": 1 if args.series is None else args.series,
            "parallel_count": 1 if args.parallel is None else args.parallel,
        },
        {
            **({"series_count": "--series"} if args.series is not None else {}),
            **({"parallel_count": "--parallel"} if args.parallel is not None else {}),
        },
    )


_PLURALS = {PresetKind.CHEMISTRY: "chemistries"}


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
        print(f"{_PLURALS.get(k, k.value + 's')}:")
        for e in (e for e in entries if e.kind is k):
            print(f"  {e.id:30s} {e.description or e.name}")
    return EXIT_OK


def _run_mission(args: argparse.Namespace) -> int:
    from sortie.models.flight import fly

    if args.csv:
        check_writable(args.csv, f"--csv {args.csv}")  # before the flight, not after it
    if args.cell and "," in args.cell:
        raise InputError("run takes one --cell")
    _check_pack_options(args)
    changes = parse_changes(args.overrides)
    _check_mission_drone(args, changes)
    setup = resolve_setup(
        args.mission,
        cell=args.cell,
        drone=args.drone,
        series_count=args.series,
        parallel_count=args.parallel,
        settings=_settings(args),
        changes=changes,
        bin_s=args.bin_s,
    )
    try:
        flight = fly(setup)
    except InputError as error:  # a phase this aircraft cannot fly, too heavy, ...
        raise InputError(f"{_mission_label(args)}: {_with_hint(str(error))}") from None
    except ValidationError as error:
        # A plan valid phase by phase whose flight is not (a distance at a crawl is years):
        # the segments it compiles to are checked once the aircraft and pack are known.
        where = f"{_mission_label(args)}: as flown"
        raise InputError(describe_validation_error(error, where)) from None
    result = flight.result
    unheated = _unheated(setup)
    phases = flight.compiled.phase_table()
    if args.csv:
        table = spreadsheet_safe_frame(result.timeseries)
        write_file(args.csv, table.to_csv(float_format="%.10g").encode("utf-8"), str(args.csv))
    if args.json:
        from sortie.studies.assumptions import flight_assumptions

        data = _json_ready(result.summary.to_dict())
        if phases is not None:
            data["phases"] = phases.to_dict(orient="records")
        data["assumptions"] = [item.to_dict() for item in flight_assumptions(flight.compiled)]
        if unheated is not None:
            data["heater_pays_off"] = heater_pays_off(result.summary, unheated)
            data["without_heater"] = _json_ready(unheated.to_dict())
        print(_json_text(data))
    else:
        if phases is not None:
            print(format_phases(phases))
        print(format_summary(result, unheated))
    if args.fail_on_incomplete and not result.mission_completed:
        return EXIT_INCOMPLETE
    return EXIT_OK


def _unheated(setup):
    """With a pre-heater: the summary of the same flight without it (whether it pays off),
    else None. One more flight (a model build of its own: the pre-heat is a segment)."""
    from sortie.models.flight import fly

    settings = setup.settings
    if settings.heater_power_w <= 0 or settings.heater_duration_s <= 0:
        return None
    cold = dataclasses.replace(settings, heater_power_w=0.0, heater_duration_s=0.0)
    return fly(dataclasses.replace(setup, settings=cold)).summary


def _mission_label(args: argparse.Namespace) -> str:
    """The mission as messages name it: its file's name, or ``mission <preset>``."""
    reference = str(args.mission)
    if reference.lower().endswith((".toml", ".csv")) or Path(reference).is_file():
        return Path(reference).name
    return f"mission {reference}"


def _check_mission_drone(args: argparse.Namespace, changes: dict[str, Any]) -> None:
    """The drone a mission file names, checked under the file's name (a wrong one would
    otherwise read as if the user had named it)."""
    from sortie.presets.loader import load_drone
    from sortie.studies.setup import resolve_mission

    if args.drone is not None or "drone" in changes:
        return
    plan = resolve_mission(args.mission, changes, args.bin_s)
    if plan.drone is None:
        return
    try:
        load_drone(plan.drone)
    except InputError as error:
        raise InputError(f"{_mission_label(args)}: drone: {error}") from None


def _with_hint(message: str) -> str:
    """A flight-plan message with what to do about it, where there is one thing to do."""
    if message.endswith("a fixed wing cannot hover"):
        return f'{message}: give it a phase = "loiter" (it circles on station)'
    return message


def _json_text(data: Any) -> str:
    return json_printable(json.dumps(data, ensure_ascii=False))


def _parse_range(text: str) -> range:
    first, separator, last = text.partition(":")
    try:
        start, stop = int(first), int(last) if separator else int(first)
    except ValueError:
        raise InputError(
            f"--sweep-parallel {shown_value(text)!r}: expected FIRST:LAST, e.g. 1:12"
        ) from None
    if not 1 <= start <= stop <= 100:
        raise InputError(f"--sweep-parallel {shown_value(text)!r}: need 1 <= FIRST <= LAST <= 100")
    return range(start, stop + 1)


def _endurance(args: argparse.Namespace) -> int:
    from sortie.studies.endurance import (
        EnduranceLimit,
        StationPoint,
        StationSpec,
        pack_size_sweep,
        station_endurance,
    )

    _check_pack_options(args)
    changes = parse_changes(args.overrides)
    cell_refs = [ref.strip() for ref in args.cell.split(",")] if args.cell else [None]
    aircraft = [
        resolve_aircraft(
            cell=ref,
            drone=args.drone,
            series_count=args.series,
            parallel_count=args.parallel,
            changes=changes,
        )
        for ref in cell_refs
    ]
    drone = aircraft[0].drone
    assert drone is not None
    settings = _settings(args)
    if not 0 <= args.reserve <= 0.9:
        raise InputError(f"--reserve {args.reserve:g}: must be within 0..0.9")
    station = StationSpec(
        phase=FlightPhase(args.phase),
        speed_m_per_s=args.speed_m_per_s,
        ground_altitude_m=args.ground_altitude_m,
        ambient_c=args.ambient_c if args.ambient_c is not None else STANDARD_AMBIENT_C,
        reserve_state_of_charge=args.reserve,
    )
    _check_station(args, drone, station)
    if args.sweep_parallel:

        def progress(done: int, total: int, label: str) -> None:
            if sys.stderr.isatty():
                print(f"\r{done}/{total} {label:40s}", end="", file=sys.stderr, flush=True)

        sweep = pack_size_sweep(
            drone,
            [a.cell for a in aircraft],
            _parse_range(args.sweep_parallel),
            station,
            settings,
            aircraft[0].pack,
            progress,
        )
        if sys.stderr.isatty():
            print(file=sys.stderr)
        try:
            best = {a.cell.id: sweep.best(a.cell.id) for a in aircraft}
        except ValueError:
            raise InputError(
                "no pack size in the sweep can fly: all are too heavy or ask more power than "
                "the cells give"
            ) from None
        if args.json:
            table = sweep.table.astype(object).where(sweep.table.notna(), None)
            cells = {a.cell.id: a.cell for a in aircraft}
            print(
                _json_text(
                    {
                        "points": table.to_dict(orient="records"),
                        "best": {
                            k: {
                                "parallel_count": int(v["parallel_count"]),
                                "endurance_s": float(v["endurance_s"]),
                                "assumptions": _station_assumptions(
                                    StationPoint(
                                        drone,
                                        cells[k],
                                        dataclasses.replace(
                                            aircraft[0].pack,
                                            parallel_count=int(v["parallel_count"]),
                                            pinned_mass_kg=None,
                                        ),
                                        station,
                                        settings,
                                    )
                                ),
                            }
                            for k, v in best.items()
                        },
                    }
                )
            )
        else:
            print(format_sweep(sweep.table, best))
        return EXIT_OK
    if len(aircraft) != 1:
        raise InputError("several cells need --sweep-parallel")
    point = station_endurance(drone, aircraft[0].cell, aircraft[0].pack, station, settings)
    start_c = _station_start_c(settings, station)
    cold = start_c < limits_c(settings, aircraft[0].cell.chemistry)[0]
    if cold and (not point.limited_by.flown or point.endurance_s <= 0):
        # Below the cells' range the solve may fail outright ("more power than the cells
        # can give"): the cold is the reason either way.
        cold_text = _cold_start_text(args, start_c, settings, aircraft[0], station)
        if not point.limited_by.flown:
            raise InputError(
                f"{point.series_count}S{point.parallel_count}P of {point.cell_id} cannot hold "
                f"station: {cold_text}"
            )
    if not point.limited_by.flown:
        why = point.message if point.limited_by is EnduranceLimit.CANNOT_FLY else ""
        raise InputError(
            f"{point.series_count}S{point.parallel_count}P of {point.cell_id} cannot hold "
            f"station: {point.limited_by.value}{f' ({why})' if why else ''} (take-off mass "
            f"{point.take_off_mass_kg:.2f} kg)"
        )
    if args.json:
        station_point = StationPoint(drone, aircraft[0].cell, aircraft[0].pack, station, settings)
        data = {**_json_ready(point.row()), "message": point.message}
        if cold and point.endurance_s <= 0:
            data["message"] = f"no {args.phase}: {cold_text}"
        print(_json_text({**data, "assumptions": _station_assumptions(station_point)}))
    else:
        reserve = (
            f" ({100 * args.reserve:.0f} % state of charge)"
            if point.limited_by is EnduranceLimit.RESERVE
            else ""
        )
        verdict = (
            f"{args.phase} endurance {format_minutes(point.endurance_s)} until the "
            f"{point.limited_by.value}{reserve}"
        )
        if cold and point.endurance_s <= 0:
            verdict = f"no {args.phase}: {cold_text}"
        print(
            f"{verdict}"
            f"\npack {point.series_count}S{point.parallel_count}P {point.cell_id}: "
            f"{point.pack_mass_kg:.2f} kg, take-off mass {point.take_off_mass_kg:.2f} kg, "
            f"{point.pack_power_w:.0f} W on station at {point.speed_m_per_s:.1f} m/s"
        )
    return EXIT_OK


def _station_assumptions(point) -> list[dict[str, Any]]:
    """The assumptions of an endurance point (its reserve is the station's) as JSON."""
    from sortie.studies.assumptions import flight_assumptions

    reserve = point.station.reserve_state_of_charge
    return [item.to_dict() for item in flight_assumptions(point.setup(60.0), reserve)]


def _station_start_c(settings: SimulationSettings, station) -> float:
    """The cells' temperature when the station begins: as set, else soaked in its air."""
    if settings.start_temperature_c is not None:
        return settings.start_temperature_c
    return station.ambient_c if settings.ambient_c is None else settings.ambient_c


def _cold_start_text(
    args: argparse.Namespace, start_c: float, settings: SimulationSettings, aircraft, station
) -> str:
    """Why a pack soaked below its cold limit holds station for no time at all, and whether a
    pre-heat (its options as spelt on the command line) would let it: one more flight, with
    the suggested heater, says so (a pack far below its cells' range may not even power its
    own heater: then it says to start warmer)."""
    from sortie.studies.endurance import (
        PREHEAT_SUGGESTION_S,
        station_endurance,
        suggested_preheat_w,
    )

    low_c = limits_c(settings, aircraft.cell.chemistry)[0]
    limit = (
        f"below the {low_c:g} °C minimum set by --min-temperature-c"
        if settings.min_temperature_c is not None
        else f"below their {low_c:g} °C discharge limit"
    )
    if settings.heater_power_w > 0 and settings.heater_duration_s > 0:
        return (
            f"the cells started at {start_c:g} °C and are still {limit} at take-off after "
            f"pre-heating {settings.heater_power_w:g} W for {settings.heater_duration_s:g} s: "
            "heat longer or harder (--heater-w, --heater-s)"
        )
    heater_w = suggested_preheat_w(aircraft.cell, aircraft.pack, start_c, low_c)
    heater = f"--heater-w {heater_w:g} --heater-s {PREHEAT_SUGGESTION_S:g}"
    heated = dataclasses.replace(
        settings, heater_power_w=heater_w, heater_duration_s=PREHEAT_SUGGESTION_S
    )
    trial = station_endurance(aircraft.drone, aircraft.cell, aircraft.pack, station, heated)
    if trial.limited_by.flown and trial.endurance_s > 0:
        return (
            f"the cells start at {start_c:g} °C, {limit}; pre-heated on the "
            f"ground with {heater} (drawn from the pack) it would {args.phase} "
            f"{format_minutes(trial.endurance_s)} until the {trial.limited_by.value}"
        )
    return (
        f"the cells start at {start_c:g} °C, {limit}, too cold even to power "
        f"a pre-heater from the pack ({heater}: {trial.limited_by.value}): start warmer "
        "(--start-temperature-c, e.g. kept in a heated case)"
    )


def _check_station(args: argparse.Namespace, drone, station) -> None:
    """The station options, named as options, before anything flies; and the one phase a
    fixed wing cannot fly said with what it can."""
    from sortie.models.drone import AirframeKind
    from sortie.studies.endurance import station_plan

    if drone.kind is AirframeKind.FIXED_WING and station.phase is FlightPhase.HOVER:
        raise InputError(f"drone {drone.id}: a fixed wing cannot hover: use --phase loiter")
    options = {
        "speed_m_per_s": ("--speed-m-per-s", args.speed_m_per_s),
        "ground_altitude_m": ("--ground-altitude-m", args.ground_altitude_m),
        "ambient_c": ("--ambient-c", station.ambient_c),
    }
    try:
        station_plan(station, 60.0)
    except ValidationError as error:
        raise InputError(describe_flag_error(error, options)) from None


def _json_ready(data: dict) -> dict:
    # JSON has no NaN; a run that never started has no voltage or temperature.
    return {
        k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in data.items()
    }


def main(argv: Sequence[str] | None = None) -> int:
    """The console entry: what C libraries write to standard error goes to /dev/null, SIGTERM
    stops cleanly (exit 143), then :func:`run`."""
    quiet_native_stderr()
    with contextlib.suppress(ValueError):  # not the main thread: keep the default
        signal.signal(signal.SIGTERM, raise_terminated)
    status = run(sys.argv[1:] if argv is None else argv)
    # The process ends now (the console script exits with this status): spare it the garbage
    # collector's walk over PyBaMM's objects at exit (~1.2 s once PyBaMM is imported; see
    # executors.freeze_garbage_collector). Files are written and closed by then.
    gc.freeze()
    return status


def run(argv: Sequence[str]) -> int:
    """Parse ``argv`` (without the program name), run the command and return its exit status:
    0, 1 (``--fail-on-incomplete``), 2 (one line on stderr: a user error), 3 (an internal
    error, also one line), 130/143 (interrupted, terminated), 141 (the reader went away)."""
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = PrintableStream(sys.stdout), PrintableStream(sys.stderr)
    try:
        with warnings.catch_warnings():
            if not os.environ.get("SORTIE_DEBUG"):
                # Numeric overflow warnings etc.: the error says it once.
                warnings.simplefilter("ignore")
            try:
                return _run(list(argv))
            except BrokenPipeError:
                # Raised again by the error report itself when stderr is the same closed pipe.
                return stop_writing()
    finally:
        sys.stdout, sys.stderr = streams


def _command(args: argparse.Namespace) -> int:
    if args.command == "list":
        return _list(args.kind, args.json)
    if args.command == "endurance":
        return _endurance(args)
    if args.command == "cell":
        return cli_cell.run_cell_command(args)
    if args.command == "sweep":
        return cli_studies.run_sweep_command(args)
    if args.command == "optimise":
        return cli_studies.run_optimise_command(args)
    return _run_mission(args)


def _run(argv: list[str]) -> int:
    try:
        status = _command(build_parser().parse_args(argv))
        # What is still buffered goes out now, while a closed pipe can still be told apart.
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        if reader_gone(sys.stdout) or reader_gone(sys.stderr):
            return stop_writing()
        return internal_error(BrokenPipeError("a pipe of Sortie's own broke"))
    except (SortieError, ValidationError, ValueError, TypeError) as error:
        # Validation of what the user gave (values, files, overrides): one line, exit 2.
        if isinstance(error, ValidationError):
            message = describe_validation_error(error, "invalid input")
        else:
            message = str(error)
        print(f"sortie: error: {one_line(message)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("sortie: interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("sortie: terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except Exception as error:  # last resort: one line, never a traceback
        if os.environ.get("SORTIE_DEBUG"):
            raise
        return internal_error(error)


if __name__ == "__main__":
    sys.exit(main())
