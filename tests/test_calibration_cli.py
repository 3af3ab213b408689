"""``sortie calibrate`` on a small cycler CSV: a fitted cell file and a JSON report; the file
loads with ``sortie cell show`` and ``sortie run`` (real solves, SPM, a short fit)."""

from __future__ import annotations

import json

import pytest

from sortie.calibration.parameters import FitKey
from sortie.presets.loader import changed_cell, load_cell
from tests.cli_helpers import assert_one_clear_line, sortie_here
from tests.test_calibration import BASE, synthetic_test


@pytest.fixture(scope="module")
def measured_csv(tmp_path_factory):
    """A 1C discharge of the base cell with a smaller positive active fraction (0.62), as a
    discharge-negative cycler export with a chamber column."""
    base = load_cell(BASE)
    truth = changed_cell(base, {"positive.active_material_volume_fraction": 0.62}, "truth")
    test = synthetic_test(truth, 1, {}, seed=7)
    path = tmp_path_factory.mktemp("data") / "discharge_1C.csv"
    rows = ["Test Time (s),Current (A),Voltage (V),Chamber Temperature (C)"]
    rows += [
        f"{t:.3f},{-i:.5f},{v:.5f},25"
        for t, i, v in zip(test.time_s, test.current_a, test.voltage_v, strict=True)
    ]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_calibrate_writes_a_cell_file_and_a_json_report_that_load_everywhere(
    measured_csv, tmp_path
):
    out = tmp_path / "my-cell.toml"
    done = sortie_here(
        [
            "calibrate",
            "--cell", BASE,
            "--data", str(measured_csv),
            "--current-sign", "discharge-negative",
            "--fit", FitKey.POSITIVE_ACTIVE_FRACTION.value,
            "--model", "spm",
            "--iterations", "15",
            "--out", str(out),
            "--json",
        ],
        limit_s=120,
    )  # fmt: skip
    assert done.status == 0, done.stderr
    report = json.loads(done.stdout)
    (value,) = report["values"]
    assert value["name"] == "positive-active-fraction"
    assert value["cell_file_field"] == "positive.active_material_volume_fraction"
    assert abs(value["value"] - 0.62) < max(3 * value["standard_error"], 2e-3)
    assert report["tests"][0]["voltage_rmse_mv"] < 5 and report["cell_file"] == str(out)
    assert "Jacobian" in report["uncertainty_method"]
    # The file loads as a cell everywhere: its capacity is the fitted cell's, not the base's.
    shown = sortie_here(["cell", "show", str(out), "--json"])
    assert shown.status == 0, shown.stderr
    fitted = changed_cell(
        load_cell(BASE), {"positive.active_material_volume_fraction": round(value["value"], 6)},
        "fitted",
    )
    capacity = json.loads(shown.stdout)["capacity_ah"]
    assert capacity == pytest.approx(fitted.budget.capacity_ah, rel=1e-9)
    assert capacity < load_cell(BASE).budget.capacity_ah * 0.97
    flown = sortie_here(
        ["run", "--mission", "fpv-strike-sprint", "--cell", str(out), "--model", "spm", "--json"]
    )
    assert flown.status == 0, flown.stderr


@pytest.mark.slow
def test_calibrate_compiled_fits_the_same_value_as_uncompiled(measured_csv):
    """--compiled changes how fast each generation is solved, not what the fit finds."""
    values = []
    for flag in ([], ["--compiled"]):
        done = sortie_here(
            [
                "calibrate", "--cell", BASE, "--data", str(measured_csv),
                "--current-sign", "discharge-negative",
                "--fit", FitKey.POSITIVE_ACTIVE_FRACTION.value,
                "--model", "spm", "--iterations", "6", "--json", *flag,
            ],
            limit_s=180,
        )  # fmt: skip
        assert done.status == 0, done.stderr
        (value,) = json.loads(done.stdout)["values"]
        values.append(value["value"])
    assert values[1] == pytest.approx(values[0], rel=1e-6)


def test_calibrate_refuses_an_unknown_parameter_in_one_line(measured_csv):
    done = sortie_here(
        ["calibrate", "--cell", BASE, "--data", str(measured_csv), "--fit", "capacity"]
    )
    assert_one_clear_line(done, "--fit 'capacity': not a fittable parameter")
