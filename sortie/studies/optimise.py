"""Optimisation over a design space: the best design for a figure, under constraints.

An optimisation file names a ``[base]`` like a sweep file, ``[[variables]]`` (the sweep's
dimensions: continuous ranges, whole-number ranges, or ``values`` to choose from),
``[[objectives]]`` (a figure of a design's row, e.g. ``endurance_s``, ``final_state_of_charge``,
``mission_gravimetric_energy_density_wh_per_kg``, ``pack_mass_kg``, to maximise or minimise)
and ``[[constraints]]`` (a figure with a ``min`` and/or ``max``; ``mission_completed`` with
``min = 1`` requires a completed mission). A design that cannot fly is infeasible.

One objective: SciPy's differential evolution, a population solved as one batch per generation
(``vectorized``), whole-number and choice variables by its ``integrality``, constraints by a
penalty that ranks every infeasible design below every feasible one. Several objectives:
Optuna's NSGA-II, a generation asked, flown as one batch and told; the result is the Pareto
front of the feasible designs. Every design is flown once (results are kept by design).
"""

from __future__ import annotations

import concurrent.futures as cf
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import Field, TypeAdapter, ValidationError, model_validator
from pydantic.dataclasses import dataclass as checked

from sortie import quantities
from sortie.cells.chemistry import STRICT
from sortie.errors import InputError, describe_validation_error
from sortie.presets.loader import read_toml
from sortie.studies.design_rows import (
    ROW_COLUMNS,
    TEXT_COLUMNS,
    SweepBase,
    resolve_base,
    rows_frame,
)
from sortie.studies.design_space import Base, Dimension, SweepSpec, with_file_paths
from sortie.studies.executors import executor_for
from sortie.studies.pareto import pareto_mask
from sortie.studies.sweep import evaluate

# Figures an objective or a constraint may name: the numeric and yes/no columns of a row.
FIGURES = tuple(c for c in ROW_COLUMNS if c not in TEXT_COLUMNS)
# Infeasible designs score above every feasible one (all objectives are minimised inside).
_INFEASIBLE = 1e12
Progress = Callable[[int, int], None]


class Goal(StrEnum):
    MAXIMISE = "maximise"
    MINIMISE = "minimise"

    @classmethod
    def better(cls, figure: str) -> Goal:
        """The better way of ``figure`` (:data:`sortie.quantities.FIGURES`); a figure the
        registry gives no direction is maximised."""
        known = quantities.FIGURES.get(figure)
        return cls.MINIMISE if known is not None and not known.more_is_better else cls.MAXIMISE

    @property
    def more_is_better(self) -> bool:
        return self is Goal.MAXIMISE


@checked(config=STRICT)
class Objective:
    """``figure`` to maximise or minimise; without a ``goal``, the figure's better way (less
    pack mass, a cooler peak temperature, more endurance: :meth:`Goal.better`)."""

    figure: str
    goal: Goal | None = None

    @model_validator(mode="after")
    def _check(self) -> Objective:
        if self.figure not in FIGURES:
            raise ValueError(f"objective '{self.figure}': choose from {', '.join(FIGURES)}")
        if self.goal is None:
            object.__setattr__(self, "goal", Goal.better(self.figure))
        return self


