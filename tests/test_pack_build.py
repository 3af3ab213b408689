"""Packs as they are built: the overhead per drone or per pack, a pinned (weighed) pack mass,
and the interconnect's resistance as a loss the cells pay for."""

import dataclasses
import tomllib

import numpy as np
import pytest
import tomli_w

from sortie import engine as electrochemistry
from sortie.cells.pack import Pack, PackMassSource
from sortie.defaults import PACK_MASS_OVERHEAD_FRACTION
from sortie.errors import InputError
from sortie.models.flight import Grounded, NoFlight, compile_flight, fly, fly_many
from sortie.models.result import MissionSummary, TerminationReason
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.presets import load_cell
from sortie.presets.loader import DATA_DIR
from sortie.reports import format_summary
from sortie.studies.setup import apply_changes, assemble, built_pack, resolve_setup
from tests.conftest import constant_mission

SPME = SimulationSettings(model=ModelKind.SPME)
CHEN = "lg-m50-21700-chen2020"


@pytest.fixture(scope="module")
def chen():
    return load_cell(CHEN)


def _hover(compiled):
    (row,) = [row for row in compiled.phases if row.name == "hover on station"]
    return row


def test_pinned_mass_and_overhead_reach_the_take_off_mass_and_the_hover_power():
    base = resolve_setup("quad-isr-loiter")
    drone, budget = base.drone, base.cell.budget
    cells_kg = 12 * budget.mass_kg
    setups = {
        "default": base,
        "overhead 30 %": apply_changes(base, {"pack.mass_overhead_fraction": 0.3}),
        "pinned 1.2 kg": apply_changes(base, {"pack.mass_kg": 1.2}),
    }
    expected_kg = {
        "default": cells_kg * 1.12,
        "overhead 30 %": cells_kg * 1.3,
        "pinned 1.2 kg": 1.2,
    }
    compiled = {label: compile_flight(setup) for label, setup in setups.items()}
    for label, flight in compiled.items():
        assert flight.pack_mass_kg == pytest.approx(expected_kg[label]), label
        take_off_kg = drone.airframe_mass_kg + drone.payload_kg + expected_kg[label]
        assert flight.take_off_mass_kg == pytest.approx(take_off_kg), label
        assert _hover(flight).mass_kg == pytest.approx(take_off_kg), label
    # Momentum theory: hover shaft power T^1.5 / sqrt(2 rho A) / FM, so at the same air
    # density it scales with (m2 / m1)^1.5; the pack also feeds avionics and payload (fixed).
    fixed_w = drone.avionics_power_w + drone.payload_power_w
    light = _hover(compiled["default"])
    for label in ("overhead 30 %", "pinned 1.2 kg"):
        heavy = _hover(compiled[label])
        ratio = (heavy.mass_kg / light.mass_kg) ** 1.5
        assert heavy.air_density_kg_per_m3 == light.air_density_kg_per_m3
        assert heavy.shaft_power_w / light.shaft_power_w == pytest.approx(ratio, rel=1e-9)
        assert (heavy.pack_power_w - fixed_w) / (light.pack_power_w - fixed_w) == pytest.approx(
            ratio, rel=1e-9
        )
    # 2.48 kg -> 2.77 kg for a 1.2 kg pack: +18 % hover power on the rotors.
    assert (_hover(compiled["pinned 1.2 kg"]).shaft_power_w / light.shaft_power_w) == (
        pytest.approx(1.18, abs=0.01)
    )


def test_a_pinned_mass_below_the_cells_own_is_refused(chen):
    base = resolve_setup("quad-isr-loiter", settings=SPME)
    light = apply_changes(base, {"pack.mass_kg": 0.5})  # 12 cells weigh 0.81 kg
    with pytest.raises(InputError, match="less than its 12 cells weigh"):
        fly(light)
    (found,) = fly_many([light])
    assert isinstance(found, Grounded) and found.reason is NoFlight.INVALID
    pack = Pack(series_count=1, parallel_count=1, pinned_mass_kg=0.01)
    with pytest.raises(InputError, match="less than"):
        fly(assemble(chen, pack, constant_mission((60, 5.0))))
    # The mass itself is what was pinned (a sweep's table can show it); flights check it.
    assert pack.mass_kg(chen.budget) == 0.01
    with pytest.raises(InputError, match="less than"):
        pack.check_mass(chen.budget)
    # The cells' own mass exactly is a pack without overhead.
    exact = Pack(series_count=2, parallel_count=1, pinned_mass_kg=2 * chen.budget.mass_kg)
    assert exact.overhead_fraction(chen.budget) == pytest.approx(0, abs=1e-12)


