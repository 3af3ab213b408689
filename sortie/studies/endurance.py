"""Endurance questions: how long can it stay on station, and which pack flies longest.

"On station" is one phase (hover, or loiter at a speed) flown from a full pack until the
landing reserve is reached or a cell limit (voltage cut-off, temperature) ends it. The pack's
mass is part of the aircraft's mass, so adding cells in parallel adds energy and power
demand: for a multirotor endurance peaks at an interior pack size.

Every point goes through the one flight chain (:func:`sortie.models.flight.fly_many`). A
one-phase plan has one segment whatever its length, so all points of a chemistry share one
built model; flown to one common horizon they are solved in one batch.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd

from sortie.cells.cell import Cell
from sortie.cells.pack import Pack
from sortie.defaults import LANDING_RESERVE_STATE_OF_CHARGE, STANDARD_AMBIENT_C
from sortie.models.drone import AirframeKind, Drone
from sortie.models.flight import (
    Flight,
    FlightSetup,
    Grounded,
    NoFlight,
    compile_flight,
    fly_many,
)
from sortie.models.flight_plan import FlightPlan, FlightPlanError, Phase
from sortie.models.mission import FlightPhase
from sortie.models.pack_thermal import mean_cell_heat_capacity_j_per_k, pack_network
from sortie.models.result import MissionResult, TerminationReason
from sortie.models.settings import SimulationSettings
from sortie.studies.setup import assemble, built_pack

# The horizon is the pack's rated energy at the phase power, with a margin: a run can never
# deliver much more than rated energy, so the reserve or a cell limit comes first.
_HORIZON_MARGIN = 1.3
# The pre-heat suggested for a pack soaked below its cold limit: ten minutes on the ground,
# aiming this far above the limit (the downwash cools it again once it flies), with this
# factor on the heat the cells and enclosure store for what the air takes meanwhile. The ISR
# quad's 6S2P of LG M50 at -51.5 °C (SPM): 90 W suggested; 80 W flies 10.4 min to the
# cut-off, 60 W reaches the cold limit again after 4.6 min.
PREHEAT_SUGGESTION_S = 600.0
_PREHEAT_MARGIN_K = 5.0
_PREHEAT_LOSS_FACTOR = 1.5


class EnduranceLimit(StrEnum):
    """What ended the time on station, or why there was none."""

    RESERVE = "reserve"
    VOLTAGE_CUTOFF = TerminationReason.VOLTAGE_CUTOFF.value
    TEMPERATURE_LIMIT = TerminationReason.TEMPERATURE_LIMIT.value
    COLD_LIMIT = TerminationReason.COLD_LIMIT.value
    MODEL_LIMIT = TerminationReason.MODEL_LIMIT.value
    SOLVER_FAILURE = TerminationReason.SOLVER_FAILURE.value
    # The horizon was reached first (only with a profile length given by the caller).
    END_OF_PROFILE = TerminationReason.END_OF_PROFILE.value
    TOO_HEAVY = "too heavy"
    TOO_MUCH_POWER = "more power than the cells can give"
    CANNOT_FLY = "cannot fly this phase"

    @property
    def flown(self) -> bool:
        """True when the aircraft held station for some time."""
        return self not in (
            EnduranceLimit.TOO_HEAVY,
            EnduranceLimit.TOO_MUCH_POWER,
            EnduranceLimit.CANNOT_FLY,
        )


_LIMIT_OF_NO_FLIGHT = {
    NoFlight.TOO_HEAVY: EnduranceLimit.TOO_HEAVY,
    NoFlight.INFEASIBLE_POWER: EnduranceLimit.TOO_MUCH_POWER,
    NoFlight.INVALID: EnduranceLimit.CANNOT_FLY,
}


@dataclass(frozen=True)
class StationSpec:
    """Where and how the aircraft holds station. ``speed_m_per_s`` None: hover for rotorcraft,
    the best-endurance speed for a loiter."""

    phase: FlightPhase = FlightPhase.HOVER
    speed_m_per_s: float | None = None
    ground_altitude_m: float = 0.0
    ambient_c: float = STANDARD_AMBIENT_C
    reserve_state_of_charge: float = LANDING_RESERVE_STATE_OF_CHARGE


def station_for(drone: Drone, ambient_c: float, reserve_state_of_charge: float) -> StationSpec:
    """The natural station of an aircraft: hover for a multirotor, loiter on the wing for a
    fixed wing or a VTOL."""
    wing_borne = drone.kind in (AirframeKind.FIXED_WING, AirframeKind.VTOL)
    return StationSpec(
        phase=FlightPhase.LOITER if wing_borne else FlightPhase.HOVER,
        ambient_c=ambient_c,
        reserve_state_of_charge=reserve_state_of_charge,
    )


@dataclass(frozen=True)
class EnduranceResult:
    """One point on station. ``endurance_s`` and the power are NaN when it cannot fly
    (``limited_by`` says why); ``flight`` is the flown profile (None then)."""

    cell_id: str
    series_count: int
    parallel_count: int
    pack_mass_kg: float
    take_off_mass_kg: float
    pack_power_w: float
    speed_m_per_s: float
    endurance_s: float
    limited_by: EnduranceLimit
    message: str
    flight: Flight | None

    @property
    def result(self) -> MissionResult | None:
        return None if self.flight is None else self.flight.result

    def row(self) -> dict:
        """The point as a table row (enums as their values)."""
        return {
            "cell_id": self.cell_id,
            "series_count": self.series_count,
            "parallel_count": self.parallel_count,
            "pack_mass_kg": self.pack_mass_kg,
            "take_off_mass_kg": self.take_off_mass_kg,
            "pack_power_w": self.pack_power_w,
            "speed_m_per_s": self.speed_m_per_s,
            "endurance_s": self.endurance_s,
            "limited_by": self.limited_by.value,
        }


def suggested_preheat_w(
    cell: Cell,
    pack: Pack,
    start_c: float,
    limit_c: float,
    duration_s: float = PREHEAT_SUGGESTION_S,
) -> float:
    """A heater power (whole 10 W) that warms ``pack`` from ``start_c`` to a few kelvin above
    ``limit_c`` in ``duration_s``: the heat its cells and enclosure store, with a margin for
    the losses meanwhile. A starting point for ``--heater-w``, not a design."""
    network = pack_network(pack, cell)
    stored_j_per_k = mean_cell_heat_capacity_j_per_k(network) * pack.cell_count
    rise_k = max(0.0, limit_c + _PREHEAT_MARGIN_K - start_c)
    power_w = _PREHEAT_LOSS_FACTOR * stored_j_per_k * rise_k / duration_s
    return 10.0 * max(1, math.ceil(power_w / 10.0))


def station_plan(station: StationSpec, duration_s: float) -> FlightPlan:
    """The station as a one-phase flight plan of ``duration_s`` (no reserve rule: the reserve
    is read off the flown state of charge)."""
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


@dataclass(frozen=True)
class StationPoint:
    """One question for :func:`station_endurances`: this drone with this cell in this pack,
    on this station, simulated with these settings."""

    drone: Drone
    cell: Cell
    pack: Pack
    station: StationSpec
    settings: SimulationSettings = field(default_factory=SimulationSettings)

    def setup(self, duration_s: float) -> FlightSetup:
        """The point as a flight of ``duration_s`` on station."""
        plan = station_plan(self.station, duration_s)
        return assemble(self.cell, self.pack, plan, self.drone, self.settings)


def station_endurances(
    points: Sequence[StationPoint], profile_length_s: float | None = None
) -> list[EnduranceResult]:
    """How long each point holds station before the reserve or a cell limit.
    ``profile_length_s`` None flies every point to one safe horizon from the largest pack
    energy, so points of one chemistry are solved together."""
    powers: list[float] = []
    for point in points:
        try:
            # The station phase (a pre-heat, if any, comes first).
            powers.append(compile_flight(point.setup(60.0)).mission.segments[-1].power_w)
        except FlightPlanError:
            powers.append(math.nan)
    if profile_length_s is None:
        horizons = [
            horizon_s(point.pack.energy_wh(point.cell.budget), power)
            for point, power in zip(points, powers, strict=True)
            if math.isfinite(power)
        ]
        profile_length_s = max(horizons, default=60.0)
    flights = fly_many([point.setup(profile_length_s) for point in points])
    return [
        _endurance(found, power, point.station.reserve_state_of_charge)
        for found, power, point in zip(flights, powers, points, strict=True)
    ]


def _endurance(found: Flight | Grounded, power_w: float, reserve: float) -> EnduranceResult:
    setup = found.setup
    compiled = found.compiled
    pack_mass_kg = setup.pack.mass_kg(setup.cell.budget)
    assert setup.drone is not None
    common = dict(
        cell_id=setup.cell.id,
        series_count=setup.pack.series_count,
        parallel_count=setup.pack.parallel_count,
        pack_mass_kg=pack_mass_kg,
        take_off_mass_kg=setup.drone.take_off_mass_kg(pack_mass_kg),
        speed_m_per_s=compiled.phases[0].speed_m_per_s if compiled else math.nan,
    )
    if isinstance(found, Grounded):
        limit = _LIMIT_OF_NO_FLIGHT[found.reason]
        return EnduranceResult(
            **common,
            pack_power_w=power_w if limit is EnduranceLimit.TOO_MUCH_POWER else math.nan,
            endurance_s=math.nan,
            limited_by=limit,
            message=found.message,
            flight=None,
        )
    summary = found.summary
    at_reserve = _time_at_state_of_charge(found.result, reserve)
    if at_reserve is not None:
        # Time on station counts from take-off, after any pre-heat on the ground.
        endurance_s = max(0.0, at_reserve - found.compiled.preheat_s)
        limited_by = EnduranceLimit.RESERVE
    else:
        endurance_s = summary.endurance_s
        limited_by = EnduranceLimit(summary.termination_reason.value)
    return EnduranceResult(
        **common,
        pack_power_w=power_w,
        endurance_s=endurance_s,
        limited_by=limited_by,
        message=summary.termination_message,
        flight=found,
    )


def station_endurance(
    drone: Drone,
    cell: Cell,
    pack: Pack,
    station: StationSpec,
    settings: SimulationSettings | None = None,
    profile_length_s: float | None = None,
) -> EnduranceResult:
    """One point of :func:`station_endurances`."""
    point = StationPoint(drone, cell, pack, station, settings or SimulationSettings())
    return station_endurances([point], profile_length_s)[0]


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
    pack: Pack | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> PackSweep:
    """Station endurance for every cell and parallel count, one batch per cell. ``pack`` (by
    default the drone's series count, built as the drone builds its pack: its overhead and
    interconnect, else the defaults) keeps its series count, overhead and interconnect; a
    pinned mass belongs to one real pack and is dropped. Points above the drone's maximum
    take-off mass are kept as "too heavy"."""
    base = pack or built_pack(drone.series_count, 1, drone)
    counts = sorted(set(parallel_counts))
    if not counts or counts[0] < 1:
        raise ValueError("parallel counts must be whole numbers from 1")
    rows = []
    for done, cell in enumerate(cells, start=1):
        points = [
            StationPoint(
                drone,
                cell,
                dataclasses.replace(base, parallel_count=p, pinned_mass_kg=None),
                station,
                settings or SimulationSettings(),
            )
            for p in counts
        ]
        rows.extend(found.row() for found in station_endurances(points))
        if progress:
            progress(done, len(cells), cell.id)
    return PackSweep(table=pd.DataFrame(rows))
