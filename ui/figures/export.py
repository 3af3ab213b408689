"""Exports of a comparison: the time series as CSV, the whole view as JSON (reloadable), and
a self-contained HTML report with the plots and the assumptions. Pure functions, no Streamlit.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from collections.abc import Sequence
from importlib.metadata import version
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from sortie.errors import InputError, SortieError
from sortie.files import spreadsheet_safe_frame
from sortie.models.result import TIMESERIES_COLUMNS
from sortie.studies.assumptions import flight_assumptions, merged_texts
from sortie.studies.comparison import CellFlight, setup_of
from sortie.studies.scenario import (
    PackSizing,
    Scenario,
    parse_json,
    scenario_from_dict,
    scenario_to_dict,
)

EXPORT_FORMAT = "sortie-view/1"
# A reloaded view is a scenario plus summaries: far below this.
MAX_VIEW_BYTES = 5_000_000


def timeseries_csv(names: Sequence[str], flights: Sequence[CellFlight | None]) -> str:
    """One table of every cell's time series (long format: a ``cell`` column), units in the
    column names."""
    frames = [
        flight.timeseries.reset_index().assign(cell=name)
        for name, flight in zip(names, flights, strict=True)
        if flight is not None
    ]
    columns = ["cell", "time_s", *TIMESERIES_COLUMNS]
    if not frames:
        return ",".join(columns) + "\n"
    # Cell, segment and phase names are a user's text: never a formula in a spreadsheet.
    table = spreadsheet_safe_frame(pd.concat(frames, ignore_index=True)[columns])
    return table.to_csv(index=False, float_format="%.6g")


def view_json(
    scenario: Scenario, names: Sequence[str], flights: Sequence[CellFlight | None]
) -> str:
    """The scenario (enough to rebuild the view) and each cell's summary (for reading)."""
    return stamped_json(
        EXPORT_FORMAT,
        scenario=scenario_to_dict(scenario),
        results=[
            {"cell": name, **(flight.summary.to_dict() if flight else {"error": "no result"})}
            for name, flight in zip(names, flights, strict=True)
        ],
    )


def stamped_json(export_format: str, **parts: Any) -> str:
    """Strict JSON (NaN and infinities as null) of ``parts`` after the header every export
    carries: its format, the Sortie and PyBaMM versions and when it was written."""
    document = {
        "format": export_format,
        "sortie_version": version("sortie"),
        "pybamm_version": version("pybamm"),
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        **parts,
    }
    return json.dumps(_finite(document), indent=2, allow_nan=False)


def _finite(value: Any) -> Any:
    """NaN and infinities (e.g. no minimum voltage of a run that never started) as null:
    strict JSON has no NaN."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def scenario_from_view(data: bytes, name: str = "view file") -> Scenario:
    """The scenario of an exported view (:func:`view_json`), the file called ``name`` in
    messages; one-line errors otherwise."""
    if len(data) > MAX_VIEW_BYTES:
        raise InputError(f"{name}: {len(data)} bytes is too large (limit {MAX_VIEW_BYTES})")
    document = parse_json(data, name)
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise InputError(f"{name}: not a Sortie view export (format {EXPORT_FORMAT})")
    try:
        return scenario_from_dict(document.get("scenario"))
    except InputError as error:
        raise InputError(f"{name}: {error}") from None


def assumptions(
    scenario: Scenario, chemistries: Sequence[Any] = (), language: str = "en"
) -> list[str]:
    """The assumptions of a comparison as flown, as sentences in ``language`` ("en", "de"):
    each cell's flight (:func:`sortie.studies.assumptions.flight_assumptions`, the same as
    ``sortie run --json`` gives), one sentence where every cell shares it, else one per cell;
    then how the packs were sized. ``chemistries`` is not used any more (each cell's
    chemistry comes from its own flight); it is kept for older callers."""
    del chemistries
    flights = []
    for index in range(len(scenario.cells)):
        try:
            setup = setup_of(scenario, index)
        except (SortieError, ValueError):  # a cell that cannot be set up flies nothing
            continue
        flights.append((setup.cell.name, flight_assumptions(setup)))
    found = merged_texts(flights, language)
    if len(scenario.cells) > 1:
        found.append(_PACK_SIZING[scenario.pack_sizing][language == "de"])
    return found


_PACK_SIZING = {
    PackSizing.SAME_LAYOUT: (
        "Pack sizing: the same series x parallel layout for every cell.",
        "Packgröße: dieselbe Verschaltung (seriell x parallel) für jede Zelle.",
    ),
    PackSizing.SAME_MASS: (
        "Pack sizing: the same pack mass for every cell (the parallel count chosen per cell "
        "to match the first cell's pack).",
        "Packgröße: dieselbe Packmasse für jede Zelle (die Parallelzahl je Zelle so gewählt, "
        "dass sie dem Pack der ersten Zelle entspricht).",
    ),
}


def html_report(
    title: str,
    summary_table: pd.DataFrame,
    figures: Sequence[tuple[str, go.Figure]],
    notes: Sequence[str],
    language: str = "en",
) -> str:
    """One HTML file that opens anywhere offline: plotly.js inlined once, then each figure;
    headings in ``language`` ("en", "de"; ``notes`` come in it already)."""
    parts = []
    for number, (heading, figure) in enumerate(figures):
        plot = figure.to_html(full_html=False, include_plotlyjs=number == 0)
        parts.append(f"<h2>{html.escape(heading)}</h2>\n{plot}")
    items = "\n".join(f"<li>{html.escape(note)}</li>" for note in notes)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    german = language == "de"
    notes_heading = "Annahmen und Quellen" if german else "Assumptions and sources"
    return f"""<!DOCTYPE html>
<html lang="{"de" if german else "en"}">
<head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ccc; padding: 4px 10px; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p>Sortie {html.escape(version("sortie"))}, {stamp}</p>
{summary_table.to_html(escape=True, border=0)}
{"".join(parts)}
<h2>{notes_heading}</h2>
<ul>
{items}
</ul>
</body></html>
"""
