"""Compare cells on a mission: pick a mission and a drone, several cells and a pack, press one
button, read a verdict per cell and see the trade-offs."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from sortie.errors import SortieError, describe_validation_error
from sortie.models.flight import TooHeavyError
from sortie.models.settings import ModelKind
from sortie.presets import PresetKind, list_presets, load_drone
from sortie.studies.comparison import cell_of, compiled_of
from sortie.studies.scenario import (
    MAX_CELLS,
    PackSizing,
    Scenario,
    from_query,
    scenario_from_dict,
    scenario_key,
    to_query,
)
from sortie.studies.scenario import cell_choice as cell_choice_from_file
from ui import charts, export, mission_input, results, session
from ui.guard import USER_ERRORS, user_message
from ui.i18n import STATE_KEY, Language, language, tr
from ui.uploads import read_upload

# Browsers and proxies cut URLs around 8 kB; a view holding a BPX file does not fit.
MAX_URL_CHARS = 6000
# Model names are the same in every language; the help text explains them.
MODEL_LABELS = {ModelKind.DFN: "DFN", ModelKind.SPME: "SPMe", ModelKind.SPM: "SPM"}


def render() -> None:
    st.title(tr("Compare cells on a mission", "Zellen auf einer Mission vergleichen"))
    _first_visit()
    # Before any widget of this page: a loaded view, an uploaded or designed cell.
    session.apply_pending()
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
        except USER_ERRORS as error:
            st.error(user_message(error))
    default = scenario_from_dict(session.DEFAULT_SCENARIO)
    session.apply_scenario(default, cell_names(default), compared=False)


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
    mission = mission_input.mission_input()
    drone_id = mission_input.drone_input(mission)
    st.subheader(tr("Cells", "Zellen"))
    cells = _cells_input()
    st.subheader(tr("Pack and conditions", "Akku und Bedingungen"))
    data = {
        "mission": mission,
        "cells": cells,
        **_pack_and_conditions(),
    }
    if drone_id:
        data["drone"] = drone_id if drone_id != mission_input.mission_drone(mission) else None
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
        # Every cell's flight compiles here (cheap: no electrochemistry), so that what a file
        # or a link holds fails as one line on the page, never later in a worker.
        for index in range(len(scenario.cells)):
            cell_of(scenario, index)
        compiled_of(scenario, 0)
        for index in range(1, len(scenario.cells)):
            with contextlib.suppress(TooHeavyError):  # that cell's verdict card says so
                compiled_of(scenario, index)
    except ValidationError as error:  # the segments a valid plan compiles to (a crawl)
        st.error(
            describe_validation_error(error, tr("the mission as flown", "die Mission im Flug"))
        )
        return None
    except USER_ERRORS as error:
        st.error(user_message(error))
        return None
    if run:
        st.session_state[session.COMPARED] = scenario_key(scenario)
    _share(scenario)
    return scenario


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
            state.pop("cell_upload_error", None)
            try:
                choice, cell = cell_choice_from_file(upload.name, read_upload(upload))
                # The multiselect is drawn: it takes the new cell at the top of the next run.
                if session.queue_cell(session.add_own_cell(cell.name, choice)):
                    st.rerun()
                st.warning(_full_message())
            except USER_ERRORS as error:
                # Kept while this file stays in the box: the next rerun must not hide it.
                state["cell_upload_error"] = user_message(error)
        if upload is not None and state.get("cell_upload_error"):
            st.error(state["cell_upload_error"])
    if not selected:
        st.warning(tr("Pick at least one cell.", "Mindestens eine Zelle wählen."))
    return [dataclasses.asdict(session.choice_of(option)) for option in selected]


def _full_message() -> str:
    return tr(
        f"The comparison holds {MAX_CELLS} cells: remove one to add this cell.",
        f"Der Vergleich hat schon {MAX_CELLS} Zellen: erst eine entfernen.",
    )


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
    own_limit = st.checkbox(
        tr("Set the temperature limit", "Temperaturgrenze festlegen"),
        key="tmax_on",
        help=tr(
            "Default: each cell's chemistry limit from its datasheet (60 °C for most).",
            "Standard: die Grenze der Zellchemie laut Datenblatt (meist 60 °C).",
        ),
    )
    tmax = st.slider(
        tr("Temperature limit [°C]", "Temperaturgrenze [°C]"),
        40,
        90,
        key="tmax",
        disabled=not own_limit,
    )
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
        "max_temperature_c": float(tmax) if own_limit else None,
        "model": model,
    }


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
        scenario = export.scenario_from_view(read_upload(upload), upload.name)
        for index in range(len(scenario.cells)):  # flown once: refused here, by its name
            with contextlib.suppress(SortieError):  # said with the inputs (a pack to choose)
                compiled_of(scenario, index)
        # Queued: this page's widgets are drawn already; the next run starts with the view.
        session.apply_scenario(scenario, cell_names(scenario))
    except ValidationError as error:
        st.error(describe_validation_error(error, f"{upload.name}: the mission as flown"))
        return
    except USER_ERRORS as error:
        message = user_message(error)
        st.error(message if message.startswith(upload.name) else f"{upload.name}: {message}")
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
    flown = compiled_of(scenario, 0)
    phases = flown.phase_table()
    compared = st.session_state.get(session.COMPARED) is not None
    title = tr("Power profile", "Leistungsprofil") + f": {flown.mission.name}"
    with st.expander(title, expanded=not compared):
        st.plotly_chart(charts.profile_figure(flown.mission, language()), width="stretch")
        if phases is not None:
            st.dataframe(_phase_display(phases), hide_index=True, width="stretch")
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
