"""Fit model parameters to measured tests with PyBOP, on the engine's current-driven models.

PyBOP (BSD-3, built on PyBaMM) supplies the problem, cost and optimiser; the solves are the
engine's (:class:`~sortie.engine.current_model.CurrentModel`): each test is a
``pybop.Problem`` whose simulator (:class:`EngineSimulator`, a ``pybop.BaseSimulator``)
solves a whole list of candidates in one IDAKLU call, and a ``pybop.MetaProblem`` sums the
tests' voltage RMSEs. PyBOP's population optimisers (XNES, CMA-ES, PSO) hand the simulator a
whole generation at once, so a generation is one batch solve per test.

The uncertainty of each fitted value is the Gauss-Newton covariance at the optimum: a
finite-difference Jacobian of all voltage residuals in the search space (log for log-scaled
values), ``sigma^2 (J^T J)^-1`` with ``sigma^2`` the residuals' variance. It assumes
independent residuals; measured residuals are correlated in time, so it is a lower bound on
the true uncertainty (PyBOP's samplers give a fuller answer at ~100x the solves).

:func:`fit_with_pybop_simulator` fits the same problem with PyBOP's own
``pybop.pybamm.Simulator`` (benchmarks compare the two).
"""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pybop

from sortie.engine import process_state
from sortie.engine.current_model import CurrentModel
from sortie.models.cell_runs import ModelSpec, RunOutput
from sortie.models.current_runs import CurrentRunInputs, FittedParameter

VOLTAGE = "Voltage [V]"
# A finite-difference step in the search space (log-scaled values: 0.1 %).
_JACOBIAN_STEP = 1e-3


class Optimiser(StrEnum):
    """PyBOP optimisers the fit offers (population ones solve a generation as one batch)."""

    XNES = "xnes"
    CMAES = "cmaes"
    PSO = "pso"
    NELDER_MEAD = "nelder-mead"


_PYBOP_OPTIMISERS = {
    Optimiser.XNES: pybop.XNES,
    Optimiser.CMAES: pybop.CMAES,
    Optimiser.PSO: pybop.PSO,
    Optimiser.NELDER_MEAD: pybop.NelderMead,
}


@dataclass(frozen=True)
class FitVariable:
    """One value the optimiser moves: its name, start and bounds (in its own unit)."""

    name: str
    initial: float
    lower: float
    upper: float
    log_scale: bool


@dataclass(frozen=True)
class FitTest:
    """One measured test as the fit sees it: the model structure, where voltages are
    compared (``time_s`` from 0) and the measured voltages there, and how a candidate (values
    by :attr:`FitVariable.name`) becomes the run's inputs."""

    name: str
    spec: ModelSpec
    fitted: tuple[FittedParameter, ...]
    time_s: np.ndarray
    voltage_v: np.ndarray
    current_a: np.ndarray
    inputs_of: Callable[[Mapping[str, float]], CurrentRunInputs]


@dataclass(frozen=True)
class FitOptions:
    optimiser: Optimiser = Optimiser.XNES
    max_iterations: int = 60
    max_unchanged_iterations: int = 15
    seed: int = 0
    solver_threads: int = 2
    population_size: int | None = None


@dataclass(frozen=True)
class FitOutcome:
    """What the optimiser found. ``standard_error`` is per variable in its own unit (None
    where the Jacobian cannot say: a flat direction); ``search_standard_error`` in the
    search space (log for log-scaled values, so a relative error)."""

    values: dict[str, float]
    cost_v: float
    initial_cost_v: float
    cost_history_v: tuple[float, ...]
    evaluations: int
    iterations: int
    seconds: float
    optimiser: str
    message: str
    standard_error: dict[str, float | None]
    search_standard_error: dict[str, float | None]
    residual_sigma_v: float
    rmse_by_test_v: dict[str, float]
    # Each test flown at the fitted values and at the start values (the report's curves).
    best_runs: dict[str, RunOutput]
    start_runs: dict[str, RunOutput]


def _on_grid(output: RunOutput, time_s: np.ndarray) -> np.ndarray | None:
    """The run's voltage at ``time_s``; past a run that stopped early, its last voltage
    (a model that reaches the cut-off first is wrong by as much as the measured voltage
    stays above it)."""
    if not output.solved or len(output.time_s) < 2:
        return None
    voltage = np.interp(time_s, output.time_s, output.voltage_v)
    return np.where(time_s > output.time_s[-1], output.voltage_v[-1], voltage)


