"""Plotly figures for mission results. Pure functions: DataFrame in, figure out."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

PANELS = (
    ("pack_power_w", "Pack power [W]"),
    ("cell_voltage_v", "Cell voltage [V]"),
    ("cell_temperature_c", "Cell temperature [°C]"),
    ("state_of_charge", "State of charge [%]"),
)


def mission_figure(timeseries: pd.DataFrame, max_temperature_c: float) -> go.Figure:
    """Four stacked panels against time in minutes, segment boundaries marked."""
    minutes = timeseries.index.to_numpy() / 60.0
    figure = make_subplots(
        rows=len(PANELS),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.04,
        subplot_titles=[label for _, label in PANELS],
    )
    for row, (column, label) in enumerate(PANELS, start=1):
        values = timeseries[column] * (100 if column == "state_of_charge" else 1)
        figure.add_trace(
            go.Scatter(x=minutes, y=values, name=label, mode="lines", line={"width": 3}),
            row=row,
            col=1,
        )
        figure.update_yaxes(title_text=label, row=row, col=1)
    figure.add_hline(
        y=max_temperature_c,
        line_dash="dash",
        line_color="crimson",
        row=3,
        col=1,
        annotation_text=f"limit {max_temperature_c:g} °C",
    )
    changes = timeseries["segment"].ne(timeseries["segment"].shift())
    for time_min in minutes[changes.to_numpy()][1:]:
        figure.add_vline(x=time_min, line_dash="dot", line_color="grey", opacity=0.5)
    figure.update_xaxes(title_text="Time [min]", row=len(PANELS), col=1)
    figure.update_layout(height=900, showlegend=False, font={"size": 16}, margin={"t": 40, "b": 40})
    return figure
