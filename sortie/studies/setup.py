"""From what a user names to a :class:`~sortie.models.flight.FlightSetup`: the one place that
fills in defaults from the presets.

The rules, the same for the command line, the app, endurance studies, sweeps and the
optimiser:
- the drone is the one given, else the one the mission names (none: a power profile flown by
  the pack alone);
- the cell is the one given, else the drone's;
- the pack is the given series and parallel counts, else the drone's; without a drone both
  must be given; it is built with the drone's pack overhead and interconnect resistance when
  the drone gives them, else the defaults of :mod:`sortie.defaults`;
  ``pack.mass_kg`` pins the real pack's mass (the field ``pinned_mass_kg``);
- an ambient left open is the mission's own (a flight plan's, else
  :data:`~sortie.defaults.STANDARD_AMBIENT_C`); rating discharges fly at
  :data:`~sortie.defaults.RATING_AMBIENT_C`;
- changes (``--set``) are dotted paths on a target: ``cell.``, ``drone.``, ``mission.``,
  ``pack.``, ``settings.``; a bare cell alias (``positive_electrode_thickness_um``) is a cell
  change; ``cell``, ``drone`` and ``mission`` without a path swap in another preset.

Every :class:`~sortie.models.flight.FlightSetup` is built here (:func:`assemble`), whether
from names (:func:`resolve_setup`), from objects a study already holds (a station, a sweep's
pack sizes, a rating discharge) or from a setup and changes (:func:`apply_changes`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sortie.cells.cell import Cell
from sortie.cells.pack import PACK_FIELD_ALIASES, Pack, pack_fields
from sortie.defaults import (
    PACK_INTERCONNECT_RESISTANCE_OHM,
    PACK_MASS_OVERHEAD_FRACTION,
    RATING_AMBIENT_C,
)
from sortie.errors import InputError
from sortie.models.drone import Drone
from sortie.models.flight import FlightSetup
from sortie.models.flight_log import DEFAULT_BIN_S
from sortie.models.flight_plan import FlightPlan
from sortie.models.mission import FlightPhase, Mission, Segment
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.presets.loader import (
    changed,
    changed_cell,
    construct,
    load_cell,
    load_drone,
    load_mission,
)
from sortie.presets.overrides import CELL_FIELD_ALIASES, apply_overrides, parse_value


class Target(StrEnum):
    """What a change applies to."""

    CELL = "cell"
    DRONE = "drone"
    MISSION = "mission"
    PACK = "pack"
    SETTINGS = "settings"


# Targets whose bare name (no field path) swaps in another preset or file.
SWAPPABLE = (Target.CELL, Target.DRONE, Target.MISSION)
Reference = str | Path
Changes = Mapping[str, Any]


def change_key(text: str) -> str:
    """The canonical key of a change: ``positive_electrode_thickness_um`` ->
    ``cell.positive_electrode_thickness_um``. Raises :class:`InputError` for an unknown
    target."""
    key = text.strip()
    if key in CELL_FIELD_ALIASES:
        return f"{Target.CELL.value}.{key}"
    target, _, path = key.partition(".")
    if target not in {t.value for t in Target}:
        raise InputError(
            f"{key!r}: the target must be one of {', '.join(t.value for t in Target)} "
            "(e.g. drone.payload_kg, cell.positive_electrode_thickness_um, pack.parallel_count)"
        )
    if not path and target not in {t.value for t in SWAPPABLE}:
        raise InputError(f"{key!r}: name a field, e.g. {target}.{_EXAMPLE[Target(target)]}")
    # "cell." is the swap "cell": one spelling, so a check of swaps cannot be walked around.
    return key if path else target


_EXAMPLE = {
    Target.PACK: "parallel_count",
    Target.SETTINGS: "ambient_c",
    Target.CELL: "format.height_mm",
    Target.DRONE: "payload_kg",
    Target.MISSION: "phases.2.duration_s",
}


def parse_changes(texts: Iterable[str]) -> dict[str, Any]:
    """``--set`` texts (``drone.payload_kg=1.2``) as changes, in order (a later one wins)."""
    found: dict[str, Any] = {}
    for text in texts:
        field_name, separator, raw = text.partition("=")
        if not separator:
            raise InputError(
                f"--set {text!r}: expected TARGET.FIELD=VALUE, e.g. drone.payload_kg=1.2"
            )
        if not raw.strip():
            raise InputError(f"--set {text!r}: no value after '='")
        try:
            found[change_key(field_name)] = parse_value(raw)
        except InputError as error:
            raise InputError(f"--set {error}") from None
    return found


# The pack as built when neither the drone nor the user says otherwise, by Pack field name.
PACK_DEFAULTS: dict[str, Any] = {
    "mass_overhead_fraction": PACK_MASS_OVERHEAD_FRACTION,
    "interconnect_resistance_ohm": PACK_INTERCONNECT_RESISTANCE_OHM,
}


def drone_pack_defaults(drone: Drone | None) -> dict[str, Any]:
    """The pack fields a drone sets for the pack it carries, by :class:`Pack` field name."""
    if drone is None:
        return {}
    found = {
        "mass_overhead_fraction": drone.pack_mass_overhead_fraction,
        "interconnect_resistance_ohm": drone.pack_interconnect_resistance_ohm,
    }
    return {key: value for key, value in found.items() if value is not None}


def pack_defaults(drone: Drone | None) -> dict[str, Any]:
    """The pack fields a pack is built with for ``drone``: its own where it gives them, else
    :data:`PACK_DEFAULTS`."""
    return {**PACK_DEFAULTS, **drone_pack_defaults(drone)}


def built_pack(series_count: int, parallel_count: int, drone: Drone | None = None) -> Pack:
    """A ``series_count`` x ``parallel_count`` pack built as :func:`resolve_aircraft` builds
    one for ``drone`` (its overhead and interconnect, else the defaults)."""
    return construct(
        Pack,
        {"series_count": series_count, "parallel_count": parallel_count, **pack_defaults(drone)},
        "pack",
    )


def _rebuilt_for_drone(pack: Pack, old: Drone | None, new: Drone | None) -> Pack:
    """``pack`` with the new drone's pack defaults where they differ from the old drone's (a
    default the new drone drops goes back to :data:`PACK_DEFAULTS`); the same defaults leave
    it as is."""
    before, after = drone_pack_defaults(old), drone_pack_defaults(new)
    if before == after:
        return pack
    restored = {key: PACK_DEFAULTS[key] for key in before if key not in after}
    return dataclasses.replace(pack, **restored, **after)


def _split(changes: Changes) -> tuple[dict[Target, Any], dict[Target, dict[str, Any]]]:
    """(swaps by target, field changes by target)."""
    swaps: dict[Target, Any] = {}
    fields: dict[Target, dict[str, Any]] = {target: {} for target in Target}
    for text, value in changes.items():
        key = change_key(text)
        target, _, path = key.partition(".")
        if path:
            fields[Target(target)][path] = value
        else:
            swaps[Target(target)] = value
    return swaps, fields


@dataclass(frozen=True)
class Aircraft:
    """What carries the mission: the drone (None for a bare pack), the cell and the pack."""

    drone: Drone | None
    cell: Cell
    pack: Pack


def resolve_aircraft(
    *,
    cell: Cell | Reference | None = None,
    drone: Drone | Reference | None = None,
    series_count: int | None = None,
    parallel_count: int | None = None,
    changes: Changes | None = None,
    mission_drone: str | None = None,
) -> Aircraft:
    """Drone, cell and pack by the rules above (``mission_drone``: the drone a mission names)."""
    swaps, fields = _split(changes or {})
    drone = swaps.get(Target.DRONE, drone) or mission_drone
    if isinstance(drone, Drone):
        drone = changed(drone, fields[Target.DRONE], f"drone {drone.id}")
    elif drone is not None:
        drone = load_drone(drone, fields[Target.DRONE])
    elif fields[Target.DRONE]:
        raise InputError("drone changes given, but there is no drone: name one (--drone)")
    cell = swaps.get(Target.CELL, cell) or (drone.cell if drone else None)
    if cell is None:
        raise InputError("no cell given: name one (--cell); the drone names none")
    if isinstance(cell, Cell):
        cell = changed_cell(cell, fields[Target.CELL], cell.name)
    else:
        cell = load_cell(cell, fields[Target.CELL])
    series = series_count if series_count is not None else (drone.series_count if drone else None)
    parallel = (
        parallel_count if parallel_count is not None else (drone.parallel_count if drone else None)
    )
    # Dotted paths reach nested tables (``pack.layout.rows``), as ``changed`` does.
    given = apply_overrides(
        {"series_count": series, "parallel_count": parallel, **pack_defaults(drone)},
        fields[Target.PACK],
        "pack",
    )
    if given["series_count"] is None or given["parallel_count"] is None:
        raise InputError("no pack layout: give the series and parallel counts (or a drone)")
    pack = construct(Pack, given, "pack")
    return Aircraft(drone=drone, cell=cell, pack=pack)


def resolve_mission(
    mission: Mission | FlightPlan | Reference,
    changes: Changes | None = None,
    bin_s: float = DEFAULT_BIN_S,
) -> Mission | FlightPlan:
    """The mission with its changes (a reference is loaded: a preset, a file or a flight log
    binned into ``bin_s`` segments)."""
    swaps, fields = _split(changes or {})
    return _mission(swaps.get(Target.MISSION, mission), fields[Target.MISSION], bin_s)


def _mission(
    mission: Mission | FlightPlan | Reference, fields: dict[str, Any], bin_s: float
) -> Mission | FlightPlan:
    if isinstance(mission, Mission | FlightPlan):
        return changed(mission, fields, f"mission {mission.id}")
    return load_mission(mission, fields, bin_s)


def resolve_settings(
    settings: SimulationSettings | None, changes: Changes | None = None
) -> SimulationSettings:
    _, fields = _split(changes or {})
    return changed(settings or SimulationSettings(), fields[Target.SETTINGS], "settings")


def assemble(
    cell: Cell,
    pack: Pack,
    mission: Mission | FlightPlan,
    drone: Drone | None = None,
    settings: SimulationSettings | None = None,
) -> FlightSetup:
    """The flight setup of objects already resolved (a study's point, a test's case): the one
    place a :class:`FlightSetup` is made. ``settings`` None: every setting at its default.
    Build ``pack`` with :func:`built_pack` to give it the drone's (or the default) overhead
    and interconnect."""
    return FlightSetup(
        cell=cell,
        pack=pack,
        mission=mission,
        drone=drone,
        settings=settings or SimulationSettings(),
    )


def resolve_setup(
    mission: Mission | FlightPlan | Reference,
    *,
    cell: Cell | Reference | None = None,
    drone: Drone | Reference | None = None,
    series_count: int | None = None,
    parallel_count: int | None = None,
    settings: SimulationSettings | None = None,
    changes: Changes | None = None,
    bin_s: float = DEFAULT_BIN_S,
) -> FlightSetup:
    """The flight setup for a mission by the rules above. Raises :class:`InputError` with one
    line naming what is missing or wrong."""
    plan = resolve_mission(mission, changes, bin_s)
    aircraft = resolve_aircraft(
        cell=cell,
        drone=drone,
        series_count=series_count,
        parallel_count=parallel_count,
        changes=changes,
        mission_drone=plan.drone,
    )
    return assemble(
        aircraft.cell,
        aircraft.pack,
        plan,
        aircraft.drone,
        resolve_settings(settings, changes),
    )


def apply_changes(setup: FlightSetup, changes: Changes) -> FlightSetup:
    """``setup`` with changes applied to its objects (a sweep's design): fields on each
    target, a named preset or file swapped in for ``cell``, ``drone`` or ``mission`` (a swap
    keeps the pack layout; field changes of that target apply to the new one). A changed drone
    brings its own pack defaults (overhead, interconnect), as :func:`resolve_aircraft` would."""
    swaps, fields = _split(changes)
    mission = _mission(
        swaps.get(Target.MISSION, setup.mission), fields[Target.MISSION], DEFAULT_BIN_S
    )
    drone: Drone | None = setup.drone
    if Target.DRONE in swaps:
        drone = load_drone(swaps[Target.DRONE], fields[Target.DRONE])
    elif fields[Target.DRONE]:
        if drone is None:
            raise InputError("drone changes given, but there is no drone")
        drone = changed(drone, fields[Target.DRONE], f"drone {drone.id}")
    if Target.CELL in swaps:
        cell = load_cell(swaps[Target.CELL], fields[Target.CELL])
    else:
        cell = changed_cell(setup.cell, fields[Target.CELL], setup.cell.name)
    # By the names a user writes (pack.mass_kg), as resolve_aircraft builds a pack.
    rebuilt = pack_fields(_rebuilt_for_drone(setup.pack, setup.drone, drone))
    pack = construct(Pack, apply_overrides(rebuilt, fields[Target.PACK], "pack"), "pack")
    return assemble(
        cell, pack, mission, drone, changed(setup.settings, fields[Target.SETTINGS], "settings")
    )


def sized_to_mass(setup: FlightSetup, mass_kg: float) -> FlightSetup:
    """``setup`` with the parallel count that brings its pack's mass closest to ``mass_kg``
    (at least one string; series count, overhead and interconnect kept). A pinned mass belongs
    to one real pack and is dropped."""
    string = dataclasses.replace(setup.pack, parallel_count=1, pinned_mass_kg=None)
    parallel = max(1, round(mass_kg / string.mass_kg(setup.cell.budget)))
    pack = dataclasses.replace(string, parallel_count=parallel)
    return assemble(setup.cell, pack, setup.mission, setup.drone, setup.settings)


def rating_settings(
    settings: SimulationSettings | None = None, model: ModelKind | None = None
) -> SimulationSettings:
    """``settings`` (None: the defaults; ``model`` replaces its model) at the rating ambient
    :data:`~sortie.defaults.RATING_AMBIENT_C`: an ambient a flight had is not a rating's."""
    settings = settings or SimulationSettings()
    return dataclasses.replace(
        settings, model=model or settings.model, ambient_c=RATING_AMBIENT_C
    )


def rating_setup(
    cell: Cell, c_rate: float, duration_s: float, settings: SimulationSettings | None = None
) -> FlightSetup:
    """A rating discharge: one cell (a 1S1P pack as built by default) at constant power
    ``c_rate`` x its rated energy for ``duration_s``, at the rating ambient unless
    ``settings`` set one (None: :func:`rating_settings`)."""
    power_w = c_rate * cell.budget.energy_wh
    mission = Mission(
        id=f"rating-{c_rate:g}C",
        name=f"{c_rate:g}C rating discharge",
        description="constant power to the cut-off",
        segments=(
            Segment(
                name=f"{c_rate:g}C", duration_s=duration_s, power_w=power_w, phase=FlightPhase.TEST
            ),
        ),
        ambient_c=RATING_AMBIENT_C,
    )
    return assemble(cell, built_pack(1, 1), mission, None, settings or rating_settings())


def current_value(setup: FlightSetup, key: str) -> Any:
    """The value a change key names in ``setup`` (None when it is not a plain field, e.g. a
    swap or a list entry): what a sweep's range is centred on."""
    target, _, path = change_key(key).partition(".")
    if not path:
        return None
    if target == Target.CELL.value:
        node: Any = setup.cell.design
        path = CELL_FIELD_ALIASES.get(path, path)
    else:
        if target == Target.PACK.value:
            path = PACK_FIELD_ALIASES.get(path, path)  # pack.mass_kg: the pinned mass
        node = {
            Target.DRONE.value: setup.drone,
            Target.MISSION.value: setup.mission,
            Target.PACK.value: setup.pack,
            Target.SETTINGS.value: setup.settings,
        }[target]
    for part in path.split("."):
        if node is None:
            return None
        if isinstance(node, tuple | list):
            if not part.isdigit() or int(part) >= len(node):
                return None
            node = node[int(part)]
        else:
            node = getattr(node, part, None)
    return node
