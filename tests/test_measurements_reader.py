"""The cycler-export reader: each supported layout (small files written here in the spellings
of Arbin, Maccor, Neware, BioLogic and Sortie), the sign flag, repeated stamps, rests,
several tests per file, and broken files (one line naming the file, row and column).
Expected values are worked by hand in the comments."""

from pathlib import Path

import numpy as np
import pytest

from sortie.errors import InputError
from sortie.measurements import reader
from sortie.measurements.cell_test import TestKind
from sortie.measurements.reader import CurrentSign, read_cell_tests


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --- layouts ----------------------------------------------------------------------------------


def test_sortie_spelling_discharge_positive(tmp_path):
    # 2 A for 1800 s = 1 Ah; then a rest of 600 s at 0 A (kept).
    path = write(
        tmp_path,
        "sortie.csv",
        "time_s,current_A,voltage_V,cell_temp_C\n"
        "0,2,4.1,25\n900,2,3.9,27\n1800,2,3.6,29\n2400,0,3.8,27\n",
    )
    (test,) = read_cell_tests(path, current_sign=CurrentSign.DISCHARGE_POSITIVE, ambient_c=25)
    assert test.name == "sortie.csv"
    assert test.source == "sortie.csv"
    assert test.kind is TestKind.DRIVE
    assert test.ambient_c == 25.0
    np.testing.assert_array_equal(test.time_s, [0, 900, 1800, 2400])
    np.testing.assert_array_equal(test.current_a, [2, 2, 2, 0])
    np.testing.assert_array_equal(test.temperature_c, [25, 27, 29, 27])
    # Trapezoid: 1 Ah of the discharge plus the ramp to rest 2 A * 600 s / 2 = 600 C = 1/6 Ah.
    assert test.discharged_ah == pytest.approx(1.0 + 1 / 6)
    assert test.notes == ()


def test_arbin_csv_milliamps_discharge_negative(tmp_path):
    # Arbin: Test_Time(s) (Step_Time restarts and is not the time), discharge negative.
    # -1500 mA for 2400 s = 1 Ah.
    path = write(
        tmp_path,
        "arbin.csv",
        "Data_Point,Test_Time(s),Step_Time(s),Step_Index,Current(mA),Voltage(V),"
        "Aux_Temperature_1(C)\n"
        "1,0,0,1,0,4.18,24.9\n"
        "2,60,0,2,-1500,4.05,25.0\n"
        "3,1260,1200,2,-1500,3.70,26.0\n"
        "4,2460,2400,2,-1500,3.40,27.0\n",
    )
    (test,) = read_cell_tests(path, current_sign=CurrentSign.DISCHARGE_NEGATIVE, ambient_c=25)
    np.testing.assert_array_equal(test.time_s, [0, 60, 1260, 2460])
    np.testing.assert_allclose(test.current_a, [0, 1.5, 1.5, 1.5])
    np.testing.assert_array_equal(test.temperature_c, [24.9, 25.0, 26.0, 27.0])
    # 1.5 A * 2400 s plus the 60 s ramp from 0: (3600 + 45) C.
    assert test.discharged_ah == pytest.approx((1.5 * 2400 + 0.75 * 60) / 3600)


MACCOR = (
    "Today's Date:\t14 December 2020\tDate of Test:\t11 December 2020\n"
    "    Filename:\tM50_test_0°C\tTester Channel:\t1\n"
    "Procedure:\tM50.000\tDescription:\n"
    "Rec#\tCyc#\tStep\tTestTime\tStepTime\tAmp-hr\tWatt-hr\tAmps\tVolts\tState\tES\tDPt Time\n"
    "1\t0\t1\t  0d 00:00:00.00\t  0d 00:00:00.00\t0\t0\t0.00000\t4.18\tR\t0\t12/11/2020 12:22:12\n"
    "2\t0\t2\t  0d 00:00:10.00\t  0d 00:00:00.00\t0\t0\t5.00000\t4.00\tD\t0\t12/11/2020 12:22:22\n"
    "3\t0\t2\t  0d 01:00:10.00\t  0d 01:00:00.00\t5\t0\t5.00000\t3.00\tD\t0\t12/11/2020 13:22:22\n"
    "4\t0\t3\t  0d 01:00:20.00\t  0d 00:00:00.00\t5\t0\t2.50000\t3.60\tC\t0\t12/11/2020 13:22:32\n"
    "5\t0\t3\t  1d 00:00:00.00\t  0d 22:59:40.00\t0\t0\t2.50000\t4.20\tC\t0\t12/12/2020 12:22:12\n"
)


