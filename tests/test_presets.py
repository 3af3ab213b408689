"""Every preset loads and validates; bad files give one-line messages naming the problem."""

import pytest

from sortie.cells.chemistry import Provenance
from sortie.cells.pack import Pack
from sortie.errors import InputError
from sortie.presets import (
    PresetKind,
    chemistries,
    list_presets,
    load_cell,
    load_drone,
    load_mission,
)

REQUIRED_CHEMISTRY_SETS = {
    "ORegan2022",
    "Chen2020",
    "Prada2013",
    "NCA_Kim2011",
    "Ai2020",
    "Mohtat2020",
    "Ecker2015",
    "Chen2020_composite",
    "Chayambuka2022",
}


def test_catalogue_covers_the_required_parameter_sets():
    assert {c.parameter_set for c in chemistries().values()} >= REQUIRED_CHEMISTRY_SETS


@pytest.mark.parametrize("chemistry", list(chemistries().values()), ids=lambda c: c.id)
def test_every_chemistry_is_sourced_and_its_flags_reach_the_warnings(chemistry):
    assert chemistry.reference.strip()
    fidelity, warnings = chemistry.fidelity, chemistry.fidelity.warnings
    # Each flag that lowers trust is shown with every result (and only then).
    cold = "no temperature dependence in transport: cold missions look too good"
    assert (cold in warnings) is not fidelity.temperature_dependent_transport
    supplied = "thermal data supplied from the literature, not from the parameter set"
    assert (supplied in warnings) is (fidelity.thermal_data is Provenance.SUPPLIED)
    scaled = "scaled from a lab cell to a commercial format"
    assert (scaled in warnings) is fidelity.scaled_from_lab_cell
    # What Sortie adds to a published set is sourced.
    if chemistry.parameter_supplement:
        assert chemistry.sources
    # The positive electrode's state-of-charge window is most of its capacity in every set
    # (0.54..0.86 measured): a smaller one would be a misread stoichiometry.
    window = chemistry.positive_stoichiometry_at_empty - chemistry.positive_stoichiometry_at_full
    assert 0.5 < window <= 1.0


@pytest.mark.parametrize("info", list_presets(PresetKind.CELL), ids=lambda i: i.id)
def test_every_cell_preset_loads(info):
    cell = load_cell(info.id)
    budget = cell.budget
    assert cell.id == info.id
    assert 0 < budget.capacity_ah < 100
    assert 50 < budget.gravimetric_energy_density_wh_per_kg < 400
    assert 100 < budget.volumetric_energy_density_wh_per_l < 1000
    assert sum(budget.component_mass_kg.values()) == pytest.approx(budget.mass_kg)
    assert all(v >= 0 for v in budget.component_mass_kg.values())


def test_every_required_chemistry_has_a_cell():
    used = {load_cell(i.id).chemistry.parameter_set for i in list_presets(PresetKind.CELL)}
    assert used >= REQUIRED_CHEMISTRY_SETS


@pytest.mark.parametrize("info", list_presets(PresetKind.MISSION), ids=lambda i: i.id)
def test_every_mission_preset_loads_and_compiles_for_its_drone(info):
    from sortie.cells.pack import Pack
    from sortie.models.flight_plan import as_mission

    plan = load_mission(info.id)
    drone = load_drone(plan.drone)
    cell = load_cell(drone.cell)
    pack = Pack(series_count=drone.series_count, parallel_count=drone.parallel_count)
    mission = as_mission(plan, drone, pack.mass_kg(cell.budget))
    assert mission.duration_s > 0
    assert 0 < mission.energy_wh < pack.energy_wh(cell.budget)


def test_required_missions_exist():
    ids = {i.id for i in list_presets(PresetKind.MISSION)}
    assert {
        "quad-isr-loiter",
        "fixed-wing-patrol",
        "fpv-strike-sprint",
        "vtol-cargo-delivery",
        "quad-isr-cold",
    } <= ids
    assert load_mission("quad-isr-cold").ambient_c == -20


@pytest.mark.parametrize("info", list_presets(PresetKind.DRONE), ids=lambda i: i.id)
def test_every_drone_preset_loads(info):
    drone = load_drone(info.id)
    assert (drone.id, drone.name, drone.description) == (info.id, info.name, info.description)
    # Every preset flies its own pack of a preset cell, within its take-off mass limit.
    assert drone.cell is not None
    cell = load_cell(drone.cell)
    assert cell.id == drone.cell
    pack = Pack(series_count=drone.series_count, parallel_count=drone.parallel_count)
    take_off_kg = drone.take_off_mass_kg(pack.mass_kg(cell.budget))
    assert drone.airframe_mass_kg < take_off_kg
    if drone.max_takeoff_mass_kg is not None:
        assert take_off_kg <= drone.max_takeoff_mass_kg


