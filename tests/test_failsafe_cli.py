"""``sortie failsafe`` (sortie.cli_failsafe), called through its own parser: the table, the
JSON, the parameter files parsed back, and bad input as one line."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from sortie import cli
from sortie.cli_failsafe import add_parser, run_failsafe_command
from sortie.errors import InputError

MISSION = """
id = "short-sortie"
name = "short sortie"
description = "test"
drone = "isr-quad"
ambient_c = 15.0
reserve_state_of_charge = 0.2

[[phases]]
name = "climb"
phase = "climb"
altitude_change_m = 30.0
climb_rate_m_per_s = 3.0

[[phases]]
name = "hover"
phase = "hover"
duration_s = 420.0

[[phases]]
name = "return"
phase = "return"
distance_m = 600.0
speed_m_per_s = 10.0

[[phases]]
name = "landing"
phase = "landing"
altitude_change_m = -30.0
climb_rate_m_per_s = -2.0
"""


def failsafe_cli(*argv: str) -> tuple[int, str]:
    """Parse as ``sortie failsafe ...`` would and run the handler; (status, stdout)."""
    parser = cli._Parser(prog="sortie")
    add_parser(parser.add_subparsers(dest="command", parser_class=cli._Parser))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = run_failsafe_command(parser.parse_args(["failsafe", *argv]))
    return status, out.getvalue()


@pytest.fixture
def mission_file(tmp_path: Path) -> Path:
    path = tmp_path / "short.toml"
    path.write_text(MISSION, encoding="utf-8")
    return path


def read_qgc_params(text: str) -> dict[str, float]:
    """QGroundControl .params: '#' comments, then vehicle, component, name, value, type
    (6 INT32 without a decimal point, 9 REAL32 with one), tab-separated."""
    lines = text.split("\n")
    assert lines[0] == "# Onboard parameters for Vehicle 1"
    assert "# Vehicle-Id Component-Id Name Value Type" in lines
    found = {}
    for line in lines:
        if not line or line.startswith("#"):
            continue
        vehicle, component, name, value, kind = line.split("\t")
        assert (vehicle, component) == ("1", "1")
        assert kind in ("6", "9")
        assert ("." in value) == (kind == "9"), line
        found[name] = int(value) if kind == "6" else float(value)
    return found


def read_mission_planner_param(text: str) -> dict[str, float]:
    """Mission Planner .param: '#' comments, then NAME,VALUE lines (CRLF)."""
    assert text.endswith("\r\n")
    found = {}
    for line in text.split("\r\n"):
        if not line or line.startswith("#"):
            continue
        name, value = line.split(",")
        found[name] = float(value)
    return found


def test_files_parse_back_to_the_values_printed(mission_file: Path, tmp_path: Path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    status, text = failsafe_cli(
        "--mission", str(mission_file), "--cell", "lg-m50-21700-chen2020", "--series", "6",
        "--parallel", "1", "--model", "spm", "--coldest-ambient-c", "5",
        "--out-dir", str(out_dir), "--json",
    )
    assert status == 0
    data = json.loads(text)
    values = {p["name"]: p["value"] for p in data["parameters"]}
    assert data["ambients_c"] == [15.0, 10.0, 5.0]
    px4 = read_qgc_params((out_dir / "sortie-failsafe-px4.params").read_text())
    ardupilot = read_mission_planner_param(
        (out_dir / "sortie-failsafe-ardupilot.param").read_bytes().decode()
    )
    assert set(px4) == {p["name"] for p in data["parameters"] if p["stack"] == "px4"}
    assert set(ardupilot) == {p["name"] for p in data["parameters"] if p["stack"] == "ardupilot"}
    for name, value in {**px4, **ardupilot}.items():
        assert value == pytest.approx(values[name], abs=1e-6), name
    assert px4["BAT1_N_CELLS"] == 6 and isinstance(px4["BAT1_N_CELLS"], int)
    assert sorted(data["files"]) == sorted(str(p) for p in out_dir.iterdir())


def test_table_for_one_stack_on_lfp(mission_file: Path):
    status, text = failsafe_cli(
        "--mission", str(mission_file), "--cell", "lfp-18650-2ah", "--series", "6",
        "--parallel", "4", "--model", "spm", "--coldest-ambient-c", "15", "--stack", "px4",
    )
    assert status == 0
    lines = text.splitlines()
    assert lines[0].split()[:4] == ["parameter", "value", "unit", "reason"]
    rows = {line.split()[0]: line.split()[1] for line in lines[1:]}
    assert set(rows) == {
        "BAT1_N_CELLS", "BAT1_V_CHARGED", "BAT1_V_EMPTY", "BAT1_R_INTERNAL", "BAT1_CAPACITY",
        "BAT_LOW_THR", "BAT_CRIT_THR", "BAT_EMERGEN_THR",
    }
    # LFP's full cell (the BPX file's 3.65 V), not NMC's 4.2 V
    assert float(rows["BAT1_V_CHARGED"]) == pytest.approx(3.65)
    assert not any(line.startswith("BATT_") for line in lines)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--coldest-ambient-c", "30"], "above the nominal ambient 15"),
        (["--coldest-ambient-c", "5", "--out-dir", "/nonexistent/x"], "not a folder"),
        (["--coldest-ambient-c", "5", "--return-min", "60"], "is not shorter than the mission"),
    ],
)
def test_bad_input_is_one_line(mission_file: Path, argv: list[str], message: str):
    base = ["--mission", str(mission_file), "--cell", "lg-m50-21700-chen2020", "--series",
            "6", "--parallel", "1", "--model", "spm"]
    with pytest.raises(InputError, match=message) as raised:
        failsafe_cli(*base, *argv)
    assert "\n" not in str(raised.value)


def test_the_coldest_ambient_is_required(mission_file: Path):
    with pytest.raises(InputError, match="coldest-ambient-c"):
        failsafe_cli("--mission", str(mission_file))
