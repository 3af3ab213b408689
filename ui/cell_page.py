"""Cell designer: change what a cell designer changes, see capacity, mass and energy density."""

from __future__ import annotations

import dataclasses

import plotly.graph_objects as go
import streamlit as st

from sortie.cells.matching import CapacityMatchError, match_capacity
from sortie.errors import SortieError
from sortie.presets import PresetKind, list_presets, load_cell

# (alias, label, step) of the fields shown in the design panel.
FIELDS = (
    ("positive_electrode_thickness_um", "Positive coating [µm]", 1.0),
    ("negative_electrode_thickness_um", "Negative coating [µm]", 1.0),
    ("positive_electrode_porosity", "Positive porosity [-]", 0.01),
    ("negative_electrode_porosity", "Negative porosity [-]", 0.01),
    ("positive_particle_radius_um", "Positive particle radius [µm]", 0.1),
    ("negative_particle_radius_um", "Negative particle radius [µm]", 0.1),
    ("separator_thickness_um", "Separator [µm]", 1.0),
)


def _current(cell, alias: str) -> float:
    side, _, rest = alias.partition("_")
    design = cell.design
    if side == "separator":
        return design.separator.thickness_um
    electrode = getattr(design, side)
    if rest.endswith("thickness_um"):
        return electrode.coating_thickness_um
    if rest.endswith("porosity"):
        return electrode.porosity
    return electrode.particle_radius_um


def breakdown_figure(component_mass_g: dict[str, float]) -> go.Figure:
    names = list(component_mass_g)
    figure = go.Figure(
        go.Bar(
            x=[component_mass_g[n] for n in names],
            y=names,
            orientation="h",
            text=[f"{component_mass_g[n]:.1f} g" for n in names],
            textposition="auto",
        )
    )
    figure.update_layout(
        height=380,
        font={"size": 16},
        xaxis_title="Mass [g]",
        margin={"t": 20, "b": 40},
        yaxis={"autorange": "reversed"},
    )
    return figure


def render() -> None:
    st.title("Cell designer")
    cells = {p.id: p for p in list_presets(PresetKind.CELL)}
    cell_id = st.selectbox(
        "Start from", list(cells), format_func=lambda i: cells[i].name, key="design-cell"
    )
    base = load_cell(cell_id)
    left, right = st.columns([1, 2])
    overrides = {}
    with left:
        for alias, label, step in FIELDS:
            value = st.number_input(
                label,
                value=float(_current(base, alias)),
                step=step,
                format="%.3g",
                key=f"{cell_id}-{alias}",
            )
            if value != _current(base, alias):
                overrides[alias] = value
        target = st.number_input(
            "Match capacity [Ah] (0: keep)",
            min_value=0.0,
            value=0.0,
            step=0.1,
            key=f"{cell_id}-target",
        )
    with right:
        try:
            cell = load_cell(cell_id, overrides)
            if target > 0:
                cell = dataclasses.replace(
                    cell, design=match_capacity(cell.design, cell.chemistry, target)
                )
        except (SortieError, CapacityMatchError) as error:
            st.error(str(error))
            return
        budget = cell.budget
        row = st.columns(3)
        row[0].metric("Capacity", f"{budget.capacity_ah:.2f} Ah")
        row[1].metric("Energy", f"{budget.energy_wh:.1f} Wh")
        row[2].metric("N/P ratio", f"{budget.np_ratio:.2f}")
        row = st.columns(3)
        row[0].metric("Mass", f"{budget.mass_g:.1f} g")
        row[1].metric("Gravimetric", f"{budget.gravimetric_energy_density_wh_per_kg:.0f} Wh/kg")
        row[2].metric("Volumetric", f"{budget.volumetric_energy_density_wh_per_l:.0f} Wh/L")
        design = cell.design
        geometry = f"Electrode area {budget.electrode_area_m2:.4f} m²"
        if design.jelly_roll_length_m:
            geometry += f", jelly roll {1e3 * design.jelly_roll_length_m:.0f} mm"
        if design.winding_turns:
            geometry += f", {design.winding_turns:.1f} turns"
        if design.cathode_layer_count:
            geometry += f", {design.cathode_layer_count} cathode layers"
        st.caption(geometry + f"; areal capacity {budget.areal_capacity_mah_per_cm2:.2f} mAh/cm²")
        st.subheader("Mass budget")
        st.plotly_chart(
            breakdown_figure({k: 1e3 * v for k, v in budget.component_mass_kg.items()}),
            use_container_width=True,
        )
        for warning in (*budget.warnings, *cell.chemistry.fidelity.warnings):
            st.warning(warning)
