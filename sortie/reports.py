"""Plain-text and JSON-ready reports of results (what the command line prints)."""

from __future__ import annotations

import dataclasses
import math

from sortie.cells.cell import Cell
from sortie.cells.pack import PackMassSource
from sortie.models.result import MissionResult, MissionSummary


def cell_report(cell: Cell) -> dict:
    """Everything `sortie cell show` prints, as JSON-ready data."""
    design, budget = cell.design, cell.budget
    electrodes = {}
    for side in ("positive", "negative"):
        electrode = getattr(design, side)
        electrodes[side] = {
            **dataclasses_asdict(electrode),
            "loading_mg_per_cm2": 100 * getattr(budget, f"{side}_loading_kg_per_m2"),
            "areal_capacity_mah_per_cm2": 0.1 * getattr(budget, f"{side}_areal_capacity_ah_per_m2"),
        }
    return {
        "id": cell.id,
        "name": cell.name,
        "chemistry": cell.chemistry.id,
        "parameter_set": cell.chemistry.parameter_set,
        "format": dataclasses_asdict(design.format),
        "electrodes": electrodes,
        "separator": dataclasses_asdict(design.separator),
        "electrode_area_m2": budget.electrode_area_m2,
        "jelly_roll_length_m": design.jelly_roll_length_m,
        "winding_turns": design.winding_turns,
        "cathode_layer_count": design.cathode_layer_count,
        "np_ratio": budget.np_ratio,
        "capacity_ah": budget.capacity_ah,
        "energy_wh": budget.energy_wh,
        "mass_g": budget.mass_g,
        "volume_ml": budget.volume_ml,
        "gravimetric_energy_density_wh_per_kg": budget.gravimetric_energy_density_wh_per_kg,
        "volumetric_energy_density_wh_per_l": budget.volumetric_energy_density_wh_per_l,
        "mass_breakdown_g": {k: 1e3 * v for k, v in budget.component_mass_kg.items()},
        "warnings": [*budget.warnings, *cell.fidelity.warnings],
    }


def dataclasses_asdict(value) -> dict:
    data = dataclasses.asdict(value)
    return {k: (v.value if hasattr(v, "value") else v) for k, v in data.items()}


def format_cell_report(report: dict) -> str:
    lines = [
        f"{report['name']} ({report['id']})",
        f"  chemistry   {report['chemistry']} (PyBaMM {report['parameter_set']})",
        f"  format      {report['format']['name']} ({report['format']['kind']})",
    ]
    for side in ("positive", "negative"):
        e = report["electrodes"][side]
        lines.append(
            f"  {side:9s}   {e['coating_thickness_um']:.1f} um, porosity {e['porosity']:.3f}, "
            f"active {e['active_material_volume_fraction']:.3f}, particles "
            f"{e['particle_radius_um']:.2f} um, {e['loading_mg_per_cm2']:.1f} mg/cm2, "
            f"{e['areal_capacity_mah_per_cm2']:.2f} mAh/cm2"
        )
    geometry = f"  area        {report['electrode_area_m2']:.4f} m2"
    if report["jelly_roll_length_m"]:
        geometry += f", jelly roll {1e3 * report['jelly_roll_length_m']:.0f} mm"
    if report["winding_turns"]:
        geometry += f", {report['winding_turns']:.1f} turns"
    if report["cathode_layer_count"]:
        geometry += f", {report['cathode_layer_count']} cathode layers"
    lines += [
        geometry + f", N/P {report['np_ratio']:.2f}",
        f"  capacity    {report['capacity_ah']:.3f} Ah, energy {report['energy_wh']:.2f} Wh "
        "(at the nominal voltage)",
        f"  mass        {report['mass_g']:.1f} g, volume {report['volume_ml']:.2f} ml: "
        f"{report['gravimetric_energy_density_wh_per_kg']:.0f} Wh/kg, "
        f"{report['volumetric_energy_density_wh_per_l']:.0f} Wh/l",
        "  mass budget",
    ]
    total = report["mass_g"]
    for component, grams in report["mass_breakdown_g"].items():
        lines.append(f"    {component:26s} {grams:7.2f} g  {100 * grams / total:5.1f} %")
    for rated in report.get("rated", []):
        lines.append(
            f"  at {rated['c_rate']:g}C   {rated['energy_wh']:.2f} Wh, "
            f"{rated['gravimetric_energy_density_wh_per_kg']:.0f} Wh/kg, "
            f"{rated['duration_s'] / 60:.1f} min, peak {rated['max_temperature_c']:.1f} °C "
            f"({rated['ended_by']})"
        )
    lines.extend(f"warning: {w}" for w in report["warnings"])
    return "\n".join(lines)


