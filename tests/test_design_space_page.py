"""The Design space page through Streamlit's AppTest: a real sweep in the app's worker pool,
its plot, a design taken on to the comparison; German too."""

import time

import pytest
from streamlit.testing.v1 import AppTest

from ui.state.session import PENDING_CELLS, PENDING_DESIGN

TIMEOUT_S = 300


def _space_page():
    from ui.pages import design_space

    design_space.render()


def _run_small_sweep(at: AppTest) -> AppTest:
    at.selectbox(key="space_model").set_value("spm")
    for number in at.number_input:
        if number.key and number.key.endswith("_count"):
            number.set_value(3)
    at.run()
    at.button(key="space_run").click().run()
    deadline = time.monotonic() + TIMEOUT_S
    while not at.success:  # the page polls the running sweep; a rerun reads it
        assert time.monotonic() < deadline, "the sweep did not finish"
        assert not at.exception, at.exception
        time.sleep(0.5)
        at.run()
    return at


def test_design_space_page_sweeps_plots_and_hands_a_design_on():
    at = AppTest.from_function(_space_page, default_timeout=TIMEOUT_S).run()
    assert not at.exception
    assert at.title[0].value == "Design space"
    assert "3 designs" not in [c.value for c in at.caption]
    at = _run_small_sweep(at)
    assert "3 designs in" in at.success[0].value and "3 flown" in at.success[0].value
    charts = at.get("plotly_chart")
    assert len(charts) == 2  # curves over the field, and the Pareto plot
    # A design to take on (the choice is keyed by the sweep and the figure it is ranked by).
    (designs,) = [s for s in at.selectbox if s.key and s.key.startswith("space_design")]
    assert designs.options
    at.button(key="space_add").click().run()
    assert at.session_state[PENDING_CELLS], "the design was not queued for the comparison"
    at.button(key="space_open_designer").click().run()
    pending = at.session_state[PENDING_DESIGN]
    assert pending["preset"] == "lg-m50-21700"
    assert set(pending["changes"]) == {"positive_electrode_thickness_um"}


def test_design_space_page_in_german():
    at = AppTest.from_function(_space_page, default_timeout=TIMEOUT_S)
    at.session_state["lang"] = "de"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Entwurfsraum"
    assert at.button(key="space_run").label == "Sweep starten"
    assert "Erste Größe" in [s.label for s in at.selectbox]
    # Presets by their German names; every choice can be changed in German too (a
    # format_func that reads the language would give English labels outside the run).
    assert "Quadrokopter-Aufklärungsflug" in at.selectbox(key="space_mission").options
    at.selectbox(key="space_field_1").set_value("pack.parallel_count").run()
    assert not at.exception
    at.radio(key="space_source").set_value("file").run()
    assert not at.exception
    refused = b'[base]\nmission = "/etc/passwd"\n'
    at.file_uploader(key="space_file").set_value(("bad.toml", refused, "application/toml")).run()
    (error,) = at.error
    assert "ist keine Vorlage" in error.value and "not a preset" not in error.value
    broken = b"\xff\xfe"
    at.file_uploader(key="space_file").set_value(("bad.toml", broken, "application/toml")).run()
    assert at.error[0].value == "bad.toml: kein UTF-8-Text"


def _cell_page():
    from ui.pages import cell_designer

    cell_designer.render()


def test_a_design_opened_in_the_designer_shows_there():
    at = AppTest.from_function(_cell_page, default_timeout=TIMEOUT_S)
    at.session_state[PENDING_DESIGN] = {
        "preset": "nca-18650-power",
        "changes": {"positive_electrode_thickness_um": 51.5},
    }
    at.run()
    assert not at.exception
    assert at.selectbox(key="design-cell").value == "nca-18650-power"
    field = at.number_input(key="nca-18650-power-positive_electrode_thickness_um")
    assert field.value == 51.5
    assert PENDING_DESIGN not in at.session_state  # applied once


def test_a_matched_cell_is_named_for_its_match_and_saved_whole():
    at = AppTest.from_function(_cell_page, default_timeout=TIMEOUT_S)
    at.session_state["design-cell"] = "kokam-slpb75106100"
    at.run()
    at.number_input(key="kokam-slpb75106100-target").set_value(5.0).run()
    assert not at.exception
    name = next(m.value for m in at.markdown if "matched to 5 Ah" in m.value)
    assert "75106100" not in name  # the old model number stated the old thickness
    at.button(key="add_matched_to_comparison").click().run()
    own = at.session_state["own_cells"]
    (entry,) = own.values()
    document = entry["choice"]["document"]
    from sortie.presets.loader import cell_from_data

    cell = cell_from_data(document, "saved")
    assert cell.budget.capacity_ah == pytest.approx(5.0, rel=0.05)
    assert "matched to 5 Ah" in cell.name
