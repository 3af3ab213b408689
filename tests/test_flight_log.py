"""Flight-log import: parsing, energy-conserving bin averaging, one-line errors."""

import re
from pathlib import Path

import numpy as np
import pytest

from sortie.errors import InputError
from sortie.models import flight_log_csv
from sortie.models.flight_log import FlightLog, bin_average, log_to_mission
from sortie.models.flight_log_csv import read_flight_log
from sortie.models.mission import MAX_SEGMENTS


def write_log(tmp_path: Path, text: str, name: str = "log.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def sine_and_steps_log(tmp_path: Path) -> Path:
    """600 s at 10 Hz: 300 W + 100 W sine (10 full periods) + 200 W from 100 s to 250 s.
    Exact integral: 300 * 600 + 200 * 150 = 210 000 J (the sine integrates to 0)."""
    time_s = np.linspace(0.0, 600.0, 6001)
    power_w = 300.0 + 100.0 * np.sin(2 * np.pi * time_s / 60.0)
    power_w[1000:2500] += 200.0  # samples 100.0 s .. 249.9 s
    rows = [f"{t:.1f},{p:.6f}" for t, p in zip(time_s, power_w, strict=True)]
    lines = ["time [s],power [W]", *rows]
    return write_log(tmp_path, "\n".join(lines) + "\n")


def energy_of_bins_wh(edges_s: np.ndarray, mean_power_w: np.ndarray) -> float:
    return float(np.sum(mean_power_w * np.diff(edges_s))) / 3600.0


def test_bin_average_keeps_the_energy_of_a_sine_and_steps_log(tmp_path):
    log = read_flight_log(sine_and_steps_log(tmp_path))
    assert log.duration_s == pytest.approx(600.0)
    edges_s, mean_power_w = bin_average(log, 10.0)
    assert len(mean_power_w) == 60
    assert len(edges_s) == 61
    assert edges_s[0] == 0.0
    assert edges_s[-1] == log.duration_s
    assert np.allclose(np.diff(edges_s), 10.0)
    assert energy_of_bins_wh(edges_s, mean_power_w) == pytest.approx(210_000 / 3600, rel=0.01)
    assert energy_of_bins_wh(edges_s, mean_power_w) == pytest.approx(log.energy_wh, rel=1e-9)
    # Over whole sine periods the bins average the base (plus the step where it is on):
    # 0..60 s holds 300 W, 100..220 s holds 500 W.
    assert np.mean(mean_power_w[:6]) == pytest.approx(300.0, rel=1e-3)
    assert np.mean(mean_power_w[10:22]) == pytest.approx(500.0, rel=1e-3)


def test_hand_checked_bins_with_a_short_last_bin(tmp_path):
    path = write_log(tmp_path, "time [s],power [W]\n0,100\n10,200\n20,200\n")
    log = read_flight_log(path)
    # Trapezoid: (100 + 200) / 2 * 10 + 200 * 10 = 1500 + 2000 = 3500 J.
    assert log.energy_wh == pytest.approx(3500 / 3600)
    edges_s, mean_power_w = bin_average(log, 15.0)
    assert list(edges_s) == [0.0, 15.0, 20.0]
    # 0..10 s: 1500 J; 10..15 s: 200 W * 5 s = 1000 J -> 2500 J / 15 s.
    assert mean_power_w[0] == pytest.approx(2500 / 15)
    assert mean_power_w[1] == pytest.approx(200.0)


def spike_log(start_s: float) -> FlightLog:
    """100 W for 60 s at 10 Hz with 1000 W samples from ``start_s`` to ``start_s + 1`` s."""
    time_s = np.linspace(0.0, 60.0, 601)
    power_w = np.full_like(time_s, 100.0)
    first = round(start_s * 10)
    power_w[first : first + 11] = 1000.0
    return FlightLog(time_s=time_s, power_w=power_w, source="spike.csv")


def test_a_spike_keeps_its_energy():
    log = spike_log(30.0)
    # Excess 900 W: 1 s flat plus two 0.1 s ramps at half height = 900 + 2 * 45 = 990 J.
    assert log.energy_wh == pytest.approx((6000 + 990) / 3600)
    edges_s, mean_power_w = bin_average(log, 10.0)
    assert energy_of_bins_wh(edges_s, mean_power_w) == pytest.approx(log.energy_wh, rel=1e-9)
    # The ramp 29.9..30 s (45 J) falls in bin 20..30 s; the rest (945 J) in bin 30..40 s.
    assert mean_power_w[2] == pytest.approx(100 + 45 / 10)
    assert mean_power_w[3] == pytest.approx(100 + 945 / 10)
    assert np.allclose(np.delete(mean_power_w, [2, 3]), 100.0)


def test_a_spike_across_a_bin_boundary_is_split_by_time():
    edges_s, mean_power_w = bin_average(spike_log(9.5), 10.0)
    # The spike is symmetric about 10 s: 495 J of excess on each side.
    assert mean_power_w[0] == pytest.approx(149.5)
    assert mean_power_w[1] == pytest.approx(149.5)
    assert energy_of_bins_wh(edges_s, mean_power_w) == pytest.approx((6000 + 990) / 3600)


def test_voltage_times_current_with_ms_semicolons_and_comments(tmp_path):
    text = (
        "# exported by the autopilot\n"
        "time [ms]; voltage [V]; current [mA]; gps_fix\n"
        "  # a comment in the middle\n"
        "1000; 20.0; 5000; 3\n"
        "\n"
        "1500; 19.5; 6000; 3\n"
        "2500; 19.0; 4000; 3\n"
    )
    log = read_flight_log(write_log(tmp_path, text))
    assert list(log.time_s) == [0.0, 0.5, 1.5]  # shifted to start at 0
    assert list(log.power_w) == pytest.approx([100.0, 117.0, 76.0])
    assert log.source == "log.csv"


@pytest.mark.parametrize(
    ("header", "rows", "time_s", "power_w"),
    [
        ("time (min),power (kW)", ["0,1.5", "0.5,2"], [0, 30], [1500, 2000]),
        (" Time_MS , Power_W ", ["0,10", "250,20"], [0, 0.25], [10, 20]),
        ("t [s],power [kW],voltage [V],current [A]", ["0,1,10,1", "1,2,10,1"], [0, 1], [1e3, 2e3]),
        ("time_s,pack_power_w,cell_power_w", ["0,50,1", "1,60,2"], [0, 1], [50, 60]),
    ],
)
def test_header_styles_and_units(tmp_path, header, rows, time_s, power_w):
    log = read_flight_log(write_log(tmp_path, "\n".join([header, *rows])))
    assert list(log.time_s) == pytest.approx(time_s)
    assert list(log.power_w) == pytest.approx(power_w)


def test_raw_bytes_take_the_given_name_or_text():
    data = b"time [s],power [W]\r\n0,1\r\n1,2\r\n"
    assert read_flight_log(data, name="upload.csv").source == "upload.csv"
    assert read_flight_log(data).source == "<text>"
    assert read_flight_log(b"\xef\xbb\xbf" + data).energy_wh == pytest.approx(1.5 / 3600)


def test_tiny_negative_power_is_rounding_not_regeneration(tmp_path):
    log = read_flight_log(write_log(tmp_path, "time [s],power [W]\n0,-1e-12\n1,5\n"))
    assert list(log.power_w) == [0.0, 5.0]


BAD_LOGS = [
    ("", ["empty"]),
    ("# only a comment\n\n", ["empty"]),
    ("time [s],power [W]\n0,1\n", ["1 data row", "at least 2"]),
    ("0,100\n1,200\n2,300\n", ["no time column", "'0', '100'", "power [W]"]),
    ("time [s],speed [m/s]\n0,1\n1,2\n", ["no power", "'speed [m/s]'", "voltage [V]"]),
    ("time [s],voltage [V]\n0,1\n1,2\n", ["no current column"]),
    ("time [h],power [W]\n0,1\n1,2\n", ["'time [h]'", "unknown unit 'h'", "s, ms, min"]),
    ("time,power [W]\n0,1\n1,2\n", ["'time'", "no unit"]),
    ("time [s],power [mW]\n0,1\n1,2\n", ["unknown unit 'mw'", "W, kW"]),
    ("time [s],time_ms,power [W]\n0,0,1\n1,1000,2\n", ["two time columns"]),
    ("time [s],power [W]\n0,1\n1,abc\n2,3\n", ["row 2 (line 3)", "'power [W]'", "'abc'"]),
    ("time [s],power [W]\n0,1\n1,2\n2,nan\n", ["row 3 (line 4)", "NaN"]),
    ("time [s],power [W]\n0,1\ninf,2\n", ["row 2", "'time [s]'", "infinite"]),
    ("time [s],power [W]\n0,1\n1,\n", ["row 2", "'power [W]'", "empty"]),
    ("time [s];power [W]\n0;1\n1;2,5\n", ["row 2", "'2,5'", "decimal"]),
    ("time [s],power [W]\n0,1\n1,2,3\n", ["row 2 (line 3)", "3 fields", "header has 2"]),
    (
        "time [s],power [W]\n0,1\n130,1\n120,1\n",
        ["row 3 (line 4)", "time goes backwards (120 s after 130 s)"],
    ),
    # Strictly decreasing time stays an error also right after a repeated stamp.
    (
        "time [s],power [W]\n0,1\n5,1\n5,2\n4,1\n",
        ["row 4 (line 5)", "time goes backwards (4 s after 5 s)"],
    ),
    ("time [s],power [W]\n5,1\n5,2\n5,3\n", ["1 distinct time", "at least 2"]),
    # A 1 s median step: the 60 s floor is the limit.
    ("time [s],power [W]\n0,1\n1,1\n2,1\n70,1\n71,1\n", ["row 4", "gap of 68 s", "60 s"]),
    ("time [s],power [W]\n0,1\n1,5\n2,-3\n", ["row 3 (line 4)", "negative power -3 W", "regen"]),
    ("time [s],voltage_v,current_a\n0,20,-1\n1,20,-2\n", ["row 1", "flip the sign"]),
]


@pytest.mark.parametrize(("text", "expected"), BAD_LOGS)
def test_bad_logs_give_one_line_naming_file_and_row(tmp_path, text, expected):
    with pytest.raises(InputError) as raised:
        read_flight_log(write_log(tmp_path, text))
    message = str(raised.value)
    assert message.startswith("log.csv: ")
    assert "\n" not in message
    for part in expected:
        assert part in message


def test_gaps_are_steps_beyond_20_median_steps(tmp_path):
    # Median step 10 s: up to 200 s is a slow logger, beyond is missing data.
    text = "time [s],power [W]\n0,1\n10,1\n20,1\n30,1\n40,1\n240,1\n"
    assert read_flight_log(write_log(tmp_path, text)).duration_s == 240.0
    text = "time [s],power [W]\n0,1\n10,1\n20,1\n30,1\n40,1\n241,1\n"
    with pytest.raises(InputError, match=r"row 6 \(line 7\): gap of 201 s .* at most 200 s"):
        read_flight_log(write_log(tmp_path, text))


def test_unreadable_and_non_utf8_files(tmp_path):
    with pytest.raises(InputError, match=r"^missing\.csv: file not found"):
        read_flight_log(tmp_path / "missing.csv")
    path = tmp_path / "latin.csv"
    path.write_bytes("time [s],power [W]\n0,1\n1,2 # Höhe\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"^latin\.csv: not UTF-8"):
        read_flight_log(path)


def test_size_limits(tmp_path, monkeypatch):
    path = write_log(tmp_path, "time [s],power [W]\n0,1\n1,2\n2,3\n3,4\n")
    monkeypatch.setattr(flight_log_csv, "MAX_LOG_ROWS", 3)
    with pytest.raises(InputError, match=r"^log\.csv: too many rows"):
        read_flight_log(path)
    monkeypatch.setattr(flight_log_csv, "MAX_LOG_BYTES", 20)
    with pytest.raises(InputError, match=r"^log\.csv: file too large"):
        read_flight_log(path)
    with pytest.raises(InputError, match=r"^up\.csv: file too large"):
        read_flight_log(path.read_bytes(), name="up.csv")


def test_bin_size_must_be_positive():
    log = spike_log(30.0)
    for bin_s in (0.0, -10.0, float("nan")):
        with pytest.raises(InputError, match=r"bin size (must be positive|.* is not a number)"):
            bin_average(log, bin_s)


def test_log_to_mission_keeps_energy_and_duration(tmp_path):
    log = read_flight_log(sine_and_steps_log(tmp_path))
    mission = log_to_mission(log, mission_id="flight-7", name="Flight 7", ambient_c=5.0)
    assert len(mission.segments) == 60
    assert mission.energy_wh == pytest.approx(log.energy_wh, rel=1e-9)
    assert mission.duration_s == pytest.approx(log.duration_s, rel=1e-12)
    assert mission.segments[0].name == "log 0-10 s"
    assert mission.segments[-1].name == "log 590-600 s"
    assert mission.ambient_c == 5.0
    assert "log.csv" in mission.description


def test_too_many_bins_suggests_the_smallest_bin_that_fits(tmp_path):
    log = read_flight_log(sine_and_steps_log(tmp_path))
    with pytest.raises(InputError) as raised:
        log_to_mission(log, mission_id="m", name="m", bin_s=0.1)
    message = str(raised.value)
    assert message.startswith("log.csv: ")
    assert "6,000 segments" in message
    suggested_s = float(re.search(r"bins of at least ([0-9.]+) s", message).group(1))
    assert suggested_s == pytest.approx(600 / MAX_SEGMENTS)
    mission = log_to_mission(log, mission_id="m", name="m", bin_s=suggested_s)
    assert len(mission.segments) == MAX_SEGMENTS
    assert mission.energy_wh == pytest.approx(log.energy_wh, rel=1e-9)


def test_mission_limits_become_input_errors():
    log = FlightLog(time_s=np.array([0.0, 10.0]), power_w=np.array([2e7, 2e7]), source="big.csv")
    with pytest.raises(InputError, match=r"^big\.csv: .*power_w"):
        log_to_mission(log, mission_id="m", name="m")


def test_flight_log_arrays_are_read_only_copies():
    time_s = np.array([0.0, 1.0])
    log = FlightLog(time_s=time_s, power_w=np.array([1.0, 2.0]), source="x")
    time_s[1] = 5.0
    assert log.time_s[1] == 1.0
    with pytest.raises(ValueError):
        log.power_w[0] = 3.0
    with pytest.raises(InputError, match="start at 0"):
        FlightLog(time_s=np.array([1.0, 2.0]), power_w=np.array([1.0, 2.0]), source="x")


def _trapezoid_j(time_s: list[float], power_w: list[float]) -> float:
    """The log's energy as written: a repeated stamp is a step in power at that instant (an
    interval of no width, no energy of its own)."""
    return float(np.trapezoid(power_w, time_s))


def test_repeated_time_stamps_are_merged_keeping_the_energy(tmp_path):
    """A cycler or flight controller writes two rows at 2820 s: the power steps there from
    100 W (arriving) to 300 W (leaving). The rows merge into one sample whose power weighs
    the two by the intervals they border, so the trapezoidal energy is unchanged."""
    time_s = [2790, 2810, 2820, 2820, 2825, 2840, 2840, 2840, 2850]
    power_w = [100, 100, 100, 300, 300, 300, 50, 80, 80]
    rows = [f"{t},{p}" for t, p in zip(time_s, power_w, strict=True)]
    text = "time [s],power [W]\n" + "\n".join(rows) + "\n"
    log = read_flight_log(write_log(tmp_path, text))
    assert list(log.time_s) == [0, 20, 30, 35, 50, 60]
    # 2820 s: 100 W ends the 10 s before, 300 W starts the 5 s after.
    assert log.power_w[2] == pytest.approx((100 * 10 + 300 * 5) / 15)
    # 2840 s: three rows; only the first (arriving) and last (leaving) power hold an interval.
    assert log.power_w[4] == pytest.approx((300 * 15 + 80 * 10) / 25)
    assert log.energy_wh * 3600 == pytest.approx(_trapezoid_j(time_s, power_w), rel=1e-12)
    assert log.notes == (
        "2 repeated time stamps merged (first at 2820 s): the rows of each became one "
        "sample, keeping the log's energy",
    )
    mission = log_to_mission(log, mission_id="m", name="m")
    assert mission.energy_wh == pytest.approx(log.energy_wh, rel=1e-9)
    assert log.notes[0] in mission.description  # the app shows it under the upload
    assert mission.sources["flight log notes"] == log.notes[0]


def test_repeated_stamps_at_the_ends_keep_the_energy(tmp_path):
    text = "time_ms,power_w\n0,10\n0,20\n500,20\n1000,40\n1000,5\n"
    log = read_flight_log(write_log(tmp_path, text))
    assert list(log.time_s) == [0.0, 0.5, 1.0]
    # At the first stamp only the leaving power holds an interval, at the last the arriving.
    assert list(log.power_w) == pytest.approx([20.0, 20.0, 40.0])
    assert log.energy_wh * 3600 == pytest.approx(
        _trapezoid_j([0, 0, 0.5, 1, 1], [10, 20, 20, 40, 5])
    )
    assert log.notes[0].startswith("2 repeated time stamps merged (first at 0 ms)")


def test_a_log_without_repeats_has_no_notes(tmp_path):
    log = read_flight_log(sine_and_steps_log(tmp_path))
    assert log.notes == ()
    assert "merged" not in log_to_mission(log, mission_id="m", name="m").description
