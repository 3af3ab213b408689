"""Optimisation: a known optimum found, constraints kept, a Pareto front that is one, and the
best design written as a cell file that loads."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sortie.errors import InputError
from sortie.presets import load_cell
from sortie.studies.design_space import spec_from_dict
from sortie.studies.executors import InProcessExecutor
from sortie.studies.optimise import Method, optimise_spec_from_dict, run_optimisation
from sortie.studies.sweep import sweep

ROOT = Path(__file__).resolve().parents[1]
SORTIE = Path(sys.executable).with_name("sortie")
HOVER = {
    "station": {"phase": "hover", "ambient_c": 20.0},
    "drone": "isr-quad",
    "cell": "lg-m50-21700-chen2020",
    "settings": {"model": "spme"},
}
PARALLEL = {"field": "pack.parallel_count", "start": 1, "stop": 12}


@pytest.fixture(scope="module")
def pack_sizes():
    """The answer by brute force: every pack size of the ISR quad on station."""
    spec = spec_from_dict({"base": HOVER, "dimensions": [PARALLEL]})
    return sweep(spec, executor=InProcessExecutor()).set_index("pack.parallel_count")


def _optimise(constraints=(), **optimiser):
    spec = optimise_spec_from_dict(
        {
            "base": HOVER,
            "variables": [PARALLEL],
            "objectives": [{"figure": "endurance_s", "goal": "maximise"}],
            "constraints": list(constraints),
            "optimiser": {"population": 8, "generations": 12, "seed": 2, **optimiser},
        }
    )
    assert spec.method is Method.DIFFERENTIAL_EVOLUTION
    return run_optimisation(spec, executor=InProcessExecutor())


def test_the_optimiser_finds_the_pack_size_interior_maximum(pack_sizes):
    flown = pack_sizes[pack_sizes["flown"]]
    expected = int(flown["endurance_s"].idxmax())
    assert 1 < expected < int(flown.index.max())  # interior: heavier packs cost more power
    found = _optimise()
    assert int(found.best["pack.parallel_count"]) == expected
    assert found.best["endurance_s"] == pytest.approx(flown.loc[expected, "endurance_s"])
    # Each design flown once, and far fewer than the population times the generations.
    assert found.evaluations == found.table["pack.parallel_count"].nunique() <= 12
    assert not found.table.set_index("pack.parallel_count").loc[10:, "feasible"].any()


def test_the_optimum_respects_its_constraints(pack_sizes):
    limit_kg = 4.5
    allowed = pack_sizes[pack_sizes["flown"] & (pack_sizes["take_off_mass_kg"] <= limit_kg)]
    expected = int(allowed["endurance_s"].idxmax())
    found = _optimise([{"figure": "take_off_mass_kg", "max": limit_kg}])
    assert int(found.best["pack.parallel_count"]) == expected
    assert found.best["take_off_mass_kg"] <= limit_kg
    infeasible = found.table[~found.table["feasible"]]
    # Infeasible: above the limit, or not flown at all (above the drone's 6 kg).
    assert ((infeasible["take_off_mass_kg"] > limit_kg) | ~infeasible["flown"]).all()
    # Every feasible design ranks above every infeasible one.
    assert list(found.table["feasible"]) == sorted(found.table["feasible"], reverse=True)


def test_several_objectives_give_a_pareto_front():
    spec = optimise_spec_from_dict(
        {
            "base": {
                "mission": "quad-isr-loiter",
                "cell": "lg-m50-21700-chen2020",
                "settings": {"model": "spme"},
            },
            "variables": [
                {"field": "cell.positive_electrode_thickness_um", "start": 55.0, "stop": 80.0},
                {"field": "pack.parallel_count", "start": 1, "stop": 4},
            ],
            "objectives": [
                {"figure": "final_state_of_charge", "goal": "maximise"},
                {"figure": "pack_mass_kg", "goal": "minimise"},
            ],
            "constraints": [{"figure": "mission_completed", "min": 1}],
            "optimiser": {"population": 8, "generations": 3, "seed": 5},
        }
    )
    assert spec.method is Method.NSGA_II
    found = run_optimisation(spec, executor=InProcessExecutor())
    front = found.pareto
    assert len(front) >= 2 and front["feasible"].all() and front["mission_completed"].all()
    values = found.table[found.table["feasible"]][["final_state_of_charge", "pack_mass_kg"]]
    for _, point in front.iterrows():
        better = (values["final_state_of_charge"] >= point["final_state_of_charge"]) & (
            values["pack_mass_kg"] <= point["pack_mass_kg"]
        )
        strictly = (values["final_state_of_charge"] > point["final_state_of_charge"]) | (
            values["pack_mass_kg"] < point["pack_mass_kg"]
        )
        assert not (better & strictly).any()  # nothing dominates a point of the front
    # A heavier front point must leave more charge: the objectives trade.
    ordered = front.sort_values("pack_mass_kg")
    assert np.all(np.diff(ordered["final_state_of_charge"].to_numpy()) > 0)


def test_a_bad_optimisation_file_is_a_one_line_error():
    with pytest.raises(InputError, match="choose from") as error:
        optimise_spec_from_dict(
            {"base": HOVER, "variables": [PARALLEL], "objectives": [{"figure": "speed"}]}
        )
    assert "\n" not in str(error.value)
    with pytest.raises(InputError, match="one objective"):
        optimise_spec_from_dict(
            {
                "base": HOVER,
                "variables": [PARALLEL],
                "objectives": [{"figure": "endurance_s"}, {"figure": "pack_mass_kg"}],
                "optimiser": {"method": "differential evolution"},
            }
        )


def test_the_command_line_writes_the_best_cell_and_it_loads(tmp_path):
    plan = tmp_path / "opt.toml"
    plan.write_text(
        """
name = "thickness for reserve"
[base]
mission = "quad-isr-loiter"
cell = "lg-m50-21700-chen2020"
[base.settings]
model = "spm"
[[variables]]
field = "cell.positive_electrode_thickness_um"
start = 60.0
stop = 78.0
[[objectives]]
figure = "final_state_of_charge"
[[constraints]]
figure = "mission_completed"
min = 1
[optimiser]
population = 6
generations = 3
seed = 1
"""
    )
    cell_file = tmp_path / "best.toml"
    done = subprocess.run(
        [str(SORTIE), "optimise", str(plan), "--workers", "1", "--save-cell", str(cell_file)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "optimum: cell.positive_electrode_thickness_um=" in done.stdout
    optimum = float(
        done.stdout.split("optimum: cell.positive_electrode_thickness_um=")[1].split(":")[0]
    )
    cell = load_cell(cell_file)
    assert cell.design.positive.coating_thickness_um == pytest.approx(optimum, rel=1e-3)
    assert cell.design.chemistry == load_cell("lg-m50-21700-chen2020").design.chemistry
    assert "thickness for reserve" in cell.name
