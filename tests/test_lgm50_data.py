"""The shipped LG M50 measurements as CellTests: capacities against the data README's figures,
the pulse quirk repaired, the OCV curve, and the calibration/validation split."""

import importlib.resources

import numpy as np
import pytest

from sortie.measurements import lgm50
from sortie.measurements.cell_test import DataSet, TestKind
from sortie.measurements.lgm50 import (
    SPLIT,
    lgm50_tests,
    ocv_curve,
    pulse_blocks,
    pulse_tests,
    rate_tests,
)

# Capacity from the current, as the data README states it (Ah).
README_CAPACITY_AH = {
    "25C-0.1C": 4.95,
    "25C-0.5C": 4.84,
    "25C-1C": 4.78,
    "25C-2C": 4.86,
    "45C-0.1C": 4.95,
    "45C-0.5C": 4.97,
    "45C-1C": 4.91,
    "45C-1.5C": 4.88,
}


def test_rate_tests_names_kinds_and_ambient():
    tests = rate_tests()
    assert [test.name for test in tests] == list(README_CAPACITY_AH)
    for test in tests:
        slow = test.name.endswith("-0.1C")
        assert test.kind is (TestKind.SLOW_DISCHARGE if slow else TestKind.RATE)
        assert test.ambient_c == float(test.name.split("C-")[0])
        assert test.temperature_c is not None
        assert test.time_s[0] == 0
        assert "LG M50" in test.source


@pytest.mark.parametrize("name", list(README_CAPACITY_AH))
def test_capacity_from_the_current_matches_the_readme(name):
    (test,) = [test for test in rate_tests() if test.name == name]
    assert test.discharged_ah == pytest.approx(README_CAPACITY_AH[name], abs=0.02)


def test_each_discharge_holds_the_rest_after_it():
    for test in rate_tests():
        rate_a = float(test.name.split("C-")[1].removesuffix("C")) * lgm50.NOMINAL_CAPACITY_AH
        discharging = test.current_a > 0.9 * rate_a
        # (45 °C 1C logs its first sample at 0.1 s, 2.5 A, still ramping up.)
        assert discharging[1:10].all(), test.name
        assert test.current_a[-1] == 0, test.name
        # The rest is at least an hour and the voltage recovers during it.
        end_s = test.time_s[np.flatnonzero(discharging)[-1]]
        assert test.duration_s - end_s >= 3600, test.name
        assert test.voltage_v[-1] > test.voltage_v[np.flatnonzero(discharging)[-1]] + 0.2


def test_the_2c_discharge_self_heats_32_kelvin():
    # README: at 2C (25 °C) the cell self-heats to ~57 °C (mid thermocouple 57.5 °C).
    (test,) = [test for test in rate_tests() if test.name == "25C-2C"]
    assert test.temperature_c.max() == pytest.approx(57.5, abs=0.05)


def test_pulse_tests_one_per_temperature():
    tests = pulse_tests()
    assert [test.name for test in tests] == ["0C-pulse", "10C-pulse", "25C-pulse", "45C-pulse"]
    assert [test.ambient_c for test in tests] == [0.0, 10.0, 25.0, 45.0]
    assert all(test.kind is TestKind.PULSE for test in tests)
    assert all(test.temperature_c is not None for test in tests)
    assert all(np.isfinite(test.temperature_c).all() for test in tests)
    for test in tests:
        assert any("a gap is no rest" in note for note in test.notes)
    # Nine pulses of ~10 s: 2.5 A at 0 °C, 7.5 A elsewhere (README). Charge: 9 * 7.5 A * 10 s
    # = 0.1875 Ah at 25 °C; 9 * 2.5 * 10 = 0.0625 Ah at 0 °C.
    by_name = {test.name: test for test in tests}
    assert by_name["25C-pulse"].discharged_ah == pytest.approx(0.1875, abs=0.004)
    assert by_name["0C-pulse"].discharged_ah == pytest.approx(0.0625, abs=0.002)
    assert by_name["25C-pulse"].current_a.max() == pytest.approx(7.5, abs=0.01)
    assert by_name["0C-pulse"].current_a.max() == pytest.approx(2.5, abs=0.01)


def test_pulse_start_quirk_is_repaired():
    # 25 °C, SoC9: the pulse step's first row (66319.77 s, 0.06 s into the block) logs 0 A
    # with the voltage already down at 3.8476 V; the repaired sample carries the pulse current.
    block = next(test for test in pulse_blocks() if test.name == "25C-pulse-SoC9")
    index = int(np.argmin(np.abs(block.time_s - 0.06)))
    assert block.time_s[index] == pytest.approx(0.06)
    assert block.voltage_v[index] == pytest.approx(3.8476)
    assert block.current_a[index] == pytest.approx(7.4993)
    assert any("quirk of the source" in note for note in block.notes)


def test_pulse_blocks():
    blocks = pulse_blocks()
    assert len(blocks) == 36
    assert blocks[0].name == "0C-pulse-SoC9"
    # The 10 °C SoC1 block has only 25 rows (README): its pulse stopped after 0.67 s.
    short = next(test for test in blocks if test.name == "10C-pulse-SoC1")
    assert short.duration_s == pytest.approx(0.68, abs=0.01)


def test_ocv_curve():
    curve = ocv_curve()
    assert curve.state_of_charge[0] == 0 and curve.state_of_charge[-1] == 1
    assert len(curve.state_of_charge) == 101
    assert np.all(np.diff(curve.ocv_v) > 0)
    assert curve.ocv_v[0] == pytest.approx(2.87227)
    assert curve.ocv_v[-1] == pytest.approx(4.17533)
    with pytest.raises(ValueError):
        curve.ocv_v[0] = 3.0


def test_the_split_is_disjoint_and_as_declared():
    calibration = [test.name for test in lgm50_tests(DataSet.CALIBRATION)]
    validation = [test.name for test in lgm50_tests(DataSet.VALIDATION)]
    assert calibration == ["25C-0.1C", "25C-0.5C", "25C-2C", "45C-1.5C"]
    assert not any("pulse" in name for name in SPLIT)  # blocks start at unknown charge
    assert validation == ["25C-1C", "45C-0.1C", "45C-0.5C", "45C-1C"]
    assert not set(calibration) & set(validation)
    assert set(SPLIT) == set(calibration) | set(validation)
    # The validation holds a rate between fitted ones at both temperatures.
    assert "25C-1C" in validation and {"25C-0.5C", "25C-2C"} <= set(calibration)
    assert "45C-1C" in validation and "45C-1.5C" in calibration


def test_attribution_and_licence_ship_with_the_data():
    for words in ("WMG", "University of Warwick", "Widanage", "Simscape-Battery-Library", "MIT"):
        assert words in lgm50.__doc__
    folder = importlib.resources.files("sortie.measurements").joinpath("data/lgm50")
    assert folder.joinpath("LICENSE").read_text().startswith("MIT License")
    assert "Dhammika Widanage" in folder.joinpath("LICENSE").read_text()
