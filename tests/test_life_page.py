"""The Sortie life page (AppTest): it opens in both languages with two cells that have
degradation data, a cell without any says so (before and after a run), a refused input is one
translated line, and a short real life (SPM, 3 sorties) shows the key figures, the three
charts, the table and the exports, kept across a language switch. The life's own messages
(refused inputs, the refusal of a cell, the assumptions) are German with no English left."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from sortie.errors import InputError
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.studies.life import life_setup, run_life
from sortie.studies.life_spec import LifeSpec, Recharge, Storage
from tests.test_messages_de import english_left
from ui.text.messages_de import german

# Words both languages use: SEI (solid-electrolyte interphase), CCCV and CV (constant current,
# constant voltage), "die Reserve".
SAME_IN_GERMAN = {"SEI", "CCCV", "CV", "Reserve", "LG"}  # LG: the maker


def _english_in(text: str) -> list[str]:
    return [word for word in english_left(text) if word not in SAME_IN_GERMAN]

TIMEOUT_S = 300
NO_DATA_CELL = "nca-18650-power"
AGEING_CELL = "nmc811-high-power-21700"


def _render() -> None:
    from ui.guard import guarded
    from ui.pages import life

    guarded(life.render)()


def _page(lang: str = "en") -> AppTest:
    at = AppTest.from_function(_render, default_timeout=TIMEOUT_S)
    at.session_state["lang"] = lang
    return at.run()


@pytest.mark.parametrize(
    ("lang", "title", "mechanism"),
    [("en", "Sortie life", "SEI growth"), ("de", "Lebensdauer im Einsatz", "SEI-Wachstum")],
)
def test_the_page_opens_in_both_languages_with_two_ageing_cells(lang, title, mechanism):
    at = _page(lang)
    assert not at.exception
    assert not at.error
    assert at.title[0].value == title
    assert at.multiselect(key="life_cells").value == ["lg-m50-21700", AGEING_CELL]
    notes = [c.value for c in at.caption if mechanism in c.value]
    assert len(notes) == 2  # each default cell says what it has data for
    assert not at.button(key="life_run").disabled


def test_a_cell_without_degradation_data_says_so_before_a_run():
    at = _page("de")
    at.multiselect(key="life_cells").set_value([AGEING_CELL, NO_DATA_CELL]).run()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1
    assert "keine Alterungsdaten" in warnings[0]


def test_a_refused_recharge_is_one_translated_line():
    at = _page("de")
    at.radio(key="life_recharge").set_value("c-rate").run()
    # A charging current at the CV cut-off current: the domain refuses it.
    at.number_input(key="life_c_rate").set_value(0.05).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors == [
        "Nachladen: der Abschaltstrom der CV-Phase muss über 0 und unter dem Ladestrom liegen"
    ]
    assert at.button(key="life_run").disabled


def test_an_out_of_range_number_blocks_the_run():
    at = _page("de")
    at.number_input(key="life_sorties").set_value(0).run()
    assert not at.exception
    assert len(at.error) == 1 and "Einsätze" in at.error[0].value
    assert at.button(key="life_run").disabled


@pytest.mark.slow
def test_a_short_life_shows_key_figures_charts_table_and_exports():
    at = _page("en")
    at.multiselect(key="life_cells").set_value([AGEING_CELL, NO_DATA_CELL]).run()
    at.selectbox(key="life_model").set_value("spm").run()
    at.number_input(key="life_sorties").set_value(3).run()
    at.button(key="life_run").click().run()
    assert not at.exception
    assert not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert set(metrics) == {"Mission fails from sortie", "Capacity at the end", "Endurance lost"}
    assert metrics["Capacity at the end"].endswith("%")
    assert float(metrics["Capacity at the end"].removesuffix(" %")) < 100.0
    # The cell without data: the domain's refusal, no figures, no line in the charts.
    refusals = [w.value for w in at.warning if "no degradation data" in w.value]
    assert len(refusals) == 2  # under the inputs and in its card
    charts = at.get("plotly_chart")
    assert len(charts) == 3
    assert len(at.tabs) == 1 and at.tabs[0].label.startswith("High-power NMC811")
    assert [b.label for b in at.get("download_button")] == [
        "Every sortie (CSV)",
        "Summary (JSON)",
    ]
    # A language switch shows the kept life in German (no second run).
    at.session_state["lang"] = "de"
    at.run()
    assert not at.exception
    labels = {m.label for m in at.metric}
    assert labels == {"Mission scheitert ab Einsatz", "Kapazität am Ende", "Verlorene Flugzeit"}
    refusals = [w.value for w in at.warning if "keine Alterungsdaten" in w.value]
    assert len(refusals) == 2
    assert not any("no degradation data" in w.value for w in at.warning)
    assert not [i for i in at.info if "geändert" in i.value]  # the same inputs: no rerun asked


def _refusals() -> list[str]:
    """The messages a life refuses with, as the domain gives them."""
    found = []
    for make in (
        lambda: Recharge(c_rate=0.05),
        lambda: Recharge(voltage_v=5.0),
        lambda: Recharge(c_rate=9.0),
        lambda: Storage(days=0),
        lambda: Storage(days=1, temperature_c=90),
        lambda: Storage(days=1, state_of_charge=0.0),
        lambda: LifeSpec(sorties=0),
        lambda: LifeSpec(turnaround_s=-1.0),
        lambda: LifeSpec(ground_temperature_c=99.0),
        lambda: run_life(life_setup("quad-isr-loiter", cell=NO_DATA_CELL), LifeSpec(sorties=2)),
    ):
        with pytest.raises(InputError) as caught:
            make()
        found.append(str(caught.value))
    return found


def test_the_lifes_refusals_are_german_with_no_english_left():
    for text in _refusals():
        shown = german(text)
        assert shown != text, text
        assert _english_in(shown) == [], (text, shown)


@pytest.mark.slow
def test_a_lifes_texts_are_german_with_no_english_left():
    setup = life_setup(
        "quad-isr-loiter", cell=AGEING_CELL, settings=SimulationSettings(model=ModelKind.SPM)
    )
    spec = LifeSpec(sorties=2, storage=Storage(days=10))
    summary = run_life(setup, spec).summary
    texts = [summary.acceleration, *summary.assumptions]
    if summary.failing_reason:
        texts.append(summary.failing_reason)
    for text in texts:
        shown = german(text)
        assert shown != text, text
        assert _english_in(shown) == [], (text, shown)


def _catalogue() -> None:
    from ui.pages import catalogue

    catalogue.render()


@pytest.mark.parametrize(
    ("lang", "column", "none", "sei"),
    [
        ("en", "degradation data (Sortie life)", "none", "SEI growth"),
        ("de", "Alterungsdaten (Lebensdauer)", "keine", "SEI-Wachstum"),
    ],
)
def test_the_catalogue_says_which_mechanisms_each_cell_has_data_for(lang, column, none, sei):
    at = AppTest.from_function(_catalogue, default_timeout=TIMEOUT_S)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    cells = at.dataframe[0].value.set_index(at.dataframe[0].value.columns[0])
    data = cells[column]
    assert data[next(n for n in cells.index if "NCA" in n)] == none
    # Mohtat2020 ships SEI values, but not fitted to its cell's ageing: refused, so "none".
    assert data[next(n for n in cells.index if "Mohtat2020" in n)] == none
    power = data[next(n for n in cells.index if "power NMC811" in n or "leistungs-NMC811" in n)]
    assert power.startswith(sei) and "OKane2022" in power
    m50 = data[next(n for n in cells.index if "ORegan2022" in n)]
    assert m50.count(",") >= 4 and "OKane2022" in m50  # all five mechanisms