def test_maccor_text_magnitude_signed_by_state(tmp_path):
    # Maccor writes |I| in "Amps" and C/D/R in "State", tab separated, below file information,
    # in a Windows code page ("°" is byte 0xb0), with "TestTime" as "Nd hh:mm:ss.ss".
    path = write(tmp_path, "maccor.txt", MACCOR, encoding="cp1252")
    (test,) = read_cell_tests(path, current_sign=CurrentSign.FROM_STATE, ambient_c=0)
    np.testing.assert_array_equal(test.time_s, [0, 10, 3610, 3620, 86400])
    np.testing.assert_array_equal(test.current_a, [0, 5, 5, -2.5, -2.5])
    np.testing.assert_array_equal(test.voltage_v, [4.18, 4.0, 3.0, 3.6, 4.2])
    assert test.temperature_c is None
    assert "not UTF-8: read as Windows-1252 text" in test.notes


def test_maccor_magnitude_without_the_flag_is_refused_naming_row_and_column(tmp_path):
    # Read as discharge-positive, both charge rows (data rows 4 and 5) come out as discharge.
    path = write(tmp_path, "maccor.txt", MACCOR, encoding="cp1252")
    with pytest.raises(InputError) as raised:
        read_cell_tests(path, ambient_c=0)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith("maccor.txt: row 4 (line 8), column 'Amps': current 2.5 A")
    assert "FROM_STATE" in message


def test_maccor_numeric_export_spelling(tmp_path):
    path = write(
        tmp_path,
        "maccor.csv",
        "Test Time (sec),Step Time (sec),Current (A),Voltage (V)\n"
        "0,0,0,4.2\n10,0,-1,4.1\n20,10,-1,4.0\n",
    )
    (test,) = read_cell_tests(path, current_sign=CurrentSign.DISCHARGE_NEGATIVE, ambient_c=25)
    np.testing.assert_array_equal(test.time_s, [0, 10, 20])
    np.testing.assert_array_equal(test.current_a, [0, 1, 1])


def test_neware_total_time_hh_mm_ss_and_step_type(tmp_path):
    # Neware: "Time" is the step's and restarts; "Total Time" (hh:mm:ss) is the test's.
    # Current in mA, discharge negative, checked against "Step Type".
    path = write(
        tmp_path,
        "neware.csv",
        "DataPoint,Cycle Index,Step Index,Step Type,Time,Total Time,Current(mA),Voltage(V),"
        "Capacity(Ah),Date,T1(°C)\n"
        "1,1,1,Rest,00:00:00,00:00:00,0.0,4.10,0,2022-05-18 16:27:52,24.0\n"
        "2,1,2,CC DChg,00:00:00,00:01:00,-2000.0,3.95,0,2022-05-18 16:28:52,24.5\n"
        "3,1,2,CC DChg,01:00:00,01:01:00,-2000.0,3.40,2,2022-05-18 17:28:52,30.0\n"
        "4,1,3,CCCV Chg,00:00:00,01:02:00,1000.0,3.60,0,2022-05-18 17:29:52,29.0\n"
        "5,1,3,CCCV Chg,00:30:00,01:32:00,1000.0,3.90,0.5,2022-05-18 17:59:52,27.0\n",
    )
    (test,) = read_cell_tests(path, current_sign=CurrentSign.DISCHARGE_NEGATIVE, ambient_c=25)
    np.testing.assert_array_equal(test.time_s, [0, 60, 3660, 3720, 5520])
    np.testing.assert_allclose(test.current_a, [0, 2, 2, -1, -1])
    np.testing.assert_array_equal(test.temperature_c, [24.0, 24.5, 30.0, 29.0, 27.0])
    # Read the other way round, the "CC DChg" rows would charge: refused at data row 2.
    with pytest.raises(InputError, match=r"^neware.csv: row 2 \(line 3\), column 'Current\(mA\)'"):
        read_cell_tests(path, current_sign=CurrentSign.DISCHARGE_POSITIVE, ambient_c=25)


