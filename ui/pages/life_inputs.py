"""The Sortie life page's inputs: the mission, drone and pack as the compare page has them
(the same widgets and keys, so both pages fly the same mission), the cells, the model, and
what a life repeats: sorties, recharge, turnaround, storage.

A cell whose chemistry has no degradation data is said so here, before any run; the run then
shows it without a life (the domain's refusal), never with a fade made up for it."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

import streamlit as st
from pydantic import ValidationError

from sortie.errors import describe_validation_error
from sortie.models.settings import ModelKind
from sortie.presets import PresetKind, list_presets, load_drone
from sortie.quantities import MODEL_LABELS
from sortie.studies.comparison import cell_of, compiled_of
from sortie.studies.life_spec import (
    MAX_SORTIES,
    RECHARGE_PRESETS,
    LifeSpec,
    Recharge,
    RechargeMode,
    Storage,
    degradation_mechanisms,
    degradation_source,
)
from sortie.studies.scenario import MAX_CELLS, Scenario, scenario_from_dict, scenario_key
from ui.guard import USER_ERRORS, user_message
from ui.state import session
from ui.text.i18n import message, name_of, number, tr
from ui.widgets import mission_input
from ui.widgets.number_field import number_field

# Two cells with degradation data, an energy and a power design: both age on OKane2022's
# electrochemistry and degradation data (every mechanism), each with its own design.
DEFAULT_CELLS = ("lg-m50-21700", "nmc811-high-power-21700")
DEFAULT_MISSION = "quad-isr-loiter"
# The full model: a hundred DFN sorties of the ISR loiter take ~10 s per cell (measured: LG
# M50 9.8 s, NMC811 power cell 10.4 s, on one core). The SPMe is hardly faster (8-9 s) and
# reads less fade (99.57 % of new after 100 sorties of the LG M50, the DFN 99.22 %).
DEFAULT_MODEL = ModelKind.DFN.value
DEFAULT_SORTIES = 100
CUSTOM_C_RATE, CHARGER_POWER = "c-rate", "power"
C_RATE_RANGE = (0.01, 6.0)
VOLTAGE_RANGE_V = (3.0, 4.5)
CHARGER_POWER_RANGE_W = (1.0, 100_000.0)
TURNAROUND_RANGE_MIN = (0.0, 7 * 24 * 60.0)
GROUND_RANGE_C = (-40.0, 60.0)
STORAGE_DAYS_RANGE = (0.1, 3650.0)
STORAGE_TEMPERATURE_RANGE_C = (-40.0, 70.0)
STORAGE_SOC_RANGE_PERCENT = (5.0, 100.0)


@dataclass(frozen=True)
class LifeInputs:
    """One life run: the scenario (mission, cells, pack, model) and the life's spec;
    ``signature`` tells a kept result whether it is this run's; ``described`` is what the
    JSON export records of the inputs."""

    scenario: Scenario
    spec: LifeSpec
    names: tuple[str, ...]
    mission_duration_s: float
    signature: str
    described: dict[str, Any]


def _seed(key: str, value: object) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def _seed_mission() -> None:
    """The mission widgets' first values when the compare page has not set them yet."""
    _seed("mission_source", "preset")
    _seed("mission_preset", DEFAULT_MISSION)


def _seed_pack(drone_id: str | None) -> None:
    if drone_id:
        drone = load_drone(drone_id)
        _seed("series", drone.series_count)
        _seed("parallel", drone.parallel_count)
    _seed("series", session.DEFAULT_SERIES_COUNT)
    _seed("parallel", session.DEFAULT_PARALLEL_COUNT)


def cell_labels() -> dict[str, str]:
    """Option key -> name of every cell a life may fly: the presets and the session's own."""
    presets = {p.id: name_of(p) for p in list_presets(PresetKind.CELL)}
    own = {k: v["name"] for k, v in session.own_cells().items()}
    return {**presets, **own}


def mechanisms_text(mechanisms: tuple) -> str:
    """The mechanisms in the session's language; "none" when there are none."""
    if not mechanisms:
        return tr("none", "keine")
    return ", ".join(message(m.value) for m in mechanisms)


