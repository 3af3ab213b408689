"""Comparing cells on a scenario: the work items the explorer runs, and what they return.

Each work item is a :class:`Task` (plain, picklable, hashable: the runner caches by it and
ships it to worker processes) and :func:`execute` turns it into an :class:`Outcome`. Three
kinds: fly the scenario's mission on one cell; the endurance of one cell at one ambient
temperature; one point of a cell's Ragone curve (constant power to the cut-off). Results are
small (a DataFrame of a few hundred rows and a dict), never PyBaMM objects.
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
from sortie.models.chain import simulate_mission
from sortie.models.drone import AirframeKind
from sortie.models.mission import FlightPhase
from sortie.studies.cell_rating import discharge_at_rate
from sortie.studies.endurance import StationSpec, station_endurance
from sortie.studies.scenario import (
    CellChoice,
    FlownMission,
    Scenario,
    flown_mission,
    resolve_cell,
    scenario_from_dict,
    scenario_key,
    settings_of,
)

LOG = logging.getLogger(__name__)

# The ambient sweep the explorer offers: cold-soaked winter to desert summer.
AMBIENT_SWEEP_C = (-30.0, -20.0, -10.0, 0.0, 10.0, 20.0, 30.0, 40.0, 50.0)
# Ragone points as power C-rates (1/h of the rated energy): endurance flight to a sprint.
RAGONE_C_RATES = (0.2, 0.5, 1.0, 2.0, 3.0, 5.0)
# Datasheet rate tests are run at 25 °C (IEC 61960-3).
RATING_AMBIENT_C = 25.0


class TaskKind(StrEnum):
    FLY = "fly"
    AMBIENT = "ambient endurance"
    RATING = "rating"


@dataclass(frozen=True)
class Task:
    """``scenario`` is the canonical JSON of a :class:`Scenario` (see ``scenario_key``);
    ``value`` is the ambient in °C for AMBIENT and the power C-rate for RATING."""

    kind: TaskKind
    scenario: str
    cell_index: int
    value: float | None = None


def fly_task(scenario: Scenario, cell_index: int) -> Task:
    return Task(TaskKind.FLY, scenario_key(scenario), cell_index)


def ambient_task(scenario: Scenario, cell_index: int, ambient_c: float) -> Task:
    return Task(TaskKind.AMBIENT, scenario_key(scenario), cell_index, float(ambient_c))


def rating_task(scenario: Scenario, cell_index: int, c_rate: float) -> Task:
    return Task(TaskKind.RATING, scenario_key(scenario), cell_index, float(c_rate))


@dataclass(frozen=True)
class CellFlight:
    """One cell on the mission: ``timeseries`` indexed by ``time_s`` (see
    ``TIMESERIES_COLUMNS``), ``summary`` as ``MissionSummary.to_dict()`` plus ``cell_name``,
    and the phase table of a flight plan (None for a power profile)."""

    timeseries: pd.DataFrame
    summary: dict[str, Any]
    phases: pd.DataFrame | None


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
    return resolve_cell(CellChoice(**json.loads(choice_json)))


def cell_of(scenario: Scenario, cell_index: int) -> Cell:
    return _cell(json.dumps(dataclasses.asdict(scenario.cells[cell_index]), sort_keys=True))


def fly(scenario: Scenario, cell_index: int) -> CellFlight:
    """Fly the scenario's mission on cell ``cell_index`` (pack and mission follow its mass)."""
    flown = flown_mission(scenario, cell_of(scenario, cell_index))
    result = simulate_mission(flown.cell, flown.pack, flown.mission, settings_of(scenario))
    summary = result.summary.to_dict()
    summary["cell_name"] = flown.cell.name
    summary["mission_name"] = flown.mission.name
    return CellFlight(timeseries=result.timeseries, summary=summary, phases=flown.phases)


def _station(flown: FlownMission, ambient_c: float) -> StationSpec:
    wing_borne = flown.drone.kind in (AirframeKind.FIXED_WING, AirframeKind.VTOL)
    return StationSpec(
        phase=FlightPhase.LOITER if wing_borne else FlightPhase.HOVER,
        ambient_c=ambient_c,
        reserve_state_of_charge=flown.mission.reserve_state_of_charge,
    )


def ambient_endurance(scenario: Scenario, cell_index: int, ambient_c: float) -> dict[str, Any]:
    """Endurance of one cell at ``ambient_c``. With a drone: time on station (hover for
    rotorcraft, loiter on the wing otherwise) until the mission's reserve or a cell limit.
    Without one: how long the power profile is flown. ``endurance_s`` is NaN when the cells
    cannot even start (``limited_by`` says why)."""
    cell = cell_of(scenario, cell_index)
    flown = flown_mission(scenario, cell)
    settings = dataclasses.replace(settings_of(scenario), ambient_c=ambient_c)
    row: dict[str, Any] = {"cell_index": cell_index, "ambient_c": ambient_c}
    try:
        if flown.drone is not None:
            found = station_endurance(
                flown.drone, cell, flown.pack, _station(flown, ambient_c), settings
            )
            row.update(endurance_s=found.endurance_s, limited_by=found.limited_by)
            row["measure"] = "station"
        else:
            summary = simulate_mission(cell, flown.pack, flown.mission, settings).summary
            row.update(endurance_s=summary.endurance_s, limited_by=summary.termination_reason)
            row["measure"] = "profile"
    except SortieError as error:
        row.update(endurance_s=math.nan, limited_by=str(error), measure="none")
    return row


def rating_point(scenario: Scenario, cell_index: int, c_rate: float) -> dict[str, Any]:
    """One Ragone point: constant power ``c_rate`` x rated energy from full to the cut-off at
    :data:`RATING_AMBIENT_C`, per kilogram of cell."""
    cell = cell_of(scenario, cell_index)
    mass_kg = cell.budget.mass_kg
    row: dict[str, Any] = {"cell_index": cell_index, "c_rate": c_rate}
    try:
        settings = dataclasses.replace(settings_of(scenario), ambient_c=RATING_AMBIENT_C)
        rated = discharge_at_rate(cell, c_rate, settings)
    except SortieError as error:
        row.update(
            specific_power_w_per_kg=c_rate * cell.budget.energy_wh / mass_kg,
            specific_energy_wh_per_kg=math.nan,
            ended_by=str(error),
        )
        return row
    row.update(
        specific_power_w_per_kg=rated.power_w / mass_kg,
        specific_energy_wh_per_kg=rated.energy_wh / mass_kg,
        ended_by=rated.ended_by,
    )
    return row


def mission_demand(flown: FlownMission) -> dict[str, float]:
    """What the mission asks of each kilogram of cell: mean and peak power [W/kg] and the
    energy of the whole profile [Wh/kg] (the cell's Ragone curve must pass above it)."""
    mission, cells = flown.mission, flown.pack.cell_count
    mass_kg = flown.cell.budget.mass_kg
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
            return Outcome(value=fly(scenario, task.cell_index))
        if task.kind is TaskKind.AMBIENT:
            return Outcome(value=ambient_endurance(scenario, task.cell_index, task.value))
        return Outcome(value=rating_point(scenario, task.cell_index, task.value))
    except SortieError as error:
        return Outcome(error=str(error))
    except (ValueError, TypeError, KeyError) as error:
        # A bug, not a user error: keep the details in the log, show one line.
        LOG.exception("task %s failed", task.kind)
        return Outcome(error=f"internal error ({type(error).__name__}); see the server log")