def test_unknown_preset_lists_the_known_ones():
    with pytest.raises(InputError, match=r"unknown cell 'nope' \(presets: .*lg-m50-21700"):
        load_cell("nope")


def test_malformed_toml(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("id = 'x'\nsegments = [\n")
    with pytest.raises(InputError, match=r"bad\.toml: malformed TOML"):
        load_mission(bad)


def test_bad_values_name_the_field(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text(
        'id="m"\nname="m"\ndescription=""\n'
        '[[segments]]\nname="a"\nduration_s=-5\npower_w=10\n'
        '[[segments]]\nname="b"\nduration_s=5\npower_w=-10\n'
    )
    with pytest.raises(InputError) as caught:
        load_mission(path)
    message = str(caught.value)
    assert "segments.0.duration_s" in message and "segments.1.power_w" in message
    assert "\n" not in message


def test_unknown_field_is_refused(tmp_path):
    path = tmp_path / "c.toml"
    text = (load_cell.__globals__["DATA_DIR"] / "cells" / "lg-m50-21700.toml").read_text()
    path.write_text(text.replace("[positive]", "[positive]\nporosityy = 0.3"))
    with pytest.raises(InputError, match="porosityy"):
        load_cell(path)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match=r"missing\.toml: file not found"):
        load_mission(tmp_path / "missing.toml")


def test_time_series_mission_file(tmp_path):
    path = tmp_path / "log.toml"
    path.write_text(
        'id="log"\nname="log"\ndescription="from a log"\nambient_c=5\n'
        "[time_series]\ntime_s=[0, 10, 30, 40]\npower_w=[100, 250, 80, 0]\n"
    )
    mission = load_mission(path)
    assert [s.duration_s for s in mission.segments] == [10, 20, 10]
    assert mission.energy_wh == pytest.approx((1000 + 5000 + 800) / 3600)
    path.write_text(
        'id="log"\nname="log"\ndescription=""\n'
        "[time_series]\ntime_s=[0, 10, 5]\npower_w=[1, 2, 3]\n"
    )
    with pytest.raises(InputError, match="increasing"):
        load_mission(path)
    path.write_text(
        'id="log"\nname="log"\ndescription=""\n[time_series]\ntime_s=[0, 10]\npower_w=[-1, 2]\n'
    )
    with pytest.raises(InputError, match="power_w"):
        load_mission(path)


def test_fidelity_caveats_reach_the_warnings():
    cell = load_cell("a123-26650-lfp")
    assert any("rate capability" in w for w in cell.chemistry.fidelity.warnings)
    assert any("temperature dependence" in w for w in cell.chemistry.fidelity.warnings)


@pytest.mark.parametrize(
    ("cell_id", "target_ah"),
    [("kokam-slpb75106100", 5.0), ("lg-m50-21700", 4.8), ("lco-pouch-ai2020", 3.0)],
)
def test_saved_matched_cells_load_back_with_the_same_capacity_mass_and_name(
    tmp_path, cell_id, target_ah
):
    import dataclasses

    from sortie.cells.matching import match_capacity
    from sortie.presets.cell_files import matched_cell, matched_cell_document, write_cell_file

    original = load_cell(cell_id)
    design = match_capacity(original.design, original.chemistry, target_ah)
    matched = dataclasses.replace(original, design=design)
    path = tmp_path / "my-cell.toml"
    write_cell_file(path, matched_cell_document(original, matched, target_ah))
    again = load_cell(path)
    named = matched_cell(original, matched, target_ah)
    assert again.name == named.name and again.id == named.id
    assert again.budget.capacity_ah == pytest.approx(matched.budget.capacity_ah, rel=1e-12)
    assert again.budget.mass_kg == pytest.approx(matched.budget.mass_kg, rel=1e-12)
    assert again.design.cathode_layer_count == design.cathode_layer_count
    assert again.design.jelly_roll_fill_factor == design.jelly_roll_fill_factor
    # The file holds the match, and the name says what the cell is.
    assert f"matched to {target_ah:g} Ah" in again.design.sources["capacity matching"]
    assert f"matched to {target_ah:g} Ah" in again.name
    assert again.design.sources["derived_from"] == f"{cell_id} matched to {target_ah:g} Ah"


def test_a_matched_pouch_is_not_called_by_its_old_thickness_or_capacity():
    import dataclasses

    from sortie.cells.matching import match_capacity
    from sortie.presets.cell_files import matched_cell

    kokam = load_cell("kokam-slpb75106100")  # SLPB 75106100: 7.5 mm x 106 x 100, 7.5 Ah
    design = match_capacity(kokam.design, kokam.chemistry, 5.0)
    named = matched_cell(kokam, dataclasses.replace(kokam, design=design), 5.0)
    for stale in ("7.5", "75106100"):
        assert stale not in named.name and stale not in named.id
        assert stale not in named.design.format.name
    # 15 of the 22 layers: the pouch is 5.2 mm thick; the name says so, and what it came to.
    assert named.design.cathode_layer_count == 15
    assert named.design.format.name == "pouch 100 x 106 x 5.2 mm"
    assert named.name == (
        "Kokam NMC pouch (Ecker2015) matched to 5 Ah: 15 layers, pouch 100 x 106 x 5.2 mm, "
        f"{named.budget.capacity_ah:.2f} Ah"
    )
    # A wound cell keeps its can (and its name, less any capacity in it).
    m50 = load_cell("lg-m50-21700")
    fill = match_capacity(m50.design, m50.chemistry, 4.8)
    wound = matched_cell(m50, dataclasses.replace(m50, design=fill), 4.8)
    assert wound.name == "LG M50 21700 (NMC811, ORegan2022) matched to 4.8 Ah"
    assert wound.design.format == m50.design.format


def test_a_template_can_change_a_named_formats_fields(tmp_path):
    path = tmp_path / "tall.toml"
    path.write_text(
        'template_of = "lg-m50-21700"\nid = "short-m50"\nname = "M50 in a 65 mm can"\n'
        '[changes]\n"format.height_mm" = 65\npositive_electrode_thickness_um = 70\n'
    )
    cell = load_cell(path)
    assert cell.design.format.height_mm == 65 and cell.name == "M50 in a 65 mm can"
    assert cell.design.positive.coating_thickness_um == 70
    # The same as the change on the command line (--set format.height_mm=65).
    direct = load_cell(
        "lg-m50-21700", {"format.height_mm": 65, "positive_electrode_thickness_um": 70}
    )
    assert cell.design.format == direct.design.format
    assert cell.budget.capacity_ah == pytest.approx(direct.budget.capacity_ah)
    # A format swapped in by name first, then one of its fields.
    swapped = tmp_path / "swapped.toml"
    swapped.write_text(
        'template_of = "lg-m50-21700"\nid = "m50-18650"\nname = "M50 electrodes, 18650"\n'
        '[changes]\nformat = "18650"\n"format.height_mm" = 66\n'
    )
    cell = load_cell(swapped)
    direct = load_cell("lg-m50-21700", {"format": "18650", "format.height_mm": 66})
    assert cell.design.format == direct.design.format
    assert cell.design.format.name == "18650" and cell.design.format.height_mm == 66


# --- German texts (issue 23) ---------------------------------------------------------------


@pytest.mark.parametrize("kind", [PresetKind.CELL, PresetKind.MISSION, PresetKind.DRONE])
def test_every_preset_has_a_german_name_and_description(kind):
    for info in list_presets(kind):
        assert info.name_de.strip() and info.description_de.strip(), info.id
        assert info.description_de != info.description, info.id


def test_every_phase_and_chemistry_has_its_german_texts():
    for info in list_presets(PresetKind.MISSION):
        mission = load_mission(info.id)
        for phase in mission.phases:
            assert phase.name_de.strip(), (info.id, phase.name)
    for chemistry in chemistries().values():
        fidelity = chemistry.fidelity
        assert chemistry.name_de.strip(), chemistry.id
        assert bool(fidelity.notes_de) == bool(fidelity.notes), chemistry.id
        assert len(fidelity.caveats_de) == len(fidelity.caveats), chemistry.id
        assert len(fidelity.warnings_de) == len(fidelity.warnings)


def test_german_names_survive_compiling_a_flight_plan():
    from sortie.models.flight_plan import compile_plan, phase_powers, phase_table

    plan, drone = load_mission("quad-isr-loiter"), load_drone("isr-quad")
    mission = compile_plan(plan, drone, 0.6)
    assert mission.name_de == "Quadrokopter-Aufklärungsflug"
    assert [s.name_de for s in mission.segments] == [p.name_de for p in plan.phases]
    table = phase_table(phase_powers(plan, drone, 0.6))
    assert list(table["phase_de"]) == [p.name_de for p in plan.phases]


def test_files_without_german_texts_still_load(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        'id = "mine"\nname = "mine"\ndescription = ""\n'
        '[[segments]]\nname = "hold"\nduration_s = 60.0\npower_w = 100.0\n'
    )
    mission = load_mission(path)
    assert mission.name_de == "" and mission.segments[0].name_de == ""


def test_a_template_without_german_texts_does_not_take_its_bases(tmp_path):
    path = tmp_path / "thick.toml"
    path.write_text(
        'id = "thick"\nname = "thick M50"\ndescription = "mine"\ntemplate_of = "lg-m50-21700"\n'
        "[changes]\npositive_electrode_thickness_um = 90.0\n"
    )
    cell = load_cell(path)
    assert cell.name == "thick M50" and cell.name_de == "" and cell.description_de == ""
    assert load_cell("nmc811-high-power-21700").name_de.startswith("Hochleistungs")
