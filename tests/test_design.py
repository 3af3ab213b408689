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
from sortie.cells.pack import Pack, PackMassSource
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
    # Capacity from geometry: F c_max eps L (y_empty - y_full) / 3600
    # = 96485.33 x 51765 x 0.665 x 75.6e-6 x (0.9573 - 0.2526) / 3600 = 49.152 Ah/m2, x 0.1027 m2.
    assert budget.positive_areal_capacity_ah_per_m2 == pytest.approx(49.152, abs=1e-3)
    assert budget.capacity_ah == pytest.approx(5.048, abs=1e-3)
    assert budget.energy_wh == pytest.approx(5.048 * 3.684, abs=5e-3)
    # N/P: graphite-SiOx 96485.33 x 29583 x 0.75 x 85.2e-6 / 3600 = 50.664 Ah/m2 -> 1.031.
    assert budget.np_ratio == pytest.approx(50.664 / 49.152, rel=1e-4)
    assert budget.areal_capacity_mah_per_cm2 == pytest.approx(4.915, abs=1e-3)
    assert budget.warnings == ()
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
    # 22 double-coated cathodes x 2 x 101 x 85 mm = 0.37774 m2.
    assert budget.electrode_area_m2 == pytest.approx(0.37774)
    # Stack: 44 pairs x 162.5 um = 7.15 mm inside 7.5 - 2 x 0.153 mm.
    assert cell.design.stack_thickness_mm == pytest.approx(7.15)
    # 44 layers x 0.171 Ah = 7.5 Ah rated (Kokam SLPB 75106100).
    assert budget.capacity_ah == pytest.approx(7.5, rel=0.01)
    assert 140 < budget.mass_g < 175


def test_jelly_roll_length_and_turns():
    design = m50_design()
    # Sheet length = area / (2 x roll height) = 0.1027 / (2 x 0.065) = 0.790 m (Chen 2020: the
    # set's 1.58 m "width" counts both sides).
    assert design.jelly_roll_length_m == pytest.approx(0.790, abs=1e-3)
    # Archimedean spiral from the 0.5 mm mandrel radius, 2 pairs (373.6 um) per turn: the
    # outer radius 0.5 + 24.6 x 0.3736 = 9.7 mm stays inside the 10.3 mm can radius.
    assert design.winding_turns == pytest.approx(24.6, abs=0.1)
    assert 0.5 + design.winding_turns * 0.3736 < 10.3


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
    with pytest.raises(ValidationError, match="needs cathode_layer_count"):
        m50_design(format=pouch, electrode_area_m2=None)


def test_pack_mass_and_energy():
    cell = load_cell("lg-m50-21700")
    pack = Pack(series_count=6, parallel_count=2, mass_overhead_fraction=0.1)
    assert pack.cell_count == 12
    assert pack.mass_kg(cell.budget) == pytest.approx(12 * cell.budget.mass_kg * 1.1)
    assert pack.energy_wh(cell.budget) == pytest.approx(12 * cell.budget.energy_wh)
    assert pack.mass_source is PackMassSource.OVERHEAD
    with pytest.raises(ValidationError):
        Pack(series_count=0, parallel_count=1)
    # A weighed pack: its mass, whatever the overhead says; the overhead it implies.
    weighed = Pack(series_count=6, parallel_count=2, mass_overhead_fraction=0.1, pinned_mass_kg=1.0)
    assert weighed.mass_kg(cell.budget) == 1.0 and weighed.mass_source is PackMassSource.PINNED
    assert weighed.overhead_fraction(cell.budget) == pytest.approx(
        1.0 / (12 * cell.budget.mass_kg) - 1
    )
    # Each cell's share of the interconnect: 30 mOhm over 6S2P is 10 mOhm per cell, so
    # 12 x (I/2)^2 x 10 mOhm = I^2 x 30 mOhm.
    wired = Pack(series_count=6, parallel_count=2, interconnect_resistance_ohm=0.03)
    assert wired.cell_interconnect_resistance_ohm == pytest.approx(0.01)
    for bad in ({"interconnect_resistance_ohm": -0.01}, {"pinned_mass_kg": 0.0}):
        with pytest.raises(ValidationError):
            Pack(series_count=6, parallel_count=2, **bad)


def test_pouch_layers_that_do_not_fit_are_refused():
    import dataclasses

    cell = load_cell("kokam-slpb75106100")
    with pytest.raises(ValidationError, match="stack"):
        dataclasses.replace(cell.design, cathode_layer_count=24)
    with pytest.raises(ValidationError, match="do not fit"):
        dataclasses.replace(cell.design, electrode_length_mm=120.0)


