"""The pack thermal model: correlations checked by hand, the network's heat balance, the
single-cell limit, hot centres and cold edges, airflow and spacing, cold soak and pre-heat,
and verdicts that name the cell and the phase."""

import dataclasses
import math

import numpy as np
import pytest

from sortie.cells.pack import Pack
from sortie.cells.pack_layout import PackLayout
from sortie.models import pack_thermal as pt
from sortie.models.chain import prepare_run
from sortie.models.flight import compile_flight, fly
from sortie.models.result import TerminationReason
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.presets import load_cell
from sortie.studies.endurance import StationSpec, station_endurance
from sortie.studies.setup import apply_changes, assemble, built_pack, resolve_setup
from tests.conftest import constant_mission

SPME = SimulationSettings(model=ModelKind.SPME)


def test_flat_plate_convection_by_hand():
    # 10 m/s along 0.1 m at 1.225 kg/m3: Re = 1.225 * 10 * 0.1 / 1.846e-5 = 66 360 (laminar);
    # Nu = 0.664 * 66360^0.5 * 0.707^(1/3) = 0.664 * 257.60 * 0.8908 = 152.37;
    # h = 152.37 * 0.0263 / 0.1 = 40.07 W/(m2 K).
    assert pt.flat_plate_convection_w_per_m2_k(10.0, 0.1, 1.225) == pytest.approx(40.07, rel=1e-3)
    # Thinner air (3000 m, 0.909 kg/m3) carries less heat: h ~ rho^0.5.
    thin = pt.flat_plate_convection_w_per_m2_k(10.0, 0.1, 0.909)
    assert thin == pytest.approx(40.07 * math.sqrt(0.909 / 1.225), rel=1e-3)
    assert pt.flat_plate_convection_w_per_m2_k(0.0, 0.1, 1.225) == 0.0


def test_cylinder_convection_by_hand():
    # A 21.1 mm can at 5 m/s: Re = 1.225 * 5 * 0.0211 / 1.846e-5 = 7001.2;
    # Churchill-Bernstein: 0.3 + 0.62 * 83.674 * 0.8908 / (1 + (0.4/0.707)^(2/3))^0.25
    #   * (1 + (7001.2/282000)^(5/8))^(4/5) = 0.3 + 46.21 / 1.1392 * 1.0786 = 44.05;
    # h = 44.05 * 0.0263 / 0.0211 = 54.91 W/(m2 K).
    assert pt.cylinder_convection_w_per_m2_k(5.0, 0.0211, 1.225) == pytest.approx(54.91, rel=2e-3)


def test_conduction_between_touching_cans_by_hand():
    # Two 21.1 mm x 70.15 mm cans 0.2 mm apart (the minimum film): w/D = 21.3/21.1;
    # arccosh(2 * 1.009479^2 - 1) = arccosh(1.038096) = ln(1.038096 + 0.278645) = 0.27516;
    # S = 2 pi 0.07015 / 0.27516 = 1.6018 m; G = 0.0263 * 1.6018 = 0.0421 W/K.
    shape = pt.parallel_cylinders_shape_factor_m(0.07015, 0.0211, 0.0213)
    assert shape == pytest.approx(1.6018, rel=1e-3)


def test_downwash_by_hand():
    # 2.48 kg on four 13-inch rotors (0.3421 m2) at 1.225: v_h = sqrt(24.32 / (2 * 1.225 *
    # 0.3421)) = 5.387 m/s; the far wake 10.77 m/s.
    assert pt.rotor_downwash_m_per_s(2.48, 1.225, 0.3421) == pytest.approx(10.77, rel=1e-3)


@pytest.fixture(scope="module")
def m50():
    return load_cell("lg-m50-21700")


def test_a_single_cell_in_free_air_is_todays_lumped_cell(m50):
    pack = Pack(series_count=1, parallel_count=1, layout=PackLayout(sealed=False))
    settings = SimulationSettings(model=ModelKind.SPME, output_points=1200)
    run = prepare_run(m50, pack, constant_mission((900, 40.0), (600, 15.0)), settings)
    # PyBaMM gets exactly the lumped cell of before: the settings' h, the cell's own heat
    # capacity, the air as ambient.
    assert run.inputs.heat_transfer_coefficient_w_per_m2_k == (10.0, 10.0)
    assert run.inputs.volumetric_heat_capacity_j_per_m3_k == pytest.approx(
        m50.heat_capacity_j_per_k / m50.budget.volume_m3
    )
    result = fly(
        assemble(m50, pack, constant_mission((900, 40.0), (600, 15.0)), settings=settings)
    ).result
    series = result.timeseries
    assert series["cell_temperature_c"].max() > 30  # it does heat up
    np.testing.assert_allclose(
        series["hottest_cell_temperature_c"], series["cell_temperature_c"], atol=0.02
    )
    assert result.summary.max_cell_spread_k == 0.0
    assert math.isnan(result.summary.max_enclosure_temperature_c)


def _network_of(setup):
    compiled = compile_flight(setup)
    run = prepare_run(setup.cell, setup.pack, compiled.mission, setup.settings, compiled.air)
    return compiled, run


