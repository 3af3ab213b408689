"""Fit model parameters to measured tests with PyBOP, on the engine's current-driven models.

PyBOP (BSD-3, built on PyBaMM) supplies the problem, cost and optimiser; the solves are the
engine's: each test is a ``pybop.Problem`` whose simulator (:class:`EngineSimulator`, a
``pybop.BaseSimulator``) solves a whole list of candidates in one IDAKLU call (its input sets
shared out over the solver's threads), and a ``pybop.MetaProblem`` sums the tests' voltage
RMSEs. PyBOP's population optimisers (XNES, CMA-ES, PSO) hand the simulator a whole
generation at once, so a generation is one batch solve per test. The optimiser solves on a
fit build (:class:`~sortie.engine.fit_model.VoltageModel`: voltages only, what no candidate
moves as numbers, optionally compiled), one per model structure and shared by its tests,
built once per fit; the report's runs on the engine's full
:class:`~sortie.engine.current_model.CurrentModel`.

The uncertainty of each fitted value is the Gauss-Newton covariance at the optimum: a
finite-difference Jacobian of all voltage residuals in the search space (log for log-scaled
values), ``sigma^2 (J^T J)^-1`` with ``sigma^2`` the residuals' variance. It assumes
independent residuals; measured residuals are correlated in time, so it is a lower bound on
the true uncertainty (PyBOP's samplers give a fuller answer at ~100x the solves).

:func:`sortie.engine.pybop_reference.fit_with_pybop_simulator` fits the same problem with
PyBOP's own ``pybop.pybamm.Simulator`` (benchmarks compare the two).
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
from sortie.engine.fit_model import VoltageModel, fixed_inputs
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
    # Compile the fit's build (sortie.engine.fit_model): ~3x faster generations for a
    # compile at the start (SPMe ~9 s), kept in the compile cache.
    compiled: bool = False


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


def on_grid(output: RunOutput, time_s: np.ndarray) -> np.ndarray | None:
    """The run's voltage at ``time_s``; past a run that stopped early, its last voltage
    (a model that reaches the cut-off first is wrong by as much as the measured voltage
    stays above it)."""
    if not output.solved or len(output.time_s) < 2:
        return None
    voltage = np.interp(time_s, output.time_s, output.voltage_v)
    return np.where(time_s > output.time_s[-1], output.voltage_v[-1], voltage)


class EngineSimulator(pybop.BaseSimulator):
    """A ``pybop.BaseSimulator`` that solves a list of candidates as one engine batch, on a
    :class:`~sortie.engine.fit_model.VoltageModel` the tests of one build share."""

    def __init__(
        self,
        parameters: pybop.Parameters,
        test: FitTest,
        model: VoltageModel,
        on_batch: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parameters)
        self.test = test
        self.model = model
        self.on_batch = on_batch
        self.output_variables = [VOLTAGE]

    def set_output_variables(self, target: list[str] | None) -> None:
        return None

    def voltages(self, candidates: Sequence[Mapping[str, float]]) -> list[np.ndarray | None]:
        """Model voltages on the test's times, one per candidate (None: not solved)."""
        found = self.model.voltages(
            [self.test.inputs_of(c) for c in candidates], self.test.time_s
        )
        if self.on_batch is not None:
            self.on_batch()
        return found

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


def probes(variables: Sequence[FitVariable]) -> list[dict[str, float]]:
    """The start, and the start with each value at its bounds and 10 % of its (search)
    range inside them: where the inputs a fit moves show that they move."""
    start = {v.name: v.initial for v in variables}
    found = [start]
    for v in variables:
        lo, hi = _to_search(v, v.lower), _to_search(v, v.upper)
        for x in (lo, hi, lo + 0.1 * (hi - lo), hi - 0.1 * (hi - lo)):
            found.append({**start, v.name: _to_model(v, x)})
    return found


@dataclass
class FitBuilds:
    """The models of one fit, one pair per distinct model structure: the full
    ``CurrentModel`` (the report's runs) and the ``VoltageModel`` the optimiser solves on."""

    full: dict[ModelSpec, CurrentModel]
    voltage: dict[ModelSpec, VoltageModel]


def _builds(
    variables: Sequence[FitVariable],
    tests: Sequence[FitTest],
    solver_threads: int,
    compiled: bool = False,
) -> FitBuilds:
    full: dict[ModelSpec, CurrentModel] = {}
    voltage: dict[ModelSpec, VoltageModel] = {}
    for spec in dict.fromkeys(t.spec for t in tests):
        sharing = [t for t in tests if t.spec == spec]
        if len({t.fitted for t in sharing}) != 1:
            raise ValueError("tests of one model structure fit the same parameters")
        fitted = sharing[0].fitted
        full[spec] = CurrentModel(spec, fitted, solver_threads)
        runs = [t.inputs_of(p) for t in sharing for p in probes(variables)]
        fixed = fixed_inputs(full[spec], runs)
        voltage[spec] = VoltageModel(spec, fitted, solver_threads, fixed, compiled)
    return FitBuilds(full, voltage)


def engine_problem(
    variables: Sequence[FitVariable],
    tests: Sequence[FitTest],
    solver_threads: int = 2,
    on_batch: Callable[[], None] | None = None,
    compiled: bool = False,
) -> tuple[pybop.Problem, list[EngineSimulator], FitBuilds]:
    """The fit as a PyBOP problem on the engine's builds (the sum of the tests' voltage
    RMSEs): a population is one batch per test, each on its build's ``VoltageModel``."""
    parameters = pybop_parameters(variables)
    builds = _builds(variables, tests, solver_threads, compiled)
    simulators = [
        EngineSimulator(parameters, t, builds.voltage[t.spec], on_batch if i == 0 else None)
        for i, t in enumerate(tests)
    ]
    problems = [
        pybop.Problem(simulator, pybop.RootMeanSquaredError(dataset(test)))
        for simulator, test in zip(simulators, tests, strict=True)
    ]
    # PyBOP prints a line for each parameter the tests share ("Discarding duplicate ...").
    with contextlib.redirect_stdout(io.StringIO()):
        problem = problems[0] if len(problems) == 1 else pybop.MetaProblem(*problems)
    return problem, simulators, builds


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


def run_optimiser(
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
    generations = [0]

    def counted() -> None:
        generations[0] += 1
        if progress is not None:
            progress(min(generations[0], options.max_iterations), options.max_iterations)

    problem, simulators, builds = engine_problem(
        variables, tests, options.solver_threads, counted, options.compiled
    )
    values, result, seconds = run_optimiser(problem, variables, options)
    start = {v.name: v.initial for v in variables}
    search_error, error, sigma, rmse, best_runs, start_runs = _uncertainty(
        variables, simulators, builds, values, start
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
    builds: FitBuilds,
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
    the best point and one step per variable, solved as one batch per test; the best and
    the start flown on the full build (the report's curves)."""
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
        test = simulator.test
        measured = test.voltage_v
        runs = builds.full[test.spec].run_many(
            [test.inputs_of(best), test.inputs_of(start)], test.time_s
        )
        best_runs[test.name], start_runs[test.name] = runs
        for i, voltage in enumerate(simulator.voltages(candidates)):
            missing = voltage is None
            residuals[i].append(np.full_like(measured, np.nan) if missing else voltage - measured)
        rmse[test.name] = float(np.sqrt(np.mean(residuals[0][-1] ** 2)))
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
