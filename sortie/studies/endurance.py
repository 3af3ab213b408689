"""Endurance questions: how long can it stay on station, and which pack flies longest.

"On station" is one phase (hover, or loiter at a speed) flown from a full pack until the
landing reserve is reached or a cell limit (voltage cut-off, temperature) ends it. The pack's
mass is part of the aircraft's mass, so adding cells in parallel adds energy and power
demand: for a multirotor endurance peaks at an interior pack size.

All runs of a sweep share one profile length, so PyBaMM builds the model once and only
re-solves with new powers (see the design notes).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sortie.cells.cell import Cell
from sortie.cells.pack import Pack
from sortie.errors import InfeasiblePowerError
from sortie.models.chain import simulate_mission
from sortie.models.drone import Drone
from sortie.models.flight_plan import FlightPlan, FlightPlanError, Phase, compile_plan
from sortie.models.mission import FlightPhase
from sortie.models.result import MissionResult
from sortie.models.settings import SimulationSettings

RESERVE = "reserve"
TOO_HEAVY = "too heavy"
TOO_MUCH_POWER = "more power than the cells can give"
# The horizon is the pack's rated energy at the phase power, with a margin: a run can never
# deliver much more than rated energy, so the reserve or a cell limit comes first.
_HORIZON_MARGIN = 1.3


@dataclass(frozen=True)
class StationSpec:
    """Where and how the aircraft holds station. ``speed_m_per_s`` None: hover for rotorcraft,
    the drone's cruise speed for winged aircraft."""

    phase: FlightPhase = FlightPhase.HOVER
    speed_m_per_s: float | None = None
    ground_altitude_m: float = 0.0
    ambient_c: float = 15.0
    reserve_state_of_charge: float = 0.2


@dataclass(frozen=True)
class EnduranceResult:
    """``limited_by`` is ``"reserve"`` or the termination reason that came first."""

    cell_id: str
    series_count: int
    parallel_count: int
    pack_mass_kg: float
    take_off_mass_kg: float
    pack_power_w: float
    endurance_s: float
    limited_by: str
    result: MissionResult | None

    def row(self) -> dict:
        return {
            "cell_id": self.cell_id,
            "series_count": self.series_count,
            "parallel_count": self.parallel_count,
            "pack_mass_kg": self.pack_mass_kg,
            "take_off_mass_kg": self.take_off_mass_kg,
            "pack_power_w": self.pack_power_w,
            "endurance_s": self.endurance_s,
            "limited_by": self.limited_by,
        }


def _plan(station: StationSpec, duration_s: float) -> FlightPlan:
    return FlightPlan(
        id="on-station",
        name="on station",
        description="one phase flown until the reserve or a cell limit",
        phases=(
            Phase(
                name="on station",
                phase=station.phase,
                duration_s=duration_s,
                speed_m_per_s=station.speed_m_per_s,
            ),
        ),
        ambient_c=station.ambient_c,
        ground_altitude_m=station.ground_altitude_m,
        reserve_state_of_charge=0.0,
    )


def station_power_w(drone: Drone, station: StationSpec, pack_mass_kg: float) -> float:
    """Pack power on station (independent of the duration)."""
    return compile_plan(_plan(station, 60.0), drone, pack_mass_kg).segments[0].power_w


def horizon_s(pack_energy_wh: float, pack_power_w: float) -> float:
    """Profile length that the reserve or a cell limit always ends first (whole minutes)."""
    return 60.0 * math.ceil(_HORIZON_MARGIN * pack_energy_wh / pack_power_w * 60.0)


def _time_at_state_of_charge(result: MissionResult, state_of_charge: float) -> float | None:
    soc = result.timeseries["state_of_charge"].to_numpy()
    time = result.timeseries.index.to_numpy()
    below = np.nonzero(soc <= state_of_charge)[0]
    if len(below) == 0:
        return None
    i = int(below[0])
    if i == 0:
        return 0.0
    # Linear between the two output points around the crossing (SOC falls monotonically
    # under a constant discharge power).
    fraction = (soc[i - 1] - state_of_charge) / (soc[i - 1] - soc[i])
    return float(time[i - 1] + fraction * (time[i] - time[i - 1]))


