"""Reading ArduPilot DataFlash logs (sortie.models.flight_log_dataflash) built in the test from
the format's own description (tests/dataflash_builder.py): values and units (scaled formats
too), several batteries, BAT against CURR, broken logs as one line, and a built log flown by
``sortie run`` and a sweep."""

import json
import math
import sys

import numpy as np
import pytest

from sortie.errors import InputError
from sortie.models import native_log_input
from sortie.models.flight_log_dataflash import read_dataflash
from sortie.models.flight_record import LogFormat
from sortie.models.mission import FlightPhase as P
from sortie.presets.loader import load_mission
from sortie.studies.design_space import spec_from_dict
from sortie.studies.executors import InProcessExecutor
from sortie.studies.scenario import MissionChoice, mission_document, mission_of_choice
from sortie.studies.sweep import sweep
from tests.cli_helpers import assert_one_clear_line, sortie_here
from tests.dataflash_builder import (
    BAT,
    CURR_3_3,
    CURR_3_5,
    EV,
    DataFlashBuilder,
    copter_flight,
    modern,
)

SAMPLE_ULOG = "examples/logs/px4-sample.ulg"


@pytest.fixture(scope="module")
def flight_bytes():
    return copter_flight().data()


@pytest.fixture(scope="module")
def record(flight_bytes):
    return read_dataflash(flight_bytes, name="copter.bin")


def test_values_and_units_of_the_propulsion_battery(record):
    assert record.log_format is LogFormat.ARDUPILOT_DATAFLASH
    assert record.battery_instance == 0  # 18 Wh against the avionics pack's 0.2 Wh
    table = record.table
    assert record.duration_s == 120.0 and len(table) == 1201
    assert record.start_time_us == 50_000_000
    assert table["voltage_v"].iloc[0] == pytest.approx(24.0)
    assert table["voltage_v"].iloc[-1] == pytest.approx(22.8, abs=1e-5)  # float32
    assert set(table["current_a"]) == {2.0, 30.0}
    assert table.loc[50.0, "power_w"] == pytest.approx(23.5 * 30.0, rel=1e-6)
    # Temp is a 'c' field (int16 centidegrees): 28.5 + 0.05 t degC, to 0.01 K.
    np.testing.assert_allclose(
        table["battery_temperature_c"], 28.5 + 0.05 * table.index, atol=0.006
    )
    # CurrTot is mAh: 2 A for 30 s and 30 A for 90 s (0.1 s steps, the first counted) in Ah.
    charge_ah = (301 * 2.0 + 900 * 30.0) * 0.1 / 3600
    assert table["discharged_ah"].iloc[-1] == pytest.approx(charge_ah, rel=1e-6)
    first, second = record.batteries
    assert first.temperature_max_c == pytest.approx(34.5, abs=0.01)
    # Hand sum: 10 s at 2 A (23.95 V mean), 90 s at 30 A (23.45 V mean), 20 s at 2 A
    # (22.9 V mean) = 64,710 J; the 0.1 s ramps of the trapezoid add 0.0004 %.
    assert first.energy_wh == pytest.approx(64_710 / 3600, rel=1e-4)
    assert second.energy_wh == pytest.approx(12.0 * 0.5 * 120 / 3600, rel=1e-6)
    # No temperature sensor on the avionics monitor: it logs 0 degC, which is not a reading.
    assert math.isnan(second.temperature_max_c)


def test_the_vehicle_state_and_the_phases(record):
    table = record.table
    assert table.loc[20.0, "altitude_m"] == pytest.approx(20.0)
    assert table.loc[20.0, "climb_rate_m_per_s"] == pytest.approx(2.0)
    assert table.loc[50.0, "horizontal_speed_m_per_s"] == pytest.approx(10.0)
    assert table["airspeed_m_per_s"].isna().all()  # no ARSP in this log
    assert (table.loc[1.9, "armed"], table.loc[2.0, "armed"], table.loc[105.0, "armed"]) == (
        0.0, 1.0, 0.0,
    )  # fmt: skip
    assert (table.loc[9.9, "landed"], table.loc[10.0, "landed"], table.loc[100.0, "landed"]) == (
        1.0, 0.0, 1.0,
    )  # fmt: skip
    # Take-off ends at 11.5 s (3 m up at 2 m/s); the landing starts after 98.5 s (3 m up).
    assert [(p.phase, p.start_s, p.end_s) for p in record.phases] == [
        (P.GROUND, 0.0, 10.0),
        (P.TAKEOFF, 10.0, 11.5),
        (P.CLIMB, 11.5, 30.0),
        (P.CRUISE, 30.0, 80.0),
        (P.DESCENT, 80.0, 98.6),
        (P.LANDING, 98.6, 100.0),
        (P.GROUND, 100.0, 120.0),
    ]
    assert record.flew


