"""Reading ArduPilot flight logs (DataFlash, ``.bin``) with Sortie's own parser
(:mod:`sortie.models.dataflash_format`, which says why it is not a third-party one).

What is read (ArduPilot log messages; times are ``TimeUS``, microseconds since boot):

=================  ==================================================================
``BAT``            per ``Inst`` (``Instance`` before 4.1): ``Volt`` [V], ``Curr`` [A],
                   ``CurrTot`` [mAh], ``Temp`` [degC, 'c' = centidegrees in the file]
``CURR``/``CUR2``  older firmware, instances 0 and 1: the same; before ArduPilot 3.5
                   ``Volt`` and ``Curr`` were int16 centivolts and centiamps (format 'h')
``BARO``           ``Alt`` [m above the ground at boot], ``CRt`` [m/s] (instance 0)
``CTUN``           copter ``Alt`` [m], ``CRt`` [cm/s]: altitude where there is no BARO
``GPS``            ``Spd`` [m/s] ground speed, with a 3D fix (``Status`` >= 3)
``ARSP``           ``Airspeed`` [m/s]
``ARM``, ``EV``    armed (``ArmState``; events 10 armed, 11 disarmed), landed (events 18
                   land complete, 28 not landed); ``STAT.isFlying`` where a plane logs it
=================  ==================================================================

``MODE`` is not used: mode numbers mean different modes on each vehicle, and the phases come
from the measured state. Times are ``TimeUS`` as logged. The battery is the instance given,
else the one that gave the most energy. A log damaged part way (a message type no FMT
defined) is read up to there, one cut off mid-message up to its last whole message, and bytes
between messages that are not one are skipped: the notes say so. Every problem (not a
DataFlash log, cut short before the battery, no BAT or CURR, a message type that cannot be
decoded, too large, too many messages) is one :class:`InputError` line naming the file; the
message counts are checked before any message is decoded.
"""

from __future__ import annotations

import pathlib

import numpy as np

from sortie.errors import InputError
from sortie.models.dataflash_format import (
    DataFlashFormatError,
    DataFlashLog,
    Stop,
    scan,
)
from sortie.models.flight_log import FlightLog, one_line
from sortie.models.flight_record import (
    BatteryLog,
    FlightRecord,
    LogFormat,
    Series,
    VehicleLog,
    build_record,
)
from sortie.models.native_log_input import (
    DATAFLASH_START,
    ULOG_START,
    check_count,
    check_start,
    read_log_bytes,
)

EVENT_ARMED, EVENT_DISARMED = 10, 11
EVENT_LAND_COMPLETE, EVENT_NOT_LANDED = 18, 28
GPS_3D_FIX = 3
# The messages read and their columns used (names differ between firmware versions).
_TIME = ("TimeUS", "TimeMS")
COLUMNS = {
    "BAT": (*_TIME, "Inst", "Instance", "Volt", "Curr", "CurrTot", "Temp", "T"),
    "CURR": (*_TIME, "Volt", "Curr", "CurrTot", "Temp"),
    "CUR2": (*_TIME, "Volt", "Curr", "CurrTot", "Temp"),
    "BARO": (*_TIME, "I", "Alt", "CRt"),
    "CTUN": (*_TIME, "Alt", "CRt"),
    "GPS": (*_TIME, "I", "Status", "Spd"),
    "ARSP": (*_TIME, "I", "Airspeed"),
    "ARM": (*_TIME, "ArmState"),
    "EV": (*_TIME, "Id"),
    "STAT": (*_TIME, "isFlying"),
}
# Bytes at a log's end that are not a message: ArduPilot pads block-based logs and may leave
# garbage there (up to a 256-byte page less its header; 528 leaves room).
TRAILING_GARBAGE_BYTES = 528
# Before ArduPilot 3.5, CURR logged int16 voltage x 100 and current x 100.
_LEGACY_SCALE = {"h": 0.01, "H": 0.01}


def read_dataflash(
    source: str | pathlib.Path | bytes,
    *,
    name: str | None = None,
    battery_instance: int | None = None,
) -> FlightRecord:
    """An ArduPilot DataFlash log from a path, or from raw bytes as an upload widget gives them
    (``name`` labels messages; default: the file name, or ``<dataflash>``). ``battery_instance``
    picks the battery (default: the one that gave the most energy)."""
    label, data = read_log_bytes(source, name, "dataflash")
    check_start(label, data, DATAFLASH_START, (ULOG_START,))
    messages, log = _read_messages(label, data)
    batteries = _batteries(label, messages)
    notes = _notes(log, len(data))
    return build_record(
        label,
        LogFormat.ARDUPILOT_DATAFLASH,
        batteries,
        _vehicle(messages),
        battery_instance,
        notes,
    )


