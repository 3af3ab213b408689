"""A comparison scenario: one mission, one aircraft and pack layout, several cells.

A scenario is everything a view of the explorer needs to be rebuilt: it is JSON-ready (export
and reload), fits in a URL when it only names presets, and is the unit of work that the runner
caches. Cells and missions are *choices*: a preset id, a user's own document (a saved TOML cell
or an edited flight plan), or a BPX file's text, each with optional design overrides.

Why one module of ~500 lines: it is one idea, the scenario and the forms it travels in (the
domain objects it resolves to, a user's files, JSON, a URL). Every form must come back as the
same :class:`Scenario`, so its fields and each form's reader and writer change together.
"""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import dataclass as plain_dataclass
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, TypeAdapter, ValidationError, model_validator
from pydantic.dataclasses import dataclass

from sortie.cells.cell import Cell
from sortie.cells.chemistry import STRICT
from sortie.cells.pack import Pack
from sortie.errors import InputError, describe_validation_error
from sortie.files import MAX_NESTING, check_nesting
from sortie.models.drone import Drone
from sortie.models.flight import FlightSetup
from sortie.models.flight_log import log_to_mission
from sortie.models.flight_log_files import is_flight_log, read_any_flight_log
from sortie.models.flight_plan import FlightPlan
from sortie.models.mission import Mission
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.presets.loader import (
    DATA_DIR,
    PresetKind,
    cell_from_bpx_bytes,
    cell_from_data,
    load_cell,
    load_drone,
    load_mission,
    mission_from_dict,
    parse_toml,
    read_toml,
    require_preset,
)
from sortie.studies.setup import resolve_setup, sized_to_mass

# More cells than this make overlaid plots unreadable on a projector.
MAX_CELLS = 6
# URL parameter holding a whole scenario (compressed JSON) when it holds more than presets.
VIEW_PARAMETER = "view"
# A link Sortie makes is at most a few thousand characters (see ui.pages.compare); a hand-made
# one may be longer, but its view is inflated in the one server process every visitor shares:
# both the parameter and what it inflates to are capped (1.3 MB of zeros inflate to 1 GB).
MAX_VIEW_PARAMETER_CHARS = 100_000
MAX_VIEW_JSON_BYTES = 2_000_000


@dataclass(config=STRICT)
class CellChoice:
    """Exactly one of ``preset`` (id), ``document`` (a parsed cell TOML: a full design or
    ``template_of`` a preset) or ``bpx`` (a BPX file's JSON text). ``overrides`` take the
    loader's dotted paths or flat aliases (``positive_electrode_thickness_um``)."""

    preset: str | None = None
    document: dict[str, Any] | None = None
    bpx: str | None = None
    overrides: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> CellChoice:
        given = [self.preset is not None, self.document is not None, self.bpx is not None]
        if sum(given) != 1:
            raise ValueError("a cell choice needs exactly one of preset, document or bpx")
        return self


@dataclass(config=STRICT)
class MissionChoice:
    """Exactly one of ``preset`` (id) or ``document`` (a parsed mission TOML: ``phases`` of a
    flight plan, or power ``segments`` e.g. from a binned flight log)."""

    preset: str | None = None
    document: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _check(self) -> MissionChoice:
        if (self.preset is None) == (self.document is None):
            raise ValueError("a mission choice needs exactly one of preset or document")
        return self


class PackSizing(StrEnum):
    """How each cell's pack is sized. SAME_LAYOUT: every cell in the same S x P.
    SAME_MASS: S as given, P chosen per cell so its pack weighs as close as possible to the
    first cell's S x P pack (a fair "which cell flies longest" for one airframe)."""

    SAME_LAYOUT = "same layout"
    SAME_MASS = "same mass"


