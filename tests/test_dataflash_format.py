"""Sortie's own DataFlash parser (sortie.models.dataflash_format) on logs built from the
format's description (tests/dataflash_builder.py): every format character and its scaling,
where messages start, damage passed over or stopped at, a type redefined part way, a type
that cannot be decoded."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from sortie.models.dataflash_format import (
    FORMAT_CHARACTERS,
    DataFlashFormatError,
    MessageType,
    Stop,
    scan,
)
from tests.dataflash_builder import HEADER, DataFlashBuilder, payload_struct

# A format has at most 16 characters: two types hold them all.
EVERY = ("bBhHiIfdnNZ", "cCeELMqQ")


def _columns(fmt: str) -> str:
    return ",".join(f"x{c}" if c.islower() else f"X{c}" for c in fmt)


def test_every_format_character_decodes_to_its_value():
    builder = DataFlashBuilder().define("ONE", EVERY[0], _columns(EVERY[0]))
    builder.define("TWO", EVERY[1], _columns(EVERY[1]))
    values = {
        "xb": -7, "XB": 250, "xh": -30_000, "XH": 60_000, "xi": -2_000_000_000,
        "XI": 4_000_000_000, "xf": 1.5, "xd": 1e-300, "xn": "abcd", "XN": "sixteen chars ok",
        "XZ": "z" * 64, "xc": -123.45, "XC": 655.35, "xe": -21_474_836.47, "XE": 42_949_672.95,
        "XL": -35.1332423, "XM": 7, "xq": -(2**62), "XQ": 2**53,
    }  # fmt: skip
    builder.message("ONE", **{k: v for k, v in values.items() if k[1] in EVERY[0]})
    builder.message("TWO", **{k: v for k, v in values.items() if k[1] in EVERY[1]})
    log = scan(builder.data())
    assert log.stop is Stop.END and log.read_bytes == len(builder.data())
    decoded = log.columns("ONE", tuple(values)) | log.columns("TWO", tuple(values))
    assert set(decoded) == set(values)
    for column, value in values.items():
        if isinstance(value, str):
            assert decoded[column][0] == value.encode()
        else:
            assert decoded[column][0] == pytest.approx(value, rel=1e-12, abs=1e-9), column


def test_the_table_has_every_character_of_the_format_description():
    # ArduPilot's libraries/AP_Logger/README.md and LogStructure.h: these and no others
    # (plus 'g', float16, in newer logs).
    assert set(FORMAT_CHARACTERS) == set("abBhHiIfdnNZcCeELMqQg")
    sizes = {c: np.dtype(FORMAT_CHARACTERS[c].dtype).itemsize for c in FORMAT_CHARACTERS}
    assert sizes == {
        "a": 64, "b": 1, "B": 1, "h": 2, "H": 2, "i": 4, "I": 4, "f": 4, "d": 8, "g": 2,
        "n": 4, "N": 16, "Z": 64, "c": 2, "C": 2, "e": 4, "E": 4, "L": 4, "M": 1, "q": 8,
        "Q": 8,
    }  # fmt: skip


def test_an_array_and_a_half_precision_column():
    builder = DataFlashBuilder()
    builder.types["RAW"] = (200, "Qag", ["TimeUS", "Data", "Half"])
    body = struct.pack("<B B 4s 16s 64s", 200, 3 + 8 + 64 + 2, b"RAW", b"Qag", b"TimeUS,Data,Half")
    builder.chunks.append(HEADER + b"\x80" + body)
    samples = struct.pack("<Q32he", 5, *range(-16, 16), 0.5)
    builder.chunks.append(HEADER + bytes([200]) + samples)
    decoded = scan(builder.data()).columns("RAW", ("TimeUS", "Data", "Half"))
    assert decoded["TimeUS"][0] == 5 and decoded["Half"][0] == 0.5
    np.testing.assert_array_equal(decoded["Data"][0], np.arange(-16, 16))


def _log_of_bat(steps: int = 5) -> DataFlashBuilder:
    builder = DataFlashBuilder().define("BAT", "QBf", "TimeUS,Inst,Volt")
    for step in range(steps):
        builder.message("BAT", TimeUS=step, Inst=0, Volt=12.0 - step)
    return builder


def test_bytes_that_are_not_a_message_are_skipped_and_counted():
    builder = _log_of_bat()
    builder.chunks.insert(4, b"\x00\xa3\x01" * 10)  # a lone 0xA3 too: not a header
    log = scan(builder.data())
    assert log.skipped_bytes == 30 and log.stop is Stop.END
    assert log.count("BAT") == 5
    np.testing.assert_array_equal(log.columns("BAT", ("Volt",))["Volt"], [12, 11, 10, 9, 8])


def test_a_message_of_an_undefined_type_stops_the_walk_there():
    builder = _log_of_bat()
    builder.chunks.insert(4, HEADER + b"\x99" + b"\x00" * 20)
    log = scan(builder.data())
    assert log.stop is Stop.UNDEFINED_TYPE and log.count("BAT") == 2
    assert log.read_bytes == sum(len(c) for c in builder.chunks[:4])


@pytest.mark.parametrize("cut", [1, 2, 5])
def test_a_message_cut_off_by_the_end_is_left_out(cut):
    data = _log_of_bat().data()[:-cut]
    log = scan(data)
    assert log.stop is Stop.CUT and log.count("BAT") == 4
    assert log.read_bytes == len(data) - (payload_struct("QBf").size + 3 - cut)


def test_a_header_cut_after_its_first_bytes_is_a_cut():
    data = _log_of_bat().data()
    assert scan(data + b"\xa3").stop is Stop.CUT
    assert scan(data + b"\xa3\x95").stop is Stop.CUT
    assert scan(data + b"\x07").stop is Stop.END  # one byte of padding


def test_a_type_redefined_part_way_is_decoded_by_each_definition():
    builder = _log_of_bat(2)
    # The same type id again, now with a current and the voltage as centivolts (an int16 'c').
    type_id = builder.types["BAT"][0]
    body = struct.pack(
        "<BB4s16s64s", type_id, 3 + 8 + 2 + 4, b"BAT", b"Qcf", b"TimeUS,Volt,Curr"
    )
    builder.chunks.append(HEADER + b"\x80" + body)
    builder.chunks.append(HEADER + bytes([type_id]) + struct.pack("<Qhf", 9, 1150, 3.0))
    log = scan(builder.data())
    decoded = log.columns("BAT", ("TimeUS", "Volt", "Curr", "Inst"))
    np.testing.assert_array_equal(decoded["TimeUS"], [0, 1, 9])
    np.testing.assert_allclose(decoded["Volt"], [12.0, 11.0, 11.5])
    np.testing.assert_array_equal(decoded["Curr"], [np.nan, np.nan, 3.0])
    np.testing.assert_array_equal(decoded["Inst"], [0, 0, np.nan])
    assert log.type_named("BAT").format_of("Volt") == "c"


def test_a_definition_that_cannot_be_decoded_says_why():
    wrong = MessageType(200, "BAT", 10, "QBX", ("TimeUS", "Inst", "Bad"))
    with pytest.raises(DataFlashFormatError, match="format 'QBX' has 'X'"):
        wrong.dtype()
    short = MessageType(200, "BAT", 10, "Qf", ("TimeUS", "Volt"))
    with pytest.raises(DataFlashFormatError, match="needs 15 bytes, but its FMT says 10"):
        short.dtype()


def test_a_definition_shorter_than_a_header_leaves_its_type_undefined():
    builder = DataFlashBuilder()
    builder.chunks.append(HEADER + b"\x80" + struct.pack("<BB4s16s64s", 150, 2, b"BAD", b"", b""))
    builder.chunks.append(HEADER + bytes([150]) + b"\x00" * 10)
    log = scan(builder.data())
    assert log.stop is Stop.UNDEFINED_TYPE and log.read_bytes == 2 * 89
