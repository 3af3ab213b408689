"""The catalogue: cells with their budgets and honest fidelity flags, missions and drones.

Column headers are translated; names, descriptions and sources are the presets' own (English)
text."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sortie.cells.chemistry import Provenance
from sortie.presets import (
    PresetKind,
    chemistries,
    list_presets,
    load_cell,
    load_drone,
    load_mission,
)
from ui.i18n import tr


def _provenance(value: Provenance) -> str:
    if value is Provenance.SUPPLIED:
        return tr("supplied by Sortie", "von Sortie ergänzt")
    return tr("from the parameter set", "aus dem Parametersatz")


def cell_table() -> pd.DataFrame:
    rows = []
    for info in list_presets(PresetKind.CELL):
        cell = load_cell(info.id)
        budget, fidelity = cell.budget, cell.chemistry.fidelity
        rows.append(
            {
                tr("cell", "Zelle"): cell.name,
                tr("format", "Format"): cell.design.format.name,
                tr("capacity [Ah]", "Kapazität [Ah]"): round(budget.capacity_ah, 2),
                tr("energy [Wh]", "Energie [Wh]"): round(budget.energy_wh, 1),
                tr("mass [g]", "Masse [g]"): round(budget.mass_g, 1),
                "Wh/kg": round(budget.gravimetric_energy_density_wh_per_kg),
                "Wh/L": round(budget.volumetric_energy_density_wh_per_l),
                tr("T-dependent transport", "T-abhängiger Transport"): (
                    fidelity.temperature_dependent_transport
                ),
                tr("thermal data", "thermische Daten"): _provenance(fidelity.thermal_data),
                tr("parameter set", "Parametersatz"): cell.chemistry.parameter_set,
            }
        )
    return pd.DataFrame(rows)


def drone_table() -> pd.DataFrame:
    rows = []
    for info in list_presets(PresetKind.DRONE):
        drone = load_drone(info.id)
        rows.append(
            {
                tr("drone", "Drohne"): drone.name,
                tr("description", "Beschreibung"): drone.description,
                tr("airframe [kg]", "Zelle ohne Akku [kg]"): drone.airframe_mass_kg,
                tr("payload [kg]", "Nutzlast [kg]"): drone.payload_kg,
                tr("pack", "Akku"): f"{drone.series_count}S{drone.parallel_count}P",
                tr("cell", "Zelle"): drone.cell,
                tr("cruise [m/s]", "Reise [m/s]"): drone.cruise_speed_m_per_s,
            }
        )
    return pd.DataFrame(rows)


def mission_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            tr("mission", "Mission"): m.name,
            tr("description", "Beschreibung"): m.description,
            tr("ambient [°C]", "Umgebung [°C]"): m.ambient_c,
            tr("drone", "Drohne"): m.drone,
        }
        for m in (load_mission(p.id) for p in list_presets(PresetKind.MISSION))
    )


def render() -> None:
    st.title(tr("Cells and presets", "Zellen und Vorlagen"))
    st.subheader(tr("Cells", "Zellen"))
    cells = cell_table()
    # Tall enough for every preset: no scrolling inside the table.
    st.dataframe(cells, hide_index=True, width="stretch", height=38 + 35 * len(cells))
    st.subheader(tr("Chemistries: sources and caveats", "Chemien: Quellen und Einschränkungen"))
    for chemistry in chemistries().values():
        with st.expander(chemistry.name):
            st.write(f"**{tr('Source', 'Quelle')}:** {chemistry.reference}")
            if chemistry.fidelity.notes:
                st.write(chemistry.fidelity.notes)
            for warning in chemistry.fidelity.warnings:
                st.warning(warning)
            for what, source in chemistry.sources.items():
                st.caption(f"{what}: {source}")
    st.subheader(tr("Missions", "Missionen"))
    st.dataframe(mission_table(), hide_index=True, width="stretch")
    st.subheader(tr("Drones", "Drohnen"))
    st.dataframe(drone_table(), hide_index=True, width="stretch")
