"""Cell designs: electrodes, separator, foils and format.

Lengths in the name's unit (um for coatings and foils, mm for the format). The electrode area
is the PyBaMM electrode-pair area: a double-coated sheet of length L and width W counts as
2 L W. It follows from the format unless given (a BPX file, a teardown):
- wound cells (cylindrical, prismatic) fill their can: ``area = fill * roll volume / pair
  thickness``, so a thicker coating in a fixed 21700 can means a shorter jelly roll;
- stacked pouch cells: ``area = 2 * cathode layers * electrode length * width`` (each
  double-coated cathode faces two anodes).
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic.dataclasses import dataclass

from sortie.cells.chemistry import STRICT
from sortie.cells.materials import ALUMINIUM_DENSITY_KG_PER_M3, CAN_STEEL_DENSITY_KG_PER_M3

Positive = Annotated[float, Field(gt=0)]
Fraction = Annotated[float, Field(gt=0, lt=1)]

# Packing efficiency of a wound jelly roll: the share of the free can volume that is electrode
# stack. 0.888 follows from the LG M50 teardown of Chen et al. 2020 (J. Electrochem. Soc. 167,
# 080534: 0.1027 m2 of 186.8 um pair thickness in a 21700 can with 0.25 mm wall, 1 mm
# mandrel hole and 65 mm roll height). tests/test_design.py re-derives it.
DEFAULT_JELLY_ROLL_FILL_FACTOR = 0.888


def box_volume_m3(length_mm: float, width_mm: float, thickness_mm: float) -> float:
    return length_mm * width_mm * thickness_mm * 1e-9


def pair_thickness_um(
    positive_coating_um: float,
    negative_coating_um: float,
    separator_um: float,
    positive_foil_um: float,
    negative_foil_um: float,
) -> float:
    """One electrode pair: both coatings, one separator and half of each foil (the foils
    are coated on both sides and shared by two pairs)."""
    return (
        positive_coating_um
        + negative_coating_um
        + separator_um
        + 0.5 * (positive_foil_um + negative_foil_um)
    )


def box_surface_area_m2(length_mm: float, width_mm: float, thickness_mm: float) -> float:
    length, width, thickness = length_mm * 1e-3, width_mm * 1e-3, thickness_mm * 1e-3
    return 2 * (length * width + length * thickness + width * thickness)


class _BoxBody:
    """Volume and surface of a rectangular body (``length_mm`` x ``width_mm`` x
    ``thickness_mm``): pouch and prismatic formats."""

    length_mm: float
    width_mm: float
    thickness_mm: float

    @property
    def volume_m3(self) -> float:
        return box_volume_m3(self.length_mm, self.width_mm, self.thickness_mm)

    @property
    def surface_area_m2(self) -> float:
        return box_surface_area_m2(self.length_mm, self.width_mm, self.thickness_mm)


class FormatKind(StrEnum):
    CYLINDRICAL = "cylindrical"
    POUCH = "pouch"
    PRISMATIC = "prismatic"


@dataclass(config=STRICT)
class ElectrodeDesign:
    """One coating. ``porosity + active_material_volume_fraction <= 1``; the rest is binder and
    conductive carbon. ``secondary_active_material_volume_fraction`` is the part of the active
    fraction that is a second phase (silicon in a graphite anode), 0 for one-phase electrodes."""

    coating_thickness_um: Annotated[float, Field(gt=1, lt=1000)]
    porosity: Fraction
    active_material_volume_fraction: Fraction
    particle_radius_um: Annotated[float, Field(gt=0.005, lt=100)]
    secondary_active_material_volume_fraction: Annotated[float, Field(ge=0, lt=1)] = 0.0

    @model_validator(mode="after")
    def _check_fractions(self) -> ElectrodeDesign:
        total = self.porosity + self.active_material_volume_fraction
        if total > 1.0 + 1e-9:
            raise ValueError(f"porosity + active_material_volume_fraction = {total:.3f} is above 1")
        if self.secondary_active_material_volume_fraction >= self.active_material_volume_fraction:
            raise ValueError(
                "secondary_active_material_volume_fraction must be below the active fraction"
            )
        return self

    @property
    def inactive_volume_fraction(self) -> float:
        return max(0.0, 1.0 - self.porosity - self.active_material_volume_fraction)

    @property
    def primary_active_material_volume_fraction(self) -> float:
        return self.active_material_volume_fraction - self.secondary_active_material_volume_fraction


@dataclass(config=STRICT)
class SeparatorDesign:
    thickness_um: Annotated[float, Field(gt=1, lt=200)]
    porosity: Fraction


@dataclass(config=STRICT)
class CylindricalFormat:
    """Steel can. ``headspace_mm`` is the height above and below the roll (cap assembly,
    insulators); ``cap_assembly_mass_g`` is the header (cap, vent, CID/PTC, gasket)."""

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
    def inner_radius_m(self) -> float:
        return (self.diameter_mm / 2 - self.can_wall_thickness_mm) * 1e-3

    @property
    def roll_volume_m3(self) -> float:
        """Free volume for the jelly roll: inside the wall, outside the mandrel."""
        inner_d = 2 * self.inner_radius_m
        mandrel_d = self.mandrel_diameter_mm * 1e-3
        return math.pi / 4 * (inner_d**2 - mandrel_d**2) * self.roll_height_m

    @property
    def casing_mass_kg(self) -> float:
        """Can side wall + bottom (steel) + header."""
        d, h = self.diameter_mm * 1e-3, self.height_mm * 1e-3
        wall, bottom = self.can_wall_thickness_mm * 1e-3, self.can_bottom_thickness_mm * 1e-3
        side = math.pi / 4 * (d**2 - (d - 2 * wall) ** 2) * h
        base = math.pi / 4 * (d - 2 * wall) ** 2 * bottom
        return (side + base) * CAN_STEEL_DENSITY_KG_PER_M3 + self.cap_assembly_mass_g * 1e-3


@dataclass(config=STRICT)
class PrismaticFormat(_BoxBody):
    """Aluminium can with a flat wound jelly roll. ``headspace_mm`` is the height taken by
    the lid, terminals and insulation above the roll."""

    name: str
    length_mm: Annotated[float, Field(gt=5, lt=1000)]  # along the winding axis
    width_mm: Annotated[float, Field(gt=5, lt=1000)]
    thickness_mm: Annotated[float, Field(gt=1, lt=200)]
    can_wall_thickness_mm: Annotated[float, Field(gt=0.1, lt=5)]
    headspace_mm: Annotated[float, Field(ge=0, lt=100)]
    header_mass_g: Annotated[float, Field(ge=0, lt=2000)]
    kind: Literal[FormatKind.PRISMATIC] = FormatKind.PRISMATIC

    @model_validator(mode="after")
    def _check(self) -> PrismaticFormat:
        if 2 * self.can_wall_thickness_mm >= self.thickness_mm:
            raise ValueError("can_wall_thickness_mm leaves no room inside the can")
        if self.headspace_mm + self.can_wall_thickness_mm >= self.width_mm:
            raise ValueError("headspace_mm leaves no room for the jelly roll")
        return self

    @property
    def roll_volume_m3(self) -> float:
        wall = self.can_wall_thickness_mm
        inner = (
            (self.length_mm - 2 * wall)
            * (self.width_mm - wall - self.headspace_mm)
            * (self.thickness_mm - 2 * wall)
        )
        return inner * 1e-9

    @property
    def roll_height_m(self) -> float:
        return (self.length_mm - 2 * self.can_wall_thickness_mm) * 1e-3

    @property
    def casing_mass_kg(self) -> float:
        """A closed aluminium box of the wall thickness plus the header (lid, terminals)."""
        wall = 2 * self.can_wall_thickness_mm
        wall_volume = self.volume_m3 - box_volume_m3(
            self.length_mm - wall, self.width_mm - wall, self.thickness_mm - wall
        )
        return wall_volume * ALUMINIUM_DENSITY_KG_PER_M3 + self.header_mass_g * 1e-3


@dataclass(config=STRICT)
class PouchFormat(_BoxBody):
    """Laminated aluminium pouch. Body dimensions exclude tabs; the pouch foil wraps both
    faces plus the sealed rim."""

    name: str
    length_mm: Annotated[float, Field(gt=5, lt=1000)]
    width_mm: Annotated[float, Field(gt=5, lt=1000)]
    thickness_mm: Annotated[float, Field(gt=0.1, lt=100)]
    pouch_foil_areal_mass_kg_per_m2: Annotated[float, Field(gt=0, lt=2)]
    tab_mass_g: Annotated[float, Field(ge=0, lt=200)]
    pouch_foil_thickness_mm: Annotated[float, Field(gt=0, lt=1)] = 0.153
    kind: Literal[FormatKind.POUCH] = FormatKind.POUCH

    @property
    def inside_thickness_mm(self) -> float:
        """The room for the stack: the body less the pouch foil on both faces."""
        return self.thickness_mm - 2 * self.pouch_foil_thickness_mm

    @property
    def casing_mass_kg(self) -> float:
        # Two faces of foil cover the body and its thickness (formed cup): ~ the box surface.
        return self.surface_area_m2 * self.pouch_foil_areal_mass_kg_per_m2 + self.tab_mass_g * 1e-3


CellFormat = CylindricalFormat | PrismaticFormat | PouchFormat


@dataclass(config=STRICT)
class ReferenceData:
    """What the manufacturer (or the paper) says about the real cell, for comparison only."""

    source: str
    capacity_ah: float | None = None
    mass_g: float | None = None
    energy_wh: float | None = None


@dataclass(config=STRICT)
class ModelParameterChange:
    """A calibrated change to one PyBaMM parameter of the cell's chemistry (its exact PyBaMM
    name): the set's value or function times ``factor``, and, for a function of temperature,
    an added activation energy (the factor is 1 at 25 °C; see sortie.engine.modifiers).
    Written by ``sortie calibrate``; a name the set does not have fails the flight by name."""

    name: Annotated[str, Field(min_length=3, max_length=200)]
    factor: Annotated[float, Field(gt=0, le=1000)] = 1.0
    activation_energy_j_per_mol: Annotated[float, Field(ge=-200_000, le=200_000)] = 0.0


@dataclass(config=STRICT)
class CalibratedRange:
    """What a calibrated cell's measurements covered: flights beyond it (a higher C-rate, a
    colder or hotter ambient) are flagged, not refused."""

    fitted_to: Annotated[str, Field(min_length=1, max_length=2000)]
    max_c_rate: Annotated[float, Field(gt=0, le=100)]
    min_ambient_c: Annotated[float, Field(ge=-60, le=80)]
    max_ambient_c: Annotated[float, Field(ge=-60, le=80)]

    @model_validator(mode="after")
    def _check(self) -> CalibratedRange:
        if self.min_ambient_c > self.max_ambient_c:
            raise ValueError("min_ambient_c must not exceed max_ambient_c")
        return self


@dataclass(config=STRICT)
class CellDesign:
    """A cell as built: chemistry id, electrodes, separator, foils and format.

    ``electrode_area_m2`` None: the area follows from the format (wound: fill the can;
    pouch: ``cathode_layer_count`` layers of ``electrode_length_mm`` x ``electrode_width_mm``).
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
    cathode_layer_count: Annotated[int, Field(ge=1, le=500)] | None = None
    electrode_length_mm: Annotated[float, Field(gt=1, lt=1000)] | None = None
    electrode_width_mm: Annotated[float, Field(gt=1, lt=1000)] | None = None
    jelly_roll_fill_factor: Annotated[float, Field(gt=0.3, le=1)] = DEFAULT_JELLY_ROLL_FILL_FACTOR
    electrolyte_excess_fraction: Annotated[float, Field(ge=0, lt=2)] = 0.1
    reference_data: ReferenceData | None = None
    template_of: str | None = None
    sources: dict[str, str] = Field(default_factory=dict)
    # A calibrated cell: its model changes and the range its measurements cover.
    model_parameters: tuple[ModelParameterChange, ...] = ()
    calibrated_range: CalibratedRange | None = None

    @model_validator(mode="after")
    def _check(self) -> CellDesign:
        stacked = (self.cathode_layer_count, self.electrode_length_mm, self.electrode_width_mm)
        if any(v is not None for v in stacked) and any(v is None for v in stacked):
            raise ValueError(
                "a stacked cell needs cathode_layer_count, electrode_length_mm and "
                "electrode_width_mm together"
            )
        if isinstance(self.format, PouchFormat):
            self._check_pouch_stack()
        elif self.electrode_area_m2 is None and self.cathode_layer_count is not None:
            raise ValueError("layer counts are for pouch cells; wound cells fill their can")
        stack_volume = self.electrode_area_m2_resolved * self.pair_thickness_m
        free = getattr(self.format, "roll_volume_m3", self.format.volume_m3)
        if stack_volume > free * (1 + 1e-9):
            raise ValueError(
                f"the electrode stack ({stack_volume * 1e6:.1f} ml) does not fit in the "
                f"{self.format.name} format ({free * 1e6:.1f} ml free)"
            )
        return self

    def _check_pouch_stack(self) -> None:
        assert isinstance(self.format, PouchFormat)
        if self.electrode_area_m2 is None and self.cathode_layer_count is None:
            raise ValueError("a pouch cell needs cathode_layer_count (or electrode_area_m2)")
        if self.cathode_layer_count is None:
            return
        assert self.electrode_length_mm is not None and self.electrode_width_mm is not None
        electrode = sorted((self.electrode_length_mm, self.electrode_width_mm))
        body = sorted((self.format.length_mm, self.format.width_mm))
        if electrode[0] > body[0] or electrode[1] > body[1]:
            raise ValueError(
                f"electrodes of {self.electrode_length_mm:g} x {self.electrode_width_mm:g} mm "
                f"do not fit the {self.format.length_mm:g} x {self.format.width_mm:g} mm pouch"
            )
        available_mm = self.format.inside_thickness_mm
        if self.stack_thickness_mm > available_mm * (1 + 1e-9):
            raise ValueError(
                f"{self.cathode_layer_count} layers make a {self.stack_thickness_mm:.2f} mm "
                f"stack; the pouch has {available_mm:.2f} mm inside"
            )

    @property
    def pair_thickness_m(self) -> float:
        """One electrode pair (see :func:`pair_thickness_um`)."""
        return 1e-6 * pair_thickness_um(
            self.positive.coating_thickness_um,
            self.negative.coating_thickness_um,
            self.separator.thickness_um,
            self.positive_foil_thickness_um,
            self.negative_foil_thickness_um,
        )

    @property
    def stack_thickness_mm(self) -> float:
        """Pouch stack: two pairs per double-coated cathode layer."""
        layers = self.cathode_layer_count or 0
        return 2 * layers * self.pair_thickness_m * 1e3

    @property
    def electrode_area_m2_resolved(self) -> float:
        if self.electrode_area_m2 is not None:
            return self.electrode_area_m2
        if self.cathode_layer_count is not None:
            assert self.electrode_length_mm is not None and self.electrode_width_mm is not None
            return (
                2
                * self.cathode_layer_count
                * self.electrode_length_mm
                * self.electrode_width_mm
                * 1e-6
            )
        wound = self.format
        assert isinstance(wound, CylindricalFormat | PrismaticFormat)
        return self.jelly_roll_fill_factor * wound.roll_volume_m3 / self.pair_thickness_m

    @property
    def jelly_roll_length_m(self) -> float | None:
        """Length of the wound positive electrode sheet (double-coated), None if stacked."""
        if not isinstance(self.format, CylindricalFormat | PrismaticFormat):
            return None
        return self.electrode_area_m2_resolved / (2 * self.format.roll_height_m)

    @property
    def winding_turns(self) -> float | None:
        """Turns of a cylindrical jelly roll (each turn holds two pairs)."""
        if not isinstance(self.format, CylindricalFormat):
            return None
        length = self.jelly_roll_length_m
        assert length is not None
        # Archimedean spiral: length = pi * turns * (r_in + r_out); r_out - r_in = 2 t turns.
        r_in = self.format.mandrel_diameter_mm * 1e-3 / 2
        pitch = 2 * self.pair_thickness_m
        # pi * n * (2 r_in + pitch * n) = length  ->  quadratic in n
        a, b, c = math.pi * pitch, 2 * math.pi * r_in, -length
        return (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)
