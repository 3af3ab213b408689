"""Reading PX4 flight logs (ULog, ``.ulg``) with ``pyulog`` (BSD 3-Clause, PX4).

What is read (PX4 uORB topics; times are the messages' ``timestamp``, microseconds since boot):

====================================  ==================================================
``battery_status`` (each instance)    ``voltage_v``, ``current_a`` (-1: not measured),
                                      ``discharged_mah``, ``temperature`` (degC, NaN: none)
``vehicle_local_position``            altitude ``-z``, climb rate ``-vz``, ground speed
                                      ``hypot(vx, vy)``, each where its ``*_valid`` flag is set
``airspeed_validated`` or ``airspeed``  ``true_airspeed_m_s``
``vehicle_status``                    armed: ``arming_state == 2`` (ARMING_STATE_ARMED)
``vehicle_land_detected``             ``landed``
====================================  ==================================================

The battery is the instance given, else the one that gave the most energy (a VTOL may log its
avionics pack beside the propulsion pack: the propulsion pack is the one a mission is about);
the notes name it and the others. A log that never flew (armed on the ground) is still a
measured power series: it is read, and its notes say so. Every problem (not a ULog, cut short
before its data, no battery topic, no usable sample, too large) is one :class:`InputError`
line naming the file; what ``pyulog`` prints about a corrupt file is kept off the terminal.
"""

from __future__ import annotations

import io
import pathlib

import numpy as np

from sortie.errors import InputError
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
    quiet,
    read_log_bytes,
)

ARMING_STATE_ARMED = 2
BATTERY_TOPIC = "battery_status"
TOPICS = (
    BATTERY_TOPIC,
    "vehicle_local_position",
    "airspeed_validated",
    "airspeed",
    "vehicle_status",
    "vehicle_land_detected",
)


def read_ulog(
    source: str | pathlib.Path | bytes,
    *,
    name: str | None = None,
    battery_instance: int | None = None,
) -> FlightRecord:
    """A PX4 ULog from a path, or from raw bytes as an upload widget gives them (``name``
    labels messages; default: the file name, or ``<ulog>``). ``battery_instance`` picks the
    ``battery_status`` instance (default: the one that gave the most energy)."""
    label, data = read_log_bytes(source, name, "ulog")
    check_start(label, data, ULOG_START, (DATAFLASH_START,))
    ulog = _parse(label, data)
    batteries = _batteries(label, ulog)
    notes = []
    if ulog.file_corruption:
        notes.append("the file is corrupt in places: pyulog skipped what it could not read")
    elif _ends_mid_message(data):
        notes.append("the file ends in the middle of a message (cut short): read up to there")
    return build_record(
        label, LogFormat.PX4_ULOG, batteries, _vehicle(ulog), battery_instance, tuple(notes)
    )


def read_ulog_flight_log(
    source: str | pathlib.Path | bytes, *, name: str | None = None
) -> FlightLog:
    """:func:`read_ulog`'s pack power, phases and notes: what a mission is made of."""
    return read_ulog(source, name=name).flight_log()


def _ends_mid_message(data: bytes) -> bool:
    """Whether the last message is cut off: after the header, each message is a 2-byte size,
    a type byte and that many bytes, so whole messages end exactly at the file's end."""
    offset, end = ULOG_START.min_bytes, len(data)
    while offset + 3 <= end:
        offset += 3 + (data[offset] | data[offset + 1] << 8)
    return offset != end


def _parse(label: str, data: bytes):
    try:
        from pyulog import ULog
    except ImportError:
        raise InputError(
            f"{label}: reading PX4 logs needs the pyulog package (pip install pyulog)"
        ) from None
    try:
        with quiet():
            return ULog(io.BytesIO(data), list(TOPICS), disable_str_exceptions=True)
    except Exception as error:  # a hostile file may break the parser anywhere
        raise InputError(
            one_line(f"{label}: cannot read the ULog ({type(error).__name__}: {error})")[:300]
        ) from None


def _datasets(ulog, topic: str) -> list:
    return sorted((d for d in ulog.data_list if d.name == topic), key=lambda d: d.multi_id)


def _time_us(dataset) -> np.ndarray:
    # uint64 on the log's clock; a message published before the clock ran says 0.
    return dataset.data["timestamp"].astype(np.int64)


def _field(dataset, name: str, count: int) -> np.ndarray:
    values = dataset.data.get(name)
    if values is None:
        return np.full(count, np.nan)
    return values.astype(float)


def _batteries(label: str, ulog) -> list[BatteryLog]:
    datasets = _datasets(ulog, BATTERY_TOPIC)
    if not datasets:
        topics = sorted({d.name for d in ulog.data_list})
        shown = ", ".join(topics[:8]) + (f" and {len(topics) - 8} more" if len(topics) > 8 else "")
        raise InputError(
            f"{label}: no {BATTERY_TOPIC} topic in the log (it has {shown or 'no data'}); "
            "log the battery to fly the log as a mission"
        )
    batteries = []
    for dataset in datasets:
        time_us = _time_us(dataset)
        count = len(time_us)
        check_count(label, BATTERY_TOPIC, count)
        current_a = _field(dataset, "current_a", count)
        # PX4 writes -1 for a current it does not measure.
        current_a[current_a == -1] = np.nan
        discharged_mah = _field(dataset, "discharged_mah", count)
        discharged_mah[discharged_mah < 0] = np.nan
        batteries.append(
            BatteryLog(
                instance=int(dataset.multi_id),
                time_us=time_us,
                voltage_v=_field(dataset, "voltage_v", count),
                current_a=current_a,
                discharged_ah=discharged_mah / 1000.0,
                temperature_c=_field(dataset, "temperature", count),
            )
        )
    return batteries


def _vehicle(ulog) -> VehicleLog:
    position = _first(ulog, "vehicle_local_position")
    altitude = climb = speed = None
    if position is not None:
        time_us = _time_us(position)
        count = len(time_us)

        def valid(flag: str) -> np.ndarray:
            values = position.data.get(flag)
            return np.ones(count, dtype=bool) if values is None else values.astype(bool)

        # NED: z and vz point down.
        altitude = Series(
            time_us, np.where(valid("z_valid"), -_field(position, "z", count), np.nan)
        )
        climb = Series(
            time_us, np.where(valid("v_z_valid"), -_field(position, "vz", count), np.nan)
        )
        ground_m_per_s = np.hypot(_field(position, "vx", count), _field(position, "vy", count))
        speed = Series(time_us, np.where(valid("v_xy_valid"), ground_m_per_s, np.nan))
    air = _first(ulog, "airspeed_validated") or _first(ulog, "airspeed")
    airspeed = None
    if air is not None:
        airspeed = Series(_time_us(air), _field(air, "true_airspeed_m_s", len(_time_us(air))))
    status = _first(ulog, "vehicle_status")
    armed = None
    if status is not None and "arming_state" in status.data:
        armed = Series(_time_us(status), status.data["arming_state"] == ARMING_STATE_ARMED)
    land = _first(ulog, "vehicle_land_detected")
    landed = None
    if land is not None and "landed" in land.data:
        landed = Series(_time_us(land), land.data["landed"].astype(float))
    return VehicleLog(altitude, climb, speed, airspeed, armed, landed)


def _first(ulog, topic: str):
    datasets = _datasets(ulog, topic)
    return datasets[0] if datasets else None
