"""What the explorer keeps: the shared runner (one per server), and per session the user's own
cells and mission, and the scenario last compared.

Widgets are keyed; a scenario (from a shared URL or a reloaded JSON export) is applied by
writing those keys before the widgets are drawn, so the page shows exactly that selection.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

import streamlit as st

from sortie.studies.comparison import fly_task
from sortie.studies.runner import Priority, Runner
from sortie.studies.scenario import (
    CellChoice,
    PackSizing,
    Scenario,
    resolve_drone,
    resolve_mission,
    scenario_from_dict,
    scenario_key,
    showcases,
)

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


def apply_scenario(scenario: Scenario, cell_names: list[str]) -> None:
    """Set every input widget of the compare page to ``scenario``."""
    state = st.session_state
    plan = resolve_mission(scenario.mission)
    drone = resolve_drone(scenario, plan)
    if scenario.mission.preset is not None:
        state["mission_source"] = "preset"
        state["mission_preset"] = scenario.mission.preset
    else:
        state["mission_source"] = "own"
        state[OWN_MISSION] = scenario.mission.document
    state["drone"] = scenario.drone or plan.drone or ""
    state["cells"] = [
        option_of(choice, name) for choice, name in zip(scenario.cells, cell_names, strict=True)
    ]
    if drone is not None:
        state["payload"] = float(drone.payload_kg)
    state["series"] = scenario.series_count or (drone.series_count if drone else 6)
    state["parallel"] = scenario.parallel_count or (drone.parallel_count if drone else 2)
    state["sizing"] = PackSizing(scenario.pack_sizing).value
    state["model"] = scenario.model.value
    state["ambient_on"] = scenario.ambient_c is not None
    ambient_c = scenario.ambient_c if scenario.ambient_c is not None else plan.ambient_c
    state["ambient"] = round(ambient_c)
    state["tmax"] = round(scenario.max_temperature_c)
    state[COMPARED] = scenario_key(scenario)


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
    "tmax",
    "model",
)


def keep_inputs() -> None:
    state = st.session_state
    for key in KEPT_INPUTS:
        if key in state:
            state[key] = state[key]
