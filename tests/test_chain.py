"""The model chain with real PyBaMM solves (kept short): power profiles through
:func:`sortie.models.flight.fly`, their setups built by the assembler."""

import copy
import dataclasses

import numpy as np
import pytest

from sortie import engine as electrochemistry
from sortie.errors import InfeasiblePowerError
from sortie.models.flight import fly
from sortie.models.result import TIMESERIES_COLUMNS, TerminationReason
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.presets import PresetKind, list_presets, load_cell
from sortie.studies.setup import assemble, built_pack, resolve_setup
from tests.conftest import constant_mission


@pytest.fixture(scope="module")
def m50():
    return load_cell("lg-m50-21700")


@pytest.fixture
def single_cell():
    return built_pack(1, 1)


def fly_profile(cell, pack, mission, settings=None):
    """A power profile flown by ``pack`` alone through the one chain."""
    return fly(assemble(cell, pack, mission, settings=settings)).result


@pytest.mark.slow
def test_m50_delivers_nominal_capacity_at_c20_and_energy_is_v_times_i(m50, single_cell):
    # C/20 of a 5 Ah cell at its 3.68 V mean voltage is 0.92 W; fly it until cut-off.
    mission = constant_mission((24 * 3600, 5.0 / 20 * 3.684))
    result = fly_profile(m50, single_cell, mission, SimulationSettings(output_points=2000))
    summary, series = result.summary, result.timeseries
    assert summary.termination_reason is TerminationReason.VOLTAGE_CUTOFF
    assert not summary.mission_completed
    time_s = series.index.to_numpy()
    delivered_ah = np.trapezoid(series["cell_current_a"], time_s) / 3600
    assert delivered_ah == pytest.approx(5.0, rel=0.05)
    integral_wh = np.trapezoid(series["cell_voltage_v"] * series["cell_current_a"], time_s) / 3600
    assert summary.energy_delivered_wh == pytest.approx(integral_wh, rel=0.01)
    assert summary.final_state_of_charge == pytest.approx(1 - delivered_ah / 5.011, abs=0.01)


def test_low_power_mission_completes_and_conserves_energy(m50, single_cell):
    mission = constant_mission((300, 10.0), (300, 5.0))
    result = fly_profile(m50, single_cell, mission)
    summary = result.summary
    assert summary.mission_completed
    assert summary.termination_reason is TerminationReason.END_OF_PROFILE
    assert summary.endurance_s == pytest.approx(600)
    # Power control: the cell delivers exactly the profile's energy.
    assert summary.energy_delivered_wh == pytest.approx(mission.energy_wh, rel=2e-3)
    assert 3.5 < summary.min_cell_voltage_v < 4.25
    assert 25 <= summary.max_cell_temperature_c < 30
    assert 0.9 < summary.final_state_of_charge < 1
    assert tuple(result.timeseries.columns) == TIMESERIES_COLUMNS
    assert result.timeseries.index.name == "time_s"
    assert result.timeseries["segment"].iloc[-1] == "segment 2"


def test_far_beyond_the_cells_power_ends_at_voltage_cutoff(m50, single_cell):
    mission = constant_mission((60, 10.0), (600, 150.0))
    summary = fly_profile(m50, single_cell, mission).summary
    assert summary.termination_reason is TerminationReason.VOLTAGE_CUTOFF
    assert not summary.mission_completed
    assert 60 <= summary.endurance_s < mission.duration_s
    assert summary.final_segment == "segment 2"
    assert summary.min_cell_voltage_v == pytest.approx(2.5, abs=1e-3)


def test_hot_mission_with_poor_cooling_ends_at_temperature_limit(m50, single_cell):
    mission = constant_mission((1800, 40.0), ambient_c=45)
    settings = SimulationSettings(heat_transfer_coefficient_w_per_m2_k=2.0)
    summary = fly_profile(m50, single_cell, mission, settings).summary
    assert summary.termination_reason is TerminationReason.TEMPERATURE_LIMIT
    assert summary.max_cell_temperature_c == pytest.approx(60, abs=0.05)
    assert summary.endurance_s < mission.duration_s
    # A lower limit stops it earlier.
    lower = dataclasses.replace(settings, max_temperature_c=55)
    earlier = fly_profile(m50, single_cell, mission, lower).summary
    assert earlier.endurance_s < summary.endurance_s


