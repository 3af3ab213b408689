"""Flight plans: what the aircraft does, turned into pack power over time.

A plan is a list of phases (take-off and climb, transit at a speed over a distance, hover or
loiter on station, dash, payload release, return, descent and landing). Compiling it for a
drone and a pack gives a :class:`~sortie.models.mission.Mission` of constant-power segments.
The pack's mass is part of the aircraft's mass, so a bigger pack costs power; a payload
release lightens the aircraft for the phases after it. Air density follows the altitude of
each phase (ISA pressure, air temperature falling 6.5 K/km above the ground's ambient).
Still air: ground speed equals airspeed.

Why one module of ~490 lines: it is one idea, a plan turned into pack power. The plan's
fields, the speed each phase is flown at (best endurance or range, a wing's minimum) and the
power at that speed are resolved together, phase by phase, with the mass left after a
release; the aerodynamics itself lives in :mod:`sortie.models.flight_physics`, the air in
:mod:`sortie.models.atmosphere`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass as plain_dataclass
from typing import Annotated

import pandas as pd
from pydantic import Field, field_validator, model_validator
from pydantic.dataclasses import dataclass

from sortie.cells.chemistry import STRICT
from sortie.defaults import LANDING_RESERVE_STATE_OF_CHARGE, STANDARD_AMBIENT_C
from sortie.errors import InputError
from sortie.models import flight_physics as fp
from sortie.models.atmosphere import LAPSE_RATE_K_PER_M, air_density_kg_per_m3
from sortie.models.drone import AirframeKind, Drone
from sortie.models.mission import MAX_SEGMENTS, FlightPhase, Mission, Segment

# Phases flown on the lift rotors of a VTOL (everything else is wing-borne). Transition is
# counted as hover: conservative, transition power peaks are close to hover power.
_VTOL_ROTOR_PHASES = {
    FlightPhase.GROUND,
    FlightPhase.TAKEOFF,
    FlightPhase.HOVER,
    FlightPhase.PAYLOAD_RELEASE,
    FlightPhase.LANDING,
    FlightPhase.TRANSITION,
}
# Phases that cover ground: without a given speed they are flown at the cruise speed.
_TRANSLATING_PHASES = {
    FlightPhase.TRANSIT,
    FlightPhase.CRUISE,
    FlightPhase.RETURN,
    FlightPhase.DASH,
}
# Each phase is one segment of the compiled mission, and a mission has at most MAX_SEGMENTS:
# refused when the plan is read (an upload, a file), not when a page compiles it.
MAX_PHASES = MAX_SEGMENTS
# A fixed wing must fly at least this multiple of its stall speed (FAR 25.107-style margin).
STALL_MARGIN = 1.2
# Upper end of the best-speed searches (multirotors; a wing searches up to 4 x its stall).
MAX_SEARCH_SPEED_M_PER_S = 40.0


@dataclass(config=STRICT)
class Phase:
    """One phase. Its duration comes from exactly one of: ``duration_s``,
    ``distance_m`` / ``speed_m_per_s``, or ``altitude_change_m`` / ``climb_rate_m_per_s``.

    ``speed_m_per_s`` is the airspeed (None: the drone's cruise speed for translating phases
    of winged aircraft, 0 for a multirotor's hover). ``climb_rate_m_per_s`` is positive up.
    ``payload_drop_kg`` leaves the aircraft at the end of the phase. ``name_de`` is the
    German name (empty: none given); it goes with the phase into the compiled segments.
    """

    name: str
    phase: FlightPhase
    duration_s: Annotated[float, Field(gt=0, le=7 * 24 * 3600)] | None = None
    distance_m: Annotated[float, Field(gt=0, le=1e7)] | None = None
    speed_m_per_s: Annotated[float, Field(ge=0, le=150)] | None = None
    climb_rate_m_per_s: Annotated[float, Field(ge=-30, le=30)] = 0.0
    altitude_change_m: Annotated[float, Field(ge=-10000, le=10000)] | None = None
    payload_drop_kg: Annotated[float, Field(ge=0, le=5000)] = 0.0
    ambient_c: Annotated[float, Field(ge=-60, le=80)] | None = None
    name_de: str = ""

    @model_validator(mode="after")
    def _check(self) -> Phase:
        ways = [
            self.duration_s is not None,
            self.distance_m is not None,
            self.altitude_change_m is not None,
        ]
        if sum(ways) != 1:
            raise ValueError(
                "give exactly one of duration_s, distance_m (with a speed) or "
                "altitude_change_m (with climb_rate_m_per_s)"
            )
        if self.distance_m is not None and self.speed_m_per_s == 0:
            raise ValueError("distance_m needs a speed_m_per_s above 0")
        if self.altitude_change_m is not None:
            if self.climb_rate_m_per_s == 0:
                raise ValueError("altitude_change_m needs a climb_rate_m_per_s")
            if (self.altitude_change_m > 0) != (self.climb_rate_m_per_s > 0):
                raise ValueError("altitude_change_m and climb_rate_m_per_s differ in sign")
        return self


@dataclass(config=STRICT)
class FlightPlan:
    """A mission described as flight: phases plus where and how it is flown.

    ``reserve_state_of_charge``: the landing reserve rule (land with at least this state of
    charge, 0..0.9); ``ground_altitude_m`` above sea level; ``ambient_c`` on the ground.
    ``name_de`` and ``description_de`` are the German texts (empty: none given).
    """

    id: str
    name: str
    description: str
    phases: tuple[Phase, ...]
    drone: str | None = None
    ambient_c: Annotated[float, Field(ge=-60, le=80)] = STANDARD_AMBIENT_C
    ground_altitude_m: Annotated[float, Field(ge=-400, le=6000)] = 0.0
    reserve_state_of_charge: Annotated[float, Field(ge=0, le=0.9)] = (
        LANDING_RESERVE_STATE_OF_CHARGE
    )
    sources: dict[str, str] = Field(default_factory=dict)
    name_de: str = ""
    description_de: str = ""

    @field_validator("phases", mode="before")
    @classmethod
    def _not_too_many(cls, phases: object) -> object:
        # Before each phase is validated: 26 000 phases without names are "too many", not
        # 26 000 messages of a missing name.
        if isinstance(phases, list | tuple) and len(phases) > MAX_PHASES:
            raise ValueError(f"{len(phases)} phases; at most {MAX_PHASES}")
        return phases

    @model_validator(mode="after")
    def _check(self) -> FlightPlan:
        if not self.phases:
            raise ValueError("a flight plan needs at least one phase")
        return self


@plain_dataclass(frozen=True)
class PhasePower:
    """How one phase was flown and what it costs."""

    name: str
    phase: FlightPhase
    duration_s: float
    mass_kg: float
    altitude_m: float
    air_density_kg_per_m3: float
    speed_m_per_s: float
    climb_rate_m_per_s: float
    shaft_power_w: float
    pack_power_w: float
    ambient_c: float
    name_de: str = ""


class FlightPlanError(InputError):
    """A phase cannot be flown by this aircraft (names the phase)."""


def _duration_s(phase: Phase, speed_m_per_s: float) -> float:
    if phase.duration_s is not None:
        return phase.duration_s
    if phase.distance_m is not None:
        return phase.distance_m / speed_m_per_s
    assert phase.altitude_change_m is not None
    return phase.altitude_change_m / phase.climb_rate_m_per_s


def _uses_wing(drone: Drone, phase: FlightPhase) -> bool:
    if drone.kind is AirframeKind.FIXED_WING:
        return True
    return drone.kind is AirframeKind.VTOL and phase not in _VTOL_ROTOR_PHASES


def _rotor_power_w(
    drone: Drone, mass_kg: float, density: float, speed: float, climb_rate_m_per_s: float
) -> float:
    """Shaft power on the lift rotors (multirotor, or a VTOL's rotor-borne phases)."""
    rotors = drone.rotors
    assert rotors is not None
    return fp.multirotor_forward_shaft_power_w(
        mass_kg,
        speed,
        climb_rate_m_per_s,
        density,
        fp.rotor_disc_area_m2(rotors.rotor_count, rotors.rotor_diameter_m),
        rotors.resolved_figure_of_merit,
        rotors.flat_plate_area_at_m2(mass_kg),
        rotors.tip_speed_m_per_s,
    )


def _wing_power_w(
    drone: Drone, mass_kg: float, density: float, speed: float, climb_rate_m_per_s: float
) -> float:
    wing = drone.wing
    assert wing is not None
    power = fp.fixed_wing_shaft_power_w(
        mass_kg,
        speed,
        climb_rate_m_per_s,
        density,
        wing.wing_area_m2,
        wing.aspect_ratio,
        wing.oswald_efficiency,
        wing.zero_lift_drag_coefficient,
        wing.propeller_efficiency,
    )
    return max(power, 0.0)  # a steep glide needs no thrust; no regeneration


def _min_wing_speed_m_per_s(drone: Drone, mass_kg: float, density: float) -> float:
    wing = drone.wing
    assert wing is not None
    return STALL_MARGIN * fp.stall_speed_m_per_s(
        mass_kg, density, wing.wing_area_m2, wing.max_lift_coefficient
    )


def _loiter_speed_m_per_s(drone: Drone, on_wing: bool, mass_kg: float, density: float) -> float:
    """Best-endurance (minimum power) speed; on a wing never below the stall margin."""
    if on_wing:
        wing = drone.wing
        assert wing is not None
        best = fp.fixed_wing_best_endurance_speed_m_per_s(
            mass_kg,
            density,
            wing.wing_area_m2,
            wing.aspect_ratio,
            wing.oswald_efficiency,
            wing.zero_lift_drag_coefficient,
        )
        return max(best, _min_wing_speed_m_per_s(drone, mass_kg, density))
    return fp.minimum_power_speed_m_per_s(
        lambda speed: _rotor_power_w(drone, mass_kg, density, speed, 0.0),
        0.0,
        MAX_SEARCH_SPEED_M_PER_S,
    )


def _cruise_on_wing(drone: Drone) -> bool:
    return drone.kind in (AirframeKind.FIXED_WING, AirframeKind.VTOL)


def level_pack_power_w(
    drone: Drone,
    mass_kg: float,
    air_density_kg_per_m3: float,
    airspeed_m_per_s: float,
    payload_aboard: bool = True,
) -> float:
    """Pack power in level flight at ``airspeed_m_per_s`` (a VTOL on its wing, a multirotor on
    its rotors): shaft / (motor x ESC) + avionics + payload power. No stall check."""
    if _cruise_on_wing(drone):
        shaft = _wing_power_w(drone, mass_kg, air_density_kg_per_m3, airspeed_m_per_s, 0.0)
    else:
        shaft = _rotor_power_w(drone, mass_kg, air_density_kg_per_m3, airspeed_m_per_s, 0.0)
    return fp.electrical_power_w(
        shaft,
        drone.motor_efficiency,
        drone.esc_efficiency,
        drone.avionics_power_w,
        drone.payload_power_w if payload_aboard else 0.0,
    )


def _speed_bounds_m_per_s(drone: Drone, mass_kg: float, density: float) -> tuple[float, float]:
    if _cruise_on_wing(drone):
        lowest = _min_wing_speed_m_per_s(drone, mass_kg, density)
        return lowest, 4 * lowest / STALL_MARGIN
    return 0.0, MAX_SEARCH_SPEED_M_PER_S


def best_endurance_speed_m_per_s(
    drone: Drone, mass_kg: float, air_density_kg_per_m3: float
) -> float:
    """Level-flight airspeed of least pack power (longest time aloft): the speed a loiter
    without a given speed is flown at. A wing never below 1.2 x its stall speed. In still air.
    """
    on_wing = _cruise_on_wing(drone)
    return _loiter_speed_m_per_s(drone, on_wing, mass_kg, air_density_kg_per_m3)


def best_range_speed_m_per_s(
    drone: Drone, mass_kg: float, air_density_kg_per_m3: float, payload_aboard: bool = True
) -> float:
    """Level-flight airspeed of least pack energy per metre (farthest on a pack), in still
    air. Counts avionics and payload power, which favour flying faster; a wing never below
    1.2 x its stall speed. Against a headwind the best-range airspeed is higher."""
    lowest, highest = _speed_bounds_m_per_s(drone, mass_kg, air_density_kg_per_m3)
    return fp.minimum_energy_per_distance_speed_m_per_s(
        lambda speed: level_pack_power_w(
            drone, mass_kg, air_density_kg_per_m3, speed, payload_aboard
        ),
        max(lowest, 0.5),
        highest,
    )


def _speed_m_per_s(
    drone: Drone, phase: Phase, on_wing: bool, mass_kg: float, density: float
) -> float:
    """Given speed; loiter at the best-endurance speed; cruise speed on the wing or when
    covering a distance; else 0 (hover)."""
    if phase.speed_m_per_s is not None:
        return phase.speed_m_per_s
    if phase.phase is FlightPhase.LOITER and phase.distance_m is None:
        return _loiter_speed_m_per_s(drone, on_wing, mass_kg, density)
    if on_wing or phase.distance_m is not None or phase.phase in _TRANSLATING_PHASES:
        if drone.cruise_speed_m_per_s is None:
            raise FlightPlanError(
                f"phase '{phase.name}': give speed_m_per_s (the drone has no cruise speed)"
            )
        return drone.cruise_speed_m_per_s
    return 0.0


def _shaft_power_w(
    drone: Drone, phase: Phase, on_wing: bool, mass_kg: float, density: float, speed: float
) -> float:
    if phase.phase is FlightPhase.GROUND:
        return 0.0  # on the ground: avionics and payload only
    if on_wing:
        wing = drone.wing
        assert wing is not None
        stall = fp.stall_speed_m_per_s(
            mass_kg, density, wing.wing_area_m2, wing.max_lift_coefficient
        )
        if speed < STALL_MARGIN * stall:
            raise FlightPlanError(
                f"phase '{phase.name}': {speed:.1f} m/s is below {STALL_MARGIN} x the stall "
                f"speed ({stall:.1f} m/s at {mass_kg:.2f} kg)"
            )
        return _wing_power_w(drone, mass_kg, density, speed, phase.climb_rate_m_per_s)
    # Multirotor, or a VTOL's rotor-borne phases (take-off, hover, transition, landing): the
    # same rotor model, so climb, descent and any given speed are costed alike.
    try:
        return _rotor_power_w(drone, mass_kg, density, speed, phase.climb_rate_m_per_s)
    except ValueError as error:
        raise FlightPlanError(f"phase '{phase.name}': {error}") from None


def _density(phase: Phase, altitude_m: float, ground_altitude_m: float, ambient_c: float) -> float:
    air_c = ambient_c - LAPSE_RATE_K_PER_M * (altitude_m - ground_altitude_m)
    try:
        return air_density_kg_per_m3(altitude_m, air_c)
    except ValueError as error:
        raise FlightPlanError(f"phase '{phase.name}': {error}") from None


def phase_powers(plan: FlightPlan, drone: Drone, pack_mass_kg: float) -> list[PhasePower]:
    """Fly ``plan`` on ``drone`` carrying a pack of ``pack_mass_kg``; one row per phase."""
    if drone.kind is AirframeKind.FIXED_WING:
        for phase in plan.phases:
            if phase.phase in (FlightPhase.HOVER, FlightPhase.TRANSITION):
                raise FlightPlanError(f"phase '{phase.name}': a fixed wing cannot hover")
    mass_kg = drone.take_off_mass_kg(pack_mass_kg)
    if drone.max_takeoff_mass_kg is not None and mass_kg > drone.max_takeoff_mass_kg:
        raise FlightPlanError(
            f"take-off mass {mass_kg:.2f} kg exceeds the drone's maximum "
            f"{drone.max_takeoff_mass_kg:.2f} kg"
        )
    payload_kg = drone.payload_kg
    altitude_m = plan.ground_altitude_m
    rows = []
    for phase in plan.phases:
        on_wing = _uses_wing(drone, phase.phase)
        ambient_c = plan.ambient_c if phase.ambient_c is None else phase.ambient_c
        # The loiter speed needs the density and the density the (mean) altitude; the start
        # altitude is close enough to pick the speed, the mean altitude then sets the power.
        start_density = _density(phase, altitude_m, plan.ground_altitude_m, ambient_c)
        speed = _speed_m_per_s(drone, phase, on_wing, mass_kg, start_density)
        duration = _duration_s(phase, speed)
        mean_altitude = altitude_m + phase.climb_rate_m_per_s * duration / 2
        density = _density(phase, mean_altitude, plan.ground_altitude_m, ambient_c)
        shaft = _shaft_power_w(drone, phase, on_wing, mass_kg, density, speed)
        pack_power = fp.electrical_power_w(
            shaft,
            drone.motor_efficiency,
            drone.esc_efficiency,
            drone.avionics_power_w,
            drone.payload_power_w if payload_kg > 0 else 0.0,
        )
        rows.append(
            PhasePower(
                name=phase.name,
                phase=phase.phase,
                duration_s=duration,
                mass_kg=mass_kg,
                altitude_m=mean_altitude,
                air_density_kg_per_m3=density,
                speed_m_per_s=speed,
                climb_rate_m_per_s=phase.climb_rate_m_per_s,
                shaft_power_w=shaft,
                pack_power_w=pack_power,
                ambient_c=ambient_c,
                name_de=phase.name_de,
            )
        )
        altitude_m += phase.climb_rate_m_per_s * duration
        if phase.payload_drop_kg > payload_kg + 1e-9:
            raise FlightPlanError(
                f"phase '{phase.name}': drops {phase.payload_drop_kg:g} kg but carries "
                f"{payload_kg:g} kg of payload"
            )
        payload_kg -= phase.payload_drop_kg
        mass_kg -= phase.payload_drop_kg
    return rows


def compile_plan(plan: FlightPlan, drone: Drone, pack_mass_kg: float) -> Mission:
    """The plan as constant-power segments (pack power at the terminals)."""
    return mission_of_phases(plan, drone, phase_powers(plan, drone, pack_mass_kg))


def mission_of_phases(plan: FlightPlan, drone: Drone, rows: Sequence[PhasePower]) -> Mission:
    """The flown phases of ``plan`` (:func:`phase_powers`) as a power mission."""
    return Mission(
        id=plan.id,
        name=plan.name,
        description=plan.description,
        name_de=plan.name_de,
        description_de=plan.description_de,
        segments=tuple(
            Segment(
                name=row.name,
                duration_s=row.duration_s,
                power_w=row.pack_power_w,
                phase=row.phase,
                ambient_c=row.ambient_c,
                name_de=row.name_de,
            )
            for row in rows
        ),
        ambient_c=plan.ambient_c,
        drone=drone.id,
        reserve_state_of_charge=plan.reserve_state_of_charge,
        sources=plan.sources,
    )


def phase_table(rows: list[PhasePower]) -> pd.DataFrame:
    """The per-phase breakdown as a DataFrame (for the CLI and the UI). ``phase_de`` is the
    German name, the English one where the plan gives none."""
    return pd.DataFrame(
        {
            "phase": [r.name for r in rows],
            "phase_de": [r.name_de or r.name for r in rows],
            "kind": [r.phase.value for r in rows],
            "duration_s": [r.duration_s for r in rows],
            "mass_kg": [r.mass_kg for r in rows],
            "altitude_m": [r.altitude_m for r in rows],
            "air_density_kg_per_m3": [r.air_density_kg_per_m3 for r in rows],
            "speed_m_per_s": [r.speed_m_per_s for r in rows],
            "climb_rate_m_per_s": [r.climb_rate_m_per_s for r in rows],
            "shaft_power_w": [r.shaft_power_w for r in rows],
            "pack_power_w": [r.pack_power_w for r in rows],
        }
    )


def with_ambient(plan: FlightPlan, ambient_c: float | None) -> FlightPlan:
    """The plan flown at ``ambient_c`` on the ground (per-phase ambients dropped); None keeps it."""
    if ambient_c is None:
        return plan
    return dataclasses.replace(
        plan,
        ambient_c=ambient_c,
        phases=tuple(dataclasses.replace(p, ambient_c=None) for p in plan.phases),
    )


def as_mission(
    mission: Mission | FlightPlan,
    drone: Drone | None,
    pack_mass_kg: float,
    ambient_c: float | None = None,
) -> Mission:
    """The engine's input: a segment mission as it is, a flight plan compiled for ``drone``
    carrying ``pack_mass_kg``. ``ambient_c`` flies the whole plan at that ground temperature,
    so the air density follows it too."""
    if isinstance(mission, Mission):
        return mission
    if drone is None:
        raise InputError(f"flight plan '{mission.id}' needs a drone to turn phases into power")
    return compile_plan(with_ambient(mission, ambient_c), drone, pack_mass_kg)
