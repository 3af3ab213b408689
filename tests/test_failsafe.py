"""Battery failsafe parameters (sortie.studies.failsafe*): real Sortie flights (SPM, a short
quadcopter sortie) and the worst-case logic on hand-made traces."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sortie.engine.voltage_limits import cell_voltage_window_v
from sortie.errors import InputError
from sortie.models.flight_plan import FlightPlan, Phase
from sortie.models.mission import FlightPhase
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.presets.loader import load_cell
from sortie.studies.failsafe import (
    SPECS,
    AmbientFlights,
    Level,
    PackFacts,
    Stack,
    Trace,
    check_range,
    pack_resistance_ohm,
    worst_trigger,
)
from sortie.studies.failsafe_flights import ambient_grid, failsafe_for, legs
from sortie.studies.setup import resolve_setup
from tests.conftest import constant_mission

NMC_CELL = "lg-m50-21700-chen2020"


def short_sortie(reserve: float = 0.2) -> FlightPlan:
    """Climb, hover on station, fly back, land: ~9 minutes on a 6S1P pack."""
    return FlightPlan(
        id="short-sortie",
        name="short sortie",
        description="test",
        drone="isr-quad",
        ambient_c=15.0,
        reserve_state_of_charge=reserve,
        phases=(
            Phase(name="climb", phase=FlightPhase.CLIMB, altitude_change_m=30.0,
                  climb_rate_m_per_s=3.0),
            Phase(name="hover", phase=FlightPhase.HOVER, duration_s=420.0),
            Phase(name="return", phase=FlightPhase.RETURN, distance_m=600.0,
                  speed_m_per_s=10.0),
            Phase(name="landing", phase=FlightPhase.LANDING, altitude_change_m=-30.0,
                  climb_rate_m_per_s=-2.0),
        ),
    )


def sortie_setup(cell: str = NMC_CELL, model: ModelKind = ModelKind.SPM, parallel: int = 1):
    return resolve_setup(
        short_sortie(),
        cell=cell,
        series_count=6,
        parallel_count=parallel,
        settings=SimulationSettings(model=model, ambient_c=15.0),
    )


def failsafe(setup, coldest_c: float):
    _, full_v = cell_voltage_window_v(setup.cell.chemistry)
    return failsafe_for(setup, coldest_c, full_v)


@pytest.fixture(scope="module")
def nmc_result():
    return failsafe(sortie_setup(), -10.0)


def test_every_value_within_its_stacks_documented_range(nmc_result):
    for parameter in nmc_result.parameters:
        check_range(parameter)  # raises outside
        spec = SPECS[parameter.name]
        assert spec.minimum is None or parameter.value >= spec.minimum, parameter
        assert spec.maximum is None or parameter.value <= spec.maximum, parameter
        assert parameter.reason and parameter.spec.source
    names = {p.name for p in nmc_result.parameters}
    assert names == set(SPECS)


def test_thresholds_are_ordered_and_consistent(nmc_result):
    value = nmc_result.value
    # PX4: low above critical above emergency; ArduPilot: low (RTL) above critical (land).
    assert value("BAT_LOW_THR") > value("BAT_CRIT_THR") > value("BAT_EMERGEN_THR")
    assert value("BATT_LOW_VOLT") > value("BATT_CRT_VOLT")
    assert value("BATT_LOW_MAH") > value("BATT_CRT_MAH")
    assert value("BATT_ARM_VOLT") > value("BATT_LOW_VOLT")
    # the landing reserve is a floor: the emergency level keeps at least the 20 %
    assert value("BAT_EMERGEN_THR") >= 0.2
    # empty per cell below full, and a 6S pack's voltages lie between 6 x empty and 6 x full
    assert 2.5 < value("BAT1_V_EMPTY") < value("BAT1_V_CHARGED") == pytest.approx(4.2)
    assert 6 * 2.5 < value("BATT_CRT_VOLT") < value("BATT_ARM_VOLT") <= 6 * 4.2
    assert nmc_result.warnings == ()


def test_capacity_is_parallel_strings_times_the_cells_rated_capacity():
    setup = sortie_setup(parallel=2)
    result = failsafe(setup, 15.0)
    rated_mah = 2 * 1000 * load_cell(NMC_CELL).budget.capacity_ah
    assert result.value("BAT1_CAPACITY") == result.value("BATT_CAPACITY")
    assert result.value("BAT1_CAPACITY") == pytest.approx(rated_mah, abs=1.0)
    assert result.value("BAT1_N_CELLS") == 6
    assert result.ambients_c == (15.0,)


def test_internal_resistance_is_per_cell_as_px4_applies_it(nmc_result):
    # PX4 (battery.cpp): cell_voltage = pack_voltage / n_cells + R_INTERNAL * pack_current,
    # so R_INTERNAL is the pack's resistance divided by the cells in series.
    assert nmc_result.pack_resistance_ohm is not None
    assert nmc_result.value("BAT1_R_INTERNAL") == pytest.approx(
        nmc_result.pack_resistance_ohm / 6, abs=1e-4
    )
    assert 0.001 < nmc_result.value("BAT1_R_INTERNAL") < 0.2


def test_resistance_from_the_voltage_steps_of_a_known_pack():
    time_s = np.arange(0.0, 200.0, 2.0)
    current_a = np.where(time_s < 100, 10.0, 30.0)
    voltage_v = 24.0 - 0.05 * current_a - 0.001 * time_s  # 50 mOhm, slow drift
    trace = Trace.of(time_s, voltage_v, current_a)
    assert pack_resistance_ohm(trace, [99.0]) == pytest.approx(0.05, rel=0.05)
    assert pack_resistance_ohm(trace, []) is None


def test_lfp_and_nmc_full_voltages_are_their_chemistries():
    _, nmc_v = cell_voltage_window_v(load_cell(NMC_CELL).chemistry)
    _, lfp_v = cell_voltage_window_v(load_cell("a123-26650-lfp").chemistry)
    assert nmc_v == pytest.approx(4.2)
    assert lfp_v == pytest.approx(3.6)


def _case(ambient_c: float, runout_end_mah: float, sag_v: float) -> AmbientFlights:
    """Hand-made flights: 10 A for 1000 s (mission: return from 800 s, landing from 950 s);
    the run-out holds 10 A until ``runout_end_mah``; its voltage falls from 24 V, ``sag_v``
    lower at this ambient."""
    time_s = np.arange(0.0, 1001.0, 1.0)
    mission = Trace.of(time_s, 24.0 - 0.003 * time_s, np.full_like(time_s, 10.0))
    runout_s = np.arange(0.0, runout_end_mah * 0.36 + 1.0, 1.0)
    runout = Trace.of(runout_s, 24.0 - sag_v - 0.002 * runout_s, np.full_like(runout_s, 10.0))
    return AmbientFlights(ambient_c, mission, runout, 800.0, 950.0, 1000.0, "voltage cut-off")


PACK = PackFacts(
    series_count=6,
    parallel_count=1,
    cell_capacity_ah=5.0,
    model_capacity_ah=5.0,
    full_cell_voltage_v=4.2,
    reserve_state_of_charge=0.2,
    initial_state_of_charge=1.0,
    chemistry_id="test",
)


def test_a_colder_ambient_never_lowers_a_trigger():
    warm = _case(15.0, 4800.0, 0.0)  # the reserve (4000 mAh drawn) comes before the cut-off
    cold = _case(-10.0, 3500.0, 0.6)  # the cold cut-off comes 500 mAh before the reserve
    for level in Level:
        alone = worst_trigger(PACK, [warm], level)
        both = worst_trigger(PACK, [warm, cold], level)
        assert both.remaining_mah > alone.remaining_mah
        assert both.remaining_fraction > alone.remaining_fraction
        assert both.pack_voltage_v >= alone.pack_voltage_v
        assert both.ambient_c == -10.0
        assert both.floor == "voltage cut-off of the held phase"
    # the return leg (200 s at 10 A = 555.6 mAh) on top of the cold floor (1500 mAh left)
    assert worst_trigger(PACK, [warm, cold], Level.RETURN).remaining_mah == pytest.approx(
        1500.0 + 555.6, abs=1.0
    )


def test_a_pack_that_cannot_keep_its_floor_is_one_clear_line():
    # a 90 % reserve leaves 500 mAh to fly, less than the return leg's 556 mAh
    greedy = dataclasses.replace(PACK, reserve_state_of_charge=0.9)
    with pytest.raises(InputError, match=r"-30 °C .*cannot fly the return leg.*90 % reserve"):
        worst_trigger(greedy, [_case(-30.0, 400.0, 1.0)], Level.RETURN)


def test_a_held_phase_that_ends_early_keeps_the_planned_turn_back():
    # The held phase would hit the cut-off (400 mAh) before the mission's own end (2778 mAh):
    # the mission still flew its return at its own power, so the trigger is its turn-back.
    early = _case(-30.0, 400.0, 1.0)
    found = worst_trigger(PACK, [early], Level.RETURN)
    assert found.remaining_mah == pytest.approx(5000.0 - 800 * 10 / 3.6, abs=1.0)
    assert found.floor == "landing as planned (voltage cut-off if held longer)"


def test_a_coldest_ambient_above_the_nominal_is_refused():
    with pytest.raises(InputError, match="--coldest-ambient-c 20 is above the nominal ambient 15"):
        ambient_grid(15.0, 20.0)
    assert ambient_grid(15.0, -10.0) == (15.0, 10.0, 5.0, 0.0, -5.0, -10.0)
    assert ambient_grid(15.0, -7.0) == (15.0, 10.0, 5.0, 0.0, -5.0, -7.0)
    assert ambient_grid(15.0, 15.0) == (15.0,)


def test_a_mission_without_a_return_leg_asks_for_its_length():
    setup = resolve_setup(
        constant_mission((300.0, 40.0), (300.0, 60.0)),
        cell=NMC_CELL,
        series_count=1,
        parallel_count=1,
        settings=SimulationSettings(model=ModelKind.SPM),
    )
    with pytest.raises(InputError, match="--return-min"):
        legs(setup)
    found = legs(setup, return_s=120.0)
    assert found.hold_index == 1 and found.return_start_s == pytest.approx(480.0)


def test_the_return_leg_is_found_in_the_plan():
    found = legs(sortie_setup())
    assert found.hold_index == 1  # the hover is held in the run-out
    assert found.landing_start_s > found.return_start_s > 0
    assert found.mission_end_s > found.landing_start_s


@pytest.mark.slow
def test_a_colder_coldest_ambient_raises_the_thresholds_dfn():
    """ORegan2022 (temperature-dependent transport) on DFN: a pack flown down to -10 °C
    needs its triggers earlier than one flown at 15 °C only."""
    setup = sortie_setup(cell="lg-m50-21700", model=ModelKind.DFN, parallel=2)
    warm = failsafe(setup, 15.0)
    cold = failsafe(setup, -10.0)
    for name in ("BAT_LOW_THR", "BAT_CRIT_THR", "BATT_LOW_VOLT", "BATT_LOW_MAH", "BATT_ARM_VOLT"):
        assert cold.value(name) >= warm.value(name), name
    assert cold.value("BATT_LOW_VOLT") > warm.value("BATT_LOW_VOLT")
    assert Stack.PX4 in {p.stack for p in cold.parameters}
    assert dataclasses.asdict(cold.pack) == dataclasses.asdict(warm.pack)