def read_dataflash_flight_log(
    source: str | pathlib.Path | bytes, *, name: str | None = None
) -> FlightLog:
    """:func:`read_dataflash`'s pack power, phases and notes: what a mission is made of."""
    return read_dataflash(source, name=name).flight_log()


# Message name -> (column -> values, column -> format character).
_Messages = dict[str, tuple[dict[str, np.ndarray], dict[str, str]]]


def _read_messages(label: str, data: bytes) -> tuple[_Messages, DataFlashLog]:
    """The columns of :data:`COLUMNS` of every message type the log has messages of, and
    where its messages are. Counts are checked before anything is decoded."""
    try:
        log = scan(data)
        present = [name for name in COLUMNS if log.count(name)]
        for name in present:
            check_count(label, name, log.count(name))
        messages: _Messages = {}
        for name in present:
            columns = log.columns(name, COLUMNS[name])
            message_type = log.type_named(name)
            messages[name] = (
                {column: _numeric(values) for column, values in columns.items()},
                {column: message_type.format_of(column) for column in columns},
            )
    except InputError:
        raise
    except DataFlashFormatError as error:
        raise InputError(one_line(f"{label}: {error}")) from None
    except Exception as error:  # a hostile file may break the parser anywhere
        raise InputError(
            one_line(f"{label}: cannot read the DataFlash log ({type(error).__name__}: {error})")[
                :300
            ]
        ) from None
    return messages, log


def _numeric(values: np.ndarray) -> np.ndarray:
    """A column as floats (a text column where a number was expected: NaN)."""
    if values.dtype.kind == "S":
        return np.full(len(values), np.nan)
    return values


def _notes(log: DataFlashLog, size_bytes: int) -> tuple[str, ...]:
    """What reading left out: the rest after damage (beyond the padding a block-based log
    may end with), a last message cut off, bytes between messages skipped."""
    notes = []
    if log.stop is Stop.CUT:
        notes.append(
            "the file ends in the middle of a message (cut short): read up to there"
        )
    elif log.read_bytes < size_bytes - TRAILING_GARBAGE_BYTES:
        notes.append(
            f"the log could be read up to byte {log.read_bytes:,} of {size_bytes:,} (damaged "
            "or cut there): the rest is left out"
        )
    if log.skipped_bytes:
        notes.append(
            f"{log.skipped_bytes:,} bytes between messages were not a message (damage) and "
            "were skipped"
        )
    return tuple(notes)


def _column(messages: _Messages, name: str, *columns: str) -> np.ndarray | None:
    """The first of ``columns`` that message ``name`` has, as floats (None: none)."""
    if name not in messages:
        return None
    for column in columns:
        if column in messages[name][0]:
            return np.asarray(messages[name][0][column], dtype=float)
    return None


def _time_us(messages: _Messages, name: str) -> np.ndarray | None:
    time_us = _column(messages, name, "TimeUS")
    if time_us is not None:
        return time_us.astype(np.int64)
    time_ms = _column(messages, name, "TimeMS")  # logs before ArduPilot 3.3
    return None if time_ms is None else (time_ms * 1000).astype(np.int64)


def _instance_mask(messages: _Messages, name: str) -> np.ndarray | None:
    """The first instance's messages of ``name`` (a GPS, BARO, ARSP per sensor)."""
    instance = _column(messages, name, "I", "Instance", "Inst")
    if instance is None or not len(instance):
        return None
    return instance == instance[0]


def _batteries(label: str, messages: _Messages) -> list[BatteryLog]:
    if "BAT" in messages:
        return _bat(label, messages)
    batteries = [
        battery
        for instance, name in enumerate(("CURR", "CUR2"))
        if (battery := _curr(label, messages, name, instance)) is not None
    ]
    if not batteries:
        found = ", ".join(sorted(messages)) or "none of BAT, CURR, BARO, GPS, ARM, EV"
        raise InputError(
            f"{label}: no BAT or CURR message in the log (found {found}); set LOG_BITMASK to "
            "log the battery (BATT_MONITOR must be on) to fly the log as a mission"
        )
    return batteries


