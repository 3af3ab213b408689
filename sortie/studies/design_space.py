"""A design space: a base setup and the fields that vary, and the designs they give.

A sweep file (TOML) names a ``[base]`` (mission or ``[base.station]``, cell, drone, pack,
settings and fixed ``set`` changes) and ``[[dimensions]]``: any field ``--set`` accepts
(``cell.positive_electrode_thickness_um``, ``cell.format.height_mm``, ``drone.payload_kg``,
``mission.phases.2.duration_s``, ``pack.parallel_count``, ``settings.ambient_c``, or ``cell``
itself with preset names), each with ``values = [...]`` or ``start``/``stop``/``count``.
Designs are the full grid of the dimensions, or ``samples`` drawn by a Latin hypercube with a
``seed``: the same file always gives the same designs, in the same order.

Whole-number ``start`` and ``stop`` make an integer dimension (pack counts, layer counts).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import Field, TypeAdapter, ValidationError, model_validator
from pydantic.dataclasses import dataclass

from sortie.cells.chemistry import STRICT
from sortie.defaults import LANDING_RESERVE_STATE_OF_CHARGE, STANDARD_AMBIENT_C
from sortie.errors import InputError, describe_validation_error
from sortie.models.flight_log_files import FLIGHT_LOG_SUFFIXES
from sortie.models.mission import FlightPhase
from sortie.presets.loader import PresetKind, parse_toml, read_toml, require_preset
from sortie.studies.setup import change_key

# A grid bigger than this is almost always a typo (and would not finish on a laptop).
MAX_DESIGNS = 100_000
Scalar = float | int | str | bool


class Sampling(StrEnum):
    GRID = "grid"
    LATIN_HYPERCUBE = "latin hypercube"


@dataclass(config=STRICT)
class StationBase:
    """Endurance on station instead of a mission (see ``sortie.studies.endurance``): one
    phase flown until the reserve or a cell limit."""

    phase: FlightPhase = FlightPhase.HOVER
    speed_m_per_s: Annotated[float, Field(gt=0, le=150)] | None = None
    ground_altitude_m: Annotated[float, Field(ge=-400, le=6000)] = 0.0
    ambient_c: Annotated[float, Field(ge=-60, le=80)] = STANDARD_AMBIENT_C
    reserve_state_of_charge: Annotated[float, Field(ge=0, le=0.9)] = (
        LANDING_RESERVE_STATE_OF_CHARGE
    )


@dataclass(config=STRICT)
class Base:
    """What every design shares. Exactly one of ``mission`` (a preset or file) and
    ``station``; a station needs a ``drone``. ``settings`` are SimulationSettings fields;
    ``set`` holds fixed changes (as ``--set``)."""

    mission: str | None = None
    station: StationBase | None = None
    cell: str | None = None
    drone: str | None = None
    series_count: Annotated[int, Field(ge=1, le=400)] | None = None
    parallel_count: Annotated[int, Field(ge=1, le=400)] | None = None
    settings: dict[str, Any] = Field(default_factory=dict)
    set: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> Base:
        if (self.mission is None) == (self.station is None):
            raise ValueError("give exactly one of mission and [base.station]")
        if self.station is not None and self.drone is None:
            raise ValueError("a station needs a drone")
        for key in self.set:
            change_key(key)
        return self


@dataclass(config=STRICT)
class Dimension:
    """One varying field: ``values``, or ``start``, ``stop`` and (for a grid) ``count``."""

    field: str
    values: Annotated[tuple[Scalar, ...], Field(min_length=1)] | None = None
    start: float | int | None = None
    stop: float | int | None = None
    count: Annotated[int, Field(ge=1, le=10_000)] | None = None

    @model_validator(mode="after")
    def _check(self) -> Dimension:
        change_key(self.field)
        ranged = self.start is not None or self.stop is not None
        if (self.values is not None) == ranged:
            raise ValueError(f"{self.field}: give either values or start and stop")
        if ranged and (self.start is None or self.stop is None):
            raise ValueError(f"{self.field}: give both start and stop")
        if ranged and not (math.isfinite(self.start) and math.isfinite(self.stop)):
            raise ValueError(f"{self.field}: start and stop must be finite numbers")
        return self

    @property
    def integer(self) -> bool:
        """A range of whole numbers (``start = 1``, ``stop = 12``)."""
        return isinstance(self.start, int) and isinstance(self.stop, int)

    def grid_values(self) -> list[Scalar]:
        if self.values is not None:
            return list(self.values)
        if self.count is None:
            if not self.integer:
                raise InputError(f"{self.field}: a grid over a range needs count")
            return list(range(int(self.start), int(self.stop) + 1))
        points = np.linspace(float(self.start), float(self.stop), self.count)
        if self.integer:
            return sorted({round(float(p)) for p in points})
        return [float(p) for p in points]

    def sample(self, unit: float) -> Scalar:
        """The value at ``unit`` in [0, 1) of the dimension's range (a Latin hypercube
        coordinate)."""
        if self.values is not None:
            return self.values[min(int(unit * len(self.values)), len(self.values) - 1)]
        if self.integer:
            span = int(self.stop) - int(self.start) + 1
            return int(self.start) + min(int(unit * span), span - 1)
        return float(self.start) + unit * (float(self.stop) - float(self.start))


@dataclass(config=STRICT)
class SweepSpec:
    """A sweep file. ``samples`` (with ``seed``) draws a Latin hypercube instead of the grid."""

    base: Base
    dimensions: Annotated[tuple[Dimension, ...], Field(min_length=1, max_length=20)]
    name: str = "sweep"
    description: str = ""
    sampling: Sampling = Sampling.GRID
    samples: Annotated[int, Field(ge=1, le=MAX_DESIGNS)] | None = None
    seed: int = 0

    @model_validator(mode="after")
    def _check(self) -> SweepSpec:
        fields = [change_key(d.field) for d in self.dimensions]
        if len(set(fields)) != len(fields):
            raise ValueError("each field may be a dimension once")
        if (self.sampling is Sampling.LATIN_HYPERCUBE) != (self.samples is not None):
            raise ValueError('sampling = "latin hypercube" and samples go together')
        if self.base.station is not None and any(f.startswith("mission") for f in fields):
            raise ValueError("a station sweep has no mission to change")
        return self

    @property
    def fields(self) -> tuple[str, ...]:
        """The dimensions' canonical change keys, in order (the result's design columns)."""
        return tuple(change_key(d.field) for d in self.dimensions)

    def designs(self) -> list[dict[str, Scalar]]:
        """Every design as changes (field -> value), in a fixed order."""
        if self.sampling is Sampling.GRID:
            grids = [d.grid_values() for d in self.dimensions]
            total = math.prod(len(g) for g in grids)
            if total > MAX_DESIGNS:
                raise InputError(f"the grid has {total} designs; at most {MAX_DESIGNS}")
            return [
                dict(zip(self.fields, combo, strict=True)) for combo in itertools.product(*grids)
            ]
        from scipy.stats import qmc

        assert self.samples is not None
        units = qmc.LatinHypercube(d=len(self.dimensions), seed=self.seed).random(self.samples)
        return [
            {
                key: dimension.sample(float(u))
                for key, dimension, u in zip(self.fields, self.dimensions, row, strict=True)
            }
            for row in units
        ]


_ADAPTER = TypeAdapter(SweepSpec)


def spec_from_dict(data: Any, context: str = "sweep") -> SweepSpec:
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as error:
        raise InputError(describe_validation_error(error, context)) from None


def spec_to_dict(spec: SweepSpec) -> dict[str, Any]:
    return _ADAPTER.dump_python(spec, mode="json")


def spec_fingerprint(spec: SweepSpec) -> str:
    """Equal specs (hence equal designs) give equal fingerprints."""
    text = json.dumps(spec_to_dict(spec), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _relative_to(reference: str | None, folder: Path) -> str | None:
    """A file reference (``.toml``, ``.json``, a flight log: ``.csv``, ``.ulg``, ``.bin``)
    relative to the sweep file's folder."""
    suffixes = (".toml", ".json", *FLIGHT_LOG_SUFFIXES)
    if reference is None or not reference.lower().endswith(suffixes):
        return reference
    path = Path(reference)
    return reference if path.is_absolute() else str(folder / path)


