"""One flight, from setup to verdict: a cell, in a pack, in an aircraft, flying a mission.

``fly(setup)`` is the chain every front end goes through (the CLI, the app's comparison,
endurance studies, sweeps and the optimiser), so they cannot disagree:

1. the pack's mass: its cells' (from the cell's mass budget) plus the overhead, or the
   pinned mass of the real pack;
2. a flight plan compiled for the aircraft carrying that pack (take-off mass checked against
   the drone's maximum; each phase's speed, air density and power), or a power profile as it
   is;
3. the power profile flown on the pack's cells (:mod:`sortie.models.chain`).

The result keeps every stage (:class:`CompiledFlight` and the ``MissionResult``).
``fly_many`` does the same for many setups and batches their solves; a setup that cannot fly
is a :class:`Grounded` entry with its typed reason, never an exception.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd

from sortie.cells.cell import Cell
from sortie.cells.pack import Pack
from sortie.errors import InfeasiblePowerError, InputError, SortieError
from sortie.models.chain import CellRun, prepare_run, simulate_runs
from sortie.models.drone import Drone
from sortie.models.flight_physics import rotor_disc_area_m2
from sortie.models.flight_plan import (
    FlightPlan,
    FlightPlanError,
    PhasePower,
    _uses_wing,
    mission_of_phases,
    phase_powers,
    phase_table,
    with_ambient,
)
from sortie.models.mission import FlightPhase, Mission, Segment
from sortie.models.pack_thermal import SegmentAir, rotor_downwash_m_per_s
from sortie.models.result import MissionResult, MissionSummary
from sortie.models.settings import SimulationSettings

PREHEAT = "pre-heat"


class TooHeavyError(FlightPlanError):
    """The take-off mass exceeds the drone's maximum."""


@dataclass(frozen=True)
class FlightSetup:
    """Everything one flight needs. ``drone`` None: a power profile flown by the pack alone
    (a flight plan needs its drone). Built from a user's choices, with every default filled
    in, only by :mod:`sortie.studies.setup` (``resolve_setup``, ``assemble``); change one
    with ``dataclasses.replace``."""

    cell: Cell
    pack: Pack
    mission: Mission | FlightPlan
    drone: Drone | None = None
    settings: SimulationSettings = field(default_factory=SimulationSettings)

    def __post_init__(self) -> None:
        if isinstance(self.mission, FlightPlan) and self.drone is None:
            raise InputError(
                f"flight plan '{self.mission.id}' needs a drone to turn phases into power"
            )


@dataclass(frozen=True)
class CompiledFlight:
    """What the pack must deliver. ``phases`` holds each phase of a flight plan as flown
    (mass, altitude, density, speed, shaft and pack power); empty for a power profile.
    ``take_off_mass_kg`` is None without a drone. With a pre-heater (settings) ``mission``
    starts with a ground segment :data:`PREHEAT` of ``preheat_s``."""

    setup: FlightSetup
    mission: Mission
    phases: tuple[PhasePower, ...]
    pack_mass_kg: float
    take_off_mass_kg: float | None
    # What the pack meets in each segment of ``mission`` (air speed at the pack, density,
    # heater), and the pre-heat on the ground before take-off (its first segment, if any).
    air: SegmentAir | None = None
    preheat_s: float = 0.0

    def phase_table(self) -> pd.DataFrame | None:
        """The phases as a DataFrame (None for a power profile)."""
        return phase_table(list(self.phases)) if self.phases else None


@dataclass(frozen=True)
class Flight:
    """A flown setup: its compiled stages and the electrochemical result."""

    compiled: CompiledFlight
    result: MissionResult

    @property
    def setup(self) -> FlightSetup:
        return self.compiled.setup

    @property
    def summary(self) -> MissionSummary:
        return self.result.summary


class NoFlight(StrEnum):
    """Why a setup could not fly at all."""

    TOO_HEAVY = "too heavy"  # take-off mass above the drone's maximum
    INFEASIBLE_POWER = "infeasible power"  # the cells cannot give the first phase's power
    INVALID = "invalid"  # the plan cannot be flown by this aircraft, or the design is invalid


@dataclass(frozen=True)
class Grounded:
    """A setup that could not fly: the reason and one line a user can read. ``compiled`` is
    there when the plan compiled and the cells could not carry it."""

    setup: FlightSetup
    reason: NoFlight
    message: str
    compiled: CompiledFlight | None = None

    def error(self) -> SortieError:
        """The error :func:`fly` raises for this setup."""
        if self.reason is NoFlight.TOO_HEAVY:
            return TooHeavyError(self.message)
        if self.reason is NoFlight.INFEASIBLE_POWER:
            return InfeasiblePowerError(self.message)
        return InputError(self.message)


