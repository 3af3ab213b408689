"""Calibration: a fit recovers what a model produced itself, warns on bounds, and its cell
file round-trips (real PyBaMM solves, SPM, short fits)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from sortie.calibration.cell_file import calibrated_file_text, fitted_cell, write_calibrated_cell
from sortie.calibration.fit import calibrate
from sortie.calibration.parameters import REGISTRY, FitKey, default_parameters, parse_fit_keys
from sortie.calibration.report import calibration_html, calibration_json, format_calibration
from sortie.cells.cell import Cell
from sortie.errors import InputError
from sortie.measurements.cell_test import CellTest, TestKind
from sortie.models.current_runs import CurrentRunInputs
from sortie.models.run_setup import celsius_to_kelvin, design_inputs
from sortie.presets.loader import changed_cell, load_cell

BASE = "lg-m50-21700-chen2020"
NOISE_V = 0.003


def synthetic_test(
    cell: Cell,
    rate_c: float,
    truth: dict[FitKey, float],
    seed: int,
    ambient_c: float = 25.0,
    model: str = "spm",
) -> CellTest:
    """A constant-current discharge flown by the engine on ``cell`` with the model values of
    ``truth`` (factors), plus 3 mV of noise: what a cycler would have logged."""
    from sortie.calibration.fit import DEFAULT_HEAT_TRANSFER_W_PER_M2_K, _spec
    from sortie.engine.current_model import CurrentModel

    fitted = tuple(p for key in truth for p in REGISTRY[key].pybamm)
    values = tuple(truth[key] for key in truth for _ in REGISTRY[key].pybamm)
    engine = CurrentModel(_spec(cell, model, (0.0,), 1.0), fitted, 2)
    volume = cell.budget.volume_m3
    inputs = CurrentRunInputs(
        cell_current_a=(5.0 * rate_c,),
        ambient_k=celsius_to_kelvin(ambient_c),
        initial_temperature_k=celsius_to_kelvin(ambient_c),
        max_temperature_k=celsius_to_kelvin(120.0),
        # The chamber the fit assumes: the synthetic cycler ran in it.
        heat_transfer_coefficient_w_per_m2_k=DEFAULT_HEAT_TRANSFER_W_PER_M2_K,
        cell_volume_m3=volume,
        cooling_area_m2=cell.design.format.surface_area_m2,
        volumetric_heat_capacity_j_per_m3_k=cell.heat_capacity_j_per_k / volume,
        design=design_inputs(cell),
        fitted_values=values,
    )
    run = engine.run_many([inputs], np.linspace(0, 3600 / rate_c * 1.1, 300))[0]
    noise = np.random.default_rng(seed).normal(0, NOISE_V, run.voltage_v.size)
    return CellTest(
        name=f"{rate_c:g}C {ambient_c:g} °C",
        time_s=run.time_s,
        current_a=run.current_a,
        voltage_v=run.voltage_v + noise,
        ambient_c=ambient_c,
        kind=TestKind.RATE,
        temperature_c=run.temperature_k - 273.15,
    )


TRUTH = {FitKey.NEGATIVE_DIFFUSIVITY: 2.0, FitKey.POSITIVE_EXCHANGE_CURRENT: 0.5}


@pytest.fixture(scope="module")
def base_cell() -> Cell:
    return load_cell(BASE)


@pytest.fixture(scope="module")
def recovered(base_cell):
    tests = [synthetic_test(base_cell, rate, TRUTH, seed) for seed, rate in enumerate((1, 2))]
    return calibrate(base_cell, tests, tuple(TRUTH), model="spm", max_iterations=30)


def test_a_fit_recovers_the_values_a_model_produced_within_their_uncertainty(recovered):
    for key, truth in TRUTH.items():
        fitted = next(v for v in recovered.values if v.key is key)
        assert fitted.start == 1.0
        assert fitted.standard_error is not None and fitted.standard_error > 0
        # Within 3 reported standard errors, and the error itself is small (the data is good).
        assert abs(fitted.value - truth) <= 3 * fitted.standard_error, (key, fitted)
        assert fitted.relative_error < 0.05
        assert fitted.identifiable and not fitted.on_bound
    assert recovered.warnings == ()
    for test in recovered.tests:
        # Down to the noise (3 mV), from tens of mV at the start.
        assert test.rmse_mv < 1.5 * NOISE_V * 1000 < test.start_rmse_mv
        assert abs(test.cutoff_time_error_pct) < 1.0
    assert recovered.cost_history_v[-1] <= recovered.cost_history_v[0]
    assert "Jacobian" in recovered.uncertainty_method


def test_the_report_says_each_value_and_test_in_text_json_and_html(recovered):
    text = format_calibration(recovered)
    assert "negative-diffusivity" in text and "1C 25 °C" in text and "+/- (1 sd)" in text
    document = json.loads(json.dumps(calibration_json(recovered)))
    names = [v["name"] for v in document["values"]]
    assert names == ["negative-diffusivity", "positive-exchange-current"]
    assert document["tests"][0]["voltage_rmse_mv"] < 5
    # Model values are the cell's: carried by the cell file, so nothing is left out.
    assert document["not_in_cell_file"] == []
    page = calibration_html(recovered)
    assert page.count("plotly") > 2 and "measured" in page


def test_a_value_whose_truth_lies_outside_its_bounds_is_flagged_on_its_bound(base_cell):
    tests = [synthetic_test(base_cell, 1, {FitKey.NEGATIVE_DIFFUSIVITY: 2.0}, seed=5)]
    calibration = calibrate(
        base_cell,
        tests,
        (FitKey.NEGATIVE_DIFFUSIVITY,),
        model="spm",
        max_iterations=25,
        bounds={FitKey.NEGATIVE_DIFFUSIVITY: (0.5, 1.2)},
    )
    (value,) = calibration.values
    assert value.on_bound and math.isclose(value.value, 1.2, rel_tol=0.01)
    assert any("negative-diffusivity sits on its upper bound" in w for w in calibration.warnings)


def test_a_calibrated_cell_file_round_trips_with_its_fitted_design(base_cell, tmp_path):
    truth = changed_cell(base_cell, {"positive.active_material_volume_fraction": 0.62}, "truth")
    tests = [synthetic_test(truth, 1, {}, seed=3)]
    calibration = calibrate(
        base_cell, tests, (FitKey.POSITIVE_ACTIVE_FRACTION,), model="spm", max_iterations=20
    )
    (value,) = calibration.values
    assert abs(value.value - 0.62) <= max(3 * value.standard_error, 1e-3)
    path = tmp_path / "my-cell.toml"
    write_calibrated_cell(path, calibration)
    text = path.read_text()
    assert (
        text.startswith("# A calibrated cell") and 'template_of = "lg-m50-21700-chen2020"' in text
    )
    loaded = load_cell(path)
    assert loaded.chemistry.id == base_cell.chemistry.id
    # The file's design is the base with exactly the fitted value changed.
    fitted = design_inputs(fitted_cell(calibration))
    assert design_inputs(loaded) == fitted
    base, mine = design_inputs(base_cell), design_inputs(loaded)
    changed = {k for k in vars(base) if getattr(base, k) != getattr(mine, k)}
    assert changed == {"positive_active_material_volume_fraction", "nominal_capacity_ah"}
    assert mine.positive_active_material_volume_fraction == round(value.value, 6)
    assert "calibration" in loaded.design.sources
    assert calibrated_file_text(calibration).count("# Fitted to: 1 tests (1C 25 °C)") == 1


def test_defaults_follow_what_the_tests_can_identify(base_cell):
    slow = synthetic_test(base_cell, 1, {}, seed=0)
    slow = CellTest(
        "slow", slow.time_s, slow.current_a, slow.voltage_v, 25.0, TestKind.SLOW_DISCHARGE
    )
    hot = CellTest(
        "hot",
        slow.time_s,
        slow.current_a,
        slow.voltage_v,
        45.0,
        TestKind.RATE,
        temperature_c=np.full(slow.time_s.size, 45.0),
    )
    assert default_parameters([slow]) == (
        FitKey.POSITIVE_ACTIVE_FRACTION,
        FitKey.NEGATIVE_ACTIVE_FRACTION,
    )
    keys = default_parameters([slow, hot])
    assert FitKey.DIFFUSIVITY_ACTIVATION_ENERGY in keys and FitKey.HEAT_TRANSFER in keys
    assert FitKey.NEGATIVE_DIFFUSIVITY in keys
    with pytest.raises(InputError, match="not a fittable parameter"):
        parse_fit_keys(["negative-diffusivty"])


def test_fitted_model_values_are_the_calibrated_cells_model_parameters(recovered, tmp_path):
    """The file carries the fitted factors as [[model_parameters]] and the range the tests
    covered; the cell it loads as flies with exactly those factors."""
    from sortie.calibration.cell_file import fitted_cell, write_calibrated_cell

    path = tmp_path / "fitted.toml"
    write_calibrated_cell(path, recovered)
    cell = load_cell(str(path))
    factors = {name: factor for name, factor, _ in cell.model_parameter_changes}
    assert factors == pytest.approx(
        {
            "Negative particle diffusivity [m2.s-1]": recovered.value(
                FitKey.NEGATIVE_DIFFUSIVITY
            ),
            "Positive electrode exchange-current density [A.m-2]": recovered.value(
                FitKey.POSITIVE_EXCHANGE_CURRENT
            ),
        },
        rel=1e-5,
    )
    assert cell.design.calibrated_range.max_c_rate == pytest.approx(2.0, rel=0.05)
    assert cell.design.calibrated_range.min_ambient_c == 25.0
    assert fitted_cell(recovered).model_parameter_changes == cell.model_parameter_changes