@checked(config=STRICT)
class Constraint:
    """``min <= figure <= max`` (either bound may be left out; yes/no figures count 0/1)."""

    figure: str
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _check(self) -> Constraint:
        if self.figure not in FIGURES:
            raise ValueError(f"constraint '{self.figure}': choose from {', '.join(FIGURES)}")
        if self.min is None and self.max is None:
            raise ValueError(f"constraint '{self.figure}': give min, max or both")
        return self

    def violation(self, value: float) -> float:
        """0 when met, else how far outside (relative to the bound's size)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return 1.0
        value = float(value)
        low = 0.0 if self.min is None else max(0.0, self.min - value) / max(abs(self.min), 1.0)
        high = 0.0 if self.max is None else max(0.0, value - self.max) / max(abs(self.max), 1.0)
        return low + high


class Method(StrEnum):
    DIFFERENTIAL_EVOLUTION = "differential evolution"
    NSGA_II = "nsga-ii"


@checked(config=STRICT)
class Optimiser:
    """``population`` designs per generation (a batch), at most ``generations`` of them."""

    method: Method | None = None
    population: Annotated[int, Field(ge=4, le=500)] = 16
    generations: Annotated[int, Field(ge=1, le=1000)] = 20
    seed: int = 0


@checked(config=STRICT)
class OptimiseSpec:
    base: Base
    variables: Annotated[tuple[Dimension, ...], Field(min_length=1, max_length=20)]
    objectives: Annotated[tuple[Objective, ...], Field(min_length=1, max_length=4)]
    constraints: tuple[Constraint, ...] = ()
    optimiser: Optimiser = Field(default_factory=Optimiser)
    name: str = "optimisation"
    description: str = ""

    @model_validator(mode="after")
    def _check(self) -> OptimiseSpec:
        for variable in self.variables:
            if variable.values is None and (variable.start is None or variable.stop is None):
                raise ValueError(f"variable {variable.field}: give start and stop, or values")
        method = self.optimiser.method
        if method is Method.DIFFERENTIAL_EVOLUTION and len(self.objectives) > 1:
            raise ValueError("differential evolution takes one objective; nsga-ii takes several")
        return self

    @property
    def method(self) -> Method:
        if self.optimiser.method is not None:
            return self.optimiser.method
        return Method.DIFFERENTIAL_EVOLUTION if len(self.objectives) == 1 else Method.NSGA_II

    def sweep_spec(self) -> SweepSpec:
        """The design space as a sweep (its fields and row types)."""
        return SweepSpec(base=self.base, dimensions=self.variables, name=self.name)


_ADAPTER = TypeAdapter(OptimiseSpec)


def read_optimise_spec(path: Path) -> OptimiseSpec:
    """An optimisation file; files it names are relative to its folder."""
    data = with_file_paths(read_toml(path), path.parent)
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as error:
        raise InputError(describe_validation_error(error, path.name)) from None


def optimise_spec_from_dict(data: Any, context: str = "optimisation") -> OptimiseSpec:
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as error:
        raise InputError(describe_validation_error(error, context)) from None


@dataclass(frozen=True)
class Optimisation:
    """``table``: every design flown, best first (``feasible``, ``pareto``, and ``score``, the
    minimised penalised objective of a single-objective run); ``best``: its first row
    (None when no design is feasible)."""

    spec: OptimiseSpec
    table: pd.DataFrame
    evaluations: int
    generations: int
    seconds: float

    @property
    def best(self) -> pd.Series | None:
        feasible = self.table[self.table["feasible"]]
        return None if feasible.empty else feasible.iloc[0]

    @property
    def pareto(self) -> pd.DataFrame:
        return self.table[self.table["pareto"]]


class _Evaluator:
    """Flies designs in batches, each design once."""

    def __init__(self, spec: OptimiseSpec, base: SweepBase, executor: cf.Executor) -> None:
        self.spec = spec
        self.base = base
        self.executor = executor
        self.fields = spec.sweep_spec().fields
        self.rows: dict[tuple, dict[str, Any]] = {}
        self.batches = 0

    def design(self, x: np.ndarray) -> dict[str, Any]:
        """Optimiser coordinates -> changes (choices and whole numbers by their index)."""
        found: dict[str, Any] = {}
        for key, variable, value in zip(self.fields, self.spec.variables, x, strict=True):
            if variable.values is not None:
                index = min(max(round(float(value)), 0), len(variable.values) - 1)
                found[key] = variable.values[index]
            elif variable.integer:
                found[key] = round(float(value))
            else:
                found[key] = float(value)
        return found

    def rows_of(self, designs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        keys = [tuple(d[f] for f in self.fields) for d in designs]
        missing = {k: d for k, d in zip(keys, designs, strict=True) if k not in self.rows}
        if missing:
            self.batches += 1
            flown = evaluate(self.base, list(missing.values()), self.executor)
            for key, row in zip(missing, flown, strict=True):
                self.rows[key] = {**row, "evaluation": len(self.rows)}
        return [self.rows[k] for k in keys]

    def violation(self, row: dict[str, Any]) -> float:
        if not row["flown"]:
            return math.inf
        return sum(c.violation(row[c.figure]) for c in self.spec.constraints)

    def score(self, row: dict[str, Any], objective: Objective) -> float:
        """Minimised: the objective (negated to maximise), or a penalty when infeasible."""
        violation = self.violation(row)
        if violation > 0:
            return _INFEASIBLE * (2.0 if math.isinf(violation) else 1.0 + violation)
        value = float(row[objective.figure])
        return -value if objective.goal is Goal.MAXIMISE else value


def _bounds(spec: OptimiseSpec) -> tuple[list[tuple[float, float]], np.ndarray]:
    bounds, integral = [], []
    for variable in spec.variables:
        if variable.values is not None:
            bounds.append((0.0, float(len(variable.values) - 1)))
            integral.append(True)
        else:
            bounds.append((float(variable.start), float(variable.stop)))
            integral.append(variable.integer)
    return bounds, np.array(integral)


def _differential_evolution(evaluator: _Evaluator, progress: Progress | None) -> int:
    from scipy.optimize import differential_evolution

    spec = evaluator.spec
    bounds, integral = _bounds(spec)
    objective = spec.objectives[0]
    generation = 0

    def scores(population: np.ndarray) -> np.ndarray:
        nonlocal generation
        designs = [evaluator.design(x) for x in population.T]
        rows = evaluator.rows_of(designs)
        generation += 1
        if progress:
            progress(
                min(generation, spec.optimiser.generations + 1), spec.optimiser.generations + 1
            )
        return np.array([evaluator.score(r, objective) for r in rows])

    # popsize is a multiplier of the number of variables in SciPy.
    popsize = max(1, math.ceil(spec.optimiser.population / len(bounds)))
    differential_evolution(
        scores,
        bounds,
        integrality=integral if integral.any() else None,
        vectorized=True,
        updating="deferred",
        popsize=popsize,
        maxiter=spec.optimiser.generations,
        polish=False,
        rng=np.random.default_rng(spec.optimiser.seed),
        tol=1e-6,
    )
    return generation


def _nsga(evaluator: _Evaluator, progress: Progress | None) -> int:
    import optuna

    spec = evaluator.spec
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.NSGAIISampler(
        population_size=spec.optimiser.population, seed=spec.optimiser.seed
    )
    directions = ["maximize" if o.goal is Goal.MAXIMISE else "minimize" for o in spec.objectives]
    study = optuna.create_study(directions=directions, sampler=sampler)
    bounds, integral = _bounds(spec)
    for generation in range(spec.optimiser.generations):
        trials = [study.ask() for _ in range(spec.optimiser.population)]
        coordinates = []
        for trial in trials:
            x = []
            for index, ((low, high), whole) in enumerate(zip(bounds, integral, strict=True)):
                name = f"x{index}"
                x.append(
                    trial.suggest_int(name, int(low), int(high))
                    if whole
                    else trial.suggest_float(name, low, high)
                )
            coordinates.append(np.array(x, dtype=float))
        rows = evaluator.rows_of([evaluator.design(x) for x in coordinates])
        for trial, row in zip(trials, rows, strict=True):
            violation = evaluator.violation(row)
            trial.set_constraint("violation", 1e6 if math.isinf(violation) else violation)
            values = [
                float(row[o.figure]) if row["flown"] else (-1e12 if d == "maximize" else 1e12)
                for o, d in zip(spec.objectives, directions, strict=True)
            ]
            study.tell(trial, values)
        if progress:
            progress(generation + 1, spec.optimiser.generations)
    return spec.optimiser.generations


def _pareto(table: pd.DataFrame, objectives: tuple[Objective, ...]) -> pd.Series:
    """Feasible designs no other feasible design beats in every objective."""
    values = table[[o.figure for o in objectives]].to_numpy(dtype=float, copy=True)
    values[~table["feasible"].to_numpy()] = np.nan
    front = pareto_mask(values, [o.goal is Goal.MAXIMISE for o in objectives])
    return pd.Series(front, index=table.index)


def run_optimisation(
    spec: OptimiseSpec,
    *,
    workers: int | None = None,
    cluster: str | None = None,
    progress: Progress | None = None,
    executor: cf.Executor | None = None,
) -> Optimisation:
    """Optimise ``spec`` (see the module notes)."""
    start = time.perf_counter()
    base = resolve_base(spec.sweep_spec())
    owned = executor is None
    pool = executor or executor_for(workers, cluster)
    evaluator = _Evaluator(spec, base, pool)
    try:
        if spec.method is Method.DIFFERENTIAL_EVOLUTION:
            generations = _differential_evolution(evaluator, progress)
        else:
            generations = _nsga(evaluator, progress)
    finally:
        if owned:
            pool.shutdown(wait=True, cancel_futures=True)
    rows = sorted(evaluator.rows.values(), key=lambda r: r["evaluation"])
    table = rows_frame(rows, spec.sweep_spec())
    table["design"] = range(len(table))
    table["feasible"] = [evaluator.violation(r) == 0 for r in rows]
    first = spec.objectives[0]
    table["score"] = [evaluator.score(r, first) for r in rows]
    table["pareto"] = _pareto(table, spec.objectives)
    if len(spec.objectives) == 1:
        table = table.sort_values(["score", "design"], ignore_index=True)
    else:
        table = table.sort_values(
            ["pareto", "feasible", first.figure],
            ascending=[False, False, first.goal is Goal.MINIMISE],
            ignore_index=True,
        )
    return Optimisation(
        spec=spec,
        table=table,
        evaluations=len(rows),
        generations=generations,
        seconds=time.perf_counter() - start,
    )


def optimise(spec: OptimiseSpec, **options: Any) -> pd.DataFrame:
    """Every design flown, best first (see :func:`run_optimisation` for the options)."""
    return run_optimisation(spec, **options).table
