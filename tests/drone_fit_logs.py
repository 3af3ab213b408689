"""Flight logs that Sortie's own physics flew, for the drone fit's tests: a multirotor on the
ground disarmed (avionics and payload only), a climb, a hover, cruise at two speeds, a descent
and a landing, its pack power from :mod:`sortie.models.flight_physics` with Gaussian noise.
As a :class:`FlightRecord` (fast) or as an ArduPilot DataFlash ``.bin`` file."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from sortie.models import flight_physics as fp
from sortie.models.atmosphere import LAPSE_RATE_K_PER_M, air_density_kg_per_m3
from sortie.models.drone import Drone
from sortie.models.flight_record import (
    BatteryLog,
    FlightRecord,
    LogFormat,
    Series,
    VehicleLog,
    build_record,
)
from sortie.presets import load_drone
from tests.dataflash_builder import modern

MASS_KG = 2.6
AMBIENT_C = 15.0
CRUISE_SPEEDS_M_PER_S = (8.0, 14.0)
LEG_S = 120.0


def truth_drone() -> Drone:
    """The isr-quad with other coefficients: the fit starts from the preset's."""
    base = load_drone("isr-quad")
    rotors = dataclasses.replace(base.rotors, figure_of_merit=0.60, flat_plate_area_m2=0.05)
    return dataclasses.replace(base, avionics_power_w=20.0, rotors=rotors)


def _state(
    t: float, speeds: tuple[float, ...], ground_s: float
) -> tuple[float, float, float, int, int]:
    """(altitude [m], climb rate [m/s], speed [m/s], armed, landed) at ``t``: a leg of
    :data:`LEG_S` at each of ``speeds`` (0: hover)."""
    climb_from = ground_s + 2.0
    hover_from = climb_from + 15.0
    legs = [(hover_from + LEG_S * i, v) for i, v in enumerate(speeds)]
    descend_from = legs[-1][0] + LEG_S
    if t < ground_s:
        return 0.0, 0.0, 0.0, 0, 1
    if t < climb_from:
        return 0.0, 0.0, 0.0, 1, 1
    if t < hover_from:
        return 2.0 * (t - climb_from), 2.0, 0.0, 1, 0
    if t < descend_from:
        speed = next(v for start, v in reversed(legs) if t >= start)
        return 30.0, 0.0, speed, 1, 0
    if t < descend_from + 15.0:
        return 30.0 - 2.0 * (t - descend_from), -2.0, 0.0, 1, 0
    if t < descend_from + 18.0:
        return 0.0, 0.0, 0.0, 1, 1
    return 0.0, 0.0, 0.0, 0, 1


def _power_w(
    drone: Drone, mass_kg: float, state: tuple[float, float, float, int, int]
) -> float:
    altitude_m, climb_m_per_s, speed_m_per_s, armed, landed = state
    constant_w = drone.avionics_power_w + drone.payload_power_w
    if not armed:
        return constant_w
    if landed:
        return constant_w + 30.0  # idle spin
    density = air_density_kg_per_m3(altitude_m, AMBIENT_C - LAPSE_RATE_K_PER_M * altitude_m)
    if drone.rotors is None:
        if climb_m_per_s:
            return constant_w + 500.0  # a wing's climb and descent: not fitted, any power
        wing = drone.wing
        shaft_w = fp.fixed_wing_shaft_power_w(
            mass_kg, speed_m_per_s, 0.0, density, wing.wing_area_m2, wing.aspect_ratio,
            wing.oswald_efficiency, wing.zero_lift_drag_coefficient, wing.propeller_efficiency,
        )  # fmt: skip
        return fp.electrical_power_w(
            shaft_w, drone.motor_efficiency, drone.esc_efficiency, drone.avionics_power_w,
            drone.payload_power_w,
        )  # fmt: skip
    rotors = drone.rotors
    shaft_w = fp.multirotor_forward_shaft_power_w(
        mass_kg, speed_m_per_s, climb_m_per_s, density,
        fp.rotor_disc_area_m2(rotors.rotor_count, rotors.rotor_diameter_m),
        rotors.resolved_figure_of_merit, rotors.flat_plate_area_at_m2(mass_kg),
        rotors.tip_speed_m_per_s,
    )  # fmt: skip
    return fp.electrical_power_w(
        shaft_w, drone.motor_efficiency, drone.esc_efficiency, drone.avionics_power_w,
        drone.payload_power_w,
    )  # fmt: skip