def _bat(label: str, messages: _Messages) -> list[BatteryLog]:
    time_us = _time_us(messages, "BAT")
    if time_us is None:
        raise InputError(f"{label}: BAT messages without a TimeUS column")
    count = len(time_us)
    instance = _column(messages, "BAT", "Inst", "Instance")
    instance = np.zeros(count) if instance is None else instance
    values = {
        key: _or_nan(_column(messages, "BAT", *columns), count)
        for key, columns in {
            "voltage_v": ("Volt",),
            "current_a": ("Curr",),
            "discharged_mah": ("CurrTot",),
            "temperature_c": ("Temp", "T"),
        }.items()
    }
    batteries = []
    for number in sorted(set(instance.tolist())):
        mask = instance == number
        temperature_c = values["temperature_c"][mask]
        # A monitor without a temperature sensor logs 0 degC throughout: not a measurement.
        if np.all(temperature_c == 0):
            temperature_c = np.full(len(temperature_c), np.nan)
        batteries.append(
            BatteryLog(
                instance=int(number),
                time_us=time_us[mask],
                voltage_v=values["voltage_v"][mask],
                current_a=values["current_a"][mask],
                discharged_ah=values["discharged_mah"][mask] / 1000.0,
                temperature_c=temperature_c,
            )
        )
    return batteries


def _curr(label: str, messages: _Messages, name: str, instance: int) -> BatteryLog | None:
    time_us = _time_us(messages, name)
    if time_us is None:
        return None
    count = len(time_us)
    formats = messages[name][1]

    def scaled(column: str) -> np.ndarray:
        values = _or_nan(_column(messages, name, column), count)
        return values * _LEGACY_SCALE.get(formats.get(column, ""), 1.0)

    return BatteryLog(
        instance=instance,
        time_us=time_us,
        voltage_v=scaled("Volt"),
        current_a=scaled("Curr"),
        discharged_ah=_or_nan(_column(messages, name, "CurrTot"), count) / 1000.0,
        temperature_c=_or_nan(_column(messages, name, "Temp"), count),
    )


def _or_nan(values: np.ndarray | None, count: int) -> np.ndarray:
    return np.full(count, np.nan) if values is None else values


def _series(messages: _Messages, name: str, *columns: str, scale: float = 1.0) -> Series | None:
    time_us = _time_us(messages, name)
    values = _column(messages, name, *columns)
    if time_us is None or values is None:
        return None
    mask = _instance_mask(messages, name)
    if mask is None:
        mask = np.ones(len(time_us), dtype=bool)
    return Series(time_us[mask], values[mask] * scale)


def _vehicle(messages: _Messages) -> VehicleLog:
    altitude = _series(messages, "BARO", "Alt")
    climb = _series(messages, "BARO", "CRt")
    if altitude is None:
        altitude = _series(messages, "CTUN", "Alt")
        climb_format = messages.get("CTUN", ({}, {}))[1].get("CRt", "")
        # Copter logs its climb rate in cm/s as an int16.
        climb = _series(messages, "CTUN", "CRt", scale=0.01 if climb_format in "hH" else 1.0)
    speed = _series(messages, "GPS", "Spd")
    fix = _series(messages, "GPS", "Status")
    if speed is not None and fix is not None:
        speed = Series(speed.time_us, np.where(fix.values >= GPS_3D_FIX, speed.values, np.nan))
    airspeed = _series(messages, "ARSP", "Airspeed")
    return VehicleLog(altitude, climb, speed, airspeed, _armed(messages), _landed(messages))


def _events(messages: _Messages, on: int, off: int) -> Series | None:
    time_us = _time_us(messages, "EV")
    ids = _column(messages, "EV", "Id")
    if time_us is None or ids is None:
        return None
    mask = (ids == on) | (ids == off)
    if not mask.any():
        return None
    return Series(time_us[mask], (ids[mask] == on).astype(float))


def _armed(messages: _Messages) -> Series | None:
    state = _series(messages, "ARM", "ArmState")
    if state is not None:
        return Series(state.time_us, (state.values > 0).astype(float))
    return _events(messages, EVENT_ARMED, EVENT_DISARMED)


def _landed(messages: _Messages) -> Series | None:
    flying = _series(messages, "STAT", "isFlying")
    if flying is not None:
        return Series(flying.time_us, (flying.values <= 0).astype(float))
    return _events(messages, EVENT_LAND_COMPLETE, EVENT_NOT_LANDED)
