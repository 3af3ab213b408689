"""A flight's key figures (pack, mass, endurance, charge left, energy, densities, voltage,
temperature, hardest phase), one column per cell: the comparison's table and its export."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from sortie.models.result import MissionSummary
from sortie.studies.comparison import Outcome
from ui.text.i18n import format_table, shown_name, tr


def _figures(s: MissionSummary) -> list[tuple[str, Any, int]]:
    """(row name, value, decimals shown) of one cell's key figures, in the session's
    language."""
    return [
        (tr("Pack", "Akku"), f"{s.series_count}S{s.parallel_count}P", 0),
        (tr("Pack mass [kg]", "Akkumasse [kg]"), round(s.pack_mass_kg, 2), 2),
        (tr("Endurance [min]", "Flugzeit [min]"), round(s.endurance_s / 60, 1), 1),
        (
            tr("Charge left at landing [%]", "Restladung bei Landung [%]"),
            round(100 * s.final_state_of_charge, 1),
            1,
        ),
        (
            tr("Energy delivered [Wh]", "Abgegebene Energie [Wh]"),
            round(s.energy_delivered_wh, 1),
            1,
        ),
        (
            tr("Wh/kg on this mission", "Wh/kg auf dieser Mission"),
            round(s.mission_gravimetric_energy_density_wh_per_kg, 0),
            0,
        ),
        (
            tr("Wh/L on this mission", "Wh/L auf dieser Mission"),
            round(s.mission_volumetric_energy_density_wh_per_l, 0),
            0,
        ),
        (
            tr("Rated Wh/kg (cell)", "Nenn-Wh/kg (Zelle)"),
            round(s.gravimetric_energy_density_wh_per_kg, 0),
            0,
        ),
        (
            tr("Rated Wh/L (cell)", "Nenn-Wh/L (Zelle)"),
            round(s.volumetric_energy_density_wh_per_l, 0),
            0,
        ),
        (
            tr("Minimum cell voltage [V]", "Min. Zellspannung [V]"),
            _rounded(s.min_cell_voltage_v, 3),
            3,
        ),
        (
            tr("Peak cell temperature [°C]", "Max. Zelltemperatur [°C]"),
            _rounded(s.max_cell_temperature_c, 1),
            1,
        ),
        (tr("Hardest phase", "Schwerste Phase"), shown_name(s.hardest_segment), 0),
    ]


def key_figures(names: Sequence[str], outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """Figures (rows) by cell (columns), units in the row names."""
    rows: dict[str, dict[str, Any]] = {}
    for name, outcome in zip(names, outcomes, strict=True):
        if outcome.ok:
            rows[name] = {row: value for row, value, _ in _figures(outcome.value.summary)}
    return pd.DataFrame(rows)


def key_figures_text(names: Sequence[str], outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """:func:`key_figures` as text in the session's number format ("0,91" in German), each
    figure with its own decimals; a missing value as "–"."""
    table = key_figures(names, outcomes)
    flown = [o.value.summary for o in outcomes if o.ok]
    if table.empty or not flown:
        return table
    decimals = {row: places for row, _, places in _figures(flown[0])}
    # Figures are rows: format the transposed table by column (a figure's cells may mix
    # numbers and None).
    by_figure = table.T.astype(object).where(table.T.notna(), math.nan)
    return format_table(by_figure, decimals).T


def _rounded(value: float, digits: int) -> float | None:
    return None if value is None or math.isnan(value) else round(value, digits)
