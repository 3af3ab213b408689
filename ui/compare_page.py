"""Compare cells on a mission: pick a mission and a drone, several cells and a pack, press one
button, read a verdict per cell and see the trade-offs."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st
import tomli_w

from sortie.errors import SortieError
from sortie.models.flight_plan import FlightPlan
from sortie.models.mission import FlightPhase
from sortie.models.settings import ModelKind
from sortie.presets import PresetKind, list_presets, load_drone, load_mission
from sortie.studies.comparison import cell_of
from sortie.studies.scenario import (
    MAX_CELLS,
    PackSizing,
    Scenario,
    flown_mission,
    from_query,
    mission_document,
    resolve_mission,
    scenario_from_dict,
    scenario_key,
    to_query,
)
from sortie.studies.scenario import cell_choice as cell_choice_from_file
from ui import charts, export, results, session
from ui.i18n import STATE_KEY, Language, language, tr

# Uploads larger than this are refused before parsing (server-wide cap: .streamlit/config.toml).
MAX_UPLOAD_BYTES = 5_000_000
# Browsers and proxies cut URLs around 8 kB; a view holding a BPX file does not fit.
MAX_URL_CHARS = 6000
PHASE_COLUMNS = (
    "name",
    "phase",
    "duration_s",
    "distance_m",
    "speed_m_per_s",
    "climb_rate_m_per_s",
    "altitude_change_m",
    "payload_drop_kg",
)
# Model names are the same in every language; the help text explains them.
MODEL_LABELS = {ModelKind.DFN: "DFN", ModelKind.SPME: "SPMe", ModelKind.SPM: "SPM"}


def render() -> None:
    st.title(tr("Compare cells on a mission", "Zellen auf einer Mission vergleichen"))
    _first_visit()
    left, right = st.columns([1, 2], gap="large")
    with left:
        scenario = _inputs()
    with right:
        if scenario is None:
            return
        _profile(scenario)
        compared = st.session_state.get(session.COMPARED)
        if compared is None:
            st.info(
                tr(
                    "Choose a mission and cells, then press **Compare**.",
                    "Mission und Zellen wählen, dann **Vergleichen** drücken.",
                )
            )
            return
        shown = scenario_from_dict(json.loads(compared))
        if scenario_key(scenario) != compared:
            st.info(
                tr(
                    "The inputs changed since this comparison: press **Compare** to update.",
                    "Die Eingaben haben sich geändert: **Vergleichen** drücken.",
                )
            )
        _results(shown, cell_names(shown))


def _first_visit() -> None:
    """A shared link (or nothing: the default view) sets the inputs once per session."""
    state = st.session_state
    if state.get("compare_ready"):
        return
    state["compare_ready"] = True
    try:
        shared = from_query({k: st.query_params.get_all(k) for k in st.query_params})
    except SortieError as error:
        st.error(
            tr(
                f"This link cannot be opened: {error}",
                f"Dieser Link lässt sich nicht öffnen: {error}",
            )
        )
        shared = None
    if shared is not None:
        try:
            session.apply_scenario(shared, cell_names(shared))
            return
        except SortieError as error:
            st.error(str(error))
    default = scenario_from_dict(session.DEFAULT_SCENARIO)
    session.apply_scenario(default, cell_names(default))
    state.pop(session.COMPARED, None)


def cell_names(scenario: Scenario) -> list[str]:
    """Display names: the cell's own name, marked when its design was changed."""
    names = []
    for index, choice in enumerate(scenario.cells):
        name = cell_of(scenario, index).name
        if choice.overrides:
            name += tr(" (edited)", " (geändert)")
        names.append(name if name not in names else f"{name} #{index + 1}")
    return names


# --- inputs --------------------------------------------------------------------------------------


def _inputs() -> Scenario | None:
    st.subheader(tr("Mission", "Mission"))
    mission = _mission_input()
    drone_id = _drone_input(mission)
    st.subheader(tr("Cells", "Zellen"))
    cells = _cells_input()
    st.subheader(tr("Pack and conditions", "Akku und Bedingungen"))
    data = {
        "mission": mission,
        "cells": cells,
        **_pack_and_conditions(),
    }
    if drone_id:
        data["drone"] = drone_id if drone_id != _mission_drone(mission) else None
        drone = load_drone(drone_id)
        payload = st.session_state.get("payload")
        if payload is not None and payload != drone.payload_kg:
            data["payload_kg"] = payload
    run = st.button(
        tr("Compare", "Vergleichen"),
        type="primary",
        width="stretch",
        icon=":material/play_arrow:",
        key="compare",
    )
    with st.expander(tr("Load a saved view (JSON)", "Gespeicherte Ansicht laden (JSON)")):
        _load_view()
    try:
        scenario = scenario_from_dict(data)
        for index in range(len(scenario.cells)):
            cell_of(scenario, index)
        flown_mission(scenario, cell_of(scenario, 0))
    except SortieError as error:
        st.error(str(error))
        return None
    if run:
        st.session_state[session.COMPARED] = scenario_key(scenario)
    _share(scenario)
    return scenario


