"""``sortie run``: fly a mission (a preset, a mission file or a flight log) on a cell and
print its phases and summary, or one JSON object with the assumptions as flown; optionally
the time series as CSV. :mod:`sortie.cli` parses and dispatches."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sortie.cli_options import (
    add_simulation_options,
    json_ready,
    json_text,
    positive,
    single_cell_setup,
)
from sortie.errors import InputError, describe_validation_error
from sortie.files import check_writable, spreadsheet_safe_frame, write_file
from sortie.models.flight_log_files import FLIGHT_LOG_SUFFIXES
from sortie.models.mission import Mission
from sortie.reports import format_phases, format_summary, heater_pays_off

EXIT_OK = 0
EXIT_INCOMPLETE = 1


def add_command(commands: argparse._SubParsersAction) -> None:
    """The ``run`` command and its options."""
    run = commands.add_parser("run", help="fly a mission on a cell")
    run.add_argument(
        "--mission",
        required=True,
        help="mission preset id, .toml file or flight log (.csv, PX4 .ulg, ArduPilot .bin)",
    )
    run.add_argument(
        "--bin-s", type=positive, default=10.0, help="flight-log averaging bin [s] (default 10)"
    )
    run.add_argument("--cell", help="cell preset id or .toml file (default: the drone's cell)")
    run.add_argument("--drone", help="drone preset id or .toml file (default: the mission's)")
    add_simulation_options(run)
    run.add_argument("--csv", type=Path, help="write the time series to this CSV file")
    run.add_argument("--fail-on-incomplete", action="store_true", help="exit 1 when not completed")


def run_mission_command(args: argparse.Namespace) -> int:
    """``sortie run``: fly, print (text or JSON), write the CSV; the exit status."""
    from sortie.models.flight import fly

    if args.csv:
        check_writable(args.csv, f"--csv {args.csv}")  # before the flight, not after it
    setup = single_cell_setup(args, "run", _check_mission_drone)
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
    log_sources = _log_sources(setup.mission)
    unheated = _unheated(setup)
    phases = flight.compiled.phase_table()
    if args.csv:
        table = spreadsheet_safe_frame(result.timeseries)
        write_file(args.csv, table.to_csv(float_format="%.10g").encode("utf-8"), str(args.csv))
    if args.json:
        from sortie.studies.assumptions import flight_assumptions

        data = json_ready(result.summary.to_dict())
        if phases is not None:
            data["phases"] = phases.to_dict(orient="records")
        data["assumptions"] = [item.to_dict() for item in flight_assumptions(flight.compiled)]
        if log_sources:
            data["flight_log"] = log_sources
        if unheated is not None:
            data["heater_pays_off"] = heater_pays_off(result.summary, unheated)
            data["without_heater"] = json_ready(unheated.to_dict())
        print(json_text(data))
    else:
        for line in _log_lines(log_sources):
            print(line)
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
    if reference.lower().endswith((".toml", *FLIGHT_LOG_SUFFIXES)) or Path(reference).is_file():
        return Path(reference).name
    return f"mission {reference}"


# What a mission read from a flight log says about the log (sortie.models.flight_log
# .log_to_mission's sources), as the JSON names it.
_LOG_SOURCES = {"source": "power", "phases": "flight log phases", "notes": "flight log notes"}


def _log_sources(mission: object) -> dict[str, str]:
    """A flight log mission's origin, phases found and notes; empty for any other mission
    (and for a log that told neither phases nor notes: a plain CSV)."""
    sources = mission.sources if isinstance(mission, Mission) else {}
    if not any(name in sources for name in ("flight log phases", "flight log notes")):
        return {}
    return {key: sources[name] for key, name in _LOG_SOURCES.items() if name in sources}


def _log_lines(log_sources: dict[str, str]) -> list[str]:
    """The phases a flight log showed and its notes, one line each (none without)."""
    lines = []
    if "phases" in log_sources:
        lines.append(f"phases found in the log: {log_sources['phases']}")
    if "notes" in log_sources:
        lines.append(f"notes on the log: {log_sources['notes']}")
    return lines


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
