"""ArduPilot DataFlash (``.bin``) logs built from the format's own description, for tests.

A log is a sequence of messages, each ``0xA3 0x95``, a message type byte and a packed
little-endian payload. Type 128 (``FMT``, payload ``BBnNZ``: type, length, name, format
characters, column names) defines every other type, itself first. Format characters (from
ArduPilot's ``libraries/AP_Logger/LogStructure.h`` and ``README.md``):
``b``/``B`` int8/uint8, ``h``/``H`` int16/uint16, ``i``/``I`` int32/uint32, ``q``/``Q``
int64/uint64, ``f`` float, ``d`` double, ``n``/``N``/``Z`` char[4]/[16]/[64], ``M`` uint8
flight mode, and the scaled ones ``c``/``C`` int16/uint16 x 100, ``e``/``E`` int32/uint32 x 100,
``L`` int32 latitude/longitude x 1e7. Values are given here in their logged unit (a ``c``
temperature in degC); the builder scales and rounds them as the flight controller does.
"""

from __future__ import annotations

import struct
from pathlib import Path

HEADER = b"\xa3\x95"
FMT_TYPE = 128
FMT_FORMAT = "BBnNZ"
FMT_COLUMNS = "Type,Length,Name,Format,Columns"

STRUCT = {
    "b": "b", "B": "B", "h": "h", "H": "H", "i": "i", "I": "I", "q": "q", "Q": "Q",
    "f": "f", "d": "d", "n": "4s", "N": "16s", "Z": "64s", "M": "B",
    "c": "h", "C": "H", "e": "i", "E": "I", "L": "i",
}  # fmt: skip
SCALE = {"c": 100, "C": 100, "e": 100, "E": 100, "L": 1e7}


def payload_struct(fmt: str) -> struct.Struct:
    return struct.Struct("<" + "".join(STRUCT[c] for c in fmt))


class DataFlashBuilder:
    """Define message types (each writes its FMT message), then write messages by name with
    their values as keywords (missing columns are 0); :meth:`data` is the log's bytes."""

    def __init__(self) -> None:
        self.types: dict[str, tuple[int, str, list[str]]] = {}
        self.chunks: list[bytes] = []
        self._next_type = FMT_TYPE + 1
        self._write_fmt(FMT_TYPE, "FMT", FMT_FORMAT, FMT_COLUMNS)

    def define(self, name: str, fmt: str, columns: str) -> DataFlashBuilder:
        type_id = self._next_type
        self._next_type += 1
        self.types[name] = (type_id, fmt, columns.split(","))
        self._write_fmt(type_id, name, fmt, columns)
        return self

    def message(self, name: str, **values: float | int | str) -> DataFlashBuilder:
        type_id, fmt, columns = self.types[name]
        unknown = set(values) - set(columns)
        assert not unknown, f"{name} has no column(s) {unknown}"
        packed = []
        for char, column in zip(fmt, columns, strict=True):
            value = values.get(column, 0)
            if char in "nNZ":
                packed.append(str(value).encode("ascii"))
            elif char in SCALE:
                packed.append(round(float(value) * SCALE[char]))
            elif char in "fd":
                packed.append(float(value))
            else:
                packed.append(int(value))
        self.chunks.append(HEADER + bytes([type_id]) + payload_struct(fmt).pack(*packed))
        return self

    def data(self) -> bytes:
        return b"".join(self.chunks)

    def write(self, path: Path) -> Path:
        path.write_bytes(self.data())
        return path

    def _write_fmt(self, type_id: int, name: str, fmt: str, columns: str) -> None:
        length = 3 + payload_struct(fmt).size
        body = payload_struct(FMT_FORMAT).pack(
            type_id, length, name.encode(), fmt.encode(), columns.encode()
        )
        self.chunks.append(HEADER + bytes([FMT_TYPE]) + body)