def compile_flight(setup: FlightSetup) -> CompiledFlight:
    """Stages 1 and 2 (no electrochemistry: cheap). Raises :class:`TooHeavyError` or another
    :class:`FlightPlanError` naming the phase an aircraft cannot fly, and
    :class:`InputError` for a pinned pack mass below its cells' own."""
    setup.pack.check_mass(setup.cell.budget)
    pack_mass_kg = setup.pack.mass_kg(setup.cell.budget)
    drone = setup.drone
    take_off_mass_kg = None if drone is None else drone.take_off_mass_kg(pack_mass_kg)
    if not isinstance(setup.mission, FlightPlan):
        air = SegmentAir.still(len(setup.mission.segments))
        return _preheated(
            CompiledFlight(setup, setup.mission, (), pack_mass_kg, take_off_mass_kg, air)
        )
    assert drone is not None and take_off_mass_kg is not None
    if drone.max_takeoff_mass_kg is not None and take_off_mass_kg > drone.max_takeoff_mass_kg:
        raise TooHeavyError(
            f"take-off mass {take_off_mass_kg:.2f} kg exceeds the drone's maximum "
            f"{drone.max_takeoff_mass_kg:.2f} kg ({setup.pack.series_count}S"
            f"{setup.pack.parallel_count}P of {setup.cell.name}: {pack_mass_kg:.2f} kg)"
        )
    plan = with_ambient(setup.mission, setup.settings.ambient_c)
    rows = tuple(phase_powers(plan, drone, pack_mass_kg))
    mission = mission_of_phases(plan, drone, rows)
    compiled = CompiledFlight(
        setup, mission, rows, pack_mass_kg, take_off_mass_kg, _phase_air(drone, rows)
    )
    return _preheated(compiled)


def _phase_air(drone: Drone, rows: Sequence[PhasePower]) -> SegmentAir:
    """The air at the pack in each phase: none on the ground, the airspeed on a wing, the
    rotors' downwash (or the airspeed, when faster) on rotors."""
    speeds = []
    for row in rows:
        if row.phase is FlightPhase.GROUND:
            speeds.append(0.0)
        elif _uses_wing(drone, row.phase) or drone.rotors is None:
            speeds.append(row.speed_m_per_s)
        else:
            area = rotor_disc_area_m2(drone.rotors.rotor_count, drone.rotors.rotor_diameter_m)
            downwash = rotor_downwash_m_per_s(row.mass_kg, row.air_density_kg_per_m3, area)
            speeds.append(max(row.speed_m_per_s, downwash))
    return SegmentAir(
        airflow_m_per_s=tuple(speeds),
        air_density_kg_per_m3=tuple(r.air_density_kg_per_m3 for r in rows),
        heater_w=(0.0,) * len(rows),
    )


def _preheated(compiled: CompiledFlight) -> CompiledFlight:
    """With a pre-heater: a ground segment before take-off whose power (the heater's) comes
    from the pack and whose heat goes into it."""
    settings = compiled.setup.settings
    if settings.heater_power_w <= 0 or settings.heater_duration_s <= 0:
        return compiled
    mission, air = compiled.mission, compiled.air
    assert air is not None
    first = mission.segments[0]
    preheat = Segment(
        name=PREHEAT,
        duration_s=settings.heater_duration_s,
        power_w=settings.heater_power_w,
        phase=FlightPhase.GROUND,
        ambient_c=first.ambient_c,
    )
    return dataclasses.replace(
        compiled,
        mission=dataclasses.replace(mission, segments=(preheat, *mission.segments)),
        air=SegmentAir(
            airflow_m_per_s=(0.0, *air.airflow_m_per_s),
            air_density_kg_per_m3=(air.air_density_kg_per_m3[0], *air.air_density_kg_per_m3),
            heater_w=(settings.heater_power_w, *air.heater_w),
        ),
        preheat_s=settings.heater_duration_s,
    )


def _prepared(setup: FlightSetup) -> tuple[CompiledFlight, CellRun] | Grounded:
    try:
        compiled = compile_flight(setup)
    except TooHeavyError as error:
        return Grounded(setup, NoFlight.TOO_HEAVY, str(error))
    except InputError as error:
        return Grounded(setup, NoFlight.INVALID, str(error))
    try:
        run = prepare_run(
            setup.cell,
            setup.pack,
            compiled.mission,
            setup.settings,
            compiled.air,
            compiled.preheat_s,
        )
    except InfeasiblePowerError as error:
        return Grounded(setup, NoFlight.INFEASIBLE_POWER, str(error), compiled)
    except InputError as error:
        return Grounded(setup, NoFlight.INVALID, str(error), compiled)
    return compiled, run


def fly_many(setups: Sequence[FlightSetup]) -> list[Flight | Grounded]:
    """Fly every setup; setups that share a built model and a time grid are solved together
    in one call. One entry per setup, in order."""
    prepared = [_prepared(setup) for setup in setups]
    flyable = [item for item in prepared if not isinstance(item, Grounded)]
    results = iter(simulate_runs([run for _, run in flyable]))
    found: list[Flight | Grounded] = []
    for item in prepared:
        if isinstance(item, Grounded):
            found.append(item)
            continue
        compiled, _ = item
        result = next(results)
        if isinstance(result, InfeasiblePowerError):
            found.append(Grounded(compiled.setup, NoFlight.INFEASIBLE_POWER, str(result), compiled))
        elif isinstance(result, SortieError):
            found.append(Grounded(compiled.setup, NoFlight.INVALID, str(result), compiled))
        else:
            found.append(Flight(compiled, result))
    return found


def fly(setup: FlightSetup) -> Flight:
    """Fly one setup. Raises :class:`TooHeavyError`, :class:`InfeasiblePowerError` or
    :class:`InputError` when it cannot fly at all (see :class:`Grounded`)."""
    found = fly_many([setup])[0]
    if isinstance(found, Grounded):
        raise found.error()
    return found
