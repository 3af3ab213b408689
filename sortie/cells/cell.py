"""A cell ready to fly: a design and the chemistry it is built from."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

from sortie.cells.budget import CellBudget, cell_budget
from sortie.cells.chemistry import Chemistry, Fidelity
from sortie.cells.design import CellDesign


@dataclass(frozen=True)
class Cell:
    """``name_de`` and ``description_de`` are the German texts of a preset (empty: none given,
    e.g. a user's file); the design keeps the English ones."""

    design: CellDesign
    chemistry: Chemistry
    name_de: str = ""
    description_de: str = ""

    def __post_init__(self) -> None:
        if self.design.chemistry != self.chemistry.id:
            raise ValueError(
                f"cell {self.design.id} names chemistry {self.design.chemistry!r}, "
                f"but {self.chemistry.id!r} was given"
            )
        if (
            self.design.negative.secondary_active_material_volume_fraction > 0
            and not self.chemistry.has_secondary_negative_phase
        ):
            raise ValueError(
                f"{self.chemistry.id} has one negative phase: "
                "negative.secondary_active_material_volume_fraction must be 0"
            )

    @property
    def id(self) -> str:
        return self.design.id

    @property
    def fidelity(self) -> Fidelity:
        """The chemistry's flags, as this cell is flown: a calibration that adds an
        activation energy to a transport parameter (a diffusivity or a conductivity) makes
        transport depend on temperature, whatever the set did."""
        fidelity = self.chemistry.fidelity
        transport = ("diffusivity", "conductivity")
        if not fidelity.temperature_dependent_transport and any(
            c.activation_energy_j_per_mol and any(word in c.name for word in transport)
            for c in self.design.model_parameters
        ):
            return dataclasses.replace(fidelity, temperature_dependent_transport=True)
        return fidelity

    @property
    def model_parameter_changes(self) -> tuple[tuple[str, float, float], ...]:
        """A calibrated cell's model changes as the engine takes them: (PyBaMM name, factor,
        added activation energy J/mol), sorted by name; empty for a literature cell."""
        return tuple(
            sorted(
                (c.name, c.factor, c.activation_energy_j_per_mol)
                for c in self.design.model_parameters
            )
        )

    @property
    def name(self) -> str:
        return self.design.name

    @property
    def description(self) -> str:
        return self.design.description

    @functools.cached_property
    def budget(self) -> CellBudget:
        return cell_budget(self.design, self.chemistry)

    @property
    def heat_capacity_j_per_k(self) -> float:
        return self.budget.mass_kg * self.chemistry.specific_heat_j_per_kg_k
