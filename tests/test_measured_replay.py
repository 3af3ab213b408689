"""Flying a measured cell test and comparing: a model flown on its own output gives back
errors of zero, a voltage shifted by a known amount gives that RMSE, and the real LG M50
2C discharge shows the literature set stopping early."""

import json

import numpy as np
import pytest

from sortie.errors import InputError
from sortie.measurements.cell_test import CellTest, TestKind
from sortie.measurements.lgm50 import rate_tests
from sortie.measurements.replay import chamber_settings, replay
from sortie.models.flight import fly
from sortie.models.result import TerminationReason
from sortie.models.settings import ModelKind, ThermalBoundary
from sortie.presets import load_cell
from sortie.studies.setup import assemble, built_pack
from tests.conftest import constant_mission

SPM_CHAMBER = chamber_settings(20.0, ModelKind.SPM)


@pytest.fixture(scope="module")
def m50():
    return load_cell("lg-m50-21700-chen2020")


@pytest.fixture(scope="module")
def own_output(m50):
    """A "measurement" that is a model run: the M50 at 18 W (~1C) to its cut-off in a chamber
    at 25 °C, its current, voltage and temperature as a cycler would log them."""
    mission = constant_mission((5000.0, 18.0), ambient_c=25.0)
    flight = fly(assemble(m50, built_pack(1, 1), mission, None, SPM_CHAMBER))
    assert flight.summary.termination_reason is TerminationReason.VOLTAGE_CUTOFF
    result = flight.result
    return CellTest(
        name="model at 18 W",
        time_s=result.time_s,
        current_a=np.asarray(result.columns["cell_current_a"]),
        voltage_v=np.asarray(result.columns["cell_voltage_v"]),
        ambient_c=25.0,
        kind=TestKind.RATE,
        temperature_c=np.asarray(result.columns["cell_temperature_c"]),
    )


def test_a_model_flown_on_its_own_output_has_no_error(m50, own_output):
    flown = replay(own_output, m50, SPM_CHAMBER, current_matched=False)
    s = flown.summary
    assert s.voltage_rmse_mv < 1.0
    assert s.time_to_cutoff_error_percent == pytest.approx(0.0, abs=0.1)
    assert s.discharged_ah_error_percent == pytest.approx(0.0, abs=0.1)
    assert s.energy_error_percent == pytest.approx(0.0, abs=0.1)
    assert s.temperature_rise_error_k == pytest.approx(0.0, abs=0.05)
    assert s.model_termination is TerminationReason.VOLTAGE_CUTOFF
    assert not s.model_stopped_on_limit
    assert s.current_mismatch_percent < 0.1 and s.passes == 1
    assert s.thermal_boundary is ThermalBoundary.CHAMBER and s.ambient_c == 25.0
    # The comparison's series: measured and model on one time index.
    frame = flown.timeseries
    assert frame.index.name == "time_s" and frame.index.is_monotonic_increasing
    assert frame["measured_sample"].sum() == len(own_output.time_s)
    assert set(frame.columns) >= {
        "measured_voltage_v",
        "model_voltage_v",
        "voltage_error_mv",
        "measured_temperature_c",
        "model_temperature_c",
    }
    json.dumps(s.to_dict(), allow_nan=False)


def test_a_shifted_voltage_gives_the_known_rmse_at_the_measured_current(m50, own_output):
    # The "cell" reads 20 mV high. Flown at the measured current, the model is the run that
    # made the data, so it sits 20 mV below it everywhere: RMSE 20 mV, times and charge equal.
    shifted = CellTest(
        name="20 mV high",
        time_s=own_output.time_s,
        current_a=own_output.current_a,
        voltage_v=own_output.voltage_v + 0.020,
        ambient_c=own_output.ambient_c,
        kind=own_output.kind,
        temperature_c=own_output.temperature_c,
    )
    flown = replay(shifted, m50, SPM_CHAMBER)
    s = flown.summary
    assert s.current_matched and s.current_mismatch_percent <= 1.0 and s.passes >= 2
    assert s.voltage_rmse_mv == pytest.approx(20.0, abs=1.0)
    assert s.time_to_cutoff_error_percent == pytest.approx(0.0, abs=0.5)
    assert s.discharged_ah_error_percent == pytest.approx(0.0, abs=0.5)
    # Energy is charge x voltage: the model's is 20 mV / ~3.6 V = ~0.55 % lower.
    assert s.energy_error_percent == pytest.approx(-0.55, abs=0.3)
    # Flown as measured power instead, the model draws 20 mV / V more current than measured
    # (0.55 % at 3.6 V, 0.8 % at the 2.5 V cut-off) and stops early.
    as_power = replay(shifted, m50, SPM_CHAMBER, current_matched=False).summary
    assert 0.5 < as_power.current_mismatch_percent < 1.5
    assert as_power.time_to_cutoff_error_percent < -0.3


def test_a_merged_sample_at_the_cut_off_ends_the_discharge_but_is_not_flown(m50, own_output):
    # A reader merges the rows of the stamp where the current steps to 0 into one sample
    # that keeps the charge (WMG's 1C test: 0.42 A at its cut-off), then the rest follows.
    # The discharge ends there; the model flies on at the discharge's own current.
    current = own_output.current_a.copy()
    current[-1] *= 0.08
    end_s = own_output.time_s[-1]
    merged = CellTest(
        name="merged end",
        time_s=np.append(own_output.time_s, [end_s + 90.0, end_s + 180.0]),
        current_a=np.append(current, [0.0, 0.0]),
        voltage_v=np.append(own_output.voltage_v, [3.0, 3.02]),
        ambient_c=own_output.ambient_c,
        kind=own_output.kind,
        temperature_c=np.append(own_output.temperature_c, own_output.temperature_c[-2:]),
    )
    s = replay(merged, m50, SPM_CHAMBER).summary
    assert s.measured_time_to_cutoff_s == pytest.approx(end_s)
    assert s.time_to_cutoff_error_percent == pytest.approx(0.0, abs=0.3)
    assert s.current_mismatch_percent <= 1.0


def test_a_test_that_charges_is_refused_in_one_line(m50):
    test = CellTest(
        name="charge",
        time_s=np.array([0.0, 10.0, 20.0]),
        current_a=np.array([5.0, -5.0, -5.0]),
        voltage_v=np.array([3.7, 3.8, 3.9]),
        ambient_c=25.0,
        kind=TestKind.DRIVE,
    )
    with pytest.raises(InputError, match="charge: the test charges at 10 s"):
        replay(test, m50, SPM_CHAMBER)


@pytest.mark.slow
def test_the_literature_set_stops_early_at_2c_in_the_chamber():
    """ORegan2022 (DFN) on the measured 25 °C 2C discharge, in the chamber at 25 W/(m2 K):
    measured 1750 s to 2.5 V; the model stops about 29 % early at the measured current (the
    issue measured -22 % as power in a pack-like boundary: the cooler chamber cell is worse
    with ORegan's temperature dependence) and heats 20 K where the cell heated 33."""
    test = next(t for t in rate_tests() if t.name == "25C-2C")
    s = replay(test, load_cell("lg-m50-21700"), chamber_settings(25.0)).summary
    assert s.measured_time_to_cutoff_s == pytest.approx(1749.6)
    assert -35.0 < s.time_to_cutoff_error_percent < -20.0
    assert s.model_termination is TerminationReason.VOLTAGE_CUTOFF
    assert s.measured_temperature_rise_k == pytest.approx(32.9)
    assert s.model_temperature_rise_k < s.measured_temperature_rise_k - 8
    assert s.current_mismatch_percent <= 1.0
