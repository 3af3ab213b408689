"""Fly a mission: pick a mission, a cell and a pack, run, read the verdict."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sortie.cells.pack import Pack
from sortie.errors import SortieError
from sortie.models.flight_plan import (
    FlightPlan,
    as_mission,
    phase_powers,
    phase_table,
    with_ambient,
)
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.presets import PresetKind, list_presets, load_cell, load_drone, load_mission
from sortie.presets.loader import construct
from ui.charts import mission_figure

DEFAULT_MISSION = "quad-isr-loiter"
MODEL_LABELS = {
    ModelKind.DFN: "DFN (full, default for verdicts)",
    ModelKind.SPME: "SPMe (faster)",
    ModelKind.SPM: "SPM (fastest, not for thermal verdicts)",
}


@st.cache_data(max_entries=256, show_spinner=False)
def fly(
    cell_id: str,
    mission_id: str,
    series: int,
    parallel: int,
    model: str,
    ambient_c: float | None,
    max_temperature_c: float,
) -> tuple[pd.DataFrame, dict]:
    """Cached by inputs: only the small DataFrame and summary dict are kept."""
    from sortie.models.chain import simulate_mission

    settings = construct(
        SimulationSettings,
        {"model": model, "ambient_c": ambient_c, "max_temperature_c": max_temperature_c},
        "settings",
    )
    pack = construct(Pack, {"series_count": series, "parallel_count": parallel}, "pack")
    cell = load_cell(cell_id)
    plan = load_mission(mission_id)
    drone = load_drone(plan.drone) if plan.drone else None
    pack_mass_kg = pack.mass_kg(cell.budget)
    mission = as_mission(plan, drone, pack_mass_kg, ambient_c)
    result = simulate_mission(cell, pack, mission, settings)
    summary = result.summary.to_dict()
    if isinstance(plan, FlightPlan) and drone is not None:
        summary["phases"] = phase_table(
            phase_powers(with_ambient(plan, ambient_c), drone, pack_mass_kg)
        )
    return result.timeseries, summary


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


def render() -> None:
    st.title("Sortie: fly a mission")
    missions = {p.id: p for p in list_presets(PresetKind.MISSION)}
    cells = {p.id: p for p in list_presets(PresetKind.CELL)}

    left, right = st.columns([1, 2])
    with left:
        mission_ids = sorted(missions, key=lambda i: i != DEFAULT_MISSION)
        mission_id = st.selectbox(
            "Mission", mission_ids, format_func=lambda i: missions[i].name, key="mission"
        )
        mission = load_mission(mission_id)
        st.caption(mission.description)
        drone = load_drone(mission.drone) if mission.drone else None
        default_cell = drone.cell if drone and drone.cell in cells else next(iter(cells))
        cell_id = st.selectbox(
            "Cell",
            list(cells),
            index=list(cells).index(default_cell),
            format_func=lambda i: cells[i].name,
            key=f"cell-{mission_id}",
        )
        series = st.number_input(
            "Cells in series", 1, 400, drone.series_count if drone else 6, key=f"s-{mission_id}"
        )
        parallel = st.number_input(
            "Cells in parallel",
            1,
            400,
            drone.parallel_count if drone else 2,
            key=f"p-{mission_id}",
        )
        model = st.selectbox("Model", list(MODEL_LABELS), format_func=MODEL_LABELS.get, key="model")
        override = st.checkbox(f"Override ambient ({mission.ambient_c:g} °C)", key="override")
        ambient_c = (
            st.slider("Ambient [°C]", -30, 50, int(mission.ambient_c), key="ambient")
            if override
            else None
        )
        max_temperature_c = st.slider("Temperature limit [°C]", 40, 90, 60, key="tmax")
        run = st.button("Fly", type="primary", use_container_width=True)

    with right:
        if not run:
            st.info("Choose a mission, a cell and a pack, then press **Fly**.")
            return
        try:
            with st.spinner("Flying the mission on the cell model..."):
                series_df, summary = fly(
                    cell_id,
                    mission_id,
                    int(series),
                    int(parallel),
                    model.value,
                    ambient_c,
                    float(max_temperature_c),
                )
        except SortieError as error:
            st.error(str(error))
            return
        _verdict(summary)
        st.caption(f"Hardest phase (highest cell current): {summary['hardest_segment']}")
        _figures(summary)
        st.plotly_chart(mission_figure(series_df, max_temperature_c), use_container_width=True)
        if "phases" in summary:
            with st.expander("Flight phases: mass, speed and pack power"):
                st.dataframe(_phase_display(summary["phases"]), hide_index=True)
        for warning in summary["warnings"]:
            st.warning(warning)


def _verdict(summary: dict) -> None:
    if summary["mission_completed"]:
        st.success(
            f"## Mission completed, landed with {100 * summary['final_state_of_charge']:.0f} % "
            "state of charge",
            icon=":material/check_circle:",
        )
    else:
        st.error(
            f"## Not completed: {summary['termination_reason']} in "
            f"'{summary['final_segment']}' after {_minutes(summary['endurance_s'])} of "
            f"{_minutes(summary['mission_duration_s'])}\n\n{summary['termination_message']}",
            icon=":material/cancel:",
        )


def _figures(summary: dict) -> None:
    columns = st.columns(4)
    columns[0].metric("Endurance", _minutes(summary["endurance_s"]))
    columns[1].metric("Min cell voltage", f"{summary['min_cell_voltage_v']:.2f} V")
    columns[2].metric("Peak cell temperature", f"{summary['max_cell_temperature_c']:.1f} °C")
    columns[3].metric("Energy delivered", f"{summary['energy_delivered_wh']:.0f} Wh")
    columns = st.columns(4)
    pack = f"{summary['series_count']}S{summary['parallel_count']}P"
    columns[0].metric(f"Pack {pack} mass", f"{summary['pack_mass_kg']:.2f} kg")
    columns[1].metric("Pack energy", f"{summary['pack_energy_wh']:.0f} Wh")
    columns[2].metric(
        "Cell energy density", f"{summary['gravimetric_energy_density_wh_per_kg']:.0f} Wh/kg"
    )
    columns[3].metric(
        "Cell volumetric density", f"{summary['volumetric_energy_density_wh_per_l']:.0f} Wh/L"
    )


def _phase_display(phases: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Phase": phases["phase"],
            "Duration [s]": phases["duration_s"].round(0),
            "Mass [kg]": phases["mass_kg"].round(2),
            "Altitude [m]": phases["altitude_m"].round(0),
            "Speed [m/s]": phases["speed_m_per_s"].round(1),
            "Climb [m/s]": phases["climb_rate_m_per_s"].round(1),
            "Pack power [W]": phases["pack_power_w"].round(0),
        }
    )
