"""The explorer's figures: units on every axis, both languages, built from real presets."""

import re

import numpy as np
import pandas as pd
import pytest

from sortie.models.result import TIMESERIES_COLUMNS
from sortie.presets import load_cell
from sortie.studies.comparison import compiled_of
from sortie.studies.scenario import scenario_from_dict
from ui import charts
from ui.i18n import Language

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
