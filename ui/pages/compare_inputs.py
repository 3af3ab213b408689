"""The Compare page's inputs: mission, drone, cells, pack and conditions as one scenario,
a saved view loaded, and the address bar kept in step (the shareable link)."""

from __future__ import annotations

import contextlib
import dataclasses
from typing import Any

import streamlit as st
from pydantic import ValidationError

from sortie.errors import SortieError, describe_validation_error
from sortie.models.flight import TooHeavyError
from sortie.models.settings import ModelKind
from sortie.presets import PresetKind, list_presets, load_drone
from sortie.quantities import FIELDS, MODEL_LABELS
from sortie.studies.comparison import cell_of, compiled_of
from sortie.studies.scenario import (
    MAX_CELLS,
    PackSizing,
    Scenario,
    TradeOff,
    parse_json,
    plots_to_query,
    scenario_from_dict,
    scenario_key,
    to_query,
    trade_offs,
)
from sortie.studies.scenario import cell_choice as cell_choice_from_file
from ui.figures import export
from ui.guard import USER_ERRORS, user_message
from ui.state import session
from ui.text.i18n import (
    STATE_KEY,
    Language,
    language,
    message,
    name_of,
    tr,
)
from ui.widgets import mission_input, results
from ui.widgets.number_field import number_field
from ui.widgets.uploads import read_upload

# Browsers and proxies cut URLs around 8 kB; a view holding a BPX file does not fit.
MAX_URL_CHARS = 6000
# S and P as the registry has them (inside the scenario's bounds, sortie.studies.scenario).
SERIES, PARALLEL = FIELDS["pack.series_count"], FIELDS["pack.parallel_count"]


# Trade-off plots keep their figures per scenario here: {(plot name, scenario key): figure}.
TRADEOFFS = "tradeoffs"



def cell_names(scenario: Scenario) -> list[str]:
    """Display names in the session's language: the cell's own name, marked when its design
    was changed."""
    names = []
    for index, choice in enumerate(scenario.cells):
        name = name_of(cell_of(scenario, index))
        if choice.overrides:
            name += tr(" (edited)", " (geändert)")
        names.append(name if name not in names else f"{name} #{index + 1}")
    return names



def inputs() -> tuple[Scenario | None, bool]:
    """The scenario the inputs spell (None when they spell none: the page says why), and
    whether a number field holds an invalid number (then nothing may run or be shown)."""
    st.subheader(tr("Mission", "Mission"))
    mission = mission_input.mission_input()
    drone_id, payload = mission_input.drone_input(mission)
    st.subheader(tr("Cells", "Zellen"))
    cells = _cells_input()
    st.subheader(tr("Pack and conditions", "Akku und Bedingungen"))
    pack, sizing_slot = _pack_and_conditions()
    data = {"mission": mission, "cells": cells, **pack}
    blocked = None in (pack["series_count"], pack["parallel_count"])
    if drone_id:
        data["drone"] = drone_id if drone_id != mission_input.mission_drone(mission) else None
        drone = load_drone(drone_id)
        blocked = blocked or payload is None
        if payload is not None and payload != drone.payload_kg:
            data["payload_kg"] = payload
    run = st.button(
        tr("Compare", "Vergleichen"),
        type="primary",
        width="stretch",
        icon=":material/play_arrow:",
        key="compare",
        disabled=blocked,
    )
    with st.expander(tr("Load a saved view (JSON)", "Gespeicherte Ansicht laden (JSON)")):
        _load_view()
    if blocked:
        return None, True
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
        st.error(message(describe_validation_error(error, "the mission as flown")))
        return None, False
    except USER_ERRORS as error:
        st.error(user_message(error))
        return None, False
    if scenario.pack_sizing is PackSizing.SAME_MASS:
        note = results.sizing_note(scenario, cell_names(scenario))
        if note:
            sizing_slot.caption(note)
    if run:
        st.session_state[session.COMPARED] = scenario_key(scenario)
    share(scenario, open_plots(scenario))
    return scenario, False



