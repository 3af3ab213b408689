"""Fitting a drone to a flight log that Sortie's own physics flew (tests/drone_fit_logs.py):
the coefficients come back within their reported uncertainty, what the log cannot identify is
said, and the drone file round-trips."""

from __future__ import annotations

import dataclasses

import pytest

from sortie.errors import InputError
from sortie.presets import load_drone
from sortie.studies.drone_fit import FitParameter, fit_drone, write_drone_file
from tests.drone_fit_logs import MASS_KG, synthetic_record, truth_drone

FM, AREA, AVIONICS = (
    FitParameter.FIGURE_OF_MERIT,
    FitParameter.FLAT_PLATE_AREA,
    FitParameter.AVIONICS_POWER,
)
TRUTH = {FM: 0.60, AREA: 0.05, AVIONICS: 20.0}
# Recovered within this many reported standard errors (a seed-fixed noise draw: within 3 by
# chance for 99.7 % of values).
SIGMAS = 3.0


@pytest.fixture(scope="module")
def full_fit():
    return fit_drone(synthetic_record(truth_drone()), load_drone("isr-quad"), MASS_KG)


def test_hover_and_cruise_recover_every_coefficient(full_fit):
    for parameter, truth in TRUTH.items():
        value = full_fit.value(parameter)
        assert value.fitted, value.status
        assert abs(value.value - truth) <= SIGMAS * value.standard_error, (parameter, value)
        assert value.value == pytest.approx(truth, rel=0.03), parameter
        assert 0 < value.standard_error < 0.1 * truth
    assert full_fit.drone.rotors.figure_of_merit == full_fit.value(FM).value
    assert full_fit.drone.rotors.flat_plate_area_m2 == full_fit.value(AREA).value
    assert full_fit.drone.avionics_power_w == full_fit.value(AVIONICS).value
    assert not full_fit.warnings


def test_each_phase_reports_measured_against_model_power(full_fit):
    labels = [p.label for p in full_fit.phases]
    assert {"ground", "hover", "cruise"} <= set(labels)
    assert "climb" not in labels and "takeoff" not in labels and "landing" not in labels
    for phase in full_fit.phases:
        assert phase.sample_count > 0
        assert abs(phase.error_percent) < 2.0, phase
    hover = next(p for p in full_fit.phases if p.label == "hover")
    assert 250 < hover.measured_power_w < 400
    data = full_fit.to_dict()
    assert {p["phase"] for p in data["phases"]} == set(labels)
    assert "Jacobian" in data["uncertainty"]
    assert any("payload drops" in note for note in full_fit.notes)


def test_a_hover_only_log_fits_figure_of_merit_and_avionics_not_drag():
    fit = fit_drone(
        synthetic_record(truth_drone(), speeds=(0.0,)), load_drone("isr-quad"), MASS_KG
    )
    assert fit.value(FM).fitted and fit.value(AVIONICS).fitted
    assert fit.value(FM).value == pytest.approx(0.60, rel=0.03)
    assert fit.value(AVIONICS).value == pytest.approx(20.0, rel=0.1)
    area = fit.value(AREA)
    assert not area.fitted and area.status == "not fitted (no forward flight)"
    # The base left it to the mass-scaled default: so does the fitted drone.
    assert fit.drone.rotors.flat_plate_area_m2 is None


def test_hover_alone_cannot_separate_avionics_from_the_figure_of_merit():
    # No disarmed ground samples: one power level, two unknowns.
    record = synthetic_record(truth_drone(), speeds=(0.0,), ground_s=0.5, tail_s=0.5)
    fit = fit_drone(record, load_drone("isr-quad"), MASS_KG)
    avionics = fit.value(AVIONICS)
    assert not avionics.fitted and "cannot separate" in avionics.status
    assert avionics.value == 15.0  # the base's
    assert fit.value(FM).fitted