def _mission_drone(mission: dict[str, Any]) -> str | None:
    try:
        return resolve_mission(_choice(mission)).drone
    except SortieError:
        return None


def _choice(mission: dict[str, Any]):
    from sortie.studies.scenario import MissionChoice

    return MissionChoice(**mission)


def _on_mission_change() -> None:
    """A new mission brings its drone's pack and payload, and its ambient."""
    state = st.session_state
    plan = load_mission(state["mission_preset"])
    state["drone"] = plan.drone or ""
    state["ambient"] = round(plan.ambient_c)
    _on_drone_change()


def _on_drone_change() -> None:
    state = st.session_state
    if not state.get("drone"):
        return
    drone = load_drone(state["drone"])
    state["payload"] = float(drone.payload_kg)
    state["series"] = drone.series_count
    state["parallel"] = drone.parallel_count


def _mission_input() -> dict[str, Any]:
    state = st.session_state
    sources = {
        "preset": tr("Preset", "Vorlage"),
        "edit": tr("Edit phases", "Phasen bearbeiten"),
        "own": tr("My file", "Eigene Datei"),
    }
    source = st.radio(
        tr("Mission from", "Mission aus"),
        list(sources),
        format_func=sources.get,
        horizontal=True,
        key="mission_source",
    )
    if source == "own":
        upload = st.file_uploader(
            tr(
                "Flight log (.csv: time and power, or voltage and current) or mission (.toml)",
                "Fluglog (.csv: Zeit und Leistung oder Spannung und Strom) oder Mission (.toml)",
            ),
            type=["csv", "toml"],
            key="mission_upload",
        )
        if upload is not None and state.get("mission_upload_id") != upload.file_id:
            try:
                state[session.OWN_MISSION] = mission_document(upload.name, _read(upload))
                state["mission_upload_id"] = upload.file_id
            except SortieError as error:
                st.error(str(error))
        document = state.get(session.OWN_MISSION)
        if document is None:
            st.info(tr("Upload a file, or pick a preset.", "Datei hochladen oder Vorlage wählen."))
            source = "preset"
        else:
            st.caption(f"{document.get('name', '')}: {document.get('description', '')}")
            return {"document": document}
    missions = {p.id: p for p in list_presets(PresetKind.MISSION)}
    preset = st.selectbox(
        tr("Mission", "Mission"),
        list(missions),
        format_func=lambda i: missions[i].name,
        key="mission_preset",
        on_change=_on_mission_change,
    )
    st.caption(missions[preset].description)
    if source == "edit":
        return {"document": _phase_editor(preset)}
    return {"preset": preset}


def _phase_editor(preset: str) -> dict[str, Any]:
    plan = load_mission(preset)
    if not isinstance(plan, FlightPlan):
        st.info(
            tr(
                "This mission is a power profile; it has no phases.",
                "Diese Mission ist ein Leistungsprofil ohne Phasen.",
            )
        )
        return _plan_document(plan)
    document = _plan_document(plan)
    table = pd.DataFrame(document["phases"], columns=list(PHASE_COLUMNS))
    edited = st.data_editor(
        table,
        num_rows="dynamic",
        hide_index=True,
        key=f"phases-{preset}",
        column_config={
            "name": st.column_config.TextColumn(tr("Name", "Name"), required=True),
            "phase": st.column_config.SelectboxColumn(
                tr("Phase", "Phase"), options=[p.value for p in FlightPhase], required=True
            ),
            "duration_s": st.column_config.NumberColumn(tr("Duration [s]", "Dauer [s]")),
            "distance_m": st.column_config.NumberColumn(tr("Distance [m]", "Strecke [m]")),
            "speed_m_per_s": st.column_config.NumberColumn(tr("Speed [m/s]", "Geschw. [m/s]")),
            "climb_rate_m_per_s": st.column_config.NumberColumn(tr("Climb [m/s]", "Steigen [m/s]")),
            "altitude_change_m": st.column_config.NumberColumn(
                tr("Height change [m]", "Höhenänderung [m]")
            ),
            "payload_drop_kg": st.column_config.NumberColumn(tr("Drop [kg]", "Abwurf [kg]")),
        },
    )
    document["phases"] = [_phase_row(row) for row in edited.to_dict("records")]
    document["name"] = f"{plan.name} ({tr('edited', 'geändert')})"
    st.download_button(
        tr("Save this mission (TOML)", "Mission speichern (TOML)"),
        tomli_w.dumps(document),
        file_name=f"{plan.id}-edited.toml",
        icon=":material/download:",
        key="save_mission",
        on_click="ignore",
    )
    return document


