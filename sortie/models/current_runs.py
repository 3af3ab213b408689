"""A current-driven run for the engine (measured tests: cyclers control current, not power):
plain data, no PyBaMM. The engine's :class:`~sortie.engine.current_model.CurrentModel` solves
a list of these at once, each becoming a :class:`~sortie.models.cell_runs.RunOutput`.

A model's structure is fixed by a :class:`~sortie.models.cell_runs.ModelSpec` (its
``segment_start_times_s`` are the current steps of the test) and by the model parameters that
are fitted (:class:`FittedParameter`); everything else is an input of each run.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sortie.models.cell_runs import DesignInputs


class Modifier(StrEnum):
    """How a fitted PyBaMM parameter enters the model."""

    # The parameter set's value (a number or a function) times a factor.
    FACTOR = "factor"
    # The parameter set's function times exp(E / R (1/T_ref - 1/T)): an extra activation
    # energy E [J/mol] on top of any the set has (functions of temperature only).
    ACTIVATION_ENERGY = "activation energy"


@dataclass(frozen=True)
class FittedParameter:
    """A PyBaMM parameter with a fitted modifier (see :class:`Modifier`)."""

    pybamm_name: str
    modifier: Modifier

    @property
    def input_name(self) -> str:
        """The PyBaMM input parameter that carries the fitted value."""
        return f"Sortie fit: {self.modifier.value} of {self.pybamm_name}"


@dataclass(frozen=True)
class CurrentRunInputs:
    """One run: a current per segment of the spec (A, positive = discharge), the chamber
    (ambient, heat transfer coefficient, both constant over the run), the lumped cell's
    volume, cooling area and volumetric heat capacity, the design, a resistance in series
    with the cell (Ohm) and the fitted modifiers' values (by :attr:`FittedParameter.input_name`
    order of the model's fitted parameters)."""

    cell_current_a: tuple[float, ...]
    ambient_k: float
    initial_temperature_k: float
    max_temperature_k: float
    heat_transfer_coefficient_w_per_m2_k: float
    cell_volume_m3: float
    cooling_area_m2: float
    volumetric_heat_capacity_j_per_m3_k: float
    design: DesignInputs
    series_resistance_ohm: float = 0.0
    fitted_values: tuple[float, ...] = ()
