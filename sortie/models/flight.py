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

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd

from sortie.cells.cell import Cell
from sortie.cells.pack import Pack
from sortie.errors import InfeasiblePowerError, InputError, SortieError
from sortie.models.chain import CellRun, prepare_run, simulate_runs
from sortie.models.drone import Drone
from sortie.models.flight_plan import (
    FlightPlan,
    FlightPlanError,
    PhasePower,
    phase_powers,
    phase_table,
    with_ambient,
)
from sortie.models.mission import Mission, Segment
from sortie.models.result import MissionResult, MissionSummary
from sortie.models.settings import SimulationSettings


class TooHeavyError(FlightPlanError):
    """The take-off mass exceeds the drone's maximum."""


@dataclass(frozen=True)
class FlightSetup:
    """Everything one flight needs. ``drone`` None: a power profile flown by the pack alone
    (a flight plan needs its drone). Change one with ``dataclasses.replace``."""

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
    ``take_off_mass_kg`` is None without a drone."""

    setup: FlightSetup
    mission: Mission
    phases: tuple[PhasePower, ...]
    pack_mass_kg: float
    take_off_mass_kg: float | None

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


def _mission_of_phases(plan: FlightPlan, drone: Drone, rows: Sequence[PhasePower]) -> Mission:
    return Mission(
        id=plan.id,
        name=plan.name,
        description=plan.description,
        segments=tuple(
            Segment(
                name=row.name,
                duration_s=row.duration_s,
                power_w=row.pack_power_w,
                phase=row.phase,
                ambient_c=row.ambient_c,
            )
            for row in rows
        ),
        ambient_c=plan.ambient_c,
        drone=drone.id,
        reserve_state_of_charge=plan.reserve_state_of_charge,
        sources=plan.sources,
    )


def compile_flight(setup: FlightSetup) -> CompiledFlight:
    """Stages 1 and 2 (no electrochemistry: cheap). Raises :class:`TooHeavyError` or another
    :class:`FlightPlanError` naming the phase an aircraft cannot fly, and
    :class:`InputError` for a pinned pack mass below its cells' own."""
    setup.pack.check_mass(setup.cell.budget)
    pack_mass_kg = setup.pack.mass_kg(setup.cell.budget)
    drone = setup.drone
    take_off_mass_kg = None if drone is None else drone.take_off_mass_kg(pack_mass_kg)
    if not isinstance(setup.mission, FlightPlan):
        return CompiledFlight(setup, setup.mission, (), pack_mass_kg, take_off_mass_kg)
    assert drone is not None and take_off_mass_kg is not None
    if drone.max_takeoff_mass_kg is not None and take_off_mass_kg > drone.max_takeoff_mass_kg:
        raise TooHeavyError(
            f"take-off mass {take_off_mass_kg:.2f} kg exceeds the drone's maximum "
            f"{drone.max_takeoff_mass_kg:.2f} kg ({setup.pack.series_count}S"
            f"{setup.pack.parallel_count}P of {setup.cell.name}: {pack_mass_kg:.2f} kg)"
        )
    plan = with_ambient(setup.mission, setup.settings.ambient_c)
    rows = tuple(phase_powers(plan, drone, pack_mass_kg))
    return CompiledFlight(
        setup, _mission_of_phases(plan, drone, rows), rows, pack_mass_kg, take_off_mass_kg
    )


def _prepared(setup: FlightSetup) -> tuple[CompiledFlight, CellRun] | Grounded:
    try:
        compiled = compile_flight(setup)
    except TooHeavyError as error:
        return Grounded(setup, NoFlight.TOO_HEAVY, str(error))
    except InputError as error:
        return Grounded(setup, NoFlight.INVALID, str(error))
    try:
        run = prepare_run(setup.cell, setup.pack, compiled.mission, setup.settings)
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
