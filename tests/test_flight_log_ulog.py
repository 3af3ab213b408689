"""Reading PX4 ULogs (sortie.models.flight_log_ulog) on a real log from PX4's pyulog tests:
examples/logs/px4-sample.ulg (BSD 3-Clause, see the README beside it). Armed on the
ground, never flew; two batteries logged for about 6 s."""

import json
import math
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from sortie.errors import InputError
from sortie.models import flight_record, native_log_input
from sortie.models.flight_log_files import read_any_flight_log
from sortie.models.flight_log_ulog import read_ulog
from sortie.models.flight_record import LogFormat
from sortie.models.mission import FlightPhase
from sortie.presets.loader import load_mission
from sortie.studies.scenario import mission_document
from tests.cli_helpers import assert_one_clear_line, sortie_here
from tests.dataflash_builder import copter_flight

SAMPLE = Path(__file__).parents[1] / "examples" / "logs" / "px4-sample.ulg"


@pytest.fixture(scope="module")
def record():
    return read_ulog(SAMPLE)


@pytest.fixture(scope="module")
def data():
    return SAMPLE.read_bytes()


def test_both_batteries_with_their_values_and_units(record):
    first, second = record.batteries
    assert (first.instance, second.instance) == (0, 1)
    # 6S pack: 23.34-23.46 V (3.89-3.91 V a cell), up to 1.0 A.
    assert (first.voltage_min_v, first.voltage_max_v) == pytest.approx((23.336, 23.463), abs=1e-3)
    assert first.current_max_a == pytest.approx(0.997, abs=1e-3)
    # 12S pack: 49.48-49.91 V, up to 6.61 A; 3.28 mAh drawn in the 6 s (discharged_mah).
    assert (second.voltage_min_v, second.voltage_max_v) == pytest.approx((49.484, 49.912), abs=1e-3)
    assert second.current_max_a == pytest.approx(6.612, abs=1e-3)
    assert second.discharged_ah == pytest.approx(3.2786e-3, rel=1e-3)
    assert (first.sample_count, second.sample_count) == (21, 21)
    assert second.duration_s == pytest.approx(5.9996, abs=1e-4)
    # No battery temperature in this log (PX4 writes NaN).
    assert math.isnan(first.temperature_max_c) and math.isnan(second.temperature_max_c)
    assert second.energy_wh > 10 * first.energy_wh


def test_the_battery_with_the_most_energy_is_flown_and_the_notes_say_so(record):
    assert record.log_format is LogFormat.PX4_ULOG
    assert record.battery_instance == 1
    assert record.duration_s == pytest.approx(5.9996, abs=1e-4)
    assert record.start_time_us == 20_309_082 + 321_589  # the log starts 0.32 s before
    assert record.batteries[1].energy_wh == pytest.approx(0.1282, abs=1e-4)
    table = record.table
    assert list(table.columns) == list(flight_record.COLUMNS)
    assert table.index.name == "time_s"
    np.testing.assert_allclose(table["power_w"], table["voltage_v"] * table["current_a"])
    assert table["current_a"].max() == pytest.approx(6.612, abs=1e-3)
    assert "battery instance 1 (0.128 Wh, the one that gave the most energy)" in record.notes[0]
    assert "also in the log: 0 (0.0108 Wh)" in record.notes[0]


def test_a_log_that_never_flew_is_a_ground_run_and_says_so(record):
    # Armed throughout but the last 0.6 s; the land detector's 1 s "take-off" while the motors
    # spun up never rose (the altitude estimate fell 1.17 -> 0.13 m): on the ground.
    assert table_states(record) == (1.0, 0.0)
    assert [(p.phase, p.start_s) for p in record.phases] == [(FlightPhase.GROUND, 0.0)]
    assert not record.flew
    assert any(note.startswith("never flew") for note in record.notes)
    log = record.flight_log()
    assert log.phases == record.phases and log.notes == record.notes
    assert log.energy_wh == pytest.approx(record.batteries[1].energy_wh)


def table_states(record):
    return record.table["armed"].iloc[0], record.table["armed"].iloc[-1]


