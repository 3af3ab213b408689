"""Plotly figures. Pure functions: data in, figure out, in the language asked for.

Sized for a projector: 16 px type and up, thick lines, a unit on every axis. Each cell keeps
one colour in every figure (its position in the comparison).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from sortie.models.mission import Mission
from ui.text import messages_de
from ui.text.i18n import Language

COLOURS = qualitative.D3
FONT = {"size": 16}
# Shading every segment of a binned flight log would be noise.
MAX_SHADED_PHASES = 40
# Phases shorter than this share of the flight are shaded but not named (labels would overlap).
MIN_LABELLED_SHARE = 0.08


def colour(index: int) -> str:
    return COLOURS[index % len(COLOURS)]


def _text(lang: Language, english: str, german: str) -> str:
    return german if lang is Language.DE else english


def separators(lang: Language) -> str:
    """Plotly's decimal and thousands separators (ticks, hover texts): "2,5" and "1 200" in
    German, as :func:`ui.text.i18n.number` writes numbers."""
    return ", " if lang is Language.DE else ".,"


def _number(lang: Language, value: float, spec: str = "g") -> str:
    """``value`` formatted by ``spec`` (no thousands), with a decimal comma in German."""
    text = format(value, spec)
    return text.replace(".", ",") if lang is Language.DE else text


def _segment(lang: Language, name: str) -> str:
    """A segment's English name (a time series' ``segment``) in ``lang``."""
    return messages_de.segment_name_de(name) if lang is Language.DE else name


def _phase_spans(segments: pd.Series, time_min: np.ndarray) -> list[tuple[float, float, str]]:
    """(start, end, phase) of each run of equal phase labels."""
    labels = segments.to_numpy()
    if len(labels) == 0:
        return []
    changes = np.nonzero(labels[1:] != labels[:-1])[0] + 1
    starts = np.concatenate([[0], changes])
    ends = np.concatenate([changes, [len(labels) - 1]])
    return [(time_min[s], time_min[e], str(labels[s])) for s, e in zip(starts, ends, strict=True)]


def shade_phases(figure: go.Figure, spans: Sequence[tuple[float, float, str]], rows: int) -> None:
    """Alternate grey bands, one per phase, named on the top panel."""
    if len(spans) > MAX_SHADED_PHASES or not spans:
        return
    total = max(spans[-1][1] - spans[0][0], 1e-9)
    for number, (start, end, name) in enumerate(spans):
        if number % 2 == 0:
            for row in range(1, rows + 1):
                figure.add_vrect(
                    x0=start, x1=end, fillcolor="grey", opacity=0.08, line_width=0, row=row, col=1
                )
        if (end - start) / total < MIN_LABELLED_SHARE:
            continue  # too narrow for its name; hovering still tells the phase
        figure.add_annotation(
            x=(start + end) / 2,
            y=1.0,
            yref="y domain",
            text=name,
            showarrow=False,
            yanchor="bottom",
            font={"size": 12, "color": "dimgrey"},
            row=1,
            col=1,
        )


def profile_figure(mission: Mission, lang: Language) -> go.Figure:
    """The pack power the mission asks for, as steps, phases named."""
    starts = np.asarray(mission.start_times_s) / 60.0
    ends = starts + np.array([s.duration_s for s in mission.segments]) / 60.0
    powers = np.array([s.power_w for s in mission.segments])
    x = np.column_stack([starts, ends]).ravel()
    y = np.repeat(powers, 2)
    figure = make_subplots(rows=1, cols=1)
    figure.add_trace(
        go.Scatter(x=x, y=y, mode="lines", line={"width": 3, "color": colour(0)}, fill="tozeroy")
    )
    names = pd.Series(
        [
            (s.name_de or _segment(lang, s.name)) if lang is Language.DE else s.name
            for s in mission.segments
        ]
    )
    spans = [(starts[i], ends[i], names[i]) for i in range(len(names))]
    merged: list[tuple[float, float, str]] = []
    for start, end, name in spans:
        if merged and merged[-1][2] == name:
            merged[-1] = (merged[-1][0], end, name)
        else:
            merged.append((start, end, name))
    shade_phases(figure, merged, rows=1)
    figure.update_layout(
        height=300,
        showlegend=False,
        font=FONT,
        separators=separators(lang),
        margin={"t": 40, "b": 40, "l": 60, "r": 20},
        xaxis_title=_text(lang, "Time [min]", "Zeit [min]"),
        yaxis_title=_text(lang, "Pack power [W]", "Akkuleistung [W]"),
    )
    return figure


def _panels(lang: Language) -> tuple[tuple[str, str, float], ...]:
    """(column, axis title, scale) of the comparison's stacked panels."""
    return (
        ("pack_power_w", _text(lang, "Pack power [W]", "Akkuleistung [W]"), 1.0),
        ("cell_voltage_v", _text(lang, "Cell voltage [V]", "Zellspannung [V]"), 1.0),
        ("cell_current_a", _text(lang, "Cell current [A]", "Zellstrom [A]"), 1.0),
        (
            "hottest_cell_temperature_c",
            _text(lang, "Hottest / coldest cell [°C]", "Heißeste / kälteste Zelle [°C]"),
            1.0,
        ),
        ("state_of_charge", _text(lang, "State of charge [%]", "Ladezustand [%]"), 100.0),
    )


