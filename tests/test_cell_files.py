"""A capacity-matched cell says what it is, whoever builds it (the cell designer, ``sortie cell
show --set ... --capacity-ah``): its description lists the design changes it carries, or says
its electrodes are the preset's; its name says "(edited)"; its German name goes with it."""

from __future__ import annotations

import dataclasses

from sortie.cells.matching import match_capacity
from sortie.presets import load_cell
from sortie.presets.cell_files import matched_cell, preset_changes
from sortie.presets.loader import read_toml
from tests.cli_helpers import sortie_here


def _matched(cell_id: str, overrides: dict, target_ah: float):
    original = load_cell(cell_id, overrides)
    design = match_capacity(original.design, original.chemistry, target_ah)
    return matched_cell(original, dataclasses.replace(original, design=design), target_ah)


def test_a_match_of_an_edited_preset_lists_its_changes_without_being_told():
    cell = _matched("lg-m50-21700", {"positive_electrode_thickness_um": 70.0}, 4.5)
    assert "electrodes unchanged" not in cell.design.description
    assert "with positive coating 70 µm (was 75.6 µm), matched to 4.5 Ah" in cell.design.description
    assert cell.name == "LG M50 21700 (NMC811, ORegan2022) (edited) matched to 4.5 Ah"
    assert cell.name_de == "LG M50 21700 (NMC811, ORegan2022) (geändert) angepasst auf 4,5 Ah"
    assert "edited" in cell.id


def test_a_match_of_an_unchanged_preset_keeps_its_electrodes():
    cell = _matched("lg-m50-21700", {}, 4.8)
    assert "with its electrodes unchanged, matched to 4.8 Ah" in cell.design.description
    assert "(edited)" not in cell.name


def test_a_change_the_designer_words_do_not_name_is_still_a_change():
    cell = load_cell("lg-m50-21700", {"positive_foil_thickness_um": 14.0})
    assert preset_changes(cell) == ("changes to the design",)
    assert preset_changes(load_cell("lg-m50-21700")) == ()


def test_the_cli_saves_a_matched_edited_cell_with_its_changes(tmp_path):
    path = tmp_path / "edited.toml"
    done = sortie_here(
        [
            "cell", "show", "lg-m50-21700", "--set", "positive_electrode_thickness_um=70",
            "--capacity-ah", "4.5", "--save", str(path), "--json",
        ]
    )
    assert done.status == 0, done.stderr
    saved = read_toml(path)
    assert "electrodes unchanged" not in saved["description"]
    assert "positive coating 70 µm (was 75.6 µm)" in saved["description"]
    assert saved["sources"]["derived_from"] == (
        "lg-m50-21700 with positive_electrode_thickness_um=70 matched to 4.5 Ah"
    )
    assert load_cell(path).design.positive.coating_thickness_um == 70.0
