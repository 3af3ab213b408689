"""The PyBaMM engine: one built model, many input sets in one solve, one outcome each."""

import dataclasses

import numpy as np
import pytest

from sortie.cells.pack import Pack
from sortie.models import electrochemistry
from sortie.models.cell_runs import Ending
from sortie.models.chain import prepare_run
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.presets import load_cell
from tests.conftest import constant_mission

# About 0.5C, 1.4C and 0.4C for a 5 Ah, 18 Wh cell.
MISSION = constant_mission((300, 10.0), (200, 25.0), (300, 8.0))
SETTINGS = SimulationSettings(model=ModelKind.SPME, output_points=60)
SINGLE = Pack(series_count=1, parallel_count=1)


@pytest.fixture(scope="module")
def runs():
    """(built model, grid, labelled input sets) covering every way a run can end."""
    base = prepare_run(load_cell("lg-m50-21700-chen2020"), SINGLE, MISSION, SETTINGS)
    thin = prepare_run(
        load_cell("lg-m50-21700-chen2020", {"positive_electrode_thickness_um": 10.0}),
        SINGLE,
        MISSION,
        SETTINGS,
    )
    assert thin.spec == base.spec  # a design change is inputs only: same built model
    inputs = {
        # 900 W from a 18 Wh cell: at the cut-off at once.
        "no start": dataclasses.replace(base.inputs, cell_power_w=(900.0, 25.0, 8.0)),
        "flies": base.inputs,
        # SPMe under 250 W (~14C) fails part-way (see the design notes).
        "solver failure": dataclasses.replace(base.inputs, cell_power_w=(10.0, 250.0, 8.0)),
        # A 10 um cathode holds an eighth of the M50's 5 Ah: the cut-off comes early.
        "cut-off": thin.inputs,
        # A silicon phase the Chen2020 graphite electrode does not have.
        "invalid": dataclasses.replace(
            base.inputs,
            design=dataclasses.replace(
                base.inputs.design, negative_secondary_active_material_volume_fraction=0.1
            ),
        ),
    }
    return electrochemistry.built_model(base.spec), base.time_grid_s, inputs


EXPECTED = {
    "no start": Ending.NO_START,
    "flies": Ending.FINAL_TIME,
    "solver failure": Ending.SOLVER_FAILURE,
    "cut-off": Ending.VOLTAGE_CUTOFF,
    "invalid": Ending.INVALID_DESIGN,
}


def _same(batched, alone):
    assert batched.ending is alone.ending
    assert (batched.event, batched.message) == (alone.event, alone.message)
    np.testing.assert_allclose(batched.time_s, alone.time_s, rtol=1e-9)
    # Within the solver's tolerance (rtol 1e-4): the same C++ integration, set by set.
    np.testing.assert_allclose(batched.voltage_v, alone.voltage_v, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(batched.temperature_k, alone.temperature_k, rtol=1e-6)
    np.testing.assert_allclose(
        batched.discharge_energy_wh, alone.discharge_energy_wh, rtol=1e-4, atol=1e-7
    )
    assert batched.capacity_ah == alone.capacity_ah


def test_a_batch_equals_one_by_one_failures_included(runs):
    model, grid, inputs = runs
    batched = model.run_many(list(inputs.values()), grid)
    assert [o.ending for o in batched] == [EXPECTED[label] for label in inputs]
    for output, single in zip(batched, inputs.values(), strict=True):
        _same(output, model.run(single, grid))
    by_label = dict(zip(inputs, batched, strict=True))
    assert by_label["no start"].event == "Minimum voltage [V]" and not by_label["no start"].solved
    assert "secondary" in by_label["invalid"].message
    assert "IDA" in by_label["solver failure"].message
    assert by_label["solver failure"].time_s[-1] == pytest.approx(300, abs=60)
    assert by_label["cut-off"].time_s[-1] < MISSION.duration_s


@pytest.mark.parametrize("first", sorted(EXPECTED))
def test_any_design_may_come_first(runs, first):
    # PyBaMM fails a whole list when its first set takes one step only; the engine must not.
    model, grid, inputs = runs
    order = [first, *(label for label in inputs if label != first)]
    batched = model.run_many([inputs[label] for label in order], grid)
    assert [o.ending for o in batched] == [EXPECTED[label] for label in order]


def test_the_built_model_is_kept_per_spec(runs):
    model, _, _ = runs
    assert electrochemistry.built_model(model.spec) is model
    assert electrochemistry.built_model(model.spec, solver_threads=2) is not model


def test_the_fast_electrode_balance_is_pybamms_own(runs):
    model, _, _ = runs
    balance = model._balance
    for negative_ah in (4.0, 5.5, 7.0):
        values = {
            "Q_n": negative_ah,
            "Q_p": 5.0,
            "Q_Li": balance.lithium_per_positive_capacity * 5.0,
        }
        public = balance.solver.solve(values)
        fast = electrochemistry.solve_balance(balance.solver, values)
        expected = [float(public[k]) for k in ("x_0", "x_100", "y_100", "y_0", "Q")]
        assert fast == pytest.approx(expected, rel=1e-9)


def test_a_negative_electrode_full_at_full_charge_is_an_invalid_design():
    # A 5 um anode cannot take the lithium of the M50's cathode: the balance puts it at
    # x_100 ~ 1, where DFN starts fail at random. It is a design error, said as one.
    thin = prepare_run(
        load_cell("lg-m50-21700-chen2020", {"negative_electrode_thickness_um": 5.0}),
        SINGLE,
        MISSION,
        SETTINGS,
    )
    output = electrochemistry.built_model(thin.spec).run(thin.inputs, thin.time_grid_s)
    assert output.ending is Ending.INVALID_DESIGN
    assert "negative electrode is full" in output.message and "N/P" in output.message
