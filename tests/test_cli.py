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
    "pack_mass_source",
    "pack_mass_overhead_fraction",
    "pack_energy_wh",
    "interconnect_resistance_ohm",
    "interconnect_loss_wh",
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


def assert_one_line_error(done: subprocess.CompletedProcess, expected: str = "") -> None:
    """The CLI's promise for bad input: exit 2, one line on stderr, no traceback."""
    assert done.returncode == 2, done.stdout[-500:] + done.stderr
    assert expected in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr


def test_list_shows_every_kind():
    done = sortie("list")
    assert done.returncode == 0, done.stderr
    for word in ("cells:", "drones:", "missions:", "lg-m50-21700", "quad-isr-loiter", "isr-quad"):
        assert word in done.stdout
    assert "chemistries:" in done.stdout and "chemistrys" not in done.stdout
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
        (["run", "--mission", "quad-isr-loiter", "--series", "0"], "--series 0"),
        (["run", "--mission", "quad-isr-loiter", "--parallel", "-2"], "--parallel -2"),
        (
            ["run", "--mission", "quad-isr-loiter", "--initial-soc", "1.5"],
            "--initial-soc 1.5: must be less than or equal to 1",
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
    assert_one_line_error(done, expected)


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
    assert_one_line_error(done, expected)


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


def test_set_overrides_reach_the_physics():
    base = json.loads(
        sortie("run", "--mission", "quad-isr-loiter", "--model", "spm", "--json").stdout
    )
    heavier = sortie(
        "run",
        "--mission",
        "quad-isr-loiter",
        "--model",
        "spm",
        "--json",
        "--set",
        "drone.payload_kg=1.2",
        "--set",
        "mission.phases.2.duration_s=600",
    )
    assert heavier.returncode == 0, heavier.stderr
    data = json.loads(heavier.stdout)
    hover = {p["phase"]: p for p in data["phases"]}["hover on station"]
    base_hover = {p["phase"]: p for p in base["phases"]}["hover on station"]
    assert hover["duration_s"] == 600
    assert hover["mass_kg"] == pytest.approx(base_hover["mass_kg"] + 0.95)
    assert hover["pack_power_w"] > base_hover["pack_power_w"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--set", "drone.payload_kg"], "TARGET.FIELD=VALUE"),
        (["--set", "plane.payload_kg=1"], "target must be one of"),
        (["--set", "drone.payload_kg=-1"], "payload_kg"),
        (["--set", "drone.wingspan=3"], "wingspan"),
        (["--set", "mission.phases.9.duration_s=5"], "not an index"),
    ],
)
def test_bad_overrides(args, expected):
    done = sortie("run", "--mission", "quad-isr-loiter", "--model", "spm", *args)
    assert_one_line_error(done, expected)


def test_endurance_question_json():
    done = sortie(
        "endurance", "--drone", "isr-quad", "--model", "spme", "--reserve", "0.25", "--json"
    )
    assert done.returncode == 0, done.stderr
    point = json.loads(done.stdout)
    assert point["limited_by"] == "reserve"
    assert 15 * 60 < point["endurance_s"] < 60 * 60
    assert point["parallel_count"] == 2


def test_pack_size_sweep_marks_the_best():
    done = sortie("endurance", "--drone", "isr-quad", "--model", "spm", "--sweep-parallel", "2:4")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("<- longest") == 1
    as_json = json.loads(
        sortie(
            "endurance",
            "--drone",
            "isr-quad",
            "--model",
            "spm",
            "--sweep-parallel",
            "2:4",
            "--json",
        ).stdout
    )
    best = as_json["best"]["lg-m50-21700"]
    longest = max(p["endurance_s"] for p in as_json["points"])
    assert best["endurance_s"] == pytest.approx(longest)


