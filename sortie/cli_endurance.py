"""``sortie endurance``: how long a drone holds station (hover or loiter) on a pack, or which
parallel count flies longest (``--sweep-parallel``); below the cells' cold limit, whether a
pre-heat would let it. :mod:`sortie.cli` parses and dispatches."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import Any

from pydantic import ValidationError

from sortie.cli_options import (
    add_simulation_options,
    check_pack_options,
    finite,
    json_ready,
    json_text,
    settings_of,
)
from sortie.defaults import LANDING_RESERVE_STATE_OF_CHARGE, STANDARD_AMBIENT_C
from sortie.errors import InputError, describe_flag_error, shown_value
from sortie.models.mission import FlightPhase
from sortie.models.settings import SimulationSettings, limits_c
from sortie.reports import format_minutes, format_sweep
from sortie.studies.setup import parse_changes, resolve_aircraft

EXIT_OK = 0


def add_command(commands: argparse._SubParsersAction) -> None:
    """The ``endurance`` command and its options."""
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
    add_simulation_options(endurance)


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


def run_endurance_command(args: argparse.Namespace) -> int:
    """``sortie endurance``: one station endurance or a parallel-count sweep; the exit status."""
    from sortie.studies.endurance import (
        EnduranceLimit,
        StationPoint,
        StationSpec,
        pack_size_sweep,
        station_endurance,
    )

    check_pack_options(args)
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
    settings = settings_of(args)
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
                json_text(
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
        data = {**json_ready(point.row()), "message": point.message}
        if cold and point.endurance_s <= 0:
            data["message"] = f"no {args.phase}: {cold_text}"
        print(json_text({**data, "assumptions": _station_assumptions(station_point)}))
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
