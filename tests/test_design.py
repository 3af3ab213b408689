"""Cell design, mass/volume budget and pack: hand-checked numbers and validation."""

import math

import pytest
from pydantic import ValidationError

from sortie.cells.budget import cell_budget
from sortie.cells.design import (
    DEFAULT_JELLY_ROLL_FILL_FACTOR,
    CellDesign,
    CylindricalFormat,
    ElectrodeDesign,
    PouchFormat,
    SeparatorDesign,
)
from sortie.cells.pack import Pack
from sortie.presets.loader import load_cell, load_chemistry

M50_FORMAT = CylindricalFormat(
    name="21700",
    diameter_mm=21.1,
    height_mm=70.15,
    can_wall_thickness_mm=0.25,
    can_bottom_thickness_mm=0.30,
    headspace_mm=4.85,
    mandrel_diameter_mm=1.0,
    cap_assembly_mass_g=2.66,
)


def m50_design(**changes) -> CellDesign:
    values = dict(
        id="m50",
        name="M50",
        description="",
        chemistry="nmc811-gr-siox-oregan2022",
        format=M50_FORMAT,
        positive=ElectrodeDesign(
            coating_thickness_um=75.6,
            porosity=0.335,
            active_material_volume_fraction=0.665,
            particle_radius_um=5.22,
        ),
        negative=ElectrodeDesign(
            coating_thickness_um=85.2,
            porosity=0.25,
            active_material_volume_fraction=0.75,
            particle_radius_um=5.86,
        ),
        separator=SeparatorDesign(thickness_um=12.0, porosity=0.47),
        positive_foil_thickness_um=16.0,
        negative_foil_thickness_um=12.0,
        electrode_area_m2=0.1027,
        electrolyte_excess_fraction=0.1,
    )
    values.update(changes)
    return CellDesign(**values)


def test_cylindrical_budget_by_hand():
    budget = cell_budget(m50_design(), load_chemistry("nmc811-gr-siox-oregan2022"))
    mass = budget.component_mass_kg
    # Per m2 of pair area, by hand (densities from the catalogue and materials.py):
    #   NMC811 75.6e-6 * 0.665 * 4750 = 0.2388015 kg; graphite 85.2e-6 * 0.75 * 2250 = 0.143775
    #   pores (75.6*0.335 + 85.2*0.25 + 12*0.47) um = 52.266 um -> * 1.1 * 1230 = 0.070716
    #   separator 12e-6 * 0.53 * 950 = 0.006042; Al 0.5*16e-6*2700 = 0.0216; Cu 0.5*12e-6*8960
    #   = 0.05376
    area = 0.1027
    assert mass["positive active material"] == pytest.approx(0.2388015 * area, rel=1e-5)
    assert mass["negative active material"] == pytest.approx(0.143775 * area, rel=1e-5)
    assert mass["binder and carbon"] == pytest.approx(0.0, abs=1e-12)
    assert mass["electrolyte"] == pytest.approx(0.0707159 * area, rel=1e-5)
    assert mass["separator"] == pytest.approx(0.006042 * area, rel=1e-5)
    assert mass["positive foil"] == pytest.approx(0.0216 * area, rel=1e-5)
    assert mass["negative foil"] == pytest.approx(0.05376 * area, rel=1e-5)
    # Can: side pi/4 (21.1^2 - 20.6^2) mm2 * 70.15 mm = 1148.6 mm3; bottom pi/4 20.6^2 * 0.3
    # = 99.99 mm3; (1248.6 mm3) * 7.9 g/cm3 = 9.864 g, + 2.66 g header = 12.524 g.
    assert mass["casing"] == pytest.approx(12.524e-3, rel=1e-3)
    assert budget.mass_g == pytest.approx(67.4, abs=0.1)
    # Real LG M50: 5.0 Ah, ~68-69 g. The first estimate must land in the range of real 21700s.
    assert 64 < budget.mass_g < 72
    assert budget.volume_ml == pytest.approx(math.pi / 4 * 2.11**2 * 7.015, rel=1e-9)
    assert budget.capacity_ah == pytest.approx(48.79 * 0.1027)
    assert budget.energy_wh == pytest.approx(48.79 * 0.1027 * 3.684)
    assert budget.gravimetric_energy_density_wh_per_kg == pytest.approx(
        budget.energy_wh / budget.mass_kg
    )


def test_pouch_budget_by_hand():
    cell = load_cell("kokam-slpb75106100")
    budget = cell.budget
    # Pouch foil: box surface 2*(100*106 + 100*7.5 + 106*7.5) mm2 = 24290 mm2 * 0.22 kg/m2
    # = 5.3438 g, + 2.0 g tabs.
    assert budget.component_mass_kg["casing"] == pytest.approx(7.3438e-3, rel=1e-4)
    assert budget.volume_ml == pytest.approx(10.0 * 10.6 * 0.75)
    # 44 layers x 0.171 Ah = 7.5 Ah rated (Kokam SLPB 75106100).
    assert budget.capacity_ah == pytest.approx(7.5, rel=0.01)
    assert 140 < budget.mass_g < 175


def test_fill_factor_rederived_from_m50_teardown():
    design = m50_design()
    fill = 0.1027 * design.pair_thickness_m / M50_FORMAT.roll_volume_m3
    assert fill == pytest.approx(DEFAULT_JELLY_ROLL_FILL_FACTOR, rel=0.005)
    # And an unspecified area fills the can back to the teardown's area.
    filled = m50_design(electrode_area_m2=None)
    assert filled.electrode_area_m2_resolved == pytest.approx(0.1027, rel=0.005)


def test_thicker_coating_in_fixed_can_means_less_area():
    thin = m50_design(electrode_area_m2=None)
    thick = m50_design(
        electrode_area_m2=None,
        positive=ElectrodeDesign(
            coating_thickness_um=100,
            porosity=0.335,
            active_material_volume_fraction=0.665,
            particle_radius_um=5.22,
        ),
    )
    assert thick.electrode_area_m2_resolved < thin.electrode_area_m2_resolved


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"porosity": 1.2}, "porosity"),
        ({"porosity": 0.5, "active_material_volume_fraction": 0.6}, "above 1"),
        ({"coating_thickness_um": -5}, "coating_thickness_um"),
    ],
)
def test_bad_electrode_is_named(changes, field):
    values = dict(
        coating_thickness_um=70,
        porosity=0.3,
        active_material_volume_fraction=0.6,
        particle_radius_um=5,
    )
    values.update(changes)
    with pytest.raises(ValidationError, match=field):
        ElectrodeDesign(**values)


def test_stack_that_does_not_fit_is_refused():
    with pytest.raises(ValidationError, match="does not fit"):
        m50_design(electrode_area_m2=0.5)


def test_pouch_needs_an_area():
    pouch = PouchFormat(
        name="p",
        length_mm=100,
        width_mm=50,
        thickness_mm=5,
        pouch_foil_areal_mass_kg_per_m2=0.22,
        tab_mass_g=1,
    )
    with pytest.raises(ValidationError, match="electrode_area_m2 is required"):
        m50_design(format=pouch, electrode_area_m2=None)


def test_pack_mass_and_energy():
    cell = load_cell("lg-m50-21700")
    pack = Pack(series_count=6, parallel_count=2, mass_overhead_fraction=0.1)
    assert pack.cell_count == 12
    assert pack.mass_kg(cell.budget) == pytest.approx(12 * cell.budget.mass_kg * 1.1)
    assert pack.energy_wh(cell.budget) == pytest.approx(12 * cell.budget.energy_wh)
    with pytest.raises(ValidationError):
        Pack(series_count=0, parallel_count=1)
