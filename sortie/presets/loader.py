"""The one loader for preset and user TOML files.

A reference is either a preset id (``lg-m50-21700``) or a path to a ``.toml`` file. Whatever
goes wrong (unknown id, unreadable or malformed file, a value out of range) becomes an
:class:`~sortie.errors.InputError` with one line naming the file and the field.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from sortie.cells.cell import Cell
from sortie.cells.chemistry import Chemistry
from sortie.cells.design import CellDesign
from sortie.errors import InputError, describe_validation_error, shown_value
from sortie.files import MAX_NESTING, check_nesting, read_regular_file
from sortie.models.drone import Drone
from sortie.models.flight_log import DEFAULT_BIN_S, log_to_mission
from sortie.models.flight_log_files import is_flight_log, read_any_flight_log
from sortie.models.flight_plan import FlightPlan
from sortie.models.mission import Mission, segments_from_samples
from sortie.presets.overrides import Overrides, apply_overrides, resolve_cell_overrides

DATA_DIR = Path(__file__).parent / "data"
MAX_FILE_BYTES = 1_000_000

T = TypeVar("T")


class PresetKind(StrEnum):
    CELL = "cell"
    MISSION = "mission"
    DRONE = "drone"
    CHEMISTRY = "chemistry"


_FOLDERS = {PresetKind.CELL: "cells", PresetKind.MISSION: "missions", PresetKind.DRONE: "drones"}


# The German texts of a preset: ``name_de``/``description_de`` beside ``name``/``description``
# (optional: a user's file without them shows the English ones).
GERMAN_FIELDS = {"name": "name_de", "description": "description_de"}


@dataclass(frozen=True)
class PresetInfo:
    """A preset as a list shows it; ``name_de``/``description_de`` empty when not given."""

    kind: PresetKind
    id: str
    name: str
    description: str
    name_de: str = ""
    description_de: str = ""


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning every failure into a one-line :class:`InputError`. Only a
    regular file of at most :data:`MAX_FILE_BYTES` is read (a named pipe or a link to
    ``/dev/zero`` is refused, never waited on or read without end)."""
    data = read_regular_file(path, MAX_FILE_BYTES, str(path))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{path.name}: malformed TOML: not UTF-8 text (byte {error.start})"
        ) from None
    return parse_toml(text, path.name)


