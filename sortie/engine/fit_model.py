"""The current-driven build a fit solves its candidates on: voltages only, and every input
that no candidate moves a number in the build.

A fit asks one thing of each candidate, its voltage on the test's times, thousands of times
on one cell. So its build (a :class:`~sortie.engine.current_model.CurrentModel`, the
engine's recipe) differs in two ways that change no voltage beyond the solver's tolerance:

- the solver computes the voltage alone (the mission outputs' heating term costs about as
  much as the rest of a SPMe solve);
- the inputs that are the same for every candidate and test (:func:`fixed_inputs`: the
  geometry, the cell's thermal mass, the initial concentrations when no design value is
  fitted) are numbers, which PyBaMM folds into the discretised model: fewer operations per
  step, ~1.3x faster (a SPMe discharge).

``compiled`` builds compile these functions (PyBaMM's AOT compile, as the sweeps'
``settings.compiled``): a SPMe generation ~3x faster again, for a compile of ~9 s at the
first solve, kept in the compile cache (:mod:`sortie.models.compile_cache`; keyed by the
functions, so by the fixed numbers too: a new data set compiles anew).

The full outputs of the fit's report (temperatures, capacities) come from the ordinary
``CurrentModel``.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Mapping, Sequence

import numpy as np
import pybamm

from sortie.engine import process_state
from sortie.engine.current_model import CurrentModel
from sortie.engine.outputs import VOLTAGE
from sortie.models.cell_runs import ModelSpec, ParameterError
from sortie.models.compile_cache import COMPILE_CACHE_VARIABLE, compile_cache_folder
from sortie.models.current_runs import CurrentRunInputs, FittedParameter


def fixed_inputs(
    model: CurrentModel, probes: Sequence[CurrentRunInputs]
) -> dict[str, float]:
    """The input values that are the same in every one of ``probes`` (each test at the start
    and with each fitted value moved, see :func:`sortie.engine.fitting.probes`); the fitted
    parameters' own inputs never. Probes without an electrode balance are left out."""
    fitted = {p.input_name for p in model.fitted}
    found: list[dict[str, float]] = []
    for probe in probes:
        try:
            found.append(model.input_values(probe))
        except ParameterError:
            continue
    if not found:
        return {}
    first = found[0]
    return {
        key: value
        for key, value in first.items()
        if key not in fitted and all(values.get(key) == value for values in found[1:])
    }


class VoltageModel(CurrentModel):
    """A :class:`CurrentModel` that solves voltages only, with ``fixed`` inputs as numbers
    (see the module's docstring). Its :meth:`run_many` is not available (no full outputs)."""

    def __init__(
        self,
        spec: ModelSpec,
        fitted: Sequence[FittedParameter],
        solver_threads: int,
        fixed: Mapping[str, float],
        compiled: bool = False,
    ) -> None:
        super().__init__(
            spec, fitted, solver_threads, fixed_inputs=fixed, output_variables=(VOLTAGE,)
        )
        self.fixed = dict(fixed)
        self.compiled = compiled
        if compiled:
            # The solver sets up (and so compiles) at its first solve: switched on before it.
            self._solver._options["compile"] = True
            key = repr((spec, tuple(fitted), sorted(self.fixed.items())))
            digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:16]
            self._solver.compile_name = f"fit-{digest}"

    def run_many(self, inputs_list, time_grid_s):
        raise TypeError("a VoltageModel solves voltages only: use voltages()")

    def voltages(
        self, inputs_list: Sequence[CurrentRunInputs], time_grid_s: np.ndarray
    ) -> list[np.ndarray | None]:
        """Each input set's voltage on ``time_grid_s`` (from 0), solved as one batch; past a
        run that stopped early (an event, a solver failure), its last voltage; None where
        nothing was solved (no electrode balance, no start). As
        :func:`sortie.engine.fitting.on_grid` of :meth:`CurrentModel.run_many`'s outputs."""
        grid = np.asarray(time_grid_s, dtype=float)
        found: list[np.ndarray | None] = [None] * len(inputs_list)
        solvable: list[tuple[int, dict[str, float]]] = []
        for index, inputs in enumerate(inputs_list):
            try:
                values = self.input_values(inputs)
            except ParameterError:
                continue
            moved = [k for k, v in self.fixed.items() if values.get(k) != v]
            if moved:
                raise ValueError(f"a fixed input moves: {', '.join(moved)}")
            solvable.append((index, values))
        with self._lock:
            solved = self._voltages_all([values for _, values in solvable], grid)
        for (index, _), voltage in zip(solvable, solved, strict=True):
            found[index] = voltage
        return found

    def _compile_cache(self) -> contextlib.AbstractContextManager[None]:
        # As BuiltModel's: PyBaMM reads only its variable (default: the temporary folder).
        if not self.compiled:
            return _no_cache()
        return process_state.environment_default(
            COMPILE_CACHE_VARIABLE, str(compile_cache_folder())
        )

    def _voltages_all(
        self, inputs: list[dict[str, float]], grid: np.ndarray
    ) -> list[np.ndarray | None]:
        # As CurrentModel._solve_all: a batch that raises is solved in halves.
        if not inputs:
            return []
        try:
            self._solver.start_batch()
            with process_state.captured_warnings(), self._compile_cache():
                found = self._simulation.solve([0.0, float(grid[-1])], t_interp=grid, inputs=inputs)
        except (pybamm.SolverError, ValueError):
            if len(inputs) == 1:
                return [None]
            half = len(inputs) // 2
            return self._voltages_all(inputs[:half], grid) + self._voltages_all(
                inputs[half:], grid
            )
        solutions = found if isinstance(found, list) else [found]
        return [_voltage_on_grid(solution, grid) for solution in solutions]


def _no_cache() -> contextlib.AbstractContextManager[None]:
    return contextlib.nullcontext()


def _voltage_on_grid(solution, grid: np.ndarray) -> np.ndarray | None:
    """The solution's voltage on ``grid`` with :func:`~sortie.engine.outputs.run_output`'s
    reading of how it ended (nothing solved: None)."""
    termination = str(solution.termination)
    time_s = np.asarray(solution.t, dtype=float)
    end_time_s = float(grid[-1])
    if termination.startswith("event:") and len(time_s) <= 1:
        return None
    stopped_early = termination == "final time" and time_s[-1] < end_time_s * (1 - 1e-9)
    if (termination == "failure" or stopped_early) and time_s[-1] <= 0.0:
        return None
    unique = np.concatenate([[True], np.diff(time_s) > 1e-6])
    time_s = time_s[unique]
    if len(time_s) < 2:
        return None
    voltage = np.asarray(solution[VOLTAGE].entries, dtype=float)[unique]
    on_grid = np.interp(grid, time_s, voltage)
    return np.where(grid > time_s[-1], voltage[-1], on_grid)