@dataclass(config=STRICT)
class Scenario:
    """``drone`` None takes the mission's own drone; ``series_count``/``parallel_count`` None
    take the drone's layout (without a drone both must be given); ``payload_kg`` None the
    drone's payload; ``ambient_c`` None flies each phase at the mission's own ambient."""

    mission: MissionChoice
    cells: Annotated[tuple[CellChoice, ...], Field(min_length=1, max_length=MAX_CELLS)]
    drone: str | None = None
    series_count: Annotated[int, Field(ge=1, le=400)] | None = None
    parallel_count: Annotated[int, Field(ge=1, le=400)] | None = None
    payload_kg: Annotated[float, Field(ge=0, le=5000)] | None = None
    model: ModelKind = ModelKind.DFN
    ambient_c: Annotated[float, Field(ge=-60, le=80)] | None = None
    # None: each cell stops at its chemistry's datasheet limit (as on the command line).
    max_temperature_c: Annotated[float, Field(gt=-40, le=150)] | None = None
    pack_sizing: PackSizing = PackSizing.SAME_LAYOUT


_ADAPTER = TypeAdapter(Scenario)


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """JSON-ready form (enums as values); :func:`scenario_from_dict` reads it back."""
    return _ADAPTER.dump_python(scenario, mode="json")


def scenario_from_dict(data: Any) -> Scenario:
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as error:
        raise InputError(describe_validation_error(error, "scenario")) from None


def scenario_key(scenario: Scenario) -> str:
    """Canonical JSON text: equal scenarios give equal keys."""
    return json.dumps(scenario_to_dict(scenario), sort_keys=True, separators=(",", ":"))


# --- resolving choices into domain objects ---------------------------------------------------


# A scenario comes from a visitor (a link, an upload): what it names are presets, never a
# path to a file on the server (``mission=/etc/passwd`` would be read as a mission).


def cell_of_choice(choice: CellChoice) -> Cell:
    if choice.preset is not None:
        preset = require_preset(PresetKind.CELL, choice.preset, "cell")
        return load_cell(preset, dict(choice.overrides))
    if choice.document is not None:
        return cell_from_data(choice.document, "your cell", dict(choice.overrides))
    return cell_from_bpx_bytes(choice.bpx.encode("utf-8"), "BPX file", dict(choice.overrides))


def mission_of_choice(choice: MissionChoice) -> Mission | FlightPlan:
    if choice.preset is not None:
        return load_mission(require_preset(PresetKind.MISSION, choice.preset, "mission"))
    plan = mission_from_dict(choice.document, "your mission")
    if plan.drone is not None:
        require_preset(PresetKind.DRONE, plan.drone, "your mission: drone")
    return plan


def _changes(scenario: Scenario) -> dict[str, Any]:
    return {} if scenario.payload_kg is None else {"drone.payload_kg": scenario.payload_kg}


def scenario_drone(scenario: Scenario) -> Drone | None:
    """The aircraft of the scenario (its own or the mission's, with the payload), if any."""
    drone_id = scenario.drone or mission_of_choice(scenario.mission).drone
    if drone_id is None:
        return None
    require_preset(PresetKind.DRONE, drone_id, "drone")
    payload = {} if scenario.payload_kg is None else {"payload_kg": scenario.payload_kg}
    return load_drone(drone_id, payload)


def settings_of(scenario: Scenario) -> SimulationSettings:
    return SimulationSettings(
        model=scenario.model,
        ambient_c=scenario.ambient_c,
        max_temperature_c=scenario.max_temperature_c,
    )


def scenario_setup(scenario: Scenario, cell: Cell, reference: Cell | None = None) -> FlightSetup:
    """The flight of ``cell`` in the scenario, by the one set of rules
    (:func:`sortie.studies.setup.resolve_setup`). With SAME_MASS sizing ``reference`` (the
    scenario's first cell) sets the pack mass that ``cell``'s parallel count matches."""
    plan = mission_of_choice(scenario.mission)
    if scenario.drone is not None:
        require_preset(PresetKind.DRONE, scenario.drone, "drone")
    common = dict(
        drone=scenario.drone,
        series_count=scenario.series_count,
        parallel_count=scenario.parallel_count,
        settings=settings_of(scenario),
        changes=_changes(scenario),
    )
    setup = resolve_setup(plan, cell=cell, **common)
    if scenario.pack_sizing is PackSizing.SAME_LAYOUT or reference is None:
        return setup
    # A weighed mass belongs to the first cell's pack, not this one: sized_to_mass drops it.
    return sized_to_mass(setup, reference_pack(scenario, reference).mass_kg(reference.budget))