def _cells() -> list[str]:
    labels = cell_labels()
    state = st.session_state
    _seed("life_cells", [c for c in DEFAULT_CELLS if c in labels])
    state["life_cells"] = [c for c in state["life_cells"] if c in labels]
    selected = st.multiselect(
        tr(f"Cells (up to {MAX_CELLS})", f"Zellen (bis {MAX_CELLS})"),
        list(labels),
        format_func=labels.get,
        max_selections=MAX_CELLS,
        key="life_cells",
        wrap=True,
    )
    if not selected:
        st.warning(tr("Pick at least one cell.", "Mindestens eine Zelle wählen."))
    return selected


def _cell_notes(scenario: Scenario, names: list[str]) -> None:
    """Which mechanisms each chosen cell has data for; a cell with none says so."""
    for index, name in enumerate(names):
        cell = cell_of(scenario, index)
        mechanisms = degradation_mechanisms(cell)
        if mechanisms:
            st.caption(
                f"**{name}**: {mechanisms_text(mechanisms)}; "
                + tr("data: ", "Daten: ")
                + message(degradation_source(cell) or "")
            )
        else:
            st.warning(
                tr(
                    f"{name}: no degradation data for its chemistry; no life is computed for "
                    "it (nothing is made up).",
                    f"{name}: keine Alterungsdaten für ihre Chemie; für sie wird keine "
                    "Lebensdauer berechnet (nichts wird erfunden).",
                ),
                icon=":material/block:",
            )


def _pack() -> tuple[int | None, int | None, str]:
    columns = st.columns(2)
    series = number_field(
        tr("Cells in series (S)", "Zellen in Reihe (S)"),
        key="series",
        min_value=1,
        max_value=400,
        integer=True,
        container=columns[0],
    )
    parallel = number_field(
        tr("Cells in parallel (P)", "Zellen parallel (P)"),
        key="parallel",
        min_value=1,
        max_value=400,
        integer=True,
        container=columns[1],
    )
    _seed("life_model", DEFAULT_MODEL)
    model = st.selectbox(
        tr("Cell model", "Zellmodell"),
        [m.value for m in ModelKind][::-1],
        format_func=lambda m: MODEL_LABELS[ModelKind(m)],
        key="life_model",
        help=tr(
            "DFN: the full model, a hundred sorties in about 10 s per cell. SPMe: hardly "
            "faster here, and reads less fade. SPM: fastest, reads high and misses "
            "self-heating.",
            "DFN: das vollständige Modell, hundert Einsätze in etwa 10 s je Zelle. SPMe: "
            "hier kaum schneller, und zeigt weniger Alterung. SPM: am schnellsten, Spannung "
            "zu hoch, ohne Eigenerwärmung.",
        ),
    )
    return series, parallel, model


def _recharge() -> tuple[Recharge | None, bool]:
    """The recharge (None: it is refused, the page says why) and whether a field blocks."""
    options = {
        **{
            name: tr(f"{name} ({preset.describe()})", f"{_PRESET_DE[name]} ({preset.describe()})")
            for name, preset in RECHARGE_PRESETS.items()
        },
        CUSTOM_C_RATE: tr("C-rate (CCCV)", "C-Rate (CCCV)"),
        CHARGER_POWER: tr("charger power (CV)", "Ladegerätleistung (CV)"),
    }
    _seed("life_recharge", "standard")
    choice = st.radio(
        tr("Recharge between sorties", "Nachladen zwischen den Einsätzen"),
        list(options),
        format_func=options.get,
        key="life_recharge",
        horizontal=True,
    )
    if choice in RECHARGE_PRESETS:
        return RECHARGE_PRESETS[choice], False
    columns = st.columns(2)
    _seed("life_cv_v", 4.2)
    voltage = number_field(
        tr("Charge voltage per cell [V]", "Ladeschlussspannung je Zelle [V]"),
        key="life_cv_v",
        min_value=VOLTAGE_RANGE_V[0],
        max_value=VOLTAGE_RANGE_V[1],
        step=0.05,
        container=columns[1],
    )
    if choice == CUSTOM_C_RATE:
        _seed("life_c_rate", 1.0)
        rate = number_field(
            tr("Charging current [C]", "Ladestrom [C]"),
            key="life_c_rate",
            min_value=C_RATE_RANGE[0],
            max_value=C_RATE_RANGE[1],
            step=0.1,
            container=columns[0],
        )
        values = {"c_rate": rate}
    else:
        _seed("life_charger_w", 500.0)
        power = number_field(
            tr("Charger power (pack) [W]", "Ladegerätleistung (Akku) [W]"),
            key="life_charger_w",
            min_value=CHARGER_POWER_RANGE_W[0],
            max_value=CHARGER_POWER_RANGE_W[1],
            step=50.0,
            container=columns[0],
        )
        values = {"mode": RechargeMode.POWER, "charger_power_w": power}
    if voltage is None or None in values.values():
        return None, True
    try:
        return Recharge(voltage_v=voltage, **values), False
    except USER_ERRORS as error:
        st.error(user_message(error), icon=":material/error:")
        return None, False


