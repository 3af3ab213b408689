"""Design-space plots: units on every axis, every design that could not fly marked (never
dropped), and a Pareto front that is one."""

import re

import numpy as np
import pandas as pd
import pytest

from sortie.studies.design_rows import ROW_COLUMNS
from ui.figures import space_charts
from ui.text.i18n import Language

UNIT = re.compile(r"\[[^\]]+\]")
X, Y = "cell.positive_electrode_thickness_um", "cell.positive_electrode_porosity"


def _table() -> pd.DataFrame:
    """A 3 x 3 grid: one design too heavy, one invalid, one flown but not completed."""
    rows = []
    for i, (x, y) in enumerate((x, y) for x in (60.0, 70.0, 80.0) for y in (0.3, 0.35, 0.4)):
        row = dict.fromkeys(ROW_COLUMNS, np.nan)
        row.update(
            design=i,
            **{X: x, Y: y},
            flown=True,
            mission_completed=True,
            not_flown_reason="",
            message="flew",
            endurance_s=1000.0 + 10 * i,
            final_state_of_charge=0.2 + 0.02 * i,
            pack_mass_kg=1.0 + 0.05 * i,
        )
        rows.append(row)
    rows[2].update(flown=False, mission_completed=False, not_flown_reason="too heavy")
    rows[5].update(flown=False, mission_completed=False, not_flown_reason="invalid")
    rows[7].update(mission_completed=False, message="cut-off")
    return pd.DataFrame(rows)


def _traces(figure, name_part):
    return [t for t in figure.data if name_part in (t.name or "")]


@pytest.mark.parametrize("lang", list(Language))
def test_the_heatmap_marks_what_did_not_fly(lang):
    table = _table()
    figure = space_charts.heatmap_figure(table, X, Y, "endurance_s", lang)
    layout = figure.layout
    assert UNIT.search(layout.xaxis.title.text) and UNIT.search(layout.yaxis.title.text)
    heatmap = figure.data[0]
    assert heatmap.type == "heatmap"
    assert UNIT.search(heatmap.colorbar.title.text)
    z = np.array(heatmap.z, dtype=float)
    assert np.isnan(z).sum() == 2  # the two designs that did not fly have no value
    assert z[0, 0] == pytest.approx(1000.0 / 60)  # endurance shown in minutes
    marked = {t.name: list(t.customdata) for t in figure.data[1:]}
    assert sorted(d for ids in marked.values() for d in ids) == [2, 5, 7]


def test_curves_mark_what_did_not_fly_and_scale_the_figure():
    table = _table()
    table = table[table[Y] == 0.4]
    figure = space_charts.curves_figure(table, X, "final_state_of_charge", Language.EN)
    assert list(figure.data[0].y) == pytest.approx([100 * 0.36])  # design 8, in %
    assert [list(t.customdata) for t in figure.data[1:]] == [[2], [5]]
    assert UNIT.search(figure.layout.yaxis.title.text)


def test_the_pareto_front_is_not_dominated():
    table = _table()
    front = space_charts.pareto_front(table, "final_state_of_charge", "pack_mass_kg")
    done = table[table["flown"] & table["mission_completed"]]
    assert not front[~(table["flown"] & table["mission_completed"])].any()
    for i in np.nonzero(front.to_numpy())[0]:
        point = table.iloc[i]
        dominating = done[
            (done["final_state_of_charge"] >= point["final_state_of_charge"])
            & (done["pack_mass_kg"] <= point["pack_mass_kg"])
            & (
                (done["final_state_of_charge"] > point["final_state_of_charge"])
                | (done["pack_mass_kg"] < point["pack_mass_kg"])
            )
        ]
        assert dominating.empty
    # More charge costs mass along this table: every completed design trades, all on the front.
    assert front.sum() == len(done)
    figure = space_charts.pareto_figure(table, "final_state_of_charge", "pack_mass_kg", Language.DE)
    assert figure.data[1].name == "Pareto-Front"
    assert all(
        UNIT.search(t) for t in (figure.layout.xaxis.title.text, figure.layout.yaxis.title.text)
    )


def test_german_figures_speak_german_with_a_decimal_comma():
    """Legends, the strip's tick, the messages in the hover texts (the domain's English
    through the German catalogue), and plotly's own numbers with a decimal comma."""
    table = _table()
    table.loc[2, "message"] = "cell x: positive_electrode.porosity: Input should be greater than 0"
    table.loc[7, "message"] = "cell voltage reached the cut-off"
    german = [
        space_charts.heatmap_figure(table, X, Y, "endurance_s", Language.DE),
        space_charts.curves_figure(table[table[Y] == 0.4], X, "endurance_s", Language.DE),
        space_charts.pareto_figure(table, "final_state_of_charge", "pack_mass_kg", Language.DE),
    ]
    for figure in german:
        assert figure.layout.separators == ", "
    heatmap, curves, _ = german
    names = {t.name for t in heatmap.data}
    assert {"nicht geflogen: zu schwer", "nicht geflogen: ungültiges Design"} <= names
    assert "Mission nicht erfüllt" in names
    texts = " ".join(str(t) for trace in heatmap.data[1:] for t in trace.text)
    assert "cut-off" not in texts and "should be" not in texts
    assert "Entladeschlussspannung" in texts, texts
    assert curves.layout.yaxis2.ticktext == ("nicht geflogen",)
    english = space_charts.heatmap_figure(table, X, Y, "endurance_s", Language.EN)
    assert english.layout.separators is None  # plotly's default: a decimal point
    assert "cell voltage reached the cut-off" in " ".join(
        str(t) for trace in english.data[1:] for t in trace.text
    )


@pytest.mark.parametrize(
    "lang, texts",
    [
        (Language.EN, ["74.52", "0.5", "1e+09", "12", "28.1"]),
        (Language.DE, ["74,52", "0,5", "1e+09", "12", "28,1"]),
    ],
)
def test_values_have_the_languages_decimal_mark(lang, texts):
    shown = [space_charts.value_text(v, lang) for v in (74.5213, 0.5, 1e9, 12)]
    assert [*shown, space_charts.number_text(28.0555, lang)] == texts
