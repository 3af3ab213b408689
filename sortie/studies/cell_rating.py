"""Rating a cell: what it delivers at a given rate, by simulation.

The budget's energy is capacity times the C/20 mean voltage; at a real rate the cell delivers
less. ``discharge_at_rate`` flies one cell at constant power ``c_rate x rated energy`` (a
power C-rate) from full to the cut-off, at 25 °C by default, and reports energy and Wh/kg.
"""

from __future__ import annotations

from dataclasses import dataclass

from sortie.cells.cell import Cell
from sortie.cells.pack import Pack
from sortie.models.chain import simulate_mission
from sortie.models.mission import FlightPhase, Mission, Segment
from sortie.models.result import TerminationReason
from sortie.models.settings import SimulationSettings

# Long enough that only a cell limit can end the run: 1.25 x the ideal duration.
_DURATION_MARGIN = 1.25


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


def discharge_at_rate(
    cell: Cell, c_rate: float, settings: SimulationSettings | None = None
) -> RatedDischarge:
    """Constant-power discharge at ``c_rate`` (1/h, relative to the rated energy)."""
    if not 0.01 <= c_rate <= 30:
        raise ValueError(f"c_rate {c_rate:g} is outside 0.01..30")
    settings = settings or SimulationSettings(ambient_c=25.0)
    power_w = c_rate * cell.budget.energy_wh
    mission = Mission(
        id=f"rating-{c_rate:g}C",
        name=f"{c_rate:g}C rating discharge",
        description="constant power to the cut-off",
        segments=(
            Segment(
                name=f"{c_rate:g}C",
                duration_s=_DURATION_MARGIN * 3600.0 / c_rate,
                power_w=power_w,
                phase=FlightPhase.TEST,
            ),
        ),
        ambient_c=25.0,
    )
    result = simulate_mission(cell, Pack(series_count=1, parallel_count=1), mission, settings)
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
        power_w=power_w,
        energy_wh=summary.energy_delivered_wh,
        capacity_ah=capacity_ah,
        duration_s=summary.endurance_s,
        max_temperature_c=summary.max_cell_temperature_c,
        gravimetric_energy_density_wh_per_kg=summary.energy_delivered_wh / cell.budget.mass_kg,
        volumetric_energy_density_wh_per_l=summary.energy_delivered_wh
        / (1e3 * cell.budget.volume_m3),
        ended_by=ended_by,
    )
