"""A calibrated cell's model changes ([[model_parameters]]: a factor or an added activation
energy on a PyBaMM parameter of its chemistry) reach the engine, change the flight as the
physics says, round-trip through a cell file, and fail by name when wrong (real SPM solves)."""

import dataclasses

import pytest

from sortie.cells.design import ModelParameterChange
from sortie.errors import InputError
from sortie.models.flight import fly
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.presets import load_cell
from sortie.presets.cell_files import cell_document, cell_file_text
from sortie.presets.loader import cell_from_data, parse_toml
from sortie.studies.setup import assemble, built_pack
from tests.conftest import constant_mission

NEGATIVE_DIFFUSIVITY = "Negative particle diffusivity [m2.s-1]"
EXCHANGE_CURRENT = "Positive electrode exchange-current density [A.m-2]"
SPM = SimulationSettings(model=ModelKind.SPM, ambient_c=25.0)
# 2C on the 5 Ah LG M50 (~3.6 V): ~36 W for 20 min; solid diffusion limits the end.
TWO_C = constant_mission((1200.0, 36.0))


def _with(cell, *changes: ModelParameterChange):
    design = dataclasses.replace(cell.design, model_parameters=changes)
    return dataclasses.replace(cell, design=design)


def _fly(cell, mission=TWO_C, settings=SPM):
    return fly(assemble(cell, built_pack(1, 1), mission, settings=settings)).result


def test_a_factor_of_one_flies_as_the_base_cell():
    base = load_cell("lg-m50-21700")
    same = _with(base, ModelParameterChange(NEGATIVE_DIFFUSIVITY, factor=1.0))
    a, b = _fly(base).summary, _fly(same).summary
    assert b.endurance_s == pytest.approx(a.endurance_s, rel=1e-6)
    assert b.final_state_of_charge == pytest.approx(a.final_state_of_charge, abs=1e-6)


def test_slower_solid_diffusion_ends_a_fast_discharge_sooner():
    base = load_cell("lg-m50-21700")
    slow = _with(base, ModelParameterChange(NEGATIVE_DIFFUSIVITY, factor=0.05))
    base_run, slow_run = _fly(base), _fly(slow)
    # The base flies 20 min at 2C; a 20x slower graphite diffusion hits the cut-off early.
    assert slow_run.summary.endurance_s < 0.95 * base_run.summary.endurance_s
    assert slow_run.summary.termination_reason.value == "voltage cut-off"


def test_an_added_activation_energy_slows_kinetics_below_25_c_only():
    base = load_cell("lg-m50-21700")
    arrhenius = _with(
        base, ModelParameterChange(EXCHANGE_CURRENT, activation_energy_j_per_mol=60_000.0)
    )
    short = constant_mission((60.0, 36.0))
    warm = SimulationSettings(model=ModelKind.SPM, ambient_c=25.0)
    cold = SimulationSettings(model=ModelKind.SPM, ambient_c=0.0)
    # At 25 °C the added term is 1: the same voltage. At 0 °C slower kinetics: a lower voltage.
    at_25 = (_fly(base, short, warm), _fly(arrhenius, short, warm))
    at_0 = (_fly(base, short, cold), _fly(arrhenius, short, cold))
    v25 = [r.timeseries["cell_voltage_v"].iloc[-1] for r in at_25]
    v0 = [r.timeseries["cell_voltage_v"].iloc[-1] for r in at_0]
    assert v25[1] == pytest.approx(v25[0], abs=2e-3)
    assert v0[1] < v0[0] - 0.005


def test_an_unknown_parameter_fails_the_flight_by_its_name():
    bad = _with(load_cell("lg-m50-21700"), ModelParameterChange("Flux capacitor [F]", factor=2))
    with pytest.raises(InputError, match=r"LG M50 21700.*has no 'Flux capacitor \[F\]'"):
        _fly(bad, constant_mission((60.0, 10.0)))


def test_a_cell_file_carries_its_model_changes():
    cell = _with(
        load_cell("lg-m50-21700"),
        ModelParameterChange(NEGATIVE_DIFFUSIVITY, factor=2.5),
        ModelParameterChange(EXCHANGE_CURRENT, factor=0.8, activation_energy_j_per_mol=1e4),
    )
    text = cell_file_text(cell_document(cell, "Calibrated", "test", derived_from="test"))
    loaded = cell_from_data(parse_toml(text, "c.toml"), "c.toml")
    assert loaded.model_parameter_changes == (
        (NEGATIVE_DIFFUSIVITY, 2.5, 0.0),
        (EXCHANGE_CURRENT, 0.8, 1e4),
    )


def test_a_bad_change_is_refused_when_the_file_is_read():
    document = {
        "template_of": "lg-m50-21700",
        "id": "x",
        "name": "x",
        "description": "x",
        "model_parameters": [{"name": NEGATIVE_DIFFUSIVITY, "factor": -1.0}],
    }
    with pytest.raises(InputError, match=r"model_parameters\.0\.factor"):
        cell_from_data(document, "x.toml")


def test_a_flight_beyond_the_calibrated_range_says_so():
    """The calibrated LG M50 covers 0.1-2C and 25-45 °C: its assumptions say whether a flight
    stays inside (hand-checked rates: power per cell / cell energy) or goes beyond."""
    from sortie.studies.assumptions import flight_assumptions
    from sortie.studies.assumptions.item import AssumptionKey

    cell = load_cell("lg-m50-21700-calibrated")
    energy_wh = cell.budget.energy_wh  # ~18 Wh: 1C is ~18 W per cell

    def item(power_w: float, ambient_c: float):
        mission = constant_mission((600.0, power_w), ambient_c=ambient_c)
        settings = SimulationSettings(model=ModelKind.SPM)  # the mission's ambient
        setup = assemble(cell, built_pack(1, 1), mission, settings=settings)
        found = {a.key: a for a in flight_assumptions(setup)}
        return found.get(AssumptionKey.CALIBRATED_RANGE)

    inside = item(1.0 * energy_wh, 30.0)
    assert inside.values["beyond"] is False and "stays inside" in inside.en
    hot_and_fast = item(3.0 * energy_wh, 50.0)
    assert hot_and_fast.values["beyond"] is True
    assert hot_and_fast.values["flight_max_c_rate"] == pytest.approx(3.0, rel=1e-6)
    assert "about 3.0C" in hot_and_fast.en and "50 °C ambient" in hot_and_fast.en
    assert "extrapoliert" in hot_and_fast.de
    literature = assemble(
        load_cell("lg-m50-21700"), built_pack(1, 1), constant_mission((60.0, 10.0))
    )
    assert AssumptionKey.CALIBRATED_RANGE not in {a.key for a in flight_assumptions(literature)}


def test_a_calibrated_cell_with_an_added_activation_energy_has_temperature_dependent_transport():
    assert not load_cell("lg-m50-21700-chen2020").fidelity.temperature_dependent_transport
    assert load_cell("lg-m50-21700-calibrated").fidelity.temperature_dependent_transport
