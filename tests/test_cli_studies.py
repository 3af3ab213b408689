"""The sweep's terminal summary: the same best designs, in the same order and units, as the
Design space page (sortie.studies.ranking and the figure registry)."""

import pandas as pd

from sortie.cli_studies import _sweep_report
from sortie.quantities import FIGURES
from sortie.studies.ranking import Criterion, rank_designs


def _table() -> pd.DataFrame:
    # Design 1 flies longest but lands early (not completed): it must not lead. Designs 2 and 3
    # tie on endurance (within the ranking's rounding tolerance: 2 is 1e-7 s longer); 3 lands
    # with more charge, so it comes first (the page's tie-break).
    return pd.DataFrame(
        {
            "design": [0, 1, 2, 3],
            "drone.payload_kg": [0.1, 0.2, 0.3, 0.4],
            "flown": [True, True, True, True],
            "mission_completed": [True, False, True, True],
            "endurance_s": [600.0, 1500.0, 900.0000001, 900.0],
            "final_state_of_charge": [0.30, 0.0, 0.20, 0.25],
            "gravimetric_energy_density_wh_per_kg": [250.0, 250.0, 250.0, 250.0],
            "max_cell_temperature_c": [30.0, 31.0, 32.0, 33.0],
            "termination_reason": [
                "mission complete",
                "voltage cut-off",
                "mission complete",
                "mission complete",
            ],
        }
    )


def test_the_sweep_summary_ranks_as_the_page_and_shows_endurance_in_the_registrys_unit():
    table = _table()
    text = _sweep_report(table, 4, 4, 1.0, "out")
    listed = [line.split(":")[0].strip() for line in text.splitlines() if line.startswith("  #")]
    expected = rank_designs(table, Criterion("endurance_s")).order
    assert listed == [f"#{d}" for d in expected] == ["#3", "#2", "#0", "#1"]
    assert FIGURES["endurance_s"].unit == "min"
    assert "#3: drone.payload_kg=0.4: 15.0 min, 25 % left" in text


def test_a_figure_shows_a_value_in_its_unit():
    endurance = FIGURES["endurance_s"]
    assert endurance.shown(90.0) == 1.5
    assert endurance.text(90.0) == "1.5 min"
