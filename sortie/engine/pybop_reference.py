"""The engine's fit problem on PyBOP's own ``pybop.pybamm.Simulator``: the reference the
calibration benchmark (``benchmarks/bench_calibration.py``) times the engine against, with
the same search space, start, cost, data and optimiser as :func:`sortie.engine.fitting.fit`.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from dataclasses import dataclass

import pybop

from sortie.engine.current_model import CurrentModel
from sortie.engine.fitting import (
    FitOptions,
    FitTest,
    FitVariable,
    dataset,
    pybop_parameters,
    run_optimiser,
)
from sortie.models.current_runs import FittedParameter


@dataclass(frozen=True)
class BenchmarkFit:
    """A fit as benchmarks compare it (see :func:`fit_with_pybop_simulator`)."""

    values: dict[str, float]
    cost_v: float
    seconds: float
    evaluations: int
    iterations: int


def fit_with_pybop_simulator(
    variables: Sequence[FitVariable],
    tests: Sequence[FitTest],
    options: FitOptions | None = None,
    relative_tolerance: float | None = None,
) -> BenchmarkFit:
    """The same fit on PyBOP's own ``pybop.pybamm.Simulator`` (PyBaMM's own model classes,
    the measured current as an interpolant, its recommended IDAKLU solver: rtol 1e-6, all
    cores; ``relative_tolerance`` replaces its rtol), for benchmarks. The cell's fixed values
    are the engine's inputs at the start values. The PyBOP parameters are the fitted inputs
    in the order of ``variables`` (one input per variable), so the optimiser sees the same
    search space, in the same order, as :func:`fit`."""
    import pybamm

    from sortie.engine.built_model import _BASE_OPTIONS, _PYBAMM_MODEL_CLASSES
    from sortie.engine.current_model import CURRENT_INPUT, _modified
    from sortie.engine.parameters import parameter_values

    options = options or FitOptions()
    start = {v.name: v.initial for v in variables}
    problems = []
    owners_of: dict[str, str] = {}
    for test in tests:
        engine = CurrentModel(test.spec, test.fitted, 1)
        fixed = engine.input_values(test.inputs_of(start))
        fitted_inputs = {p.input_name for p in test.fitted}
        options_ = {**_BASE_OPTIONS, **dict(test.spec.model_options), "operating mode": "current"}
        model = _PYBAMM_MODEL_CLASSES[test.spec.model](options=options_)
        values, _, _ = parameter_values(test.spec, model.options)
        groups: dict[str, list[FittedParameter]] = {}
        for parameter in test.fitted:
            groups.setdefault(parameter.pybamm_name, []).append(parameter)
        for name, group in groups.items():
            key = name if name in values else f"Primary: {name}"
            values[key] = _modified(values[key], group)
        # Every engine input but the fitted ones and the current is a number here.
        numbers = {
            k: v
            for k, v in fixed.items()
            if k not in fitted_inputs and not k.startswith(CURRENT_INPUT)
        }
        values.update({k: v for k, v in numbers.items() if k in values}, check_already_exists=False)
        for key, value in values.items():
            if isinstance(value, pybamm.InputParameter) and value.name in numbers:
                values[key] = numbers[value.name]
        inputs_by_variable = {v.name: v for v in variables}
        order = [v.name for v in variables]
        owners = {name: _variable_of(name, test, variables) for name in fitted_inputs}
        if sorted(owners.values()) != sorted(order):
            raise ValueError("PyBOP's own fit here needs one fitted input per variable")
        owners_of |= owners
        for input_name in sorted(fitted_inputs, key=lambda n: order.index(owners[n])):
            # The PyBOP parameter named as the model's input: PyBOP passes it by that name.
            variable = inputs_by_variable[owners[input_name]]
            values.update(
                {input_name: pybop_parameters([variable])[variable.name]},
                check_already_exists=False,
            )
        # The piecewise ambient and heat transfer read per-segment inputs: segment 0's.
        values.update(
            {
                "Ambient temperature [K]": numbers["Ambient temperature [K] 0"],
                "Total heat transfer coefficient [W.m-2.K-1]": numbers[
                    "Heat transfer coefficient [W.m-2.K-1] 0"
                ],
            }
        )
        solver = None
        if relative_tolerance is not None:
            solver = pybop.pybamm.RecommendedSolver()
            solver.rtol = relative_tolerance
        simulator = pybop.pybamm.Simulator(
            model, parameter_values=values, protocol=dataset(test), solver=solver
        )
        problems.append(pybop.Problem(simulator, pybop.RootMeanSquaredError(dataset(test))))
    with contextlib.redirect_stdout(io.StringIO()):
        problem = problems[0] if len(problems) == 1 else pybop.MetaProblem(*problems)
    names = list(problem.parameters.keys())
    if [owners_of[n] for n in names] != [v.name for v in variables]:
        raise AssertionError(f"PyBOP's parameters are not in the variables' order: {names}")
    values_found, result, seconds = run_optimiser(problem, variables, options)
    return BenchmarkFit(
        values=values_found,
        cost_v=float(result.best_cost),
        seconds=seconds,
        evaluations=int(result.n_evaluations),
        iterations=int(result.n_iterations),
    )


def _variable_of(input_name: str, test: FitTest, variables: Sequence[FitVariable]) -> str:
    """The variable whose value a fitted input carries: the test's inputs at a probe where
    only that variable moves."""
    probe = {v.name: v.initial for v in variables}
    base = test.inputs_of(probe).fitted_values
    index = [p.input_name for p in test.fitted].index(input_name)
    for variable in variables:
        moved = dict(probe)
        moved[variable.name] = variable.initial * 1.5 + 1.0
        if test.inputs_of(moved).fitted_values[index] != base[index]:
            return variable.name
    raise ValueError(f"no variable sets {input_name}")
