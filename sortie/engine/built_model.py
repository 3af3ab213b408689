"""One built PyBaMM model per model structure, solved for a whole list of input sets at once.

A :class:`BuiltModel` holds one built ``pybamm.Simulation`` per
:class:`~sortie.models.cell_runs.ModelSpec`; every value that changes from run to run without
changing the model's structure is an input parameter (:mod:`sortie.engine.parameters`), so a
new run only re-solves, and :meth:`BuiltModel.run_many` solves a whole list of input sets in
one call on IDAKLU's threads.

- ``"use lumped thermal capacity": "true"`` with ``Cell heat capacity [J.K-1.m-3]`` ties the
  heat capacity to Sortie's mass budget (mass x c_p / volume), which the parameter sets'
  layer densities (some placeholders) do not.
- The pack's interconnect (strips, wires, connectors, BMS switches) is PyBaMM's own
  ``"contact resistance"`` option with ``Contact resistance [Ohm]`` an input parameter (each
  cell's share of the pack's resistance), always on so that one built model serves every
  resistance: at 0 the results are bit for bit those without the option, and it costs 0-3 %
  per solve, within the noise (ISR loiter, medians without / with: DFN ORegan2022 413 / 415
  ms, DFN Chen2020 92 / 95 ms, SPMe Chen2020 47 / 47 ms). The power is then delivered past
  the resistance ("Voltage [V]" is after its drop), and the voltage cut-off is moved back to
  the cell's own terminals (the cell's limit, not the pack terminals'). Its I^2 R heats the
  lumped cell, as PyBaMM's option does, and that is kept on purpose: in a drone pack most of
  the resistance is strips and welds on the cell terminals inside the same wrap, with almost
  no heat capacity and no way out for their heat but through the cells; the leads,
  connector and BMS outside the wrap are counted in too, which errs on the hot side.
- A list-of-inputs solve fails as a whole when one input set raises: an event already true at
  the start raises in post-processing, and a first input set with a single time step raises
  "Solution time vector has length 1" after every set was solved. The engine's solver
  (:class:`~sortie.engine.solver.BatchSolver`) turns the first into a one-step solution and
  keeps the solutions of the second; anything else that fails a list is solved again in
  halves, down to the one set that fails.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
from collections.abc import Sequence

import numpy as np
import pybamm

from sortie.engine import casadi_conversion, process_state
from sortie.engine.outputs import (
    MAXIMUM_TEMPERATURE_EVENT,
    MAXIMUM_VOLTAGE_EVENT,
    MINIMUM_VOLTAGE_EVENT,
    OUTPUT_VARIABLES,
    TEMPERATURE,
    first_line,
    raw_warning_texts,
    run_output,
    warning_texts,
    with_capacity,
)
from sortie.engine.parameters import (
    INTERCONNECT_RESISTANCE_INPUT,
    design_input_values,
    parameter_values,
    symbolic_submeshes,
)
from sortie.engine.solver import BatchSolver, SolverJacobians
from sortie.models.cell_runs import (
    DesignInputs,
    Ending,
    ModelSpec,
    ParameterError,
    RunInputs,
    RunOutput,
    empty_output,
)
from sortie.models.compile_cache import COMPILE_CACHE_VARIABLE, compile_cache_folder
from sortie.models.result import solver_note_text

_PYBAMM_MODEL_CLASSES = {
    "spm": pybamm.lithium_ion.SPM,
    "spme": pybamm.lithium_ion.SPMe,
    "dfn": pybamm.lithium_ion.DFN,
}
_MODEL_CLASSES = {
    # Not SPM: PyBaMM sets its defaults by comparing the model's class with SPM itself (and
    # its 45 states are differentiated in milliseconds).
    "spm": pybamm.lithium_ion.SPM,
    "spme": type("SortieSPMe", (SolverJacobians, pybamm.lithium_ion.SPMe), {}),
    "dfn": type("SortieDFN", (SolverJacobians, pybamm.lithium_ion.DFN), {}),
}
_BASE_OPTIONS = {
    "operating mode": "power",
    "thermal": "lumped",
    "use lumped thermal capacity": "true",
    "calculate discharge energy": "true",
    # The pack's interconnect resistance (RunInputs.interconnect_resistance_ohm).
    "contact resistance": "true",
}
CONTACT_OVERPOTENTIAL = "Contact overpotential [V]"
_ATOL = 1e-6


def _at_cell_terminals(event: pybamm.Event, model: pybamm.BaseModel) -> pybamm.Event:
    """The minimum-voltage event on the cell's own terminals: PyBaMM puts it after the
    contact resistance, which here is the pack's interconnect, not part of the cell."""
    if event.name != MINIMUM_VOLTAGE_EVENT:
        return event
    return pybamm.Event(
        event.name, event.expression + model.variables[CONTACT_OVERPOTENTIAL], event.event_type
    )


