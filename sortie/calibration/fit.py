"""Calibrate a cell: fit chosen parameters to measured tests (PyBOP on the engine's models).

:func:`calibrate` takes a base cell (a preset or cell file), the calibration tests and the
parameters to fit (default: by what the tests can identify, :mod:`.parameters`) and returns
a :class:`Calibration`: every fitted value with its start, bounds, result and standard error
(and the method that gave it), the cost history, each test's errors at the fitted values,
and warnings where a value sits on its bound or the data cannot identify it. Checking the
fitted cell on validation tests is a separate step (:mod:`sortie.measurements.replay`).

Each test is flown as measured: its current as piecewise-constant steps, its chamber as the
ambient, from a full cell (``initial_state_of_charge``). A discharge is compared up to its
lowest voltage (the cut-off): the model stops there, and the rest after it says nothing the
discharge did not.

Why one module of ~480 lines: it is one idea, a test as the fit sees it (window, current
steps, grid) and back (its errors at the fitted values); a split would cut that round trip.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sortie.calibration.parameters import (
    REGISTRY,
    FitKey,
    Fittable,
    Place,
    default_parameters,
)
from sortie.cells.cell import Cell
from sortie.errors import InputError
from sortie.measurements.cell_test import CellTest, TestKind
from sortie.measurements.lgm50 import CHAMBER_HEAT_TRANSFER_COEFFICIENT_W_PER_M2_K
from sortie.models.cell_runs import DesignInputs, ModelSpec, RunOutput, to_hashable_options
from sortie.models.current_runs import CurrentRunInputs
from sortie.models.run_setup import celsius_to_kelvin, design_inputs

DEFAULT_MODEL = "spme"
# A chamber with a fan, as measured for the shipped LG M50 tests (sortie.measurements.lgm50:
# the cells' own cooling in the rests after their discharges); the measured validation flies
# the same value.
DEFAULT_HEAT_TRANSFER_W_PER_M2_K = CHAMBER_HEAT_TRANSFER_COEFFICIENT_W_PER_M2_K
DEFAULT_MAX_POINTS = 200
# The fit's own temperature stop: far above any test, so a hot test is never cut short.
_FIT_MAX_TEMPERATURE_C = 120.0
# A value within 1 % of its (log or linear) range from a bound sits on it.
BOUND_FRACTION = 0.01
# Not identifiable: a standard error above this share of the search range.
IDENTIFIABLE_FRACTION = 0.25
_DISCHARGES = (TestKind.SLOW_DISCHARGE, TestKind.RATE)
# Design paths -> the engine's design field and the factor from the file's unit to SI.
_DESIGN_INPUTS = {
    "positive.active_material_volume_fraction": ("positive_active_material_volume_fraction", 1.0),
    "negative.active_material_volume_fraction": ("negative_active_material_volume_fraction", 1.0),
    "positive.particle_radius_um": ("positive_particle_radius_m", 1e-6),
    "negative.particle_radius_um": ("negative_particle_radius_m", 1e-6),
}
UNCERTAINTY_METHOD = (
    "Gauss-Newton covariance from a finite-difference Jacobian of the voltage residuals at "
    "the optimum (assumes independent residuals: a lower bound)"
)


@dataclass(frozen=True)
class FittedValue:
    key: FitKey
    label: str
    unit: str
    place: Place
    start: float
    lower: float
    upper: float
    value: float
    standard_error: float | None
    on_bound: bool
    identifiable: bool
    design_path: str | None = None

    @property
    def relative_error(self) -> float | None:
        if self.standard_error is None or self.value == 0:
            return None
        return abs(self.standard_error / self.value)


@dataclass(frozen=True)
class TestFit:
    """One calibration test at the start and at the fitted values."""

    __test__ = False  # not a pytest class

    name: str
    kind: TestKind
    ambient_c: float
    mean_current_a: float
    time_s: np.ndarray
    measured_voltage_v: np.ndarray
    measured_temperature_c: np.ndarray | None
    fitted: RunOutput
    start: RunOutput
    rmse_mv: float
    start_rmse_mv: float
    # Discharges only (None otherwise): time to the cut-off and capacity, model vs measured.
    cutoff_time_error_pct: float | None
    capacity_error_pct: float | None
    # Where a cell temperature was logged: peak rise, model minus measured.
    peak_temperature_error_k: float | None


@dataclass(frozen=True)
class Calibration:
    """A finished fit (see the module's docstring)."""

    base_cell: Cell
    base_reference: str
    model: str
    values: tuple[FittedValue, ...]
    tests: tuple[TestFit, ...]
    optimiser: str
    uncertainty_method: str
    cost_v: float
    initial_cost_v: float
    cost_history_v: tuple[float, ...]
    evaluations: int
    iterations: int
    seconds: float
    warnings: tuple[str, ...]

    def value(self, key: FitKey) -> float:
        return next(v.value for v in self.values if v.key is key)

    @property
    def design_changes(self) -> dict[str, float]:
        """The fitted design fields as a cell file's ``[changes]`` (to 6 decimals: what the
        file holds, so the cell that loads is the cell described here)."""
        return {
            v.design_path: round(v.value, 6) for v in self.values if v.design_path is not None
        }


def _design_value(cell: Cell, path: str) -> float:
    side, _, name = path.partition(".")
    return float(getattr(getattr(cell.design, side), name))


def _start_and_bounds(
    fittable: Fittable, cell: Cell, bounds: Mapping[FitKey, tuple[float, float]]
) -> tuple[float, float, float]:
    if fittable.design_path is not None:
        base = _design_value(cell, fittable.design_path)
        lower, upper = base * fittable.lower, base * fittable.upper
        if fittable.design_path.endswith("active_material_volume_fraction"):
            # Porosity stays: porosity + active fraction <= 1 (a cell file must load).
            side = getattr(cell.design, fittable.design_path.partition(".")[0])
            upper = max(min(upper, 1.0 - side.porosity), base)
        start = base
    else:
        lower, upper = fittable.lower, fittable.upper
        start = 1.0 if fittable.start is None else fittable.start
    if fittable.key in bounds:
        lower, upper = bounds[fittable.key]
    if not lower < upper:
        raise InputError(f"{fittable.key.value}: the lower bound must be below the upper")
    return min(max(start, lower), upper), lower, upper


def _segments(time_s: np.ndarray, current_a: np.ndarray) -> tuple[tuple[float, ...], tuple]:
    """The measured current as piecewise-constant steps (start times from 0, charge-keeping
    means): a new step where the current moves by more than 2 % of its largest value."""
    tolerance = max(0.02 * float(np.max(np.abs(current_a))), 1e-3)
    starts = [0]
    for i in range(1, len(current_a)):
        if abs(current_a[i] - current_a[starts[-1]]) > tolerance:
            starts.append(i)
    edges = [*starts, len(current_a) - 1]
    times, means = [], []
    for a, b in itertools.pairwise(edges):
        span = time_s[b] - time_s[a]
        if b > a and span > 0:
            mean = np.trapezoid(current_a[a : b + 1], time_s[a : b + 1]) / span
        else:
            mean = current_a[a]
        times.append(float(time_s[a] - time_s[0]))
        means.append(float(mean))
    return tuple(times), tuple(means)


def _window(test: CellTest) -> slice:
    """The samples a fit compares: a discharge up to its lowest voltage, else all."""
    if test.kind in _DISCHARGES:
        return slice(0, int(np.argmin(test.voltage_v)) + 1)
    return slice(0, len(test.time_s))


def _grid_indices(count: int, max_points: int) -> np.ndarray:
    if count <= max_points:
        return np.arange(count)
    return np.unique(np.round(np.linspace(0, count - 1, max_points)).astype(int))


def _spec(cell: Cell, model: str, starts: tuple[float, ...], soc: float) -> ModelSpec:
    chemistry = cell.chemistry
    return ModelSpec(
        parameter_set=chemistry.parameter_set,
        model=model,
        model_options=to_hashable_options(chemistry.model_options),
        parameter_supplement=tuple(sorted(chemistry.parameter_supplement.items())),
        initial_state_of_charge=soc,
        segment_start_times_s=starts,
        bpx_json=chemistry.bpx_json,
        # A calibrated base keeps its changes: a new fit's factors multiply them.
        parameter_changes=cell.model_parameter_changes,
    )


def _design(base: DesignInputs, cell: Cell, values: Mapping[str, float]) -> DesignInputs:
    changes = {}
    secondary = cell.design.negative.secondary_active_material_volume_fraction
    for key, value in values.items():
        path = REGISTRY[FitKey(key)].design_path
        if path is None:
            continue
        field, to_si = _DESIGN_INPUTS[path]
        # The engine's negative fraction is the primary phase's (the total less silicon).
        changes[field] = value * to_si - (secondary if field.startswith("negative_active") else 0)
    return dataclasses.replace(base, **changes) if changes else base


def fit_problem(
    base_cell: Cell,
    tests: Sequence[CellTest],
    parameters: Sequence[FitKey] | None = None,
    model: str = DEFAULT_MODEL,
    *,
    bounds: Mapping[FitKey, tuple[float, float]] | None = None,
    heat_transfer_coefficient_w_per_m2_k: float = DEFAULT_HEAT_TRANSFER_W_PER_M2_K,
    initial_state_of_charge: float = 1.0,
    max_points: int = DEFAULT_MAX_POINTS,
):
    """The fit in the engine's terms (see :func:`calibrate`): the registry entries, the
    optimiser's variables and one :class:`~sortie.engine.fitting.FitTest` per test."""
    from sortie.engine.fitting import FitTest, FitVariable

    if not tests:
        raise InputError("calibrate: no calibration tests")
    keys = tuple(parameters) if parameters else default_parameters(tests)
    if not keys:
        raise InputError("calibrate: no parameters to fit")
    fittables = [REGISTRY[key] for key in keys]
    variables = []
    for fittable in fittables:
        start, lower, upper = _start_and_bounds(fittable, base_cell, bounds or {})
        variables.append(FitVariable(fittable.key.value, start, lower, upper, fittable.log_scale))
    fitted = tuple(p for f in fittables for p in f.pybamm)
    owner = {p: f.key.value for f in fittables for p in f.pybamm}
    base_design = design_inputs(base_cell)
    budget = base_cell.budget
    volume_m3 = budget.volume_m3

    def maker(currents: tuple[float, ...], test: CellTest, initial_c: float):
        def inputs_of(values: Mapping[str, float]) -> CurrentRunInputs:
            return CurrentRunInputs(
                cell_current_a=currents,
                ambient_k=celsius_to_kelvin(test.ambient_c),
                initial_temperature_k=celsius_to_kelvin(initial_c),
                max_temperature_k=celsius_to_kelvin(_FIT_MAX_TEMPERATURE_C),
                heat_transfer_coefficient_w_per_m2_k=values.get(
                    FitKey.HEAT_TRANSFER.value, heat_transfer_coefficient_w_per_m2_k
                ),
                cell_volume_m3=volume_m3,
                cooling_area_m2=base_cell.design.format.surface_area_m2,
                volumetric_heat_capacity_j_per_m3_k=base_cell.heat_capacity_j_per_k / volume_m3,
                design=_design(base_design, base_cell, values),
                series_resistance_ohm=values.get(FitKey.CONTACT_RESISTANCE.value, 0.0),
                fitted_values=tuple(values[owner[p]] for p in fitted),
            )

        return inputs_of

    fit_tests = []
    for test in tests:
        window = _window(test)
        time_s = test.time_s[window] - test.time_s[0]
        starts, currents = _segments(time_s, test.current_a[window])
        chosen = _grid_indices(len(time_s), max_points)
        temperature = test.temperature_c
        initial_c = test.ambient_c if temperature is None else float(temperature[0])
        fit_tests.append(
            FitTest(
                name=test.name,
                spec=_spec(base_cell, model, starts, initial_state_of_charge),
                fitted=fitted,
                time_s=time_s[chosen],
                voltage_v=test.voltage_v[window][chosen],
                current_a=test.current_a[window][chosen],
                inputs_of=maker(currents, test, initial_c),
            )
        )
    return fittables, variables, fit_tests


def calibrate(
    base_cell: Cell,
    tests: Sequence[CellTest],
    parameters: Sequence[FitKey] | None = None,
    model: str = DEFAULT_MODEL,
    optimiser: str = "xnes",
    *,
    base_reference: str | None = None,
    max_iterations: int = 60,
    bounds: Mapping[FitKey, tuple[float, float]] | None = None,
    heat_transfer_coefficient_w_per_m2_k: float = DEFAULT_HEAT_TRANSFER_W_PER_M2_K,
    initial_state_of_charge: float = 1.0,
    max_points: int = DEFAULT_MAX_POINTS,
    seed: int = 0,
    max_unchanged_iterations: int = 15,
    compiled: bool = False,
    solver_threads: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> Calibration:
    """Fit ``parameters`` of ``base_cell`` to ``tests`` (see the module's docstring).
    ``bounds`` replaces a value's bounds (in its own unit); ``progress(done, total)`` is
    called after each generation; the fit stops after ``max_iterations`` generations or
    ``max_unchanged_iterations`` without a better cost; ``compiled`` compiles the fit's
    build (:mod:`sortie.engine.fit_model`: ~3x faster for a compile at the start). Raises
    :class:`InputError` for no tests or an unknown optimiser."""
    from sortie.engine.fitting import FitOptions, Optimiser, fit

    try:
        method = Optimiser(optimiser)
    except ValueError:
        known = ", ".join(o.value for o in Optimiser)
        raise InputError(f"unknown optimiser {optimiser!r} (choose from {known})") from None
    fittables, variables, fit_tests = fit_problem(
        base_cell,
        tests,
        parameters,
        model,
        bounds=bounds,
        heat_transfer_coefficient_w_per_m2_k=heat_transfer_coefficient_w_per_m2_k,
        initial_state_of_charge=initial_state_of_charge,
        max_points=max_points,
    )
    outcome = fit(
        variables,
        fit_tests,
        FitOptions(
            optimiser=method,
            max_iterations=max_iterations,
            max_unchanged_iterations=max_unchanged_iterations,
            seed=seed,
            compiled=compiled,
            solver_threads=solver_threads,
        ),
        progress,
    )
    values = tuple(
        _fitted_value(
            f,
            v,
            outcome.values[v.name],
            outcome.standard_error[v.name],
            outcome.search_standard_error[v.name],
        )
        for f, v in zip(fittables, variables, strict=True)
    )
    test_fits = tuple(
        _test_fit(test, fit_test, outcome.best_runs[test.name], outcome.start_runs[test.name])
        for test, fit_test in zip(tests, fit_tests, strict=True)
    )
    return Calibration(
        base_cell=base_cell,
        base_reference=base_reference or base_cell.id,
        model=model,
        values=values,
        tests=test_fits,
        optimiser=outcome.optimiser,
        uncertainty_method=UNCERTAINTY_METHOD,
        cost_v=outcome.cost_v,
        initial_cost_v=outcome.initial_cost_v,
        cost_history_v=outcome.cost_history_v,
        evaluations=outcome.evaluations,
        iterations=outcome.iterations,
        seconds=outcome.seconds,
        warnings=_warnings(values, test_fits),
    )


def _search(value: float, log_scale: bool) -> float:
    return math.log(value) if log_scale else value


def _fitted_value(fittable, variable, value, error, search_error) -> FittedValue:
    lo, hi = (
        _search(variable.lower, fittable.log_scale),
        _search(variable.upper, fittable.log_scale),
    )
    x = _search(value, fittable.log_scale)
    span = hi - lo
    on_bound = min(x - lo, hi - x) <= BOUND_FRACTION * span
    identifiable = search_error is not None and search_error <= IDENTIFIABLE_FRACTION * span
    return FittedValue(
        key=fittable.key,
        label=fittable.label,
        unit=fittable.unit,
        place=fittable.place,
        start=variable.initial,
        lower=variable.lower,
        upper=variable.upper,
        value=value,
        standard_error=error,
        on_bound=on_bound,
        identifiable=identifiable,
        design_path=fittable.design_path,
    )


def _rmse_mv(run: RunOutput, time_s: np.ndarray, voltage_v: np.ndarray) -> float:
    if not run.solved or len(run.time_s) < 2:
        return math.inf
    model = np.interp(time_s, run.time_s, run.voltage_v)
    model = np.where(time_s > run.time_s[-1], run.voltage_v[-1], model)
    return float(np.sqrt(np.mean((model - voltage_v) ** 2)) * 1000)


def _test_fit(test: CellTest, fit_test, fitted: RunOutput, start: RunOutput) -> TestFit:
    window = _window(test)
    time_s = test.time_s[window] - test.time_s[0]
    voltage = test.voltage_v[window]
    cutoff_error = capacity_error = peak_error = None
    if test.kind in _DISCHARGES and fitted.solved:
        measured_s = float(time_s[-1])
        measured_ah = float(np.trapezoid(test.current_a[window], time_s) / 3600)
        cutoff_error = (float(fitted.time_s[-1]) / measured_s - 1) * 100 if measured_s else None
        model_ah = float(fitted.discharge_capacity_ah[-1])
        capacity_error = (model_ah / measured_ah - 1) * 100 if measured_ah > 0 else None
    temperature = None if test.temperature_c is None else test.temperature_c[window]
    if temperature is not None and fitted.solved:
        measured_rise = float(np.nanmax(temperature) - temperature[0])
        model_rise = float(np.max(fitted.temperature_k) - fitted.temperature_k[0])
        peak_error = model_rise - measured_rise
    span = time_s[-1] - time_s[0]
    mean_current = float(np.trapezoid(test.current_a[window], time_s) / span) if span else 0.0
    return TestFit(
        name=test.name,
        kind=test.kind,
        ambient_c=test.ambient_c,
        mean_current_a=mean_current,
        time_s=time_s,
        measured_voltage_v=voltage,
        measured_temperature_c=temperature,
        fitted=fitted,
        start=start,
        rmse_mv=_rmse_mv(fitted, time_s, voltage),
        start_rmse_mv=_rmse_mv(start, time_s, voltage),
        cutoff_time_error_pct=cutoff_error,
        capacity_error_pct=capacity_error,
        peak_temperature_error_k=peak_error,
    )


def _warnings(values: Sequence[FittedValue], tests: Sequence[TestFit]) -> tuple[str, ...]:
    found = []
    for value in values:
        if value.on_bound:
            side = (
                "lower"
                if abs(value.value - value.lower) < abs(value.value - value.upper)
                else "upper"
            )
            found.append(
                f"{value.key.value} sits on its {side} bound ({_number(value.value)} {value.unit}"
                f"; bounds {_number(value.lower)}..{_number(value.upper)}): the best value may "
                "lie outside; widen the bounds or check the base cell"
            )
        if not value.identifiable:
            found.append(
                f"{value.key.value} is not identified by these tests (its uncertainty spans more "
                f"than {IDENTIFIABLE_FRACTION:.0%} of its range, or the cost is flat in it): "
                "fix it, or add tests that move it"
            )
    for test in tests:
        if not math.isfinite(test.rmse_mv):
            found.append(f"{test.name}: the fitted cell does not fly this test")
    return tuple(found)


def _number(value: float) -> str:
    return f"{value:.4g}"