def parse_toml(text: str, context: str) -> dict[str, Any]:
    """Parse TOML text (an upload, a saved design), failures as a one-line :class:`InputError`;
    a document nested more than :data:`~sortie.files.MAX_NESTING` levels is refused."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise InputError(f"{context}: too large (limit {MAX_FILE_BYTES} bytes)")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{context}: malformed TOML: {error}") from None
    except RecursionError:  # the parser recurses once per level of nesting
        raise InputError(f"{context}: nested more than {MAX_NESTING} levels deep") from None
    check_nesting(document, context)
    return document


def construct(cls: type[T], data: dict[str, Any], context: str) -> T:
    """Build a validated domain object or raise a one-line :class:`InputError`."""
    try:
        return cls(**data)
    except ValidationError as error:
        raise InputError(describe_validation_error(error, context)) from None
    except (TypeError, ValueError) as error:
        raise InputError(f"{context}: {error}") from None


@functools.cache
def _chemistry_entries() -> dict[str, dict[str, Any]]:
    return read_toml(DATA_DIR / "chemistries.toml")


@functools.cache
def _catalogue_chemistry(key: str) -> Chemistry:
    """One catalogue entry, built on first use: an entry with ``bpx_file`` (a file in
    ``presets/data/bpx/``) is read through the same checked path as a user's BPX file
    (formula allow-list, parsed in a child process), which costs a few tenths of a second."""
    data = {"id": key, **_chemistry_entries()[key]}
    bpx_file = data.pop("bpx_file", None)
    if bpx_file is not None:
        data["bpx_json"] = _preset_bpx(bpx_file, f"chemistry {key}").bpx_json
    return construct(Chemistry, data, f"chemistry {key}")


def _preset_bpx(name: Any, context: str):
    """A BPX file of the catalogue, by its name inside ``presets/data/bpx/``."""
    from sortie.cells.bpx_import import read_bpx

    folder = (DATA_DIR / "bpx").resolve()
    path = (folder / str(name)).resolve()
    if not isinstance(name, str) or path.parent != folder or path.suffix != ".json":
        raise InputError(f"{context}: bpx_file must name a .json file in presets/data/bpx/")
    return read_bpx(path)


def chemistries() -> dict[str, Chemistry]:
    return {key: _catalogue_chemistry(key) for key in _chemistry_entries()}


@functools.cache
def _formats() -> dict[str, dict[str, Any]]:
    return read_toml(DATA_DIR / "formats.toml")


def _preset_paths(kind: PresetKind) -> dict[str, Path]:
    folder = DATA_DIR / _FOLDERS[kind]
    return {path.stem: path for path in sorted(folder.glob("*.toml"))}


def _resolve(kind: PresetKind, reference: str | Path) -> tuple[dict[str, Any], str]:
    text = str(reference)
    path = Path(text)
    if text.endswith(".toml") or path.is_file():
        return read_toml(path), path.name
    presets = _preset_paths(kind)
    if text not in presets:
        known = ", ".join(presets)
        raise InputError(f"unknown {kind.value} '{text}' (presets: {known}; or give a .toml file)")
    return read_toml(presets[text]), f"{kind.value} {text}"


def require_preset(kind: PresetKind, reference: Any, context: str) -> str:
    """``reference`` if it is the id of a preset of ``kind``; else an :class:`InputError`.
    For what the app takes from a visitor (a link, an upload): it names presets, never a
    file on the server."""
    catalogue = _chemistry_entries() if kind is PresetKind.CHEMISTRY else _preset_paths(kind)
    known = set(catalogue)
    if not isinstance(reference, str) or reference not in known:
        shown = shown_value(reference, max_chars=60) if isinstance(reference, str) else "..."
        raise InputError(f"{context}: {kind.value} {shown!r} is not a preset (presets only here)")
    return reference


def load_chemistry(chemistry_id: str) -> Chemistry:
    entries = _chemistry_entries()
    if chemistry_id not in entries:
        raise InputError(f"unknown chemistry '{chemistry_id}' (catalogue: {', '.join(entries)})")
    return _catalogue_chemistry(chemistry_id)


def _expand_format(data: dict[str, Any], overrides: Overrides) -> tuple[dict, Overrides]:
    """(data, overrides) with named formats as their tables wherever an override reaches into
    the format (``format.height_mm``): the named format of ``data``, and one that an override
    swaps in first (``format = "18650"``, then ``format.height_mm``). Unknown names stay as
    they are, for the format check to name them."""
    if not any(str(key).startswith("format.") for key in overrides):
        return data, overrides

    def table(value: Any) -> Any:
        return dict(_formats()[value]) if isinstance(value, str) and value in _formats() else value

    expanded = {key: table(value) if key == "format" else value for key, value in overrides.items()}
    if "format" in data:
        data = {**data, "format": table(data["format"])}
    return data, expanded


def _with_template(data: dict[str, Any], context: str) -> dict[str, Any]:
    """A template cell: ``template_of`` names a preset, ``[changes]`` holds dotted paths or
    aliases applied to it; the template's own id, name and description replace the base's."""
    base_id = data.get("template_of")
    if base_id is None:
        return data
    if not isinstance(base_id, str) or base_id not in _preset_paths(PresetKind.CELL):
        raise InputError(f"{context}: template_of must name a cell preset")
    base = _with_template(read_toml(_preset_paths(PresetKind.CELL)[base_id]), base_id)
    base.pop("reference_data", None)
    base.pop("template_of", None)
    changes = data.get("changes", {})
    if not isinstance(changes, dict):
        raise InputError(f"{context}: [changes] must be a table of field = value")
    base, changes = _expand_format(base, changes)
    merged = apply_overrides(base, resolve_cell_overrides(base, changes), context)
    for english, german in GERMAN_FIELDS.items():
        if english in data and german not in data:
            merged.pop(german, None)  # the base's German text would name another cell
    for key, value in data.items():
        if key != "changes":
            merged[key] = value
    merged["sources"] = {**base.get("sources", {}), **data.get("sources", {})}
    return merged


def cell_from_dict(data: dict[str, Any], context: str) -> Cell:
    data = _with_template(dict(data), context)
    fmt = data.get("format")
    if isinstance(fmt, str):
        if fmt not in _formats():
            raise InputError(
                f"{context}: unknown format '{fmt}' (standard: {', '.join(_formats())}; "
                "or give a [format] table)"
            )
        data["format"] = _formats()[fmt]
    if "chemistry" not in data:
        raise InputError(f"{context}: no chemistry: a cell file names one (sortie list chemistry)")
    try:
        chemistry = load_chemistry(str(data["chemistry"]))
    except InputError as error:
        raise InputError(f"{context}: {error}") from None
    german = _german_texts(data, context)
    design = construct(CellDesign, data, context)
    try:
        return Cell(design=design, chemistry=chemistry, **german)
    except ValueError as error:
        raise InputError(f"{context}: {error}") from None


def _german_texts(data: dict[str, Any], context: str) -> dict[str, str]:
    """The German name and description taken out of a cell's ``data`` (they belong to the
    :class:`Cell`, not to its design)."""
    found = {}
    for german in GERMAN_FIELDS.values():
        value = data.pop(german, "")
        if not isinstance(value, str):
            raise InputError(f"{context}: {german}: Input should be a valid string")
        found[german] = value
    return found


def load_cell(reference: str | Path, overrides: Overrides | None = None) -> Cell:
    """A preset or file; ``overrides`` take dotted paths or the flat aliases of
    :data:`~sortie.presets.overrides.CELL_FIELD_ALIASES` (applied after any template)."""
    if str(reference).lower().endswith(".json"):
        from sortie.cells.bpx_import import read_bpx

        path = Path(reference)
        return _bpx_cell(read_bpx(path), overrides or {}, path.name)
    data, context = _resolve(PresetKind.CELL, reference)
    return cell_from_data(data, context, overrides)


def cell_from_data(data: dict[str, Any], context: str, overrides: Overrides | None = None) -> Cell:
    """A cell from a parsed TOML document (full design or ``template_of`` a preset)."""
    data, overrides = _expand_format(_with_template(dict(data), context), overrides or {})
    return cell_from_dict(
        apply_overrides(data, resolve_cell_overrides(data, overrides), context), context
    )


def cell_from_bpx_bytes(data: bytes, source: str, overrides: Overrides | None = None) -> Cell:
    """A cell from the contents of a BPX file (e.g. an upload), checked in a child process."""
    from sortie.cells.bpx_import import read_bpx_bytes

    return _bpx_cell(read_bpx_bytes(data, source), overrides or {}, source)


def mission_from_dict(data: dict[str, Any], context: str) -> Mission | FlightPlan:
    """A flight plan from ``[[phases]]``, or a power mission from ``[[segments]]`` or from a
    ``[time_series]`` table of ``time_s`` and ``power_w`` sample lists."""
    data = dict(data)
    if "phases" in data:
        if "segments" in data or "time_series" in data:
            raise InputError(f"{context}: give [[phases]] or power segments, not both")
        return construct(FlightPlan, data, context)
    series = data.pop("time_series", None)
    if series is not None:
        if "segments" in data:
            raise InputError(f"{context}: give either [[segments]] or [time_series], not both")
        if not isinstance(series, dict) or set(series) != {"time_s", "power_w"}:
            raise InputError(f"{context}: [time_series] needs exactly time_s and power_w lists")
        try:
            data["segments"] = segments_from_samples(series["time_s"], series["power_w"])
        except ValidationError as error:
            raise InputError(describe_validation_error(error, f"{context} time_series")) from None
        except (TypeError, ValueError) as error:
            raise InputError(f"{context}: time_series: {error}") from None
    return construct(Mission, data, context)


def _bpx_cell(bpx, overrides: Overrides, source: str) -> Cell:
    """A user's BPX cell (already checked in a child process, see sortie.cells.bpx_import)."""
    from sortie.cells.bpx_cell import cell_from_bpx

    try:
        cell = cell_from_bpx(bpx)
    except ValidationError as error:  # values BPX allows, a cell does not (an area of 1e300)
        raise InputError(describe_validation_error(error, f"{source}: as a cell")) from None
    return changed_cell(cell, overrides, source)