def test_the_heat_balance_closes():
    setup = resolve_setup(
        "quad-isr-loiter",
        settings=dataclasses.replace(SPME, heater_power_w=30.0, heater_duration_s=300.0),
        changes={"settings.start_temperature_c": 0.0},
    )
    compiled, run = _network_of(setup)
    from sortie.engine import built_model

    output = built_model(run.spec).run(run.inputs, run.time_grid_s)
    index = compiled.mission.segment_index_at(output.time_s)
    temperatures = pt.solve_pack(
        run.network,
        output.time_s,
        output.heat_generation_w,
        index,
        run.surface_w_per_m2_k,
        [t + 273.15 for t in run.ambients_c],
        run.start_c + 273.15,
        run.heater_w,
    )
    generated = temperatures.generated_j
    # Cells' heat and the 30 W heater for 300 s (9 kJ).
    heater_j = 30.0 * 300.0
    cells_j = np.trapezoid(output.heat_generation_w, output.time_s) * setup.pack.cell_count
    assert generated == pytest.approx(heater_j + cells_j, rel=0.01)
    assert temperatures.stored_j + temperatures.rejected_j == pytest.approx(generated, rel=0.01)
    assert temperatures.stored_j > 0 and temperatures.rejected_j > 0


def _flight(layout: PackLayout, series=4, parallel=4, drone_changes=None):
    setup = resolve_setup(
        "quad-isr-loiter",
        series_count=series,
        parallel_count=parallel,
        settings=SPME,
        changes=drone_changes or {},
    )
    return fly(dataclasses.replace(setup, pack=dataclasses.replace(setup.pack, layout=layout)))


def test_inner_cells_run_hotter_than_edge_cells():
    flight = _flight(PackLayout(rows=4, columns=4))
    field = flight.result.pack_field_c
    assert field.shape == (4, 4)
    centre = field[1:3, 1:3]
    corners = field[[0, 0, 3, 3], [0, 3, 0, 3]]
    assert centre.min() > field[0, 1:3].max() > corners.max()
    assert flight.summary.hottest_cell_position in {
        f"row {r}, column {c}" for r in (2, 3) for c in (2, 3)
    }
    assert flight.summary.max_cell_spread_k > 1.0


def test_airflow_and_open_gaps_lower_the_peak():
    sheltered = _flight(PackLayout(rows=4, columns=4, airflow_exposure=0.0)).summary
    exposed = _flight(PackLayout(rows=4, columns=4, airflow_exposure=1.0)).summary
    assert exposed.max_cell_temperature_c < sheltered.max_cell_temperature_c - 0.5
    # An open frame: touching cans shield each other; 6 mm gaps let the air between them.
    touching = _flight(PackLayout(rows=4, columns=4, sealed=False)).summary
    spaced = _flight(PackLayout(rows=4, columns=4, sealed=False, spacing_mm=6.0)).summary
    assert spaced.max_cell_temperature_c < touching.max_cell_temperature_c - 0.5


def _hover(m50, **settings):
    drone = resolve_setup("quad-isr-loiter").drone
    return station_endurance(
        drone,
        m50,
        built_pack(6, 2, drone),
        StationSpec(ambient_c=10.0, reserve_state_of_charge=0.2),
        dataclasses.replace(SPME, **settings),
    )


@pytest.mark.slow
def test_cold_soak_costs_endurance_and_a_heater_gives_some_back(m50):
    # ORegan2022 (the M50 preset) has temperature-dependent transport.
    warm = _hover(m50)
    cold = _hover(m50, start_temperature_c=-15.0)
    heated = _hover(m50, start_temperature_c=-15.0, heater_power_w=40.0, heater_duration_s=600.0)
    assert cold.endurance_s < warm.endurance_s - 30
    assert cold.endurance_s < heated.endurance_s < warm.endurance_s
    summary = heated.flight.summary
    assert summary.preheat_s == 600.0
    assert summary.preheat_energy_wh == pytest.approx(40.0 * 600 / 3600)
    assert summary.start_temperature_c == -15.0


def test_below_the_minimum_discharge_temperature_the_pack_does_not_fly(m50):
    cold = fly(
        assemble(
            m50,
            built_pack(1, 1),
            constant_mission((600, 10.0)),
            settings=dataclasses.replace(SPME, start_temperature_c=-25.0),
        )
    ).summary
    assert cold.termination_reason is TerminationReason.COLD_LIMIT
    assert "below its minimum discharge temperature -20 °C" in cold.termination_message
    assert cold.endurance_s == 0.0


def test_the_temperature_limit_names_the_cell_and_the_phase():
    base = resolve_setup("quad-isr-loiter", settings=SPME)
    assert fly(base).summary.max_cell_temperature_c > 31.0
    summary = fly(apply_changes(base, {"settings.max_temperature_c": 30.0})).summary
    assert summary.termination_reason is TerminationReason.TEMPERATURE_LIMIT
    assert summary.max_cell_temperature_c == pytest.approx(30.0, abs=0.5)
    assert "reached 30 °C in '" in summary.termination_message
    assert summary.hottest_cell_position in summary.termination_message
    assert summary.final_segment in summary.termination_message


def test_the_chemistry_sets_the_default_limits():
    a123 = load_cell("a123-26650-lfp")
    run = prepare_run(a123, Pack(series_count=1, parallel_count=1), constant_mission((60, 1.0)))
    assert run.limits_c == (-30.0, 55.0)  # the A123 datasheet, not the generic -20..60
