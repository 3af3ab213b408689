"""Streamlit pages through AppTest (real engine, short solves)."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

TIMEOUT_S = 120
APP = Path(__file__).resolve().parents[1] / "app.py"


def app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)


def test_mission_page_renders_and_flies():
    at = app().run()
    assert not at.exception
    assert "Sortie" in at.title[0].value
    at.selectbox(key="mission").select("quad-isr-loiter").run()
    at.selectbox(key="model").select("spm").run()
    at.button[0].click().run()
    assert not at.exception
    verdicts = [e.value for e in at.success] + [e.value for e in at.error]
    assert any("Mission completed" in v for v in verdicts), verdicts
    assert any(m.label == "Endurance" and m.value == "28.1 min" for m in at.metric)
    assert len(at.expander) == 1 and "Flight phases" in at.expander[0].label


def test_mission_page_shows_failure_verdict():
    at = app().run()
    at.selectbox(key="mission").select("fpv-strike-sprint").run()
    at.selectbox(key="model").select("spm").run()
    at.number_input(key="p-fpv-strike-sprint").set_value(1).run()
    at.button[0].click().run()
    assert not at.exception
    assert any("Not completed" in e.value for e in at.error)


def test_catalogue_page_renders():
    at = AppTest.from_function(_catalogue, default_timeout=TIMEOUT_S).run()
    assert not at.exception
    assert at.title[0].value == "Cells and presets"
    assert len(at.dataframe) == 2


def _catalogue():
    from ui import catalogue_page

    catalogue_page.render()


def test_impossible_pack_is_a_plain_message():
    at = app().run()
    at.selectbox(key="mission").select("quad-isr-loiter").run()
    at.selectbox(key="cell-quad-isr-loiter").select("sodium-ion-18650").run()
    at.number_input(key="s-quad-isr-loiter").set_value(1).run()
    at.number_input(key="p-quad-isr-loiter").set_value(1).run()
    at.button[0].click().run()
    assert not at.exception
    assert any("per cell" in e.value for e in at.error)


def _cell_page():
    from ui import cell_page

    cell_page.render()


def test_cell_page_shows_budget_and_reacts_to_design_changes():
    at = AppTest.from_function(_cell_page, default_timeout=TIMEOUT_S).run()
    assert not at.exception
    at.selectbox(key="design-cell").select("lg-m50-21700").run()
    capacity = next(m.value for m in at.metric if m.label == "Capacity")
    assert capacity == "5.05 Ah"
    at.number_input(key="lg-m50-21700-positive_electrode_thickness_um").set_value(60.0).run()
    assert not at.exception
    thinner = next(m.value for m in at.metric if m.label == "Capacity")
    assert thinner != capacity
    at.number_input(key="lg-m50-21700-target").set_value(9.0).run()
    assert any("can" in e.value for e in at.error)  # 9 Ah does not fit: a plain message