def read_sweep_spec(path: Path) -> SweepSpec:
    """A sweep file; files it names are relative to its folder."""
    return spec_from_dict(with_file_paths(read_toml(path), path.parent), path.name)


def parse_sweep_spec(text: str, context: str) -> SweepSpec:
    """A sweep from TOML text sent to the server (an upload): presets only, no file paths.

    A path in it (``mission = "/etc/passwd"``, a cell dimension over files, a swap in
    ``[base.set]``) would read a file of the server: it raises :class:`InputError` naming
    the key, before anything is read."""
    document = parse_toml(text, context)
    _presets_only(document, context)
    return spec_from_dict(document, context)


def with_file_paths(data: dict[str, Any], folder: Path) -> dict[str, Any]:
    """``data`` with its file references relative to ``folder``, the folder of the file they
    were written in: the base's (mission, cell, drone) and the values of dimensions (a sweep's
    ``dimensions``, an optimisation's ``variables``) that swap in a cell, drone or mission.
    Preset ids and absolute paths are kept as written."""
    base = data.get("base")
    if isinstance(base, dict):
        data = {**data, "base": dict(base)}
        for key in _FILE_TARGETS:
            if isinstance(base.get(key), str):
                data["base"][key] = _relative_to(base[key], folder)
    for section in ("dimensions", "variables"):
        if isinstance(data.get(section), list):
            data = {**data, section: [_dimension_paths(d, folder) for d in data[section]]}
    return data


