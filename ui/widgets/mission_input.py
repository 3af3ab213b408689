"""The compare page's mission inputs: a preset, its phases edited in a table, or the user's
own file (flight log or mission TOML); the drone and payload that go with it."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
import tomli_w

from sortie.errors import SortieError
from sortie.models.flight_log_files import FLIGHT_LOG_SUFFIXES
from sortie.models.flight_plan import FlightPlan
from sortie.models.mission import FlightPhase
from sortie.presets import PresetKind, list_presets, load_drone, load_mission
from sortie.studies.scenario import MissionChoice, mission_document, mission_of_choice
from ui.guard import USER_ERRORS, user_message
from ui.state import session
from ui.text.i18n import description_of, german_mode, message, name_of, phase_text, tr
from ui.widgets.number_field import number_field
from ui.widgets.uploads import MAX_UPLOAD_BYTES, read_upload

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


def mission_drone(mission: dict[str, Any]) -> str | None:
    try:
        return mission_of_choice(_choice(mission)).drone
    except SortieError:
        return None


def _choice(mission: dict[str, Any]):
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


def mission_input() -> dict[str, Any]:
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
        upload_mb = MAX_UPLOAD_BYTES // 1_000_000
        upload = st.file_uploader(
            tr(
                "Flight log (.csv: time and power, or voltage and current; PX4 .ulg; ArduPilot "
                ".bin) or mission (.toml)",
                "Fluglog (.csv: Zeit und Leistung oder Spannung und Strom; PX4 .ulg; ArduPilot "
                ".bin) oder Mission (.toml)",
            ),
            type=[*(suffix.lstrip(".") for suffix in FLIGHT_LOG_SUFFIXES), "toml"],
            help=tr(
                f"Files up to {upload_mb} MB. A PX4 or ArduPilot log is flown as its measured "
                f"pack power, with the phases found in it. Logs over {upload_mb} MB: trim them "
                "to the flight, or use the command line (sortie run --mission flight.bin).",
                f"Dateien bis {upload_mb} MB. Ein PX4- oder ArduPilot-Log wird mit seiner "
                "gemessenen Pack-Leistung geflogen, mit den darin gefundenen Phasen. Logs über "
                f"{upload_mb} MB: auf den Flug kürzen oder die Kommandozeile nutzen (sortie run "
                "--mission flight.bin).",
            ),
            key="mission_upload",
        )
        if upload is not None and state.get("mission_upload_id") != upload.file_id:
            try:
                state[session.OWN_MISSION] = mission_document(upload.name, read_upload(upload))
                state["mission_upload_id"] = upload.file_id
            except USER_ERRORS as error:
                st.error(user_message(error))
        document = state.get(session.OWN_MISSION)
        if document is None:
            st.info(tr("Upload a file, or pick a preset.", "Datei hochladen oder Vorlage wählen."))
            source = "preset"
        else:
            st.caption(_document_caption(document))
            for caption in _log_captions(document):
                st.caption(caption)
            return {"document": document}
    missions = {p.id: p for p in list_presets(PresetKind.MISSION)}
    # Labels made now, in this run's language: AppTest calls format_func outside the run.
    labels = {i: name_of(p) for i, p in missions.items()}
    preset = st.selectbox(
        tr("Mission", "Mission"),
        list(missions),
        format_func=labels.get,
        key="mission_preset",
        on_change=_on_mission_change,
    )
    st.caption(description_of(missions[preset]))
    if source == "edit":
        return {"document": _phase_editor(preset)}
    return {"preset": preset}


def _document_caption(document: dict[str, Any]) -> str:
    """"name: description" of a user's mission document in the session's language: its own
    German texts where it has them, else the domain's English (a flight log's origin) through
    :func:`ui.text.i18n.message`; a user's own words stay as they are."""
    texts = []
    for field in ("name", "description"):
        english = str(document.get(field, "") or "")
        german = str(document.get(f"{field}_de", "") or "")
        texts.append((german or message(english)) if german_mode() else english)
    name, description = texts
    notes = _log_sources(document).get("flight log notes")
    if notes and not german_mode():
        # A flight log's notes get a line of their own (see _log_captions).
        description = description.removesuffix(f"; {notes}")
    elif notes:
        description = description.removesuffix(f"; {message(notes)}")
    # A flight log's description starts with its name already.
    return description if description.startswith(name) else f"{name}: {description}"


