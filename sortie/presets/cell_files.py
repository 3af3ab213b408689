"""Cells as files: a designed, matched or optimised cell written as a full cell TOML that
loads anywhere (``sortie run --cell FILE``, the app's "Add my own cell").

A full design (every electrode, separator, foil and format field) rather than a template:
the file does not depend on which presets exist, and it holds every change that made it
(a capacity match, an optimum). ``sources.derived_from`` says where it came from.
"""

from __future__ import annotations

import dataclasses
import re
from enum import StrEnum
from pathlib import Path
from typing import Any

import tomli_w

from sortie.cells.cell import Cell
from sortie.cells.design import PouchFormat
from sortie.errors import InputError
from sortie.files import write_atomically
from sortie.presets.loader import chemistries


def _toml_ready(value: Any) -> Any:
    """TOML has no null: drop None; enums as their values, tuples as lists."""
    if isinstance(value, dict):
        return {k: _toml_ready(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_toml_ready(v) for v in value]
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
    ``cell_id`` is given)."""
    if cell.chemistry.id not in chemistries():
        raise InputError(
            f"{cell.name}: a cell of a BPX file cannot be saved as a cell file; keep the BPX file"
        )
    design = dataclasses.replace(
        cell.design, id=cell_id or slug(name), name=name, description=description, template_of=None
    )
    document = _toml_ready(dataclasses.asdict(design))
    document.pop("reference_data", None)  # the datasheet is the original cell's, not this one's
    document["sources"] = {**document.get("sources", {}), "derived_from": derived_from}
    return document


# "7.5 Ah", "2 Ah", "300 mAh": a capacity stated in a name.
_CAPACITY_IN_NAME = re.compile(r"\s*\b\d+(?:[.,]\d+)?\s*m?Ah\b", re.IGNORECASE)


def _without(text: str, phrase: str | re.Pattern[str]) -> str:
    """``text`` with ``phrase`` (a string or a pattern) taken out, spaces tidied."""
    pattern = phrase if isinstance(phrase, re.Pattern) else re.compile(re.escape(phrase))
    return " ".join(pattern.sub(" ", text).split()) if phrase else text


def pouch_format_name(fmt: PouchFormat) -> str:
    """A pouch named by its size, length x width x thickness: what the pouch is."""
    return f"pouch {fmt.length_mm:g} x {fmt.width_mm:g} x {fmt.thickness_mm:.1f} mm"


def matched_cell(original: Cell, matched: Cell, target_ah: float) -> Cell:
    """``matched`` (a capacity match of ``original``: sortie.cells.matching.match_capacity)
    named for what it is: "<original without its capacity> matched to 5 Ah", and for a pouch
    whose stack changed, its layer count and new size. A pouch whose thickness changed no
    longer carries the original's format name (a model number such as "SLPB 75106100" states
    the old thickness), and the cell's name loses it too."""
    design, before = matched.design, original.design
    # A cell matched before is named from what it was matched from.
    base = _without(original.name.split(" matched to ")[0], _CAPACITY_IN_NAME)
    fmt = design.format
    detail = ""
    if isinstance(fmt, PouchFormat) and fmt != before.format:
        base = _without(base, before.format.name)
        fmt = dataclasses.replace(fmt, name=pouch_format_name(fmt))
        detail = f": {design.cathode_layer_count} layers, {fmt.name}"
    capacity_ah = matched.budget.capacity_ah
    if abs(capacity_ah / target_ah - 1) > 0.005:  # whole layers: say what it came to
        detail += f"{',' if detail else ':'} {capacity_ah:.2f} Ah"
    name = f"{base} matched to {target_ah:g} Ah{detail}"
    renamed = dataclasses.replace(
        design,
        id=slug(f"{base} {target_ah:g} Ah"),
        name=name,
        description=(
            f"{original.name} ({original.id}) with its electrodes unchanged, matched to "
            f"{target_ah:g} Ah: {capacity_ah:.3f} Ah, {matched.budget.mass_g:.1f} g"
        ),
        format=fmt,
    )
    return dataclasses.replace(matched, design=renamed)


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
