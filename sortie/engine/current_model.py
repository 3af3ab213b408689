"""One built current-driven PyBaMM model, solved for a list of input sets at once: the
engine's recipe (:mod:`sortie.engine.built_model`) for measured tests, which a cycler drives
by current.

Why a model of its own rather than the power-driven :class:`~sortie.engine.BuiltModel`: a
constant-current discharge flown as its measured power would need the power as a fine
series of steps (it changes with the voltage) and would put the model's own voltage error
into the current; and the parameters being fitted must be input parameters of the build.
Everything else is shared with the mission models: the same model classes (SX functions,
no unused Jacobian), the same parameter values with the design as inputs (so a fitted design
field means exactly what it means in a mission), the same electrode balance per design, the
same lumped thermal options, events, solver and outputs.

The current is piecewise constant, one input per segment of the spec (its
``segment_start_times_s``): constant-current tests of any rate share one build.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pybamm

from sortie.engine import casadi_conversion, process_state
from sortie.engine.built_model import (
    _BASE_OPTIONS,
    _MODEL_CLASSES,
    _at_cell_terminals,
)
from sortie.engine.modifiers import modified, parameter_key
from sortie.engine.outputs import (
    MAXIMUM_TEMPERATURE_EVENT,
    MAXIMUM_VOLTAGE_EVENT,
    OUTPUT_VARIABLES,
    TEMPERATURE,
    first_line,
    raw_warning_texts,
    run_output,
    warning_texts,
)
from sortie.engine.parameters import (
    INTERCONNECT_RESISTANCE_INPUT,
    _piecewise_constant,
    design_input_values,
    parameter_values,
    symbolic_submeshes,
)
from sortie.engine.solver import BatchSolver
from sortie.models.cell_runs import Ending, ModelSpec, ParameterError, RunOutput, empty_output
from sortie.models.current_runs import CurrentRunInputs, FittedParameter, Modifier

CURRENT_INPUT = "Cell current [A]"
_ATOL = 1e-6


def _modified(original: Any, fitted: list[FittedParameter]) -> Any:
    """``original`` (a number or a function) with each fitted modifier applied as an input."""
    return modified(
        original,
        [pybamm.InputParameter(f.input_name) for f in fitted if f.modifier is Modifier.FACTOR],
        [
            pybamm.InputParameter(f.input_name)
            for f in fitted
            if f.modifier is Modifier.ACTIVATION_ENERGY
        ],
    )


class CurrentModel:
    """A built current-driven model for ``spec`` with ``fitted`` parameters as inputs.
    Not thread-safe underneath: every solve holds this object's lock."""

    def __init__(
        self,
        spec: ModelSpec,
        fitted: Sequence[FittedParameter] = (),
        solver_threads: int = 1,
        *,
        fixed_inputs: Mapping[str, float] | None = None,
        output_variables: Sequence[str] = OUTPUT_VARIABLES,
    ) -> None:
        """``fixed_inputs``: input parameters that are numbers in this build (a fit's values
        that no candidate moves: PyBaMM folds them, fewer operations per step); the runs'
        values for them are then ignored. ``output_variables``: what the solver computes
        (:meth:`run_many` needs all of :data:`OUTPUT_VARIABLES`; a fit reads the voltage)."""
        if spec.model not in _MODEL_CLASSES:
            raise ParameterError(
                f"unknown model {spec.model!r}; choose from {sorted(_MODEL_CLASSES)}"
            )
        self.spec = spec
        self.fitted = tuple(fitted)
        self._lock = threading.Lock()
        casadi_conversion.install()
        options = {**_BASE_OPTIONS, **dict(spec.model_options), "operating mode": "current"}
        model = _MODEL_CLASSES[spec.model](options=options)
        model.events = [
            _at_cell_terminals(e, model) for e in model.events if e.name != MAXIMUM_VOLTAGE_EVENT
        ]
        model.events.append(
            pybamm.Event(
                MAXIMUM_TEMPERATURE_EVENT,
                pybamm.InputParameter("Maximum temperature [K]") - model.variables[TEMPERATURE],
            )
        )
        self._solver = BatchSolver(
            rtol=spec.relative_tolerance,
            atol=_ATOL,
            output_variables=list(output_variables),
            on_failure="warn",
            options={"num_threads": solver_threads, "dt_init": spec.initial_step_s},
        )
        with process_state.captured_warnings() as caught:
            values, self._design_keys, self._balance = parameter_values(spec, model.options)
            starts = spec.segment_start_times_s
            values.update(
                {"Current function [A]": lambda t: _piecewise_constant(CURRENT_INPUT, starts, t)}
            )
            by_name: dict[str, list[FittedParameter]] = {}
            for parameter in self.fitted:
                by_name.setdefault(parameter.pybamm_name, []).append(parameter)
            for name, group in by_name.items():
                key = parameter_key(values, name)
                values[key] = _modified(values[key], group)
            fixed = dict(fixed_inputs or {})
            for key, value in list(values.items()):
                if isinstance(value, pybamm.InputParameter) and value.name in fixed:
                    values[key] = fixed[value.name]
            self._simulation = pybamm.Simulation(
                model,
                parameter_values=values,
                submesh_types=symbolic_submeshes(model),
                solver=self._solver,
            )
            self._simulation.build()
        self.build_warnings = warning_texts(caught)
        self._electrode_height_m = float(values["Electrode height [m]"])

    def input_values(self, inputs: CurrentRunInputs) -> dict[str, float]:
        """The PyBaMM input parameters of one run."""
        design = inputs.design
        values = design_input_values(
            design,
            self._design_keys,
            self._electrode_height_m,
            self._balance,
            self.spec.initial_state_of_charge,
        )
        values |= {
            "Initial temperature [K]": inputs.initial_temperature_k,
            "Maximum temperature [K]": inputs.max_temperature_k,
            "Cell volume [m3]": inputs.cell_volume_m3,
            "Cooling area [m2]": inputs.cooling_area_m2,
            "Cell heat capacity [J.K-1.m-3]": inputs.volumetric_heat_capacity_j_per_m3_k,
            INTERCONNECT_RESISTANCE_INPUT: inputs.series_resistance_ohm,
        }
        segments = len(self.spec.segment_start_times_s)
        if len(inputs.cell_current_a) != segments:
            raise ValueError("one current per segment")
        if len(inputs.fitted_values) != len(self.fitted):
            raise ValueError("one value per fitted parameter")
        for i, current in enumerate(inputs.cell_current_a):
            values[f"{CURRENT_INPUT} {i}"] = float(current)
            # The mission models' per-segment chamber: constant over a test.
            values[f"Ambient temperature [K] {i}"] = inputs.ambient_k
            values[f"Heat transfer coefficient [W.m-2.K-1] {i}"] = (
                inputs.heat_transfer_coefficient_w_per_m2_k
            )
        for parameter, value in zip(self.fitted, inputs.fitted_values, strict=True):
            values[parameter.input_name] = float(value)
        return values

    def run_many(
        self, inputs_list: Sequence[CurrentRunInputs], time_grid_s: np.ndarray
    ) -> list[RunOutput]:
        """Solve every input set in one call; one output per set, in order, failures
        included (a set without an electrode balance: INVALID_DESIGN)."""
        outputs: list[RunOutput | None] = [None] * len(inputs_list)
        solvable: list[tuple[int, dict[str, float]]] = []
        for index, inputs in enumerate(inputs_list):
            try:
                solvable.append((index, self.input_values(inputs)))
            except ParameterError as error:
                outputs[index] = empty_output(Ending.INVALID_DESIGN, str(error))
        grid = np.asarray(time_grid_s, dtype=float)
        with self._lock:
            solved = self._solve_all([values for _, values in solvable], grid)
        for (index, _), output in zip(solvable, solved, strict=True):
            outputs[index] = output
        return [output for output in outputs if output is not None]

    def _solve_all(self, inputs: list[dict[str, float]], grid: np.ndarray) -> list[RunOutput]:
        if not inputs:
            return []
        try:
            return self._solve_list(inputs, grid)
        except (pybamm.SolverError, ValueError) as error:
            if len(inputs) == 1:
                return [empty_output(Ending.NO_START, first_line(str(error)))]
            half = len(inputs) // 2
            return self._solve_all(inputs[:half], grid) + self._solve_all(inputs[half:], grid)

    def _solve_list(self, inputs: list[dict[str, float]], grid: np.ndarray) -> list[RunOutput]:
        self._solver.start_batch()
        end_time_s = float(grid[-1])
        with process_state.captured_warnings() as caught:
            found = self._simulation.solve([0.0, end_time_s], t_interp=grid, inputs=inputs)
        solutions = found if isinstance(found, list) else [found]
        failures: dict[int, str] = {}
        for text in raw_warning_texts(caught):
            if text.startswith("input set "):
                number, _, message = text.removeprefix("input set ").partition(": ")
                if number.isdigit():
                    failures[int(number)] = message
        outputs = []
        for index, solution in enumerate(solutions):
            volume_m3 = inputs[index]["Cell volume [m3]"]
            outputs.append(
                run_output(
                    solution,
                    end_time_s,
                    failures.get(index, ""),
                    self.build_warnings,
                    # The series resistance is the cell's own here: its drop stays in the
                    # terminal voltage, which is the measured one.
                    0.0,
                    volume_m3,
                )
            )
        return outputs

