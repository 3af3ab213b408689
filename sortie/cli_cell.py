"""``sortie cell show``: a cell design's mass budget and energy density, discharges at
C-rates, a match to a capacity, and the design saved as a cell file that loads anywhere."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sortie.cells.cell import Cell
from sortie.errors import InputError, json_printable
from sortie.files import check_writable
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.presets.loader import load_cell
from sortie.presets.overrides import parse_override
from sortie.reports import cell_report, format_cell_report

EXIT_OK = 0


def add_commands(commands: argparse._SubParsersAction, number: Callable[[str], float]) -> None:
    """The ``cell`` command and its sub-commands; ``number`` parses positive numbers (the
    command line's own, so that messages read the same)."""
    cell = commands.add_parser("cell", help="cell designs: show a budget, rate it")
    # Sub-commands parse (and fail) as the command line's own parser does.
    cell_commands = cell.add_subparsers(dest="cell_command", required=True, parser_class=type(cell))
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
    show.add_argument("--capacity-ah", type=number, help="scale the design to this capacity")
    show.add_argument(
        "--rate",
        type=number,
        action="append",
        default=[],
        metavar="C",
        help="also simulate a constant-power discharge at this C-rate (repeatable)",
    )
    show.add_argument("--model", choices=[m.value for m in ModelKind], default="dfn")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    show.add_argument(
        "--save",
        type=Path,
        metavar="FILE.toml",
        help="also write the design shown as a full cell file (loads with --cell FILE.toml)",
    )
    show.add_argument("--name", help="the saved cell's name (default: says what it is)")


def run_cell_command(args: argparse.Namespace) -> int:
    """``sortie cell show``: the report (text or JSON), optionally saved as a cell file."""
    import dataclasses

    from sortie.cells.matching import CapacityMatchError, match_capacity
    from sortie.presets.cell_files import matched_cell

    overrides: dict = {}
    for text in args.overrides:
        _, path, value = parse_override(
            text if text.strip().startswith("cell.") else f"cell.{text.strip()}"
        )
        overrides[path] = value
    if args.save is not None:
        _check_writable(args.save)
    original = cell = load_cell(args.cell, overrides)
    if args.capacity_ah is not None:
        try:
            design = match_capacity(cell.design, cell.chemistry, args.capacity_ah)
        except (CapacityMatchError, ValueError) as error:
            raise InputError(f"--capacity-ah {args.capacity_ah:g}: {error}") from None
        cell = matched_cell(original, dataclasses.replace(cell, design=design), args.capacity_ah)
    if args.save is not None:
        _save_cell(args, original, cell)
    report = cell_report(cell)
    if args.rate:
        from sortie.studies.setup import rating_settings

        settings = rating_settings(model=ModelKind(args.model))
        report["rated"] = [_rated(cell, rate, settings) for rate in args.rate]
    if args.json:
        print(json_printable(json.dumps(report, ensure_ascii=False)))
    else:
        print(format_cell_report(report))
    return EXIT_OK


def _rated(cell: Cell, rate: float, settings: SimulationSettings) -> dict[str, Any]:
    import dataclasses

    from sortie.studies.cell_rating import discharge_at_rate

    try:
        return dataclasses.asdict(discharge_at_rate(cell, rate, settings))
    except (InputError, ValueError) as error:
        raise InputError(f"--rate {rate:g}: {error}") from None


def _check_writable(path: Path) -> None:
    if path.suffix != ".toml":
        raise InputError(f"--save {path}: a cell file ends in .toml")
    check_writable(path, f"--save {path}")


def _save_cell(args: argparse.Namespace, original: Cell, cell: Cell) -> None:
    """Write the shown cell as a full cell file, named for what it is: a match holds its layer
    count or fill (see ``matched_cell``), changes are in the name and in
    ``sources.derived_from``."""
    from sortie.presets.cell_files import cell_document, slug, write_cell_file

    changes = ", ".join(text.strip() for text in args.overrides)
    matched = args.capacity_ah is not None
    name = f"{cell.name} ({changes})" if changes else cell.name
    derived_from = original.id + (f" with {changes}" if changes else "")
    cell_id = slug(args.name) if args.name else None  # None: the id follows the name
    if matched:
        derived_from += f" matched to {args.capacity_ah:g} Ah"
        # The match's short id (its name carries layers and size too), plus the changes.
        cell_id = cell_id or slug(f"{cell.id} {changes}")
    document = cell_document(
        cell,
        name=args.name or name,
        description=cell.design.description if matched else f"{original.name}: {derived_from}",
        derived_from=derived_from,
        cell_id=cell_id,
    )
    write_cell_file(args.save, document)
    print(
        f"saved {args.save}: '{document['name']}' (sortie run --cell {args.save} ...)",
        file=sys.stderr,
    )
