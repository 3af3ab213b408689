"""Endurance questions with real PyBaMM solves."""

import pytest

from sortie import engine as electrochemistry
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.presets import load_cell, load_drone
from sortie.studies.endurance import (
    EnduranceLimit,
    StationSpec,
    pack_size_sweep,
    station_endurance,
)
from sortie.studies.setup import built_pack

SPME = SimulationSettings(model=ModelKind.SPME)


@pytest.fixture(scope="module")
def quad():
    return load_drone("isr-quad")


@pytest.fixture(scope="module")
def m50():
    return load_cell("lg-m50-21700")


def test_hover_until_the_reserve(quad, m50):
    pack = built_pack(6, 2, quad)
    station = StationSpec(reserve_state_of_charge=0.3, ambient_c=20)
    point = station_endurance(quad, m50, pack, station)
    assert point.limited_by is EnduranceLimit.RESERVE
    series = point.result.timeseries
    # At the reported endurance the pack is at the reserve.
    soc_at_end = float(
        series["state_of_charge"].iloc[
            series.index.get_indexer([point.endurance_s], method="nearest")[0]
        ]
    )
    assert soc_at_end == pytest.approx(0.3, abs=0.01)
    # Energy check: 70 % of the rated pack energy at the hover power, within 10 %.
    estimate_s = 0.7 * pack.energy_wh(m50.budget) / point.pack_power_w * 3600
    assert point.endurance_s == pytest.approx(estimate_s, rel=0.10)
    # A lower reserve flies longer.
    longer = station_endurance(quad, m50, pack, StationSpec(reserve_state_of_charge=0.1))
    assert longer.endurance_s > point.endurance_s


def test_a_tiny_pack_is_stopped_by_the_cell_not_the_reserve(quad, m50):
    point = station_endurance(
        quad, m50, built_pack(6, 1, quad), StationSpec(), SPME
    )
    assert point.limited_by is EnduranceLimit.VOLTAGE_CUTOFF
    assert point.endurance_s > 0


@pytest.mark.slow
def test_endurance_against_pack_size_has_an_interior_maximum(quad, m50):
    built = electrochemistry.built_model_count()
    sweep = pack_size_sweep(quad, [m50], range(1, 11), StationSpec(ambient_c=20), SPME)
    table = sweep.table
    # One profile length for the whole sweep: at most one new model build.
    assert electrochemistry.built_model_count() <= built + 1
    assert list(table["parallel_count"]) == list(range(1, 11))
    assert (table["pack_power_w"].dropna().diff().dropna() > 0).all()  # heavier, hungrier
    best = sweep.best()
    flown = table.dropna(subset=["endurance_s"])
    assert flown["parallel_count"].min() < best["parallel_count"] < flown["parallel_count"].max()
    assert flown["endurance_s"].iloc[0] < best["endurance_s"]
    assert flown["endurance_s"].iloc[-1] < best["endurance_s"]
    # 6S10P is above the isr-quad's 6 kg maximum take-off mass.
    assert table.set_index("parallel_count").loc[10, "limited_by"] == EnduranceLimit.TOO_HEAVY


@pytest.mark.slow
def test_sweep_compares_cells(quad, m50):
    chen = load_cell("lg-m50-21700-chen2020")
    sweep = pack_size_sweep(quad, [m50, chen], [2, 4], StationSpec(), SPME)
    assert set(sweep.table["cell_id"]) == {m50.id, chen.id}
    assert sweep.best(chen.id)["cell_id"] == chen.id