_PRESET_DE = {"gentle": "schonend", "standard": "normal", "fast": "schnell"}


def _ground() -> tuple[float | None, float | None, bool]:
    """Turnaround [min], the ground temperature [°C] (None: the mission's), whether a field
    blocks."""
    columns = st.columns(2)
    _seed("life_turnaround_min", 30.0)
    turnaround = number_field(
        tr("Turnaround on the ground [min]", "Bodenzeit nach dem Laden [min]"),
        key="life_turnaround_min",
        min_value=TURNAROUND_RANGE_MIN[0],
        max_value=TURNAROUND_RANGE_MIN[1],
        step=5.0,
        container=columns[0],
    )
    own = columns[1].checkbox(
        tr("Set the ground temperature", "Temperatur am Boden festlegen"),
        key="life_ground_on",
        help=tr(
            "Recharge and turnaround at this temperature; otherwise at the mission's first "
            "ambient.",
            "Nachladen und Bodenzeit bei dieser Temperatur; sonst bei der ersten "
            "Umgebungstemperatur der Mission.",
        ),
    )
    ground = None
    if own:
        _seed("life_ground_c", 20.0)
        ground = number_field(
            tr("Ground temperature [°C]", "Temperatur am Boden [°C]"),
            key="life_ground_c",
            min_value=GROUND_RANGE_C[0],
            max_value=GROUND_RANGE_C[1],
            container=columns[1],
        )
    return turnaround, ground, turnaround is None or (own and ground is None)


def _storage() -> tuple[Storage | None, bool]:
    """The storage between campaigns (None: none) and whether a field blocks."""
    if not st.checkbox(
        tr("Storage between campaigns", "Lagerung zwischen den Kampagnen"), key="life_storage"
    ):
        return None, False
    columns = st.columns(2)
    _seed("life_storage_days", 90.0)
    days = number_field(
        tr("Days in storage", "Tage im Lager"),
        key="life_storage_days",
        min_value=STORAGE_DAYS_RANGE[0],
        max_value=STORAGE_DAYS_RANGE[1],
        container=columns[0],
    )
    _seed("life_storage_c", 25.0)
    temperature = number_field(
        tr("Storage temperature [°C]", "Lagertemperatur [°C]"),
        key="life_storage_c",
        min_value=STORAGE_TEMPERATURE_RANGE_C[0],
        max_value=STORAGE_TEMPERATURE_RANGE_C[1],
        container=columns[1],
    )
    _seed("life_storage_soc", 50.0)
    soc = number_field(
        tr("Stored at charge [%]", "Gelagert bei Ladung [%]"),
        key="life_storage_soc",
        min_value=STORAGE_SOC_RANGE_PERCENT[0],
        max_value=STORAGE_SOC_RANGE_PERCENT[1],
        container=columns[0],
    )
    _seed("life_storage_every", 0)
    every = number_field(
        tr("A storage after every K sorties (0: once, halfway)", "Lagerung nach je K Einsätzen "
           "(0: einmal, zur Hälfte)"),
        key="life_storage_every",
        min_value=0,
        max_value=MAX_SORTIES,
        integer=True,
        container=columns[1],
    )
    if None in (days, temperature, soc, every):
        return None, True
    storage = Storage(
        days=float(days),
        temperature_c=float(temperature),
        state_of_charge=float(soc) / 100.0,
        every_sorties=int(every) or None,
    )
    return storage, False


