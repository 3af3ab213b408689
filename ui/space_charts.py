"""Plots of a design space: a heatmap over two fields, curves over one, a Pareto plot of two
figures; designs that could not fly (or did not complete the mission) are marked, never
dropped. Pure functions of a sweep table (``sortie.studies.design_rows``); no Streamlit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sortie.studies.pareto import pareto_mask
from ui.i18n import Language


@dataclass(frozen=True)
class Quantity:
    """A figure or field as shown: labels with the unit, and the factor from the table's
    unit to the shown one (seconds shown as minutes, fractions as %)."""

    en: str
    de: str
    scale: float = 1.0
    # True when more is better (the Pareto front's direction by default).
    more_is_better: bool = True

    def label(self, lang: Language) -> str:
        return self.de if lang is Language.DE else self.en


FIGURES: dict[str, Quantity] = {
    "endurance_s": Quantity("Endurance [min]", "Flugzeit [min]", 1 / 60),
    "final_state_of_charge": Quantity(
        "Charge left at landing [%]", "Restladung bei Landung [%]", 100.0
    ),
    "mission_gravimetric_energy_density_wh_per_kg": Quantity(
        "Wh/kg on the mission [Wh/kg]", "Wh/kg auf der Mission [Wh/kg]"
    ),
    "mission_volumetric_energy_density_wh_per_l": Quantity(
        "Wh/L on the mission [Wh/L]", "Wh/L auf der Mission [Wh/L]"
    ),
    "gravimetric_energy_density_wh_per_kg": Quantity(
        "Rated cell energy density [Wh/kg]", "Nenn-Energiedichte der Zelle [Wh/kg]"
    ),
    "max_cell_temperature_c": Quantity(
        "Peak cell temperature [°C]", "Max. Zelltemperatur [°C]", more_is_better=False
    ),
    "min_cell_voltage_v": Quantity("Minimum cell voltage [V]", "Min. Zellspannung [V]"),
    "pack_mass_kg": Quantity("Pack mass [kg]", "Akkumasse [kg]", more_is_better=False),
    "take_off_mass_kg": Quantity("Take-off mass [kg]", "Abflugmasse [kg]", more_is_better=False),
    "capacity_ah": Quantity("Cell capacity [Ah]", "Zellkapazität [Ah]"),
}

FIELDS: dict[str, Quantity] = {
    "cell.positive_electrode_thickness_um": Quantity(
        "Positive coating [µm]", "Kathodenschicht [µm]"
    ),
    "cell.negative_electrode_thickness_um": Quantity("Negative coating [µm]", "Anodenschicht [µm]"),
    "cell.positive_electrode_porosity": Quantity("Positive porosity [-]", "Porosität Kathode [-]"),
    "cell.negative_electrode_porosity": Quantity("Negative porosity [-]", "Porosität Anode [-]"),
    "cell.positive_particle_radius_um": Quantity(
        "Positive particle radius [µm]", "Partikelradius Kathode [µm]"
    ),
    "cell.negative_particle_radius_um": Quantity(
        "Negative particle radius [µm]", "Partikelradius Anode [µm]"
    ),
    "cell.separator_thickness_um": Quantity("Separator [µm]", "Separator [µm]"),
    "pack.parallel_count": Quantity("Cells in parallel [-]", "Zellen parallel [-]"),
    "pack.series_count": Quantity("Cells in series [-]", "Zellen in Reihe [-]"),
    "drone.payload_kg": Quantity("Payload [kg]", "Nutzlast [kg]"),
    "settings.ambient_c": Quantity("Ambient [°C]", "Umgebung [°C]"),
}

_MARKS = {
    "too heavy": ("x", "#d62728"),
    "infeasible power": ("x-thin-open", "#d62728"),
    "invalid": ("cross", "#7f7f7f"),
}
_NOT_COMPLETED = ("circle-open", "#ff7f0e")


def field_label(field: str, lang: Language) -> str:
    """A field's label; fields without a prepared label show their key."""
    known = FIELDS.get(field)
    return known.label(lang) if known else field


def _shown(table: pd.DataFrame, figure: str) -> pd.Series:
    return table[figure] * FIGURES[figure].scale