class EngineSimulator(pybop.BaseSimulator):
    """A ``pybop.BaseSimulator`` that solves a list of candidates as one engine batch."""

    def __init__(
        self,
        parameters: pybop.Parameters,
        test: FitTest,
        solver_threads: int,
        on_batch: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parameters)
        self.test = test
        self.model = CurrentModel(test.spec, test.fitted, solver_threads)
        self.on_batch = on_batch
        self.output_variables = [VOLTAGE]

    def set_output_variables(self, target: list[str] | None) -> None:
        return None

    def runs(self, candidates: Sequence[Mapping[str, float]]) -> list[RunOutput]:
        """One engine run per candidate on the test's times, in one batch."""
        outputs = self.model.run_many(
            [self.test.inputs_of(c) for c in candidates], self.test.time_s
        )
        if self.on_batch is not None:
            self.on_batch()
        return outputs

    def voltages(self, candidates: Sequence[Mapping[str, float]]) -> list[np.ndarray | None]:
        """Model voltages on the test's times, one per candidate (None: not solved)."""
        return [_on_grid(output, self.test.time_s) for output in self.runs(candidates)]

    def solve_batch(self, inputs, calculate_sensitivities: bool = False):
        solutions = []
        for voltage, candidate in zip(self.voltages(inputs), inputs, strict=True):
            if voltage is None:
                solutions.append(pybop.FailedSolution([VOLTAGE], list(candidate)))
                continue
            solution = pybop.Solution(candidate)
            solution.set_solution_variable(VOLTAGE, voltage)
            solutions.append(solution)
        return solutions


def pybop_parameters(variables: Sequence[FitVariable]) -> pybop.Parameters:
    parameters = pybop.Parameters()
    for variable in variables:
        parameters.add(
            variable.name,
            pybop.Parameter(
                bounds=[variable.lower, variable.upper],
                initial_value=variable.initial,
                transformation=pybop.LogTransformation() if variable.log_scale else None,
            ),
        )
    return parameters


def dataset(test: FitTest) -> pybop.Dataset:
    # PyBOP 26.3 reads the control "Current function [A]" from the column "Current [A]".
    return pybop.Dataset(
        {"Time [s]": test.time_s, "Current [A]": test.current_a, VOLTAGE: test.voltage_v}
    )


def _run(
    problem: pybop.Problem,
    variables: Sequence[FitVariable],
    options: FitOptions,
) -> tuple[dict[str, float], pybop.Result, float]:
    pybop_options = pybop.PintsOptions(
        max_iterations=options.max_iterations,
        max_unchanged_iterations=options.max_unchanged_iterations,
    )
    optimiser = _PYBOP_OPTIMISERS[options.optimiser](problem, options=pybop_options)
    if options.population_size is not None and options.optimiser is not Optimiser.NELDER_MEAD:
        optimiser.set_population_size(options.population_size)
    # PINTS draws from NumPy's global generator: a seed makes a fit repeatable.
    np.random.seed(options.seed)
    started = time.perf_counter()
    # PINTS warns when a whole generation falls outside the bounds (a value at its bound,
    # which the report says): kept out of the terminal.
    with process_state.captured_warnings():
        result = optimiser.run()
    seconds = time.perf_counter() - started
    values = {v.name: float(x) for v, x in zip(variables, np.atleast_1d(result.x), strict=True)}
    return values, result, seconds


def fit(
    variables: Sequence[FitVariable],
    tests: Sequence[FitTest],
    options: FitOptions = FitOptions(),
    progress: Callable[[int, int], None] | None = None,
) -> FitOutcome:
    """Fit ``variables`` to ``tests`` (sum of the tests' voltage RMSEs) and estimate each
    value's standard error. ``progress(done, total)`` is called after each generation."""
    parameters = pybop_parameters(variables)
    generations = [0]

    def counted() -> None:
        generations[0] += 1
        if progress is not None:
            progress(min(generations[0], options.max_iterations), options.max_iterations)

    simulators = [
        EngineSimulator(parameters, test, options.solver_threads, counted if i == 0 else None)
        for i, test in enumerate(tests)
    ]
    problems = [
        pybop.Problem(simulator, pybop.RootMeanSquaredError(dataset(test)))
        for simulator, test in zip(simulators, tests, strict=True)
    ]
    # PyBOP prints a line for each parameter the tests share ("Discarding duplicate ...").
    with contextlib.redirect_stdout(io.StringIO()):
        problem = problems[0] if len(problems) == 1 else pybop.MetaProblem(*problems)
    values, result, seconds = _run(problem, variables, options)
    start = {v.name: v.initial for v in variables}
    search_error, error, sigma, rmse, best_runs, start_runs = _uncertainty(
        variables, simulators, values, start
    )
    return FitOutcome(
        values=values,
        cost_v=float(result.best_cost),
        initial_cost_v=float(result.initial_cost),
        cost_history_v=tuple(float(c) for c in np.atleast_1d(result.cost)),
        evaluations=int(result.n_evaluations),
        iterations=int(result.n_iterations),
        seconds=seconds,
        optimiser=str(result.method_name),
        message=str(result.message),
        standard_error=error,
        search_standard_error=search_error,
        residual_sigma_v=sigma,
        rmse_by_test_v=rmse,
        best_runs=best_runs,
        start_runs=start_runs,
    )