def test_biologic_text_with_decimal_comma_and_mean_current(tmp_path):
    # EC-Lab text export: file information first, tab separated, a decimal comma in a German
    # locale, I in mA as "<I>/mA", "control/V/mA" is no current, Ecell preferred over Ewe.
    path = write(
        tmp_path,
        "biologic.mpt",
        "EC-Lab ASCII FILE\n"
        "Nb header lines : 4\n"
        "\n"
        "mode\tox/red\terror\tNs\ttime/s\tcontrol/V/mA\tEwe/V\tEcell/V\t<I>/mA\tTemperature/°C\n"
        "1\t0\t0\t0\t0,0\t-500,0\t4,100\t4,150\t0,0\t25,0\n"
        "1\t0\t0\t0\t3600,0\t-500,0\t3,600\t3,650\t-500,0\t26,0\n"
        "1\t0\t0\t1\t7200,0\t-500,0\t3,400\t3,450\t-500,0\t26,5\n",
        encoding="cp1252",
    )
    (test,) = read_cell_tests(path, current_sign=CurrentSign.DISCHARGE_NEGATIVE, ambient_c=25)
    np.testing.assert_array_equal(test.time_s, [0, 3600, 7200])
    np.testing.assert_allclose(test.current_a, [0, 0.5, 0.5])
    np.testing.assert_allclose(test.voltage_v, [4.15, 3.65, 3.45])
    np.testing.assert_allclose(test.temperature_c, [25.0, 26.0, 26.5])
    # 0.5 A for 3600 s plus the first hour's ramp from 0: 0.5 + 0.25 Ah.
    assert test.discharged_ah == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("header", "row_1", "row_2", "time_s", "current_a", "voltage_v"),
    [
        ("time [ms],current [mA],voltage [mV]", "0,0,4200", "1500,250,4100", 1.5, 0.25, 4.1),
        ("Time (min),Current (A),Voltage (V)", "0,0,4.2", "2,1,4.1", 120.0, 1.0, 4.1),
        ("time (h);current_A;voltage_V", "0;0;4,2", "0,5;1;4,1", 1800.0, 1.0, 4.1),
        ("t (s)\tI/mA\tEwe/V", "0\t0\t4.2", "10\t100\t4.1", 10.0, 0.1, 4.1),
        ("TestTime,Amps,Volts", "00:00:00,0,4.2", "01:02:03.5,1,4.1", 3723.5, 1.0, 4.1),
        ("Test_Time(s),Current(A),Voltage(V)", "0,0,4.2", "10,1,4.1", 10.0, 1.0, 4.1),
    ],
)
def test_units_and_spellings(tmp_path, header, row_1, row_2, time_s, current_a, voltage_v):
    path = write(tmp_path, "units.csv", f"{header}\n{row_1}\n{row_2}\n")
    (test,) = read_cell_tests(path, current_sign=CurrentSign.DISCHARGE_POSITIVE, ambient_c=20)
    assert test.time_s[-1] == pytest.approx(time_s)
    assert test.current_a[-1] == pytest.approx(current_a)
    assert test.voltage_v[-1] == pytest.approx(voltage_v)


def test_bytes_with_a_name(tmp_path):
    data = b"time_s,current_A,voltage_V\n0,1,4\n10,1,3.9\n"
    (test,) = read_cell_tests(data, name="upload.csv", ambient_c=25)
    assert test.name == "upload.csv"
    (test,) = read_cell_tests(data, ambient_c=25)
    assert test.source == "<bytes>"


# --- sign -------------------------------------------------------------------------------------

SIGNED = "time_s,current_A,voltage_V\n0,-1,4.1\n1800,-1,3.9\n3600,-1,3.7\n"


