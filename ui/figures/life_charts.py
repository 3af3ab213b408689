"""Plots and exports of a life (:mod:`sortie.studies.life`): capacity, endurance and the
charge left at landing against the sortie number, one line per cell, with the sortie from which
the mission fails marked per cell and the sorties stepped over by cycle jumping told apart from
the ones solved in full; the per-sortie table for the page and as CSV, the summaries as JSON.

Pure functions: tables in, figures and text out, in the language asked for (no Streamlit).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from sortie.files import spreadsheet_safe_frame
from ui.figures.charts import FONT, colour, separators
from ui.figures.export import stamped_json
from ui.text.i18n import Language

EXPORT_FORMAT = "sortie-life/1"
# Marker symbols: a sortie solved in full, one stepped over by cycle jumping.
SOLVED_SYMBOL, JUMPED_SYMBOL = "circle", "circle-open"
FAILURE_DASH = "dash"
# Up to this many sorties every sortie gets a tick.
SORTIE_TICKS = 12
# Head room above the highest value, where the failure lines' labels sit.
HEAD_ROOM = 1.25


@dataclass(frozen=True)
class LifeLine:
    """One cell's life as the plots take it: ``table`` is a life's table (index ``sortie``,
    the columns of :data:`sortie.studies.life.LIFE_COLUMNS`; the plots read
    ``capacity_relative``, ``endurance_s``, ``landing_state_of_charge`` and ``simulated``)."""

    name: str
    table: pd.DataFrame
    first_failing_sortie: int | None


def _text(lang: Language, english: str, german: str) -> str:
    return german if lang is Language.DE else english


def _symbols(table: pd.DataFrame) -> list[str]:
    return [SOLVED_SYMBOL if solved else JUMPED_SYMBOL for solved in table["simulated"]]


def _how_flown(table: pd.DataFrame, lang: Language) -> list[str]:
    solved = _text(lang, "solved in full", "voll gerechnet")
    jumped = _text(lang, "stepped over (cycle jumping)", "übersprungen (Zyklensprung)")
    return [solved if flag else jumped for flag in table["simulated"]]


def _life_figure(
    lines: Sequence[LifeLine],
    column: str,
    scale: float,
    y_title: str,
    hover_unit: str,
    lang: Language,
) -> go.Figure:
    """``column`` x ``scale`` against the sortie, one line per cell; the markers say how each
    sortie was flown; a dashed vertical line in the cell's colour at its first failing
    sortie."""
    figure = go.Figure()
    for index, line in enumerate(lines):
        table = line.table
        figure.add_trace(
            go.Scatter(
                x=list(table.index),
                y=list(table[column] * scale),
                name=line.name,
                mode="lines+markers",
                line={"width": 3, "color": colour(index)},
                marker={"size": 8, "symbol": _symbols(table), "color": colour(index)},
                customdata=_how_flown(table, lang),
                hovertemplate=_text(lang, "sortie", "Einsatz")
                + f" %{{x}}: %{{y:.1f}} {hover_unit} (%{{customdata}})<extra>{line.name}</extra>",
            )
        )
        if line.first_failing_sortie is not None:
            figure.add_vline(
                x=line.first_failing_sortie,
                line={"color": colour(index), "dash": FAILURE_DASH, "width": 3},
                annotation_text=_text(
                    lang,
                    f"fails from {line.first_failing_sortie}",
                    f"scheitert ab {line.first_failing_sortie}",
                ),
                annotation_font={"color": colour(index), "size": 14},
                # One row of labels per cell, so two cells failing close together stay apart.
                annotation_y=1.0 - 0.08 * index,
                annotation_yanchor="top",
                annotation_position="right",
            )
    _legend_of_markers(figure, lang)
    last = max((int(line.table.index.max()) for line in lines if len(line.table)), default=1)
    # Whole sorties only: a short life would get ticks at 1.5, 2.5, ...
    figure.update_xaxes(dtick=1 if last <= SORTIE_TICKS else None, tickformat="d")
    figure.update_layout(
        height=460,
        font=FONT,
        separators=separators(lang),
        xaxis_title=_text(lang, "Sortie", "Einsatz"),
        yaxis_title=y_title,
        legend={"orientation": "h", "yanchor": "top", "y": -0.22, "x": 0},
        margin={"t": 30, "b": 40, "l": 80, "r": 20},
    )
    return figure


def _legend_of_markers(figure: go.Figure, lang: Language) -> None:
    """Two legend entries (no data) that say what the filled and open markers mean."""
    for symbol, label in (
        (SOLVED_SYMBOL, _text(lang, "solved in full", "voll gerechnet")),
        (JUMPED_SYMBOL, _text(lang, "stepped over (cycle jumping)", "übersprungen (Zyklensprung)")),
    ):
        figure.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                name=label,
                mode="markers",
                marker={"size": 10, "symbol": symbol, "color": "grey"},
                showlegend=True,
                hoverinfo="skip",
            )
        )


def capacity_figure(lines: Sequence[LifeLine], lang: Language) -> go.Figure:
    """Capacity relative to new [%] against the sortie."""
    return _life_figure(
        lines,
        "capacity_relative",
        100.0,
        _text(lang, "Capacity relative to new [%]", "Kapazität relativ zu neu [%]"),
        "%",
        lang,
    )


def endurance_figure(
    lines: Sequence[LifeLine], mission_duration_s: float | None, lang: Language
) -> go.Figure:
    """Time flown on the mission [min] against the sortie; the mission's length (what a
    completed sortie flies) as a grey dotted line."""
    figure = _life_figure(
        lines,
        "endurance_s",
        1 / 60.0,
        _text(lang, "Time flown [min]", "Geflogene Zeit [min]"),
        "min",
        lang,
    )
    flown_min = [float(line.table["endurance_s"].max()) / 60.0 for line in lines]
    if mission_duration_s is not None:
        figure.add_hline(
            y=mission_duration_s / 60.0,
            line={"color": "grey", "dash": "dot", "width": 2},
            annotation_text=_text(lang, "the mission's length", "Länge der Mission"),
            annotation_position="bottom left",
        )
        flown_min.append(mission_duration_s / 60.0)
    top_min = max(flown_min, default=1.0)
    figure.update_yaxes(range=[0.0, HEAD_ROOM * top_min if top_min > 0 else 1.0])
    return figure


def landing_figure(
    lines: Sequence[LifeLine], reserve_state_of_charge: float | None, lang: Language
) -> go.Figure:
    """Charge left at landing [% of the new capacity] against the sortie; the mission's
    reserve as a grey dotted line (below it the sortie does not count as completed)."""
    figure = _life_figure(
        lines,
        "landing_state_of_charge",
        100.0,
        _text(lang, "Charge left at landing [%]", "Restladung bei Landung [%]"),
        "%",
        lang,
    )
    if reserve_state_of_charge is not None:
        figure.add_hline(
            y=100.0 * reserve_state_of_charge,
            line={"color": "grey", "dash": "dot", "width": 2},
            annotation_text=_text(lang, "reserve", "Reserve"),
            annotation_position="bottom left",
        )
    return figure


def failure_lines(figure: go.Figure) -> list[tuple[float, str]]:
    """(sortie, colour) of each failure line drawn on ``figure``."""
    return [
        (float(shape.x0), shape.line.color)
        for shape in figure.layout.shapes
        if shape.type == "line" and shape.line.dash == FAILURE_DASH
    ]


# --- key figures and the table --------------------------------------------------------------


def endurance_loss(table: pd.DataFrame) -> float:
    """Share of the first sortie's time flown lost by the last (0: every sortie flew as long;
    a completed sortie flies the mission's whole length, so this grows only once the cell
    cannot finish it)."""
    first, last = float(table["endurance_s"].iloc[0]), float(table["endurance_s"].iloc[-1])
    return 1.0 - last / first if first > 0 else math.nan


def _columns(lang: Language) -> dict[str, tuple[str, float, int]]:
    """Table column -> (header, scale, decimals) as the page shows it."""
    percent = 100.0
    return {
        "capacity_relative": (_text(lang, "Capacity [%]", "Kapazität [%]"), percent, 2),
        "capacity_ah": (_text(lang, "Capacity [Ah]", "Kapazität [Ah]"), 1.0, 3),
        "resistance_relative": (
            _text(lang, "Resistance [% of first]", "Widerstand [% des ersten]"),
            percent,
            1,
        ),
        "lithium_inventory_loss": (
            _text(lang, "Lithium inventory lost [%]", "Lithiumverlust [%]"),
            percent,
            2,
        ),
        "negative_active_material_loss": (
            _text(lang, "Anode material lost [%]", "Anodenmaterialverlust [%]"),
            percent,
            2,
        ),
        "positive_active_material_loss": (
            _text(lang, "Cathode material lost [%]", "Kathodenmaterialverlust [%]"),
            percent,
            2,
        ),
        "sei_lithium_ah": (_text(lang, "SEI lithium [mAh]", "SEI-Lithium [mAh]"), 1000.0, 1),
        "plated_lithium_ah": (
            _text(lang, "Plated lithium [mAh]", "Plattiertes Lithium [mAh]"),
            1000.0,
            1,
        ),
        "energy_wh": (_text(lang, "Pack energy [Wh]", "Akkuenergie [Wh]"), 1.0, 1),
        "endurance_s": (_text(lang, "Time flown [min]", "Geflogene Zeit [min]"), 1 / 60.0, 1),
        "landing_state_of_charge": (
            _text(lang, "Charge at landing [%]", "Ladung bei Landung [%]"),
            percent,
            1,
        ),
        "peak_temperature_c": (
            _text(lang, "Peak temperature [°C]", "Max. Temperatur [°C]"),
            1.0,
            1,
        ),
        "calendar_capacity_loss_relative": (
            _text(lang, "Lost in storage [%]", "Lagerverlust [%]"),
            percent,
            2,
        ),
    }


def display_table(table: pd.DataFrame, lang: Language) -> tuple[pd.DataFrame, dict[str, int]]:
    """A life's table as the page shows it: headers in ``lang``, fractions in per cent, the
    flags as words; and the decimals of each number column (by header)."""
    columns = _columns(lang)
    shown = pd.DataFrame(index=pd.Index(table.index, name=_text(lang, "Sortie", "Einsatz")))
    for column, (header, scale, _) in columns.items():
        if column in table.columns:
            shown[header] = table[column].astype(float) * scale
    yes, no = _text(lang, "yes", "ja"), _text(lang, "no", "nein")
    shown[_text(lang, "Completed", "Erfüllt")] = [yes if f else no for f in table["completed"]]
    shown[_text(lang, "Solved in full", "Voll gerechnet")] = [
        yes if f else no for f in table["simulated"]
    ]
    if "stored_before" in table.columns:
        shown[_text(lang, "Storage before", "Lagerung davor")] = [
            yes if f else "" for f in table["stored_before"]
        ]
    decimals = {header: places for header, _, places in columns.values()}
    return shown.reset_index(), decimals


def life_csv(lines: Sequence[LifeLine]) -> str:
    """Every cell's table in one (long format: a ``cell`` column first), the domain's column
    names with their units."""
    frames = [line.table.reset_index().assign(cell=line.name) for line in lines]
    if not frames:
        return "cell,sortie\n"
    table = pd.concat(frames, ignore_index=True)
    table = table[["cell", *[c for c in table.columns if c != "cell"]]]
    # Cell names are a user's text: never a formula in a spreadsheet.
    return spreadsheet_safe_frame(table).to_csv(index=False, float_format="%.6g")


def life_json(
    summaries: Sequence[tuple[str, dict[str, Any]]], inputs: dict[str, Any]
) -> str:
    """The inputs of the run (as the page spells them) and each cell's summary
    (``LifeSummary.to_dict()``, or ``{"error": ...}`` for a cell with no life)."""
    return stamped_json(
        EXPORT_FORMAT,
        inputs=inputs,
        results=[{"cell": name, **summary} for name, summary in summaries],
    )