def _to_search(variable: FitVariable, value: float) -> float:
    return float(np.log(value)) if variable.log_scale else value


def _to_model(variable: FitVariable, value: float) -> float:
    return float(np.exp(value)) if variable.log_scale else value


def _uncertainty(
    variables: Sequence[FitVariable],
    simulators: Sequence[EngineSimulator],
    best: Mapping[str, float],
    start: Mapping[str, float],
) -> tuple[
    dict[str, float | None],
    dict[str, float | None],
    float,
    dict[str, float],
    dict[str, RunOutput],
    dict[str, RunOutput],
]:
    """Gauss-Newton standard errors from a forward-difference Jacobian of every residual:
    the best point and one step per variable (and the start, for the report), solved as one
    batch per test."""
    candidates = [dict(best)]
    steps = []
    for variable in variables:
        x = _to_search(variable, best[variable.name])
        # Step inwards at an upper bound, so every candidate stays within the bounds.
        upper = _to_search(variable, variable.upper)
        scale = 1.0 if variable.log_scale else max(abs(x), 1e-12)
        step = _JACOBIAN_STEP * scale
        if x + step > upper:
            step = -step
        steps.append(step)
        candidates.append({**best, variable.name: _to_model(variable, x + step)})
    residuals: list[list[np.ndarray]] = [[] for _ in candidates]
    rmse, best_runs, start_runs = {}, {}, {}
    for simulator in simulators:
        measured = simulator.test.voltage_v
        runs = simulator.runs([*candidates, dict(start)])
        best_runs[simulator.test.name], start_runs[simulator.test.name] = runs[0], runs[-1]
        for i, run in enumerate(runs[:-1]):
            voltage = _on_grid(run, simulator.test.time_s)
            missing = voltage is None
            residuals[i].append(np.full_like(measured, np.nan) if missing else voltage - measured)
        rmse[simulator.test.name] = float(np.sqrt(np.mean(residuals[0][-1] ** 2)))
    base = np.concatenate(residuals[0])
    n, p = base.size, len(variables)
    sigma = float(np.sqrt(np.sum(base**2) / max(n - p, 1)))
    jacobian = np.column_stack(
        [(np.concatenate(residuals[j + 1]) - base) / steps[j] for j in range(p)]
    )
    search_error: dict[str, float | None] = {v.name: None for v in variables}
    error: dict[str, float | None] = {v.name: None for v in variables}
    found = (search_error, error, sigma, rmse, best_runs, start_runs)
    if not np.all(np.isfinite(jacobian)):
        return found
    information = jacobian.T @ jacobian
    try:
        covariance = sigma**2 * np.linalg.pinv(information, rcond=1e-12, hermitian=True)
    except np.linalg.LinAlgError:
        return found
    for j, variable in enumerate(variables):
        flat = information[j, j] <= 0.0
        if flat or not np.isfinite(covariance[j, j]) or covariance[j, j] < 0:
            continue
        s = float(np.sqrt(covariance[j, j]))
        search_error[variable.name] = s
        # A log-scaled value's error in its own unit (first order: x * s).
        error[variable.name] = best[variable.name] * s if variable.log_scale else s
    return found


def fit_with_pybop_simulator(
    variables: Sequence[FitVariable], tests: Sequence[FitTest], options: FitOptions = FitOptions()
) -> tuple[dict[str, float], float, int]:
    """The same fit on PyBOP's own ``pybop.pybamm.Simulator`` (its recommended IDAKLU solver,
    PyBaMM's own model classes, the measured current as an interpolant), for benchmarks:
    the fitted values, seconds and evaluations. The cell's fixed values are the engine's
    inputs at the start values."""
    import pybamm

    from sortie.engine.built_model import _BASE_OPTIONS, _PYBAMM_MODEL_CLASSES
    from sortie.engine.current_model import CURRENT_INPUT, _modified
    from sortie.engine.parameters import parameter_values

    start = {v.name: v.initial for v in variables}
    problems = []
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
        for input_name in fitted_inputs:
            # The PyBOP parameter named as the model's input: PyBOP passes it by that name.
            variable = inputs_by_variable[_variable_of(input_name, test, variables)]
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
        simulator = pybop.pybamm.Simulator(model, parameter_values=values, protocol=dataset(test))
        problems.append(pybop.Problem(simulator, pybop.RootMeanSquaredError(dataset(test))))
    with contextlib.redirect_stdout(io.StringIO()):
        problem = problems[0] if len(problems) == 1 else pybop.MetaProblem(*problems)
    values_found, result, seconds = _run(problem, variables, options)
    return values_found, seconds, int(result.n_evaluations)


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