def test_sign_flag_both_ways(tmp_path):
    path = write(tmp_path, "signed.csv", SIGNED)
    (negative,) = read_cell_tests(path, current_sign=CurrentSign.DISCHARGE_NEGATIVE, ambient_c=25)
    (positive,) = read_cell_tests(path, current_sign=CurrentSign.DISCHARGE_POSITIVE, ambient_c=25)
    np.testing.assert_array_equal(negative.current_a, [1, 1, 1])
    np.testing.assert_array_equal(positive.current_a, [-1, -1, -1])
    assert negative.discharged_ah == pytest.approx(1.0)
    assert positive.discharged_ah == pytest.approx(-1.0)


def test_no_sign_flag_and_a_net_charge_is_refused(tmp_path):
    # Without the flag, nothing is flipped on a guess: a test that comes out charging 1 Ah
    # is refused with a message naming the flag.
    path = write(tmp_path, "signed.csv", SIGNED)
    with pytest.raises(InputError) as raised:
        read_cell_tests(path, ambient_c=25)
    message = str(raised.value)
    assert message.startswith("signed.csv: test 'signed.csv' charges 1 Ah more than it discharges")
    assert "column 'current_A'" in message
    assert "current_sign=CurrentSign.DISCHARGE_NEGATIVE" in message


def test_no_sign_flag_and_a_net_discharge_is_read_as_written(tmp_path):
    path = write(tmp_path, "positive.csv", SIGNED.replace("-1", "1"))
    (test,) = read_cell_tests(path, ambient_c=25)
    assert test.discharged_ah == pytest.approx(1.0)


# --- repeated stamps, rests, several tests ------------------------------------------------------


def test_repeated_time_stamps_are_merged_keeping_the_charge(tmp_path):
    # A step from 1 A to 3 A at t = 10 s logged as two rows. Trapezoid of the rows as written:
    # 1 A * 10 s + 3 A * 10 s = 40 C; the merged stamp gets (1 * 10 + 3 * 10) / 20 = 2 A, and
    # 10 * (1 + 2) / 2 + 10 * (2 + 3) / 2 = 40 C as well.
    path = write(
        tmp_path,
        "repeated.csv",
        "time [s],current [A],voltage [V]\n0,1,4\n10,1,3.9\n10,3,3.7\n20,3,3.6\n",
    )
    (test,) = read_cell_tests(path, ambient_c=25)
    np.testing.assert_array_equal(test.time_s, [0, 10, 20])
    np.testing.assert_allclose(test.current_a, [1, 2, 3])
    assert test.discharged_ah == pytest.approx(40 / 3600)
    assert any("1 repeated time stamp row(s) merged (first at 10 s)" in n for n in test.notes)


def test_rests_are_kept(tmp_path):
    path = write(
        tmp_path,
        "rest.csv",
        "time_s,current_A,voltage_V\n0,0,4.1\n60,0,4.1\n61,5,3.9\n3600,5,3.0\n3601,0,3.3\n"
        "7200,0,3.5\n",
    )
    (test,) = read_cell_tests(path, ambient_c=25)
    np.testing.assert_array_equal(test.current_a, [0, 0, 5, 5, 0, 0])
    assert test.duration_s == 7200


SEVERAL = (
    "chamber_temp_C,c_rate,time_s,current_A,voltage_V\n"
    "25,1C,0,-5,4.1\n25,1C,3600,-5,3.0\n"
    "25,2C,0,-10,4.0\n25,2C,1800,-10,3.0\n"
    "45,1C,10,-5,4.1\n45,1C,3610,-5,3.1\n"
)