def test_better_cooling_runs_cooler(m50, single_cell):
    mission = constant_mission((600, 25.0))
    still = fly_profile(m50, single_cell, mission).summary
    cooled = fly_profile(
        m50, single_cell, mission, SimulationSettings(heat_transfer_coefficient_w_per_m2_k=50)
    ).summary
    assert cooled.max_cell_temperature_c < still.max_cell_temperature_c - 1


def test_cold_loses_endurance_on_a_temperature_dependent_set(m50, single_cell):
    assert m50.chemistry.fidelity.temperature_dependent_transport
    mission = constant_mission((4 * 3600, 12.0))
    warm = fly_profile(m50, single_cell, mission, SimulationSettings(ambient_c=25))
    cold = fly_profile(m50, single_cell, mission, SimulationSettings(ambient_c=-10))
    assert warm.summary.termination_reason is TerminationReason.VOLTAGE_CUTOFF
    assert cold.summary.termination_reason is TerminationReason.VOLTAGE_CUTOFF
    assert cold.summary.endurance_s < 0.9 * warm.summary.endurance_s
    assert cold.summary.min_cell_voltage_v == pytest.approx(2.5, abs=1e-3)


def test_pack_power_is_shared_by_all_cells(m50):
    mission = constant_mission((120, 120.0))
    pack = built_pack(4, 3)
    result = fly_profile(m50, pack, mission)
    series = result.timeseries
    assert series["cell_power_w"].iloc[0] == pytest.approx(10.0)
    assert (series["pack_voltage_v"] / series["cell_voltage_v"]).to_numpy() == pytest.approx(4)
    assert (series["pack_current_a"] / series["cell_current_a"]).to_numpy() == pytest.approx(3)
    assert result.summary.energy_delivered_wh == pytest.approx(mission.energy_wh, rel=2e-3)


def test_repeated_run_reuses_the_built_model(m50, single_cell):
    mission = constant_mission((200, 8.0), (100, 12.0))
    fly_profile(m50, single_cell, mission)
    built = electrochemistry.built_model_count()
    # Other powers, ambient, cooling and pack size: same structure, no rebuild.
    other = constant_mission((200, 30.0), (100, 60.0), ambient_c=5)
    fly_profile(
        m50,
        built_pack(2, 2),
        other,
        SimulationSettings(heat_transfer_coefficient_w_per_m2_k=20),
    )
    assert electrochemistry.built_model_count() == built
    fly_profile(m50, single_cell, mission, SimulationSettings(model=ModelKind.SPM))
    assert electrochemistry.built_model_count() == built + 1


def test_impossible_power_is_refused_before_solving(m50, single_cell):
    with pytest.raises(InfeasiblePowerError, match="per cell"):
        fly_profile(m50, single_cell, constant_mission((10, 5000.0)))


def test_inputs_are_not_mutated(m50, single_cell):
    mission = constant_mission((60, 10.0))
    settings = SimulationSettings()

    def snapshot():
        return copy.deepcopy(
            (
                dataclasses.asdict(m50.design),
                dataclasses.asdict(mission),
                dataclasses.asdict(settings),
            )
        )

    before = snapshot()
    fly_profile(m50, single_cell, mission, settings)
    assert snapshot() == before


@pytest.mark.parametrize("model", list(ModelKind))
def test_every_model_kind_flies(m50, single_cell, model):
    summary = fly_profile(
        m50, single_cell, constant_mission((300, 15.0)), SimulationSettings(model=model)
    ).summary
    assert summary.mission_completed
    assert summary.model == model.value