def test_another_battery_on_request(flight_bytes):
    avionics = read_dataflash(flight_bytes, name="copter.bin", battery_instance=1)
    assert avionics.battery_instance == 1
    assert set(avionics.table["voltage_v"]) == {12.0}
    assert avionics.notes[0].startswith("battery instance 1 (0.2 Wh, as asked); also in the log:")
    missing = r"^copter.bin: no battery instance 3 \(the log has 0, 1\)"
    with pytest.raises(InputError, match=missing):
        read_dataflash(flight_bytes, name="copter.bin", battery_instance=3)


def with_curr(layout, name="CURR"):
    builder = DataFlashBuilder().define(name, *layout).define("EV", *EV)
    return builder


def test_curr_of_arducopter_3_3_is_centivolts_and_centiamps():
    builder = with_curr(CURR_3_3)
    for step in range(11):
        # 'h' fields as the firmware wrote them: 22.20 V as 2220, 15.50 A as 1550.
        builder.message(
            "CURR", TimeUS=1_000_000 * step, Volt=2220 - step, Curr=1550, CurrTot=4.3 * step
        )
    record = read_dataflash(builder.data(), name="old.bin")
    assert record.table["voltage_v"].iloc[0] == pytest.approx(22.20)
    assert record.table["voltage_v"].iloc[-1] == pytest.approx(22.10)
    assert set(record.table["current_a"]) == {15.5}
    assert record.table["discharged_ah"].iloc[-1] == pytest.approx(0.043, rel=1e-6)
    assert record.batteries[0].energy_wh == pytest.approx(15.5 * 22.15 * 10 / 3600, rel=1e-6)


def test_curr_and_cur2_of_arducopter_3_5_are_two_batteries_in_volts_and_amps():
    builder = with_curr(CURR_3_5).define("CUR2", *CURR_3_5)
    for step in range(11):
        builder.message("CURR", TimeUS=500_000 * step, Volt=16.4, Curr=12.0, CurrTot=1.0 * step)
        builder.message("CUR2", TimeUS=500_000 * step, Volt=16.0, Curr=20.0, CurrTot=2.0 * step)
    record = read_dataflash(builder.data(), name="two.bin")
    assert [b.instance for b in record.batteries] == [0, 1]
    assert record.battery_instance == 1  # 320 W against 197 W
    assert set(record.table["power_w"].round(6)) == {320.0}
    assert record.duration_s == 5.0
    # No armed or landed state in this log: in the air throughout.
    assert "no armed or landed state in the log: in the air throughout" in record.notes


def test_bat_is_read_where_a_log_has_both_bat_and_curr():
    builder = modern().define("CURR", *CURR_3_5)
    for step in range(5):
        builder.message("BAT", TimeUS=1_000_000 * step, Inst=0, Volt=11.1, Curr=5.0)
        builder.message("CURR", TimeUS=1_000_000 * step, Volt=99.0, Curr=99.0)
    record = read_dataflash(builder.data(), name="both.bin")
    assert set(record.table["voltage_v"].round(4)) == {11.1}


