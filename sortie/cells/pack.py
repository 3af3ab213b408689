"""Packs: series x parallel cells, the mass of what holds them together, and the resistance
of what connects them."""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import Annotated, Any

from pydantic import ConfigDict, Field, model_validator
from pydantic.dataclasses import dataclass

from sortie.cells.budget import CellBudget
from sortie.cells.chemistry import STRICT
from sortie.cells.pack_layout import PackLayout
from sortie.defaults import PACK_INTERCONNECT_RESISTANCE_OHM, PACK_MASS_OVERHEAD_FRACTION
from sortie.errors import InputError

# The pack's defaults and their sources live with every other default (sortie.defaults).
DEFAULT_MASS_OVERHEAD_FRACTION = PACK_MASS_OVERHEAD_FRACTION
DEFAULT_INTERCONNECT_RESISTANCE_OHM = PACK_INTERCONNECT_RESISTANCE_OHM


# Fields a user writes by another name (``--set pack.mass_kg=0.95``, a sweep's
# ``pack.mass_kg``): the pinned mass, as the method ``Pack.mass_kg(cell)`` is the mass in use.
# Pydantic takes either name and names a refused value as the user wrote it.
PACK_FIELD_ALIASES = {"mass_kg": "pinned_mass_kg"}


class PackMassSource(StrEnum):
    """Where a pack's mass comes from."""

    OVERHEAD = "cells + overhead"  # the cells' mass x (1 + mass_overhead_fraction)
    PINNED = "pinned"  # the real pack's mass, as weighed (pinned_mass_kg)


@dataclass(config=ConfigDict(**STRICT, validate_by_name=True, validate_by_alias=True))
class Pack:
    """``series_count`` cells in series, each position ``parallel_count`` cells wide.

    Pack power is shared equally by all cells (balanced). Its mass is the cells' plus
    ``mass_overhead_fraction`` of it, unless ``pinned_mass_kg`` (given as ``mass_kg``, see
    :data:`PACK_FIELD_ALIASES`) is the real pack's (then the overhead fraction is not used).
    ``interconnect_resistance_ohm`` is the whole pack's resistance outside the cells; the
    pack's power is delivered past it, so its I^2 R loss comes on top (and heats the cells:
    see :mod:`sortie.engine.built_model`).
    """

    series_count: Annotated[int, Field(ge=1, le=400)]
    parallel_count: Annotated[int, Field(ge=1, le=400)]
    mass_overhead_fraction: Annotated[float, Field(ge=0, lt=2)] = DEFAULT_MASS_OVERHEAD_FRACTION
    pinned_mass_kg: Annotated[float | None, Field(gt=0, le=5000, alias="mass_kg")] = None
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


def pack_fields(pack: Pack) -> dict[str, Any]:
    """``pack``'s fields by the names a user writes (``mass_kg`` for the pinned mass): what a
    change by those names applies to, and builds a :class:`Pack` again."""
    found = dataclasses.asdict(pack)
    for spelt, name in PACK_FIELD_ALIASES.items():
        found[spelt] = found.pop(name)
    return found