@pytest.mark.slow
@pytest.mark.parametrize("info", list_presets(PresetKind.CELL), ids=lambda i: i.id)
def test_every_preset_cell_flies_a_short_mission(info, single_cell):
    cell = load_cell(info.id)
    # Ten minutes at 1C-equivalent power, then a 2C burst.
    energy_wh = cell.budget.energy_wh
    mission = constant_mission((600, energy_wh), (60, 2 * energy_wh))
    summary = fly_profile(cell, single_cell, mission).summary
    assert summary.mission_completed, summary.termination_message
    assert summary.energy_delivered_wh == pytest.approx(mission.energy_wh, rel=5e-3)
    assert summary.max_cell_temperature_c > 25


@pytest.mark.slow
@pytest.mark.parametrize("info", list_presets(PresetKind.MISSION), ids=lambda i: i.id)
def test_every_preset_mission_flies_on_its_drone(info):
    # Its drone, the drone's cell and pack: the flight plan compiled for that aircraft.
    flight = fly(resolve_setup(info.id))
    mission, summary = flight.compiled.mission, flight.summary
    assert summary.endurance_s > 0
    if summary.termination_reason is TerminationReason.END_OF_PROFILE:
        assert summary.energy_delivered_wh == pytest.approx(mission.energy_wh, rel=5e-3)
        assert summary.mission_completed == summary.reserve_met
    else:
        assert not summary.mission_completed
        assert summary.endurance_s < mission.duration_s


def test_solver_failure_is_reported_never_completed(single_cell):
    # A known PyBaMM weakness (design notes): SPMe under power control at ~3C fails part-way
    # with IDA_ERR_FAIL and a partial solution. It must be reported as such.
    cell = load_cell("lg-m50-21700-chen2020")
    energy_wh = cell.budget.energy_wh
    mission = constant_mission((1200, 3 * energy_wh))
    result = fly_profile(cell, single_cell, mission, SimulationSettings(model=ModelKind.SPME))
    summary = result.summary
    assert summary.termination_reason is TerminationReason.SOLVER_FAILURE
    assert not summary.mission_completed
    assert "IDA_ERR_FAIL" in summary.termination_message
    assert "DFN" in summary.termination_message
    assert 0 < summary.endurance_s < mission.duration_s
    assert len(result.timeseries) > 1
    # DFN flies the same profile to a proper verdict.
    dfn = fly_profile(cell, single_cell, mission).summary
    assert dfn.termination_reason is not TerminationReason.SOLVER_FAILURE


def test_ambient_above_the_limit_is_an_input_error_not_a_power_verdict(m50, single_cell):
    from sortie.errors import InputError

    with pytest.raises(InputError, match="at or above the temperature limit"):
        fly_profile(
            m50,
            single_cell,
            constant_mission((60, 5.0)),
            SimulationSettings(
                ambient_c=65,
                max_temperature_c=60,
            ),
        )


def test_every_sample_balances_power_and_carries_its_segment(m50):
    # Power control: at every output sample V x I equals the power of the segment it is
    # labelled with, including the samples on both sides of each step.
    mission = constant_mission((100, 60.0), (50, 150.0), (100, 30.0))
    series = fly_profile(m50, built_pack(2, 1), mission).timeseries
    product = series["cell_voltage_v"] * series["cell_current_a"]
    assert product.to_numpy() == pytest.approx(series["cell_power_w"].to_numpy(), rel=2e-3)

    def at(time_s: float) -> str:
        return series["segment"].iloc[series.index.get_indexer([time_s], method="nearest")[0]]

    assert at(100.0) == "segment 1"
    assert at(100.001) == "segment 2"
    assert abs(series.index[series.index.get_indexer([100.0], method="nearest")[0]] - 100) < 1e-6
    assert series["cell_current_a"].idxmax() > 100 and series["cell_current_a"].idxmax() <= 150
    summary = fly_profile(m50, built_pack(2, 1), mission).summary
    assert summary.hardest_segment == "segment 2"
