"""Cells as files: a designed, matched or optimised cell written as a full cell TOML that
loads anywhere (``sortie run --cell FILE``, the app's "Add my own cell").

A full design (every electrode, separator, foil and format field) rather than a template:
the file does not depend on which presets exist, and it holds every change that made it
(a capacity match, an optimum). ``sources.derived_from`` says where it came from.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

import tomli_w

from sortie.cells.cell import Cell
from sortie.cells.design import CellDesign, PouchFormat
from sortie.cells.design_edits import describe_changes
from sortie.cells.matching import matched_description
from sortie.errors import InputError
from sortie.files import write_atomically
from sortie.presets.loader import PresetKind, chemistries, list_presets, load_cell


def toml_ready(value: Any) -> Any:
    """TOML has no null: drop None; enums as their values, tuples as lists."""
    if isinstance(value, dict):
        return {k: toml_ready(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [toml_ready(v) for v in value]
    if isinstance(value, StrEnum):
        return value.value
    return value


def slug(text: str) -> str:
    """An id from a name: lower case, words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "cell"


def cell_document(
    cell: Cell, name: str, description: str, derived_from: str, cell_id: str | None = None
) -> dict[str, Any]:
    """``cell`` as a cell file document named ``name`` (its id follows the name unless
    ``cell_id`` is given); the cell's German name goes with it when ``name`` is its name."""
    if cell.chemistry.id not in chemistries():
        raise InputError(
            f"{cell.name}: a cell of a BPX file cannot be saved as a cell file; keep the BPX file"
        )
    design = dataclasses.replace(
        cell.design, id=cell_id or slug(name), name=name, description=description, template_of=None
    )
    document = toml_ready(dataclasses.asdict(design))
    document.pop("reference_data", None)  # the datasheet is the original cell's, not this one's
    document["sources"] = {**document.get("sources", {}), "derived_from": derived_from}
    if cell.name_de and name == cell.name:
        document["name_de"] = cell.name_de  # its German name (the explorer's German mode)
    return document


# "7.5 Ah", "2 Ah", "300 mAh", and in German names "7,5-Ah-": a capacity stated in a name.
_CAPACITY_IN_NAME = re.compile(r"\s*\b\d+(?:[.,]\d+)?(?:\s*|-)m?Ah\b-?", re.IGNORECASE)


def _without(text: str, phrase: str | re.Pattern[str]) -> str:
    """``text`` with ``phrase`` (a string or a pattern) taken out, spaces tidied (and no
    space left before a comma)."""
    pattern = phrase if isinstance(phrase, re.Pattern) else re.compile(re.escape(phrase))
    return re.sub(r"\s+,", ",", " ".join(pattern.sub(" ", text).split())) if phrase else text


def pouch_format_name(fmt: PouchFormat) -> str:
    """A pouch named by its size, length x width x thickness: what the pouch is."""
    return f"pouch {fmt.length_mm:g} x {fmt.width_mm:g} x {fmt.thickness_mm:.1f} mm"