def test_the_caller_picks_a_battery(data):
    small = read_ulog(data, name="vtol.ulg", battery_instance=0)
    assert small.battery_instance == 0 and small.source == "vtol.ulg"
    assert small.table["voltage_v"].mean() == pytest.approx(23.4, abs=0.1)
    assert "as asked" in small.notes[0]
    with pytest.raises(InputError, match=r"^vtol.ulg: no battery instance 5 \(the log has 0, 1\)$"):
        read_ulog(data, name="vtol.ulg", battery_instance=5)


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda d: b"", "0 bytes, too short to be a PX4 ULog"),
        (lambda d: d[:10], "10 bytes, too short to be a PX4 ULog"),
        (lambda d: b"time [s],power [W]\n0,1\n1,2\n", "not a PX4 ULog"),
        (lambda d: copter_flight().data(), "looks like an ArduPilot DataFlash log: name it .bin"),
        # Cut short in the definitions, and before the first battery message.
        (lambda d: d[:5000], "no battery_status topic in the log (it has no data)"),
        (lambda d: d[:80_000], "no battery_status topic in the log (it has airspeed, "),
        (lambda d: d[:100_000], "has 1 sample(s) with a voltage and a current"),
    ],
)
def test_broken_logs_are_one_line_naming_the_file(data, make, expected):
    with pytest.raises(InputError) as caught:
        read_ulog(make(data), name="bad.ulg")
    message = str(caught.value)
    assert message.startswith("bad.ulg: ") and expected in message
    assert "\n" not in message


@pytest.mark.parametrize("size", [16, 17, 200, 3_000, 50_000, 123_457, 400_001, 921_000])
def test_a_log_cut_anywhere_reads_what_is_there_or_says_why_not(data, size):
    try:
        record = read_ulog(data[:size], name="cut.ulg")
    except InputError as error:
        assert str(error).startswith("cut.ulg: ") and "\n" not in str(error)
    else:
        assert record.notes[0].startswith("the file ends in the middle of a message")
        assert record.duration_s < 6.0


def test_garbage_inside_the_log_is_skipped_and_noted(data):
    broken = bytearray(data)
    broken[300_000:300_100] = b"\xff" * 100
    record = read_ulog(bytes(broken), name="garbage.ulg")
    assert record.notes[0].startswith("the file is corrupt in places")


def test_too_many_samples_and_too_large_files_are_refused(data, monkeypatch, tmp_path):
    monkeypatch.setattr(native_log_input, "MAX_LOG_SAMPLES", 20)
    with pytest.raises(InputError, match=r"^x.ulg: 21 battery_status samples, more than 20: "):
        read_ulog(data, name="x.ulg")
    monkeypatch.setattr(native_log_input, "MAX_NATIVE_LOG_BYTES", 1000)
    too_large = r"^x.ulg: file too large \(921,631 bytes; at most 1,000\)"
    with pytest.raises(InputError, match=too_large):
        read_ulog(data, name="x.ulg")
    with pytest.raises(InputError, match="file too large"):
        read_ulog(SAMPLE)
    with pytest.raises(InputError, match="not a regular file"):
        read_ulog(tmp_path)


def test_a_ulog_is_a_mission_by_path_and_by_upload(tmp_path):
    path = tmp_path / "vtol.ULG"  # the suffix in any case
    shutil.copy(SAMPLE, path)
    mission = load_mission(path)
    assert mission.id == "vtol" and len(mission.segments) == 1
    assert mission.segments[0].phase is FlightPhase.GROUND
    assert mission.segments[0].name == "log 0-6 s (ground)"
    assert mission.sources["flight log phases"] == "ground 0-6 s"
    assert "never flew" in mission.sources["flight log notes"]
    assert mission.energy_wh == pytest.approx(0.1282, abs=1e-4)
    document = mission_document("vtol.ulg", SAMPLE.read_bytes())
    assert document["segments"][0]["phase"] == "ground"
    assert read_any_flight_log(SAMPLE.read_bytes(), name="v.ulg").duration_s == mission.duration_s


def test_sortie_run_flies_the_ulog_on_another_pack(tmp_path):
    done = sortie_here(
        ["run", "--mission", str(SAMPLE), "--cell", "lg-m50-21700", "--series", "12",
         "--parallel", "1", "--model", "spm", "--json"],
    )  # fmt: skip
    assert done.status == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["mission_completed"] is True
    # The measured pack power is flown as it is: the same energy on any pack.
    assert summary["energy_delivered_wh"] == pytest.approx(0.1282, rel=0.01)
    assert summary["series_count"] == 12
    bad = tmp_path / "bad.ulg"
    bad.write_bytes(b"ULog but not really")
    assert_one_clear_line(
        sortie_here(["run", "--mission", str(bad), "--cell", "lg-m50-21700", "--series", "12",
                     "--parallel", "1"]),
        "bad.ulg: not a PX4 ULog",
    )  # fmt: skip


def test_without_pyulog_installed_a_ulog_is_one_line(monkeypatch, data):
    monkeypatch.setitem(sys.modules, "pyulog", None)  # import pyulog raises ImportError
    with pytest.raises(InputError, match=r"^x.ulg: reading PX4 logs needs the pyulog package"):
        read_ulog(data, name="x.ulg")