def _phase_row(row: dict[str, Any]) -> dict[str, Any]:
    """A table row as a phase: empty cells dropped (the validator names what is missing)."""
    return {k: v for k, v in row.items() if v is not None and not (isinstance(v, float) and v != v)}


def _plan_document(plan) -> dict[str, Any]:
    from pydantic import TypeAdapter

    document = TypeAdapter(type(plan)).dump_python(plan, mode="json", exclude_none=True)
    document.pop("sources", None)
    return document


def _drone_input(mission: dict[str, Any]) -> str | None:
    drones = {p.id: p for p in list_presets(PresetKind.DRONE)}
    options = ["", *drones]
    if st.session_state.get("drone") not in options:
        st.session_state["drone"] = _mission_drone(mission) or ""
    drone_id = st.selectbox(
        tr("Drone", "Drohne"),
        options,
        format_func=lambda i: drones[i].name if i else tr("none (power profile)", "keine"),
        key="drone",
        on_change=_on_drone_change,
    )
    if drone_id:
        st.session_state.setdefault("payload", float(load_drone(drone_id).payload_kg))
        st.number_input(
            tr("Payload [kg]", "Nutzlast [kg]"),
            min_value=0.0,
            max_value=5000.0,
            step=0.1,
            key="payload",
        )
    return drone_id or None


def _cells_input() -> list[dict[str, Any]]:
    state = st.session_state
    presets = {p.id: p.name for p in list_presets(PresetKind.CELL)}
    own = session.own_cells()
    labels = {**presets, **{k: v["name"] for k, v in own.items()}}
    state["cells"] = [c for c in state.get("cells", []) if c in labels]
    selected = st.multiselect(
        tr(f"Cells to compare (up to {MAX_CELLS})", f"Zellen im Vergleich (bis {MAX_CELLS})"),
        list(labels),
        format_func=labels.get,
        max_selections=MAX_CELLS,
        key="cells",
        wrap=True,  # long cell names: every chosen cell stays visible
    )
    with st.expander(
        tr(
            "Add my own cell (.toml design or BPX .json)",
            "Eigene Zelle hinzufügen (.toml-Design oder BPX-.json)",
        )
    ):
        upload = st.file_uploader(
            tr("Cell file", "Zelldatei"), type=["toml", "json"], key="cell_upload"
        )
        if upload is not None and state.get("cell_upload_id") != upload.file_id:
            state["cell_upload_id"] = upload.file_id
            try:
                choice, cell = cell_choice_from_file(upload.name, _read(upload))
                key = session.add_own_cell(cell.name, choice)
                if key not in state["cells"] and len(state["cells"]) < MAX_CELLS:
                    state["cells"] = [*state["cells"], key]
                st.rerun()
            except SortieError as error:
                st.error(str(error))
    if not selected:
        st.warning(tr("Pick at least one cell.", "Mindestens eine Zelle wählen."))
    import dataclasses

    return [dataclasses.asdict(session.choice_of(option)) for option in selected]


def _pack_and_conditions() -> dict[str, Any]:
    sizing_labels = {
        PackSizing.SAME_LAYOUT.value: tr("same S×P for every cell", "gleiches S×P für alle"),
        PackSizing.SAME_MASS.value: tr(
            "same pack mass (P per cell)", "gleiche Akkumasse (P je Zelle)"
        ),
    }
    sizing = st.radio(
        tr("Pack sizing", "Akkuauslegung"),
        list(sizing_labels),
        format_func=sizing_labels.get,
        key="sizing",
    )
    columns = st.columns(2)
    series = columns[0].number_input(
        tr("Cells in series (S)", "Zellen in Reihe (S)"), 1, 400, key="series"
    )
    parallel = columns[1].number_input(
        tr("Cells in parallel (P)", "Zellen parallel (P)"), 1, 400, key="parallel"
    )
    override = st.checkbox(
        tr("Set the ambient temperature", "Umgebungstemperatur festlegen"), key="ambient_on"
    )
    ambient = st.slider(
        tr("Ambient [°C]", "Umgebung [°C]"), -30, 50, key="ambient", disabled=not override
    )
    tmax = st.slider(tr("Temperature limit [°C]", "Temperaturgrenze [°C]"), 40, 90, key="tmax")
    model = st.selectbox(
        tr("Cell model", "Zellmodell"),
        [m.value for m in ModelKind][::-1],
        format_func=lambda m: MODEL_LABELS[ModelKind(m)],
        key="model",
        help=tr(
            "DFN: the full model, for verdicts. SPMe: faster, fragile above ~3C. SPM: fastest, "
            "reads high and misses self-heating: no thermal verdicts.",
            "DFN: vollständiges Modell, für Urteile. SPMe: schneller, instabil über ~3C. SPM: "
            "am schnellsten, Spannung zu hoch, ohne Eigenerwärmung: keine thermischen Urteile.",
        ),
    )
    return {
        "series_count": int(series),
        "parallel_count": int(parallel),
        "pack_sizing": sizing,
        "ambient_c": float(ambient) if override else None,
        "max_temperature_c": float(tmax),
        "model": model,
    }