def format_minutes(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "-"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes:d} min {secs:02d} s"


def format_phases(phases) -> str:
    lines = ["phase                    time     mass   speed   climb   pack power"]
    for row in phases.itertuples():
        lines.append(
            f"{row.phase[:22]:22s} {row.duration_s:7.0f} s {row.mass_kg:6.2f} kg "
            f"{row.speed_m_per_s:5.1f} m/s {row.climb_rate_m_per_s:+5.1f} m/s "
            f"{row.pack_power_w:7.0f} W"
        )
    return "\n".join(lines)


def format_sweep(table, best) -> str:
    lines = ["cell                      pack    mass     take-off  power    endurance"]
    for row in table.itertuples():
        mark = ""
        if best[row.cell_id]["parallel_count"] == row.parallel_count:
            mark = "  <- longest"
        if row.limited_by == "too heavy":
            power, outcome = "     -", "above the maximum take-off mass"
        else:
            power = f"{row.pack_power_w:4.0f} W"
            outcome = f"{format_minutes(row.endurance_s):>13s} ({row.limited_by})"
        pack = f"{row.series_count}S{row.parallel_count}P"
        lines.append(
            f"{row.cell_id[:24]:24s} {pack:7s} {row.pack_mass_kg:6.2f} kg "
            f"{row.take_off_mass_kg:6.2f} kg {power:>6s} {outcome}{mark}"
        )
    return "\n".join(lines)


def pack_mass_text(summary: MissionSummary) -> str:
    """How the pack's mass was found: "cells + 12 % overhead" or "pinned: cells + 9 %"."""
    overhead = f"{100 * summary.pack_mass_overhead_fraction:.0f} %"
    if summary.pack_mass_source is PackMassSource.PINNED:
        return f"pinned: cells + {overhead}"
    return f"cells + {overhead} overhead"


def interconnect_text(summary: MissionSummary) -> str:
    """The interconnect's resistance and what was lost in it."""
    if summary.interconnect_resistance_ohm == 0:
        return "interconnect ideal (0 mOhm, no loss)"
    cells_wh = summary.energy_delivered_wh + summary.interconnect_loss_wh
    share = summary.interconnect_loss_wh / cells_wh if cells_wh > 0 else 0.0
    return (
        f"interconnect {1e3 * summary.interconnect_resistance_ohm:.1f} mOhm: "
        f"{summary.interconnect_loss_wh:.2f} Wh lost ({100 * share:.1f} % of the cells' "
        f"{cells_wh:.1f} Wh)"
    )