def test_the_drone_file_round_trips(full_fit, tmp_path):
    path = write_drone_file(tmp_path / "my-drone.toml", full_fit)
    loaded = load_drone(path)
    assert loaded.id == "my-drone"
    assert loaded.rotors.figure_of_merit == full_fit.value(FM).value
    assert loaded.rotors.flat_plate_area_m2 == full_fit.value(AREA).value
    assert loaded.avionics_power_w == full_fit.value(AVIONICS).value
    base = load_drone("isr-quad")
    assert dataclasses.replace(
        loaded, id=base.id, name=base.name, description=base.description, rotors=base.rotors,
        avionics_power_w=base.avionics_power_w, sources=base.sources, name_de=base.name_de,
        description_de=base.description_de,
    ) == base  # fmt: skip
    assert "fitted to flight log synthetic.bin" in loaded.sources["figure_of_merit"]


@pytest.mark.parametrize(
    ("mass_kg", "message"),
    [
        (1.0, "not above the base drone isr-quad's empty mass (1.32 kg"),
        (float("nan"), "give a mass above 0"),
        (-2.0, "give a mass above 0"),
    ],
)
def test_bad_masses_are_refused_in_one_line(mass_kg, message):
    with pytest.raises(InputError, match=r"^[^\n]*$") as error:
        fit_drone(synthetic_record(truth_drone(), speeds=(0.0,)), load_drone("isr-quad"), mass_kg)
    assert message in str(error.value)


def test_a_log_without_hover_or_cruise_is_refused():
    record = synthetic_record(truth_drone(), speeds=(0.0,))
    hover = next(p for p in record.phases if p.phase.value == "hover")
    table = record.table.copy()
    on_ground = (table.index >= hover.start_s) & (table.index < hover.end_s)
    grounded = dataclasses.replace(
        record, phases=tuple(p for p in record.phases if p is not hover), table=table[~on_ground]
    )
    with pytest.raises(InputError, match="no steady hover or cruise segment to fit"):
        fit_drone(grounded, load_drone("isr-quad"), MASS_KG)


def test_too_few_samples_are_refused():
    record = synthetic_record(truth_drone(), speeds=(0.0,), ground_s=0.5, tail_s=0.5, rate_hz=0.1)
    with pytest.raises(InputError, match=r"steady sample.*a fit needs at least 20"):
        fit_drone(record, load_drone("isr-quad"), MASS_KG)


def test_a_fit_on_a_bound_warns():
    # Pack power far above what any figure of merit explains: FM runs to its lower bound.
    heavy = dataclasses.replace(
        truth_drone(), rotors=dataclasses.replace(truth_drone().rotors, figure_of_merit=0.21)
    )
    fit = fit_drone(synthetic_record(heavy, speeds=(0.0,)), load_drone("isr-quad"), 1.5)
    assert any("rotors.figure_of_merit" in w and "at its bound" in w for w in fit.warnings)
    assert any("the model misses the" in w for w in fit.warnings)


def test_a_fixed_wing_log_recovers_its_drag_polar_and_avionics():
    base = load_drone("fixed-wing-isr")
    wing = dataclasses.replace(base.wing, zero_lift_drag_coefficient=0.035, oswald_efficiency=0.7)
    truth = dataclasses.replace(base, wing=wing, avionics_power_w=25.0)
    record = synthetic_record(truth, mass_kg=7.5, speeds=(16.0, 20.0, 26.0))
    fit = fit_drone(record, base, 7.5)
    expected = {
        FitParameter.ZERO_LIFT_DRAG: 0.035,
        FitParameter.OSWALD_EFFICIENCY: 0.7,
        FitParameter.AVIONICS_POWER: 25.0,
    }
    for parameter, truth_value in expected.items():
        value = fit.value(parameter)
        assert value.fitted, value.status
        assert abs(value.value - truth_value) <= SIGMAS * value.standard_error, (parameter, value)
        assert value.value == pytest.approx(truth_value, rel=0.05), parameter
    assert {p.label for p in fit.phases} == {"ground", "cruise"}
