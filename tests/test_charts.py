"""The explorer's figures: units on every axis, both languages, built from real presets."""

import re

import numpy as np
import pandas as pd
import pytest

from sortie.models.result import TIMESERIES_COLUMNS
from sortie.presets import load_cell
from sortie.studies.comparison import compiled_of
from sortie.studies.scenario import scenario_from_dict
from ui.figures import charts
from ui.text.i18n import Language

UNIT = re.compile(r"\[[^\]]+\]$")


def _axis_titles(figure) -> list[str]:
    layout = figure.to_dict()["layout"]
    return [
        value["title"]["text"]
        for key, value in layout.items()
        if re.fullmatch(r"[xy]axis\d*", key) and value.get("title", {}).get("text")
    ]


def _timeseries(duration_s: float) -> pd.DataFrame:
    time_s = np.linspace(0.0, duration_s, 50)
    frame = pd.DataFrame(
        {column: np.linspace(1.0, 0.5, 50) for column in TIMESERIES_COLUMNS},
        index=pd.Index(time_s, name="time_s"),
    )
    frame["segment"] = np.where(time_s < duration_s / 2, "transit", "hover")
    frame["phase"] = np.where(time_s < duration_s / 2, "transit", "hover")
    return frame


@pytest.mark.parametrize("lang", list(Language))
def test_every_axis_of_the_comparison_and_profile_has_a_unit(lang):
    comparison = charts.comparison_figure(
        [("a", _timeseries(600.0)), ("b", _timeseries(420.0))], 60.0, lang, 0.2
    )
    titles = _axis_titles(comparison)
    assert len(titles) == 6  # five panels and the shared time axis
    assert all(UNIT.search(title) for title in titles), titles
    scenario = scenario_from_dict(
        {"mission": {"preset": "quad-isr-loiter"}, "cells": [{"preset": "lg-m50-21700"}]}
    )
    mission = compiled_of(scenario, 0).mission
    profile = charts.profile_figure(mission, lang)
    assert all(UNIT.search(title) for title in _axis_titles(profile))


def test_comparison_draws_the_temperature_limit_and_the_reserve():
    figure = charts.comparison_figure([("a", _timeseries(600.0))], 55.0, Language.EN, 0.2)
    lines = [shape for shape in figure.to_dict()["layout"]["shapes"] if shape["type"] == "line"]
    assert {round(line["y0"], 6) for line in lines} >= {55.0, 20.0}  # °C and % of charge


def test_mass_budget_names_every_component_in_german():
    budget = load_cell("lg-m50-21700").budget
    grams = {name: 1000 * kg for name, kg in budget.component_mass_kg.items()}
    english = charts.breakdown_figure(grams, Language.EN)
    german = charts.breakdown_figure(grams, Language.DE)
    assert list(english.data[0].y) == list(grams)
    assert set(grams) <= set(charts._COMPONENTS_DE)  # a new component needs its German name
    assert "Gehäuse" in german.data[0].y and "casing" not in german.data[0].y
    assert german.layout.xaxis.title.text == "Masse [g]"


@pytest.mark.parametrize("lang", list(Language))
def test_the_pack_field_shows_every_cell_with_units(lang):
    field = np.array([[30.0, 31.5, 30.2], [30.4, 32.0, np.nan]])  # 5 cells on a 2 x 3 grid
    figure = charts.pack_field_figure(field, "M50", lang)
    heatmap = figure.data[0]
    assert np.array_equal(np.array(heatmap.z, dtype=float), field, equal_nan=True)
    assert heatmap.colorbar.title.text == "°C"
    assert UNIT.search(figure.layout.xaxis.title.text)
    assert UNIT.search(figure.layout.yaxis.title.text)


def test_the_temperature_panel_shows_the_hottest_and_the_coldest_cell():
    frame = _timeseries(600.0).assign(
        hottest_cell_temperature_c=lambda f: f["cell_temperature_c"] + 2.0,
        coldest_cell_temperature_c=lambda f: f["cell_temperature_c"] - 1.0,
    )
    figure = charts.comparison_figure([("a", frame)], 60.0, Language.EN, 0.2)
    temperature = [t for t in figure.data if t.yaxis == "y4"]
    assert [list(t.y) for t in temperature] == [
        list(frame["hottest_cell_temperature_c"]),
        list(frame["coldest_cell_temperature_c"]),
    ]
    assert temperature[1].line.dash == "dot"


@pytest.mark.parametrize(
    "energies, powers",
    [
        ([120.0, 180.0, 240.0, 260.0], [40.0, 150.0, 600.0, 2500.0]),  # one decade or less
        ([90.0, 150.0, 400.0, 2100.0], [8.0, 30.0, 110.0, 9000.0]),  # three decades
    ],
)
def test_the_ragone_axes_have_clean_log_ticks(energies, powers):
    """Whole numbers at 1-2-5 steps (finer within a decade), each labelled in full: never
    plotly's small digits between decades ("8 9 10 2 3 ...")."""
    points = pd.DataFrame(
        {
            "cell_index": 0,
            "c_rate": [0.2, 1.0, 3.0, 10.0],
            "specific_energy_wh_per_kg": energies[::-1],
            "specific_power_w_per_kg": powers,
        }
    )
    demand = [{"energy_wh_per_kg": 150.0, "mean_w_per_kg": 200.0, "peak_w_per_kg": 500.0}]
    figure = charts.ragone_figure(points, demand, ["M50"], Language.EN)
    for axis, values in ((figure.layout.xaxis, energies), (figure.layout.yaxis, powers)):
        assert axis.type == "log" and axis.tickmode == "array"
        ticks = [float(t) for t in axis.tickvals]
        assert [float(text) for text in axis.ticktext] == ticks  # each label the full number
        inside = [t for t in ticks if min(values) <= t <= max(values)]
        assert len(inside) >= 3
        mantissas = {round(t / 10 ** np.floor(np.log10(t)), 6) for t in ticks}
        assert mantissas <= {1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0}
        span = np.log10(max(values) / min(values))
        if span > 2:  # wide axes keep to 1-2-5
            assert mantissas <= {1.0, 2.0, 5.0}


