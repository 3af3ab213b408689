"""The pack's thermal assumptions: its thermal network and the convection at its surface in
each phase; or, in a test chamber, each cell alone with the chamber's coefficient."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sortie.models.flight import FlightSetup
from sortie.models.flight_plan import FlightPlan
from sortie.models.mission import Segment
from sortie.models.pack_thermal import (
    PackNetwork,
    SegmentAir,
    surface_convection_w_per_m2_k,
)
from sortie.models.settings import ThermalBoundary
from sortie.studies.assumptions.item import Assumption, AssumptionKey
from sortie.studies.assumptions.wording import (
    de,
    en,
    listed,
    percent,
    phase_names,
)


def _in_chamber(setup: FlightSetup) -> bool:
    return setup.settings.thermal_boundary is ThermalBoundary.CHAMBER


def chamber_model(setup: FlightSetup) -> Assumption:
    """Each cell alone in a test chamber (no pack network): what the run's heat meets."""
    cell = setup.cell
    heat = cell.heat_capacity_j_per_k
    area_cm2 = cell.design.format.surface_area_m2 * 1e4
    return Assumption(
        AssumptionKey.THERMAL,
        en="Thermal: each cell alone in a test chamber, as a cell test is run (no pack "
        f"network, no enclosure): its whole surface, {en(area_cm2, '.1f')} cm², meets the "
        f"chamber air. PyBaMM flies the cell (lumped, {en(heat, '.0f')} J/K from the cell's "
        "mass budget).",
        de="Thermik: jede Zelle allein in einer Klimakammer, wie bei einem Zelltest (kein "
        f"Wärmenetz des Packs, keine Hülle): ihre ganze Oberfläche, {de(area_cm2, '.1f')} cm², "
        f"steht in der Kammerluft. PyBaMM rechnet die Zelle (konzentriert, {de(heat, '.0f')} "
        "J/K aus der Massenbilanz der Zelle).",
        values={
            "thermal_boundary": ThermalBoundary.CHAMBER.value,
            "cell_surface_area_m2": cell.design.format.surface_area_m2,
            "cell_heat_capacity_j_per_k": heat,
        },
    )


def chamber_convection(setup: FlightSetup) -> Assumption:
    """The chamber's coefficient on each cell's surface, the same from start to end."""
    h = setup.settings.heat_transfer_coefficient_w_per_m2_k
    return Assumption(
        AssumptionKey.CONVECTION,
        en=f"Convection on each cell's surface in the chamber: {en(h)} W/(m² K) throughout "
        "(the chamber's coefficient; no airflow from a flight).",
        de=f"Konvektion an der Oberfläche jeder Zelle in der Kammer: {de(h)} W/(m² K) "
        "durchgehend (der Koeffizient der Kammer; keine Anströmung aus einem Flug).",
        values={"chamber_w_per_m2_k": h, "airflow_exposure": 0.0},
    )


