"""What a flight controller's log says about one flight, whatever the stack that wrote it.

The readers (:mod:`sortie.models.flight_log_ulog` for PX4, :mod:`sortie.models.flight_log_dataflash`
for ArduPilot) only take the samples out of their format: each battery instance's voltage,
current, charge drawn and temperature, and the vehicle's altitude, climb rate, speeds and
armed and landed state, each on its own clock in microseconds. :func:`build_record` does the
rest the same way for both: it picks one battery (the caller's, else the one that gave the most
energy), puts every quantity on that battery's samples (from t = 0 at its first), checks the
samples as the CSV reader does (order, gaps, counts), finds the phases
(:func:`~sortie.models.log_phases.detect_phases`) and says in ``notes`` what it decided.

The power is the measured pack power, voltage x current at the pack: flown on another cell or
pack it stays the same, as a CSV log's does ("this exact flight, on LFP instead").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd

from sortie.errors import InputError
from sortie.models.flight_log import (
    FlightLog,
    first_long_step,
    format_s,
    merge_repeated_times,
)
from sortie.models.log_phases import LogPhase, detect_phases
from sortie.models.mission import FlightPhase
from sortie.models.native_log_input import check_count


class LogFormat(StrEnum):
    PX4_ULOG = "PX4 ULog"
    ARDUPILOT_DATAFLASH = "ArduPilot DataFlash"


@dataclass(frozen=True, eq=False)
class Series:
    """Samples of one logged quantity: times in microseconds on the log's clock and values
    (NaN: not known at that sample)."""

    time_us: np.ndarray
    values: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "time_us", np.asarray(self.time_us, dtype=np.int64))
        object.__setattr__(self, "values", np.asarray(self.values, dtype=float))


@dataclass(frozen=True, eq=False)
class BatteryLog:
    """One battery instance's samples as logged (times in microseconds). NaN where the log
    has no value (a current PX4 writes as -1 when it measures none is NaN here)."""

    instance: int
    time_us: np.ndarray
    voltage_v: np.ndarray
    current_a: np.ndarray
    discharged_ah: np.ndarray
    temperature_c: np.ndarray


@dataclass(frozen=True)
class VehicleLog:
    """The vehicle's state as logged; None where the log has no such quantity. ``armed`` and
    ``landed`` are 1 or 0 from each sample on (events)."""

    altitude_m: Series | None = None
    climb_rate_m_per_s: Series | None = None
    horizontal_speed_m_per_s: Series | None = None
    airspeed_m_per_s: Series | None = None
    armed: Series | None = None
    landed: Series | None = None


@dataclass(frozen=True)
class BatterySummary:
    """One battery instance of a log, at a glance (NaN where it logged no such value)."""

    instance: int
    sample_count: int
    duration_s: float
    voltage_min_v: float
    voltage_max_v: float
    current_max_a: float
    energy_wh: float
    discharged_ah: float
    temperature_max_c: float


@dataclass(frozen=True, eq=False)
class FlightRecord:
    """One battery's flight from a flight controller's log. ``table`` is indexed by ``time_s``
    (0 at the battery's first sample, ``start_time_us`` on the log's clock) with the columns
    :data:`COLUMNS`; ``batteries`` lists every instance the log has, ``battery_instance`` the
    one in ``table``."""

    source: str
    log_format: LogFormat
    battery_instance: int
    batteries: tuple[BatterySummary, ...]
    table: pd.DataFrame
    start_time_us: int
    phases: tuple[LogPhase, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def duration_s(self) -> float:
        return float(self.table.index[-1])

    @property
    def flew(self) -> bool:
        return any(phase.phase is not FlightPhase.GROUND for phase in self.phases)

    def flight_log(self) -> FlightLog:
        """The measured pack power with the phases and notes: what a mission is made of."""
        return FlightLog(
            time_s=self.table.index.to_numpy(),
            power_w=self.table["power_w"].to_numpy(),
            source=self.source,
            notes=self.notes,
            phases=self.phases,
        )


COLUMNS = (
    "voltage_v",
    "current_a",
    "power_w",
    "discharged_ah",
    "battery_temperature_c",
    "altitude_m",
    "climb_rate_m_per_s",
    "horizontal_speed_m_per_s",
    "airspeed_m_per_s",
    "armed",
    "landed",
)


def build_record(
    label: str,
    log_format: LogFormat,
    batteries: list[BatteryLog],
    vehicle: VehicleLog,
    battery_instance: int | None = None,
    notes: tuple[str, ...] = (),
) -> FlightRecord:
    """The record of the chosen battery (see the module). Raises :class:`InputError` (one line
    naming ``label``) when no battery has two usable samples, the chosen one is not in the
    log, or its samples go backwards or have a gap."""
    summaries = tuple(_summary(battery) for battery in batteries)
    chosen = _choose(label, batteries, summaries, battery_instance)
    time_us, columns, merge_note = _battery_columns(label, chosen)
    time_s = (time_us - time_us[0]) / 1e6
    _check_gaps(label, time_s)
    table = pd.DataFrame(columns, index=pd.Index(time_s, name="time_s"))
    vehicle_notes = _add_vehicle(table, time_us, vehicle)
    phases = detect_phases(
        time_s,
        table["altitude_m"].to_numpy(),
        table["climb_rate_m_per_s"].to_numpy(),
        _speed_for_phases(table),
        table["landed"].to_numpy() > 0.5,
    )
    record_notes = [
        *notes,
        *_choice_notes(summaries, chosen.instance, battery_instance),
        *merge_note,
        *vehicle_notes,
    ]
    if not any(phase.phase is not FlightPhase.GROUND for phase in phases):
        record_notes.append(
            "never flew (on the ground throughout): the measured power is flown as it is, a "
            "ground run, not a flight"
        )
    return FlightRecord(
        source=label,
        log_format=log_format,
        battery_instance=chosen.instance,
        batteries=summaries,
        table=table[list(COLUMNS)],
        start_time_us=int(time_us[0]),
        phases=phases,
        notes=tuple(record_notes),
    )


def _usable(battery: BatteryLog) -> np.ndarray:
    return np.isfinite(battery.voltage_v) & (battery.voltage_v > 0) & np.isfinite(battery.current_a)


def _power_w(battery: BatteryLog) -> np.ndarray:
    # A small negative current is the sensor's offset at idle (or regeneration): no power.
    return battery.voltage_v * np.maximum(battery.current_a, 0.0)


def _summary(battery: BatteryLog) -> BatterySummary:
    usable = _usable(battery)
    time_s = (battery.time_us[usable] - (battery.time_us[0] if len(battery.time_us) else 0)) / 1e6
    power_w = _power_w(battery)[usable]
    ordered = len(time_s) >= 2 and bool(np.all(np.diff(time_s) >= 0))
    energy_wh = float(np.trapezoid(power_w, time_s)) / 3600 if ordered else math.nan
    discharged = battery.discharged_ah[np.isfinite(battery.discharged_ah)]

    def extreme(values: np.ndarray, pick) -> float:
        values = values[np.isfinite(values)]
        return float(pick(values)) if len(values) else math.nan

    return BatterySummary(
        instance=battery.instance,
        sample_count=int(np.count_nonzero(usable)),
        duration_s=float(time_s[-1] - time_s[0]) if len(time_s) else 0.0,
        voltage_min_v=extreme(battery.voltage_v[usable], np.min),
        voltage_max_v=extreme(battery.voltage_v[usable], np.max),
        current_max_a=extreme(battery.current_a[usable], np.max),
        energy_wh=energy_wh,
        discharged_ah=float(discharged[-1] - discharged[0]) if len(discharged) else math.nan,
        temperature_max_c=extreme(battery.temperature_c, np.max),
    )


def _choose(
    label: str,
    batteries: list[BatteryLog],
    summaries: tuple[BatterySummary, ...],
    battery_instance: int | None,
) -> BatteryLog:
    instances = ", ".join(str(s.instance) for s in summaries)
    if battery_instance is not None:
        found = [b for b in batteries if b.instance == battery_instance]
        if not found:
            raise InputError(
                f"{label}: no battery instance {battery_instance} (the log has {instances})"
            )
        chosen = found[0]
    else:
        candidates = [(s, b) for s, b in zip(summaries, batteries, strict=True) if s.sample_count]
        if not candidates:
            raise InputError(f"{label}: no battery sample with a voltage and a current")
        chosen = max(
            candidates, key=lambda c: (np.nan_to_num(c[0].energy_wh, nan=-1.0), -c[1].instance)
        )[1]
    if np.count_nonzero(_usable(chosen)) < 2:
        raise InputError(
            f"{label}: battery instance {chosen.instance} has "
            f"{np.count_nonzero(_usable(chosen))} sample(s) with a voltage and a current; "
            "a flight log needs at least 2"
        )
    return chosen


def _battery_columns(
    label: str, battery: BatteryLog
) -> tuple[np.ndarray, dict[str, np.ndarray], tuple[str, ...]]:
    usable = _usable(battery)
    time_us = battery.time_us[usable]
    check_count(label, "battery", len(time_us))
    backwards = np.diff(time_us) < 0
    if backwards.any():
        index = int(np.argmax(backwards)) + 1
        raise InputError(
            f"{label}: battery {battery.instance} sample {index + 1}: time goes backwards "
            f"({time_us[index] / 1e6:g} s after {time_us[index - 1] / 1e6:g} s on the log's clock)"
        )
    power_w = _power_w(battery)[usable]
    distinct_us, merged_w, firsts = merge_repeated_times(time_us.astype(float), power_w)
    if len(distinct_us) < 2:
        raise InputError(
            f"{label}: battery {battery.instance} has 1 distinct time stamp; a "
            "flight log needs at least 2"
        )
    note: tuple[str, ...] = ()
    if len(distinct_us) < len(time_us):
        note = (
            f"{len(time_us) - len(distinct_us)} repeated battery time stamp(s) merged, keeping "
            "the log's energy",
        )
    negative = int(np.count_nonzero(battery.current_a[usable] < 0))
    if negative:
        note += (
            f"{negative} battery sample(s) with a negative current (sensor offset at idle, or "
            "regeneration) taken as 0 W",
        )

    def kept(values: np.ndarray) -> np.ndarray:
        return values[usable][firsts]

    columns = {
        "voltage_v": kept(battery.voltage_v),
        "current_a": kept(battery.current_a),
        "power_w": np.maximum(merged_w, 0.0),
        "discharged_ah": kept(battery.discharged_ah),
        "battery_temperature_c": kept(battery.temperature_c),
    }
    return time_us[firsts], columns, note


def _check_gaps(label: str, time_s: np.ndarray) -> None:
    gap = first_long_step(time_s)
    if gap is not None:
        raise InputError(
            f"{label}: gap of {gap.step_s:g} s in the battery data (from "
            f"{format_s(time_s[gap.index])} s to {format_s(time_s[gap.index + 1])} s); "
            f"{gap.rule()})"
        )


def _add_vehicle(table: pd.DataFrame, time_us: np.ndarray, vehicle: VehicleLog) -> list[str]:
    """The vehicle's quantities on the battery's samples: measured ones interpolated (NaN
    outside what was logged), states held from each event on. Returns the notes."""
    notes = []
    for column in (
        "altitude_m",
        "climb_rate_m_per_s",
        "horizontal_speed_m_per_s",
        "airspeed_m_per_s",
    ):
        series = getattr(vehicle, column)
        table[column] = _interpolated(series, time_us) if series is not None else np.nan
    if vehicle.climb_rate_m_per_s is None and vehicle.altitude_m is not None and len(table) >= 2:
        # No climb rate logged: the altitude's slope.
        table["climb_rate_m_per_s"] = np.gradient(
            table["altitude_m"].to_numpy(), table.index.to_numpy()
        )
    table["armed"] = _held(vehicle.armed, time_us, initial=0.0)
    if vehicle.landed is not None:
        table["landed"] = _held(vehicle.landed, time_us, initial=1.0)
    elif vehicle.armed is not None:
        table["landed"] = 1.0 - table["armed"]
        notes.append("no landed state in the log: in the air whenever armed")
    else:
        table["landed"] = 0.0
        notes.append("no armed or landed state in the log: in the air throughout")
    return notes


def _interpolated(series: Series, time_us: np.ndarray) -> np.ndarray:
    keep = np.isfinite(series.values)
    if np.count_nonzero(keep) == 0:
        return np.full(len(time_us), np.nan)
    order = np.argsort(series.time_us[keep], kind="stable")
    known_us = series.time_us[keep][order].astype(float)
    values = series.values[keep][order]
    result = np.interp(time_us.astype(float), known_us, values)
    result[(time_us < known_us[0]) | (time_us > known_us[-1])] = np.nan
    return result


def _held(series: Series | None, time_us: np.ndarray, initial: float) -> np.ndarray:
    """A state from each event on (``initial`` before the first, and with no events)."""
    if series is None or len(series.time_us) == 0:
        return np.full(len(time_us), initial)
    order = np.argsort(series.time_us, kind="stable")
    event_us, values = series.time_us[order], series.values[order]
    index = np.searchsorted(event_us, time_us, side="right") - 1
    return np.where(index >= 0, values[np.maximum(index, 0)], initial)


def _speed_for_phases(table: pd.DataFrame) -> np.ndarray:
    """The ground speed, the airspeed where no ground speed is known."""
    ground = table["horizontal_speed_m_per_s"].to_numpy()
    return np.where(np.isfinite(ground), ground, table["airspeed_m_per_s"].to_numpy())


def _choice_notes(
    summaries: tuple[BatterySummary, ...], chosen: int, asked: int | None
) -> list[str]:
    if len(summaries) < 2:
        return []
    others = ", ".join(
        f"{s.instance} ({s.energy_wh:.3g} Wh)" for s in summaries if s.instance != chosen
    )
    energy = next(s.energy_wh for s in summaries if s.instance == chosen)
    why = "as asked" if asked is not None else "the one that gave the most energy"
    return [f"battery instance {chosen} ({energy:.3g} Wh, {why}); also in the log: {others}"]
