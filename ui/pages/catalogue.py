"""The catalogue: cells with their budgets and honest fidelity flags, missions and drones.

Everything in the session's language: column headers, the presets' names and descriptions
(their German texts), format names, numbers (decimal comma in German), a chemistry's notes and
caveats. Bibliographic references and the chemistries' source notes are quoted as published
(English), under a heading that says so."""

from __future__ import annotations

import functools

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
from sortie.studies.life_spec import degradation_mechanisms, degradation_source
from ui.text.i18n import (
    description_of,
    fidelity_notes,
    fidelity_warnings,
    format_name,
    german_mode,
    message,
    name_of,
    number,
    styled_table,
    tr,
)

# The topics of a chemistry's sources (the keys of its ``sources`` table) in German.
SOURCE_TOPICS_DE = {
    "commercial comparison": "Vergleich mit kommerziellen Zellen",
    "current collector": "Stromableiter",
    "current collector conductivity": "Leitfähigkeit der Stromableiter",
    "current collector thickness": "Dicke der Stromableiter",
    "electrolyte": "Elektrolyt",
    "entropic coefficients": "Entropiekoeffizienten",
    "parameter set": "Parametersatz",
    "rate capability": "Belastbarkeit",
    "temperature limits": "Temperaturgrenzen",
}


def _provenance(value: Provenance) -> str:
    if value is Provenance.SUPPLIED:
        return tr("supplied by Sortie", "von Sortie ergänzt")
    return tr("from the parameter set", "aus dem Parametersatz")


@functools.cache
def _preset_names(kind: PresetKind) -> dict[str, object]:
    return {info.id: info for info in list_presets(kind)}


def _preset_name(kind: PresetKind, preset_id: str | None) -> str:
    """A preset's name in the session's language; an id that is no preset as it is."""
    info = _preset_names(kind).get(preset_id or "")
    return name_of(info) if info is not None else (preset_id or "–")


def cell_table() -> pd.DataFrame:
    rows = []
    for info in list_presets(PresetKind.CELL):
        cell = load_cell(info.id)
        budget, fidelity = cell.budget, cell.fidelity
        rows.append(
            {
                tr("cell", "Zelle"): name_of(cell),
                tr("format", "Format"): format_name(cell.design.format.name),
                tr("capacity [Ah]", "Kapazität [Ah]"): budget.capacity_ah,
                tr("energy [Wh]", "Energie [Wh]"): budget.energy_wh,
                tr("mass [g]", "Masse [g]"): budget.mass_g,
                "Wh/kg": budget.gravimetric_energy_density_wh_per_kg,
                "Wh/L": budget.volumetric_energy_density_wh_per_l,
                tr("T-dependent transport", "T-abhängiger Transport"): (
                    fidelity.temperature_dependent_transport
                ),
                tr("thermal data", "thermische Daten"): _provenance(fidelity.thermal_data),
                tr("parameter set", "Parametersatz"): cell.chemistry.parameter_set,
                tr("calibrated to measurements", "an Messungen kalibriert"): _calibrated(cell),
                tr("degradation data (Sortie life)", "Alterungsdaten (Lebensdauer)"): (
                    _degradation(cell)
                ),
            }
        )
    return pd.DataFrame(rows)


def _calibrated(cell) -> str:
    """The range a calibrated cell's measurements cover (flights beyond it are flagged in
    their assumptions); a dash for a literature cell."""
    covered = cell.design.calibrated_range
    if covered is None:
        return "–"
    low, high = number(covered.min_ambient_c, 0), number(covered.max_ambient_c, 0)
    return f"≤ {number(covered.max_c_rate, 1)}C, {low}–{high} °C"


def _degradation(cell) -> str:
    """The degradation mechanisms the cell has data for and where they come from; "none"
    (then the life page computes no life for it)."""
    mechanisms = degradation_mechanisms(cell)
    if not mechanisms:
        return tr("none", "keine")
    named = ", ".join(message(m.value) for m in mechanisms)
    return f"{named} ({message(degradation_source(cell) or '')})"


