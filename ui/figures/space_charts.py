"""Plots of a design space: a heatmap over two fields, curves over one, a Pareto plot of two
figures; designs that could not fly (or did not complete the mission) are marked, never
dropped, and never drawn as if they had a value (a design that did not fly has no endurance,
not an endurance of 0). Fields and figures are named by their labels (both languages), in
axes, hover texts and design descriptions; in German with German labels, legends and
messages and a decimal comma (in texts and in plotly's own number formatting). Pure functions
of a sweep table (``sortie.studies.design_rows``); no Streamlit."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sortie import quantities
from sortie.quantities import Figure, InputField
from sortie.studies.pareto import pareto_mask
from ui.text.i18n import Language
from ui.text.messages_de import FIELD_LABELS_DE, field_label_de, german, german_number

# The registry's fields and figures (labels, units, ranges, directions), as the pages name them.
FIELDS: dict[str, InputField] = quantities.FIELDS
FIGURES: dict[str, Figure] = quantities.FIGURES


# Why a design did not fly (``sortie.studies.design_rows.NOT_FLOWN_REASONS``), as shown.
REASONS: dict[str, tuple[str, str]] = {
    "too heavy": ("too heavy", "zu schwer"),
    "infeasible power": (
        "more power than the cells give",
        "mehr Leistung als die Zellen liefern",
    ),
    "invalid": ("invalid design", "ungültiges Design"),
}

_MARKS = {
    "too heavy": ("x", "#d62728"),
    "infeasible power": ("x-thin-open", "#d62728"),
    "invalid": ("cross", "#7f7f7f"),
}
_NOT_COMPLETED = ("circle-open", "#ff7f0e")


# Unit suffixes of change keys (``format.height_mm``) as shown in a label.
_UNIT_SUFFIXES = {
    "_um": "µm",
    "_mm": "mm",
    "_m": "m",
    "_kg": "kg",
    "_g": "g",
    "_s": "s",
    "_w": "W",
    "_c": "°C",
    "_m_per_s": "m/s",
    "_count": "-",
}


# What a change key's first part names, in German (``cell.format.height_mm``).
_OWNERS_DE = {"cell": "Zelle", "pack": "Akku", "drone": "Drohne", "settings": "Einstellungen"}


def field_label(field: str, lang: Language) -> str:
    """A field's label; a field without a prepared label (a sweep file may vary any field)
    is its key in words with its unit (``cell.format.height_mm`` -> ``cell format height
    [mm]``; in German ``Zelle › Format › Höhe [mm]`` where the field's own name has a German
    label, else the English words)."""
    known = FIELDS.get(field)
    if known is not None:
        return known.label(lang)
    owner, _, rest = field.partition(".")
    if lang is Language.DE and rest and rest.rsplit(".", 1)[-1] in FIELD_LABELS_DE:
        return f"{_OWNERS_DE.get(owner, owner)} › {field_label_de(rest)}"
    words = field.replace(".", " ").strip()
    for suffix in sorted(_UNIT_SUFFIXES, key=len, reverse=True):
        if words.endswith(suffix) and len(words) > len(suffix):
            unit = _UNIT_SUFFIXES[suffix]
            return f"{words.removesuffix(suffix).replace('_', ' ')} [{unit}]"
    return words.replace("_", " ")


def figure_label(figure: str, lang: Language) -> str:
    return FIGURES[figure].label(lang)


def reason_label(reason: str, lang: Language) -> str:
    """Why a design did not fly, in words (an unknown reason as it is)."""
    en, de = REASONS.get(reason, (reason, reason))
    return de if lang is Language.DE else en


def value_text(value: object, lang: Language = Language.EN) -> str:
    """A design's value of a field, short (``74.52``, ``12``, ``lg-m50-21700``; ``74,52`` in
    German)."""
    if isinstance(value, float | np.floating):
        return number_text(float(value), lang, 4)
    return str(value)


def number_text(value: float, lang: Language, digits: int = 3) -> str:
    """``value`` to ``digits`` significant digits (``28.1``; ``28,1`` in German)."""
    text = f"{value:.{digits}g}"
    return german_number(text) if lang is Language.DE else text


def message_text(text: str, lang: Language) -> str:
    """A domain message (why a design did not fly, how a flight ended) in ``lang``."""
    return german(text) if lang is Language.DE else text


def _messages(messages: pd.Series, lang: Language) -> list[str]:
    return [message_text(str(m), lang) for m in messages]


def _localized(figure: go.Figure, lang: Language) -> go.Figure:
    """Plotly's own number formatting (ticks, hover values) with a decimal comma and a space
    between thousands in German."""
    if lang is Language.DE:
        figure.update_layout(separators=", ")
    return figure


def design_text(row: pd.Series, fields: list[str], figure: str, lang: Language) -> str:
    """One design in words: its number, each field by its label with its value, and the
    figure (or why it did not fly)."""
    values = ", ".join(f"{field_label(f, lang)} = {value_text(row[f], lang)}" for f in fields)
    if not row["flown"]:
        reason = reason_label(str(row["not_flown_reason"]), lang)
        outcome = ("not flown: " if lang is Language.EN else "nicht geflogen: ") + reason
    else:
        shown = float(row[figure]) * FIGURES[figure].scale
        outcome = "–" if math.isnan(shown) else number_text(shown, lang)
    return f"#{int(row['design'])}: {values} → {outcome}"


def _shown(table: pd.DataFrame, figure: str) -> pd.Series:
    return table[figure] * FIGURES[figure].scale


def _not_flown_marks(
    table: pd.DataFrame, x: str, y: str | None, lang: Language, hover: str
) -> list[go.Scatter]:
    """Markers for the designs that did not fly, one trace per reason, at their field values
    (``y`` None: at 0 of a strip axis of their own, see :func:`curves_figure`)."""
    traces = []
    for reason, (symbol, colour) in _MARKS.items():
        rows = table[~table["flown"] & (table["not_flown_reason"] == reason)]
        if rows.empty:
            continue
        prefix = "not flown: " if lang is Language.EN else "nicht geflogen: "
        traces.append(
            go.Scatter(
                x=rows[x],
                y=rows[y] if y else np.zeros(len(rows)),
                yaxis="y" if y else "y2",
                mode="markers",
                marker={"symbol": symbol, "color": colour, "size": 10},
                name=prefix + reason_label(reason, lang),
                customdata=rows["design"],
                text=_messages(rows["message"], lang),
                hovertemplate=hover + "<br>%{text}<extra>#%{customdata}</extra>",
            )
        )
    return traces


def _incomplete_marks(
    table: pd.DataFrame, x: str, y: pd.Series, lang: Language, hover: str
) -> list[go.Scatter]:
    """Rings around the flights that did not complete the mission, at their values ``y``
    (by row of ``table``)."""
    incomplete = table[table["flown"] & ~table["mission_completed"]]
    if incomplete.empty:
        return []
    symbol, colour = _NOT_COMPLETED
    return [
        go.Scatter(
            x=incomplete[x],
            y=y[incomplete.index],
            mode="markers",
            marker={"symbol": symbol, "color": colour, "size": 14, "line": {"width": 2}},
            name="mission not completed" if lang is Language.EN else "Mission nicht erfüllt",
            customdata=incomplete["design"],
            text=_messages(incomplete["message"], lang),
            hovertemplate=hover + "<br>%{text}<extra>#%{customdata}</extra>",
        )
    ]


def _is_grid(table: pd.DataFrame, x: str, y: str) -> bool:
    return table[x].nunique() * table[y].nunique() == len(table.drop_duplicates([x, y]))


def heatmap_figure(table: pd.DataFrame, x: str, y: str, figure: str, lang: Language) -> go.Figure:
    """``figure`` over two fields: a heatmap for a grid, coloured points for samples."""
    flown = table[table["flown"]]
    title = figure_label(figure, lang)
    x_label, y_label = field_label(x, lang), field_label(y, lang)
    where = f"{x_label}: %{{x}}<br>{y_label}: %{{y}}"
    result = go.Figure()
    if _is_grid(table, x, y):
        grid = flown.assign(value=_shown(flown, figure)).pivot_table(
            index=y, columns=x, values="value", aggfunc="first"
        )
        grid = grid.reindex(index=sorted(table[y].unique()), columns=sorted(table[x].unique()))
        result.add_trace(
            go.Heatmap(
                x=grid.columns,
                y=grid.index,
                z=grid.to_numpy(),
                colorscale="Viridis",
                colorbar={"title": {"text": title}},
                hovertemplate=f"{where}<br>{title}: %{{z:.3g}}<extra></extra>",
                name=title,
            )
        )
    else:
        result.add_trace(
            go.Scatter(
                x=flown[x],
                y=flown[y],
                mode="markers",
                marker={
                    "color": _shown(flown, figure),
                    "colorscale": "Viridis",
                    "size": 9,
                    "colorbar": {"title": {"text": title}},
                },
                customdata=flown["design"],
                hovertemplate=(
                    f"{where}<br>{title}: %{{marker.color:.3g}}<extra>#%{{customdata}}</extra>"
                ),
                name=title,
            )
        )
    for trace in _not_flown_marks(table, x, y, lang, where):
        result.add_trace(trace)
    for trace in _incomplete_marks(table, x, table[y], lang, where):
        result.add_trace(trace)
    result.update_layout(
        xaxis_title=x_label,
        yaxis_title=y_label,
        legend={"orientation": "h", "y": -0.2},
        margin={"t": 30},
    )
    return _localized(result, lang)


# The strip under the curves where the designs that did not fly are marked: an axis of its
# own, so that a design without a value is never drawn at a value (0 min, the lowest curve).
_STRIP_DOMAIN = (0.0, 0.1)
_CURVES_DOMAIN = (0.18, 1.0)


def curves_figure(table: pd.DataFrame, x: str, figure: str, lang: Language) -> go.Figure:
    """``figure`` against one field; the designs that could not fly are marked in a strip
    of their own under the curve, labelled as such."""
    flown = table[table["flown"]].sort_values(x)
    title = figure_label(figure, lang)
    x_label = field_label(x, lang)
    result = go.Figure(
        go.Scatter(
            x=flown[x],
            y=_shown(flown, figure),
            mode="lines+markers",
            customdata=flown["design"],
            hovertemplate=(
                f"{x_label}: %{{x}}<br>{title}: %{{y:.3g}}<extra>#%{{customdata}}</extra>"
            ),
            name=title,
        )
    )
    for trace in _incomplete_marks(table, x, _shown(table, figure), lang, f"{x_label}: %{{x}}"):
        result.add_trace(trace)
    strip = _not_flown_marks(table, x, None, lang, f"{x_label}: %{{x}}")
    for trace in strip:
        result.add_trace(trace)
    layout: dict = {
        "xaxis_title": x_label,
        "yaxis_title": title,
        "legend": {"orientation": "h", "y": -0.2},
        "margin": {"t": 30},
    }
    if strip:
        layout["yaxis"] = {"domain": _CURVES_DOMAIN, "title": {"text": title}}
        # The field's axis under the strip, so that its ticks and title close the figure.
        layout["xaxis"] = {"anchor": "y2", "title": {"text": x_label}}
        del layout["xaxis_title"]
        layout["yaxis2"] = {
            "domain": _STRIP_DOMAIN,
            "anchor": "x",
            "range": [-1, 1],
            "tickvals": [0],
            "ticktext": ["not flown" if lang is Language.EN else "nicht geflogen"],
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
        }
        del layout["yaxis_title"]
    result.update_layout(**layout)
    return _localized(result, lang)


def pareto_front(table: pd.DataFrame, x: str, y: str) -> pd.Series:
    """Completed designs on the front of ``x`` and ``y``, each in its better direction."""
    values = table[[x, y]].to_numpy(dtype=float, copy=True)
    values[~(table["flown"] & table["mission_completed"]).to_numpy()] = np.nan
    front = pareto_mask(values, [FIGURES[x].more_is_better, FIGURES[y].more_is_better])
    return pd.Series(front, index=table.index)


def pareto_figure(table: pd.DataFrame, x: str, y: str, lang: Language) -> go.Figure:
    """Every completed design in two figures, the Pareto front drawn through."""
    done = table[table["flown"] & table["mission_completed"]]
    front = done[pareto_front(table, x, y)[done.index]].sort_values(x)
    hover = (
        f"{figure_label(x, lang)}: %{{x:.3g}}<br>{figure_label(y, lang)}: %{{y:.3g}}"
        "<extra>#%{customdata}</extra>"
    )
    all_label = "designs" if lang is Language.EN else "Designs"
    front_label = "Pareto front" if lang is Language.EN else "Pareto-Front"
    result = go.Figure(
        [
            go.Scatter(
                x=_shown(done, x),
                y=_shown(done, y),
                mode="markers",
                marker={"color": "#9ecae1", "size": 8},
                customdata=done["design"],
                hovertemplate=hover,
                name=all_label,
            ),
            go.Scatter(
                x=_shown(front, x),
                y=_shown(front, y),
                mode="lines+markers",
                marker={"color": "#08519c", "size": 10},
                customdata=front["design"],
                hovertemplate=hover,
                name=front_label,
            ),
        ]
    )
    result.update_layout(
        xaxis_title=FIGURES[x].label(lang),
        yaxis_title=FIGURES[y].label(lang),
        legend={"orientation": "h", "y": -0.2},
        margin={"t": 30},
    )
    return _localized(result, lang)
