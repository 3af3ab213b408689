"""What the explorer keeps: the shared runner (one per server), and per session the user's own
cells and mission, and the scenario last compared.

Widgets are keyed; a scenario (from a shared URL or a reloaded JSON export) is applied by
writing those keys before the widgets are drawn, so the page shows exactly that selection.
Streamlit refuses a write to a widget's key once that widget is on the page, so a change
decided later in a run (a loaded view, an uploaded cell, a design from the cell designer) is
queued here and applied at the top of the compare page's next run (:func:`apply_pending`).
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

import streamlit as st

from sortie.errors import InputError
from sortie.models.settings import DEFAULT_MAX_TEMPERATURE_C
from sortie.studies.comparison import fly_task
from sortie.studies.runner import Priority, Runner
from sortie.studies.scenario import (
    MAX_CELLS,
    CellChoice,
    PackSizing,
    Scenario,
    TradeOff,
    mission_of_choice,
    scenario_drone,
    scenario_from_dict,
    scenario_key,
    showcases,
)
from ui.text.i18n import tr

# The first view of the compare page; its models are built in every worker at start-up.
DEFAULT_SCENARIO = {
    "mission": {"preset": "quad-isr-loiter"},
    "cells": [
        {"preset": "lg-m50-21700"},
        {"preset": "nca-18650-power"},
        {"preset": "sodium-ion-18650"},
    ],
}
OWN_PREFIX = "own:"
# Keys of session state (widgets and stores).
OWN_CELLS = "own_cells"
OWN_MISSION = "own_mission"
COMPARED = "compared"
# Queued for the compare page's next run: widget values to set, own cells to select.
PENDING_INPUTS = "pending_inputs"
PENDING_CELLS = "pending_cells"
# Trade-off plots a link or a view opens: {"scenario": its key, "plots": [names]}.
REQUESTED_PLOTS = "requested_plots"
# The pack layout the page shows for a power profile (no drone to take it from).
DEFAULT_SERIES_COUNT = 6
DEFAULT_PARALLEL_COUNT = 2
# The compare page's temperature sliders [°C] (whole degrees).
AMBIENT_RANGE_C = (-30, 50)
MAX_TEMPERATURE_RANGE_C = (40, 90)
PRECOMPUTE_VARIABLE = "SORTIE_PRECOMPUTE_SHOWROOM"


@st.cache_resource(show_spinner=False)
def runner() -> Runner:
    """One process pool for every session of this server; the showroom's results are
    computed in the background once it is up (and kept on disk, see the runner)."""
    default = scenario_from_dict(DEFAULT_SCENARIO)
    shared = Runner(warm_tasks=[fly_task(default, i) for i in range(len(default.cells))])
    shared.start()
    if os.environ.get(PRECOMPUTE_VARIABLE, "1") != "0":
        for show in showcases():
            for index in range(len(show.scenario.cells)):
                shared.submit(fly_task(show.scenario, index), Priority.BACKGROUND)
    return shared


def own_cells() -> dict[str, dict[str, Any]]:
    """The session's own cells: option key -> ``{"name": ..., "choice": CellChoice dict}``."""
    return st.session_state.setdefault(OWN_CELLS, {})


def add_own_cell(name: str, choice: CellChoice) -> str:
    """Keep a cell for this session and return its option key (a name is never reused for a
    different cell: ``name (2)``)."""
    cells = own_cells()
    data = dataclasses.asdict(choice)
    for key, entry in cells.items():
        if entry["choice"] == data:
            return key
    label, number = name, 1
    while f"{OWN_PREFIX}{label}" in cells:
        number += 1
        label = f"{name} ({number})"
    key = f"{OWN_PREFIX}{label}"
    cells[key] = {"name": label, "choice": data}
    return key


def choice_of(option: str) -> CellChoice:
    if option.startswith(OWN_PREFIX):
        return CellChoice(**own_cells()[option]["choice"])
    return CellChoice(preset=option)


def option_of(choice: CellChoice, name: str) -> str:
    """The option key of ``choice``: a plain preset is itself, anything else is kept as an
    own cell."""
    if choice.preset is not None and not choice.overrides:
        return choice.preset
    return add_own_cell(name, choice)


def as_inputs(scenario: Scenario) -> Scenario:
    """``scenario`` as the compare page's inputs spell it once they show it: the pack layout
    always given (the drone's, or 6S2P for a power profile, when the scenario leaves it
    open), the drone and the payload only where they differ from the mission's and the
    drone's own, the temperatures in whole degrees (the sliders' steps). The same flight,
    and the same key as the page builds from its widgets, so a shared link does not read
    as "inputs changed" on opening. A temperature the sliders cannot show is an
    :class:`InputError` (the page would otherwise fly a value it does not show)."""
    for value_c, (low, high), what in (
        (scenario.ambient_c, AMBIENT_RANGE_C, ("ambient", "Die Umgebungstemperatur")),
        (
            scenario.max_temperature_c,
            MAX_TEMPERATURE_RANGE_C,
            ("temperature limit", "Die Temperaturgrenze"),
        ),
    ):
        if value_c is not None and not low <= round(value_c) <= high:
            raise InputError(
                tr(
                    f"The {what[0]} {value_c:g} °C is outside what this page sets "
                    f"({low} to {high} °C).",
                    f"{what[1]} {value_c:g} °C liegt außerhalb dessen, was diese Seite "
                    f"einstellt ({low} bis {high} °C).",
                )
            )
    plan = mission_of_choice(scenario.mission)
    drone_id = scenario.drone or plan.drone
    base = scenario_drone(dataclasses.replace(scenario, payload_kg=None))
    payload_kg = scenario.payload_kg
    if base is None or payload_kg == base.payload_kg:
        payload_kg = None
    return dataclasses.replace(
        scenario,
        drone=drone_id if drone_id and drone_id != plan.drone else None,
        series_count=scenario.series_count or (base.series_count if base else DEFAULT_SERIES_COUNT),
        parallel_count=scenario.parallel_count
        or (base.parallel_count if base else DEFAULT_PARALLEL_COUNT),
        payload_kg=payload_kg,
        ambient_c=None if scenario.ambient_c is None else float(round(scenario.ambient_c)),
        max_temperature_c=None
        if scenario.max_temperature_c is None
        else float(round(scenario.max_temperature_c)),
    )


