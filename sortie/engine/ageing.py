"""Sorties on an ageing cell: PyBaMM's degradation submodels under one repeating experiment.

One :class:`AgeingSimulation` per :class:`~sortie.models.ageing_runs.AgeingSpec` holds a
``pybamm.Simulation`` whose experiment is one sortie cycle: a 1-second rest (so PyBaMM's
electrode-SOH summary gives the state at take-off), then the mission's power steps, the
recharge (CC or constant power, then CV) and the turnaround rest. Each sortie starts from the
last state of the one before (``starting_solution``), so only one cycle's solution is held.

Cycle jumping (:func:`jumped`) extrapolates the whole state vector linearly: a sortie cycle
ends in the same charged, rested state each time, so what changes from one end state to the
next is the degradation (SEI thickness, plated lithium, active-material fractions, crack
length, and the lithium they took from the particles). IDAKLU re-computes consistent algebraic
states at the next solve.

Measured (OKane2022, ISR loiter, a jump of 8 sorties from sortie 4): the whole state, the
differential states only, or those without the charge counters land on the same state (the
capacity 200 ppm below the full run's, DFN). Moving ONLY the degradation states (SEI, plated
and dead lithium, active-material fractions, cracks) and keeping the particle and electrolyte
concentrations of the last end is worse: the concentrations then disagree with the moved
porosity and active material, and the sortie after the jump loses 2.2 times the capacity of
the full run's (SPMe). No one-sortie settling after a whole-state jump was found: the rate at
the landing sortie and the one after it agree within 1 % (DFN); the rate falls across a jump
because the SEI rate falls with the sortie number.

Speed (``benchmarks/bench_life_cycle.py``: DFN, OKane2022, ISR loiter, one sortie cycle,
mean of sorties 3-10): 3.04 s on PyBaMM's MX functions and mesh, 1.17 s with the engine's
scalar functions (:class:`AgeingSolver`), 0.49 s on the coarse life mesh
(:data:`MESH_POINTS`), 0.32 s with the algebraic states out of IDA's error test
(:data:`SUPPRESS_ALGEBRAIC_ERROR`); the capacity after 10 sorties within 1.4e-6 throughout.

Mission steps carry a voltage termination just above the set's cut-off: a mission that runs
out ends its step there and the recharge still follows (a model event would stop the whole
experiment).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from sortie.engine import process_state
from sortie.engine.modifiers import apply_changes
from sortie.engine.parameters import DESIGN_KEYS
from sortie.engine.solver import ScalarFunctions
from sortie.models.ageing_runs import (
    AgeingSpec,
    Degradation,
    LifeMesh,
    RechargeMode,
    SortieOutput,
    StorageSteps,
)
from sortie.models.extrapolation import extrapolated_values

pybamm = process_state.import_pybamm()

_MODELS = {
    "dfn": pybamm.lithium_ion.DFN,
    "spme": pybamm.lithium_ion.SPMe,
    "spm": pybamm.lithium_ion.SPM,
}
# A mission step ends this far above the set's minimum voltage (a step termination, not the
# model's event, so the experiment goes on to the recharge).
CUTOFF_MARGIN_V = 0.01
# The storage discharge to the storage state of charge runs at this C-rate.
STORAGE_C_RATE = 0.2
_TIME_TOLERANCE_S = 1e-3


@dataclass(frozen=True)
class CellState:
    """The cell between sorties: PyBaMM's last state (opaque outside the engine)."""

    solution: Any

    @property
    def vector(self) -> np.ndarray:
        return np.asarray(self.solution.all_ys[-1][:, -1]).ravel()


def jumped(start: CellState, end: CellState, sorties: float) -> CellState:
    """The state ``sorties`` cycles after ``end``, at the rate from ``start`` to ``end`` (one
    cycle apart), no component pushed across zero
    (:func:`sortie.models.extrapolation.extrapolated_values`)."""
    rows = np.vstack([start.vector, end.vector])
    y_new = extrapolated_values((0.0, 1.0), rows, 1.0 + float(sorties))
    last = end.solution
    found = pybamm.Solution(
        [np.asarray(last.all_ts[-1][-1:])],
        [y_new.reshape(-1, 1)],
        last.all_models[-1:],
        last.all_inputs[-1:],
        None,
        None,
        "final time",
    )
    return CellState(found)