def _read(upload) -> bytes:
    if upload.size > MAX_UPLOAD_BYTES:
        raise SortieError(
            tr(
                f"{upload.name}: {upload.size:,} bytes is too large (limit {MAX_UPLOAD_BYTES:,})",
                f"{upload.name}: {upload.size:,} Bytes sind zu groß (Grenze {MAX_UPLOAD_BYTES:,})",
            )
        )
    return upload.getvalue()


def _load_view() -> None:
    upload = st.file_uploader(
        tr("View file exported by Sortie", "Von Sortie exportierte Ansicht"),
        type=["json"],
        key="view_upload",
    )
    state = st.session_state
    if upload is None or state.get("view_upload_id") == upload.file_id:
        return
    state["view_upload_id"] = upload.file_id
    try:
        scenario = export.scenario_from_view(_read(upload))
        session.apply_scenario(scenario, cell_names(scenario))
    except SortieError as error:
        st.error(str(error))
        return
    st.rerun()


def _share(scenario: Scenario) -> None:
    """Keep the address bar in step with the inputs: the URL is the shareable view."""
    query = to_query(scenario)
    if sum(len(str(v)) for v in query.values()) > MAX_URL_CHARS:
        st.caption(
            tr(
                "This view is too large for a link: share the JSON export instead.",
                "Diese Ansicht passt in keinen Link: bitte den JSON-Export teilen.",
            )
        )
        query = {}
    if language() is not Language.EN:
        query[STATE_KEY] = language().value
    st.query_params.from_dict(query)


# --- outputs -------------------------------------------------------------------------------------


def _profile(scenario: Scenario) -> None:
    flown = flown_mission(scenario, cell_of(scenario, 0))
    compared = st.session_state.get(session.COMPARED) is not None
    title = tr("Power profile", "Leistungsprofil") + f": {flown.mission.name}"
    with st.expander(title, expanded=not compared):
        st.plotly_chart(charts.profile_figure(flown.mission, language()), width="stretch")
        if flown.phases is not None:
            st.dataframe(_phase_display(flown.phases), hide_index=True, width="stretch")
            st.caption(
                tr(
                    "Masses and powers for the first cell's pack.",
                    "Massen und Leistungen für den Akku der ersten Zelle.",
                )
            )


def _phase_display(phases: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            tr("Phase", "Phase"): phases["phase"],
            tr("Duration [s]", "Dauer [s]"): phases["duration_s"].round(0),
            tr("Mass [kg]", "Masse [kg]"): phases["mass_kg"].round(2),
            tr("Altitude [m]", "Höhe [m]"): phases["altitude_m"].round(0),
            tr("Speed [m/s]", "Geschw. [m/s]"): phases["speed_m_per_s"].round(1),
            tr("Pack power [W]", "Akkuleistung [W]"): phases["pack_power_w"].round(0),
        }
    )


def _results(scenario: Scenario, names: list[str]) -> None:
    outcomes = results.fly_all(scenario, names)
    figures = results.comparison(scenario, names, outcomes)
    st.subheader(tr("Trade-offs", "Zielkonflikte"))
    key = scenario_key(scenario)
    store = st.session_state.setdefault("tradeoffs", {})
    columns = st.columns(2)
    if columns[0].button(
        tr("Ragone plot", "Ragone-Diagramm"),
        icon=":material/scatter_plot:",
        key="ragone",
        width="stretch",
    ):
        store[("ragone", key)] = results.ragone(scenario, names)
    if columns[1].button(
        tr("Endurance from -30 to +50 °C", "Flugzeit von -30 bis +50 °C"),
        icon=":material/thermostat:",
        key="ambient_sweep",
        width="stretch",
    ):
        store[("ambient", key)] = results.ambient_sweep(scenario, names)
    for kind, heading in (
        ("ragone", tr("Ragone plot at 25 °C", "Ragone-Diagramm bei 25 °C")),
        (
            "ambient",
            tr("Endurance across ambient temperature", "Flugzeit über der Umgebungstemperatur"),
        ),
    ):
        figure = store.get((kind, key))
        if figure is not None:
            st.markdown(f"**{heading}**")
            st.plotly_chart(figure, width="stretch")
            figures.append((heading, figure))
    st.subheader(tr("Export and share", "Export und Teilen"))
    results.exports(scenario, names, outcomes, figures)
    st.caption(
        tr(
            "The address bar holds this view: copy it to share.",
            "Die Adresszeile enthält diese Ansicht: zum Teilen kopieren.",
        )
    )
