"""Packs: series x parallel cells, the mass of what holds them together, and the resistance
of what connects them."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator
from pydantic.dataclasses import dataclass

from sortie.cells.budget import CellBudget
from sortie.cells.chemistry import STRICT
from sortie.cells.pack_layout import PackLayout
from sortie.errors import InputError

# Interconnects, BMS, wiring, balance leads and shrink/housing as a share of cell mass.
# An editable assumption: 0.12 means cells are 89 % of the pack mass, within the 85-92 %
# seen for small hand-built drone packs (nickel strip, no structural housing). Automotive
# packs are much heavier per cell (Löbberding et al., World Electr. Veh. J. 11 (2020) 77).
DEFAULT_MASS_OVERHEAD_FRACTION = 0.12

# Whole-pack resistance of what lies between the cells and the pack's connector, in series
# with the cells: strips and welds, bus bars, main leads, the connector, BMS switches.
# 0 is an ideal interconnect (Sortie's results before this field existed); no default fits
# all builds, so give the pack's own (measured: pack resistance minus series / parallel x
# the cell's; or estimated: R = resistivity x length / cross-section, with nickel
# 69.3 nOhm m and copper 16.8 nOhm m at 20 °C, CRC Handbook of Chemistry and Physics,
# "Electrical resistivity of pure metals"). For example one 25 mm link of 0.15 x 8 mm pure
# nickel strip is 1.4 mOhm and 2 x 10 cm of 12 AWG copper lead (3.31 mm2) 1.0 mOhm.
DEFAULT_INTERCONNECT_RESISTANCE_OHM = 0.0


class PackMassSource(StrEnum):
    """Where a pack's mass comes from."""

    OVERHEAD = "cells + overhead"  # the cells' mass x (1 + mass_overhead_fraction)
    PINNED = "pinned"  # the real pack's mass, as weighed (pinned_mass_kg)


@dataclass(config=STRICT)
class Pack:
    """``series_count`` cells in series, each position ``parallel_count`` cells wide.

    Pack power is shared equally by all cells (balanced). Its mass is the cells' plus
    ``mass_overhead_fraction`` of it, unless ``pinned_mass_kg`` gives the real pack's (then
    the overhead fraction is not used). ``interconnect_resistance_ohm`` is the whole pack's
    resistance outside the cells; the pack's power is delivered past it, so its I^2 R loss
    comes on top (and heats the cells: see :mod:`sortie.models.electrochemistry`).
    """

    series_count: Annotated[int, Field(ge=1, le=400)]
    parallel_count: Annotated[int, Field(ge=1, le=400)]
    mass_overhead_fraction: Annotated[float, Field(ge=0, lt=2)] = DEFAULT_MASS_OVERHEAD_FRACTION
    pinned_mass_kg: Annotated[float, Field(gt=0, le=5000)] | None = None
    interconnect_resistance_ohm: Annotated[float, Field(ge=0, le=10)] = (
        DEFAULT_INTERCONNECT_RESISTANCE_OHM
    )
    layout: PackLayout = Field(default_factory=PackLayout)

    @model_validator(mode="after")
    def _check_layout(self) -> Pack:
        self.layout.grid(self.cell_count)  # the cells must fit the stated rows x columns
        return self

    @property
    def cell_count(self) -> int:
        return self.series_count * self.parallel_count

    @property
    def mass_source(self) -> PackMassSource:
        return PackMassSource.OVERHEAD if self.pinned_mass_kg is None else PackMassSource.PINNED

    def cells_mass_kg(self, cell: CellBudget) -> float:
        """The cells alone."""
        return self.cell_count * cell.mass_kg

    def mass_kg(self, cell: CellBudget) -> float:
        """The pinned mass, or the cells' plus the overhead (see :meth:`check_mass`)."""
        if self.pinned_mass_kg is None:
            return self.cells_mass_kg(cell) * (1 + self.mass_overhead_fraction)
        return self.pinned_mass_kg

    def check_mass(self, cell: CellBudget) -> None:
        """Raises :class:`InputError` when a pinned mass is below the cells' own: those cells
        cannot be this pack (a wrong layout, cell or mass). Every flight checks it first."""
        cells_kg = self.cells_mass_kg(cell)
        if self.pinned_mass_kg is not None and self.pinned_mass_kg < cells_kg * (1 - 1e-9):
            raise InputError(
                f"pack mass {self.pinned_mass_kg:.3f} kg is less than its "
                f"{self.cell_count} cells weigh ({cells_kg:.3f} kg at {1e3 * cell.mass_kg:.1f} "
                "g each): check the pack's layout, the cell or the pinned mass"
            )

    def overhead_fraction(self, cell: CellBudget) -> float:
        """The overhead used: the set fraction, or what a pinned mass implies."""
        return self.mass_kg(cell) / self.cells_mass_kg(cell) - 1

    @property
    def cell_interconnect_resistance_ohm(self) -> float:
        """Each cell's share of the interconnect: R x parallel / series, so that the cells'
        I^2 R losses (cell current I = pack current / parallel) add up to the pack's."""
        return self.interconnect_resistance_ohm * self.parallel_count / self.series_count

    def energy_wh(self, cell: CellBudget) -> float:
        return self.cell_count * cell.energy_wh