# Message layouts of ArduPilot 4.x (LogStructure.h of AP_BattMonitor, AP_Baro, AP_GPS,
# AP_Logger), as its logs define them.
BAT = ("QBfffffcfBBB", "TimeUS,Inst,Volt,VoltR,Curr,CurrTot,EnrgTot,Temp,Res,RemPct,H,SH")
BARO = ("QBfffcfIffB", "TimeUS,I,Alt,AltAMSL,Press,Temp,CRt,SMS,Offset,GndTemp,Health")
GPS = ("QBBIHBcLLeffffB", "TimeUS,I,Status,GMS,GWk,NSats,HDop,Lat,Lng,Alt,Spd,GCrs,VZ,Yaw,U")
ARSP = ("QBffcffBBffB", "TimeUS,I,Airspeed,DiffPress,Temp,RawPress,Offset,U,H,Hp,TR,Pri")
ARM = ("QBIBB", "TimeUS,ArmState,ArmChecks,Forced,Method")
EV = ("QB", "TimeUS,Id")
MODE = ("QMBB", "TimeUS,Mode,ModeNum,Rsn")
# Older firmware: CURR before BAT. ArduCopter 3.3 logged int16 centivolts and centiamps;
# 3.5 logged floats (and CUR2 for a second monitor).
CURR_3_3 = ("QhhhHfh", "TimeUS,Throttle,Volt,Curr,Vcc,CurrTot,Volt2")
CURR_3_5 = ("Qfff", "TimeUS,Volt,Curr,CurrTot")


def modern(*extra: str) -> DataFlashBuilder:
    """A builder with BAT, BARO, GPS, ARM, EV and MODE defined (and ``extra`` of ARSP)."""
    builder = DataFlashBuilder()
    for name, layout in {"BAT": BAT, "BARO": BARO, "GPS": GPS, "ARM": ARM, "EV": EV}.items():
        builder.define(name, *layout)
    builder.define("MODE", *MODE)
    if "ARSP" in extra:
        builder.define("ARSP", *ARSP)
    return builder


def copter_flight(builder: DataFlashBuilder | None = None, rate_hz: int = 10) -> DataFlashBuilder:
    """A 120 s copter flight, by hand. Battery 0 (propulsion, 6S): 24.0 V falling 0.01 V/s,
    2 A on the ground, 30 A in the air, 28.5 degC rising 0.05 K/s, charge counted from 0;
    battery 1 (avionics, 3S): 12.0 V, 0.5 A throughout. Armed at 2 s; off the ground
    (EV 28) at 10 s; climbs at 2 m/s to 40 m by 30 s; cruises at 10 m/s until 80 s; descends
    at 2 m/s to land (EV 18) at 100 s; disarmed at 105 s. Boot was 50 s before the log."""
    builder = builder or modern()
    boot_us = 50_000_000

    def us(t: float) -> int:
        return boot_us + round(t * 1e6)

    builder.message("MODE", TimeUS=us(0), Mode=0, ModeNum=0, Rsn=1)
    builder.message("ARM", TimeUS=us(2), ArmState=1)
    builder.message("EV", TimeUS=us(2), Id=10)
    builder.message("EV", TimeUS=us(10), Id=28)
    builder.message("EV", TimeUS=us(100), Id=18)
    builder.message("ARM", TimeUS=us(105), ArmState=0)
    builder.message("EV", TimeUS=us(105), Id=11)
    charge_mah = 0.0
    for step in range(120 * rate_hz + 1):
        t = step / rate_hz
        flying = 10 <= t < 100
        current_a = 30.0 if flying else 2.0
        charge_mah += current_a / rate_hz / 3.6
        builder.message(
            "BAT", TimeUS=us(t), Inst=0, Volt=24.0 - 0.01 * t, Curr=current_a,
            CurrTot=charge_mah, Temp=28.5 + 0.05 * t,
        )  # fmt: skip
        builder.message("BAT", TimeUS=us(t), Inst=1, Volt=12.0, Curr=0.5, CurrTot=0.5 * t / 3.6)
        altitude_m, climb_m_per_s = altitude(t)
        speed_m_per_s = 10.0 if 30 <= t < 80 else 0.0
        builder.message("BARO", TimeUS=us(t), I=0, Alt=altitude_m, CRt=climb_m_per_s)
        builder.message(
            "GPS", TimeUS=us(t), I=0, Status=3, GMS=round(t * 1000), GWk=2300,
            Spd=speed_m_per_s, Alt=300 + altitude_m,
        )  # fmt: skip
    return builder


def altitude(t: float) -> tuple[float, float]:
    """The flight's altitude [m] and climb rate [m/s] at ``t`` (see :func:`copter_flight`)."""
    if 10 <= t < 30:
        return 2.0 * (t - 10), 2.0
    if 30 <= t < 80:
        return 40.0, 0.0
    if 80 <= t < 100:
        return 40.0 - 2.0 * (t - 80), -2.0
    return 0.0, 0.0
