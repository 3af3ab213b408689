"""PyBaMM's private names and signatures the engine relies on (sortie.engine.private_api).

When one of these fails after a PyBaMM upgrade, the message names what changed: read the
engine module named in its entry (``used_by``) before changing the pin."""

import inspect
import os
import subprocess
import sys
import types

import numpy as np
import pybamm
import pytest

from sortie.cells.pack import Pack
from sortie.engine import private_api
from sortie.engine.built_model import BuiltModel
from sortie.models.run_setup import prepare_run
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.presets import load_cell
from tests.conftest import constant_mission

ENTRIES = {f"{e.owner}.{e.name}": e for e in private_api.PRIVATE_NAMES}


def test_the_installed_pybamm_is_the_tested_minor():
    assert pybamm.__version__.startswith(f"{private_api.TESTED_PYBAMM_MINOR}."), (
        f"PyBaMM {pybamm.__version__} is installed; the engine is tested on "
        f"{private_api.TESTED_PYBAMM_MINOR} (pyproject.toml pins it)"
    )


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_each_private_name_is_there_with_its_signature(name):
    problem = private_api.mismatch(pybamm, ENTRIES[name])
    assert problem is None, f"{problem} (relied on by sortie.engine.{ENTRIES[name].used_by})"


# Where PyBaMM calls what the engine overrides: an override of a method PyBaMM stopped calling
# on the solver (or the model) would be silently skipped.
CALLED_THROUGH = [
    ("BaseSolver.solve", "self.get_termination_reason("),
    ("BaseSolver.solve", "self.check_extrapolation("),
    ("IDAKLUSolver._post_process_solution", "self._check_event_violation_post_solve("),
    ("solvers.base_solver.process", "model.build_casadi_jacobian(casadi_expression"),
    ("solvers.base_solver.process", "symbol.to_casadi("),
    ("BaseSolver.set_up", "model.concatenated_rhs"),
    ("lithium_ion.ElectrodeSOHSolver._set_up_solve", "self._get_electrode_soh_sims_full("),
]


@pytest.mark.parametrize(("path", "call"), CALLED_THROUGH, ids=[c for _, c in CALLED_THROUGH])
def test_pybamm_still_calls_what_the_engine_overrides(path, call):
    function = pybamm
    for part in path.split("."):
        function = getattr(function, part, None)
        assert function is not None, f"pybamm.{path} is missing"
    assert call in inspect.getsource(function), f"pybamm.{path} no longer contains {call!r}"


@pytest.fixture(scope="module")
def set_up_model():
    """A small model built by the engine and flown once (its solver set up): SPMe, a DAE
    with the engine's jacobians."""
    settings = SimulationSettings(model=ModelKind.SPME, output_points=20)
    run = prepare_run(
        load_cell("lg-m50-21700-chen2020"),
        Pack(series_count=1, parallel_count=1),
        constant_mission((300, 10.0)),
        settings,
    )
    model = BuiltModel(run.spec)
    assert model.run(run.inputs, run.time_grid_s).solved
    return model


def test_what_pybamm_sets_on_a_model_while_its_solver_sets_up_is_there(set_up_model):
    built = set_up_model._simulation.built_model
    # The engine replaces these with scalar functions: under other names IDAKLU would read
    # PyBaMM's own, slower ones (the same results).
    for name in (
        "len_rhs",
        "len_alg",
        "rhs_algebraic_eval",
        "jac_rhs_algebraic_eval",
        "jac_rhs_algebraic_action_eval",
        "algebraic_eval",
        "jac_algebraic_eval",
        "terminate_events_eval",
    ):
        assert name in vars(built), f"PyBaMM's solver set-up no longer sets model.{name}"


def test_the_electrode_soh_solver_keeps_its_private_steps(set_up_model):
    soh = set_up_model._balance.solver.electrode_soh
    assert callable(getattr(soh, "_get_electrode_soh_sims_full", None)), (
        "ElectrodeSOHSolver instances no longer have _get_electrode_soh_sims_full"
    )
    simulation = soh._get_electrode_soh_sims_full(None)
    simulation.build()
    for key in ("x_0", "x_100", "y_100", "y_0", "Q"):
        assert simulation.built_model.get_processed_variable(key) is not None


def test_a_changed_signature_is_named_in_one_line():
    changed = types.SimpleNamespace(
        __version__="26.11.0",
        Symbol=type("Symbol", (), {"to_casadi": lambda self, t, y, inputs: None}),
    )
    found = private_api.mismatches(changed)
    assert found[0] == "PyBaMM 26.11.0 is installed, the engine is tested on 26.10"
    assert "pybamm.Symbol.to_casadi takes (self, t, y, inputs), not (self, t, y, y_dot" in found[1]
    assert "pybamm.BaseSolver is missing" in found
    with pytest.raises(private_api.PyBammMismatchError) as raised:
        private_api.check(changed)
    assert "\n" not in str(raised.value)
    assert str(raised.value).startswith("Sortie's engine refuses to run on this PyBaMM: ")


def test_the_engine_refuses_to_start_on_a_changed_private_name():
    code = (
        "import pybamm\n"
        "pybamm.lithium_ion.ElectrodeSOHSolver._set_up_solve = lambda self, inputs: None\n"
        "import sortie.engine\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYBAMM_DISABLE_TELEMETRY": "true"},
        check=False,
    )
    assert found.returncode != 0
    last = found.stderr.strip().splitlines()[-1]
    assert last == (
        "sortie.engine.private_api.PyBammMismatchError: Sortie's engine refuses to run on this "
        "PyBaMM: pybamm.lithium_ion.ElectrodeSOHSolver._set_up_solve takes (self, inputs), not "
        "(self, inputs, direction) (install pybamm~=26.10.1, see docs/pybamm-notes.md)"
    )


def test_an_interpolant_still_counts_its_derivatives():
    # casadi_conversion.spline_function reads it to know whether a jacobian can follow.
    x = np.linspace(0.0, 1.0, 8)
    interpolant = pybamm.Interpolant(x, x**3, pybamm.StateVector(slice(0, 1)), interpolator="cubic")
    slope = interpolant._function_diff(interpolant.children, 0)
    assert (interpolant._num_derivatives, slope._num_derivatives) == (0, 1)