def _drone_file(tmp_path, **fields):
    data = tomllib.loads((DATA_DIR / "drones" / "isr-quad.toml").read_text())
    path = tmp_path / "my-quad.toml"
    path.write_text(tomli_w.dumps({**data, "id": "my-quad", **fields}))
    return path


def test_a_drone_builds_its_pack_with_its_own_overhead_and_interconnect(tmp_path):
    drone = _drone_file(
        tmp_path, pack_mass_overhead_fraction=0.2, pack_interconnect_resistance_ohm=0.015
    )
    setup = resolve_setup("quad-isr-loiter", drone=drone)
    assert setup.pack.mass_overhead_fraction == 0.2
    assert setup.pack.interconnect_resistance_ohm == 0.015
    cells_kg = setup.pack.cells_mass_kg(setup.cell.budget)
    assert compile_flight(setup).pack_mass_kg == pytest.approx(1.2 * cells_kg)
    # The pack's own values come first; a drone change reaches the pack.
    own = resolve_setup(
        "quad-isr-loiter", drone=drone, changes={"pack.mass_overhead_fraction": 0.1}
    )
    assert own.pack.mass_overhead_fraction == 0.1
    changes = {"drone.pack_mass_overhead_fraction": 0.25}
    changed = resolve_setup("quad-isr-loiter", drone=drone, changes=changes)
    assert changed.pack.mass_overhead_fraction == 0.25
    # Resolved or applied to a setup (a sweep's design): the same setup.
    assert apply_changes(setup, changes) == changed
    # The preset drone gives none: Pack's defaults; swapping drones swaps the defaults.
    preset = resolve_setup("quad-isr-loiter")
    assert preset.pack.mass_overhead_fraction == PACK_MASS_OVERHEAD_FRACTION
    assert preset.pack.interconnect_resistance_ohm == 0
    assert apply_changes(setup, {"drone": "isr-quad"}).pack == preset.pack
    assert apply_changes(preset, {"drone": str(drone)}).pack == setup.pack


def test_the_summary_and_the_report_say_how_the_pack_was_built():
    base = resolve_setup("quad-isr-loiter", settings=SPME)
    pinned = apply_changes(base, {"pack.mass_kg": 0.95, "pack.interconnect_resistance_ohm": 0.02})
    flights = fly_many([base, pinned])
    plain, built = (flight.summary for flight in flights)
    assert plain.pack_mass_source is PackMassSource.OVERHEAD
    assert plain.pack_mass_overhead_fraction == pytest.approx(0.12)
    assert plain.interconnect_resistance_ohm == 0 and plain.interconnect_loss_wh == 0
    assert built.pack_mass_source is PackMassSource.PINNED
    assert built.pack_mass_kg == 0.95
    cells_kg = 12 * base.cell.budget.mass_kg
    assert built.pack_mass_overhead_fraction == pytest.approx(0.95 / cells_kg - 1)
    assert built.interconnect_resistance_ohm == 0.02 and built.interconnect_loss_wh > 0
    assert "(cells + 12 % overhead)" in format_summary(flights[0].result)
    text = format_summary(flights[1].result)
    assert "0.950 kg (pinned: cells + 17 %)" in text
    assert f"interconnect 20.0 mOhm: {built.interconnect_loss_wh:.2f} Wh lost" in text
    data = built.to_dict()
    assert data["pack_mass_source"] == "pinned"
    assert MissionSummary.from_dict(data) == built
    # A view saved before these fields: cells + overhead, ideal interconnect.
    old = {k: v for k, v in plain.to_dict().items() if "interconnect" not in k}
    old.pop("pack_mass_source")
    again = MissionSummary.from_dict(old)
    assert again.pack_mass_source is PackMassSource.OVERHEAD
    assert again.interconnect_loss_wh == 0


MISSION = constant_mission((600, 150.0), (300, 300.0))  # 12.5 and 25 W on each of 12 cells


def _pack(resistance_ohm: float) -> Pack:
    return dataclasses.replace(built_pack(6, 2), interconnect_resistance_ohm=resistance_ohm)