def model(setup: FlightSetup, network: PackNetwork) -> Assumption:
    if _in_chamber(setup):
        return chamber_model(setup)
    pack, layout, cell = setup.pack, setup.pack.layout, setup.cell
    grid = f"{network.rows} x {network.columns}"
    spacing_en = "cans touching" if layout.spacing_mm == 0 else f"{en(layout.spacing_mm)} mm apart"
    spacing_de = (
        "Zellen berühren sich" if layout.spacing_mm == 0 else f"{de(layout.spacing_mm)} mm Abstand"
    )
    gap = layout.gap_conductivity_w_per_m_k
    enclosure_en = (
        f"an enclosure of {en(layout.enclosure_mass_kg)} kg"
        if layout.enclosure_mass_kg is not None
        else "an enclosure of the pack's overhead mass"
    )
    enclosure_de = (
        f"eine Hülle von {de(layout.enclosure_mass_kg)} kg"
        if layout.enclosure_mass_kg is not None
        else "eine Hülle mit der Zusatzmasse des Packs"
    )
    specific = layout.enclosure_specific_heat_j_per_kg_k
    holder_en = (
        f"sealed: {enclosure_en} at {en(specific)} J/(kg K) between cells and air"
        if layout.sealed
        else "an open frame: the cells meet the air"
    )
    holder_de = (
        f"geschlossen: {enclosure_de} mit {de(specific)} J/(kg K) zwischen Zellen und Luft"
        if layout.sealed
        else "offener Rahmen: die Zellen stehen in der Luft"
    )
    heat = cell.heat_capacity_j_per_k
    return Assumption(
        AssumptionKey.THERMAL,
        en=f"Thermal: the pack's thermal network, {pack.cell_count} cells on a {grid} grid "
        f"({spacing_en}, gaps conducting {en(gap)} W/(m K)), {holder_en}. PyBaMM flies the "
        f"mean cell (lumped, {en(heat, '.0f')} J/K from the cell's mass budget) with the "
        "pack's mean cooling; the network spreads its heat to the hottest and coldest cell.",
        de=f"Thermik: Wärmenetz des Packs, {pack.cell_count} Zellen in einem Raster von {grid} "
        f"({spacing_de}, Spalte leiten {de(gap)} W/(m K)), {holder_de}. PyBaMM rechnet die "
        f"mittlere Zelle (konzentriert, {de(heat, '.0f')} J/K aus der Massenbilanz der Zelle) "
        "mit der mittleren Kühlung des Packs; das Netz verteilt ihre Wärme auf die heißeste und "
        "die kälteste Zelle.",
        values={
            "rows": network.rows,
            "columns": network.columns,
            "spacing_mm": layout.spacing_mm,
            "sealed": layout.sealed,
            "gap_conductivity_w_per_m_k": gap,
            "enclosure_mass_kg": layout.enclosure_mass_kg,
            "enclosure_specific_heat_j_per_kg_k": specific,
            "cell_heat_capacity_j_per_k": heat,
        },
    )


def convection(
    setup: FlightSetup,
    network: PackNetwork,
    segments: Sequence[Segment] | None,
    air: SegmentAir | None,
) -> Assumption:
    if _in_chamber(setup):
        return chamber_convection(setup)
    still = setup.settings.heat_transfer_coefficient_w_per_m2_k
    exposure = network.airflow_exposure
    surface_en = "the enclosure" if network.sealed else "the cells' free surfaces"
    surface_de = "der Hülle" if network.sealed else "den freien Flächen der Zellen"
    values: dict[str, Any] = {"still_air_w_per_m2_k": still, "airflow_exposure": exposure}
    head_en = (
        f"Convection on {surface_en}: still air {en(still)} W/(m² K) (natural convection "
        "and radiation)"
    )
    head_de = (
        f"Konvektion an {surface_de}: ruhende Luft {de(still)} W/(m² K) (freie Konvektion "
        "und Strahlung)"
    )
    if segments is None or air is None:
        return Assumption(
            AssumptionKey.CONVECTION,
            en=f"{head_en}; the phases were not flown, so their airflow is not known.",
            de=f"{head_de}; die Phasen wurden nicht geflogen, ihre Anströmung ist unbekannt.",
            values=values,
        )
    coefficients = [
        surface_convection_w_per_m2_k(network, still, speed, density)
        for speed, density in zip(air.airflow_m_per_s, air.air_density_kg_per_m3, strict=True)
    ]
    if not isinstance(setup.mission, FlightPlan):
        return Assumption(
            AssumptionKey.CONVECTION,
            en=f"{head_en} in every segment: a power profile has no airflow at the pack.",
            de=f"{head_de} in jedem Abschnitt: Ein Leistungsprofil hat keine Anströmung am Pack.",
            values=values,
        )
    names_en, names_de = phase_names(segments)
    listed_en, listed_de = listed(names_en, names_de, coefficients, "W/(m² K)", ".0f")
    values["by_phase"] = [
        {"phase": segment.name, "airflow_at_pack_m_per_s": speed * exposure, "w_per_m2_k": h}
        for segment, speed, h in zip(segments, air.airflow_m_per_s, coefficients, strict=True)
    ]
    return Assumption(
        AssumptionKey.CONVECTION,
        en=f"{head_en} on the ground; in flight forced convection in the airstream or the "
        f"rotors' downwash, {percent(exposure)[0]} of it reaching the pack (airflow "
        f"exposure), where that is larger: {listed_en}.",
        de=f"{head_de} am Boden; im Flug erzwungene Konvektion im Fahrtwind oder im "
        f"Rotorabwind, von dem {percent(exposure)[1]} den Pack erreichen, wo sie größer ist: "
        f"{listed_de}.",
        values=values,
    )