def _log_sources(document: dict[str, Any]) -> dict[str, str]:
    sources = document.get("sources")
    return sources if isinstance(sources, dict) else {}


def _log_captions(document: dict[str, Any]) -> list[str]:
    """The phases a PX4 or ArduPilot log showed and the notes on reading it (a CSV log has
    notes at most), in the session's language."""
    sources = _log_sources(document)
    captions = []
    if sources.get("flight log phases"):
        captions.append(
            tr("Phases found in the log: ", "In der Aufzeichnung gefundene Phasen: ")
            + message(str(sources["flight log phases"]))
        )
    if sources.get("flight log notes"):
        captions.append(
            tr("Notes on the log: ", "Hinweise zur Aufzeichnung: ")
            + message(str(sources["flight log notes"]))
        )
    return captions


def _shown_phase_name(phase: dict[str, Any]) -> str:
    """A phase's name in the editor: its German name in German (where it has one)."""
    return (phase.get("name_de") or phase["name"]) if german_mode() else phase["name"]


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
    # The table shows each phase by its name in the session's language; a row keeping a
    # preset phase's shown name gets both of its names back (the document stays the same in
    # either language), a name the user typed is the user's own.
    originals = {_shown_phase_name(phase): phase for phase in document["phases"]}
    shown = [{**phase, "name": _shown_phase_name(phase)} for phase in document["phases"]]
    table = pd.DataFrame(shown, columns=list(PHASE_COLUMNS))
    edited = st.data_editor(
        table,
        num_rows="dynamic",
        hide_index=True,
        key=f"phases-{preset}",
        column_config={
            "name": st.column_config.TextColumn(tr("Name", "Name"), required=True),
            "phase": st.column_config.SelectboxColumn(
                tr("Phase", "Phase"),
                options=[p.value for p in FlightPhase],
                format_func=phase_text,
                required=True,
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
    document["phases"] = [_phase_row(row, originals) for row in edited.to_dict("records")]
    document["name"] = f"{plan.name} (edited)"
    document["name_de"] = f"{plan.name_de or plan.name} (geändert)"
    st.download_button(
        tr("Save this mission (TOML)", "Mission speichern (TOML)"),
        tomli_w.dumps(document),
        file_name=f"{plan.id}-edited.toml",
        icon=":material/download:",
        key="save_mission",
        on_click="ignore",
    )
    return document


def _phase_row(row: dict[str, Any], originals: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A table row as a phase: empty cells dropped (the validator names what is missing); a
    preset phase's shown name (``originals``) as its English and German names."""
    phase = {
        k: v for k, v in row.items() if v is not None and not (isinstance(v, float) and v != v)
    }
    original = originals.get(phase.get("name"))
    if original is not None:
        phase["name"] = original["name"]
        if original.get("name_de"):
            phase["name_de"] = original["name_de"]
    return phase


def _plan_document(plan) -> dict[str, Any]:
    from pydantic import TypeAdapter

    document = TypeAdapter(type(plan)).dump_python(plan, mode="json", exclude_none=True)
    document.pop("sources", None)
    return document


# The scenario's bounds (sortie.studies.scenario.Scenario.payload_kg).
PAYLOAD_RANGE_KG = (0.0, 5000.0)


def drone_input(mission: dict[str, Any]) -> tuple[str | None, float | None]:
    """The chosen drone (None: the mission is a power profile) and its payload [kg]; the
    payload is None with a drone when its field holds no valid number (the field says why:
    the caller must not run)."""
    drones = {p.id: p for p in list_presets(PresetKind.DRONE)}
    options = ["", *drones]
    if st.session_state.get("drone") not in options:
        # A file may name a drone that is no preset: then none is chosen (the page says why).
        own = mission_drone(mission)
        st.session_state["drone"] = own if own in options else ""
    labels = {
        "": tr("none (power profile)", "keine (Leistungsprofil)"),
        **{i: name_of(p) for i, p in drones.items()},
    }
    drone_id = st.selectbox(
        tr("Drone", "Drohne"),
        options,
        format_func=labels.get,
        key="drone",
        on_change=_on_drone_change,
    )
    if not drone_id:
        return None, None
    st.session_state.setdefault("payload", float(load_drone(drone_id).payload_kg))
    payload = number_field(
        tr("Payload [kg]", "Nutzlast [kg]"),
        key="payload",
        min_value=PAYLOAD_RANGE_KG[0],
        max_value=PAYLOAD_RANGE_KG[1],
        step=0.1,
    )
    return drone_id, payload