def _cell_decimals() -> dict[str, int]:
    return {
        tr("capacity [Ah]", "Kapazität [Ah]"): 2,
        tr("energy [Wh]", "Energie [Wh]"): 1,
        tr("mass [g]", "Masse [g]"): 1,
        "Wh/kg": 0,
        "Wh/L": 0,
    }


def drone_table() -> pd.DataFrame:
    rows = []
    for info in list_presets(PresetKind.DRONE):
        drone = load_drone(info.id)
        rows.append(
            {
                tr("drone", "Drohne"): name_of(info),
                tr("description", "Beschreibung"): description_of(info),
                tr("airframe [kg]", "Zelle ohne Akku [kg]"): drone.airframe_mass_kg,
                tr("payload [kg]", "Nutzlast [kg]"): drone.payload_kg,
                tr("pack", "Akku"): f"{drone.series_count}S{drone.parallel_count}P",
                tr("cell", "Zelle"): _preset_name(PresetKind.CELL, drone.cell),
                tr("cruise [m/s]", "Reise [m/s]"): drone.cruise_speed_m_per_s,
            }
        )
    return pd.DataFrame(rows)


def _drone_decimals() -> dict[str, int]:
    return {
        tr("airframe [kg]", "Zelle ohne Akku [kg]"): 2,
        tr("payload [kg]", "Nutzlast [kg]"): 2,
        tr("cruise [m/s]", "Reise [m/s]"): 1,
    }


def mission_table() -> pd.DataFrame:
    rows = []
    for info in list_presets(PresetKind.MISSION):
        mission = load_mission(info.id)
        rows.append(
            {
                tr("mission", "Mission"): name_of(info),
                tr("description", "Beschreibung"): description_of(info),
                tr("ambient [°C]", "Umgebung [°C]"): mission.ambient_c,
                tr("drone", "Drohne"): _preset_name(PresetKind.DRONE, mission.drone),
            }
        )
    return pd.DataFrame(rows)


def _chemistry_sources(chemistry) -> None:
    """Where the chemistry's data come from: the reference and the source notes, quoted as
    published (English); the topics in the session's language."""
    st.write(f"**{tr('Source', 'Quelle')}:** {chemistry.reference}")
    if not chemistry.sources:
        return
    if german_mode():
        st.caption("Quellenangaben, wie veröffentlicht (englisch):")
    for what, source in chemistry.sources.items():
        topic = SOURCE_TOPICS_DE.get(what, what) if german_mode() else what
        st.caption(f"{topic}: {source}")


def render() -> None:
    st.title(tr("Cells and presets", "Zellen und Vorlagen"))
    st.subheader(tr("Cells", "Zellen"))
    cells = cell_table()
    # Tall enough for every preset: no scrolling inside the table.
    st.dataframe(
        styled_table(cells, _cell_decimals()),
        hide_index=True,
        width="stretch",
        height=38 + 35 * len(cells),
    )
    st.subheader(tr("Chemistries: sources and caveats", "Chemien: Quellen und Einschränkungen"))
    for chemistry in chemistries().values():
        with st.expander(name_of(chemistry)):
            notes = fidelity_notes(chemistry)
            if notes:
                st.write(notes)
            for warning in fidelity_warnings(chemistry.fidelity):
                st.warning(warning)
            _chemistry_sources(chemistry)
    st.subheader(tr("Missions", "Missionen"))
    st.dataframe(
        styled_table(mission_table(), {tr("ambient [°C]", "Umgebung [°C]"): 0}),
        hide_index=True,
        width="stretch",
    )
    st.subheader(tr("Drones", "Drohnen"))
    st.dataframe(styled_table(drone_table(), _drone_decimals()), hide_index=True, width="stretch")