def flown(
    drone: Drone,
    mass_kg: float = MASS_KG,
    speeds: tuple[float, ...] = (0.0, *CRUISE_SPEEDS_M_PER_S),
    ground_s: float = 20.0,
    tail_s: float = 7.0,
    noise: float = 0.03,
    rate_hz: float = 2.0,
    seed: int = 1,
) -> dict[str, np.ndarray]:
    """Sample arrays of the flight: time, altitude, climb, speed, armed, landed, voltage,
    current (a leg at each of ``speeds``, 0 a hover; ``ground_s`` disarmed on the ground
    before, ``tail_s`` after; ``noise``: the power's relative standard deviation)."""
    rng = np.random.default_rng(seed)
    end_s = ground_s + 17.0 + LEG_S * len(speeds) + 18.0 + tail_s
    time_s = np.arange(0.0, end_s, 1.0 / rate_hz)
    states = [_state(t, speeds, ground_s) for t in time_s]
    power_w = np.array([_power_w(drone, mass_kg, s) for s in states])
    power_w *= 1.0 + noise * rng.standard_normal(len(time_s))
    voltage_v = 23.0 - 0.005 * time_s
    columns = zip(*states, strict=True)
    altitude, climb, speed, armed, landed = (np.array(c, dtype=float) for c in columns)
    return {
        "time_s": time_s, "altitude_m": altitude, "climb_rate_m_per_s": climb,
        "speed_m_per_s": speed, "armed": armed, "landed": landed, "voltage_v": voltage_v,
        "current_a": power_w / voltage_v,
    }  # fmt: skip


def synthetic_record(drone: Drone, **options) -> FlightRecord:
    """:func:`flown` as a flight controller's record."""
    s = flown(drone, **options)
    time_us = np.round(s["time_s"] * 1e6).astype(np.int64)
    nan = np.full(len(time_us), np.nan)
    battery = BatteryLog(0, time_us, s["voltage_v"], s["current_a"], nan, nan)
    vehicle = VehicleLog(
        altitude_m=Series(time_us, s["altitude_m"]),
        climb_rate_m_per_s=Series(time_us, s["climb_rate_m_per_s"]),
        horizontal_speed_m_per_s=Series(time_us, s["speed_m_per_s"]),
        armed=Series(time_us, s["armed"]),
        landed=Series(time_us, s["landed"]),
    )
    return build_record("synthetic.bin", LogFormat.ARDUPILOT_DATAFLASH, [battery], vehicle)


def synthetic_dataflash(path: Path, drone: Drone, **options) -> Path:
    """:func:`flown` as an ArduPilot DataFlash log (BAT, BARO, GPS, ARM, EV messages)."""
    s = flown(drone, **options)
    builder = modern()
    boot_us = 30_000_000

    def us(t: float) -> int:
        return boot_us + round(t * 1e6)

    builder.message("MODE", TimeUS=us(0), Mode=0, ModeNum=0, Rsn=1)
    for key, on, off in (("armed", 10, 11), ("landed", 18, 28)):
        changes = np.flatnonzero(np.diff(s[key]) != 0) + 1
        for i in changes:
            builder.message("EV", TimeUS=us(s["time_s"][i]), Id=on if s[key][i] else off)
    for i, t in enumerate(s["time_s"]):
        builder.message(
            "BAT", TimeUS=us(t), Inst=0, Volt=s["voltage_v"][i], Curr=s["current_a"][i]
        )
        builder.message(
            "BARO", TimeUS=us(t), I=0, Alt=s["altitude_m"][i], CRt=s["climb_rate_m_per_s"][i]
        )
        builder.message(
            "GPS", TimeUS=us(t), I=0, Status=3, GMS=round(t * 1000), GWk=2300,
            Spd=s["speed_m_per_s"][i], Alt=300 + s["altitude_m"][i],
        )  # fmt: skip
    return builder.write(path)