def _cells_input() -> list[dict[str, Any]]:
    state = st.session_state
    presets = {p.id: name_of(p) for p in list_presets(PresetKind.CELL)}
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



def _pack_and_conditions() -> tuple[dict[str, Any], Any]:
    """The pack and conditions as scenario fields (S or P None: its field holds no valid
    number), and a slot under the pack fields for the same-mass note."""
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
    same_mass = sizing == PackSizing.SAME_MASS.value
    columns = st.columns(2)
    series = number_field(
        tr("Cells in series (S)", "Zellen in Reihe (S)"),
        key="series",
        min_value=int(SERIES.low_value),
        max_value=int(SERIES.high_value),
        integer=True,
        container=columns[0],
    )
    parallel = number_field(
        tr("P of the first cell (sets the target mass)", "P der ersten Zelle (legt Zielmasse fest)")
        if same_mass
        else tr("Cells in parallel (P)", "Zellen parallel (P)"),
        key="parallel",
        min_value=int(PARALLEL.low_value),
        max_value=int(PARALLEL.high_value),
        integer=True,
        container=columns[1],
        help=tr(
            "Same pack mass: the first cell's S×P pack sets the target mass; every other cell "
            "gets the P that brings its pack closest to that mass.",
            "Gleiche Akkumasse: Der S×P-Akku der ersten Zelle legt die Zielmasse fest; jede "
            "andere Zelle bekommt das P, mit dem ihr Akku dieser Masse am nächsten kommt.",
        )
        if same_mass
        else None,
    )
    sizing_slot = st.empty()
    override = st.checkbox(
        tr("Set the ambient temperature", "Umgebungstemperatur festlegen"), key="ambient_on"
    )
    ambient = st.slider(
        tr("Ambient [°C]", "Umgebung [°C]"),
        *session.AMBIENT_RANGE_C,
        key="ambient",
        disabled=not override,
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
        *session.MAX_TEMPERATURE_RANGE_C,
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
        "series_count": series,
        "parallel_count": parallel,
        "pack_sizing": sizing,
        "ambient_c": float(ambient) if override else None,
        "max_temperature_c": float(tmax) if own_limit else None,
        "model": model,
    }, sizing_slot



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
        data = read_upload(upload)
        scenario = export.scenario_from_view(data, upload.name)
        plots = _view_plots(data, upload.name)
        for index in range(len(scenario.cells)):  # flown once: refused here, by its name
            with contextlib.suppress(SortieError):  # said with the inputs (a pack to choose)
                compiled_of(scenario, index)
        # Queued: this page's widgets are drawn already; the next run starts with the view.
        session.apply_scenario(scenario, cell_names(scenario), plots=plots)
    except ValidationError as error:
        st.error(
            message(describe_validation_error(error, f"{upload.name}: the mission as flown"))
        )
        return
    except USER_ERRORS as error:
        text = user_message(error)
        st.error(text if text.startswith(upload.name) else f"{upload.name}: {text}")
        return
    st.rerun()



def _view_plots(data: bytes, name: str) -> tuple[TradeOff, ...]:
    """The trade-off plots open in an exported view (its ``plots``; none in older files)."""
    document = parse_json(data, name)
    return trade_offs(document.get("plots", []), f"{name}: plots")



def open_plots(scenario: Scenario) -> list[TradeOff]:
    """The trade-off plots drawn for ``scenario`` in this session."""
    store = st.session_state.get(TRADEOFFS, {})
    key = scenario_key(scenario)
    return [t for t in TradeOff if store.get((t.value, key)) is not None]



def share(scenario: Scenario, plots: list[TradeOff]) -> None:
    """Keep the address bar in step with the inputs: the URL is the shareable view, with the
    trade-off plots open for it."""
    query = {**to_query(scenario), **plots_to_query(plots)}
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
