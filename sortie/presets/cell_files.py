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


def cell_document(cell: Cell, name: str, description: str, derived_from: str) -> dict[str, Any]:
    """``cell`` as a cell file document named ``name`` (its id follows the name)."""
    if cell.chemistry.id not in chemistries():
        raise InputError(
            f"{cell.name}: a cell of a BPX file cannot be saved as a cell file; keep the BPX file"
        )
    design = dataclasses.replace(
        cell.design, id=slug(name), name=name, description=description, template_of=None
    )
    document = _toml_ready(dataclasses.asdict(design))
    document.pop("reference_data", None)  # the datasheet is the original cell's, not this one's
    document["sources"] = {**document.get("sources", {}), "derived_from": derived_from}
    return document


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