def apply_scenario(
    scenario: Scenario,
    cell_names: list[str],
    compared: bool = True,
    plots: tuple[TradeOff, ...] = (),
) -> None:
    """Queue every input widget of the compare page to show ``scenario`` (as
    :func:`as_inputs` spells it); ``compared`` also shows its results, with the trade-off
    ``plots`` open. The widgets take the values at the top of the page's next run."""
    state = st.session_state
    scenario = as_inputs(scenario)
    plan = mission_of_choice(scenario.mission)
    drone = scenario_drone(scenario)
    values: dict[str, Any] = {}
    if scenario.mission.preset is not None:
        values["mission_source"] = "preset"
        values["mission_preset"] = scenario.mission.preset
    else:
        values["mission_source"] = "own"
        # Not a widget's key, but set with the rest so a half-applied view never shows.
        values[OWN_MISSION] = scenario.mission.document
    values["drone"] = scenario.drone or plan.drone or ""
    values["cells"] = [
        option_of(choice, name) for choice, name in zip(scenario.cells, cell_names, strict=True)
    ]
    if drone is not None:
        values["payload"] = float(drone.payload_kg)
    values["series"] = scenario.series_count
    values["parallel"] = scenario.parallel_count
    values["sizing"] = PackSizing(scenario.pack_sizing).value
    values["model"] = scenario.model.value
    values["ambient_on"] = scenario.ambient_c is not None
    ambient_c = scenario.ambient_c if scenario.ambient_c is not None else plan.ambient_c
    values["ambient"] = round(ambient_c)
    values["tmax_on"] = scenario.max_temperature_c is not None
    limit_c = scenario.max_temperature_c
    values["tmax"] = round(DEFAULT_MAX_TEMPERATURE_C if limit_c is None else limit_c)
    values[COMPARED] = scenario_key(scenario) if compared else None
    values[REQUESTED_PLOTS] = (
        {"scenario": scenario_key(scenario), "plots": [t.value for t in plots]}
        if compared and plots
        else None
    )
    # Cells queued from the cell designer stay queued: they join this view's cells.
    state[PENDING_INPUTS] = values


def queue_cell(option: str) -> bool:
    """Select ``option`` (an own cell's key) on the compare page's next run; False when the
    selection is already full (then nothing is queued)."""
    state = st.session_state
    pending = state.setdefault(PENDING_CELLS, [])
    queued = state.get(PENDING_INPUTS, {})
    # Before the first visit the compare page will start from the default view.
    selected = queued.get("cells", state.get("cells", _default_options()))
    if option in selected or option in pending:
        return True
    if len(selected) + len(pending) >= MAX_CELLS:
        return False
    pending.append(option)
    return True


def _default_options() -> list[str]:
    return [cell["preset"] for cell in DEFAULT_SCENARIO["cells"]]


def apply_pending() -> None:
    """Set what :func:`apply_scenario` and :func:`queue_cell` queued. Call before the compare
    page draws any of its widgets."""
    state = st.session_state
    for key, value in state.pop(PENDING_INPUTS, {}).items():
        if value is None:  # e.g. no comparison yet: nothing to show
            state.pop(key, None)
        else:
            state[key] = value
    added = state.pop(PENDING_CELLS, [])
    if added:
        cells = list(state.get("cells", []))
        cells += [option for option in added if option not in cells]
        state["cells"] = cells[:MAX_CELLS]


# Input widgets whose values must survive a visit to another page (Streamlit drops the state
# of widgets that a run does not draw; writing it back keeps it).
KEPT_INPUTS = (
    "mission_source",
    "mission_preset",
    "drone",
    "payload",
    "cells",
    "sizing",
    "series",
    "parallel",
    "ambient_on",
    "ambient",
    "tmax_on",
    "tmax",
    "model",
    # Sortie life (its mission, drone and pack are the ones above)
    "life_cells",
    "life_model",
    "life_sorties",
    "life_recharge",
    "life_c_rate",
    "life_cv_v",
    "life_charger_w",
    "life_turnaround_min",
    "life_ground_on",
    "life_ground_c",
    "life_storage",
    "life_storage_days",
    "life_storage_c",
    "life_storage_soc",
    "life_storage_every",
)


def keep_inputs() -> None:
    state = st.session_state
    for key in KEPT_INPUTS:
        if key in state:
            state[key] = state[key]


PENDING_DESIGN = "pending_design"


def open_in_designer(preset: str, changes: dict[str, float]) -> None:
    """Show ``preset`` with ``changes`` (design aliases) in the Cell designer on its next run
    (its widgets take the values before they are drawn)."""
    st.session_state[PENDING_DESIGN] = {"preset": preset, "changes": dict(changes)}
