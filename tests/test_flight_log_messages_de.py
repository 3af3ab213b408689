"""The PX4 and ArduPilot log readers' English in German (ui.text.messages_de): every error line
and note a visitor's upload can produce, made by giving the real readers real broken logs
(the shared ULog, DataFlash logs built from the format's description), translates with no
English left; the phases found and the segment names of a log mission too."""

from __future__ import annotations

from pathlib import Path

import pytest

from sortie.errors import InputError
from sortie.models import native_log_input
from sortie.models.flight_log import log_to_mission, phases_text
from sortie.models.flight_log_dataflash import read_dataflash
from sortie.models.flight_log_ulog import read_ulog
from tests.dataflash_builder import BAT, EV, DataFlashBuilder, copter_flight, modern
from tests.test_messages_de import english_left
from ui.text.messages_de import german, segment_name_de

SAMPLE_ULOG = Path(__file__).parents[1] / "examples" / "logs" / "px4-sample.ulg"
# Names that stay in German (log message and package names, the suffixes .bin, .ulg), and German
# words spelt as in English ("Byte", "Rest").
SAME_IN_GERMAN = {
    "bin", "ulg", "bytes", "byte", "rest", "fmt", "pyulog", "bat", "curr", "ulog", "dataflash",
}


def english_in_german(message: str) -> list[str]:
    return [w for w in english_left(german(message)) if w.lower() not in SAME_IN_GERMAN]


def _error(read, data: bytes, name: str) -> str:
    with pytest.raises(InputError) as caught:
        read(data, name=name)
    return str(caught.value)


def _dataflash_messages(monkeypatch) -> list[str]:
    good = copter_flight().data()
    no_battery = modern()
    for step in range(5):
        no_battery.message("BARO", TimeUS=step * 100_000, I=0, Alt=1.0)
    bad_format = DataFlashBuilder().define("BAT", *BAT)
    bad_format.chunks[1] = bad_format.chunks[1].replace(b"QBfffffcfBBB", b"QBfffffXfBBB")
    short_format = DataFlashBuilder().define("BAT", *BAT)
    # FMT's length byte (after 3 header bytes and the type byte) says 20, the format needs 41.
    short_format.chunks[1] = short_format.chunks[1][:4] + bytes([20]) + short_format.chunks[1][5:]
    for builder in (bad_format, short_format):
        builder.message("BAT", TimeUS=1, Inst=0, Volt=12.0, Curr=1.0)
    no_time = DataFlashBuilder().define("BAT", "Bff", "Inst,Volt,Curr")
    no_time.message("BAT", Inst=0, Volt=12.0, Curr=1.0)
    backwards = DataFlashBuilder().define("BAT", *BAT)
    gap = DataFlashBuilder().define("BAT", *BAT)
    for time_us in (0, 1_000_000, 500_000):
        backwards.message("BAT", TimeUS=time_us, Inst=0, Volt=12.0, Curr=1.0)
    for time_us in (0, 1_000_000, 2_000_000, 200_000_000):
        gap.message("BAT", TimeUS=time_us, Inst=0, Volt=12.0, Curr=1.0)
    one_sample = DataFlashBuilder().define("BAT", *BAT)
    one_sample.message("BAT", TimeUS=0, Inst=0, Volt=12.0, Curr=1.0)
    repeated = DataFlashBuilder().define("BAT", *BAT)
    for time_us in (0, 0):
        repeated.message("BAT", TimeUS=time_us, Inst=0, Volt=12.0, Curr=1.0)
    messages = [
        _error(read_dataflash, data, "bad.bin")
        for data in (
            b"",
            b"x" * 100,
            SAMPLE_ULOG.read_bytes(),
            good[:700],
            no_battery.data(),
            good[:89] + bytes(range(256)) * 40,
            bad_format.data(),
            short_format.data(),
            no_time.data(),
            backwards.data(),
            gap.data(),
            one_sample.data(),
            repeated.data(),
        )
    ]
    record = read_dataflash(
        good[:100_000] + b"\x01\x02\x03" * 100 + good[100_000:150_003], name="cut.bin"
    )
    damaged = read_dataflash(good[:100_000] + b"\x00\xa3\x95\xff" * 200, name="damaged.bin")
    messages += [*record.notes, *damaged.notes]
    many = DataFlashBuilder().define("EV", *EV).define("BAT", *BAT)
    many.message("EV", TimeUS=1, Id=10)
    with monkeypatch.context() as patched:
        patched.setattr(native_log_input, "MAX_LOG_SAMPLES", 10)
        messages.append(_error(read_dataflash, many.data() + many.chunks[-1] * 20, "many.bin"))
        patched.setattr(native_log_input, "MAX_NATIVE_LOG_BYTES", 100)
        messages.append(_error(read_dataflash, good, "large.bin"))
    return messages


def _ulog_messages() -> list[str]:
    data = SAMPLE_ULOG.read_bytes()
    record = read_ulog(data, name="px4.ulg")
    cut = read_ulog(data[:400_001], name="cut.ulg")
    broken = bytearray(data)
    broken[300_000:300_100] = b"\xff" * 100
    corrupt = read_ulog(bytes(broken), name="corrupt.ulg")
    errors = [
        _error(read_ulog, made, "bad.ulg")
        for made in (
            data[:10],
            b"time [s],power [W]\n0,1\n",
            copter_flight().data(),
            data[:5000],
            data[:80_000],
            data[:100_000],
        )
    ]
    return [*record.notes, *cut.notes, *corrupt.notes, *errors]


def _log_mission_texts() -> list[str]:
    record = read_dataflash(copter_flight().data(), name="copter.bin")
    no_state = DataFlashBuilder().define("BAT", *BAT)
    for step in range(11):
        no_state.message("BAT", TimeUS=step * 100_000, Inst=0, Volt=12.0, Curr=-0.1 + step)
    unknown = read_dataflash(no_state.data(), name="no-state.bin")
    armed_only = DataFlashBuilder().define("BAT", *BAT).define("EV", *EV)
    armed_only.message("EV", TimeUS=0, Id=10)
    for step in range(11):
        armed_only.message("BAT", TimeUS=step * 100_000, Inst=0, Volt=12.0, Curr=1.0)
    armed = read_dataflash(armed_only.data(), name="armed.bin")
    mission = log_to_mission(record.flight_log(), mission_id="copter", name="flight log x.bin")
    return [
        phases_text(record.phases),
        *record.notes,
        *unknown.notes,
        *armed.notes,
        mission.description,
    ]


def test_every_log_reader_line_translates_with_no_english_left(monkeypatch):
    messages = _dataflash_messages(monkeypatch) + _ulog_messages() + _log_mission_texts()
    assert len(messages) >= 30, messages
    untranslated = [m for m in messages if german(m) == m]
    assert not untranslated, "\n".join(untranslated)
    offenders = {m: german(m) for m in messages if english_in_german(m)}
    assert not offenders, "\n".join(f"{m}\n  -> {d}" for m, d in offenders.items())


def test_phases_and_log_segments_read_in_german():
    assert german("ground 0-10 s, take-off 10-11.5 s, cruise 30-80 s") == (
        "Boden 0–10 s, Start 10–11,5 s, Reiseflug 30–80 s"
    )
    assert segment_name_de("log 80-90 s (descent)") == "Protokoll 80–90 s (Sinkflug)"
    assert german("log 98.6-100 s (take-off)") == "Protokoll 98,6–100 s (Start)"