def _plain(value: Any) -> Any:
    """Dataclass fields as TOML would give them: tuples as lists, enums as their values."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, StrEnum):
        return value.value
    return value


def changed(obj: T, overrides: Overrides, context: str) -> T:
    """A copy of a domain object (drone, mission, pack, settings) with dotted fields set, as
    ``--set`` does on a file (``phases.2.duration_s``); validated like a new object."""
    import dataclasses

    if not overrides:
        return obj
    data = _plain(dataclasses.asdict(obj))
    return construct(type(obj), apply_overrides(data, overrides, context), context)


def changed_cell(cell: Cell, overrides: Overrides, context: str) -> Cell:
    """A copy of ``cell`` with design fields set (dotted paths or the flat aliases of
    :data:`~sortie.presets.overrides.CELL_FIELD_ALIASES`; ``format`` may name a standard format)."""
    import dataclasses

    if not overrides:
        return cell
    data = _plain(dataclasses.asdict(cell.design))
    fmt = overrides.get("format")
    if isinstance(fmt, str):
        if fmt not in _formats():
            raise InputError(
                f"{context}: unknown format '{fmt}' (standard: {', '.join(_formats())})"
            )
        overrides = {**overrides, "format": dict(_formats()[fmt])}
    data = apply_overrides(data, resolve_cell_overrides(data, overrides), context)
    design = construct(CellDesign, data, context)
    try:
        return Cell(
            design=design,
            chemistry=cell.chemistry,
            name_de=cell.name_de,
            description_de=cell.description_de,
        )
    except ValueError as error:
        raise InputError(f"{context}: {error}") from None


def load_mission(
    reference: str | Path, overrides: Overrides | None = None, bin_s: float = DEFAULT_BIN_S
) -> Mission | FlightPlan:
    """A preset id, a mission ``.toml`` file, or a flight log: ``.csv``, PX4 ``.ulg`` or
    ArduPilot ``.bin`` (bin-averaged into ``bin_s`` segments, energy kept; a PX4 or ArduPilot
    log's segments carry the phases found in it)."""
    if is_flight_log(reference):
        path = Path(reference)
        if overrides:
            raise InputError(f"{path.name}: --set mission.* does not apply to a flight log")
        log = read_any_flight_log(path)
        return log_to_mission(
            log, mission_id=path.stem, name=f"flight log {path.name}", bin_s=bin_s
        )
    data, context = _resolve(PresetKind.MISSION, reference)
    return mission_from_dict(apply_overrides(data, overrides or {}, context), context)


def load_drone(reference: str | Path, overrides: Overrides | None = None) -> Drone:
    data, context = _resolve(PresetKind.DRONE, reference)
    return construct(Drone, apply_overrides(data, overrides or {}, context), context)


def list_presets(kind: PresetKind) -> list[PresetInfo]:
    if kind is PresetKind.CHEMISTRY:
        return [
            PresetInfo(kind, c.id, c.name, c.reference, c.name_de, c.reference)
            for c in chemistries().values()
        ]
    found = []
    for preset_id, path in _preset_paths(kind).items():
        data = read_toml(path)
        found.append(
            PresetInfo(
                kind,
                preset_id,
                data.get("name", preset_id),
                data.get("description", ""),
                data.get("name_de", ""),
                data.get("description_de", ""),
            )
        )
    return found