def comparison_figure(
    series: Sequence[tuple[str, pd.DataFrame]],
    max_temperature_c: float,
    lang: Language,
    reserve_state_of_charge: float = 0.0,
) -> go.Figure:
    """Stacked panels against time, one line per cell (in comparison order), the temperature
    limit and the landing reserve drawn, the first cell's phases shaded."""
    panels = _panels(lang)
    figure = make_subplots(rows=len(panels), cols=1, shared_xaxes=True, vertical_spacing=0.035)
    for index, (name, frame) in enumerate(series):
        minutes = frame.index.to_numpy() / 60.0
        for row, (column, _, scale) in enumerate(panels, start=1):
            figure.add_trace(
                go.Scatter(
                    x=minutes,
                    y=frame[column] * scale,
                    name=name,
                    legendgroup=name,
                    showlegend=row == 1,
                    mode="lines",
                    line={"width": 3, "color": colour(index)},
                ),
                row=row,
                col=1,
            )
        if "coldest_cell_temperature_c" in frame:
            # The pack's spread: the coldest cell dotted under the hottest.
            figure.add_trace(
                go.Scatter(
                    x=minutes,
                    y=frame["coldest_cell_temperature_c"],
                    name=f"{name} ({_text(lang, 'coldest cell', 'kälteste Zelle')})",
                    legendgroup=name,
                    showlegend=False,
                    mode="lines",
                    line={"width": 2, "color": colour(index), "dash": "dot"},
                ),
                row=4,
                col=1,
            )
    for row, (_, title, _) in enumerate(panels, start=1):
        figure.update_yaxes(title_text=title, row=row, col=1, title_font={"size": 14})
    limit = _text(lang, "limit", "Grenze")
    figure.add_hline(
        y=max_temperature_c,
        line_dash="dash",
        line_color="crimson",
        line_width=2,
        row=4,
        col=1,
        annotation_text=f"{limit} {_number(lang, max_temperature_c)} °C",
    )
    if reserve_state_of_charge > 0:
        figure.add_hline(
            y=100 * reserve_state_of_charge,
            line_dash="dash",
            line_color="darkorange",
            line_width=2,
            row=5,
            col=1,
            annotation_text=_text(lang, "reserve", "Reserve"),
        )
    if series:
        frame = series[0][1]
        labels = frame["segment"].map(lambda name: _segment(lang, str(name)))
        shade_phases(figure, _phase_spans(labels, frame.index.to_numpy() / 60), 5)
    figure.update_xaxes(title_text=_text(lang, "Time [min]", "Zeit [min]"), row=5, col=1)
    figure.update_layout(
        height=1100,
        font=FONT,
        separators=separators(lang),
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.03, "x": 0},
        margin={"t": 80, "b": 50, "l": 70, "r": 20},
        hovermode="x unified",
    )
    return figure


