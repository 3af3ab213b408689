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

FARADAY_C_PER_MOL = 96_485.33212
# Below this N/P ratio the negative electrode cannot take all the lithium the positive gives:
# lithium plating risk on charge (design rule: N/P 1.05-1.2 for graphite anodes).
MIN_NP_RATIO = 1.0


@dataclass(frozen=True)
class CellBudget:
    """Mass by component (kg), external volume (m3), capacity and energy at the chemistry's
    nominal (C/20 mean) voltage, and the electrode balance.

    ``np_ratio``: negative electrode capacity (full lithiation range) over the positive
    electrode's usable capacity (its state-of-charge window).
    """

    component_mass_kg: dict[str, float]
    volume_m3: float
    capacity_ah: float
    energy_wh: float
    electrode_area_m2: float
    positive_areal_capacity_ah_per_m2: float
    negative_areal_capacity_ah_per_m2: float
    positive_loading_kg_per_m2: float
    negative_loading_kg_per_m2: float
    warnings: tuple[str, ...] = ()

    @property
    def np_ratio(self) -> float:
        return self.negative_areal_capacity_ah_per_m2 / self.positive_areal_capacity_ah_per_m2

    @property
    def areal_capacity_mah_per_cm2(self) -> float:
        """Usable areal capacity per side of the pair (the figure cell designers quote)."""
        return 0.1 * min(
            self.positive_areal_capacity_ah_per_m2, self.negative_areal_capacity_ah_per_m2
        )

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


def positive_areal_capacity_ah_per_m2(design: CellDesign, chemistry: Chemistry) -> float:
    """F c_max eps L (y_empty - y_full) / 3600: the positive electrode's usable capacity."""
    pos = design.positive
    window = chemistry.positive_stoichiometry_at_empty - chemistry.positive_stoichiometry_at_full
    return (
        FARADAY_C_PER_MOL
        * chemistry.positive_max_concentration_mol_per_m3
        * pos.active_material_volume_fraction
        * pos.coating_thickness_um
        * 1e-6
        * window
        / 3600.0
    )


def negative_areal_capacity_ah_per_m2(design: CellDesign, chemistry: Chemistry) -> float:
    """F sum(c_max eps) L / 3600 over the negative electrode's phases (full lithiation)."""
    neg = design.negative
    concentration_fraction = (
        chemistry.negative_max_concentration_mol_per_m3
        * neg.primary_active_material_volume_fraction
    )
    if neg.secondary_active_material_volume_fraction > 0:
        if not chemistry.has_secondary_negative_phase:
            raise ValueError(
                f"{chemistry.id} has one negative phase: secondary_active_material_volume_fraction "
                "must be 0"
            )
        assert chemistry.negative_secondary_max_concentration_mol_per_m3 is not None
        concentration_fraction += (
            chemistry.negative_secondary_max_concentration_mol_per_m3
            * neg.secondary_active_material_volume_fraction
        )
    return FARADAY_C_PER_MOL * concentration_fraction * neg.coating_thickness_um * 1e-6 / 3600.0


def cell_budget(design: CellDesign, chemistry: Chemistry) -> CellBudget:
    """Mass and volume budget of ``design`` built from ``chemistry``.

    Capacity comes from the geometry: the positive electrode's usable areal capacity times the
    electrode area, limited by the negative electrode when N/P < 1. Energy is that capacity
    times the chemistry's nominal (C/20 mean) voltage; rate effects need a simulation.
    """
    if design.chemistry != chemistry.id:
        raise ValueError(f"design {design.id} is for {design.chemistry}, not {chemistry.id}")
    area_m2 = design.electrode_area_m2_resolved
    pos, neg, sep = design.positive, design.negative, design.separator
    um = 1e-6
    q_positive = positive_areal_capacity_ah_per_m2(design, chemistry)
    q_negative = negative_areal_capacity_ah_per_m2(design, chemistry)
    negative_density = chemistry.negative_active_density_kg_per_m3
    negative_active_kg_per_m3 = neg.primary_active_material_volume_fraction * negative_density
    if neg.secondary_active_material_volume_fraction > 0:
        assert chemistry.negative_secondary_active_density_kg_per_m3 is not None
        negative_active_kg_per_m3 += (
            neg.secondary_active_material_volume_fraction
            * chemistry.negative_secondary_active_density_kg_per_m3
        )
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
        * negative_active_kg_per_m3,
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
    capacity_ah = min(q_positive, q_negative) * area_m2
    warnings = []
    if q_negative / q_positive < MIN_NP_RATIO:
        warnings.append(
            f"N/P ratio {q_negative / q_positive:.2f} is below {MIN_NP_RATIO:.1f}: the negative "
            "electrode limits capacity and lithium plating is likely on charge"
        )
    return CellBudget(
        component_mass_kg=components,
        volume_m3=design.format.volume_m3,
        capacity_ah=capacity_ah,
        energy_wh=capacity_ah * chemistry.nominal_voltage_v,
        electrode_area_m2=area_m2,
        positive_areal_capacity_ah_per_m2=q_positive,
        negative_areal_capacity_ah_per_m2=q_negative,
        positive_loading_kg_per_m2=um
        * pos.coating_thickness_um
        * pos.active_material_volume_fraction
        * chemistry.positive_active_density_kg_per_m3,
        negative_loading_kg_per_m2=um * neg.coating_thickness_um * negative_active_kg_per_m3,
        warnings=tuple(warnings),
    )
