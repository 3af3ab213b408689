"""The engine's conversion to CasADi (sortie.engine.casadi_conversion): one shared cache of
converted subexpressions while a solver sets up, cubic interpolants as calls the rest of a
model expands around, and the wrappers installed once."""

from typing import Any

import casadi
import numpy as np
import pybamm
import pytest

from sortie.engine import casadi_conversion


def test_casadi_conversions_share_their_subexpressions_only_while_a_solver_sets_up():
    # The engine's set-up converts PyBaMM's expressions with one shared cache (the same
    # results: test_engine.py::test_the_engines_set_up_flies_as_pybamms_own compares).
    t, y = casadi.MX.sym("t"), casadi.MX.sym("y", 2)
    inputs = {"k": casadi.MX.sym("k")}
    state = pybamm.StateVector(slice(0, 2))
    expression = pybamm.exp(state) * pybamm.InputParameter("k") + pybamm.t
    assert expression.to_casadi(t, y, inputs=inputs) is not expression.to_casadi(
        t, y, inputs=inputs
    )
    with casadi_conversion.shared_conversion():
        first = expression.to_casadi(t, y, inputs=inputs)
        assert expression.to_casadi(t, y, inputs=inputs) is first
        # Other symbols (a new y) get their own conversion, never another's.
        other_y = casadi.MX.sym("y", 2)
        assert expression.to_casadi(t, other_y, inputs=inputs) is not first
        # A caller's own cache is left alone.
        assert expression.to_casadi(t, y, inputs=inputs, casadi_symbols={}) is not first
    assert expression.to_casadi(t, y, inputs=inputs) is not first
    value = casadi.Function("f", [t, y, inputs["k"]], [first])(1.0, [0.0, 1.0], 2.0)
    np.testing.assert_allclose(np.asarray(value).ravel(), [3.0, 2.0 * np.e + 1.0])


def _okane_graphite_ocp(state: pybamm.Symbol) -> pybamm.Interpolant:
    """OKane2022's negative OCP: PyBaMM's cubic interpolant through 255 measured points."""
    values = pybamm.ParameterValues("OKane2022")
    ocp = values["Negative electrode OCP [V]"](state)
    assert isinstance(ocp, pybamm.Interpolant) and ocp.interpolator == "cubic"
    return ocp


def test_a_cubic_interpolant_becomes_one_call_that_expands_to_scalar_functions():
    # Inside the engine's conversion a cubic interpolant is a call kept whole, so the model
    # around it expands to SX (PyBaMM's inlined B-spline node has no SX form): the same
    # values and derivatives, to rounding, as PyBaMM's own conversion.
    t, y = casadi.MX.sym("t"), casadi.MX.sym("y", 20)
    state = pybamm.StateVector(slice(0, 20))
    ocp = _okane_graphite_ocp(state)
    slope = ocp.diff(state)  # PyBaMM's derivative interpolant (one derivative taken)
    stoichiometry = np.linspace(0.005, 0.995, 20)

    def evaluated(expression: Any) -> casadi.Function:
        return casadi.Function("f", [y], [expression, casadi.jacobian(expression, y)])

    pybamms = evaluated(ocp.to_casadi(t, y) + pybamm.exp(state).to_casadi(t, y))
    with pytest.raises(RuntimeError, match="eval_sx"):
        pybamms.expand()
    with casadi_conversion.shared_conversion():
        engines = evaluated(ocp.to_casadi(t, y) + pybamm.exp(state).to_casadi(t, y))
        engines_slope = evaluated(slope.to_casadi(t, y))
    expanded = engines.expand()
    assert expanded.is_a("SXFunction")
    for ours, theirs in zip(expanded(stoichiometry), pybamms(stoichiometry), strict=True):
        np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(
        np.asarray(engines_slope.expand()(stoichiometry)[0]).ravel(),
        np.asarray(slope.evaluate(y=stoichiometry)).ravel(),
        rtol=1e-10,
    )
    # The jacobian's diagonal: the derivative interpolant's value, plus exp's.
    np.testing.assert_allclose(
        np.diag(np.asarray(expanded(stoichiometry)[1])),
        np.asarray(slope.evaluate(y=stoichiometry)).ravel() + np.exp(stoichiometry),
        rtol=1e-10,
    )


def test_outside_a_solver_set_up_a_cubic_interpolant_converts_as_pybamms():
    t, y = casadi.MX.sym("t"), casadi.MX.sym("y", 3)
    ocp = _okane_graphite_ocp(pybamm.StateVector(slice(0, 3)))
    casadi_conversion.install()
    converted = casadi.Function("f", [y], [ocp.to_casadi(t, y)])
    with pytest.raises(RuntimeError, match="eval_sx"):
        converted.expand()


def test_the_casadi_conversion_is_installed_once_and_refuses_a_foreign_wrapper(monkeypatch):
    casadi_conversion.install()
    wrapper = pybamm.Symbol.to_casadi
    casadi_conversion.install()
    assert pybamm.Symbol.to_casadi is wrapper and casadi_conversion.installed()
    # Someone else's wrapper in place of the engine's: refused, not wrapped again.
    monkeypatch.setattr(pybamm.Symbol, "to_casadi", lambda self, *args, **kwargs: None)
    with pytest.raises(RuntimeError, match="replaced after Sortie's engine wrapped it"):
        casadi_conversion.install()
    # The same for the interpolants' conversion.
    monkeypatch.setattr(pybamm.Symbol, "to_casadi", wrapper)
    monkeypatch.setattr(pybamm.Interpolant, "_to_casadi", lambda self, *args: None)
    assert not casadi_conversion.installed()
    with pytest.raises(RuntimeError, match="replaced after Sortie's engine wrapped it"):
        casadi_conversion.install()


def test_tables_a_spline_call_cannot_stand_for_convert_as_pybamms():
    # Several outputs, or a second derivative: PyBaMM's own conversion, values as before.
    t, y = casadi.MX.sym("t"), casadi.MX.sym("y", 1)
    state = pybamm.StateVector(slice(0, 1))
    x = np.linspace(0.0, 1.0, 12)
    two_outputs = pybamm.Interpolant(x, np.column_stack([x**3, x**2]), state, interpolator="cubic")
    once = pybamm.Interpolant(x, x**3, state, interpolator="cubic").diff(state)
    twice = once.diff(state)
    assert twice._num_derivatives == 2
    for table, expected in ((two_outputs, [0.125, 0.25]), (twice, [3.0])):
        theirs = table.to_casadi(t, y)
        with casadi_conversion.shared_conversion():
            ours = table.to_casadi(t, y)
        found = casadi.Function("f", [y], [ours])(0.5)
        np.testing.assert_allclose(np.asarray(found).ravel(), expected, atol=1e-9)
        assert str(ours) == str(theirs)  # the same expression: PyBaMM's conversion