# Mantissas of clean log-axis ticks, coarse to fine: the first set that puts at least
# MIN_LOG_TICKS ticks inside the data is used (a Ragone plot often spans less than a decade).
LOG_TICK_MANTISSAS = (
    (1.0, 2.0, 5.0),
    (1.0, 1.5, 2.0, 3.0, 5.0, 7.0),
    (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0),
)
MIN_LOG_TICKS = 3


def log_ticks(values: Sequence[float]) -> tuple[list[float], list[str]]:
    """Tick values and their full labels (``200``, ``1500``: never plotly's small "2 5"
    digits between decades) for a log axis over the positive ``values``; a decade past them
    either side, so that the axis' padding has ticks too."""
    positive = np.asarray([v for v in values if np.isfinite(v) and v > 0], dtype=float)
    if positive.size == 0:
        return [], []
    low, high = float(positive.min()), float(positive.max())
    decades = range(int(np.floor(np.log10(low))) - 1, int(np.floor(np.log10(high))) + 2)
    for mantissas in LOG_TICK_MANTISSAS:
        ticks = sorted({float(f"{m * 10.0**d:.6g}") for d in decades for m in mantissas})
        if sum(low <= t <= high for t in ticks) >= MIN_LOG_TICKS:
            break
    else:
        # Data within a few per cent: its ends, rounded to two figures, are the ticks.
        ticks = sorted({*ticks, float(f"{low:.2g}"), float(f"{high:.2g}")})
    return ticks, [f"{t:g}" if t < 1e6 else f"{t:.0e}" for t in ticks]


def _log_axis(values: Sequence[float], lang: Language = Language.EN) -> dict:
    tickvals, ticktext = log_ticks(values)
    if lang is Language.DE:
        ticktext = [text.replace(".", ",") for text in ticktext]
    return {"type": "log", "tickmode": "array", "tickvals": tickvals, "ticktext": ticktext}


def ragone_figure(
    points: pd.DataFrame, demand: Sequence[dict | None], names: Sequence[str], lang: Language
) -> go.Figure:
    """Specific power against specific energy (log-log), one curve per cell; each cell's
    mission demand as a cross at (energy needed, mean power) with a bar up to the peak (None:
    the cell cannot fly the mission, no cross)."""
    figure = go.Figure()
    for index, name in enumerate(names):
        rows = points[points["cell_index"] == index].sort_values("specific_power_w_per_kg")
        figure.add_trace(
            go.Scatter(
                x=rows["specific_energy_wh_per_kg"],
                y=rows["specific_power_w_per_kg"],
                name=name,
                mode="lines+markers",
                line={"width": 3, "color": colour(index)},
                marker={"size": 10},
                customdata=rows["c_rate"],
                hovertemplate="%{customdata:g}C: %{x:.0f} Wh/kg "
                + _text(lang, "at", "bei")
                + " %{y:.0f} W/kg",
            )
        )
    shown = [(index, need) for index, need in enumerate(demand) if need is not None]
    for index, need in shown:
        figure.add_trace(
            go.Scatter(
                x=[need["energy_wh_per_kg"], need["energy_wh_per_kg"]],
                y=[need["mean_w_per_kg"], need["peak_w_per_kg"]],
                name=_text(
                    lang, "mission demand (mean to peak)", "Missionsbedarf (Mittel bis Spitze)"
                ),
                mode="lines+markers",
                marker={"symbol": ["x", "triangle-up"], "size": 14, "color": colour(index)},
                line={"dash": "dot", "width": 2, "color": colour(index)},
                showlegend=index == shown[0][0],
                hovertemplate="%{x:.0f} Wh/kg, %{y:.0f} W/kg",
            )
        )
    drawn = figure.data
    figure.update_layout(
        height=560,
        font=FONT,
        separators=separators(lang),
        xaxis={
            **_log_axis([float(x) for trace in drawn for x in trace.x], lang),
            "title": _text(
                lang, "Specific energy [Wh/kg of cell]", "Spezifische Energie [Wh/kg Zelle]"
            ),
        },
        yaxis={
            **_log_axis([float(y) for trace in drawn for y in trace.y], lang),
            "title": _text(
                lang, "Specific power [W/kg of cell]", "Spezifische Leistung [W/kg Zelle]"
            ),
        },
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
        margin={"t": 30, "b": 40, "l": 80, "r": 20},
    )
    return figure