# The fields whose bare name swaps in a preset or a file (``sortie.studies.setup.SWAPPABLE``).
_FILE_TARGETS = ("mission", "cell", "drone")


def _dimension_paths(dimension: Any, folder: Path) -> Any:
    """A dimension (as read) whose ``values`` name files relative to ``folder`` when its field
    swaps in a cell, drone or mission; any other dimension as it is."""
    if not isinstance(dimension, dict) or not isinstance(dimension.get("values"), list):
        return dimension
    field = dimension.get("field")
    # "cell." is the swap "cell" too (see change_key); a bad field is left to validation.
    if not isinstance(field, str) or field.strip().removesuffix(".") not in _FILE_TARGETS:
        return dimension
    values = [_relative_to(v, folder) if isinstance(v, str) else v for v in dimension["values"]]
    return {**dimension, "values": values}


# What a sweep names by reference: a preset here, or a file on the command line.
_REFERENCES = {"mission": PresetKind.MISSION, "cell": PresetKind.CELL, "drone": PresetKind.DRONE}


def _presets_only(document: dict, context: str) -> None:
    """Every reference in an uploaded sweep document names a preset (see parse_sweep_spec)."""
    base = document.get("base")
    if isinstance(base, dict):
        for key, kind in _REFERENCES.items():
            if key in base:
                require_preset(kind, base[key], f"{context}: base.{key}")
        changes = base.get("set")
        for key, value in changes.items() if isinstance(changes, dict) else ():
            kind = _swap_kind(key)
            if kind is not None:
                require_preset(kind, value, f"{context}: base.set.{key}")
    dimensions = document.get("dimensions")
    for index, dimension in enumerate(dimensions if isinstance(dimensions, list) else []):
        field = dimension.get("field") if isinstance(dimension, dict) else None
        kind = _swap_kind(field)
        values = dimension.get("values") if kind is not None else None
        for value in values if isinstance(values, list) else ():
            require_preset(kind, value, f"{context}: dimensions.{index}.values")


def _swap_kind(key: object) -> PresetKind | None:
    """The preset kind a change key swaps (``cell``, `` cell. ``), None for a field change;
    spelt as the sweep will read it (:func:`change_key`), so no spelling walks around it."""
    if not isinstance(key, str):
        return None
    try:
        canonical = change_key(key)
    except InputError:
        return None  # the sweep itself refuses it, by name
    return _REFERENCES.get(canonical)