def parameter_values(spec: AgeingSpec) -> Any:
    """The cell an ageing run flies: the degradation set with the cell's design and model
    changes laid over it, its cooling and the ground ambient."""
    values = pybamm.ParameterValues(spec.degradation.parameter_set)
    if spec.design is not None:
        # The cell's own design on the set's electrochemistry and degradation data: a thicker
        # coating or another porosity ages as itself, not as the set's cell.
        design = spec.design
        values.update(
            {
                **{key: float(getattr(design, name)) for name, key in DESIGN_KEYS.items()},
                "Electrode width [m]": design.electrode_area_m2 / values["Electrode height [m]"],
                "Number of electrodes connected in parallel to make a cell": 1.0,
                "Nominal cell capacity [A.h]": design.nominal_capacity_ah,
            }
        )
    apply_changes(values, spec.parameter_changes)
    # update() raises on a key the set does not have (check_already_exists).
    values.update(
        {
            "Total heat transfer coefficient [W.m-2.K-1]": (
                spec.heat_transfer_coefficient_w_per_m2_k
            ),
            "Cell cooling surface area [m2]": spec.cooling_area_m2,
            "Cell volume [m3]": spec.cell_volume_m3,
            "Ambient temperature [K]": spec.ground_ambient_k,
            "Initial temperature [K]": spec.ground_ambient_k,
        }
    )
    return values


def _recharge_steps(spec: AgeingSpec) -> list:
    recharge, ground = spec.recharge, spec.ground_ambient_k
    if recharge.mode is RechargeMode.POWER:
        constant = pybamm.step.power(
            -recharge.power_w, termination=f"{recharge.voltage_v} V", temperature=ground
        )
    else:
        constant = pybamm.step.c_rate(
            -recharge.c_rate, termination=f"{recharge.voltage_v} V", temperature=ground
        )
    hold = pybamm.step.voltage(
        recharge.voltage_v, termination=f"C/{1 / recharge.cutoff_c_rate:g}", temperature=ground
    )
    return [constant, hold]


def _experiment(spec: AgeingSpec, minimum_v: float) -> Any:
    ground = spec.ground_ambient_k
    mission = [
        pybamm.step.power(
            power_w,
            duration=duration_s,
            termination=f"{minimum_v + CUTOFF_MARGIN_V:.3f} V",
            temperature=ambient_k,
            period=max(duration_s / 20, 1.0),
        )
        for power_w, duration_s, ambient_k in spec.mission
    ]
    steps = [*mission, *_recharge_steps(spec)]
    if spec.turnaround_s > 0:
        steps.append(pybamm.step.rest(spec.turnaround_s, temperature=ground))
    take_off = pybamm.step.rest(1.0, temperature=ground)
    return pybamm.Experiment([(take_off,), tuple(steps)])


def _degradation(summary: Any) -> Degradation:
    def value(name: str) -> float:
        try:
            return float(summary[name])
        except KeyError:
            return 0.0

    return Degradation(
        capacity_ah=value("Capacity [A.h]"),
        lithium_inventory_loss=value("Loss of lithium inventory [%]") / 100,
        negative_active_material_loss=value("Loss of active material in negative electrode [%]")
        / 100,
        positive_active_material_loss=value("Loss of active material in positive electrode [%]")
        / 100,
        sei_lithium_ah=value("Loss of capacity to negative SEI [A.h]")
        + value("Loss of capacity to negative SEI on cracks [A.h]"),
        plated_lithium_ah=value("Loss of capacity to negative lithium plating [A.h]"),
    )


# rtol 1e-5: the per-sortie capacity change agrees with 1e-6's within 1e-7 Ah (of ~6e-4 Ah
# lost per sortie early in life) at half the solve time; 1e-4 makes it noisy by ~2e-6 Ah, too
# much for the rates cycle jumping extrapolates (measured, DFN, ISR loiter).
SOLVER_RTOL = 1e-5
SOLVER_ATOL = 1e-7


