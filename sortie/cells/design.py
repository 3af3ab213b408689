"""Cell designs: electrodes, separator, foils and format.

Lengths in the name's unit (um for coatings and foils, mm for the format). The electrode area
is the PyBaMM electrode-pair area: a double-coated sheet of length L and width W counts as
2 L W. Either it is given (from a parameter set) or it follows from the format: a wound
cylindrical cell fills its can, so ``area = fill * roll volume / pair thickness``.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic.dataclasses import dataclass

from sortie.cells.chemistry import STRICT
from sortie.cells.materials import CAN_STEEL_DENSITY_KG_PER_M3

Positive = Annotated[float, Field(gt=0)]
Fraction = Annotated[float, Field(gt=0, lt=1)]

# Packing efficiency of a wound jelly roll: the share of the free can volume that is electrode
# stack. 0.888 follows from the LG M50 teardown of Chen et al. 2020 (J. Electrochem. Soc. 167,
# 080534: 0.1027 m2 of 186.8 um pair thickness in a 21700 can with 0.25 mm wall, 1 mm
# mandrel hole and 65 mm roll height). `jelly_roll_fill_factor_m50()` in the tests re-derives it.
DEFAULT_JELLY_ROLL_FILL_FACTOR = 0.888


class FormatKind(StrEnum):
    CYLINDRICAL = "cylindrical"
    POUCH = "pouch"


@dataclass(config=STRICT)
class ElectrodeDesign:
    """One coating. ``porosity + active_material_volume_fraction <= 1``; the rest is binder and
    conductive carbon."""

    coating_thickness_um: Annotated[float, Field(gt=1, lt=1000)]
    porosity: Fraction
    active_material_volume_fraction: Fraction
    particle_radius_um: Annotated[float, Field(gt=0.005, lt=100)]

    @model_validator(mode="after")
    def _check_fractions(self) -> ElectrodeDesign:
        total = self.porosity + self.active_material_volume_fraction
        if total > 1.0 + 1e-9:
            raise ValueError(f"porosity + active_material_volume_fraction = {total:.3f} is above 1")
        return self

    @property
    def inactive_volume_fraction(self) -> float:
        return max(0.0, 1.0 - self.porosity - self.active_material_volume_fraction)


@dataclass(config=STRICT)
class SeparatorDesign:
    thickness_um: Annotated[float, Field(gt=1, lt=200)]
    porosity: Fraction


@dataclass(config=STRICT)
class CylindricalFormat:
    """Steel can. ``headspace_mm`` is the height above and below the roll (cap assembly,
    insulators, bottom); ``cap_assembly_mass_g`` is the header (cap, vent, CID/PTC, gasket)."""

    name: str
    diameter_mm: Annotated[float, Field(gt=5, lt=100)]
    height_mm: Annotated[float, Field(gt=10, lt=300)]
    can_wall_thickness_mm: Annotated[float, Field(gt=0.05, lt=2)]
    can_bottom_thickness_mm: Annotated[float, Field(gt=0.05, lt=3)]
    headspace_mm: Annotated[float, Field(ge=0, lt=50)]
    mandrel_diameter_mm: Annotated[float, Field(ge=0, lt=30)]
    cap_assembly_mass_g: Annotated[float, Field(ge=0, lt=100)]
    kind: Literal[FormatKind.CYLINDRICAL] = FormatKind.CYLINDRICAL

    @model_validator(mode="after")
    def _check(self) -> CylindricalFormat:
        inner = self.diameter_mm - 2 * self.can_wall_thickness_mm
        if self.mandrel_diameter_mm >= inner:
            raise ValueError("mandrel_diameter_mm does not fit inside the can")
        if self.headspace_mm + self.can_bottom_thickness_mm >= self.height_mm:
            raise ValueError("headspace_mm leaves no room for the jelly roll")
        return self

    @property
    def volume_m3(self) -> float:
        return math.pi / 4 * (self.diameter_mm * 1e-3) ** 2 * self.height_mm * 1e-3

    @property
    def surface_area_m2(self) -> float:
        d, h = self.diameter_mm * 1e-3, self.height_mm * 1e-3
        return math.pi * d * h + 2 * math.pi / 4 * d**2

    @property
    def roll_height_m(self) -> float:
        return (self.height_mm - self.headspace_mm - self.can_bottom_thickness_mm) * 1e-3

    @property
    def roll_volume_m3(self) -> float:
        """Free volume for the jelly roll: inside the wall, outside the mandrel."""
        inner_d = (self.diameter_mm - 2 * self.can_wall_thickness_mm) * 1e-3
        return (
            math.pi
            / 4
            * (inner_d**2 - (self.mandrel_diameter_mm * 1e-3) ** 2)
            * (self.roll_height_m)
        )

    @property
    def casing_mass_kg(self) -> float:
        """Can side wall + bottom (steel) + header."""
        d, h = self.diameter_mm * 1e-3, self.height_mm * 1e-3
        wall, bottom = self.can_wall_thickness_mm * 1e-3, self.can_bottom_thickness_mm * 1e-3
        side = math.pi / 4 * (d**2 - (d - 2 * wall) ** 2) * h
        base = math.pi / 4 * (d - 2 * wall) ** 2 * bottom
        return (side + base) * CAN_STEEL_DENSITY_KG_PER_M3 + self.cap_assembly_mass_g * 1e-3


@dataclass(config=STRICT)
class PouchFormat:
    """Laminated aluminium pouch. Body dimensions exclude tabs; the pouch foil wraps both
    faces plus the sealed rim."""

    name: str
    length_mm: Annotated[float, Field(gt=5, lt=1000)]
    width_mm: Annotated[float, Field(gt=5, lt=1000)]
    thickness_mm: Annotated[float, Field(gt=0.1, lt=100)]
    pouch_foil_areal_mass_kg_per_m2: Annotated[float, Field(gt=0, lt=2)]
    tab_mass_g: Annotated[float, Field(ge=0, lt=200)]
    kind: Literal[FormatKind.POUCH] = FormatKind.POUCH

    @property
    def volume_m3(self) -> float:
        return self.length_mm * self.width_mm * self.thickness_mm * 1e-9

    @property
    def surface_area_m2(self) -> float:
        length, w, t = self.length_mm * 1e-3, self.width_mm * 1e-3, self.thickness_mm * 1e-3
        return 2 * (length * w + length * t + w * t)

    @property
    def casing_mass_kg(self) -> float:
        # Two faces of foil cover the body and its thickness (formed cup): ~ the box surface.
        return self.surface_area_m2 * self.pouch_foil_areal_mass_kg_per_m2 + self.tab_mass_g * 1e-3


CellFormat = CylindricalFormat | PouchFormat


@dataclass(config=STRICT)
class ReferenceData:
    """What the manufacturer (or the paper) says about the real cell, for comparison only."""

    source: str
    capacity_ah: float | None = None
    mass_g: float | None = None
    energy_wh: float | None = None


@dataclass(config=STRICT)
class CellDesign:
    """A cell as built: chemistry id, electrodes, separator, foils and format.

    ``electrode_area_m2`` None means "fill the format" (cylindrical only).
    ``electrolyte_excess_fraction`` is extra electrolyte as a share of the pore volume.
    """

    id: str
    name: str
    description: str
    chemistry: str
    format: Annotated[CellFormat, Field(discriminator="kind")]
    positive: ElectrodeDesign
    negative: ElectrodeDesign
    separator: SeparatorDesign
    positive_foil_thickness_um: Annotated[float, Field(gt=1, lt=100)] = 15.0
    negative_foil_thickness_um: Annotated[float, Field(gt=1, lt=100)] = 10.0
    electrode_area_m2: Annotated[float, Field(gt=0, lt=100)] | None = None
    jelly_roll_fill_factor: Annotated[float, Field(gt=0.3, le=1)] = DEFAULT_JELLY_ROLL_FILL_FACTOR
    electrolyte_excess_fraction: Annotated[float, Field(ge=0, lt=2)] = 0.1
    reference_data: ReferenceData | None = None
    sources: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> CellDesign:
        if self.electrode_area_m2 is None and not isinstance(self.format, CylindricalFormat):
            raise ValueError("electrode_area_m2 is required for pouch cells")
        stack_volume = self.electrode_area_m2_resolved * self.pair_thickness_m
        if stack_volume > self.format.volume_m3:
            raise ValueError(
                f"the electrode stack ({stack_volume * 1e6:.1f} ml) does not fit in the "
                f"{self.format.name} format ({self.format.volume_m3 * 1e6:.1f} ml)"
            )
        return self

    @property
    def pair_thickness_m(self) -> float:
        """One electrode pair: both coatings, one separator and half of each foil (the foils
        are coated on both sides and shared by two pairs)."""
        return 1e-6 * (
            self.positive.coating_thickness_um
            + self.negative.coating_thickness_um
            + self.separator.thickness_um
            + 0.5 * (self.positive_foil_thickness_um + self.negative_foil_thickness_um)
        )

    @property
    def electrode_area_m2_resolved(self) -> float:
        if self.electrode_area_m2 is not None:
            return self.electrode_area_m2
        assert isinstance(self.format, CylindricalFormat)
        return self.jelly_roll_fill_factor * self.format.roll_volume_m3 / self.pair_thickness_m
