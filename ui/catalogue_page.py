"""The catalogue: cells with their budgets and honest fidelity flags, missions and drones."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sortie.presets import PresetKind, chemistries, list_presets, load_cell, load_mission


def cell_table() -> pd.DataFrame:
    rows = []
    for info in list_presets(PresetKind.CELL):
        cell = load_cell(info.id)
        budget, fidelity = cell.budget, cell.chemistry.fidelity
        rows.append(
            {
                "cell": cell.name,
                "format": cell.design.format.name,
                "capacity [Ah]": round(budget.capacity_ah, 2),
                "energy [Wh]": round(budget.energy_wh, 1),
                "mass [g]": round(budget.mass_g, 1),
                "Wh/kg": round(budget.gravimetric_energy_density_wh_per_kg),
                "Wh/L": round(budget.volumetric_energy_density_wh_per_l),
                "T-dependent transport": fidelity.temperature_dependent_transport,
                "thermal data": fidelity.thermal_data.value,
                "parameter set": cell.chemistry.parameter_set,
            }
        )
    return pd.DataFrame(rows)


def render() -> None:
    st.title("Cells and presets")
    st.subheader("Cells")
    st.dataframe(cell_table(), hide_index=True, width="stretch")
    st.subheader("Chemistries: sources and caveats")
    for chemistry in chemistries().values():
        with st.expander(chemistry.name):
            st.write(f"**Source:** {chemistry.reference}")
            if chemistry.fidelity.notes:
                st.write(chemistry.fidelity.notes)
            for warning in chemistry.fidelity.warnings:
                st.warning(warning)
            for what, source in chemistry.sources.items():
                st.caption(f"{what}: {source}")
    st.subheader("Missions")
    st.dataframe(
        pd.DataFrame(
            {
                "mission": m.name,
                "description": m.description,
                "ambient [°C]": m.ambient_c,
                "drone": m.drone,
            }
            for m in (load_mission(p.id) for p in list_presets(PresetKind.MISSION))
        ),
        hide_index=True,
        width="stretch",
    )
