"""The Calibrate page's figure: one test's voltage, measured against the model at the start
and at the fitted values (what the HTML report of :mod:`sortie.calibration.report` plots, in
the language asked for and sized like the app's other figures). Pure: no Streamlit."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from sortie.calibration.fit import TestFit
from ui.figures.charts import FONT, colour, separators
from ui.text.i18n import Language


def _text(lang: Language, english: str, german: str) -> str:
    return german if lang is Language.DE else english


def voltage_fit_figure(test: TestFit, lang: Language) -> go.Figure:
    """Measured voltage of ``test`` against time, with the fitted model and the model at the
    start values (a run that did not solve is left out)."""
    figure = go.Figure()
    figure.add_scatter(
        x=test.time_s / 60,
        y=test.measured_voltage_v,
        name=_text(lang, "measured", "gemessen"),
        line={"color": "black", "width": 3},
    )
    runs = (
        (_text(lang, "fitted", "angepasst"), test.fitted, colour(0), "solid"),
        (_text(lang, "start values", "Startwerte"), test.start, colour(1), "dash"),
    )
    for label, run, line_colour, dash in runs:
        if run.solved:
            figure.add_scatter(
                x=np.asarray(run.time_s) / 60,
                y=run.voltage_v,
                name=label,
                line={"color": line_colour, "width": 3, "dash": dash},
            )
    figure.update_layout(
        title=test.name,
        height=360,
        font=FONT,
        separators=separators(lang),
        xaxis_title=_text(lang, "Time [min]", "Zeit [min]"),
        yaxis_title=_text(lang, "Voltage [V]", "Spannung [V]"),
        margin={"t": 50, "b": 40},
        legend={"orientation": "h", "y": -0.25},
    )
    return figure
