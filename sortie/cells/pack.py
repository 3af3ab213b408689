"""Packs: series x parallel cells plus the mass of what holds them together."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from pydantic.dataclasses import dataclass

from sortie.cells.budget import CellBudget
from sortie.cells.chemistry import STRICT

# Interconnects, BMS, wiring, balance leads and shrink/housing as a share of cell mass.
# An editable assumption: 0.12 means cells are 89 % of the pack mass, within the 85-92 %
# seen for small hand-built drone packs (nickel strip, no structural housing). Automotive
# packs are much heavier per cell (Löbberding et al., World Electr. Veh. J. 11 (2020) 77).
DEFAULT_MASS_OVERHEAD_FRACTION = 0.12


@dataclass(config=STRICT)
class Pack:
    """``series_count`` cells in series, each position ``parallel_count`` cells wide.

    Pack power is shared equally by all cells (balanced, no interconnect losses).
    """

    series_count: Annotated[int, Field(ge=1, le=400)]
    parallel_count: Annotated[int, Field(ge=1, le=400)]
    mass_overhead_fraction: Annotated[float, Field(ge=0, lt=2)] = DEFAULT_MASS_OVERHEAD_FRACTION

    @property
    def cell_count(self) -> int:
        return self.series_count * self.parallel_count

    def mass_kg(self, cell: CellBudget) -> float:
        return self.cell_count * cell.mass_kg * (1 + self.mass_overhead_fraction)

    def energy_wh(self, cell: CellBudget) -> float:
        return self.cell_count * cell.energy_wh