def reference_pack(scenario: Scenario, reference: Cell) -> Pack:
    """The pack whose mass every cell's pack is sized to with SAME_MASS sizing: the
    ``reference`` cell's (the scenario's first cell's) at the scenario's S x P."""
    setup = resolve_setup(
        mission_of_choice(scenario.mission),
        cell=reference,
        drone=scenario.drone,
        series_count=scenario.series_count,
        parallel_count=scenario.parallel_count,
        settings=settings_of(scenario),
        changes=_changes(scenario),
    )
    return setup.pack


@plain_dataclass(frozen=True)
class Showcase:
    """A curated showroom scenario with its title and story in each language (``en``, ``de``)."""

    id: str
    title: dict[str, str]
    story: dict[str, str]
    scenario: Scenario


def showcases() -> tuple[Showcase, ...]:
    """The showroom's scenarios (``presets/data/showroom.toml``)."""
    path = DATA_DIR / "showroom.toml"
    found = []
    for entry in read_toml(path)["scenario"]:
        languages = ("en", "de")
        found.append(
            Showcase(
                id=entry["id"],
                title={lang: entry[f"title_{lang}"] for lang in languages},
                story={lang: entry[f"story_{lang}"] for lang in languages},
                scenario=scenario_from_dict(entry["setup"]),
            )
        )
    return tuple(found)


# --- a user's own files ------------------------------------------------------------------------


def mission_document(file_name: str, data: bytes) -> dict[str, Any]:
    """A mission document from an uploaded file: a flight log (``.csv``, PX4 ``.ulg`` or
    ArduPilot ``.bin``; bin-averaged into power segments, energy kept) or a mission ``.toml``.
    Checked by building it once."""
    if is_flight_log(file_name):
        log = read_any_flight_log(data, name=file_name)
        stem = file_name.rsplit(".", 1)[0]
        mission = log_to_mission(log, mission_id=stem, name=f"flight log {file_name}")
        return TypeAdapter(Mission).dump_python(mission, mode="json")
    if not file_name.lower().endswith(".toml"):
        raise InputError(
            f"{file_name}: a mission is a flight log (.csv, PX4 .ulg, ArduPilot .bin) or a "
            ".toml file"
        )
    document = parse_toml(_text(file_name, data), file_name)
    plan = mission_from_dict(document, file_name)
    if plan.drone is not None:
        require_preset(PresetKind.DRONE, plan.drone, f"{file_name}: drone")
        _check_flown(plan, file_name)
    return document


def _check_flown(plan: Mission | FlightPlan, file_name: str) -> None:
    """A plan flown once by its own drone, cell and pack (no electrochemistry: cheap): what
    only its flight shows (a hover on a fixed wing, a distance at a crawl that lasts years)
    is refused with the file, not on every later rerun of the page. Too heavy is no reason:
    the visitor may choose a smaller pack."""
    from sortie.models.flight import TooHeavyError, compile_flight

    try:
        compile_flight(resolve_setup(plan))
    except TooHeavyError:
        pass
    except InputError as error:
        raise InputError(f"{file_name}: {error}") from None
    except ValidationError as error:
        raise InputError(describe_validation_error(error, f"{file_name}: as flown")) from None