def test_several_tests_keyed_by_columns_with_time_restarting(tmp_path):
    path = write(tmp_path, "several.csv", SEVERAL)
    tests = read_cell_tests(
        path,
        current_sign=CurrentSign.DISCHARGE_NEGATIVE,
        test_columns=["chamber_temp_C", "c_rate"],
        kind=TestKind.RATE,
    )
    assert [test.name for test in tests] == [
        "several.csv: chamber_temp_C=25, c_rate=1C",
        "several.csv: chamber_temp_C=25, c_rate=2C",
        "several.csv: chamber_temp_C=45, c_rate=1C",
    ]
    # The ambient comes from the chamber column the reader recognises.
    assert [test.ambient_c for test in tests] == [25.0, 25.0, 45.0]
    assert [test.duration_s for test in tests] == [3600.0, 1800.0, 3600.0]
    assert [test.discharged_ah for test in tests] == pytest.approx([5.0, 5.0, 5.0])
    assert all(test.kind is TestKind.RATE for test in tests)
    assert "time shifted to start at 0 (the first stamp was 10 s)" in tests[2].notes


def test_several_tests_keyed_by_one_column(tmp_path):
    # Without the 45 °C rows, the rate alone tells the tests apart.
    path = write(tmp_path, "several.csv", SEVERAL.rsplit("\n45,", 1)[0].rsplit("\n45,", 1)[0])
    tests = read_cell_tests(
        path,
        current_sign=CurrentSign.DISCHARGE_NEGATIVE,
        test_columns="c_rate",
        name="rates",
    )
    assert [test.name for test in tests] == ["rates: c_rate=1C", "rates: c_rate=2C"]
    assert [len(test.time_s) for test in tests] == [2, 2]


def test_test_columns_that_do_not_tell_the_tests_apart(tmp_path):
    # Keyed by rate alone, the 1C test holds the 25 °C and the 45 °C run: refused where the
    # ambient changes, and with the ambient given, where the time restarts.
    path = write(tmp_path, "several.csv", SEVERAL)
    sign = CurrentSign.DISCHARGE_NEGATIVE
    with pytest.raises(InputError) as raised:
        read_cell_tests(path, current_sign=sign, test_columns="c_rate")
    assert str(raised.value).startswith(
        "several.csv: row 5 (line 6), column 'chamber_temp_C': the ambient changes within a test"
    )
    with pytest.raises(InputError) as raised:
        read_cell_tests(path, current_sign=sign, test_columns="c_rate", ambient_c=25)
    assert str(raised.value) == (
        "several.csv: row 5 (line 6), column 'time_s': time goes backwards (10 s after 3600 s); "
        "the test columns do not tell the runs in test 'several.csv: c_rate=1C' apart"
    )


# --- broken files -------------------------------------------------------------------------------


def one_line_error(path: Path, **options) -> str:
    options.setdefault("ambient_c", 25)
    with pytest.raises(InputError) as raised:
        read_cell_tests(path, **options)
    message = str(raised.value)
    assert "\n" not in message
    return message


def test_missing_column(tmp_path):
    path = write(tmp_path, "nocurrent.csv", "time_s,voltage_V\n0,4.1\n10,4.0\n")
    message = one_line_error(path)
    assert message.startswith("nocurrent.csv: no current column in the header (line 1)")
    assert "'time_s', 'voltage_V'" in message


def test_text_in_a_number_column(tmp_path):
    path = write(
        tmp_path,
        "text.csv",
        "# exported by hand\ntime_s,current_A,voltage_V\n0,1,4.1\n10,1,4.0\n20,1,n/a\n30,1,3.9\n",
    )
    message = one_line_error(path)
    assert message == "text.csv: row 3 (line 5), column 'voltage_V': 'n/a' is not a number"


def test_empty_cell_in_a_number_column(tmp_path):
    path = write(tmp_path, "empty_cell.csv", "time_s,current_A,voltage_V\n0,1,4.1\n10,,4.0\n")
    assert one_line_error(path) == "empty_cell.csv: row 2 (line 3), column 'current_A' is empty"


def test_negative_time_step(tmp_path):
    path = write(
        tmp_path, "backwards.csv", "time_s,current_A,voltage_V\n0,1,4.1\n10,1,4.0\n5,1,3.9\n"
    )
    message = one_line_error(path)
    assert message.startswith(
        "backwards.csv: row 3 (line 4), column 'time_s': time goes backwards (5 s after 10 s)"
    )
    assert "test_columns" in message