def broken_logs():
    good = copter_flight().data()
    no_battery = modern()
    for step in range(5):
        no_battery.message("BARO", TimeUS=step * 100_000, I=0, Alt=1.0)
    bad_format = DataFlashBuilder().define("BAT", *BAT)
    bad_format.chunks[1] = bad_format.chunks[1].replace(b"QBfffffcfBBB", b"QBfffffXfBBB")
    for step in range(3):
        bad_format.message("BAT", TimeUS=step, Inst=0, Volt=12.0, Curr=1.0)
    no_time = DataFlashBuilder().define("BAT", "Bff", "Inst,Volt,Curr")
    no_time.message("BAT", Inst=0, Volt=12.0, Curr=1.0).message("BAT", Inst=0, Volt=12.0, Curr=1.0)
    backwards = DataFlashBuilder().define("BAT", *BAT)
    for time_us in (0, 1_000_000, 500_000):
        backwards.message("BAT", TimeUS=time_us, Inst=0, Volt=12.0, Curr=1.0)
    gap = DataFlashBuilder().define("BAT", *BAT)
    for time_us in (0, 1_000_000, 2_000_000, 200_000_000):
        gap.message("BAT", TimeUS=time_us, Inst=0, Volt=12.0, Curr=1.0)
    return [
        (b"", "0 bytes, too short to be an ArduPilot DataFlash log"),
        (good[:50], "50 bytes, too short"),
        (b"x" * 100, "not an ArduPilot DataFlash log (it does not start with a format message"),
        (open(SAMPLE_ULOG, "rb").read(), "it looks like a PX4 ULog: name it .ulg"),
        (good[:89] + bytes(range(256)) * 40, "no BAT or CURR message in the log"),
        # The definitions and the first events, cut before the first BAT message.
        (good[:700], "no BAT or CURR message in the log (found ARM, EV)"),
        (no_battery.data(), "no BAT or CURR message in the log (found BARO)"),
        (bad_format.data(), "message BAT: format 'QBfffffXfBBB' has 'X', which is not a"),
        (no_time.data(), "BAT messages without a TimeUS column"),
        (backwards.data(), "battery 0 sample 3: time goes backwards (0.5 s after 1 s"),
        (gap.data(), "gap of 198 s in the battery data (from 2 s to 200 s)"),
    ]


@pytest.mark.parametrize("data, expected", broken_logs())
def test_broken_logs_are_one_line_naming_the_file(data, expected):
    with pytest.raises(InputError) as caught:
        read_dataflash(data, name="bad.bin")
    message = str(caught.value)
    assert message.startswith("bad.bin: ") and expected in message, message
    assert "\n" not in message


@pytest.mark.parametrize("size", [89, 300, 5_000, 20_001, 100_003, 150_000])
def test_a_log_cut_anywhere_reads_what_is_there_or_says_why_not(flight_bytes, size):
    try:
        record = read_dataflash(flight_bytes[:size], name="cut.bin")
    except InputError as error:
        assert str(error).startswith("cut.bin: ") and "\n" not in str(error)
    else:
        assert record.duration_s < 120.0


def test_a_log_read_only_up_to_damage_says_so(flight_bytes):
    # A message header of a type no FMT defined stops the reading: the rest is left out.
    damaged = flight_bytes[:100_000] + b"\x00\xa3\x95\xff" * 200 + flight_bytes[100_000:]
    record = read_dataflash(damaged, name="damaged.bin")
    assert record.notes[0] == (
        "the log could be read up to byte 100,026 of 212,897 (damaged or cut there): the rest "
        "is left out"
    )
    assert record.duration_s == pytest.approx(56.4)


def test_a_log_cut_mid_message_or_with_garbage_inside_says_so(flight_bytes):
    cut = read_dataflash(flight_bytes[:150_003], name="cut.bin")
    assert cut.notes[0] == "the file ends in the middle of a message (cut short): read up to there"
    garbage = flight_bytes[:100_000] + b"\x00\x01\x02" * 200 + flight_bytes[100_000:]
    skipped = read_dataflash(garbage, name="garbage.bin")
    # The message cut at byte 100,000 is broken too: its bytes up to the next header go.
    assert skipped.notes[0].endswith(
        " bytes between messages were not a message (damage) and were skipped"
    )
    assert skipped.duration_s == 120.0


def test_huge_message_counts_are_refused_before_they_are_read(monkeypatch):
    builder = DataFlashBuilder().define("EV", *EV).define("BAT", *BAT)
    builder.message("EV", TimeUS=1, Id=10)
    one_event = builder.chunks[-1]
    # 2,000,001 events of 12 bytes (24 MB): more than any flight logs, refused by count.
    data = builder.data() + one_event * native_log_input.MAX_LOG_SAMPLES
    with pytest.raises(InputError, match=r"^many.bin: 2,000,001 EV samples, more than 2,000,000"):
        read_dataflash(data, name="many.bin")
    monkeypatch.setattr(native_log_input, "MAX_NATIVE_LOG_BYTES", 1000)
    with pytest.raises(InputError, match=r"^many.bin: file too large \(24,000,"):
        read_dataflash(data, name="many.bin")