def _text(file_name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{file_name}: not UTF-8 text") from None


def cell_choice(file_name: str, data: bytes) -> tuple[CellChoice, Cell]:
    """A cell choice from an uploaded cell ``.toml`` (a full design or ``template_of`` a
    preset) or a BPX ``.json`` file, with the cell it gives (so the caller can name it)."""
    lowered = file_name.lower()
    if lowered.endswith(".json"):
        cell = cell_from_bpx_bytes(data, file_name)
        return CellChoice(bpx=_text(file_name, data)), cell
    if not lowered.endswith(".toml"):
        raise InputError(f"{file_name}: a cell is a .toml design or a BPX .json file")
    document = parse_toml(_text(file_name, data), file_name)
    return CellChoice(document=document), cell_from_data(document, file_name)


def design_document(choice: CellChoice, name: str) -> dict[str, Any]:
    """A preset with design changes as a saveable cell TOML document (``template_of``)."""
    if choice.preset is None:
        raise InputError("only a preset with changes can be saved as a template")
    return {
        "template_of": choice.preset,
        "id": f"{choice.preset}-custom",
        "name": name,
        "description": f"{choice.preset} with design changes made in Sortie",
        "changes": dict(sorted(choice.overrides.items())),
    }


# --- sharing as a URL --------------------------------------------------------------------------


class TradeOff(StrEnum):
    """A trade-off plot of a comparison, drawn on request (it costs extra solves)."""

    RAGONE = "ragone"
    AMBIENT = "ambient"


# URL parameter (comma-separated) and view-file key naming the trade-off plots that are open.
PLOTS_PARAMETER = "plots"


def trade_offs(names: Any, context: str) -> tuple[TradeOff, ...]:
    """Trade-off plots by their names (a list, or one comma-separated text), in the page's
    order, each once; an unknown name is an :class:`InputError` naming ``context``."""
    if isinstance(names, str):
        names = [n for n in names.split(",") if n.strip()]
    if not isinstance(names, list | tuple) or not all(isinstance(n, str) for n in names):
        raise InputError(f"{context}: the plots are a list of names")
    known = {t.value for t in TradeOff}
    unknown = [n for n in names if n.strip() not in known]
    if unknown:
        raise InputError(
            f"{context}: unknown plot {', '.join(repr(n) for n in unknown)} "
            f"(known: {', '.join(sorted(known))})"
        )
    wanted = {n.strip() for n in names}
    return tuple(t for t in TradeOff if t.value in wanted)


def plots_to_query(plots: Any) -> dict[str, str]:
    """The ``plots`` parameter for the open trade-off plots (none: no parameter)."""
    found = trade_offs(list(plots), "plots")
    return {PLOTS_PARAMETER: ",".join(t.value for t in found)} if found else {}


def plots_from_query(query: dict[str, list[str]]) -> tuple[TradeOff, ...]:
    """The trade-off plots a link opens (see :func:`plots_to_query`)."""
    if not query.get(PLOTS_PARAMETER):
        return ()
    return trade_offs(query[PLOTS_PARAMETER][-1], "shared link: plots")


def to_query(scenario: Scenario) -> dict[str, str | list[str]]:
    """URL query parameters. Preset-only scenarios read as plain words
    (``mission=quad-isr-loiter&cell=lg-m50-21700&cell=...&pack=6S4P``); anything holding a
    user's own document is packed into one compressed ``view`` parameter."""
    presets_only = scenario.mission.preset is not None and all(
        c.preset is not None for c in scenario.cells
    )
    if not presets_only:
        packed = zlib.compress(scenario_key(scenario).encode("utf-8"), 9)
        return {VIEW_PARAMETER: base64.urlsafe_b64encode(packed).decode("ascii")}
    query: dict[str, str | list[str]] = {
        "mission": scenario.mission.preset,
        "cell": [_cell_word(c) for c in scenario.cells],
        "model": scenario.model.value,
    }
    optional = {
        "drone": scenario.drone,
        "series": scenario.series_count,
        "parallel": scenario.parallel_count,
        "payload": scenario.payload_kg,
        "ambient": scenario.ambient_c,
        "sizing": None if scenario.pack_sizing is PackSizing.SAME_LAYOUT else "mass",
    }
    query.update(
        {
            k: f"{v:g}" if isinstance(v, float) else str(v)
            for k, v in optional.items()
            if v is not None
        }
    )
    if scenario.max_temperature_c is not None:
        query["tmax"] = f"{scenario.max_temperature_c:g}"
    return query


def _cell_word(choice: CellChoice) -> str:
    """``lg-m50-21700`` or ``lg-m50-21700~positive_electrode_thickness_um=60``."""
    return "~".join([choice.preset, *(f"{k}={v:g}" for k, v in sorted(choice.overrides.items()))])


def _cell_from_word(word: str) -> dict[str, Any]:
    preset, *changes = word.split("~")
    overrides = {}
    for change in changes:
        key, _, value = change.partition("=")
        try:
            overrides[key] = float(value)
        except ValueError:
            raise InputError(f"shared link: cell change {change!r} is not field=number") from None
    return {"preset": preset, "overrides": overrides}


def unpack_view(text: str) -> Any:
    """The JSON document in a ``view`` parameter, inflated with a hard limit
    (:data:`MAX_VIEW_JSON_BYTES`, whatever the compressed data claims) and nested at most
    :data:`~sortie.files.MAX_NESTING` levels. Raises :class:`InputError`."""
    if len(text) > MAX_VIEW_PARAMETER_CHARS:
        raise InputError(
            f"shared link: the view is {len(text):,} characters long (at most "
            f"{MAX_VIEW_PARAMETER_CHARS:,}); share the JSON export instead"
        )
    try:
        inflater = zlib.decompressobj()
        data = inflater.decompress(base64.urlsafe_b64decode(text), MAX_VIEW_JSON_BYTES + 1)
    except (ValueError, zlib.error) as error:
        raise InputError(f"shared link: the view cannot be read ({error})") from None
    if len(data) > MAX_VIEW_JSON_BYTES or inflater.unconsumed_tail:
        raise InputError(
            f"shared link: the view inflates to more than {MAX_VIEW_JSON_BYTES:,} bytes"
        )
    return parse_json(data, "shared link: the view")


def parse_json(data: bytes, context: str) -> Any:
    """A JSON document (UTF-8) nested at most :data:`~sortie.files.MAX_NESTING` levels;
    failures as one-line :class:`InputError` s."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise InputError(f"{context} is not JSON ({error})") from None
    except RecursionError:  # the parser recurses once per level of nesting
        raise InputError(f"{context}: nested more than {MAX_NESTING} levels deep") from None
    check_nesting(document, context)
    return document


def from_query(query: dict[str, list[str]]) -> Scenario | None:
    """The scenario in URL parameters (each key mapped to all its values), None if the URL
    names none. Raises :class:`InputError` for a damaged or outdated link."""
    if VIEW_PARAMETER in query:
        return scenario_from_dict(unpack_view(query[VIEW_PARAMETER][-1]))
    if "mission" not in query or "cell" not in query:
        return None

    def last(key: str) -> str | None:
        return query[key][-1] if query.get(key) else None

    def number(key: str) -> float | None:
        text = last(key)
        if text is None:
            return None
        try:
            return float(text)
        except ValueError:
            raise InputError(f"shared link: {key}={text!r} is not a number") from None

    data: dict[str, Any] = {
        "mission": {"preset": last("mission")},
        "cells": [_cell_from_word(w) for w in query["cell"]],
        "drone": last("drone"),
        "series_count": number("series"),
        "parallel_count": number("parallel"),
        "payload_kg": number("payload"),
        "ambient_c": number("ambient"),
    }
    for key, field in (("series_count", "series"), ("parallel_count", "parallel")):
        if data[key] is not None:
            if not float(data[key]).is_integer():
                raise InputError(f"shared link: {field} must be a whole number")
            data[key] = int(data[key])
    if last("sizing") == "mass":
        data["pack_sizing"] = PackSizing.SAME_MASS
    if last("model"):
        data["model"] = last("model")
    if last("tmax"):
        data["max_temperature_c"] = number("tmax")
    return scenario_from_dict(data)
