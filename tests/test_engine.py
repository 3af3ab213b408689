"""The PyBaMM engine: one built model, many input sets in one solve, one outcome each."""

import dataclasses
import os
import shutil

import casadi
import numpy as np
import pytest

from sortie import engine
from sortie.cells.pack import Pack
from sortie.engine import process_state
from sortie.models.cell_runs import Ending
from sortie.models.chain import prepare_run
from sortie.models.compile_cache import COMPILE_CACHE_VARIABLE, compile_cache_folder
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.presets import load_cell
from sortie.studies.executors import local_pool
from tests import engine_work
from tests.conftest import constant_mission

# About 0.5C, 1.4C and 0.4C for a 5 Ah, 18 Wh cell.
MISSION = constant_mission((300, 10.0), (200, 25.0), (300, 8.0))
SETTINGS = SimulationSettings(model=ModelKind.SPME, output_points=60)
SINGLE = Pack(series_count=1, parallel_count=1)


def _full_and_thin(cell_id: str, settings: SimulationSettings):
    """Runs of the cell as it is and with a 10 um positive electrode (an eighth of the M50's
    capacity: it reaches the cut-off early)."""
    full = prepare_run(load_cell(cell_id), SINGLE, MISSION, settings)
    thin_cell = load_cell(cell_id, {"positive_electrode_thickness_um": 10.0})
    return full, prepare_run(thin_cell, SINGLE, MISSION, settings)


@pytest.fixture(scope="module")
def runs():
    """(built model, grid, labelled input sets) covering every way a run can end."""
    base, thin = _full_and_thin("lg-m50-21700-chen2020", SETTINGS)
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
    return engine.built_model(base.spec), base.time_grid_s, inputs


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
    assert engine.built_model(model.spec) is model
    assert engine.built_model(model.spec, solver_threads=2) is not model


def test_the_fast_electrode_balance_is_pybamms_own(runs):
    model, _, _ = runs
    balance = model._balance
    # Each fast solve starts from the last one's result: up and down, far and near.
    for negative_ah in (4.0, 5.5, 7.0, 4.2, 6.9, 6.9):
        values = {
            "Q_n": negative_ah,
            "Q_p": 5.0,
            "Q_Li": balance.lithium_per_positive_capacity * 5.0,
        }
        public = balance.solver.electrode_soh.solve(values)
        fast = balance.solver(values)
        assert balance.solver._guess is not None  # the fast way, not the public fallback
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
    output = engine.built_model(thin.spec).run(thin.inputs, thin.time_grid_s)
    assert output.ending is Ending.INVALID_DESIGN
    assert "negative electrode is full" in output.message and "N/P" in output.message


def _uses(model: engine.BuiltModel, kind: str) -> bool:
    """Whether the functions IDA calls with KLU are all of ``kind``."""
    built = model._simulation.built_model
    functions = [
        built.rhs_algebraic_eval,
        built.jac_rhs_algebraic_eval,
        built.algebraic_eval,
        built.jac_algebraic_eval,
        built.terminate_events_eval[0],  # the minimum voltage
    ]
    return all(f.is_a(kind) for f in functions)