def ambient_figure(
    rows: pd.DataFrame, names: Sequence[str], measure: str, lang: Language
) -> go.Figure:
    """Endurance [min] against ambient [°C], one line per cell; points where the cells could
    not start are left out (gaps)."""
    figure = go.Figure()
    for index, name in enumerate(names):
        cell_rows = rows[rows["cell_index"] == index].sort_values("ambient_c")
        figure.add_trace(
            go.Scatter(
                x=cell_rows["ambient_c"],
                y=cell_rows["endurance_s"] / 60.0,
                name=name,
                mode="lines+markers",
                line={"width": 3, "color": colour(index)},
                marker={"size": 10},
                # Why each point ended (a domain reason or message, in English).
                customdata=[
                    messages_de.german(str(why)) if lang is Language.DE else why
                    for why in cell_rows["limited_by"]
                ],
                hovertemplate="%{x:g} °C: %{y:.1f} min (%{customdata})",
            )
        )
    title = (
        _text(lang, "Endurance on station [min]", "Ausdauer auf Station [min]")
        if measure == "station"
        else _text(lang, "Time flown [min]", "Geflogene Zeit [min]")
    )
    figure.update_layout(
        height=480,
        font=FONT,
        separators=separators(lang),
        xaxis_title=_text(lang, "Ambient temperature [°C]", "Umgebungstemperatur [°C]"),
        yaxis_title=title,
        yaxis_rangemode="tozero",
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
        margin={"t": 30, "b": 40, "l": 80, "r": 20},
    )
    return figure


# The mass budget's component names (sortie.cells.budget) in German.
_COMPONENTS_DE = {
    "positive active material": "Kathodenaktivmaterial",
    "negative active material": "Anodenaktivmaterial",
    "binder and carbon": "Binder und Leitruß",
    "electrolyte": "Elektrolyt",
    "separator": "Separator",
    "positive foil": "Kathodenfolie (Al)",
    "negative foil": "Anodenfolie (Cu)",
    "casing": "Gehäuse",
}


def breakdown_figure(component_mass_g: dict[str, float], lang: Language) -> go.Figure:
    """Mass budget of one cell, component by component."""
    names = list(component_mass_g)
    figure = go.Figure(
        go.Bar(
            x=[component_mass_g[n] for n in names],
            y=[_COMPONENTS_DE.get(n, n) if lang is Language.DE else n for n in names],
            orientation="h",
            text=[f"{_number(lang, component_mass_g[n], '.1f')} g" for n in names],
            textposition="auto",
        )
    )
    figure.update_layout(
        height=380,
        font=FONT,
        separators=separators(lang),
        xaxis_title=_text(lang, "Mass [g]", "Masse [g]"),
        margin={"t": 20, "b": 40},
        yaxis={"autorange": "reversed"},
    )
    return figure


def pack_field_figure(field_c: np.ndarray, name: str, lang: Language) -> go.Figure:
    """The pack's cells on their grid at the moment the hottest cell peaked (°C)."""
    rows, columns = field_c.shape
    figure = go.Figure(
        go.Heatmap(
            z=field_c,
            x=[str(c) for c in range(1, columns + 1)],
            y=[str(r) for r in range(1, rows + 1)],
            colorscale="Inferno",
            colorbar={"title": {"text": "°C"}},
            hovertemplate=_text(lang, "row %{y}, column %{x}", "Reihe %{y}, Spalte %{x}")
            + ": %{z:.1f} °C<extra></extra>",
            text=[
                [_number(lang, value, ".1f") if np.isfinite(value) else "" for value in row]
                for row in field_c
            ],
            texttemplate="%{text}",
        )
    )
    figure.update_layout(
        title={"text": name, "font": {"size": 14}},
        xaxis_title=_text(lang, "Column [-]", "Spalte [-]"),
        yaxis_title=_text(lang, "Row [-]", "Reihe [-]"),
        yaxis={"autorange": "reversed"},
        height=260,
        margin={"t": 40, "b": 40, "l": 50, "r": 10},
        font=FONT,
        separators=separators(lang),
    )
    return figure