def fly_profile(cell, pack, mission, settings=None):
    """A power profile flown by ``pack`` alone through the one chain."""
    return fly(assemble(cell, pack, mission, settings=settings)).result


def test_the_interconnect_loss_balances_the_energy(chen):
    ideal = fly_profile(chen, _pack(0.0), MISSION)
    built = fly_profile(chen, _pack(0.02), MISSION)
    summary, series = built.summary, built.timeseries
    time_s = series.index.to_numpy()
    # The load gets the power it asks for, past the interconnect.
    assert summary.energy_delivered_wh == pytest.approx(MISSION.energy_wh, rel=2e-3)
    # The loss is the whole pack's I^2 R: the cells' shares (R x P / S each) add up to it.
    pack_loss_wh = 0.02 * np.trapezoid(series["pack_current_a"] ** 2, time_s) / 3600
    assert summary.interconnect_loss_wh == pytest.approx(pack_loss_wh, rel=1e-9)
    assert 0.3 < summary.interconnect_loss_wh < 0.6  # ~9 A for 15 min through 20 mOhm
    # Energy balance: the cells deliver what reached the terminals plus what was lost.
    cells_wh = 12 * np.trapezoid(series["cell_voltage_v"] * series["cell_current_a"], time_s)
    assert cells_wh / 3600 == pytest.approx(
        summary.energy_delivered_wh + summary.interconnect_loss_wh, rel=1e-5
    )
    # The pack's terminals sit the interconnect's drop below its cells.
    drop_v = series["pack_current_a"] * 0.02
    assert series["pack_voltage_v"].to_numpy() == pytest.approx(
        (6 * series["cell_voltage_v"] - drop_v).to_numpy(), rel=1e-12
    )
    # The loss comes out of the cells: more charge at about the mean voltage (within 10 %),
    # and it heats them.
    extra_ah = 12 * (ideal.summary.final_state_of_charge - summary.final_state_of_charge)
    extra_wh = extra_ah * summary.capacity_ah * series["cell_voltage_v"].mean()
    assert extra_wh == pytest.approx(summary.interconnect_loss_wh, rel=0.1)
    assert summary.max_cell_temperature_c > ideal.summary.max_cell_temperature_c + 0.5


def test_the_cut_off_is_the_cells_own_and_comes_sooner_through_a_resistance(chen):
    long = constant_mission((4 * 3600, 150.0))
    hot = SimulationSettings(max_temperature_c=90)
    ideal = fly_profile(chen, _pack(0.0), long, hot).summary
    built = fly_profile(chen, _pack(0.05), long, hot)
    summary = built.summary
    assert ideal.termination_reason is TerminationReason.VOLTAGE_CUTOFF
    assert summary.termination_reason is TerminationReason.VOLTAGE_CUTOFF
    # The cells stop at their own 2.5 V; the pack's terminals read lower.
    assert summary.min_cell_voltage_v == pytest.approx(2.5, abs=1e-3)
    assert built.timeseries["pack_voltage_v"].min() < 6 * 2.5 - 0.1
    assert summary.endurance_s < ideal.endurance_s


def test_one_built_model_serves_every_resistance_and_batches_equal_one_by_one(chen):
    settings = SimulationSettings(model=ModelKind.SPME, output_points=100)
    fly_profile(chen, _pack(0.0), MISSION, settings)
    built = electrochemistry.built_model_count()
    base = resolve_setup(MISSION, cell=CHEN, series_count=6, parallel_count=2, settings=settings)
    setups = [
        dataclasses.replace(base, pack=_pack(resistance_ohm))
        for resistance_ohm in (0.0, 0.05, 0.01)
    ]
    batched = fly_many(setups)
    assert electrochemistry.built_model_count() == built
    losses = [flight.summary.interconnect_loss_wh for flight in batched]
    assert losses[0] == 0 < losses[2] < losses[1]
    for flight, setup in zip(batched, setups, strict=True):
        alone = fly(setup).summary
        assert flight.summary.interconnect_loss_wh == pytest.approx(
            alone.interconnect_loss_wh, rel=1e-5
        )
        assert flight.summary.final_state_of_charge == pytest.approx(
            alone.final_state_of_charge, abs=1e-6
        )
        assert flight.summary.max_cell_temperature_c == pytest.approx(
            alone.max_cell_temperature_c, abs=1e-6
        )
