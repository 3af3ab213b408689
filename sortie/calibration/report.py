"""The fit report: every fitted value (start, bounds, result, uncertainty and how it was
estimated), each test's errors at the start and at the fitted values, and the warnings; as
terminal text, a JSON-ready dict and a standalone HTML page with measured-against-model
plots."""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np

from sortie.calibration.cell_file import coverage, not_carried
from sortie.calibration.fit import Calibration, TestFit


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def calibration_json(calibration: Calibration) -> dict[str, Any]:
    return {
        "base_cell": calibration.base_reference,
        "model": calibration.model,
        "fitted_to": coverage(calibration),
        "optimiser": calibration.optimiser,
        "uncertainty_method": calibration.uncertainty_method,
        "cost_v": calibration.cost_v,
        "initial_cost_v": calibration.initial_cost_v,
        "cost_history_v": list(calibration.cost_history_v),
        "evaluations": calibration.evaluations,
        "iterations": calibration.iterations,
        "fit_seconds": round(calibration.seconds, 2),
        "values": [
            {
                "name": v.key.value,
                "label": v.label,
                "unit": v.unit,
                "goes_to": v.place.value,
                "cell_file_field": v.design_path,
                "start": v.start,
                "lower": v.lower,
                "upper": v.upper,
                "value": v.value,
                "standard_error": _finite(v.standard_error),
                "on_bound": v.on_bound,
                "identifiable": v.identifiable,
            }
            for v in calibration.values
        ],
        "tests": [
            {
                "name": t.name,
                "kind": t.kind.value,
                "ambient_c": t.ambient_c,
                "mean_current_a": round(t.mean_current_a, 4),
                "voltage_rmse_mv": _finite(t.rmse_mv),
                "start_voltage_rmse_mv": _finite(t.start_rmse_mv),
                "cutoff_time_error_pct": _finite(t.cutoff_time_error_pct),
                "capacity_error_pct": _finite(t.capacity_error_pct),
                "peak_temperature_error_k": _finite(t.peak_temperature_error_k),
            }
            for t in calibration.tests
        ],
        "not_in_cell_file": not_carried(calibration),
        "warnings": list(calibration.warnings),
    }


def _number(value: float | None, digits: int = 1, unit: str = "") -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:+.{digits}f}{unit}" if unit in ("%", " K") else f"{value:.{digits}f}{unit}"


def _value_text(value: float) -> str:
    return f"{value:.4g}"


def format_calibration(calibration: Calibration) -> str:
    lines = [
        f"Calibration of {calibration.base_reference} ({calibration.model}, "
        f"{calibration.optimiser}): {calibration.iterations} iterations, "
        f"{calibration.evaluations} evaluations, {calibration.seconds:.1f} s",
        f"Fitted to {coverage(calibration)}",
        "",
        f"{'parameter':36s} {'start':>10s} {'bounds':>21s} {'fitted':>10s} {'+/- (1 sd)':>11s}",
    ]
    for v in calibration.values:
        error = "-" if v.standard_error is None else _value_text(v.standard_error)
        bounds = f"{_value_text(v.lower)}..{_value_text(v.upper)}"
        flags = (" ON BOUND" if v.on_bound else "") + ("" if v.identifiable else " NOT IDENTIFIED")
        lines.append(
            f"{v.key.value + (' [' + v.unit + ']' if v.unit else ''):36s} "
            f"{_value_text(v.start):>10s} {bounds:>21s} {_value_text(v.value):>10s} "
            f"{error:>11s}{flags}"
        )
    lines += [
        f"uncertainty: {calibration.uncertainty_method}",
        "",
        f"{'test':24s} {'RMSE mV':>8s} {'(start)':>8s} {'cut-off':>8s} {'capacity':>9s} "
        f"{'peak T':>8s}",
    ]
    for t in calibration.tests:
        lines.append(
            f"{t.name[:24]:24s} {_number(t.rmse_mv):>8s} {_number(t.start_rmse_mv):>8s} "
            f"{_number(t.cutoff_time_error_pct, 1, '%'):>8s} "
            f"{_number(t.capacity_error_pct, 1, '%'):>9s} "
            f"{_number(t.peak_temperature_error_k, 1, ' K'):>8s}"
        )
    unwritten = not_carried(calibration)
    if unwritten:
        lines += ["", "not carried by a cell file: " + "; ".join(unwritten)]
    lines += [f"warning: {w}" for w in calibration.warnings]
    return "\n".join(lines)


def _figure_html(test: TestFit, include_plotlyjs: bool) -> str:
    import plotly.graph_objects as go

    figure = go.Figure()
    figure.add_scatter(x=test.time_s / 60, y=test.measured_voltage_v, name="measured")
    for label, run in (("fitted", test.fitted), ("start", test.start)):
        if run.solved:
            figure.add_scatter(x=np.asarray(run.time_s) / 60, y=run.voltage_v, name=label)
    figure.update_layout(
        title=f"{test.name}: voltage, measured and model",
        xaxis_title="Time [min]",
        yaxis_title="Voltage [V]",
        height=360,
    )
    return figure.to_html(full_html=False, include_plotlyjs=include_plotlyjs)


def calibration_html(calibration: Calibration) -> str:
    """A standalone page (plotly's script inline once: it works offline)."""
    report = html.escape(format_calibration(calibration))
    figures = [
        _figure_html(test, i == 0)
        for i, test in enumerate(calibration.tests)
    ]
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>Calibration of {html.escape(calibration.base_reference)}</title></head>"
        f"<body><h1>Calibration of {html.escape(calibration.base_reference)}</h1>"
        f"<pre>{report}</pre>{''.join(figures)}</body></html>"
    )
