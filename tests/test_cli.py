"""The installed `sortie` command, run as a user runs it (subprocess, real solves)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

SORTIE = Path(sys.executable).parent / "sortie"

SUMMARY_FIELDS = {
    "endurance_s",
    "mission_completed",
    "termination_reason",
    "min_cell_voltage_v",
    "max_cell_temperature_c",
    "energy_delivered_wh",
    "final_state_of_charge",
    "series_count",
    "parallel_count",
    "pack_mass_kg",
    "pack_energy_wh",
    "capacity_ah",
    "energy_wh",
    "mass_g",
    "volume_ml",
    "gravimetric_energy_density_wh_per_kg",
    "volumetric_energy_density_wh_per_l",
}


def sortie(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    assert SORTIE.exists(), "the set-up must install the `sortie` command"
    env = {**os.environ, "PYBAMM_DISABLE_TELEMETRY": "true"}
    return subprocess.run(
        [str(SORTIE), *args], capture_output=True, text=True, timeout=300, env=env, cwd=cwd
    )


def test_list_shows_every_kind():
    done = sortie("list")
    assert done.returncode == 0, done.stderr
    for word in ("cells:", "drones:", "missions:", "lg-m50-21700", "quad-isr-loiter", "isr-quad"):
        assert word in done.stdout
    listed = json.loads(sortie("list", "cell", "--json").stdout)
    assert {e["kind"] for e in listed} == {"cell"}
    assert all(e["description"] for e in listed)


def test_run_json_has_the_summary_fields_and_csv_the_series(tmp_path):
    csv = tmp_path / "out.csv"
    done = sortie(
        "run",
        "--cell",
        "lg-m50-21700",
        "--mission",
        "quad-isr-loiter",
        "--series",
        "6",
        "--parallel",
        "2",
        "--model",
        "spme",
        "--ambient-c",
        "25",
        "--json",
        "--csv",
        str(csv),
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary.keys() >= SUMMARY_FIELDS
    assert summary["mission_completed"] is True
    assert summary["termination_reason"] == "end of profile"
    assert summary["series_count"] == 6 and summary["parallel_count"] == 2
    assert summary["endurance_s"] == pytest.approx(sum(p["duration_s"] for p in summary["phases"]))
    assert summary["reserve_met"] is True and summary["reserve_state_of_charge"] == 0.2
    series = pd.read_csv(csv, index_col="time_s")
    for column in (
        "pack_power_w",
        "cell_voltage_v",
        "cell_current_a",
        "cell_temperature_c",
        "state_of_charge",
    ):
        assert column in series.columns
    assert series.index[-1] == pytest.approx(summary["endurance_s"])
    assert series["ambient_temperature_c"].eq(25).all()


def test_run_text_summary_and_drone_defaults():
    done = sortie("run", "--mission", "fpv-strike-sprint", "--model", "spm")
    assert done.returncode == 0, done.stderr
    assert "nca-18650-power" in done.stdout  # the fpv-strike drone's cell
    assert "6S2P" in done.stdout
    assert "MISSION" in done.stdout


def test_incomplete_mission_can_gate_scripts():
    done = sortie(
        "run", "--mission", "fpv-strike-sprint", "--parallel", "1", "--fail-on-incomplete", "--json"
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["mission_completed"] is False


def write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


BAD_MISSION = (
    'id="m"\nname="m"\ndescription=""\n[[segments]]\nname="a"\nduration_s={d}\npower_w={p}\n'
)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "--mission", "no-such-mission", "--cell", "lg-m50-21700"], "unknown mission"),
        (["run", "--mission", "quad-isr-loiter", "--cell", "no-such-cell"], "unknown cell"),
        (["run", "--mission", "quad-isr-loiter", "--model", "p2d"], "invalid choice"),
        (["run", "--mission", "quad-isr-loiter", "--series", "0"], "series_count"),
        (["run", "--mission", "quad-isr-loiter", "--parallel", "-2"], "parallel_count"),
        (
            ["run", "--mission", "quad-isr-loiter", "--initial-soc", "1.5"],
            "initial_state_of_charge",
        ),
        (
            [
                "run",
                "--mission",
                "quad-isr-loiter",
                "--series",
                "1",
                "--parallel",
                "1",
                "--cell",
                "sodium-ion-18650",
            ],
            "per cell",
        ),
        (["run", "--mission", "quad-isr-loiter", "--series", "x"], "invalid int"),
        (["run"], "--mission"),
        (["fly"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_nonzero(args, expected):
    done = sortie(*args)
    assert done.returncode == 2
    assert expected in done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("segments = [\n", "malformed TOML"),
        (BAD_MISSION.format(d=-10, p=100), "segments.0.duration_s"),
        (BAD_MISSION.format(d=10, p=-100), "segments.0.power_w"),
    ],
)
def test_bad_mission_files(tmp_path, content, expected):
    path = write(tmp_path / "mission.toml", content)
    done = sortie(
        "run", "--mission", path, "--cell", "lg-m50-21700", "--series", "1", "--parallel", "1"
    )
    assert done.returncode == 2
    assert expected in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_user_cell_file_runs(tmp_path):
    from sortie.presets.loader import DATA_DIR

    text = (DATA_DIR / "cells" / "lg-m50-21700.toml").read_text()
    path = write(tmp_path / "my-cell.toml", text.replace('id = "lg-m50-21700"', 'id = "mine"'))
    done = sortie("run", "--mission", "quad-isr-loiter", "--cell", path, "--model", "spm", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["cell_id"] == "mine"


def test_pybamm_warnings_do_not_leak_to_the_terminal():
    # Chayambuka2022 extrapolates an OCP while its initial state is set: that belongs in the
    # summary's warnings, not on stderr.
    done = sortie(
        "run",
        "--mission",
        "quad-isr-loiter",
        "--cell",
        "sodium-ion-18650",
        "--parallel",
        "6",
        "--model",
        "spm",
        "--json",
    )
    assert done.returncode == 0
    assert done.stderr == ""
    assert any("extrapolat" in w for w in json.loads(done.stdout)["warnings"])
