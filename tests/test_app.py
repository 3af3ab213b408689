"""Every page through Streamlit's AppTest, on the real engine and the real worker pool
(short solves: SPM/SPMe where the verdict is not thermal)."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

TIMEOUT_S = 300
APP = Path(__file__).resolve().parents[1] / "app.py"


def app(**query: str | list[str]) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    for key, value in query.items():
        at.query_params[key] = value
    return at


def verdicts(at: AppTest) -> list[str]:
    return [e.value for e in at.success] + [e.value for e in at.error]


def test_compare_page_renders_and_compares_three_cells():
    at = app().run()
    assert not at.exception
    assert at.title[0].value == "Compare cells on a mission"
    assert at.multiselect(key="cells").value == [
        "lg-m50-21700",
        "nca-18650-power",
        "sodium-ion-18650",
    ]
    assert not verdicts(at)  # nothing runs before the click
    at.selectbox(key="model").set_value("spm").run()
    at.button(key="compare").click().run()
    assert not at.exception
    found = verdicts(at)
    assert any("LG M50" in v and "Completed with" in v for v in found), found
    assert any("NCA 18650" in v and "Stopped: voltage cut-off" in v for v in found), found
    # Each card's figures: minutes, charge left, peak temperature.
    figures = re.compile(r"\*\*[\d.]+ min · \d+ % · [\d.]+ °C\*\*.*", re.S)
    assert sum(bool(figures.fullmatch(m.value)) for m in at.markdown) == 3
    assert len(at.get("plotly_chart")) >= 2  # power profile and the overlaid results
    assert at.query_params["mission"] in ("quad-isr-loiter", ["quad-isr-loiter"])
    assert at.query_params["cell"] == ["lg-m50-21700", "nca-18650-power", "sodium-ion-18650"]


def test_shared_link_restores_the_selection_and_runs():
    at = app(
        mission="fpv-strike-sprint",
        cell=["nca-18650-power", "lg-m50-21700"],
        model="spm",
        parallel="3",
    ).run()
    assert not at.exception
    assert at.selectbox(key="mission_preset").value == "fpv-strike-sprint"
    assert at.multiselect(key="cells").value == ["nca-18650-power", "lg-m50-21700"]
    assert at.number_input(key="parallel").value == 3
    assert at.selectbox(key="model").value == "spm"
    assert len(verdicts(at)) == 2


def test_damaged_link_is_a_plain_message():
    at = app(mission="quad-isr-loiter", cell="lg-m50-21700", series="many").run()
    assert not at.exception
    assert any("cannot be opened" in e.value and "number" in e.value for e in at.error)


def test_german_interface():
    # (AppTest formats selectbox options in the test's language: set the model by the link.)
    at = app(
        lang="de", mission="quad-isr-loiter", cell=["lg-m50-21700", "nca-18650-power"], model="spm"
    ).run()
    assert not at.exception
    assert at.title[0].value == "Zellen auf einer Mission vergleichen"
    assert at.button(key="compare").label == "Vergleichen"
    assert any("Mission erfüllt" in v for v in verdicts(at)), verdicts(at)
    assert any("Abbruch: Entladeschlussspannung erreicht" in v for v in verdicts(at))
    at.radio(key="lang").set_value("en").run()
    assert at.title[0].value == "Compare cells on a mission"


def test_impossible_pack_is_a_plain_message_per_cell():
    at = app(
        mission="fpv-strike-sprint", cell="sodium-ion-18650", series="1", parallel="1", model="spm"
    ).run()
    assert not at.exception
    assert any("per cell" in e.value for e in at.error)


def test_bad_input_values_are_plain_messages():
    at = app().run()
    at.multiselect(key="cells").set_value([]).run()
    assert not at.exception
    assert any("Pick at least one cell" in w.value for w in at.warning)
    assert any("at least 1" in e.value for e in at.error)


def test_edit_phases_shows_the_table_and_flies_it():
    at = app().run()
    at.radio(key="mission_source").set_value("edit").run()
    assert not at.exception
    assert len(at.get("arrow_data_frame")) + len(at.get("data_editor")) >= 1
    at.selectbox(key="model").set_value("spm").run()
    at.button(key="compare").click().run()
    assert not at.exception
    assert len(verdicts(at)) == 3
    # An edited plan cannot be spelled as presets: the whole view is packed in the URL.
    assert "view" in at.query_params


@pytest.mark.slow
def test_trade_offs_ragone_and_ambient_sweep():
    at = app(mission="quad-isr-loiter", cell="lg-m50-21700-chen2020", model="spme").run()
    charts_before = len(at.get("plotly_chart"))
    at.button(key="ragone").click().run()
    assert not at.exception
    at.button(key="ambient_sweep").click().run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == charts_before + 2
    assert any("Ragone" in m.value for m in at.markdown)


def _catalogue_page():
    from ui import catalogue_page

    catalogue_page.render()


def test_catalogue_page_renders_in_both_languages():
    at = AppTest.from_function(_catalogue_page, default_timeout=TIMEOUT_S).run()
    assert not at.exception
    assert at.title[0].value == "Cells and presets"
    cells, missions, drones = (frame.value for frame in at.dataframe)
    assert "capacity [Ah]" in cells.columns and len(cells) >= 12
    assert "Fixed-wing long-range patrol" in set(missions["mission"])
    assert "Small ISR quadcopter" in set(drones["drone"])
    lfp = cells.set_index("cell").loc["A123 26650 LFP (Prada2013)"]
    assert lfp["thermal data"] == "supplied by Sortie"

    german = AppTest.from_function(_catalogue_page, default_timeout=TIMEOUT_S)
    german.session_state["lang"] = "de"
    german.run()
    assert not german.exception
    assert german.title[0].value == "Zellen und Vorlagen"
    cells = german.dataframe[0].value
    assert "Kapazität [Ah]" in cells.columns
    assert set(cells["thermische Daten"]) == {"von Sortie ergänzt", "aus dem Parametersatz"}


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
    at.button(key="add_to_comparison").click().run()
    own = at.session_state["own_cells"]
    assert len(own) == 1
    (key,) = own
    assert own[key]["choice"]["overrides"] == {"positive_electrode_thickness_um": 60.0}
    assert key in at.session_state["cells"]
    at.number_input(key="lg-m50-21700-target").set_value(9.0).run()
    assert any("can" in e.value for e in at.error)  # 9 Ah does not fit: a plain message


@pytest.mark.slow
def test_showroom_page_shows_a_winner_without_details():
    at = app(mode="showroom").run()
    assert not at.exception
    assert at.title[0].value == "Which cell flies this mission?"
    cards = [v for v in verdicts(at) if v.startswith("###")]
    assert len(cards) == 4 and all("Completed" in c or "Stopped" in c for c in cards), cards
    assert any("Best:" in s.value or "No cell" in s.value for s in [*at.success, *at.warning])
    assert not at.caption  # no termination details in the showroom
    assert not at.sidebar.get("nav")  # kiosk: no page list


def _failing_page():
    from ui.guard import guarded

    def render():
        raise KeyError("a bug")

    guarded(render)()


def test_an_unexpected_failure_is_one_plain_sentence():
    at = AppTest.from_function(_failing_page, default_timeout=TIMEOUT_S).run()
    assert not at.exception
    assert len(at.error) == 1 and "Something went wrong" in at.error[0].value
    assert "KeyError" not in at.error[0].value