def test_thicker_positive_more_capacity_per_area_fewer_turns():
    import dataclasses

    chemistry = load_chemistry("nmc811-gr-siox-oregan2022")
    base = m50_design(electrode_area_m2=None)
    thick = m50_design(
        electrode_area_m2=None,
        positive=dataclasses.replace(base.positive, coating_thickness_um=90.0),
    )
    base_budget, thick_budget = cell_budget(base, chemistry), cell_budget(thick, chemistry)
    assert (
        thick_budget.positive_areal_capacity_ah_per_m2
        > base_budget.positive_areal_capacity_ah_per_m2
    )
    assert thick.winding_turns < base.winding_turns
    assert thick.jelly_roll_length_m < base.jelly_roll_length_m
    # A thicker positive against the same negative: N/P falls below 1 and is flagged.
    assert thick_budget.np_ratio < 1 and "plating" in thick_budget.warnings[0]


def test_more_porosity_less_capacity():
    import dataclasses

    chemistry = load_chemistry("nmc811-gr-siox-oregan2022")
    base = m50_design()
    porous = m50_design(
        positive=dataclasses.replace(
            base.positive, porosity=0.4, active_material_volume_fraction=0.6
        )
    )
    assert cell_budget(porous, chemistry).capacity_ah < cell_budget(base, chemistry).capacity_ah


def test_prismatic_format():
    from sortie.cells.design import PrismaticFormat

    can = PrismaticFormat(
        name="PHEV2",
        length_mm=148.0,
        width_mm=91.0,
        thickness_mm=26.5,
        can_wall_thickness_mm=0.8,
        headspace_mm=8.0,
        header_mass_g=30.0,
    )
    # Inner volume (148 - 1.6) x (91 - 0.8 - 8) x (26.5 - 1.6) mm3 = 299 551 mm3.
    assert can.roll_volume_m3 == pytest.approx(146.4 * 82.2 * 24.9e-9)
    # Aluminium shell: outer 356 902 mm3 - inner (146.4 x 89.4 x 24.9) = 31 007 mm3 x 2.7 g/cm3
    # = 83.7 g, + 30 g header.
    assert can.casing_mass_kg == pytest.approx((356_902 - 146.4 * 89.4 * 24.9) * 2.7e-6 + 0.03)
    design = m50_design(format=can, electrode_area_m2=None)
    assert design.electrode_area_m2_resolved == pytest.approx(
        0.888 * can.roll_volume_m3 / design.pair_thickness_m
    )


def test_every_standard_format_takes_the_m50_electrodes():
    from sortie.presets.loader import _formats

    sizes = {}
    for name in _formats():
        cell = load_cell("lg-m50-21700", {"format": name})
        sizes[name] = cell.budget.capacity_ah
        assert 100 < cell.budget.gravimetric_energy_density_wh_per_kg < 320, name
    # Bigger can, more capacity; a 4680 with M50-class electrodes holds ~23-27 Ah (Tesla's
    # 4680 is rated around 23 Ah).
    assert sizes["18650"] < sizes["21700"] < sizes["26650"] < sizes["4680"]
    assert 22 < sizes["4680"] < 28
    assert sizes["prismatic-phev2"] > sizes["4680"]


# --- what the cell designer edits (sortie.cells.design_edits) ----------------------------------

from sortie.cells.design_edits import (  # noqa: E402
    DesignField,
    StackFix,
    describe_changes,
    field_range,
    field_value,
    stack_overflow,
)
from sortie.errors import InputError  # noqa: E402
from sortie.presets import PresetKind, list_presets  # noqa: E402

NMC532_POUCH = "nmc532-pouch-mohtat2020"
CELL_PRESETS = [p.id for p in list_presets(PresetKind.CELL)]


def test_a_coating_too_thick_for_the_pouch_offers_fewer_layers_or_a_thicker_pouch():
    """67 -> 72 um of positive coating: 12 layers make 4.104 mm, the pouch has 4.094 mm."""
    base = load_cell(NMC532_POUCH)
    edit = {DesignField.POSITIVE_COATING: 72.0}
    with pytest.raises(InputError, match=r"12 layers make a 4\.10 mm stack; .* 4\.09 mm inside"):
        load_cell(NMC532_POUCH, {"positive_electrode_thickness_um": 72.0})
    overflow = stack_overflow(base.design, edit)
    assert overflow is not None
    assert overflow.message == "12 layers make a 4.10 mm stack; the pouch has 4.09 mm inside"
    # Pair: 72 + 62 + 12 + (25 + 25) / 2 = 171 um; 4.094 mm holds 11 double layers.
    fewer = overflow.option(StackFix.FEWER_LAYERS)
    assert (fewer.cathode_layer_count, fewer.pouch_thickness_mm) == (11, 4.4)
    assert fewer.stack_thickness_mm == pytest.approx(22 * 0.171)
    # Every layer, with the clearance the preset had (4.4 - 24 x 0.166 = 0.416 mm).
    thicker = overflow.option(StackFix.THICKER_POUCH)
    assert thicker.cathode_layer_count == 12
    assert thicker.pouch_thickness_mm == pytest.approx(4.52)  # 4.104 + 0.416, up to 0.01 mm
    cells = {
        option.fix: load_cell(
            NMC532_POUCH, {"positive_electrode_thickness_um": 72.0, **option.overrides}
        )
        for option in overflow.options
    }
    assert cells[StackFix.FEWER_LAYERS].design.cathode_layer_count == 11
    assert cells[StackFix.THICKER_POUCH].design.format.thickness_mm == pytest.approx(4.52)
    # A layer fewer gives up about a twelfth of the capacity; the thicker pouch gains.
    assert cells[StackFix.FEWER_LAYERS].budget.capacity_ah < base.budget.capacity_ah
    assert cells[StackFix.THICKER_POUCH].budget.capacity_ah > base.budget.capacity_ah
    assert describe_changes(base.design, cells[StackFix.FEWER_LAYERS].design) == (
        "positive coating 72 µm (was 67 µm)",
        "11 cathode layers (was 12)",
    )
    assert describe_changes(base.design, cells[StackFix.THICKER_POUCH].design) == (
        "positive coating 72 µm (was 67 µm)",
        "pouch 4.52 mm thick (was 4.40 mm)",
    )


