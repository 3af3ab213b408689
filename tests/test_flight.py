"""The one flight chain: setups resolved by one set of rules, compiled once with every stage
kept, flown alone or in batches with the same result, and the same summary from the command
line, the app's comparison and the studies."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sortie.errors import InfeasiblePowerError, InputError
from sortie.models.flight import (
    Grounded,
    NoFlight,
    TooHeavyError,
    compile_flight,
    fly,
    fly_many,
)
from sortie.models.flight_plan import phase_powers
from sortie.models.mission import FlightPhase
from sortie.models.result import TerminationReason
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.presets import load_cell, load_drone, load_mission
from sortie.studies.comparison import fly_cell, setup_of
from sortie.studies.scenario import scenario_from_dict
from sortie.studies.setup import (
    apply_changes,
    assemble,
    built_pack,
    parse_changes,
    resolve_setup,
)
from tests.conftest import constant_mission

SORTIE = Path(sys.executable).with_name("sortie")
SPME = SimulationSettings(model=ModelKind.SPME)


def test_defaults_come_from_the_presets_in_one_place():
    setup = resolve_setup("quad-isr-loiter", settings=SPME)
    drone = load_drone("isr-quad")  # the mission names it
    assert setup.drone == drone
    assert setup.cell == load_cell(drone.cell)  # the drone names the cell
    assert setup.pack == built_pack(6, 2, drone)  # and its pack
    other = resolve_setup("quad-isr-loiter", cell="nca-18650-power", parallel_count=4)
    assert other.cell.id == "nca-18650-power" and other.pack.parallel_count == 4
    assert other.pack.series_count == 6


def test_a_power_profile_without_drone_or_layout_is_refused():
    profile = constant_mission((60, 100.0))  # names no drone
    with pytest.raises(InputError, match="no pack layout"):
        resolve_setup(profile, cell="lg-m50-21700")
    flown = resolve_setup(profile, cell="lg-m50-21700", series_count=6, parallel_count=2)
    assert flown.drone is None and compile_flight(flown).take_off_mass_kg is None
    with pytest.raises(InputError, match="needs a drone"):
        assemble(load_cell("lg-m50-21700"), built_pack(6, 2), load_mission("quad-isr-loiter"))


def test_changes_reach_every_target():
    changes = parse_changes(
        [
            "positive_electrode_thickness_um=70",
            "drone.payload_kg=0.5",
            "mission.phases.2.duration_s=900",
            "pack.mass_overhead_fraction=0.2",
            "settings.ambient_c=5",
        ]
    )
    setup = resolve_setup("quad-isr-loiter", changes=changes)
    assert setup.cell.design.positive.coating_thickness_um == 70
    assert setup.drone.payload_kg == 0.5
    assert setup.mission.phases[2].duration_s == 900
    assert setup.pack.mass_overhead_fraction == 0.2
    assert setup.settings.ambient_c == 5
    # The same changes on a resolved setup (a sweep's design) give the same setup.
    assert apply_changes(resolve_setup("quad-isr-loiter"), changes) == setup
    swapped = apply_changes(setup, {"cell": "nca-18650-power"})
    assert swapped.cell.id == "nca-18650-power" and swapped.pack == setup.pack


def test_compiling_keeps_every_stage():
    setup = resolve_setup("quad-isr-loiter", settings=SPME)
    compiled = compile_flight(setup)
    pack_mass_kg = setup.pack.mass_kg(setup.cell.budget)
    assert compiled.pack_mass_kg == pytest.approx(pack_mass_kg)
    assert compiled.take_off_mass_kg == pytest.approx(setup.drone.take_off_mass_kg(pack_mass_kg))
    expected = phase_powers(setup.mission, setup.drone, pack_mass_kg)
    assert list(compiled.phases) == expected
    assert [s.power_w for s in compiled.mission.segments] == [p.pack_power_w for p in expected]
    assert list(compiled.phase_table()["phase"]) == [p.name for p in setup.mission.phases]


def test_a_flight_keeps_its_stages_and_a_typed_summary():
    flight = fly(resolve_setup("quad-isr-loiter", settings=SPME))
    summary = flight.summary
    assert summary.termination_reason is TerminationReason.END_OF_PROFILE
    assert summary.model is ModelKind.SPME and summary.final_phase is FlightPhase.LANDING
    assert summary.pack_mass_kg == pytest.approx(flight.compiled.pack_mass_kg)
    assert summary.to_dict()["termination_reason"] == "end of profile"


def test_what_cannot_fly_is_grounded_with_its_reason():
    base = resolve_setup("quad-isr-loiter", settings=SPME)
    heavy = apply_changes(base, {"pack.parallel_count": 14})
    # Hundreds of watts from one 3 Wh sodium-ion 18650: refused before any solve.
    weak = apply_changes(
        base,
        {
            "cell": "sodium-ion-18650",
            "pack.parallel_count": 1,
            "pack.series_count": 1,
            "drone.payload_kg": 3.0,
        },
    )
    flights = fly_many([base, heavy, weak, base])
    assert isinstance(flights[1], Grounded) and flights[1].reason is NoFlight.TOO_HEAVY
    assert isinstance(flights[2], Grounded) and flights[2].reason is NoFlight.INFEASIBLE_POWER
    assert flights[0].summary == flights[3].summary
    with pytest.raises(TooHeavyError, match="exceeds the drone's maximum"):
        fly(heavy)
    with pytest.raises(InfeasiblePowerError):
        fly(weak)


def test_a_batch_flies_like_one_by_one():
    base = resolve_setup("quad-isr-loiter", settings=SPME)
    setups = [
        apply_changes(base, {"positive_electrode_thickness_um": t}) for t in (62.0, 70.0, 78.0)
    ]
    for batched, setup in zip(fly_many(setups), setups, strict=True):
        alone = fly(setup).summary
        assert batched.summary.endurance_s == pytest.approx(alone.endurance_s, rel=1e-6)
        assert batched.summary.final_state_of_charge == pytest.approx(
            alone.final_state_of_charge, abs=1e-6
        )


@pytest.mark.slow
def test_command_line_app_and_studies_give_the_same_summary():
    """One setup three ways: ``sortie run --json``, the app's comparison task, and the
    Python studies (resolve_setup + fly)."""
    cli = subprocess.run(
        [
            str(SORTIE),
            "run",
            "--mission",
            "quad-isr-loiter",
            "--cell",
            "nca-18650-power",
            "--parallel",
            "3",
            "--model",
            "spme",
            "--set",
            "drone.payload_kg=0.4",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert cli.returncode == 0, cli.stderr
    from_cli = json.loads(cli.stdout)
    from_cli.pop("phases")
    from_cli.pop("assumptions")  # the assumptions as flown: CLI only
    scenario = scenario_from_dict(
        {
            "mission": {"preset": "quad-isr-loiter"},
            "cells": [{"preset": "nca-18650-power"}],
            "parallel_count": 3,
            "payload_kg": 0.4,
            "model": "spme",
        }
    )
    from_app = fly_cell(scenario, 0).summary.to_dict()
    studies = resolve_setup(
        "quad-isr-loiter",
        cell="nca-18650-power",
        parallel_count=3,
        settings=SPME,
        changes={"drone.payload_kg": 0.4},
    )
    assert setup_of(scenario, 0) == studies
    from_studies = fly(studies).summary.to_dict()
    assert from_app == from_studies
    assert from_cli.keys() == from_studies.keys()
    for key, value in from_studies.items():
        if isinstance(value, float):
            assert from_cli[key] == pytest.approx(value, rel=1e-9), key
        else:
            assert from_cli[key] == value, key
