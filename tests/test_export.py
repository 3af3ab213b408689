"""Exports: CSV columns, a JSON view that reloads to the same scenario, a self-contained
HTML report."""

import io
import json

import pandas as pd
import pytest

from sortie.errors import InputError
from sortie.models.result import TIMESERIES_COLUMNS
from sortie.studies.comparison import cell_of, fly_cell
from sortie.studies.scenario import scenario_from_dict
from ui import charts, export
from ui.i18n import Language

SCENARIO = scenario_from_dict(
    {
        "mission": {"preset": "quad-isr-loiter"},
        "cells": [{"preset": "lg-m50-21700-chen2020"}, {"preset": "nca-18650-power"}],
        "model": "spm",
    }
)
NAMES = ["M50", "NCA"]


@pytest.fixture(scope="module")
def flights():
    return [fly_cell(SCENARIO, 0), fly_cell(SCENARIO, 1)]


def test_csv_holds_every_cell_with_units_in_the_header(flights):
    table = pd.read_csv(io.StringIO(export.timeseries_csv(NAMES, flights)))
    assert list(table.columns) == ["cell", "time_s", *TIMESERIES_COLUMNS]
    assert set(table["cell"]) == set(NAMES)
    assert len(table) == sum(len(f.timeseries) for f in flights)


def test_json_view_reloads_to_the_same_scenario(flights):
    text = export.view_json(SCENARIO, NAMES, [flights[0], None])
    document = json.loads(text)  # strict JSON: no NaN
    assert document["results"][0]["cell"] == "M50"
    assert document["results"][1] == {"cell": "NCA", "error": "no result"}
    assert export.scenario_from_view(text.encode()) == SCENARIO


@pytest.mark.parametrize(
    "data, message",
    [
        (b"{", "not JSON"),
        (b'{"format": "other"}', "not a Sortie view"),
        (b'{"format": "sortie-view/1", "scenario": {"cells": []}}', "scenario"),
    ],
)
def test_foreign_files_are_refused(data, message):
    with pytest.raises(InputError, match=message):
        export.scenario_from_view(data)


def test_html_report_is_self_contained(flights):
    figure = charts.comparison_figure(
        [(n, f.timeseries) for n, f in zip(NAMES, flights, strict=True)], 60.0, Language.EN
    )
    notes = export.assumptions(SCENARIO, [cell_of(SCENARIO, 0).chemistry])
    page = export.html_report(
        "Sortie: <test>", pd.DataFrame({"M50": [1]}), [("Plots", figure)], notes
    )
    assert "Sortie: &lt;test&gt;" in page  # escaped
    assert "<script src=" not in page and "Plotly.newPlot" in page  # plotly.js inlined
    assert "Assumptions and sources" in page and "Chen" in page
    assert "SPM" in page
