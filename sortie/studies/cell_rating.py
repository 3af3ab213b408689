"""Rating a cell: what it delivers at a given rate, by simulation.

The budget's energy is capacity times the C/20 mean voltage; at a real rate the cell delivers
less. ``discharge_at_rates`` flies one cell at constant power ``c_rate x rated energy`` (a
power C-rate) from full to the cut-off, at the rating ambient by default
(:data:`~sortie.defaults.RATING_AMBIENT_C`), for each rate, and reports
energy and Wh/kg. All rates are flown to one horizon (1.25 x the slowest rate's ideal
duration), so they share one built model and are solved in one batch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from sortie.cells.cell import Cell
from sortie.errors import SortieError
from sortie.models.flight import Grounded, fly_many
from sortie.models.result import TerminationReason
from sortie.models.settings import SimulationSettings
from sortie.studies.setup import rating_settings, rating_setup

# Long enough that only a cell limit can end the run: 1.25 x the ideal duration.
_DURATION_MARGIN = 1.25
MIN_C_RATE, MAX_C_RATE = 0.01, 30.0
# The slowest rate sets the horizon; faster ones still need enough output samples.
_OUTPUT_POINTS = 2000


@dataclass(frozen=True)
class RatedDischarge:
    c_rate: float
    power_w: float
    energy_wh: float
    capacity_ah: float
    duration_s: float
    max_temperature_c: float
    gravimetric_energy_density_wh_per_kg: float
    volumetric_energy_density_wh_per_l: float
    ended_by: str


def discharge_at_rates(
    cell: Cell, c_rates: Sequence[float], settings: SimulationSettings | None = None
) -> list[RatedDischarge | SortieError]:
    """Constant-power discharges at each ``c_rate`` (1/h, relative to the rated energy), in
    order; a rate the cell cannot even start is its error."""
    for c_rate in c_rates:
        if not MIN_C_RATE <= c_rate <= MAX_C_RATE:
            raise ValueError(f"c_rate {c_rate:g} is outside {MIN_C_RATE:g}..{MAX_C_RATE:g}")
    if not c_rates:
        return []
    settings = settings or rating_settings()
    settings = dataclasses.replace(
        settings, output_points=max(settings.output_points, _OUTPUT_POINTS)
    )
    horizon_s = _DURATION_MARGIN * 3600.0 / min(c_rates)
    setups = [rating_setup(cell, c_rate, horizon_s, settings) for c_rate in c_rates]
    found: list[RatedDischarge | SortieError] = []
    for c_rate, flown in zip(c_rates, fly_many(setups), strict=True):
        if isinstance(flown, Grounded):
            found.append(flown.error())
            continue
        found.append(_rated(cell, c_rate, flown.result, settings, horizon_s))
    return found


def _rated(cell, c_rate, result, settings, horizon_s) -> RatedDischarge:
    summary = result.summary
    series = result.timeseries
    capacity_ah = (
        float(
            (settings.initial_state_of_charge - series["state_of_charge"].iloc[-1])
            * cell.budget.capacity_ah
        )
        if len(series)
        else 0.0
    )
    if summary.termination_reason is TerminationReason.END_OF_PROFILE:
        ended_by = "end of profile (cut-off not reached)"
    else:
        ended_by = summary.termination_reason.value
    return RatedDischarge(
        c_rate=c_rate,
        power_w=c_rate * cell.budget.energy_wh,
        energy_wh=summary.energy_delivered_wh,
        capacity_ah=capacity_ah,
        duration_s=summary.endurance_s,
        max_temperature_c=summary.max_cell_temperature_c,
        gravimetric_energy_density_wh_per_kg=summary.energy_delivered_wh / cell.budget.mass_kg,
        volumetric_energy_density_wh_per_l=summary.energy_delivered_wh
        / (1e3 * cell.budget.volume_m3),
        ended_by=ended_by,
    )


def discharge_at_rate(
    cell: Cell, c_rate: float, settings: SimulationSettings | None = None
) -> RatedDischarge:
    """One constant-power discharge (see :func:`discharge_at_rates`); raises the error of a
    rate the cell cannot start."""
    found = discharge_at_rates(cell, [c_rate], settings)[0]
    if isinstance(found, SortieError):
        raise found
    return found