# None: PyBaMM's default mesh (20 points in every domain). The coarse mesh was measured on
# the ISR loiter (LG M50, OKane2022, DFN, all 500 sorties solved on each): the capacity
# within 7.5e-7 of the default mesh's after 20 sorties and 3.8e-5 after 500, a sortie 0.5 s
# instead of 1.2 s. Coarser (6 points, 3 across the separator) was 0.3 s but its capacity
# loss rate 0.4 % off after 8 sorties; 8 points failed a sortie (IDA_BAD_K) on that case.
MESH_POINTS: dict[LifeMesh, dict[str, int] | None] = {
    LifeMesh.COARSE: {"x_n": 10, "x_s": 5, "x_p": 10, "r_n": 10, "r_p": 10},
    LifeMesh.PYBAMM_DEFAULT: None,
}


class AgeingSolver(pybamm.IDAKLUSolver, ScalarFunctions):
    """IDAKLU on scalar (SX) CasADi functions (:class:`sortie.engine.solver.ScalarFunctions`):
    the same sortie as PyBaMM's own set-up to the solver's tolerance, 2.6x faster (DFN,
    OKane2022; its cubic graphite OCP is called as one function,
    :func:`sortie.engine.casadi_conversion.spline_function`)."""


# IDA's local error test on the differential states only (the algebraic potentials and
# current follow from them), as sweeps do (settings.SWEEP_SUPPRESS_ALGEBRAIC_ERROR): a DFN
# sortie 0.32 s instead of 0.48 s on the coarse mesh, the capacity after 10 sorties 4e-8 of
# it apart and the loss per sortie 1e-4 of it apart (ISR loiter, OKane2022).
SUPPRESS_ALGEBRAIC_ERROR = True


def _solver() -> Any:
    return AgeingSolver(
        rtol=SOLVER_RTOL,
        atol=SOLVER_ATOL,
        options={"suppress_algebraic_error": SUPPRESS_ALGEBRAIC_ERROR},
    )


def _simulation(spec: AgeingSpec, parameter_values: Any, experiment: Any) -> Any:
    # One model for every step of the cycle ("unified"): PyBaMM's default builds, sets up and
    # compiles one model per distinct step (each mission power is its own), 7 for a sortie
    # cycle; the unified model reads the step and its value as inputs. Same results, the
    # first sortie 9 s instead of 26 s (DFN).
    model = _model(spec.degradation.options, spec.model)
    points = MESH_POINTS[spec.mesh]
    return pybamm.Simulation(
        model,
        parameter_values=parameter_values,
        experiment=experiment,
        solver=_solver(),
        experiment_model_mode="unified",
        # Over the model's own defaults: an option that adds a domain keeps its points.
        var_pts=None if points is None else {**model.default_var_pts, **points},
    )


@functools.cache
def _model(parameter_set_options: tuple, model: str) -> Any:
    return _MODELS[model]({**dict(parameter_set_options), "thermal": "lumped"})