@pytest.mark.parametrize(
    ("cell_id", "model_kind"),
    [
        ("lg-m50-21700-chen2020", ModelKind.DFN),
        # ORegan2022: temperature-dependent transport and kinetics functions.
        ("lg-m50-21700", ModelKind.SPME),
        # Cubic interpolants (casadi_conversion.spline_function): Ai2020's two OCPs,
        # Chen2020_composite's graphite OCP.
        ("lco-pouch-ai2020", ModelKind.SPME),
        ("si-composite-21700", ModelKind.SPME),
    ],
)
def test_the_engines_set_up_flies_as_pybamms_own(cell_id, model_kind):
    """The engine hands IDAKLU CasADi SX functions (a ~3x faster DFN re-solve) and skips the
    jacobian of a DAE's right-hand side alone, which IDAKLU does not use; against PyBaMM's
    own set-up (MX functions, every jacobian), the same runs end the same way with the same
    values."""
    full, thin = _full_and_thin(cell_id, dataclasses.replace(SETTINGS, model=model_kind))
    inputs = [full.inputs, thin.inputs]
    scalar = engine.BuiltModel(full.spec)
    fast = scalar.run_many(inputs, full.time_grid_s)  # the solver is set up at the first run
    matrix = engine.BuiltModel(full.spec, pybamm_set_up=True)
    slow = matrix.run_many(inputs, full.time_grid_s)
    assert _uses(scalar, "SXFunction") and _uses(matrix, "MXFunction")
    # The Jacobian-vector product (for IDA's iterative linear solvers only) is left as it is.
    assert scalar._simulation.built_model.jac_rhs_algebraic_action_eval.is_a("MXFunction")
    # Both DAEs (the power control is an algebraic equation): the right-hand side's own
    # jacobian is PyBaMM's only.
    own, pybamms = scalar._simulation.built_model, matrix._simulation.built_model
    assert own.len_alg > 0
    assert own.jac_rhs_eval.sparsity_out(0).nnz() == 0
    assert pybamms.jac_rhs_eval.sparsity_out(0).nnz() > 0
    assert fast[0].ending is Ending.FINAL_TIME
    for sx, mx in zip(fast, slow, strict=True):
        assert sx.ending is mx.ending
        if mx.ending is Ending.NO_START:  # Ai2020's thin design: at the cut-off at once
            assert sx.time_s.size == mx.time_s.size == 0
            continue
        assert sx.time_s[-1] == pytest.approx(mx.time_s[-1], rel=1e-6)
        np.testing.assert_allclose(sx.voltage_v, mx.voltage_v, atol=1e-6)
        np.testing.assert_allclose(sx.temperature_k, mx.temperature_k, atol=1e-6)
        np.testing.assert_allclose(sx.discharge_energy_wh, mx.discharge_energy_wh, rtol=1e-7)


def test_a_set_with_tabulated_data_keeps_its_matrix_functions_and_flies():
    # CasADi cannot expand a linear interpolation table (BPX data, Chayambuka2022) into
    # scalar operations: those sets keep PyBaMM's MX functions, slower but the same physics.
    # (Cubic tables are calls the rest expands around: casadi_conversion.spline_function.)
    run = prepare_run(load_cell("lfp-18650-2ah"), SINGLE, MISSION, SETTINGS)
    model = engine.built_model(run.spec)
    assert model.run(run.inputs, run.time_grid_s).ending is Ending.FINAL_TIME
    assert _uses(model, "MXFunction")


def test_the_first_solver_step_is_set_on_the_solver_and_keeps_the_verdict(runs):
    # Sweeps start IDA at 2 s after every power step (settings.initial_step_s): fewer steps,
    # the same ending and values within the solver's tolerance.
    model, grid, inputs = runs
    stepped = engine.built_model(dataclasses.replace(model.spec, initial_step_s=2.0))
    assert stepped._solver.options["dt_init"] == 2.0
    assert model._solver.options["dt_init"] == 0.0
    for label in ("flies", "cut-off"):
        fast, default = stepped.run(inputs[label], grid), model.run(inputs[label], grid)
        assert fast.ending is default.ending is EXPECTED[label]
        assert fast.time_s[-1] == pytest.approx(default.time_s[-1], rel=2e-3)
        np.testing.assert_allclose(fast.voltage_v[-1], default.voltage_v[-1], atol=3e-3)
        assert fast.temperature_k.max() == pytest.approx(default.temperature_k.max(), abs=0.05)


