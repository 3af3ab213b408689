"""Sortie life (issue 26): the ageing cell flown sortie after sortie, on real PyBaMM solves
(SPMe, OKane2022, the ISR loiter; a few sorties each)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sortie.errors import InputError
from sortie.models.ageing_runs import Mechanism, NoDegradationDataError
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.studies.life import LIFE_COLUMNS, life_setup, run_life
from sortie.studies.life_spec import (
    LifeSpec,
    Recharge,
    RechargeMode,
    Storage,
    degradation_mechanisms,
    parse_recharge,
)
from tests.cli_helpers import assert_one_clear_line, sortie_here

# Accelerated against full on 30 SPMe sorties: the largest difference of the relative
# capacity over every sortie (measured: see test_accelerated_run_agrees_with_the_full_run).
ACCELERATION_CAPACITY_ERROR = 0.0005


@pytest.fixture(scope="module")
def setup():
    return life_setup("quad-isr-loiter", settings=SimulationSettings(model=ModelKind.SPME))


@pytest.fixture(scope="module")
def short_life(setup):
    return run_life(setup, LifeSpec(sorties=12))


@pytest.mark.slow
def test_capacity_falls_monotonically_with_sorties(short_life):
    table = short_life.table
    assert list(table.columns) == list(LIFE_COLUMNS)
    assert list(table.index) == list(range(1, 13)) and table.index.name == "sortie"
    assert table.capacity_relative.iloc[0] == pytest.approx(1.0)
    assert np.all(np.diff(table.capacity_relative) < 0)
    assert np.all(np.diff(table.lithium_inventory_loss) > 0)
    assert table.completed.all() and short_life.summary.first_failing_sortie is None
    # Cycle jumping stepped over some sorties, and says so.
    assert 2 <= short_life.summary.simulated_sorties < 12
    assert "cycle jumping" in short_life.summary.acceleration


@pytest.mark.slow
def test_hotter_storage_ages_faster(setup):
    def calendar_loss(temperature_c: float) -> float:
        storage = Storage(days=60, temperature_c=temperature_c, state_of_charge=0.9)
        result = run_life(setup, LifeSpec(sorties=2, storage=storage))
        assert result.table.stored_before.tolist() == [False, True]
        return result.summary.calendar_capacity_loss_relative

    cool, hot = calendar_loss(10.0), calendar_loss(45.0)
    assert 0 < cool < hot


@pytest.mark.slow
def test_cold_fast_recharge_plates_more_lithium_than_warm_slow():
    def plated_per_sortie_ah(recharge: str, ambient_c: float) -> float:
        settings = SimulationSettings(model=ModelKind.SPME, ambient_c=ambient_c)
        setup = life_setup("quad-isr-loiter", settings=settings)
        spec = LifeSpec(sorties=3, recharge=parse_recharge(recharge), accelerate=False)
        plated = run_life(setup, spec).table.plated_lithium_ah
        # From the second sortie on: OKane2022's first charge settles a plated layer from
        # the set's initial state (~0.01 Ah either way), which is not the recharge's doing.
        return float(plated.loc[3] - plated.loc[2])

    # Measured: 1.9e-4 Ah per sortie at 2C and 0 °C, 4.7e-5 Ah at 0.5C and 25 °C.
    assert plated_per_sortie_ah("2C", 0.0) > 2 * plated_per_sortie_ah("0.5C", 25.0)


@pytest.mark.slow
def test_accelerated_run_agrees_with_the_full_run(setup):
    full = run_life(setup, LifeSpec(sorties=30, accelerate=False))
    fast = run_life(setup, LifeSpec(sorties=30))
    assert full.table.simulated.all()
    assert fast.summary.simulated_sorties < 30
    error = np.max(np.abs(full.table.capacity_relative - fast.table.capacity_relative))
    assert error < ACCELERATION_CAPACITY_ERROR, error


def test_a_cell_without_degradation_data_says_so(setup):
    assert degradation_mechanisms("nca-18650-power") == ()
    assert degradation_mechanisms("lg-m50-21700") == tuple(Mechanism)
    assert Mechanism.SEI in degradation_mechanisms("nmc532-pouch-mohtat2020")
    other = life_setup("quad-isr-loiter", cell="nca-18650-power")
    with pytest.raises(NoDegradationDataError, match="no degradation data"):
        run_life(other, LifeSpec(sorties=2))


def test_recharge_texts():
    assert parse_recharge("1C CCCV to 4.2 V") == Recharge()
    assert parse_recharge("fast").c_rate == 2.0
    charger = parse_recharge("120 W")
    assert charger.mode is RechargeMode.POWER and charger.charger_power_w == 120.0
    with pytest.raises(InputError, match="not understood"):
        parse_recharge("quickly")


def test_cli_life_json_and_export(tmp_path):
    out = tmp_path / "life.csv"
    done = sortie_here(
        ["life", "--mission", "quad-isr-loiter", "--model", "spme", "--sorties", "3", "--json",
         "--out", str(out)],
        limit_s=300,
    )
    assert done.status == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["first_failing_sortie"] is None
    assert [row["sortie"] for row in data["sorties_table"]] == [1, 2, 3]
    assert "SEI growth" in data["mechanisms"]
    assert "life: 3/3 sorties" in done.stderr  # progress on stderr
    assert out.read_text().startswith("sortie,capacity_relative")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--recharge", "quickly"], "not understood"),
        (["--sorties", "0"], "--sorties"),
        (["--cell", "nca-18650-power"], "no degradation data"),
        (["--campaign-sorties", "3"], "--storage-days"),
        (["--storage-days", "30", "--storage-soc", "2"], "state of charge"),
        (["--out", "life.txt"], ".csv or .parquet"),
    ],
)
def test_cli_life_bad_input_is_one_clear_line(argv, expected):
    done = sortie_here(["life", "--mission", "quad-isr-loiter", "--model", "spme", *argv])
    assert_one_clear_line(done, expected)
