"""Mass and volume budget of a cell, and the energy densities that follow.

Every component in the can or pouch is counted: coatings (active material plus binder and
carbon), electrolyte in the pores of coatings and separator plus an excess, separator, foils,
and the casing with its header or tabs. The parameter sets' own "density" entries are
thermal lumps (some placeholders), so they are not used here; see the design notes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sortie.cells.chemistry import Chemistry
from sortie.cells.design import CellDesign
from sortie.cells.materials import (
    BINDER_AND_CARBON_DENSITY_KG_PER_M3,
    SEPARATOR_RESIN_DENSITY_KG_PER_M3,
)


@dataclass(frozen=True)
class CellBudget:
    """Mass by component (kg), external volume (m3), rated capacity and energy."""

    component_mass_kg: dict[str, float]
    volume_m3: float
    capacity_ah: float
    energy_wh: float
    electrode_area_m2: float

    @property
    def mass_kg(self) -> float:
        return sum(self.component_mass_kg.values())

    @property
    def mass_g(self) -> float:
        return 1e3 * self.mass_kg

    @property
    def volume_ml(self) -> float:
        return 1e6 * self.volume_m3

    @property
    def gravimetric_energy_density_wh_per_kg(self) -> float:
        return self.energy_wh / self.mass_kg

    @property
    def volumetric_energy_density_wh_per_l(self) -> float:
        return self.energy_wh / (1e3 * self.volume_m3)


def cell_budget(design: CellDesign, chemistry: Chemistry) -> CellBudget:
    """Mass and volume budget of ``design`` built from ``chemistry``.

    Rated capacity is the chemistry's reference areal capacity (the parameter set's nominal
    capacity over its electrode area) times this design's electrode area; energy is that
    capacity times the chemistry's nominal voltage.
    """
    if design.chemistry != chemistry.id:
        raise ValueError(f"design {design.id} is for {design.chemistry}, not {chemistry.id}")
    area_m2 = design.electrode_area_m2_resolved
    pos, neg, sep = design.positive, design.negative, design.separator
    um = 1e-6
    pore_volume_m3 = (
        area_m2
        * um
        * (
            pos.coating_thickness_um * pos.porosity
            + neg.coating_thickness_um * neg.porosity
            + sep.thickness_um * sep.porosity
        )
    )
    components = {
        "positive active material": area_m2
        * um
        * pos.coating_thickness_um
        * pos.active_material_volume_fraction
        * chemistry.positive_active_density_kg_per_m3,
        "negative active material": area_m2
        * um
        * neg.coating_thickness_um
        * neg.active_material_volume_fraction
        * chemistry.negative_active_density_kg_per_m3,
        "binder and carbon": area_m2
        * um
        * (
            pos.coating_thickness_um * pos.inactive_volume_fraction
            + neg.coating_thickness_um * neg.inactive_volume_fraction
        )
        * BINDER_AND_CARBON_DENSITY_KG_PER_M3,
        "electrolyte": pore_volume_m3
        * (1 + design.electrolyte_excess_fraction)
        * chemistry.electrolyte_density_kg_per_m3,
        "separator": area_m2
        * um
        * sep.thickness_um
        * (1 - sep.porosity)
        * SEPARATOR_RESIN_DENSITY_KG_PER_M3,
        # Each foil is coated on both sides, so half of it belongs to one electrode pair.
        "positive foil": 0.5
        * area_m2
        * um
        * design.positive_foil_thickness_um
        * chemistry.positive_foil.density_kg_per_m3,
        "negative foil": 0.5
        * area_m2
        * um
        * design.negative_foil_thickness_um
        * chemistry.negative_foil.density_kg_per_m3,
        "casing": design.format.casing_mass_kg,
    }
    capacity_ah = chemistry.reference_areal_capacity_ah_per_m2 * area_m2
    return CellBudget(
        component_mass_kg=components,
        volume_m3=design.format.volume_m3,
        capacity_ah=capacity_ah,
        energy_wh=capacity_ah * chemistry.nominal_voltage_v,
        electrode_area_m2=area_m2,
    )