_INPUT_SET = re.compile(r"^input set (\d+): ")
_SINGLE_STEP = "time vector has length 1"


class BuiltModel:
    """One built PyBaMM model for a :class:`ModelSpec`, solved as often as needed.

    Not thread-safe underneath (a built Simulation gave wrong results when shared by two
    threads), so every solve holds this object's lock. ``solver_threads`` is IDAKLU's number of
    threads for a list of input sets; ``pybamm_set_up=True`` keeps PyBaMM's solver set-up as
    it is, MX functions and every jacobian (see :class:`~sortie.engine.solver.ScalarFunctions`
    and :class:`~sortie.engine.solver.SolverJacobians`: for comparisons, slower).
    """

    def __init__(
        self, spec: ModelSpec, solver_threads: int = 1, *, pybamm_set_up: bool = False
    ) -> None:
        if spec.model not in _MODEL_CLASSES:
            raise ParameterError(
                f"unknown model {spec.model!r}; choose from {sorted(_MODEL_CLASSES)}"
            )
        self.spec = spec
        self.solver_threads = solver_threads
        self._lock = threading.Lock()
        if not pybamm_set_up:
            # Its solver's set-up shares one conversion cache (idempotent; refuses a foreign
            # wrapper or a changed signature here, before anything is built).
            casadi_conversion.install()
        options = {**_BASE_OPTIONS, **dict(spec.model_options)}
        classes = _PYBAMM_MODEL_CLASSES if pybamm_set_up else _MODEL_CLASSES
        model = classes[spec.model](options=options)
        # Missions only discharge (powers >= 0): a full cell sits exactly on the maximum
        # voltage, and that event then fires at t = 0 for some designs (or at zero power).
        model.events = [
            _at_cell_terminals(e, model) for e in model.events if e.name != MAXIMUM_VOLTAGE_EVENT
        ]
        temperature = model.variables[TEMPERATURE]
        model.events.append(
            pybamm.Event(
                MAXIMUM_TEMPERATURE_EVENT,
                pybamm.InputParameter("Maximum temperature [K]") - temperature,
            )
        )
        self._solver = BatchSolver(
            scalar_functions=not pybamm_set_up,
            compile_name=hashlib.sha1(repr(spec).encode(), usedforsecurity=False).hexdigest()[:16],
            rtol=spec.relative_tolerance,
            atol=_ATOL,
            output_variables=list(OUTPUT_VARIABLES),
            # Failures come back as partial solutions with a warning naming the input set.
            on_failure="warn",
            options={
                "num_threads": solver_threads,
                "compile": spec.compiled,
                # 0: IDA chooses (PyBaMM's default).
                "dt_init": spec.initial_step_s,
                "suppress_algebraic_error": spec.suppress_algebraic_error,
            },
        )
        # Setting the initial state solves an electrode-SOH model, which may warn (e.g. OCP
        # extrapolation): keep those with the results instead of printing them.
        with process_state.captured_warnings() as caught:
            values, self._design_keys, self._balance = parameter_values(spec, model.options)
            self._simulation = pybamm.Simulation(
                model,
                parameter_values=values,
                submesh_types=symbolic_submeshes(model),
                solver=self._solver,
            )
            self._simulation.build()
        self.build_warnings = warning_texts(caught)
        self._electrode_height_m = float(values["Electrode height [m]"])

    def input_values(self, inputs: RunInputs) -> dict[str, float]:
        """The PyBaMM input parameters of one run. Raises :class:`ParameterError` for a design
        without an electrode balance or with a phase the chemistry lacks."""
        design = inputs.design
        secondary = design.negative_secondary_active_material_volume_fraction
        if secondary > 0 and "negative_secondary_active_material_volume_fraction" not in (
            self._design_keys
        ):
            raise ParameterError("this chemistry has no secondary negative phase")
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
            INTERCONNECT_RESISTANCE_INPUT: inputs.interconnect_resistance_ohm,
        }
        segments = len(self.spec.segment_start_times_s)
        per_segment = (
            inputs.cell_power_w,
            inputs.ambient_k,
            inputs.heat_transfer_coefficient_w_per_m2_k,
        )
        if any(len(values_) != segments for values_ in per_segment):
            raise ValueError("one power, ambient and heat transfer coefficient per segment")
        for i, (power, ambient, cooling) in enumerate(zip(*per_segment, strict=True)):
            values[f"Cell power [W] {i}"] = float(power)
            values[f"Ambient temperature [K] {i}"] = float(ambient)
            values[f"Heat transfer coefficient [W.m-2.K-1] {i}"] = float(cooling)
        return values

    def capacity_ah(self, design: DesignInputs) -> float | None:
        """Capacity between the cut-offs by the design's electrode balance (None for a
        two-phase set, which keeps the reference balance)."""
        if self._balance is None:
            return None
        return self._balance.stoichiometries(design)[4]

    def run(self, inputs: RunInputs, time_grid_s: np.ndarray) -> RunOutput:
        """Fly one profile on one cell (see :meth:`run_many`)."""
        return self.run_many([inputs], time_grid_s)[0]

    def run_many(
        self, inputs_list: Sequence[RunInputs], time_grid_s: np.ndarray
    ) -> list[RunOutput]:
        """Solve every input set in one call; one output per input set, in order, failures
        included. ``time_grid_s`` is where outputs are reported (it does not steer the
        solver); it must start at 0 and end at the profile's end, the same for all."""
        outputs: list[RunOutput | None] = [None] * len(inputs_list)
        solvable: list[tuple[int, dict[str, float]]] = []
        for index, inputs in enumerate(inputs_list):
            try:
                solvable.append((index, self.input_values(inputs)))
            except ParameterError as error:
                outputs[index] = empty_output(
                    Ending.INVALID_DESIGN, str(error), warnings=self.build_warnings
                )
        grid = np.asarray(time_grid_s, dtype=float)
        with self._lock:
            solved = self._solve_all([values for _, values in solvable], grid)
        for (index, _), output in zip(solvable, solved, strict=True):
            capacity = self.capacity_ah(inputs_list[index].design)
            outputs[index] = with_capacity(output, capacity)
        return [output for output in outputs if output is not None]

    def _solve_all(self, inputs: list[dict[str, float]], grid: np.ndarray) -> list[RunOutput]:
        """PyBaMM's list solve, split where PyBaMM fails a list for one input set."""
        if not inputs:
            return []
        try:
            return self._solve_list(inputs, grid)
        except pybamm.SolverError as error:
            if len(inputs) == 1:
                return [empty_output(Ending.NO_START, first_line(str(error)))]
            half = len(inputs) // 2
            return self._solve_all(inputs[:half], grid) + self._solve_all(inputs[half:], grid)

    def _compile_cache(self) -> contextlib.AbstractContextManager[None]:
        """Where a compiled solver keeps what it compiles while it solves (it compiles at its
        first solve): PyBaMM reads only its variable, and defaults to the temporary folder;
        the user's cache folder keeps a compile across reboots."""
        if not self.spec.compiled:
            return contextlib.nullcontext()
        return process_state.environment_default(
            COMPILE_CACHE_VARIABLE, str(compile_cache_folder())
        )

    def _solve_list(self, inputs: list[dict[str, float]], grid: np.ndarray) -> list[RunOutput]:
        self._solver.start_batch()
        end_time_s = float(grid[-1])
        with process_state.captured_warnings() as caught, self._compile_cache():
            try:
                found = self._simulation.solve([0.0, end_time_s], t_interp=grid, inputs=inputs)
            except pybamm.SolverError as error:
                # Raised after every set was solved when the first took a single step.
                if _SINGLE_STEP not in str(error) or len(self._solver.finished) != len(inputs):
                    raise
                found = list(self._solver.finished)
        solutions = found if isinstance(found, list) else [found]
        failures: dict[int, str] = {}
        general: list[str] = []
        for text in raw_warning_texts(caught):
            match = _INPUT_SET.match(text)
            if match:
                failures[int(match.group(1))] = text[match.end() :]
            elif "partial solution" not in text:
                general.append(solver_note_text(text))
        # The last call per solution is the one after the solve (consistent-state roots may
        # have been checked before).
        extrapolations = self._solver.extrapolations[-len(solutions) :]
        outputs = []
        for index, solution in enumerate(solutions):
            extra = extrapolations[index] if index < len(extrapolations) else ()
            notes = tuple(dict.fromkeys((*self.build_warnings, *general, *extra)))
            resistance_ohm = inputs[index][INTERCONNECT_RESISTANCE_INPUT]
            volume_m3 = inputs[index]["Cell volume [m3]"]
            outputs.append(
                run_output(
                    solution, end_time_s, failures.get(index, ""), notes, resistance_ohm, volume_m3
                )
            )
        return outputs