def test_text_duration_that_is_no_duration(tmp_path):
    path = write(
        tmp_path, "neware.csv", "Total Time,Current(A),Voltage(V)\n00:00:00,1,4\n00:00:x1,1,4\n"
    )
    assert one_line_error(path) == (
        "neware.csv: row 2 (line 3), column 'Total Time': '00:00:x1' is not a duration (hh:mm:ss)"
    )


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file(tmp_path, text):
    path = write(tmp_path, "empty.csv", text)
    assert one_line_error(path) == "empty.csv: empty file (no header row, no data)"


def test_header_without_data(tmp_path):
    path = write(tmp_path, "header.csv", "time_s,current_A,voltage_V\n")
    assert one_line_error(path) == "header.csv: no data rows after the header (line 1)"


def test_no_header_at_all(tmp_path):
    path = write(tmp_path, "numbers.csv", "1,2,3\n4,5,6\n")
    message = one_line_error(path)
    assert message.startswith("numbers.csv: no header naming time, current and voltage")


def test_too_large(tmp_path, monkeypatch):
    path = write(tmp_path, "big.csv", SIGNED)
    monkeypatch.setattr(reader, "MAX_BYTES", 20)
    message = one_line_error(path)
    assert message.startswith("big.csv: file too large")


def test_a_step_time_alone_is_not_taken_for_time(tmp_path):
    path = write(tmp_path, "step.csv", "Step_Time(s),Current(A),Voltage(V)\n0,1,4\n10,1,3.9\n")
    message = one_line_error(path)
    assert message.startswith("step.csv: no time column in the header (line 1)")
    assert "'Step_Time(s)' is a step time" in message


def test_several_thermocouples_need_a_choice(tmp_path):
    path = write(
        tmp_path,
        "thermo.csv",
        "time_s,current_A,voltage_V,cell_temp_pos_C,cell_temp_mid_C\n0,1,4,25,26\n10,1,3.9,25,27\n",
    )
    message = one_line_error(path)
    assert "2 temperature columns ('cell_temp_pos_C' and 'cell_temp_mid_C')" in message
    assert "temperature_column" in message
    (test,) = read_cell_tests(path, ambient_c=25, temperature_column="cell_temp_mid_C")
    np.testing.assert_array_equal(test.temperature_c, [26, 27])


def test_gaps_in_the_temperature_are_filled_and_noted(tmp_path):
    path = write(
        tmp_path,
        "gaps.csv",
        "time_s,current_A,voltage_V,temperature [°C]\n0,1,4,20\n10,1,3.9,\n20,1,3.8,22\n",
    )
    (test,) = read_cell_tests(path, ambient_c=25)
    np.testing.assert_array_equal(test.temperature_c, [20, 21, 22])
    assert "1 empty temperature cell(s) filled by linear interpolation in time" in test.notes


def test_no_ambient(tmp_path):
    path = write(tmp_path, "signed.csv", SIGNED)
    with pytest.raises(InputError, match=r"^signed.csv: the ambient .*ambient_c"):
        read_cell_tests(path, current_sign=CurrentSign.DISCHARGE_NEGATIVE)


@pytest.mark.parametrize("ambient_c", [float("nan"), 1e9])
def test_an_impossible_ambient(tmp_path, ambient_c):
    path = write(tmp_path, "signed.csv", SIGNED)
    assert "is no chamber temperature" in one_line_error(path, ambient_c=ambient_c)


def test_unknown_unit(tmp_path):
    path = write(tmp_path, "unit.csv", "time [fortnight],current_A,voltage_V\n0,1,4\n1,1,4\n")
    assert one_line_error(path).startswith(
        "unit.csv: column 'time [fortnight]' has an unknown unit 'fortnight'"
    )


def test_a_missing_test_column(tmp_path):
    path = write(tmp_path, "signed.csv", SIGNED)
    message = one_line_error(path, test_columns="cycle")
    assert message.startswith("signed.csv: no column 'cycle' in the header (line 1)")


def test_a_missing_file(tmp_path):
    message = one_line_error(tmp_path / "nowhere.csv")
    assert message == "nowhere.csv: file not found"