@pytest.mark.parametrize("cell_id", ["kokam-slpb75106100", "lco-pouch-ai2020", NMC532_POUCH])
def test_the_overflow_rule_agrees_with_the_design_check_and_its_ways_out_fit(cell_id):
    base = load_cell(cell_id)
    for coating_um in (20.0, 60.0, 67.0, 68.0, 72.0, 120.0, 300.0, 500.0):
        edit = {"positive_electrode_thickness_um": coating_um}
        overflow = stack_overflow(base.design, {DesignField.POSITIVE_COATING: coating_um})
        if overflow is None:
            load_cell(cell_id, edit)  # fits
            continue
        with pytest.raises(InputError, match="layers make a"):
            load_cell(cell_id, edit)
        fixes = [o.fix for o in overflow.options]
        assert fixes == [StackFix.FEWER_LAYERS, StackFix.THICKER_POUCH]
        for option in overflow.options:
            load_cell(cell_id, {**edit, **option.overrides})
        # Fewer layers is the most that fit: one more does not.
        most = overflow.option(StackFix.FEWER_LAYERS).cathode_layer_count
        with pytest.raises(InputError, match="layers make a"):
            load_cell(cell_id, {**edit, "cathode_layer_count": most + 1})


def test_a_stated_electrode_area_that_no_longer_fits_offers_the_area_that_does():
    """The 2 Ah LFP 18650 states its electrode area (0.0896 m2): a thicker coating no longer
    fits the can, and the way out is the area that does (a shorter roll)."""
    cell_id, edit = "lfp-18650-2ah", {"positive_electrode_thickness_um": 150.0}
    with pytest.raises(InputError, match="does not fit in the 18650 format"):
        load_cell(cell_id, edit)
    overflow = stack_overflow(load_cell(cell_id).design, {DesignField.POSITIVE_COATING: 150.0})
    assert overflow.message.startswith("the electrode stack (")
    (option,) = overflow.options
    assert option.fix is StackFix.SMALLER_AREA
    smaller = load_cell(cell_id, {**edit, **option.overrides})
    assert smaller.design.electrode_area_m2 == option.electrode_area_m2 < 0.0896
    assert "electrode area" in describe_changes(load_cell(cell_id).design, smaller.design)[-1]


def test_no_overflow_for_wound_cells_or_a_stack_that_fits():
    assert stack_overflow(load_cell("lg-m50-21700").design, {DesignField.SEPARATOR: 100}) is None
    assert stack_overflow(load_cell(NMC532_POUCH).design, {}) is None


@pytest.mark.parametrize("cell_id", CELL_PRESETS)
def test_every_edit_in_range_builds_a_cell_or_a_stack_with_a_way_out(cell_id):
    """The designer's ranges: each preset's values lie in them, and an edit to either end of
    any field builds a cell (a pouch stack that overflows has its ways out): a value in range
    never fails on an internal field such as positive.active_material_volume_fraction."""
    base = load_cell(cell_id).design
    for field in DesignField:
        low, high = field_range(base, field)
        assert low <= field_value(base, field) <= high, field
        for value in (low, high):
            edit = {field.value: value}
            overflow = stack_overflow(base, {field: value})
            extra = overflow.options[0].overrides if overflow else {}
            load_cell(cell_id, {**edit, **extra})


def test_a_porosity_range_leaves_room_for_binder_and_active_material():
    kokam = load_cell("kokam-slpb75106100").design  # positive: 0.296 binder and carbon
    assert field_range(kokam, DesignField.POSITIVE_POROSITY) == (0.05, 0.65)
    silicon = load_cell("si-high-silicon-21700").design  # negative: 0.06 of silicon
    assert field_range(silicon, DesignField.NEGATIVE_POROSITY) == (0.05, 0.8)
    assert field_range(silicon, DesignField.POSITIVE_COATING) == (5.0, 500.0)
