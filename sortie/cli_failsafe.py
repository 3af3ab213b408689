"""``sortie failsafe``: the flight controller's battery failsafe (PX4 and ArduPilot) for a
mission, flown from its nominal ambient down to the coldest the user names; prints a table
(parameter, value, unit, reason) or one JSON object and writes the parameter files
(:mod:`sortie.studies.failsafe`, :mod:`sortie.studies.failsafe_params`).
:mod:`sortie.cli` parses and dispatches."""

from __future__ import annotations

import argparse
from enum import StrEnum
from pathlib import Path

from sortie.cli_options import (
    add_simulation_options,
    finite,
    json_text,
    positive,
    single_cell_setup,
)
from sortie.errors import InputError
from sortie.files import check_writable, write_file
from sortie.studies.failsafe import FailsafeResult, Stack
from sortie.studies.failsafe_params import (
    MISSION_PLANNER_SUFFIX,
    QGC_SUFFIX,
    mission_planner_param_text,
    qgc_params_text,
)

EXIT_OK = 0


class StackChoice(StrEnum):
    PX4 = "px4"
    ARDUPILOT = "ardupilot"
    BOTH = "both"

    @property
    def stacks(self) -> tuple[Stack, ...]:
        if self is StackChoice.BOTH:
            return (Stack.PX4, Stack.ARDUPILOT)
        return (Stack(self.value),)


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The ``failsafe`` command and its options (the simulation options ``run`` has)."""
    parser = subparsers.add_parser(
        "failsafe", help="battery failsafe parameters for PX4 and ArduPilot from a mission"
    )
    parser.add_argument("--mission", required=True, help="mission preset id or .toml file")
    parser.add_argument("--cell", help="cell preset id or .toml file (default: the drone's cell)")
    parser.add_argument("--drone", help="drone preset id or .toml file (default: the mission's)")
    parser.add_argument(
        "--coldest-ambient-c",
        type=finite,
        required=True,
        help="the coldest air the drone will fly in [°C] (at or below the nominal ambient, "
        "which is --ambient-c or the mission's own)",
    )
    parser.add_argument(
        "--return-min",
        type=positive,
        help="the return leg: the mission's last minutes (default: its trailing return, "
        "descent and landing phases)",
    )
    parser.add_argument(
        "--stack", choices=[s.value for s in StackChoice], default=StackChoice.BOTH.value
    )
    parser.add_argument(
        "--out-dir", type=Path, help="write sortie-failsafe.params / .param files here"
    )
    add_simulation_options(parser)
    return parser


def _file_name(stack: Stack) -> str:
    return f"sortie-failsafe-{stack.value}" + (
        QGC_SUFFIX if stack is Stack.PX4 else MISSION_PLANNER_SUFFIX
    )


def _file_text(result: FailsafeResult, stack: Stack, label: str) -> str:
    notes = (
        f"Battery failsafe from Sortie: {label}",
        f"Ambients flown: {', '.join(f'{c:g}' for c in result.ambients_c)} degC",
    )
    parameters = result.for_stack(stack)
    if stack is Stack.PX4:
        return qgc_params_text(parameters, notes)
    return mission_planner_param_text(parameters, notes)


def _table(result: FailsafeResult, stacks: tuple[Stack, ...]) -> str:
    rows = [p for stack in stacks for p in result.for_stack(stack)]
    width = max(len(p.name) for p in rows)
    lines = [f"{'parameter':{width}s}  {'value':>10s}  {'unit':5s}  reason"]
    for p in rows:
        integral = p.spec.param_type.name == "INT32" or abs(p.value) >= 100
        value = f"{p.value:.0f}" if integral else f"{p.value:.4g}"
        lines.append(f"{p.name:{width}s}  {value:>10s}  {p.unit:5s}  {p.reason}")
    lines.extend(f"warning: {text}" for text in result.warnings)
    return "\n".join(lines)


def run_failsafe_command(args: argparse.Namespace) -> int:
    """``sortie failsafe``: fly, print (table or JSON), write the files; the exit status."""
    from sortie.engine.voltage_limits import cell_voltage_window_v
    from sortie.studies.failsafe_flights import failsafe_for

    stacks = StackChoice(args.stack).stacks
    if args.out_dir is not None:
        if not args.out_dir.is_dir():
            raise InputError(f"--out-dir {args.out_dir}: not a folder")
        for stack in stacks:  # before the flights, not after them
            check_writable(args.out_dir / _file_name(stack), f"--out-dir {args.out_dir}")
    setup = single_cell_setup(args, "failsafe")
    try:
        _, full_cell_v = cell_voltage_window_v(setup.cell.chemistry)
    except ValueError as error:
        raise InputError(f"cell {setup.cell.id}: {error}") from None
    return_s = None if args.return_min is None else 60.0 * args.return_min
    result = failsafe_for(setup, args.coldest_ambient_c, full_cell_v, return_s)
    label = (
        f"mission {setup.mission.id}, {setup.pack.series_count}S{setup.pack.parallel_count}P "
        f"of {setup.cell.id}, {setup.settings.model.value}"
    )
    written = []
    if args.out_dir is not None:
        for stack in stacks:
            path = args.out_dir / _file_name(stack)
            write_file(path, _file_text(result, stack, label).encode("utf-8"), str(path))
            written.append(str(path))
    if args.json:
        data = result.to_dict()
        data["parameters"] = [p for p in data["parameters"] if Stack(p["stack"]) in stacks]
        data["files"] = written
        print(json_text(data))
    else:
        print(_table(result, stacks))
        for path in written:
            print(f"wrote {path}")
    return EXIT_OK
