"""The options ``sortie run`` and ``sortie endurance`` share and what they make of them: the
numbers an option takes, the simulation settings (their errors naming the options), the pack's
series and parallel counts, and JSON output. :mod:`sortie.cli` parses and dispatches."""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from sortie.errors import InputError, describe_flag_error, json_printable
from sortie.models.settings import ModelKind, SimulationSettings, ThermalBoundary


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


def add_simulation_options(parser: argparse.ArgumentParser) -> None:
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
        "where larger); with --chamber, on each cell's own surface throughout",
    )
    parser.add_argument(
        "--chamber",
        action="store_true",
        help="each cell alone in a test chamber, as a cell test is run: no pack network, no "
        "enclosure, no airflow; its own surface to the chamber air at "
        "--heat-transfer-coefficient (same as --set settings.thermal_boundary=chamber)",
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
    "thermal_boundary": "--chamber",
}


def settings_of(args: argparse.Namespace) -> SimulationSettings:
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
    if args.chamber:
        data["thermal_boundary"] = ThermalBoundary.CHAMBER
    return built(SimulationSettings, data, _SETTINGS_OPTIONS)


def built(cls: Callable[..., Any], data: dict[str, Any], options: dict[str, str]) -> Any:
    """``cls(**data)``, its validation errors naming the options that gave each field."""
    try:
        return cls(**data)
    except ValidationError as error:
        flags = {field: (flag, data.get(field)) for field, flag in options.items()}
        raise InputError(describe_flag_error(error, flags)) from None


def check_pack_options(args: argparse.Namespace) -> None:
    """``--series`` and ``--parallel`` within the pack's limits, named as options."""
    from sortie.cells.pack import Pack

    built(
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


def single_cell_setup(
    args: argparse.Namespace,
    command: str,
    check: Callable[[argparse.Namespace, dict], None] | None = None,
):
    """The flight setup of a one-cell command (run, failsafe, life) from its options, by the
    one assembler (:func:`sortie.studies.setup.resolve_setup`): one ``--cell``, the pack
    options checked, then ``check(args, changes)`` on the parsed ``--set`` changes, if given.
    ``--bin-s`` where the command has it, the default bin otherwise."""
    from sortie.studies.setup import parse_changes, resolve_setup

    if args.cell and "," in args.cell:
        raise InputError(f"{command} takes one --cell")
    check_pack_options(args)
    changes = parse_changes(args.overrides)
    if check is not None:
        check(args, changes)
    bin_s = getattr(args, "bin_s", None)
    return resolve_setup(
        args.mission,
        cell=args.cell,
        drone=args.drone,
        series_count=args.series,
        parallel_count=args.parallel,
        settings=settings_of(args),
        changes=changes,
        **({} if bin_s is None else {"bin_s": bin_s}),
    )


def json_text(data: Any) -> str:
    return json_printable(json.dumps(data, ensure_ascii=False))


def json_ready(data: dict) -> dict:
    # JSON has no NaN; a run that never started has no voltage or temperature.
    return {
        k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in data.items()
    }