def format_summary(result: MissionResult, unheated: MissionSummary | None = None) -> str:
    """Human-readable summary (what `sortie run` prints without --json); with ``unheated``
    (the same flight without its pre-heater) a line says whether the heater pays off."""
    s = result.summary
    verdict = (
        f"MISSION COMPLETED, landed with {100 * s.final_state_of_charge:.0f} % state of charge"
        if s.mission_completed
        else f"MISSION NOT COMPLETED: {s.termination_reason.value} in '{s.final_segment}' "
        f"after {format_minutes(s.endurance_s)} of {format_minutes(s.mission_duration_s)}"
    )
    reserve = (
        f" (reserve {100 * s.reserve_state_of_charge:.0f} %: "
        f"{'met' if s.reserve_met else 'NOT met'})"
        if s.reserve_state_of_charge > 0
        else ""
    )
    pack_voltage = result.timeseries["pack_voltage_v"]
    min_pack_v = float(pack_voltage.min()) if len(pack_voltage) else float("nan")
    lines = [
        verdict,
        f"  why it ended          {s.termination_message}",
        f"  endurance             {format_minutes(s.endurance_s)} ({s.endurance_s:.0f} s)",
        f"  hardest phase         {s.hardest_segment} (highest cell current)",
        f"  min cell voltage      {s.min_cell_voltage_v:.3f} V (pack {min_pack_v:.1f} V)",
        f"  max cell temperature  {s.max_cell_temperature_c:.1f} °C (hottest cell: "
        f"{s.hottest_cell_position}; coldest {s.coldest_cell_temperature_c:.1f} °C, spread "
        f"{s.max_cell_spread_k:.1f} K{_enclosure(s)})",
        f"  energy delivered      {s.energy_delivered_wh:.1f} Wh at the pack terminals",
        f"  final state of charge {100 * s.final_state_of_charge:.1f} %{reserve}",
        f"pack  {s.series_count}S{s.parallel_count}P  {s.pack_mass_kg:.3f} kg "
        f"({pack_mass_text(s)})  {s.pack_energy_wh:.0f} Wh",
        f"      {interconnect_text(s)}",
        f"cell  {s.cell_id}: {s.capacity_ah:.2f} Ah  {s.energy_wh:.1f} Wh  {s.mass_g:.1f} g  "
        f"{s.volume_ml:.1f} ml  {s.gravimetric_energy_density_wh_per_kg:.0f} Wh/kg  "
        f"{s.volumetric_energy_density_wh_per_l:.0f} Wh/l",
        f"model {s.model.upper()}",
    ]
    if s.preheat_s > 0:
        lines.insert(2, preheat_text(s))
        if unheated is not None:
            lines.insert(3, heater_text(s, unheated))
    lines.extend(f"warning: {w}" for w in s.warnings)
    return "\n".join(lines)


def _enclosure(s) -> str:
    if s.max_enclosure_temperature_c != s.max_enclosure_temperature_c:  # NaN: an open frame
        return ""
    return f"; enclosure {s.max_enclosure_temperature_c:.1f} °C"


def preheat_text(s) -> str:
    """The pre-heat line of a summary, or empty."""
    if s.preheat_s <= 0:
        return ""
    return (
        f"  pre-heat              {s.preheat_s / 60:.1f} min on the ground, "
        f"{s.preheat_energy_wh:.1f} Wh from the pack (cells started at "
        f"{s.start_temperature_c:.1f} °C)"
    )


def heater_pays_off(heated: MissionSummary, unheated: MissionSummary) -> bool:
    """Whether a pre-heat bought anything: a completed mission that the cold pack does not
    complete, a longer endurance, or, both completed, more charge at landing."""
    if heated.mission_completed != unheated.mission_completed:
        return heated.mission_completed
    if heated.mission_completed:
        return heated.final_state_of_charge > unheated.final_state_of_charge
    return heated.endurance_s > unheated.endurance_s


def heater_text(heated: MissionSummary, unheated: MissionSummary) -> str:
    """The line comparing a pre-heated flight with the same flight from the cold pack."""
    verdict = "pays off" if heater_pays_off(heated, unheated) else "does not pay"
    if heated.mission_completed and unheated.mission_completed:
        gained = 100 * (heated.final_state_of_charge - unheated.final_state_of_charge)
        detail = (
            f"{gained:+.1f} % charge at landing "
            f"(without it {100 * unheated.final_state_of_charge:.1f} %)"
        )
    else:
        gained_s = heated.endurance_s - unheated.endurance_s
        detail = (
            f"{gained_s / 60:+.1f} min (without it {format_minutes(unheated.endurance_s)}, "
            f"{unheated.termination_reason})"
        )
    return f"  the heater {verdict}: {detail}"