# --- German (issue 23): phase labels, legends, hover texts and ticks with a decimal comma ----


def _annotations(figure) -> list[str]:
    return [a["text"] for a in figure.to_dict()["layout"].get("annotations", [])]


def _loiter_mission():
    scenario = scenario_from_dict(
        {"mission": {"preset": "quad-isr-loiter"}, "cells": [{"preset": "lg-m50-21700"}]}
    )
    return compiled_of(scenario, 0).mission


def test_the_profile_names_its_phases_in_the_language_asked_for():
    mission = _loiter_mission()
    english = _annotations(charts.profile_figure(mission, Language.EN))
    german = _annotations(charts.profile_figure(mission, Language.DE))
    assert "hover on station" in english
    assert "Schweben über dem Einsatzort" in german
    assert not {"hover on station", "transit out", "descent and landing"} & set(german)
    assert charts.profile_figure(mission, Language.DE).layout.separators == ", "


def test_the_comparison_shades_and_labels_its_phases_in_german_with_a_decimal_comma():
    mission = _loiter_mission()
    frame = _timeseries(mission.duration_s)
    index = mission.segment_index_at(frame.index.to_numpy())
    frame["segment"] = [mission.segments[i].name for i in index]
    figure = charts.comparison_figure([("a", frame)], 60.5, Language.DE, 0.2)
    texts = _annotations(figure)
    assert "Schweben über dem Einsatzort" in texts
    assert not any("hover on station" in t or "transit out" in t for t in texts), texts
    assert "Grenze 60,5 °C" in texts and "Reserve" in texts
    assert figure.layout.separators == ", "
    english = charts.comparison_figure([("a", frame)], 60.5, Language.EN, 0.2)
    assert "hover on station" in _annotations(english)
    assert "limit 60.5 °C" in _annotations(english)
    assert english.layout.separators in (None, ".,")


def test_a_flight_logs_segments_are_named_in_german():
    from ui.text.messages_de import segment_name_de

    assert segment_name_de("log 0-10 s") == "Protokoll 0–10 s"
    assert segment_name_de("log 290-298.5 s") == "Protokoll 290–298,5 s"
    assert segment_name_de("hover on station") == "Schweben über dem Einsatzort"
    assert segment_name_de("my own phase") == "my own phase"


def test_the_trade_off_plots_speak_german_with_a_decimal_comma():
    points = pd.DataFrame(
        {
            "cell_index": 0,
            "c_rate": [0.2, 1.0, 3.0, 10.0],
            "specific_energy_wh_per_kg": [2.6, 2.4, 1.8, 1.2],
            "specific_power_w_per_kg": [1.1, 4.0, 6.0, 9.0],
        }
    )
    demand = [{"energy_wh_per_kg": 1.5, "mean_w_per_kg": 2.0, "peak_w_per_kg": 5.0}]
    ragone = charts.ragone_figure(points, demand, ["M50"], Language.DE)
    assert ragone.layout.separators == ", "
    assert any("," in text for text in ragone.layout.xaxis.ticktext)
    assert not any("." in text for text in ragone.layout.xaxis.ticktext)
    assert " bei " in ragone.data[0].hovertemplate
    assert ragone.data[1].name == "Missionsbedarf (Mittel bis Spitze)"
    rows = pd.DataFrame(
        {
            "cell_index": 0,
            "ambient_c": [-30.0, 20.0],
            "endurance_s": [600.0, 1200.0],
            "limited_by": ["voltage cut-off", "reserve"],
        }
    )
    sweep = charts.ambient_figure(rows, ["M50"], "station", Language.DE)
    assert list(sweep.data[0].customdata) == ["Entladeschlussspannung erreicht", "Reserve erreicht"]
    assert sweep.layout.separators == ", "
    english = charts.ambient_figure(rows, ["M50"], "station", Language.EN)
    assert list(english.data[0].customdata) == ["voltage cut-off", "reserve"]


def test_the_pack_field_and_the_mass_budget_write_numbers_with_a_decimal_comma():
    field = np.array([[30.0, 31.5], [30.4, np.nan]])
    german = charts.pack_field_figure(field, "M50", Language.DE)
    assert german.layout.separators == ", "
    assert "31,5" in str(german.data[0].text)
    grams = {"casing": 12.5, "separator": 1.25}
    assert list(charts.breakdown_figure(grams, Language.DE).data[0].text) == ["12,5 g", "1,2 g"]
    assert list(charts.breakdown_figure(grams, Language.EN).data[0].text) == ["12.5 g", "1.2 g"]
