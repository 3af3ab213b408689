"""A fit's population is solved as one batch per test on its fit build (voltages only, the
inputs no candidate moves as numbers): the same costs as one candidate at a time, and as the
engine's full current-driven build (real PyBaMM solves, SPM)."""

from __future__ import annotations

import numpy as np
import pytest

from sortie.calibration.fit import fit_problem
from sortie.calibration.parameters import FitKey
from sortie.presets.loader import load_cell
from tests.test_calibration import BASE, synthetic_test

KEYS = (FitKey.NEGATIVE_DIFFUSIVITY, FitKey.POSITIVE_ACTIVE_FRACTION)


@pytest.fixture(scope="module")
def problem():
    from sortie.engine.fitting import engine_problem

    cell = load_cell(BASE)
    tests = [
        synthetic_test(cell, rate, {FitKey.NEGATIVE_DIFFUSIVITY: 2.0}, seed)
        for seed, rate in enumerate((1, 2))
    ]
    _, variables, fit_tests = fit_problem(cell, tests, KEYS, "spm")
    found, simulators, builds = engine_problem(variables, fit_tests, solver_threads=2)
    return variables, fit_tests, found, simulators, builds


def population(variables) -> list[dict[str, float]]:
    """A generation as an optimiser draws it: spread over the bounds, one on a bound."""
    rng = np.random.default_rng(4)
    found = []
    for _ in range(6):
        candidate = {}
        for v in variables:
            lo, hi = (np.log(v.lower), np.log(v.upper)) if v.log_scale else (v.lower, v.upper)
            x = rng.uniform(lo + 0.3 * (hi - lo), hi - 0.3 * (hi - lo))
            candidate[v.name] = float(np.exp(x) if v.log_scale else x)
        found.append(candidate)
    found.append({v.name: v.upper for v in variables})
    return found


def test_a_generation_solved_as_one_batch_costs_what_each_candidate_costs_alone(problem):
    variables, _, found, _, _ = problem
    candidates = population(variables)
    batch = found.evaluate(candidates).values
    alone = [found.evaluate([c]).values[0] for c in candidates]
    assert np.all(np.isfinite(batch))
    np.testing.assert_array_equal(batch, alone)


def test_the_fit_build_costs_what_the_full_build_costs(problem):
    """The voltage-only build with fixed inputs as numbers changes no cost beyond the
    solver's tolerance (0.1 mV of summed RMSE), candidate by candidate on the full build."""
    from sortie.engine.fitting import on_grid

    variables, fit_tests, found, _, builds = problem
    candidates = population(variables)
    batch = found.evaluate(candidates).values
    for candidate, cost in zip(candidates, batch, strict=True):
        total = 0.0
        for test in fit_tests:
            (run,) = builds.full[test.spec].run_many([test.inputs_of(candidate)], test.time_s)
            voltage = on_grid(run, test.time_s)
            total += float(np.sqrt(np.mean((voltage - test.voltage_v) ** 2)))
        assert cost == pytest.approx(total, abs=1e-4)


def test_the_fit_build_keeps_as_inputs_exactly_what_the_fit_moves(problem):
    _, fit_tests, _, _, builds = problem
    (model,) = builds.voltage.values()
    fixed = model.fixed
    # The cell's geometry and thermal mass do not move: numbers in the build.
    assert "Negative electrode thickness [m]" in fixed and "Cell volume [m3]" in fixed
    # The fitted active fraction moves its own input and the initial concentrations.
    moving = set(builds.full[fit_tests[0].spec].input_values(fit_tests[0].inputs_of(
        {"negative-diffusivity": 1.0, "positive-active-fraction": 0.6}
    ))) - set(fixed)
    assert "Positive electrode active material volume fraction" in moving
    assert any("concentration" in key for key in moving)
    assert not any(key.startswith("Sortie fit") for key in fixed)


def test_a_compiled_fit_build_costs_what_the_uncompiled_one_costs(problem, tmp_path, monkeypatch):
    from sortie.engine.fitting import engine_problem
    from sortie.models.compile_cache import COMPILE_CACHE_VARIABLE

    monkeypatch.setenv(COMPILE_CACHE_VARIABLE, str(tmp_path))
    variables, fit_tests, found, _, _ = problem
    compiled, _, builds = engine_problem(variables, fit_tests, solver_threads=2, compiled=True)
    assert all(model.compiled for model in builds.voltage.values())
    candidates = population(variables)
    np.testing.assert_allclose(
        compiled.evaluate(candidates).values, found.evaluate(candidates).values, atol=1e-9
    )
    assert list(tmp_path.glob("*.so"))
