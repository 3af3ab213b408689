"""Exports: CSV columns, a JSON view that reloads to the same scenario, a self-contained
HTML report."""

import html
import io
import json
import re

import pandas as pd
import pytest

from sortie.errors import InputError
from sortie.models.result import TIMESERIES_COLUMNS
from sortie.studies.comparison import cell_of, fly_cell
from sortie.studies.scenario import scenario_from_dict
from tests.cli_helpers import sortie_here
from ui.figures import charts, export
from ui.text.i18n import Language

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


def _listed(page: str) -> list[str]:
    return re.findall(r"<li>(.*?)</li>", page.split("<h2>", 1)[-1].rsplit("<ul>", 1)[-1])


def test_the_report_and_the_command_line_state_the_same_assumptions():
    """One source of truth: the report of a comparison and ``sortie run --json`` of the same
    flight (the ISR loiter on its drone's LG M50 6S2P, SPM) list the same assumptions, in
    each language."""
    scenario = scenario_from_dict(
        {"mission": {"preset": "quad-isr-loiter"}, "cells": [{"preset": "lg-m50-21700"}],
         "model": "spm", "ambient_c": 5.0}
    )  # fmt: skip
    done = sortie_here(
        ["run", "--mission", "quad-isr-loiter", "--model", "spm", "--ambient-c", "5", "--json"]
    )
    assert done.status == 0, done.stderr
    stated = json.loads(done.stdout)["assumptions"]
    for language in ("en", "de"):
        notes = export.assumptions(scenario, language=language)
        page = export.html_report("Sortie", pd.DataFrame({"x": [1]}), [], notes, language)
        assert _listed(page) == [html.escape(item[language]) for item in stated], language
    german = export.html_report("Sortie", pd.DataFrame(), [], [], "de")
    assert "<h2>Annahmen und Quellen</h2>" in german and '<html lang="de">' in german


def test_the_report_states_the_pack_model_as_flown_not_a_fixed_text():
    """The report used to say "lumped thermal model", "natural convection, h = 10 W/(m² K)
    on the cell's surface" and "no interconnect losses" whatever was flown."""
    notes = export.assumptions(SCENARIO)
    text = "\n".join(notes)
    assert "lumped thermal model" not in text and "on the cell's surface" not in text
    assert "thermal network" in text and "3 x 4 grid" in text
    assert "downwash" in text and "W/(m² K)" in text
    assert "Interconnect ideal" in text
    # The two cells' own sentences, named where they differ; the shared ones once.
    assert sum(n.startswith(("Cell LG", "Cell NCA")) for n in notes) == 2
    assert sum("Landing reserve 20 %" in n for n in notes) == 1
    assert notes[-1].startswith("Pack sizing: the same series x parallel layout")
    assert export.assumptions(SCENARIO, language="de")[-1].startswith("Packgröße")