def _spec() -> tuple[LifeSpec | None, bool]:
    """The life's spec (None: refused or blocked) and whether a field blocks the run."""
    _seed("life_sorties", DEFAULT_SORTIES)
    sorties = number_field(
        tr("Sorties", "Einsätze"),
        key="life_sorties",
        min_value=1,
        max_value=MAX_SORTIES,
        integer=True,
    )
    recharge, recharge_blocked = _recharge()
    turnaround, ground, ground_blocked = _ground()
    try:
        storage, storage_blocked = _storage()
    except USER_ERRORS as error:
        st.error(user_message(error), icon=":material/error:")
        return None, False
    if sorties is None or recharge_blocked or ground_blocked or storage_blocked:
        return None, True
    if recharge is None:
        return None, False
    try:
        spec = LifeSpec(
            sorties=int(sorties),
            recharge=recharge,
            turnaround_s=float(turnaround) * 60.0,
            ground_temperature_c=ground,
            storage=storage,
        )
    except USER_ERRORS as error:
        st.error(user_message(error), icon=":material/error:")
        return None, False
    return spec, False


def inputs() -> tuple[LifeInputs | None, bool]:
    """The run the inputs spell (None when they spell none: the page says why), and whether a
    field holds an invalid number (then nothing may run)."""
    _seed_mission()
    st.subheader(tr("Mission", "Mission"))
    mission = mission_input.mission_input()
    drone_id, payload = mission_input.drone_input(mission)
    st.subheader(tr("Cells and pack", "Zellen und Akku"))
    cells = _cells()
    _seed_pack(drone_id)
    series, parallel, model = _pack()
    st.subheader(tr("Life", "Lebensdauer"))
    spec, spec_blocked = _spec()
    blocked = spec_blocked or None in (series, parallel) or (drone_id and payload is None)
    if blocked:
        return None, True
    if not cells or spec is None:
        return None, False
    data: dict[str, Any] = {
        "mission": mission,
        "cells": [dataclasses.asdict(session.choice_of(option)) for option in cells],
        "series_count": series,
        "parallel_count": parallel,
        "model": model,
    }
    if drone_id:
        data["drone"] = drone_id if drone_id != mission_input.mission_drone(mission) else None
        if payload is not None and payload != load_drone(drone_id).payload_kg:
            data["payload_kg"] = payload
    labels = cell_labels()
    names = [labels[option] for option in cells]
    try:
        scenario = scenario_from_dict(data)
        duration_s = compiled_of(scenario, 0).mission.duration_s
        _cell_notes(scenario, names)
    except ValidationError as error:
        st.error(message(describe_validation_error(error, "the mission as flown")))
        return None, False
    except USER_ERRORS as error:
        st.error(user_message(error), icon=":material/error:")
        return None, False
    described = {
        "scenario": json.loads(scenario_key(scenario)),
        "sorties": spec.sorties,
        "recharge": spec.recharge.describe(),
        "turnaround_min": spec.turnaround_s / 60.0,
        "ground_temperature_c": spec.ground_temperature_c,
        "storage": None if spec.storage is None else dataclasses.asdict(spec.storage),
    }
    signature = json.dumps(described, sort_keys=True) + repr(spec)
    st.caption(
        tr(
            f"{len(names)} cell(s), {number(spec.sorties)} sorties each: mission, recharge "
            f"{spec.recharge.describe()}, {number(spec.turnaround_s / 60)} min on the ground.",
            f"{len(names)} Zelle(n), je {number(spec.sorties)} Einsätze: Mission, Nachladen "
            f"{message(spec.recharge.describe())}, {number(spec.turnaround_s / 60)} min am "
            "Boden.",
        )
    )
    return LifeInputs(scenario, spec, tuple(names), duration_s, signature, described), False