def test_the_algebraic_error_test_off_is_set_on_the_solver_and_keeps_the_verdict(runs):
    # Sweeps leave the algebraic states out of IDA's error test
    # (settings.suppress_algebraic_error): the same ending, values within the tolerance.
    model, grid, inputs = runs
    suppressed = engine.built_model(
        dataclasses.replace(model.spec, suppress_algebraic_error=True)
    )
    assert suppressed._solver.options["suppress_algebraic_error"] is True
    assert model._solver.options["suppress_algebraic_error"] is False
    no_start = suppressed.run(inputs["no start"], grid)
    assert no_start.ending is EXPECTED["no start"]
    for label in ("flies", "cut-off"):
        fast, default = suppressed.run(inputs[label], grid), model.run(inputs[label], grid)
        assert fast.ending is default.ending is EXPECTED[label]
        assert fast.time_s[-1] == pytest.approx(default.time_s[-1], rel=2e-3)
        np.testing.assert_allclose(fast.voltage_v, default.voltage_v, atol=2e-3)
        np.testing.assert_allclose(fast.temperature_k, default.temperature_k, atol=0.05)


@pytest.mark.slow
def test_a_compiled_solver_runs_compiled_scalar_functions_and_flies_the_same(monkeypatch, tmp_path):
    """``compiled = true`` compiles the SX functions with the system C compiler into a
    library kept in the user's cache folder; the runs end the same way with the same values
    as on CasADi's own SX machine."""
    # Unset for this test (set first, so that the engine's default is undone afterwards).
    monkeypatch.setenv(COMPILE_CACHE_VARIABLE, "unset")
    monkeypatch.delenv(COMPILE_CACHE_VARIABLE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    settings = dataclasses.replace(SETTINGS, model=ModelKind.SPM)
    full, thin = _full_and_thin("lg-m50-21700-chen2020", settings)
    inputs = [full.inputs, thin.inputs]
    machine = engine.BuiltModel(full.spec).run_many(inputs, full.time_grid_s)
    compiled_spec = dataclasses.replace(full.spec, compiled=True)
    compiled = engine.BuiltModel(compiled_spec)
    native = compiled.run_many(inputs, full.time_grid_s)
    assert _uses(compiled, "SXFunction")  # what was compiled: the scalar functions
    assert compiled._simulation.built_model.jac_rhs_algebraic_action_eval.is_a("SXFunction")
    assert list((tmp_path / "sortie" / "casadi-aot").glob("*.so")), "no compiled library kept"
    assert [o.ending for o in native] == [Ending.FINAL_TIME, Ending.VOLTAGE_CUTOFF]
    for fast, reference in zip(native, machine, strict=True):
        assert fast.ending is reference.ending
        assert fast.time_s[-1] == pytest.approx(reference.time_s[-1], rel=1e-6)
        np.testing.assert_allclose(fast.voltage_v, reference.voltage_v, atol=1e-6)
        np.testing.assert_allclose(fast.temperature_k, reference.temperature_k, atol=1e-6)


def test_compiled_models_are_kept_in_the_users_cache_folder(monkeypatch, tmp_path):
    monkeypatch.setenv(COMPILE_CACHE_VARIABLE, str(tmp_path / "chosen"))
    assert compile_cache_folder() == tmp_path / "chosen"
    monkeypatch.delenv(COMPILE_CACHE_VARIABLE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert compile_cache_folder() == tmp_path / "sortie" / "casadi-aot"


@pytest.mark.slow
def test_workers_building_one_compiled_model_compile_it_once(monkeypatch, tmp_path):
    """Two workers that build the same compiled model at once run the C compiler once: the
    second waits for the first's compile and loads it (a DFN compile is ~80 s and ~0.8 GB)."""
    compiler = shutil.which("gcc")
    if compiler is None:
        pytest.skip("no gcc on this machine: nothing compiles")
    # A gcc in front of the real one that counts its calls (PyBaMM runs "gcc" from PATH).
    calls = tmp_path / "calls"
    shim = tmp_path / "bin" / "gcc"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\necho call >> "{calls}"\nexec "{compiler}" "$@"\n')
    shim.chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim.parent}:{os.environ['PATH']}")
    monkeypatch.setenv(COMPILE_CACHE_VARIABLE, str(tmp_path / "cache"))
    settings = dataclasses.replace(SETTINGS, model=ModelKind.SPM, compiled=True)
    # Its own segment times: no other test has compiled this model in a worker.
    mission = constant_mission((250, 10.0), (250, 20.0))
    run = prepare_run(load_cell("lg-m50-21700-chen2020"), SINGLE, mission, settings)
    pool = local_pool(2)
    try:
        futures = [
            pool.submit(engine_work.build_and_fly, run.spec, run.inputs, run.time_grid_s)
            for _ in range(2)
        ]
        assert [f.result(timeout=300) for f in futures] == [Ending.FINAL_TIME] * 2
    finally:
        pool.shutdown()
    assert calls.read_text().count("call") == 1
    # Later set-ups of a compiled model (loading its library) need no turns.
    assert list((tmp_path / "cache").glob("sortie-*.compiled"))


def test_the_right_hand_sides_jacobian_is_recognised_by_what_it_is_not_its_size(runs):
    # Only the jacobian of the right-hand side itself is left out (IDAKLU never uses it): any
    # other expression with as many rows gets its real jacobian.
    built = engine.built_model(
        dataclasses.replace(runs[0].spec, model=ModelKind.DFN.value)
    )._simulation.built_model
    assert built.len_alg > 0
    y = casadi.MX.sym("y", built.len_rhs + built.len_alg)
    same_size = 2.0 * y[: built.len_rhs]
    jacobian = built.build_casadi_jacobian(same_size, y)
    assert jacobian.sparsity().nnz() == built.len_rhs


def test_the_balances_fallback_to_pybamms_public_solve_is_logged(runs, caplog, monkeypatch):
    balance = runs[0]._balance
    solver = balance.solver

    def changed(inputs):  # as if a PyBaMM release had renamed a private step
        raise AttributeError("'ElectrodeSOHSolver' object has no attribute '_set_up_solve'")

    monkeypatch.setattr(solver, "_full", changed)
    monkeypatch.setattr(solver, "_warned", False)
    before = solver.fallbacks
    values = {"Q_n": 5.5, "Q_p": 5.0, "Q_Li": balance.lithium_per_positive_capacity * 5.0}
    with caplog.at_level("INFO", logger="sortie.engine.balance"):
        slow = solver(values)
        solver(dict(values, Q_n=5.6))
    warned = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warned) == 1 and "AttributeError" in warned[0] and "public solve" in warned[0]
    assert solver.fallbacks == before + 2
    public = solver.electrode_soh.solve(values)
    assert slow == pytest.approx([float(public[k]) for k in ("x_0", "x_100", "y_100", "y_0", "Q")])


def test_the_engine_leaves_the_process_environment_as_it_found_it(runs, monkeypatch):
    # A compiled model's cache folder is PyBaMM's variable only while it solves.
    monkeypatch.delenv(COMPILE_CACHE_VARIABLE, raising=False)
    engine.BuiltModel(dataclasses.replace(runs[0].spec, compiled=True))
    assert COMPILE_CACHE_VARIABLE not in os.environ
    with process_state.captured_warnings():
        assert process_state.LOCK._is_owned()
    assert not process_state.LOCK._is_owned()


def test_importing_the_engine_leaves_the_telemetry_switch_unset():
    # PyBaMM reads it at its import; the engine sets it for that import only.
    import subprocess
    import sys

    code = (
        "import os; os.environ.pop('PYBAMM_DISABLE_TELEMETRY', None); import sortie.engine; "
        "import pybamm; print('PYBAMM_DISABLE_TELEMETRY' in os.environ, "
        "pybamm.telemetry._posthog.disabled)"
    )
    environment = {k: v for k, v in os.environ.items() if k != "PYBAMM_DISABLE_TELEMETRY"}
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True
    )
    assert found.stdout.split() == ["False", "True"]