def matched_cell(
    original: Cell, matched: Cell, target_ah: float, changes: Sequence[str] | None = None
) -> Cell:
    """``matched`` (a capacity match of ``original``: sortie.cells.matching.match_capacity)
    named for what it is: "<original without its capacity> matched to 5 Ah", and for a pouch
    whose stack changed, its layer count and new size. A pouch whose thickness changed no
    longer carries the original's format name (a model number such as "SLPB 75106100" states
    the old thickness), and the cell's name loses it too.

    ``changes`` are the design changes ``original`` carries before the match, in words
    (:func:`sortie.cells.design_edits.describe_changes`); None: those against the preset of
    ``original.id`` when it is one (``sortie cell show ID --set ... --capacity-ah``), else none.
    With changes the name says "(edited)" and the description lists them; without, the
    description says the electrodes are the original's. The German name (``name_de``) follows
    the original's German name, for the explorer's German mode."""
    design, before = matched.design, original.design
    if changes is None:
        changes = preset_changes(original)
    capacity_ah = matched.budget.capacity_ah
    fmt = design.format
    stack_changed = isinstance(fmt, PouchFormat) and fmt != before.format
    if stack_changed:
        fmt = dataclasses.replace(fmt, name=pouch_format_name(fmt))
    # Whole layers: say what it came to.
    off_target = abs(capacity_ah / target_ah - 1) > 0.005

    def named(original_name: str, edited: str, matched_to: str, layers: str, ah: str) -> str:
        # A cell matched before is named from what it was matched from.
        base = _without(original_name.split(f" {matched_to} ")[0], _CAPACITY_IN_NAME)
        detail = ""
        if stack_changed:
            base = _without(base, before.format.name)
            detail = f": {design.cathode_layer_count} {layers}, {_format_name(fmt.name, ah)}"
        if off_target:
            detail += f"{',' if detail else ':'} {_number(capacity_ah, 2, ah)} Ah"
        base += f" ({edited})" if changes else ""
        return f"{base} {matched_to} {_number(target_ah, None, ah)} Ah{detail}"

    name = named(original.name, "edited", "matched to", "layers", ".")
    name_de = named(
        original.name_de or original.name, "geändert", "angepasst auf", "Lagen", ","
    )
    base_id = _without(original.name.split(" matched to ")[0], _CAPACITY_IN_NAME)
    if stack_changed:
        base_id = _without(base_id, before.format.name)
    renamed = dataclasses.replace(
        design,
        id=slug(f"{base_id}{' edited' if changes else ''} {target_ah:g} Ah"),
        name=name,
        description=matched_description(
            original.name, original.id, changes, target_ah, capacity_ah, matched.budget.mass_g
        ),
        format=fmt,
    )
    return dataclasses.replace(matched, design=renamed, name_de=name_de, description_de="")


def _number(value: float, decimals: int | None, point: str) -> str:
    """``value`` with ``decimals`` places (None: as short as it goes) and ``point`` as the
    decimal separator."""
    text = f"{value:g}" if decimals is None else f"{value:.{decimals}f}"
    return text.replace(".", point)


def _format_name(name: str, point: str) -> str:
    """A pouch's size name (:func:`pouch_format_name`) in German when ``point`` is a comma."""
    if point == ".":
        return name
    return re.sub(r"(\d)\.(\d)", r"\1,\2", name.replace("pouch", "Pouch").replace(" x ", " × "))


def preset_changes(cell: Cell) -> tuple[str, ...]:
    """What ``cell`` changes in the preset of its id, in the designer's words
    (:func:`~sortie.cells.design_edits.describe_changes`; "changes to the design" for a change
    those words do not name, such as a foil or the can); none when its id is no preset."""
    if cell.id not in {info.id for info in list_presets(PresetKind.CELL)}:
        return ()
    preset = load_cell(cell.id).design
    changes = describe_changes(preset, cell.design)
    if changes:
        return changes

    def comparable(design: CellDesign) -> dict[str, Any]:
        fields = dataclasses.asdict(design)
        for key in ("id", "name", "description", "sources", "template_of", "reference_data"):
            fields.pop(key, None)
        return fields

    return ("changes to the design",) if comparable(preset) != comparable(cell.design) else ()


def matched_cell_document(original: Cell, matched: Cell, target_ah: float) -> dict[str, Any]:
    """The cell file of a capacity match (see :func:`matched_cell`): a full design that holds
    the match (layer count or fill, the pouch's new size, ``sources.capacity matching``)."""
    cell = matched_cell(original, matched, target_ah)
    return cell_document(
        cell,
        name=cell.name,
        description=cell.design.description,
        derived_from=f"{original.id} matched to {target_ah:g} Ah",
        cell_id=cell.id,
    )


def cell_file_text(document: dict[str, Any]) -> str:
    return tomli_w.dumps(document)


def write_cell_file(path: Path, document: dict[str, Any]) -> None:
    """Write atomically (a killed write never leaves half a file or loses the old one)."""
    if path.exists() and not path.is_file():
        raise InputError(f"cannot write {path}: not a regular file")
    if not path.resolve().parent.is_dir():
        raise InputError(f"cannot write {path}: folder {path.parent} does not exist")
    try:
        write_atomically(path, cell_file_text(document).encode("utf-8"))
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror}") from None
