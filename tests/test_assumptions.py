"""The assumptions of a flight are read off the flight as flown: changing one thing in the
setup changes that one assumption (and, where the physics couples them, the ones it feeds,
named here with the reason), in both languages."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from sortie.models.settings import ModelKind, SimulationSettings
from sortie.studies.assumptions import flight_assumptions
from sortie.studies.assumptions.item import Assumption, AssumptionKey
from sortie.studies.assumptions.wording import MAX_LISTED_PHASES
from sortie.studies.setup import resolve_setup
from tests.conftest import constant_mission

K = AssumptionKey
PLAN = "quad-isr-loiter"  # a flight plan: ISR quad, 6S2P of LG M50 (ORegan2022)


def _plan(changes: dict | None = None, **settings) -> tuple[Assumption, ...]:
    setup = resolve_setup(PLAN, settings=SimulationSettings(**settings), changes=changes)
    return flight_assumptions(setup)


def _profile(changes: dict | None = None, **settings) -> tuple[Assumption, ...]:
    """A power profile on a bare pack (no aircraft: the pack's mass feeds no power)."""
    setup = resolve_setup(
        constant_mission((600.0, 60.0), (300.0, 90.0), ambient_c=20.0),
        cell="lg-m50-21700",
        series_count=2,
        parallel_count=2,
        settings=SimulationSettings(**settings),
        changes=changes,
    )
    return flight_assumptions(setup)


def _by_key(items: tuple[Assumption, ...]) -> dict[AssumptionKey, Assumption]:
    return {item.key: item for item in items}


def _changed(before: tuple[Assumption, ...], after: tuple[Assumption, ...]) -> set[str]:
    """The keys whose sentence (either language) or numbers differ, or that one side lacks."""
    a, b = _by_key(before), _by_key(after)
    return {
        key.value
        for key in a.keys() | b.keys()
        if key not in a or key not in b or a[key] != b[key]
    }


def test_the_default_flight_says_what_was_flown():
    items = _by_key(_plan())
    assert "DFN" in items[K.CELL_MODEL].en and "ORegan2022" in items[K.CELL_MODEL].en
    assert "thermal network" in items[K.THERMAL].en and "3 x 4 grid" in items[K.THERMAL].en
    assert "lumped thermal model" not in " ".join(i.en for i in items.values())
    # The convection flown in each phase, not one fixed coefficient on a cell.
    convection = items[K.CONVECTION]
    assert convection.values["still_air_w_per_m2_k"] == 10.0
    assert len(convection.values["by_phase"]) == 5
    assert all(p["w_per_m2_k"] > 10.0 for p in convection.values["by_phase"])
    assert "x (1 + 0.12)" in items[K.PACK_MASS].en
    assert items[K.PACK_MASS].values["source"] == "cells + overhead"
    assert "ideal" in items[K.INTERCONNECT].en
    assert "-20 °C" in items[K.TEMPERATURE_LIMITS].en and "60 °C" in items[K.TEMPERATURE_LIMITS].en
    assert "20 %" in items[K.RESERVE].en
    assert "ISA" in items[K.ATMOSPHERE].en and "450 m" in items[K.ATMOSPHERE].en
    assert K.PREHEAT not in items  # no heater, no pre-heat sentence


def test_every_sentence_has_a_german_one_with_german_numbers():
    for item in (*_plan(), *_profile()):
        assert item.en and item.de and item.en != item.de, item.key
        assert not re.search(r"\d\.\d", item.de) or item.key in (
            K.CELL_MODEL,  # PyBaMM's version and the reference's volume (e.g. "26.10.1")
            K.CATALOGUE_CAVEATS,
        ), item.de
    german = " ".join(item.de for item in _plan())
    assert "ä" in german and "ü" in german and "ß" in german  # umlauts, not "ae"/"ss"
    assert "0,907 kg" in german and "1 + 0,12" in german
    json.dumps([item.to_dict() for item in _plan()], allow_nan=False)  # JSON-ready numbers


# One setup change each; the keys it must change, and only those.
CASES = [
    # The cell model: DFN / SPM / SPMe.
    ("model SPM", _plan, {}, {"model": ModelKind.SPM}, {"cell model"}),
    ("model SPMe", _plan, {}, {"model": ModelKind.SPME}, {"cell model"}),
    # Thermal network: what fills the gaps changes only the network.
    (
        "gap filler",
        _plan,
        {"pack.layout.gap_conductivity_w_per_m_k": 0.2},
        {},
        {"thermal model"},
    ),
    # Grid of the layout (as README documents it).
    (
        "layout 2 x 6",
        _plan,
        {"pack.layout.rows": 2, "pack.layout.columns": 6},
        {},
        # The enclosure's outside is a box of another shape: its flow length (forced
        # convection) changes with it.
        {"thermal model", "convection"},
    ),
    # An open frame: the cells meet the air, so the surface that convects changes too.
    ("open frame", _plan, {"pack.layout.sealed": False}, {}, {"thermal model", "convection"}),
    # Convection: the still-air coefficient, and the share of the airflow at the pack.
    ("still air h", _plan, {}, {"heat_transfer_coefficient_w_per_m2_k": 12.0}, {"convection"}),
    ("airflow exposure", _plan, {"pack.layout.airflow_exposure": 1.0}, {}, {"convection"}),
    # Pack mass: on a bare pack nothing else depends on it (no aircraft carries it).
    ("overhead", _profile, {"pack.mass_overhead_fraction": 0.2}, {}, {"pack mass"}),
    ("pinned mass", _profile, {"pack.mass_kg": 0.3}, {}, {"pack mass"}),
    # ... in an aircraft the take-off mass and the rotors' downwash (convection) follow it.
    (
        "pinned mass in an aircraft",
        _plan,
        {"pack.mass_kg": 0.95},
        {},
        {"pack mass", "aircraft", "convection"},
    ),
    ("interconnect", _plan, {"pack.interconnect_resistance_ohm": 0.02}, {}, {"interconnect"}),
    ("ambient set", _profile, {}, {"ambient_c": -10.0}, {"ambient"}),
    ("segment ambient", _profile, {"mission.segments.1.ambient_c": 5.0}, {}, {"ambient"}),
    ("max temperature", _plan, {}, {"max_temperature_c": 45.0}, {"temperature limits"}),
    ("min temperature", _plan, {}, {"min_temperature_c": -5.0}, {"temperature limits"}),
    ("start temperature", _plan, {}, {"start_temperature_c": -15.0}, {"start temperature"}),
    ("pre-heat", _plan, {}, {"heater_power_w": 80.0, "heater_duration_s": 600.0}, {"pre-heat"}),
    ("initial charge", _plan, {}, {"initial_state_of_charge": 0.8}, {"initial charge"}),
    ("reserve", _plan, {"mission.reserve_state_of_charge": 0.3}, {}, {"reserve"}),
    # Air density (ISA at the ground altitude): the forced convection depends on it.
    (
        "ground altitude",
        _plan,
        {"mission.ground_altitude_m": 2000.0},
        {},
        {"atmosphere", "convection"},
    ),
]


@pytest.mark.parametrize(
    ("build", "changes", "settings", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_changing_one_thing_changes_its_assumption_only(build, changes, settings, expected):
    assert _changed(build(), build(changes, **settings)) == expected


def test_the_numbers_of_each_change_are_in_its_sentence():
    items = _by_key(_plan({"pack.interconnect_resistance_ohm": 0.02}, heater_power_w=80.0,
                          heater_duration_s=600.0, max_temperature_c=45.0,
                          start_temperature_c=-15.0, model=ModelKind.SPM))  # fmt: skip
    assert "20.0 mOhm" in items[K.INTERCONNECT].en and "20,0 mOhm" in items[K.INTERCONNECT].de
    assert "80 W for 10 min" in items[K.PREHEAT].en and "13.3 Wh" in items[K.PREHEAT].en
    assert "45 °C (set)" in items[K.TEMPERATURE_LIMITS].en
    assert "-15 °C" in items[K.START_TEMPERATURE].en
    assert "SPM" in items[K.CELL_MODEL].en and "not for thermal verdicts" in items[K.CELL_MODEL].en
    pinned = _by_key(_plan({"pack.mass_kg": 0.95}))[K.PACK_MASS]
    assert pinned.values["source"] == "pinned" and "0.950 kg as weighed" in pinned.en
    drone = _by_key(_plan({"drone.pack_mass_overhead_fraction": 0.2}))[K.PACK_MASS]
    assert "(1 + 0.2)" in drone.en and "the drone's value" in drone.en
    assert "-10 °C in every phase" in _by_key(_profile(ambient_c=-10.0))[K.AMBIENT].en


def test_a_power_profile_has_still_air_and_no_aircraft():
    items = _by_key(_profile())
    assert "no airflow" in items[K.CONVECTION].en
    assert "without aircraft physics" in items[K.ATMOSPHERE].en
    assert K.AIRCRAFT not in items
    assert "No landing reserve" in items[K.RESERVE].en


def test_many_phases_are_given_as_a_range():
    mission = constant_mission(*[(60.0, 50.0)] * 20, ambient_c=20.0)
    mission = dataclasses.replace(
        mission,
        segments=tuple(
            dataclasses.replace(s, ambient_c=float(i)) for i, s in enumerate(mission.segments)
        ),
    )
    setup = resolve_setup(mission, cell="lg-m50-21700", series_count=2, parallel_count=2)
    ambient = _by_key(flight_assumptions(setup))[K.AMBIENT]
    assert len(mission.segments) > MAX_LISTED_PHASES
    assert "from 0.0 to 19.0 °C over 20 phases" in ambient.en
    assert "von 0,0 bis 19,0 °C über 20 Phasen" in ambient.de


def test_a_flight_too_heavy_to_compile_still_has_its_assumptions():
    setup = resolve_setup(PLAN, parallel_count=40)  # far above the quad's take-off mass
    items = _by_key(flight_assumptions(setup))
    assert "not known" in items[K.CONVECTION].en
    assert items[K.PACK].values["parallel_count"] == 40
    assert "Pack mass" in items[K.PACK_MASS].en


def test_an_endurance_question_states_its_own_reserve():
    setup = resolve_setup(PLAN)
    items = _by_key(flight_assumptions(setup, reserve_state_of_charge=0.25))
    assert "25 %" in items[K.RESERVE].en
