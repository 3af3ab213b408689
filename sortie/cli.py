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

This module parses, dispatches and lists presets; each other command lives in a module of its
own: :mod:`sortie.cli_run`, :mod:`sortie.cli_endurance`, :mod:`sortie.cli_cell`,
:mod:`sortie.cli_studies`, :mod:`sortie.cli_calibrate`, :mod:`sortie.cli_failsafe`,
:mod:`sortie.cli_drone` (the options ``run`` and ``endurance`` share: :mod:`sortie.cli_options`).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import signal
import sys
import warnings
from collections.abc import Sequence

from pydantic import ValidationError

from sortie import (
    cli_calibrate,
    cli_cell,
    cli_drone,
    cli_endurance,
    cli_failsafe,
    cli_life,
    cli_run,
    cli_studies,
)
from sortie.cli_options import positive
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
from sortie.errors import InputError, SortieError, describe_validation_error
from sortie.presets.loader import (
    PresetKind,
    list_presets,
)

EXIT_OK = 0
EXIT_USAGE = 2
# 128 + SIGTERM, as a shell reports a terminated command.
EXIT_TERMINATED = 143


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

    cli_run.add_command(commands)
    cli_endurance.add_command(commands)
    cli_cell.add_commands(commands, positive)
    cli_studies.add_commands(commands)
    cli_calibrate.add_command(commands)
    cli_failsafe.add_parser(commands)
    cli_life.add_command(commands)
    cli_drone.add_parser(commands)
    return parser


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
        return cli_endurance.run_endurance_command(args)
    if args.command == "cell":
        return cli_cell.run_cell_command(args)
    if args.command == "sweep":
        return cli_studies.run_sweep_command(args)
    if args.command == "optimise":
        return cli_studies.run_optimise_command(args)
    if args.command == "calibrate":
        return cli_calibrate.run_calibrate_command(args)
    if args.command == "failsafe":
        return cli_failsafe.run_failsafe_command(args)
    if args.command == "life":
        return cli_life.run_life_command(args)
    if args.command == "drone":
        return cli_drone.run_drone_command(args)
    return cli_run.run_mission_command(args)


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
