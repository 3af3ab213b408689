"""Comparing cells on a scenario: the work items the explorer runs, and what they return.

Each work item is a :class:`Task` (plain, picklable, hashable: the runner caches by it and
ships it to worker processes) and :func:`execute` turns it into an :class:`Outcome`. Three
kinds, each for one cell: fly the scenario's mission; its endurance at every ambient of
:data:`AMBIENT_SWEEP_C`; its Ragone curve (constant power to the cut-off at each of
:data:`RAGONE_C_RATES`). Every flight goes through :func:`sortie.models.flight.fly` (or
``fly_many``: the ambients and the rates of one cell are solved in one batch). Results are
small (a DataFrame of a few hundred rows and a typed summary), never PyBaMM objects.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from sortie.cells.cell import Cell
from sortie.errors import SortieError
from sortie.models.flight import CompiledFlight, Grounded, compile_flight, fly, fly_many
from sortie.models.result import MissionSummary
from sortie.models.settings import limits_c
from sortie.studies.cell_rating import discharge_at_rates
from sortie.studies.endurance import StationPoint, station_endurances, station_for
from sortie.studies.scenario import (
    CellChoice,
    Scenario,
    cell_of_choice,
    reference_pack,
    scenario_from_dict,
    scenario_key,
    scenario_setup,
    settings_of,
)
from sortie.studies.setup import rating_settings

LOG = logging.getLogger(__name__)

# The ambient sweep the explorer offers: cold-soaked winter to desert summer.
AMBIENT_SWEEP_C = (-30.0, -20.0, -10.0, 0.0, 10.0, 20.0, 30.0, 40.0, 50.0)
# Ragone points as power C-rates (1/h of the rated energy): endurance flight to a sprint.
RAGONE_C_RATES = (0.2, 0.5, 1.0, 2.0, 3.0, 5.0)


class TaskKind(StrEnum):
    FLY = "fly"
    AMBIENT = "ambient endurance"
    RATING = "rating"


@dataclass(frozen=True)
class Task:
    """``scenario`` is the canonical JSON of a :class:`Scenario` (see ``scenario_key``)."""

    kind: TaskKind
    scenario: str
    cell_index: int


def fly_task(scenario: Scenario, cell_index: int) -> Task:
    return Task(TaskKind.FLY, scenario_key(scenario), cell_index)


def ambient_task(scenario: Scenario, cell_index: int) -> Task:
    return Task(TaskKind.AMBIENT, scenario_key(scenario), cell_index)


def rating_task(scenario: Scenario, cell_index: int) -> Task:
    return Task(TaskKind.RATING, scenario_key(scenario), cell_index)


@dataclass(frozen=True)
class CellFlight:
    """One cell on the mission: ``timeseries`` indexed by ``time_s`` (see
    ``TIMESERIES_COLUMNS``), the typed ``summary``, the names to show, and the phase table of
    a flight plan (None for a power profile)."""

    timeseries: pd.DataFrame
    summary: MissionSummary
    cell_name: str
    mission_name: str
    phases: pd.DataFrame | None
    # The pack's cells (rows x columns, °C) when the hottest peaked; None if nothing flew.
    pack_field_c: np.ndarray | None = None


@dataclass(frozen=True)
class Outcome:
    """Either ``value`` or a one-line ``error`` a user can read."""

    value: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@functools.lru_cache(maxsize=64)
def _cell(choice_json: str) -> Cell:
    # A BPX cell is parsed in a child process (~1 s): worth keeping per worker.
    return cell_of_choice(CellChoice(**json.loads(choice_json)))


def cell_of(scenario: Scenario, cell_index: int) -> Cell:
    return _cell(json.dumps(dataclasses.asdict(scenario.cells[cell_index]), sort_keys=True))


def setup_of(scenario: Scenario, cell_index: int):
    """The flight setup of cell ``cell_index`` (its pack follows the scenario's sizing)."""
    return scenario_setup(scenario, cell_of(scenario, cell_index), cell_of(scenario, 0))


@dataclass(frozen=True)
class PackSize:
    """One cell's pack as a scenario sizes it."""

    series_count: int
    parallel_count: int
    mass_kg: float


def pack_size(scenario: Scenario, cell_index: int) -> PackSize:
    """Cell ``cell_index``'s pack (its P follows the scenario's sizing; no electrochemistry)."""
    setup = setup_of(scenario, cell_index)
    pack = setup.pack
    return PackSize(pack.series_count, pack.parallel_count, pack.mass_kg(setup.cell.budget))


def same_mass_target(scenario: Scenario) -> PackSize:
    """The pack a SAME_MASS comparison sizes every pack to the mass of: the first cell's at
    the scenario's S x P."""
    cell = cell_of(scenario, 0)
    pack = reference_pack(scenario, cell)
    return PackSize(pack.series_count, pack.parallel_count, pack.mass_kg(cell.budget))


def temperature_limit_c(scenario: Scenario) -> float:
    """The upper temperature limit a comparison draws: the scenario's, else the lowest of its
    cells' chemistry limits (each cell stops at its own; see ``limits_c``)."""
    if scenario.max_temperature_c is not None:
        return scenario.max_temperature_c
    return min(
        limits_c(settings_of(scenario), cell_of(scenario, i).chemistry)[1]
        for i in range(len(scenario.cells))
    )


def compiled_of(scenario: Scenario, cell_index: int) -> CompiledFlight:
    """What cell ``cell_index``'s pack must deliver (no electrochemistry: cheap)."""
    return compile_flight(setup_of(scenario, cell_index))


def fly_cell(scenario: Scenario, cell_index: int) -> CellFlight:
    """Fly the scenario's mission on cell ``cell_index`` (pack and mission follow its mass)."""
    flight = fly(setup_of(scenario, cell_index))
    return CellFlight(
        timeseries=flight.result.timeseries,
        summary=flight.summary,
        cell_name=flight.setup.cell.name,
        mission_name=flight.compiled.mission.name,
        phases=flight.compiled.phase_table(),
        pack_field_c=flight.result.pack_field_c,
    )


def ambient_endurance(scenario: Scenario, cell_index: int) -> list[dict[str, Any]]:
    """Endurance of one cell at every ambient of :data:`AMBIENT_SWEEP_C`, one batch. With a
    drone: time on station (hover for rotorcraft, loiter on the wing otherwise) until the
    mission's reserve or a cell limit (``measure`` "station"). Without one: how long the power
    profile is flown ("profile"). ``endurance_s`` is NaN when the cells cannot even start
    (``limited_by`` says why).

    Each point flies at its own ambient, whatever the scenario's: a set ambient overrides
    every phase's in :func:`~sortie.models.flight.fly`, so it must not ride along in the
    settings (the sweep would fly nine times at the scenario's ambient)."""
    setup = setup_of(scenario, cell_index)
    rows = [{"cell_index": cell_index, "ambient_c": ambient} for ambient in AMBIENT_SWEEP_C]
    settings = [dataclasses.replace(setup.settings, ambient_c=a) for a in AMBIENT_SWEEP_C]
    if setup.drone is not None:
        reserve = compile_flight(setup).mission.reserve_state_of_charge
        points = [
            StationPoint(
                setup.drone,
                setup.cell,
                setup.pack,
                station_for(setup.drone, ambient, reserve),
                at_ambient,
            )
            for ambient, at_ambient in zip(AMBIENT_SWEEP_C, settings, strict=True)
        ]
        for row, found in zip(rows, station_endurances(points), strict=True):
            row.update(
                endurance_s=found.endurance_s,
                limited_by=found.limited_by.value,
                measure="station" if found.limited_by.flown else "none",
            )
        return rows
    setups = [dataclasses.replace(setup, settings=at_ambient) for at_ambient in settings]
    for row, found in zip(rows, fly_many(setups), strict=True):
        if isinstance(found, Grounded):
            row.update(endurance_s=math.nan, limited_by=found.message, measure="none")
        else:
            row.update(
                endurance_s=found.summary.endurance_s,
                limited_by=found.summary.termination_reason.value,
                measure="profile",
            )
    return rows


def rating_points(scenario: Scenario, cell_index: int) -> list[dict[str, Any]]:
    """The cell's Ragone points: constant power ``c_rate`` x rated energy from full to the
    cut-off at :data:`~sortie.defaults.RATING_AMBIENT_C`, per kilogram of cell, one batch."""
    cell = cell_of(scenario, cell_index)
    mass_kg = cell.budget.mass_kg
    settings = rating_settings(setup_of(scenario, cell_index).settings)
    rows = []
    for c_rate, rated in zip(
        RAGONE_C_RATES, discharge_at_rates(cell, RAGONE_C_RATES, settings), strict=True
    ):
        row: dict[str, Any] = {"cell_index": cell_index, "c_rate": c_rate}
        if isinstance(rated, SortieError):
            row.update(
                specific_power_w_per_kg=c_rate * cell.budget.energy_wh / mass_kg,
                specific_energy_wh_per_kg=math.nan,
                ended_by=str(rated),
            )
        else:
            row.update(
                specific_power_w_per_kg=rated.power_w / mass_kg,
                specific_energy_wh_per_kg=rated.energy_wh / mass_kg,
                ended_by=rated.ended_by,
            )
        rows.append(row)
    return rows


def mission_demand(compiled: CompiledFlight) -> dict[str, float]:
    """What the mission asks of each kilogram of cell: mean and peak power [W/kg] and the
    energy of the whole profile [Wh/kg] (the cell's Ragone curve must pass above it)."""
    mission, cells = compiled.mission, compiled.setup.pack.cell_count
    mass_kg = compiled.setup.cell.budget.mass_kg
    powers = np.array([s.power_w for s in mission.segments])
    return {
        "mean_w_per_kg": mission.energy_wh * 3600.0 / mission.duration_s / cells / mass_kg,
        "peak_w_per_kg": float(powers.max()) / cells / mass_kg,
        "energy_wh_per_kg": mission.energy_wh / cells / mass_kg,
    }


def execute(task: Task) -> Outcome:
    """Run one task; every user-facing failure becomes ``Outcome(error=...)``. Top-level, so
    worker processes can import it."""
    try:
        scenario = scenario_from_dict(json.loads(task.scenario))
        if task.kind is TaskKind.FLY:
            return Outcome(value=fly_cell(scenario, task.cell_index))
        if task.kind is TaskKind.AMBIENT:
            return Outcome(value=ambient_endurance(scenario, task.cell_index))
        return Outcome(value=rating_points(scenario, task.cell_index))
    except SortieError as error:
        return Outcome(error=str(error))
    except (ValueError, TypeError, KeyError) as error:
        # A bug, not a user error: keep the details in the log, show one line.
        LOG.exception("task %s failed", task.kind)
        return Outcome(error=f"internal error ({type(error).__name__}); see the server log")
