"""The life plots and exports (ui.figures.life_charts) from hand-made life tables: the failure
line sits at the failing sortie, in the cell's colour; stepped-over sorties are marked apart
from solved ones; the CSV and JSON hold every cell."""

from __future__ import annotations

import io
import json

import pandas as pd

from sortie.studies.life import LIFE_COLUMNS
from ui.figures.charts import colour
from ui.figures.life_charts import (
    JUMPED_SYMBOL,
    SOLVED_SYMBOL,
    LifeLine,
    capacity_figure,
    display_table,
    endurance_figure,
    endurance_loss,
    failure_lines,
    landing_figure,
    life_csv,
    life_json,
)
from ui.text.i18n import Language


def _table(capacity: list[float], simulated: list[bool], completed: list[bool]) -> pd.DataFrame:
    sorties = range(1, len(capacity) + 1)
    data = {column: [0.0] * len(capacity) for column in LIFE_COLUMNS}
    data.update(
        capacity_relative=capacity,
        capacity_ah=[5.0 * c for c in capacity],
        endurance_s=[1200.0 if done else 900.0 for done in completed],
        landing_state_of_charge=[0.1 + 0.4 * c - 0.3 for c in capacity],
        completed=completed,
        simulated=simulated,
        stored_before=[False] * len(capacity),
    )
    return pd.DataFrame(data, index=pd.Index(sorties, name="sortie"))[list(LIFE_COLUMNS)]


AGEING = LifeLine(
    "fades",
    _table(
        [1.0, 0.98, 0.96, 0.94, 0.92], [True, True, False, True, True], [True] * 3 + [False] * 2
    ),
    first_failing_sortie=4,
)
STEADY = LifeLine(
    "keeps",
    _table([1.0, 0.999, 0.998, 0.997, 0.996], [True, False, False, False, True], [True] * 5),
    first_failing_sortie=None,
)


def test_the_failure_line_is_at_the_failing_sortie_in_the_cells_colour():
    for figure in (
        capacity_figure([STEADY, AGEING], Language.EN),
        endurance_figure([STEADY, AGEING], 1200.0, Language.EN),
        landing_figure([STEADY, AGEING], 0.2, Language.EN),
    ):
        assert failure_lines(figure) == [(4.0, colour(1))]


def test_no_failure_no_line():
    assert failure_lines(capacity_figure([STEADY], Language.EN)) == []


def test_jumped_sorties_are_marked_apart_from_solved_ones():
    figure = capacity_figure([AGEING, STEADY], Language.DE)
    ageing, steady = figure.data[0], figure.data[1]
    assert list(ageing.marker.symbol) == [
        SOLVED_SYMBOL, SOLVED_SYMBOL, JUMPED_SYMBOL, SOLVED_SYMBOL, SOLVED_SYMBOL
    ]
    assert list(steady.marker.symbol).count(JUMPED_SYMBOL) == 3
    assert "übersprungen (Zyklensprung)" in ageing.customdata
    # The legend says what the two markers mean.
    legend = {trace.name for trace in figure.data}
    assert {"voll gerechnet", "übersprungen (Zyklensprung)"} <= legend


def test_capacity_in_per_cent_against_the_sortie():
    trace = capacity_figure([AGEING], Language.EN).data[0]
    assert list(trace.x) == [1, 2, 3, 4, 5]
    assert list(trace.y) == [100.0, 98.0, 96.0, 94.0, 92.0]


def test_the_needed_endurance_and_the_reserve_are_drawn():
    endurance = endurance_figure([AGEING], 1200.0, Language.EN)
    levels = [s.y0 for s in endurance.layout.shapes if s.type == "line" and s.line.dash == "dot"]
    assert levels == [20.0]
    landing = landing_figure([AGEING], 0.2, Language.EN)
    levels = [s.y0 for s in landing.layout.shapes if s.type == "line" and s.line.dash == "dot"]
    assert levels == [20.0]


def test_endurance_loss_is_the_share_of_the_first_sorties_time_lost():
    assert endurance_loss(AGEING.table) == 0.25
    assert endurance_loss(STEADY.table) == 0.0


def test_the_table_in_german_has_german_headers_and_per_cent():
    shown, decimals = display_table(AGEING.table, Language.DE)
    assert list(shown["Einsatz"]) == [1, 2, 3, 4, 5]
    assert list(shown["Kapazität [%]"].round(6)) == [100.0, 98.0, 96.0, 94.0, 92.0]
    assert list(shown["Erfüllt"]) == ["ja", "ja", "ja", "nein", "nein"]
    assert decimals["Kapazität [%]"] == 2


def test_csv_holds_every_cell_with_the_domains_columns():
    text = life_csv([AGEING, LifeLine("=cmd()", STEADY.table, None)])
    table = pd.read_csv(io.StringIO(text))
    assert list(table.columns[:2]) == ["cell", "sortie"]
    assert set(LIFE_COLUMNS) <= set(table.columns)
    assert len(table) == 10
    assert not any(str(name).startswith("=") for name in table["cell"])


def test_json_holds_the_inputs_and_every_summary():
    text = life_json(
        [("fades", {"first_failing_sortie": 4, "capacity_relative_end": float("nan")}),
         ("none", {"error": "no degradation data"})],
        {"sorties": 5},
    )
    document = json.loads(text)
    assert document["format"] == "sortie-life/1"
    assert document["inputs"] == {"sorties": 5}
    assert document["results"][0] == {
        "cell": "fades", "first_failing_sortie": 4, "capacity_relative_end": None
    }
    assert document["results"][1]["error"] == "no degradation data"
