"""``sortie drone fit``: an ArduPilot log that Sortie's physics flew in, a drone file and JSON
out; the file flies ``sortie run``; bad input is one line each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sortie.presets import load_drone
from tests.cli_helpers import sortie_here
from tests.drone_fit_logs import MASS_KG, synthetic_dataflash, truth_drone

SHORT_HOVER = """id = "short-hover"
name = "Short hover"
description = "Climb to 20 m, hover 2 minutes, descend."
drone = "isr-quad"

[[phases]]
name = "climb"
phase = "climb"
altitude_change_m = 20.0
climb_rate_m_per_s = 2.0

[[phases]]
name = "hover"
phase = "hover"
duration_s = 120.0

[[phases]]
name = "descent"
phase = "descent"
altitude_change_m = -20.0
climb_rate_m_per_s = -2.0
"""


@pytest.fixture(scope="module")
def log_file(tmp_path_factory) -> Path:
    return synthetic_dataflash(tmp_path_factory.mktemp("logs") / "flight.bin", truth_drone())


def test_fit_writes_the_drone_file_and_json(log_file: Path, tmp_path: Path):
    out = tmp_path / "my-drone.toml"
    done = sortie_here(
        ["drone", "fit", str(log_file), "--drone", "isr-quad", "--take-off-mass-kg",
         str(MASS_KG), "--out", str(out), "--json"]
    )  # fmt: skip
    assert done.status == 0, done.stderr
    data = json.loads(done.stdout)
    values = {v["parameter"]: v for v in data["values"]}
    assert values["rotors.figure_of_merit"]["value"] == pytest.approx(0.60, rel=0.03)
    assert values["rotors.flat_plate_area_m2"]["value"] == pytest.approx(0.05, rel=0.03)
    assert values["avionics_power_w"]["value"] == pytest.approx(20.0, rel=0.1)
    assert all(v["fitted"] and v["standard_error"] > 0 for v in values.values())
    assert {"hover", "cruise"} <= {p["phase"] for p in data["phases"]}
    assert data["file"] == str(out)
    drone = load_drone(out)
    assert drone.rotors.figure_of_merit == values["rotors.figure_of_merit"]["value"]
    assert drone.avionics_power_w == values["avionics_power_w"]["value"]


def test_the_table_and_a_short_run_with_the_fitted_drone(log_file: Path, tmp_path: Path):
    out = tmp_path / "my-drone.toml"
    done = sortie_here(
        ["drone", "fit", str(log_file), "--drone", "isr-quad", "--take-off-mass-kg",
         str(MASS_KG), "--ambient-c", "15", "--out", str(out)]
    )  # fmt: skip
    assert done.status == 0, done.stderr
    assert "rotors.figure_of_merit" in done.stdout and "measured [W]" in done.stdout
    assert f"wrote {out}" in done.stdout
    mission = tmp_path / "short-hover.toml"
    mission.write_text(SHORT_HOVER)
    flown = sortie_here(
        ["run", "--mission", str(mission), "--drone", str(out), "--model", "spm", "--json"],
        limit_s=120,
    )
    assert flown.status == 0, flown.stderr
    assert json.loads(flown.stdout)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--take-off-mass-kg", "1.0"], "empty mass"),
        (["--take-off-mass-kg", "-1"], "--take-off-mass-kg"),
        (["--drone", "no-such-drone"], "unknown drone"),
        (["--out", "{tmp}/no-folder/x.toml"], "--out"),
        (["--out", "{tmp}/x.json"], "a drone file ends in .toml"),
        (["--ambient-c", "200"], "outside"),
        (["--log", "{tmp}/flight.csv"], "not a power-only log"),
        (["--log", "{tmp}/garbage.bin"], "garbage.bin"),
    ],
)
def test_bad_input_is_one_line(log_file: Path, tmp_path: Path, argv: list[str], message: str):
    (tmp_path / "flight.csv").write_text("time_s,power_w\n0,100\n1,100\n")
    (tmp_path / "garbage.bin").write_bytes(b"not a log at all" * 10)
    options = {"--drone": "isr-quad", "--take-off-mass-kg": str(MASS_KG), "--log": str(log_file)}
    for key, value in zip(argv[::2], argv[1::2], strict=True):
        options[key] = value.format(tmp=tmp_path)
    log = options.pop("--log")
    done = sortie_here(["drone", "fit", log, *[x for kv in options.items() for x in kv]])
    assert done.status == 2, (done.stdout, done.stderr)
    assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr


def test_the_take_off_mass_is_required(log_file: Path):
    done = sortie_here(["drone", "fit", str(log_file), "--drone", "isr-quad"])
    assert done.status == 2 and "--take-off-mass-kg" in done.stderr
