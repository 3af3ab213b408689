"""The steady samples of a flight log that a drone's coefficients are fitted to, and the
model's pack power at each (:mod:`sortie.studies.drone_fit` fits; see there for what is
steady and what is assumed)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from sortie.errors import InputError
from sortie.models import flight_physics as fp
from sortie.models.atmosphere import LAPSE_RATE_K_PER_M, air_density_kg_per_m3
from sortie.models.drone import AirframeKind, Drone
from sortie.models.flight_record import FlightRecord
from sortie.models.log_phases import CLIMB_RATE_MIN_M_PER_S
from sortie.models.mission import FlightPhase

# Seconds dropped at each end of a phase: the transient into and out of it.
TRIM_S = 2.0
# More steady samples than this are thinned evenly: the per-sample physics (a root find per
# rotor sample) stays under a second, and neighbouring samples of a log are not independent.
MAX_SAMPLES = 800

class SampleKind(StrEnum):
    GROUND = "ground (disarmed)"
    ROTOR = "rotor-borne"
    WING = "wing-borne"


@dataclass(frozen=True, eq=False)
class FitSamples:
    """The steady samples fitted: per sample its phase (index into ``phases``), kind, measured
    pack power, airspeed, climb rate and air density."""

    phases: tuple[tuple[str, float, float], ...]  # (label, start_s, end_s)
    phase_index: np.ndarray
    kind: np.ndarray
    power_w: np.ndarray
    airspeed_m_per_s: np.ndarray
    climb_rate_m_per_s: np.ndarray
    air_density_kg_per_m3: np.ndarray

    def __len__(self) -> int:
        return len(self.power_w)


def steady_samples(
    record: FlightRecord, base: Drone, ambient_c: float, ground_altitude_m: float
) -> tuple[FitSamples, list[str]]:
    """The record's steady samples (see the module) and notes on what was assumed."""
    table = record.table
    time_s = table.index.to_numpy()
    power_w = table["power_w"].to_numpy()
    airspeed = table["airspeed_m_per_s"].to_numpy()
    ground_speed = table["horizontal_speed_m_per_s"].to_numpy()
    speed = np.where(np.isfinite(airspeed), airspeed, ground_speed)
    climb = table["climb_rate_m_per_s"].to_numpy()
    altitude = np.nan_to_num(table["altitude_m"].to_numpy(), nan=0.0)
    armed = table["armed"].to_numpy() > 0.5
    notes: list[str] = []
    labels: list[tuple[str, float, float]] = []
    rows: list[tuple[int, int, SampleKind]] = []
    dropped_wing_hover = 0
    for phase in record.phases:
        inside = (time_s >= phase.start_s + TRIM_S) & (time_s < phase.end_s - TRIM_S)
        usable = inside & np.isfinite(power_w) & (power_w > 0)
        if phase.phase is FlightPhase.GROUND:
            chosen = np.flatnonzero(usable & ~armed)
            kind = SampleKind.GROUND
        elif phase.phase in (FlightPhase.HOVER, FlightPhase.CRUISE):
            steady = np.isfinite(speed) & (np.abs(np.nan_to_num(climb)) <= CLIMB_RATE_MIN_M_PER_S)
            chosen = np.flatnonzero(usable & steady)
            wing = wing_borne(base, phase.phase)
            if wing is None:
                dropped_wing_hover += len(chosen)
                continue
            kind = SampleKind.WING if wing else SampleKind.ROTOR
        else:
            continue
        if len(chosen):
            labels.append((phase.phase.value, phase.start_s, phase.end_s))
            rows.extend((len(labels) - 1, int(i), kind) for i in chosen)
    if dropped_wing_hover:
        notes.append(f"{dropped_wing_hover} hover sample(s) of a fixed wing left out")
    if len(rows) > MAX_SAMPLES:
        keep = np.linspace(0, len(rows) - 1, MAX_SAMPLES).round().astype(int)
        notes.append(f"{len(rows)} steady samples thinned evenly to {MAX_SAMPLES}")
        rows = [rows[i] for i in keep]
    index = np.array([r[1] for r in rows], dtype=int)
    kind = np.array([r[2] for r in rows], dtype=object)
    flying = kind != SampleKind.GROUND
    if np.any(flying & ~np.isfinite(airspeed[index])):
        notes.append("no airspeed logged: ground speed taken as airspeed (still air)")
    if np.any(flying & ~np.isfinite(climb[index])):
        notes.append("climb rate not logged in places: taken as level flight there")
    altitude_m = ground_altitude_m + altitude[index]
    try:
        density = np.array(
            [
                air_density_kg_per_m3(a, ambient_c - LAPSE_RATE_K_PER_M * (a - ground_altitude_m))
                for a in altitude_m
            ]
        )
    except ValueError as error:
        raise InputError(f"{record.source}: {error}") from None
    samples = FitSamples(
        phases=tuple(labels),
        phase_index=np.array([r[0] for r in rows], dtype=int),
        kind=kind,
        power_w=power_w[index],
        airspeed_m_per_s=np.where(flying, np.nan_to_num(speed[index]), 0.0),
        climb_rate_m_per_s=np.where(flying, np.nan_to_num(climb[index]), 0.0),
        air_density_kg_per_m3=density,
    )
    return samples, notes


def wing_borne(drone: Drone, phase: FlightPhase) -> bool | None:
    """Whether ``phase`` flies on the wing (None: a fixed wing that cannot hover)."""
    if drone.kind is AirframeKind.MULTIROTOR:
        return False
    if drone.kind is AirframeKind.FIXED_WING:
        return None if phase is FlightPhase.HOVER else True
    return phase is FlightPhase.CRUISE


def powers_w(drone: Drone, samples: FitSamples, mass_kg: float) -> np.ndarray:
    """The model's pack power at each sample."""
    constant_w = drone.avionics_power_w + drone.payload_power_w
    drivetrain = drone.motor_efficiency * drone.esc_efficiency
    powers = np.empty(len(samples))
    for i in range(len(samples)):
        kind = samples.kind[i]
        if kind is SampleKind.GROUND:
            powers[i] = constant_w
            continue
        density = samples.air_density_kg_per_m3[i]
        speed = samples.airspeed_m_per_s[i]
        climb = samples.climb_rate_m_per_s[i]
        if kind is SampleKind.WING:
            wing = drone.wing
            shaft_w = fp.fixed_wing_shaft_power_w(
                mass_kg, max(speed, 0.1), climb, density, wing.wing_area_m2, wing.aspect_ratio,
                wing.oswald_efficiency, wing.zero_lift_drag_coefficient, wing.propeller_efficiency,
            )  # fmt: skip
        else:
            rotors = drone.rotors
            shaft_w = fp.multirotor_forward_shaft_power_w(
                mass_kg, speed, climb, density,
                fp.rotor_disc_area_m2(rotors.rotor_count, rotors.rotor_diameter_m),
                rotors.resolved_figure_of_merit, rotors.flat_plate_area_at_m2(mass_kg),
                rotors.tip_speed_m_per_s,
            )  # fmt: skip
        powers[i] = max(shaft_w, 0.0) / drivetrain + constant_w
    return powers