def test_a_built_log_is_a_mission_by_path_and_by_upload(tmp_path, flight_bytes):
    path = tmp_path / "copter.bin"
    path.write_bytes(flight_bytes)
    mission = load_mission(path)
    assert len(mission.segments) == 12
    assert [s.phase for s in mission.segments] == [
        P.GROUND, P.CLIMB, P.CLIMB, P.CRUISE, P.CRUISE, P.CRUISE, P.CRUISE, P.CRUISE,
        P.DESCENT, P.DESCENT, P.GROUND, P.GROUND,
    ]  # fmt: skip
    assert mission.segments[8].name == "log 80-90 s (descent)"
    assert mission.energy_wh == pytest.approx(64_710 / 3600, rel=1e-4)
    document = mission_document("copter.BIN", flight_bytes)
    assert document["segments"][3]["phase"] == "cruise"
    # The app keeps the document and flies what it reads back: the same mission.
    assert mission_of_choice(MissionChoice(document=document)).segments == mission.segments
    with pytest.raises(InputError, match="--set mission"):
        load_mission(path, {"ambient_c": 5.0})


def test_sortie_run_flies_a_built_log_and_json_stays_json(tmp_path, flight_bytes):
    path = tmp_path / "copter.bin"
    # Garbage inside the log is skipped (a note), and --json output must stay JSON.
    path.write_bytes(flight_bytes[:100_000] + b"\x00\x01\x02" * 200 + flight_bytes[100_000:])
    done = sortie_here(
        ["run", "--mission", str(path), "--cell", "a123-26650-lfp", "--series", "8",
         "--parallel", "4", "--model", "spm", "--json"],
    )  # fmt: skip
    assert done.status == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["mission_completed"] is True
    # This exact flight on an LFP pack: the log's measured pack power, whatever the pack.
    assert summary["energy_delivered_wh"] == pytest.approx(64_710 / 3600, rel=0.01)
    assert summary["hardest_segment"].startswith("log ")
    assert summary["hardest_segment"].endswith(("(climb)", "(cruise)", "(descent)"))
    text = sortie_here(
        ["run", "--mission", str(path), "--cell", "a123-26650-lfp", "--series", "8",
         "--parallel", "4", "--model", "spm"],
    )  # fmt: skip
    assert text.status == 0 and "MISSION COMPLETED" in text.stdout and not text.stderr
    empty = tmp_path / "empty.bin"
    empty.write_bytes(b"")
    assert_one_clear_line(
        sortie_here(["run", "--mission", str(empty), "--cell", "a123-26650-lfp", "--series",
                     "8", "--parallel", "4"]),
        "empty.bin: 0 bytes, too short to be an ArduPilot DataFlash log",
    )  # fmt: skip


def test_a_sweep_flies_a_built_log_on_each_pack(tmp_path, flight_bytes):
    path = tmp_path / "copter.bin"
    path.write_bytes(flight_bytes)
    spec = spec_from_dict(
        {
            "base": {
                "mission": str(path),
                "cell": "lg-m50-21700",
                "series_count": 6,
                "parallel_count": 4,
                "settings": {"model": "spm"},
            },
            "dimensions": [{"field": "pack.parallel_count", "values": [4, 8]}],
        }
    )
    table = sweep(spec, executor=InProcessExecutor())
    assert table["flown"].all() and table["mission_completed"].all()
    # The same measured power on both packs: the bigger one ends fuller.
    assert table["final_state_of_charge"].iloc[1] > table["final_state_of_charge"].iloc[0]


def test_no_pymavlink_is_needed(monkeypatch, flight_bytes):
    monkeypatch.setitem(sys.modules, "pymavlink", None)  # import pymavlink raises ImportError
    record = read_dataflash(flight_bytes, name="x.bin")
    assert record.duration_s == 120.0