def station_endurance(
    drone: Drone,
    cell: Cell,
    pack: Pack,
    station: StationSpec,
    settings: SimulationSettings | None = None,
    profile_length_s: float | None = None,
) -> EnduranceResult:
    """How long ``drone`` holds station on ``pack`` of ``cell`` before the reserve or a cell
    limit. ``profile_length_s`` None picks a safe horizon from the pack's energy."""
    pack_mass_kg = pack.mass_kg(cell.budget)
    take_off_mass_kg = drone.take_off_mass_kg(pack_mass_kg)
    common = dict(
        cell_id=cell.id,
        series_count=pack.series_count,
        parallel_count=pack.parallel_count,
        pack_mass_kg=pack_mass_kg,
        take_off_mass_kg=take_off_mass_kg,
    )
    try:
        power_w = station_power_w(drone, station, pack_mass_kg)
    except FlightPlanError as error:
        if "exceeds the drone's maximum" not in str(error):
            raise
        return EnduranceResult(
            **common, pack_power_w=math.nan, endurance_s=math.nan, limited_by=TOO_HEAVY, result=None
        )
    length_s = profile_length_s or horizon_s(pack.energy_wh(cell.budget), power_w)
    mission = compile_plan(_plan(station, length_s), drone, pack_mass_kg)
    try:
        result = simulate_mission(cell, pack, mission, settings)
    except InfeasiblePowerError:
        return EnduranceResult(
            **common,
            pack_power_w=power_w,
            endurance_s=math.nan,
            limited_by=TOO_MUCH_POWER,
            result=None,
        )
    at_reserve = _time_at_state_of_charge(result, station.reserve_state_of_charge)
    if at_reserve is not None:
        endurance_s, limited_by = at_reserve, RESERVE
    else:
        endurance_s = result.summary.endurance_s
        limited_by = result.summary.termination_reason.value
    return EnduranceResult(
        **common,
        pack_power_w=power_w,
        endurance_s=endurance_s,
        limited_by=limited_by,
        result=result,
    )


@dataclass(frozen=True)
class PackSweep:
    """Endurance against pack layout (and cell). ``table`` has one row per point."""

    table: pd.DataFrame

    def best(self, cell_id: str | None = None) -> pd.Series:
        """The row with the longest endurance (for ``cell_id``, or over all cells)."""
        rows = self.table if cell_id is None else self.table[self.table["cell_id"] == cell_id]
        flown = rows.dropna(subset=["endurance_s"])
        if flown.empty:
            raise ValueError("no pack size in the sweep can fly")
        return flown.loc[flown["endurance_s"].idxmax()]


def pack_size_sweep(
    drone: Drone,
    cells: Sequence[Cell],
    parallel_counts: Iterable[int],
    station: StationSpec,
    settings: SimulationSettings | None = None,
    series_count: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> PackSweep:
    """Station endurance for every cell and parallel count (series count fixed: the drone's
    voltage). Points above the drone's maximum take-off mass are kept as "too heavy"."""
    series = series_count or drone.series_count
    counts = sorted(set(parallel_counts))
    if not counts or counts[0] < 1:
        raise ValueError("parallel counts must be whole numbers from 1")
    rows = []
    total = len(cells) * len(counts)
    done = 0
    for cell in cells:
        packs = [Pack(series_count=series, parallel_count=p) for p in counts]
        # One profile length for the whole sweep of this cell: one model build.
        lengths = []
        for pack in packs:
            try:
                power = station_power_w(drone, station, pack.mass_kg(cell.budget))
            except FlightPlanError:
                continue
            lengths.append(horizon_s(pack.energy_wh(cell.budget), power))
        length_s = max(lengths) if lengths else None
        for pack in packs:
            point = station_endurance(drone, cell, pack, station, settings, length_s)
            rows.append(point.row())
            done += 1
            if progress:
                progress(done, total, f"{cell.id} {series}S{pack.parallel_count}P")
    return PackSweep(table=pd.DataFrame(rows))