def test_flight_log_mission(tmp_path):
    log = tmp_path / "flight.csv"
    rows = ["time [s],power [W]"] + [
        f"{t},{250 + (400 if 60 <= t < 70 else 0)}" for t in range(0, 301)
    ]
    log.write_text("\n".join(rows) + "\n")
    done = sortie(
        "run",
        "--mission",
        str(log),
        "--cell",
        "lg-m50-21700",
        "--series",
        "6",
        "--parallel",
        "2",
        "--model",
        "spm",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["mission_completed"] is True
    assert summary["hardest_segment"] == "log 60-70 s"
    # Trapezoid of the log: 250 W x 300 s + 400 W x 10 s (+/- half-second ramps) = 79000 J.
    assert summary["energy_delivered_wh"] == pytest.approx(79_000 / 3600, rel=0.01)
    log.write_text("time [s],power [W]\n0,100\n10,-50\n20,100\n")
    bad = sortie(
        "run", "--mission", str(log), "--cell", "lg-m50-21700", "--series", "6", "--parallel", "2"
    )
    assert bad.returncode == 2 and "row 2" in bad.stderr and "negative power" in bad.stderr


def test_cell_show_json_and_overrides():
    done = sortie("cell", "show", "lg-m50-21700", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["capacity_ah"] == pytest.approx(5.048, abs=0.01)
    assert sum(report["mass_breakdown_g"].values()) == pytest.approx(report["mass_g"])
    thick = json.loads(
        sortie(
            "cell", "show", "lg-m50-21700", "--json", "--set", "positive_electrode_thickness_um=90"
        ).stdout
    )
    assert thick["electrodes"]["positive"]["coating_thickness_um"] == 90
    assert thick["winding_turns"] < report["winding_turns"]
    assert thick["np_ratio"] < 1 and any("plating" in w for w in thick["warnings"])
    rated = json.loads(
        sortie("cell", "show", "lg-m50-21700", "--json", "--rate", "0.5", "--model", "spm").stdout
    )["rated"][0]
    assert rated["c_rate"] == 0.5 and rated["ended_by"] == "voltage cut-off"
    assert 0.8 * report["energy_wh"] < rated["energy_wh"] < report["energy_wh"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--set", "positive_electrode_porosity=1.4"], "porosity"),
        (["--set", "negative_electrode_thickness_um=-3"], "coating_thickness_um"),
        (["--set", "positive_electrode_thickness_um=300"], "stack"),
        (["--capacity-ah", "9"], "of the 21700 can"),
        (["--set", "positive_active_material_volume_fraction=0.9"], "above 1"),
    ],
)
def test_bad_designs_name_the_field(args, expected):
    cell = "kokam-slpb75106100" if expected == "stack" else "lg-m50-21700"
    done = sortie("cell", "show", cell, *args)
    assert_one_line_error(done, expected)


DATA = Path(__file__).parent / "data"


def test_bpx_cell_flies_a_mission_and_a_forbidden_formula_is_refused(tmp_path):
    done = sortie(
        "run",
        "--mission",
        "quad-isr-loiter",
        "--cell",
        str(DATA / "bpx_valid_nmc_pouch.json"),
        "--series",
        "6",
        "--parallel",
        "2",
        "--model",
        "spme",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["cell_id"].startswith("bpx-")
    assert summary["capacity_ah"] == pytest.approx(13.19, abs=0.05)
    assert summary["termination_reason"] == "end of profile"
    assert any("BPX carries no material densities" in w for w in summary["warnings"])
    # exit(7) in an OCP: refused with one line naming the field; nothing ran (exit code 2,
    # not 7), and an __import__ payload leaves no trace.
    refused = sortie("cell", "show", str(DATA / "bpx_unsafe_exit.json"))
    assert refused.returncode == 2
    assert "Negative electrode.OCP [V]: name 'exit' is not allowed" in refused.stderr
    marker = tmp_path / "pwned"
    document = json.loads((DATA / "bpx_valid_nmc_pouch.json").read_text())
    document["Parameterisation"]["Positive electrode"]["OCP [V]"] = (
        f"__import__('os').system('touch {marker}')"
    )
    evil = tmp_path / "evil.json"
    evil.write_text(json.dumps(document))
    refused = sortie("run", "--mission", "quad-isr-loiter", "--cell", str(evil))
    assert refused.returncode == 2 and "not allowed" in refused.stderr
    assert not marker.exists()


def test_bpx_design_can_be_changed():
    base = json.loads(
        sortie("cell", "show", str(DATA / "bpx_valid_nmc_pouch.json"), "--json").stdout
    )
    thicker = json.loads(
        sortie(
            "cell",
            "show",
            str(DATA / "bpx_valid_nmc_pouch.json"),
            "--set",
            "positive_electrode_thickness_um=60",
            "--json",
        ).stdout
    )
    assert thicker["capacity_ah"] > base["capacity_ah"]


# Inputs a robustness review found to end in internal errors or multi-line messages.
@pytest.mark.parametrize(
    "args",
    [
        [
            "run",
            "--model",
            "spm",
            "--mission",
            "quad-isr-loiter",
            "--set",
            "mission.phases.1.distance_m=1e7",
        ],
        [
            "run",
            "--model",
            "spm",
            "--mission",
            "quad-isr-loiter",
            "--set",
            "drone.airframe_mass_kg=5000",
            "--set",
            "drone.max_takeoff_mass_kg=10000",
        ],
        ["endurance", "--drone", "isr-quad", "--ground-altitude-m", "8000"],
        ["endurance", "--drone", "isr-quad", "--phase", "loiter", "--speed-m-per-s", "200"],
        ["endurance", "--drone", "isr-quad", "--sweep-parallel", "50:60", "--model", "spm"],
        ["endurance", "--drone", "isr-quad", "--parallel", "20", "--model", "spm"],
        ["cell", "show", "lg-m50-21700", "--rate", "0"],
        ["cell", "show", "lg-m50-21700", "--capacity-ah", "0.001"],
        ["cell", "show", "kokam-slpb75106100", "--capacity-ah", "0.001"],
        ["cell", "show", "nmc811-high-power-21700", "--set", "cell.sources=5"],
        [
            "run",
            "--model",
            "spm",
            "--mission",
            "quad-isr-loiter",
            "--set",
            "mission.phases.\u00b2.duration_s=5",
        ],
        ["run", "--model", "spm", "--mission", "quad-isr-loiter", "--csv", "/nonexistent/x.csv"],
    ],
    ids=lambda a: " ".join(a)[:60],
)
def test_odd_inputs_get_one_line_and_exit_2(args):
    done = sortie(*args)
    assert_one_line_error(done)
    assert done.stderr.startswith("sortie: error:")


def test_format_fields_of_a_named_format_can_be_set():
    short = json.loads(
        sortie("cell", "show", "lg-m50-21700", "--set", "format.height_mm=65", "--json").stdout
    )
    base = json.loads(sortie("cell", "show", "lg-m50-21700", "--json").stdout)
    assert short["format"]["height_mm"] == 65
    assert short["capacity_ah"] < base["capacity_ah"]


def test_csv_output_reads_back_as_a_flight_log(tmp_path):
    csv = tmp_path / "run.csv"
    done = sortie("run", "--mission", "quad-isr-loiter", "--model", "spm", "--csv", str(csv))
    assert done.returncode == 0, done.stderr
    again = sortie(
        "run",
        "--mission",
        str(csv),
        "--cell",
        "lg-m50-21700",
        "--series",
        "6",
        "--parallel",
        "2",
        "--model",
        "spm",
        "--json",
    )
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["mission_completed"] is True


@pytest.mark.parametrize("args", [["list"], ["cell", "show", "lg-m50-21700"]], ids=" ".join)
def test_a_reader_that_goes_away_ends_the_command_quietly(args):
    # The reading end is closed before sortie writes a byte: every write meets EPIPE.
    env = {**os.environ, "PYBAMM_DISABLE_TELEMETRY": "true"}
    child = subprocess.Popen(
        [str(SORTIE), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    child.stdout.close()
    stderr = child.stderr.read().decode()
    assert child.wait(timeout=120) == 141  # 128 + SIGPIPE, as `yes | head -1` gives
    assert stderr == ""


def test_piping_into_head_ends_quietly():
    done = subprocess.run(
        ["bash", "-c", f"set -o pipefail; '{SORTIE}' list | head -1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout == "cells:\n"
    assert done.stderr == ""  # no "internal error: BrokenPipeError", no traceback
    assert done.returncode in (0, 141)  # 0 when everything fitted into the pipe first


def test_a_matched_cell_is_saved_and_loads_back(tmp_path):
    path = tmp_path / "my-cell.toml"
    done = sortie(
        "cell", "show", "kokam-slpb75106100", "--capacity-ah", "5", "--save", str(path), "--json"
    )
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)  # stdout stays one JSON object; the note is on stderr
    assert f"saved {path}" in done.stderr
    again = json.loads(sortie("cell", "show", str(path), "--json").stdout)
    for key in ("name", "id", "capacity_ah", "mass_g", "cathode_layer_count"):
        assert again[key] == shown[key], key
    assert again["cathode_layer_count"] == 15 and "7.5" not in again["name"]
    assert again["format"]["name"] == "pouch 100 x 106 x 5.2 mm"
    # It flies as any cell file does.
    run = sortie(
        "run", "--mission", "quad-isr-loiter", "--cell", str(path), "--model", "spm", "--json"
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["cell_id"] == shown["id"]
    assert_one_line_error(
        sortie("cell", "show", "lg-m50-21700", "--save", str(tmp_path / "x.txt")), ".toml"
    )


def test_run_says_how_the_pack_was_built():
    args = ["run", "--mission", "quad-isr-loiter", "--model", "spm"]
    built = ["--set", "pack.mass_kg=0.95", "--set", "pack.interconnect_resistance_ohm=0.02"]
    done = sortie(*args, *built)
    assert done.returncode == 0, done.stderr
    assert "6S2P  0.950 kg (pinned: cells + 17 %)" in done.stdout
    assert "interconnect 20.0 mOhm:" in done.stdout
    plain = sortie(*args, "--set", "drone.pack_mass_overhead_fraction=0.2", "--json")
    summary = json.loads(plain.stdout)
    assert summary["pack_mass_source"] == "cells + overhead"
    assert summary["pack_mass_overhead_fraction"] == pytest.approx(0.2)
    assert summary["interconnect_loss_wh"] == 0
    assert_one_line_error(sortie(*args, "--set", "pack.mass_kg=0.5"), "less than its 12 cells")


def _flown(*extra: str) -> dict:
    done = subprocess.run(
        [str(SORTIE), "run", "--mission", "quad-isr-loiter", "--model", "spm", "--ambient-c",
         "10", "--start-temperature-c", "-15", *extra, "--json"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_heater_is_compared_with_the_same_cold_flight_without_it():
    """``--heater-w/--heater-s`` fly the mission twice: the JSON's ``without_heater`` is the
    flight without the flags, and ``heater_pays_off`` follows from the two (SPM, cold-soaked
    LG M50 pack at -15 °C in 10 °C air)."""
    cold = _flown()
    heated = _flown("--heater-w", "80", "--heater-s", "600")
    assert "without_heater" not in cold and "heater_pays_off" not in cold
    unheated = heated["without_heater"]
    assert heated["preheat_s"] == 600.0 and unheated["preheat_s"] == 0.0
    assert heated["start_temperature_c"] == unheated["start_temperature_c"] == -15.0
    assert unheated["termination_reason"] == cold["termination_reason"]
    for key in ("endurance_s", "final_state_of_charge", "max_cell_temperature_c"):
        assert unheated[key] == pytest.approx(cold[key], rel=1e-9), key
    if heated["mission_completed"] != cold["mission_completed"]:
        expected = heated["mission_completed"]
    elif heated["mission_completed"]:
        expected = heated["final_state_of_charge"] > cold["final_state_of_charge"]
    else:
        expected = heated["endurance_s"] > cold["endurance_s"]
    assert heated["heater_pays_off"] is expected


def test_the_pack_layout_is_set_as_the_readme_says():
    """``--set pack.layout.rows=2 --set pack.layout.columns=6`` (README, pack thermal): the
    nested layout fields of the pack reach the pack's grid (it failed with "pack:
    layout.rows: Unexpected keyword argument")."""
    args = ["run", "--mission", "quad-isr-loiter", "--model", "spm", "--json"]
    done = sortie(*args, "--set", "pack.layout.rows=2", "--set", "pack.layout.columns=6")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    grid = {a["key"]: a["values"] for a in data["assumptions"]}["thermal model"]
    assert (grid["rows"], grid["columns"]) == (2, 6)
    assert data["hottest_cell_position"].startswith(("row 1,", "row 2,"))
    default = {a["key"]: a["values"] for a in json.loads(sortie(*args).stdout)["assumptions"]}
    assert (default["thermal model"]["rows"], default["thermal model"]["columns"]) == (3, 4)
    assert_one_line_error(
        sortie(*args, "--set", "pack.layout.rows=1", "--set", "pack.layout.columns=6"),
        "holds 6 cells, not 12",
    )


@pytest.mark.slow
def test_endurance_from_below_the_cold_limit_says_so_and_suggests_the_heater():
    """Cells soaked below their discharge limit cannot start: no "0 min 00 s until the cold
    limit" but the limit (the chemistry's: LG M50 -20 °C; A123 LFP -30 °C) and the pre-heat
    options, with what the suggested pre-heat would give (flown), or, where the cells are too
    cold to power even their heater (DFN at -51.5 °C), to start warmer."""
    done = sortie("endurance", "--drone", "isr-quad", "--ambient-c", "-51.5", "--model", "spm")
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert "0 min 00 s" not in done.stdout
    assert first.startswith(
        "no hover: the cells start at -51.5 °C, below their -20 °C discharge limit; pre-heated "
        "on the ground with --heater-w "
    ), first
    # The suggestion is what it says: flown with those options, the same time on station.
    suggested = first.split("with ")[1].split(" (drawn")[0].split()
    assert suggested[0] == "--heater-w" and suggested[2:] == ["--heater-s", "600"]
    heated = sortie(
        "endurance", "--drone", "isr-quad", "--ambient-c", "-51.5", "--model", "spm", *suggested
    )
    assert heated.returncode == 0, heated.stderr
    promised = first.split(" it would hover ")[1]
    assert heated.stdout.startswith(f"hover endurance {promised}"), (first, heated.stdout)
    lfp = sortie(
        "endurance", "--drone", "isr-quad", "--cell", "a123-26650-lfp", "--ambient-c", "-40",
        "--model", "spm", "--json",
    )  # fmt: skip
    assert lfp.returncode == 0, lfp.stderr
    assert "below their -30 °C discharge limit" in json.loads(lfp.stdout)["message"]
    own = sortie(
        "endurance", "--drone", "isr-quad", "--ambient-c", "-5", "--min-temperature-c", "0",
        "--model", "spm",
    )  # fmt: skip
    assert "below the 0 °C minimum set by --min-temperature-c" in own.stdout, own.stdout
    frozen = sortie("endurance", "--drone", "isr-quad", "--ambient-c", "-51.5")  # DFN
    assert_one_line_error(frozen, "below their -20 °C discharge limit")
    assert "too cold even to power a pre-heater" in frozen.stderr
    assert "--heater-w" in frozen.stderr and "--start-temperature-c" in frozen.stderr