def _marks(table: pd.DataFrame, x: str, y: str | None, lang: Language) -> list[go.Scatter]:
    """Markers for what did not fly, by reason, and for flights that did not complete."""
    traces = []
    names = {
        "too heavy": ("not flown: too heavy", "nicht geflogen: zu schwer"),
        "infeasible power": (
            "not flown: more power than the cells give",
            "nicht geflogen: mehr Leistung als die Zellen liefern",
        ),
        "invalid": ("not flown: invalid design", "nicht geflogen: ungültiges Design"),
    }
    for reason, (symbol, colour) in _MARKS.items():
        rows = table[~table["flown"] & (table["not_flown_reason"] == reason)]
        if rows.empty:
            continue
        en, de = names[reason]
        traces.append(
            go.Scatter(
                x=rows[x],
                y=rows[y] if y else np.zeros(len(rows)),
                mode="markers",
                marker={"symbol": symbol, "color": colour, "size": 10},
                name=de if lang is Language.DE else en,
                customdata=rows["design"],
                text=rows["message"],
                hovertemplate="%{text}<extra>#%{customdata}</extra>",
            )
        )
    incomplete = table[table["flown"] & ~table["mission_completed"]]
    if not incomplete.empty:
        symbol, colour = _NOT_COMPLETED
        traces.append(
            go.Scatter(
                x=incomplete[x],
                y=incomplete[y] if y else np.zeros(len(incomplete)),
                mode="markers",
                marker={"symbol": symbol, "color": colour, "size": 12, "line": {"width": 2}},
                name="mission not completed" if lang is Language.EN else "Mission nicht erfüllt",
                customdata=incomplete["design"],
                text=incomplete["message"],
                hovertemplate="%{text}<extra>#%{customdata}</extra>",
            )
        )
    return traces


def _is_grid(table: pd.DataFrame, x: str, y: str) -> bool:
    return table[x].nunique() * table[y].nunique() == len(table.drop_duplicates([x, y]))


def heatmap_figure(table: pd.DataFrame, x: str, y: str, figure: str, lang: Language) -> go.Figure:
    """``figure`` over two fields: a heatmap for a grid, coloured points for samples."""
    flown = table[table["flown"]]
    title = FIGURES[figure].label(lang)
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
                hovertemplate="%{x}, %{y}: %{z:.3g}<extra></extra>",
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
                hovertemplate="%{x}, %{y}: %{marker.color:.3g}<extra>#%{customdata}</extra>",
                name=title,
            )
        )
    for trace in _marks(table, x, y, lang):
        result.add_trace(trace)
    result.update_layout(
        xaxis_title=field_label(x, lang),
        yaxis_title=field_label(y, lang),
        legend={"orientation": "h", "y": -0.2},
        margin={"t": 30},
    )
    return result


def curves_figure(table: pd.DataFrame, x: str, figure: str, lang: Language) -> go.Figure:
    """``figure`` against one field (the designs that could not fly marked at the bottom)."""
    flown = table[table["flown"]].sort_values(x)
    result = go.Figure(
        go.Scatter(
            x=flown[x],
            y=_shown(flown, figure),
            mode="lines+markers",
            customdata=flown["design"],
            hovertemplate="%{x}: %{y:.3g}<extra>#%{customdata}</extra>",
            name=FIGURES[figure].label(lang),
        )
    )
    bottom = float(_shown(flown, figure).min()) if not flown.empty else 0.0
    for trace in _marks(table, x, None, lang):
        trace.y = np.full(len(trace.x), bottom)
        result.add_trace(trace)
    result.update_layout(
        xaxis_title=field_label(x, lang),
        yaxis_title=FIGURES[figure].label(lang),
        legend={"orientation": "h", "y": -0.2},
        margin={"t": 30},
    )
    return result


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
                hovertemplate="%{x:.3g}, %{y:.3g}<extra>#%{customdata}</extra>",
                name=all_label,
            ),
            go.Scatter(
                x=_shown(front, x),
                y=_shown(front, y),
                mode="lines+markers",
                marker={"color": "#08519c", "size": 10},
                customdata=front["design"],
                hovertemplate="%{x:.3g}, %{y:.3g}<extra>#%{customdata}</extra>",
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
    return result