class AgeingSimulation:
    """A built sortie cycle on an ageing cell (not thread-safe: one per worker)."""

    def __init__(self, spec: AgeingSpec) -> None:
        self.spec = spec
        self.parameter_values = parameter_values(spec)
        self.minimum_v = float(self.parameter_values["Lower voltage cut-off [V]"])
        self._simulation = _simulation(
            spec, self.parameter_values, _experiment(spec, self.minimum_v)
        )
        self._storage: dict[StorageSteps, Any] = {}

    def fly(self, state: CellState | None) -> tuple[SortieOutput, CellState]:
        """One sortie cycle from ``state`` (None: the new cell, fully charged)."""
        solution = self._simulation.solve(
            starting_solution=None if state is None else state.solution,
            initial_soc=1.0 if state is None else None,
            calc_esoh=True,
        )
        if len(solution.cycles) < 2 or solution.cycles[-1] is None:
            raise RuntimeError(f"the sortie cycle did not run: {solution.termination}")
        summaries = solution.all_summary_variables
        steps = solution.cycles[-1].steps
        output = self._sortie_output(
            steps, _degradation(summaries[-2]), _degradation(summaries[-1])
        )
        return output, CellState(solution.last_state)

    def _sortie_output(self, steps: list, before: Degradation, after: Degradation):
        spec = self.spec
        n_mission = len(spec.mission)
        # A mission step started below the cut-off gives an empty solution (nothing flown);
        # the steps after it ran at once too.
        flown = []
        for step in steps[:n_mission]:
            if isinstance(step, pybamm.EmptySolution) or len(step.t) < 2:
                break
            flown.append(step)
        durations = [float(s.t[-1] - s.t[0]) for s in flown]
        complete = len(flown) == n_mission and all(
            d >= planned - _TIME_TOLERANCE_S
            for d, (_, planned, _) in zip(durations, spec.mission, strict=True)
        )
        energy_wh = sum(p * d for (p, _, _), d in zip(spec.mission, durations, strict=False)) / 3600
        if flown:
            start_ah = float(flown[0]["Discharge capacity [A.h]"].entries[0])
            end_ah = float(flown[-1]["Discharge capacity [A.h]"].entries[-1])
            peak_k = max(
                float(np.max(s["Volume-averaged cell temperature [K]"].entries)) for s in flown
            )
        else:
            start_ah = end_ah = 0.0
            peak_k = spec.ground_ambient_k
        recharge = [s for s in steps[n_mission:] if not isinstance(s, pybamm.EmptySolution)]
        recharge_s = sum(float(s.t[-1] - s.t[0]) for s in recharge[:2])
        return SortieOutput(
            before=before,
            after=after,
            mission_complete=complete,
            endurance_s=float(sum(durations)),
            energy_wh=float(energy_wh),
            discharge_ah=end_ah - start_ah,
            peak_temperature_c=peak_k - 273.15,
            resistance_ohm=_resistance_ohm(flown, durations),
            recharge_s=recharge_s,
        )

    def store(
        self, state: CellState, storage: StorageSteps
    ) -> tuple[Degradation, Degradation, CellState]:
        """A storage period from a charged, rested ``state``: the degradation before and
        after, and the recharged state after it."""
        simulation = self._storage.get(storage)
        if simulation is None:
            simulation = _simulation(
                self.spec, self.parameter_values, self._storage_experiment(storage)
            )
            self._storage[storage] = simulation
        solution = simulation.solve(starting_solution=state.solution, calc_esoh=True)
        summaries = solution.all_summary_variables
        return (
            _degradation(summaries[-2]),
            _degradation(summaries[-1]),
            CellState(solution.last_state),
        )

    def _storage_experiment(self, storage: StorageSteps) -> Any:
        ground = self.spec.ground_ambient_k
        # Down to the storage state of charge counted on the nominal capacity.
        hours = (1 - storage.state_of_charge) / STORAGE_C_RATE
        steps = []
        if hours > 0:
            steps.append(
                pybamm.step.c_rate(
                    STORAGE_C_RATE,
                    duration=hours * 3600,
                    termination=f"{self.minimum_v + CUTOFF_MARGIN_V:.3f} V",
                    temperature=ground,
                )
            )
        steps.append(pybamm.step.rest(storage.days * 86400.0, temperature=storage.temperature_k))
        steps.extend(_recharge_steps(self.spec))
        steps.append(pybamm.step.rest(3600.0, temperature=ground))
        take_off = pybamm.step.rest(1.0, temperature=ground)
        return pybamm.Experiment([(take_off,), tuple(steps)])


def _resistance_ohm(flown: list, durations: list[float]) -> float:
    """(open-circuit voltage - voltage) / current at the middle of the longest mission step
    flown: the cell's DC resistance under the mission's own load."""
    if not flown:
        return float("nan")
    step = flown[int(np.argmax(durations))]
    time = step.t
    middle = float(time[0] + (time[-1] - time[0]) / 2)
    index = int(np.argmin(np.abs(time - middle)))
    voltage = float(step["Voltage [V]"].entries[index])
    ocv = float(step["Battery open-circuit voltage [V]"].entries[index])
    current = float(step["Current [A]"].entries[index])
    return (ocv - voltage) / current if current > 0 else float("nan")
