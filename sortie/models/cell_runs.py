"""What the electrochemistry engine takes and gives back: plain data, no PyBaMM.

The engine (:mod:`sortie.engine`, the one package that imports PyBaMM) builds
one model per :class:`ModelSpec` and solves any number of :class:`RunInputs` on it, each
becoming one :class:`RunOutput`: failures are outputs too (an :class:`Ending`), so a batch of
designs never fails as a whole. Everything else in Sortie sees only these types, in SI units
as PyBaMM wants them (metres, kelvin, watts per cell).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np


class Ending(StrEnum):
    """How one run ended."""

    FINAL_TIME = "final time"  # flew to the end of the time grid
    VOLTAGE_CUTOFF = "voltage cut-off"  # the parameter set's minimum voltage
    TEMPERATURE_LIMIT = "temperature limit"  # RunInputs.max_temperature_k
    # Another event of the model (electrolyte depleted, a stoichiometry at its limit, the
    # maximum voltage): the cell cannot carry the load, though no cut-off was reached.
    MODEL_EVENT = "model event"
    # Stopped part-way by the solver; the partial run is kept.
    SOLVER_FAILURE = "solver failure"
    # Not even the first step: no consistent state under the first power (too much power,
    # too cold, too empty) or an event already true at the start.
    NO_START = "no start"
    # The design has no electrode balance between the cut-off voltages, or uses a phase the
    # chemistry does not have: nothing was solved.
    INVALID_DESIGN = "invalid design"


@dataclass(frozen=True)
class ModelSpec:
    """What fixes the structure of a built model (the engine's cache key). Hashable plain
    data; everything else is :class:`RunInputs`."""

    parameter_set: str
    model: str
    model_options: tuple[tuple[str, Any], ...]
    parameter_supplement: tuple[tuple[str, float], ...]
    initial_state_of_charge: float
    segment_start_times_s: tuple[float, ...]
    # A checked BPX document (sortie.cells.bpx_import) instead of a named parameter set.
    bpx_json: str | None = None
    # The solver's (see SimulationSettings): a built solver keeps them.
    relative_tolerance: float = 1e-4
    initial_step_s: float = 0.0  # 0: IDA's own first step
    suppress_algebraic_error: bool = False
    compiled: bool = False
    # A calibrated cell's model changes: (PyBaMM name, factor, added activation energy J/mol),
    # sorted by name (sortie.cells.design.ModelParameterChange; sortie.engine.modifiers).
    parameter_changes: tuple[tuple[str, float, float], ...] = ()


@dataclass(frozen=True)
class DesignInputs:
    """A cell design in PyBaMM's units. ``negative_secondary_active_material_volume_fraction``
    is used by two-phase negative electrodes only (then the primary fraction excludes it)."""

    positive_thickness_m: float
    negative_thickness_m: float
    separator_thickness_m: float
    positive_porosity: float
    negative_porosity: float
    separator_porosity: float
    positive_active_material_volume_fraction: float
    negative_active_material_volume_fraction: float
    negative_secondary_active_material_volume_fraction: float
    positive_particle_radius_m: float
    negative_particle_radius_m: float
    electrode_area_m2: float
    nominal_capacity_ah: float


@dataclass(frozen=True)
class RunInputs:
    """Per-run values (PyBaMM input parameters). One power (W per cell, positive =
    discharge), one ambient and one heat transfer coefficient per segment of the spec.

    ``interconnect_resistance_ohm`` is each cell's share of the pack's interconnect (strips,
    wires, connectors, BMS switches): pack resistance x parallel / series, so that the cells'
    I^2 R sum to the pack's. The power is delivered past it; its loss heats the cell."""

    cell_power_w: tuple[float, ...]
    ambient_k: tuple[float, ...]
    initial_temperature_k: float
    max_temperature_k: float
    heat_transfer_coefficient_w_per_m2_k: tuple[float, ...]
    cell_volume_m3: float
    cooling_area_m2: float
    volumetric_heat_capacity_j_per_m3_k: float
    design: DesignInputs
    interconnect_resistance_ohm: float = 0.0


@dataclass(frozen=True)
class RunOutput:
    """Solver output on the time grid, up to where the run ended (empty arrays when nothing
    was solved: NO_START, INVALID_DESIGN).

    ``voltage_v`` is at the cell's own terminals (the voltage cut-off applies there);
    ``discharge_energy_wh`` is what passed the cell's share of the interconnect (the energy the
    load received per cell); ``interconnect_loss_wh`` is the energy lost in that share, so the
    cell itself delivered the sum of the two.

    ``event`` names the PyBaMM event of a MODEL_EVENT (or the one true at the start of a
    NO_START); ``message`` is the solver's or the design check's first line.
    """

    ending: Ending
    time_s: np.ndarray
    voltage_v: np.ndarray
    current_a: np.ndarray
    temperature_k: np.ndarray
    discharge_capacity_ah: np.ndarray
    discharge_energy_wh: np.ndarray
    interconnect_loss_wh: np.ndarray
    # Heat released in the cell [W] (electrochemistry and its interconnect share): the
    # lumped thermal model's source term.
    heat_generation_w: np.ndarray
    message: str = ""
    event: str = ""
    warnings: tuple[str, ...] = ()
    # Capacity between the cut-offs of the design's electrode balance (None: the reference
    # balance of a two-phase set was used).
    capacity_ah: float | None = None

    @property
    def solved(self) -> bool:
        """True when at least one step was taken."""
        return len(self.time_s) > 0


def empty_output(ending: Ending, message: str, event: str = "", warnings=()) -> RunOutput:
    """An output with no time steps (the run never started)."""
    nothing = np.zeros(0)
    return RunOutput(
        ending=ending,
        time_s=nothing,
        voltage_v=nothing,
        current_a=nothing,
        temperature_k=nothing,
        discharge_capacity_ah=nothing,
        discharge_energy_wh=nothing,
        interconnect_loss_wh=nothing,
        heat_generation_w=nothing,
        message=message,
        event=event,
        warnings=tuple(warnings),
    )


class ParameterError(ValueError):
    """A PyBaMM parameter set, supplement or model is unknown or inconsistent."""


def to_hashable_options(options: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """Model options as a sorted tuple, lists turned into tuples (TOML gives lists; PyBaMM
    wants tuples for per-electrode options)."""

    def freeze(value: Any) -> Any:
        if isinstance(value, list | tuple):
            return tuple(freeze(v) for v in value)
        return value

    return tuple(sorted((key, freeze(value)) for key, value in options.items()))
