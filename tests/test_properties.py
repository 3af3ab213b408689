"""Property-based tests of the command line (hypothesis): configurations of cells, designs,
packs, drones and missions, sane and nonsense, flown in this process (SPM, short missions).

The promise for each: a valid result (exit 0, or 1 with ``--fail-on-incomplete``) whose
verdict is consistent, or one clear line (exit 2) that names what is wrong: an option, a
file's field, or the physics that stops the flight (too heavy, more power than the cells
give). Never a traceback, an internal error, a hang past the time limit, or nonsense
accepted as a result. Each nonsense value the strategies plant records the names a correct
message may blame.

320 configurations per run (``SORTIE_PROPERTY_EXAMPLES`` scales them); derandomised
under CI so that a run is reproducible, random elsewhere to keep finding new cases.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sortie.presets.loader import DATA_DIR
from tests.cli_helpers import Done, assert_one_clear_line, sortie_here

SCALE = float(os.environ.get("SORTIE_PROPERTY_EXAMPLES", "1"))
# A first example imports PyBaMM and builds models (seconds); a hang is caught all the same.
TIME_LIMIT_S = 90.0
PROFILE = settings(
    deadline=None,
    database=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)

# Few chemistries and few distinct segment times: each (chemistry, times, initial charge)
# is one model build (about 0.5 s for SPM); re-solves on a built model take milliseconds.
CELLS = ["lg-m50-21700-chen2020", "nca-18650-power", "kokam-slpb75106100", "a123-26650-lfp"]
DRONES = ["isr-quad", "fpv-strike", "fixed-wing-isr", "vtol-cargo"]
MISSIONS = ["fpv-strike-sprint", "quad-isr-loiter"]
DURATIONS_S = [30.0, 60.0]
PHASES = ["hover", "loiter", "transit", "dash", "cruise"]
PLAN_FIELDS = ["ambient_c", "ground_altitude_m", "reserve_state_of_charge"]

# Values no field of Sortie takes (every number has bounds below 1e308; strict types).
NONSENSE = [math.nan, math.inf, -math.inf, 1e308, -1e308, "text", [1.0, 2.0]]
DEEP = "[" * 40 + "1" + "]" * 40
# Option values that are no number at all.
NOT_A_NUMBER = ["nan", "inf", "-inf", "1e999", "x", "", "1,5"]
# Words of the one line when physics, not a typing error, stops a sane configuration.
PHYSICS = (
    "take-off mass",
    "cannot deliver",
    "per cell",
    "cannot hover",
    "stall",
    "cannot hold station",
    "no pack size",
    "N/P",
    " Ah needs",
    "invalid design",
    "layers make",
)


@dataclass
class Case:
    """One configuration: the arguments, the files they name, and for each nonsense value
    planted the names a message may blame for it."""

    args: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    blame: list[set[str]] = field(default_factory=list)
    names: set[str] = field(default_factory=set)  # what a sane configuration may be refused by
    duration_s: float | None = None
    reserve: float = 0.0
    max_temperature_c: float = 60.0
    initial_soc: float = 1.0
    fail_on_incomplete: bool = False
    wild: bool = False  # may hold nonsense

    def plant(self, *names: str) -> None:
        self.blame.append(set(names))


def _odd(draw, case: Case, odds: int) -> bool:
    """Plant nonsense here? Only in a wild case (half of them), then one time in ``odds + 1``:
    the other half stays sane, so that sane configurations are flown and checked too."""
    return case.wild and draw(st.integers(0, odds)) == 0


def _value_text(value: Any) -> str:
    """A value as ``--set`` reads it (TOML)."""
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()


@st.composite
def nonsense(draw) -> Any:
    return draw(st.sampled_from(NONSENSE))


# --- missions ------------------------------------------------------------------------------


@st.composite
def power_mission(draw, case: Case, series: int, parallel: int) -> dict[str, Any]:
    count = draw(st.integers(1, 3))
    per_cell_w = st.floats(0.0, 12.0, allow_nan=False)
    segments = []
    for index in range(count):
        segment: dict[str, Any] = {
            "name": f"segment {index}",
            "duration_s": draw(st.sampled_from(DURATIONS_S)),
            "power_w": round(draw(per_cell_w) * series * parallel, 3),
        }
        if draw(st.booleans()):
            segment["ambient_c"] = draw(st.sampled_from([-10.0, 25.0, 40.0]))
        segments.append(segment)
    document = {"id": "fuzz", "name": "fuzz", "description": "", "segments": segments}
    case.duration_s = sum(s["duration_s"] for s in segments)
    if _odd(draw, case, 5):
        index = draw(st.integers(0, count - 1))
        key = draw(st.sampled_from(["duration_s", "power_w", "ambient_c"]))
        segments[index][key] = draw(nonsense())
        case.plant(f"segments.{index}.{key}", f"segments.{index}")
    return document


@st.composite
def flight_plan(draw, case: Case, drone: str) -> dict[str, Any]:
    count = draw(st.integers(1, 3))
    phases = []
    for index in range(count):
        phase: dict[str, Any] = {
            "name": f"phase {index}",
            "phase": draw(st.sampled_from(PHASES)),
            "duration_s": draw(st.sampled_from(DURATIONS_S)),
        }
        if phase["phase"] in ("transit", "dash") and draw(st.booleans()):
            phase["speed_m_per_s"] = draw(st.sampled_from([8.0, 15.0, 25.0]))
        phases.append(phase)
    document: dict[str, Any] = {
        "id": "fuzz",
        "name": "fuzz",
        "description": "",
        "drone": drone,
        "phases": phases,
        "reserve_state_of_charge": draw(st.sampled_from([0.0, 0.2])),
        "ambient_c": draw(st.sampled_from([0.0, 15.0, 35.0])),
    }
    case.duration_s = sum(p["duration_s"] for p in phases)
    case.reserve = document["reserve_state_of_charge"]
    if _odd(draw, case, 5):
        where = draw(st.sampled_from(["phase", "plan"]))
        if where == "phase":
            index = draw(st.integers(0, count - 1))
            key = draw(st.sampled_from(["duration_s", "speed_m_per_s", "phase"]))
            phases[index][key] = draw(nonsense()) if key != "phase" else "teleport"
            case.plant(f"phases.{index}.{key}", f"phases.{index}")
        else:
            key = draw(st.sampled_from(PLAN_FIELDS))
            document[key] = draw(nonsense())
            case.plant(key)
    if _odd(draw, case, 30):
        document["phases"] = [dict(phases[0], name=f"p{i}") for i in range(1001)]
        case.plant("phases")
    return document


@st.composite
def flight_log(draw, case: Case) -> str:
    length = draw(st.sampled_from([60, 120]))
    step = draw(st.sampled_from([1, 2]))
    power = draw(st.floats(5.0, 40.0))
    rows = [f"{t},{power + (t % 7):.3f}" for t in range(0, length + 1, step)]
    if _odd(draw, case, 4):
        index = draw(st.integers(1, len(rows) - 1))
        rows[index] = draw(st.sampled_from([f"{index},nan", "x,1", f"{index - 5},10", "1;2", ""]))
        if rows[index]:
            case.plant("log.csv", "row")
    case.duration_s = float(length)
    return "time [s],power [W]\n" + "\n".join(rows) + "\n"


# --- cells, drones, options ----------------------------------------------------------------


DESIGN_FIELDS = {
    "positive_electrode_thickness_um": (55.0, 85.0),
    "negative_electrode_thickness_um": (70.0, 100.0),
    "positive_electrode_porosity": (0.28, 0.4),
    "separator_thickness_um": (10.0, 25.0),
    "positive_particle_radius_um": (2.0, 8.0),
}


@st.composite
def design_changes(draw, case: Case) -> dict[str, Any]:
    fields = draw(st.lists(st.sampled_from(sorted(DESIGN_FIELDS)), max_size=2, unique=True))
    changes = {name: round(draw(st.floats(*DESIGN_FIELDS[name])), 3) for name in fields}
    if fields and _odd(draw, case, 4):
        name = fields[0]
        changes[name] = draw(nonsense())
        alias = name.removeprefix("positive_electrode_").removeprefix("negative_electrode_")
        case.plant(name, alias, name.split("_")[0])
    return changes


@st.composite
def cell_choice(draw, case: Case, tmp: Path) -> str | None:
    kind = draw(st.sampled_from(["preset", "preset", "template", "drone's"]))
    if kind == "drone's":
        return None
    base = draw(st.sampled_from(CELLS))
    if kind == "preset":
        return base
    document = {
        "template_of": base,
        "id": "fuzz-cell",
        "name": "fuzz cell",
        "description": "",
        "changes": draw(design_changes(case)),
    }
    case.files["cell.toml"] = tomli_w.dumps(document)
    case.names.add("cell.toml")
    return str(tmp / "cell.toml")


DRONE_FIELDS = {"payload_kg": (0.0, 1.0), "avionics_power_w": (5.0, 40.0)}


@st.composite
def drone_choice(draw, case: Case, tmp: Path) -> str:
    drone = draw(st.sampled_from(DRONES))
    if draw(st.booleans()):
        return drone
    document = tomllib.loads((DATA_DIR / "drones" / f"{drone}.toml").read_text())
    document["id"] = "fuzz-drone"
    for name, (low, high) in DRONE_FIELDS.items():
        if draw(st.booleans()):
            document[name] = round(draw(st.floats(low, high)), 3)
    if _odd(draw, case, 4):
        name = draw(st.sampled_from([*DRONE_FIELDS, "airframe_mass_kg", "series_count"]))
        document[name] = draw(nonsense())
        case.plant(name)
    case.files["drone.toml"] = tomli_w.dumps(document)
    case.names.add("drone.toml")
    return str(tmp / "drone.toml")


@st.composite
def number_option(draw, case: Case, flag: str, sane: st.SearchStrategy) -> list[str]:
    """``[flag, value]``: mostly sane, sometimes no number at all."""
    if _odd(draw, case, 9):
        case.plant(flag)
        return [flag, draw(st.sampled_from(NOT_A_NUMBER))]
    return [flag, repr(draw(sane))]


@st.composite
def settings_options(draw, case: Case) -> list[str]:
    args: list[str] = []
    if draw(st.booleans()):
        args += draw(number_option(case, "--ambient-c", st.sampled_from([-10.0, 20.0, 40.0])))
    if draw(st.integers(0, 3)) == 0:
        if _odd(draw, case, 1):
            soc = draw(st.sampled_from([0.0, 1.5, -1.0]))
            case.plant("--initial-soc")
        else:
            soc = case.initial_soc = 0.9
        args += ["--initial-soc", repr(soc)]
    if draw(st.integers(0, 3)) == 0:
        limit = draw(st.sampled_from([45.0, 55.0]))
        case.max_temperature_c = limit
        args += draw(number_option(case, "--max-temperature-c", st.just(limit)))
    return args


@st.composite
def pack_options(draw, case: Case, required: bool) -> tuple[list[str], int, int]:
    if not required and draw(st.booleans()):
        return [], 6, 2
    series, parallel = draw(st.integers(1, 6)), draw(st.integers(1, 4))
    args = ["--series", str(series), "--parallel", str(parallel)]
    if _odd(draw, case, 6):
        flag = draw(st.sampled_from(["--series", "--parallel"]))
        args[args.index(flag) + 1] = str(draw(st.sampled_from([0, -3, 401, 10**9])))
        case.plant(flag)
    return args, series, parallel


@st.composite
def set_options(draw, case: Case, has_drone: bool, plan: bool, cell_file: bool) -> list[str]:
    args: list[str] = []
    choices = ["pack.mass_overhead_fraction", "settings.ambient_c"]
    if not cell_file:  # a swap would leave the cell file unread, its nonsense unseen
        choices.append("cell")
    if has_drone:
        choices.append("drone.payload_kg")
    if plan:
        choices.append("mission.phases.0.duration_s")
    for key in draw(st.lists(st.sampled_from(choices), max_size=2, unique=True)):
        if _odd(draw, case, 3):
            value = draw(st.sampled_from([*NONSENSE, "deep"]))
            text = DEEP if value == "deep" else _value_text(value)
            case.plant(key, key.rsplit(".", 1)[-1], "--set")
        elif key == "cell":
            text = draw(st.sampled_from(CELLS))
        elif key == "mission.phases.0.duration_s":
            text = repr(draw(st.sampled_from(DURATIONS_S)))
        else:
            text = repr(round(draw(st.floats(0.0, 0.5 if "pack" in key else 30.0)), 3))
        args += ["--set", f"{key}={text}"]
    if _odd(draw, case, 9):
        odd = draw(st.sampled_from(["foo.bar=1", "drone", "=1", "mission.phases.9.name=x"]))
        args += ["--set", odd]
        case.plant("--set", "foo", "drone", "'9'", "target")
    return args


# --- whole configurations ------------------------------------------------------------------


@st.composite
def run_case(draw, tmp: Path) -> Case:
    case = Case(args=["run", "--model", "spm", "--json"], wild=draw(st.booleans()))
    source = draw(st.sampled_from(["preset", "power", "plan", "plan", "log"]))
    pack, series, parallel = draw(pack_options(case, required=source in ("power", "log")))
    has_drone = source in ("preset", "plan")
    if source == "preset":
        mission = draw(st.sampled_from(MISSIONS))
    elif source == "power":
        document = draw(power_mission(case, series, parallel))
        case.files["mission.toml"] = tomli_w.dumps(document)
        mission = str(tmp / "mission.toml")
    elif source == "plan":
        document = draw(flight_plan(case, draw(st.sampled_from(DRONES))))
        case.files["mission.toml"] = tomli_w.dumps(document)
        mission = str(tmp / "mission.toml")
    else:
        case.files["log.csv"] = draw(flight_log(case))
        mission = str(tmp / "log.csv")
        if draw(st.integers(0, 5)) == 0:
            case.args += draw(number_option(case, "--bin-s", st.sampled_from([10.0, 30.0])))
    case.names.update({"mission", Path(mission).name})
    case.args += ["--mission", mission, *pack]
    cell = draw(cell_choice(case, tmp))
    if cell is None and not has_drone:
        cell = draw(st.sampled_from(CELLS))
    if cell is not None:
        case.args += ["--cell", cell]
    if has_drone and draw(st.integers(0, 3)) == 0:
        case.args += ["--drone", draw(drone_choice(case, tmp))]
    case.args += draw(settings_options(case))
    cell_file = cell is not None and cell.endswith(".toml")
    case.args += draw(set_options(case, has_drone, source == "plan", cell_file))
    if draw(st.booleans()):
        case.fail_on_incomplete = True
        case.args.append("--fail-on-incomplete")
    return case


@st.composite
def endurance_case(draw, tmp: Path) -> Case:
    case = Case(args=["endurance", "--model", "spm", "--json"], wild=draw(st.booleans()))
    case.args += ["--drone", draw(drone_choice(case, tmp))]
    case.args += ["--phase", draw(st.sampled_from(["hover", "loiter"]))]
    cell = draw(cell_choice(case, tmp))
    if cell is not None:
        case.args += ["--cell", cell]
    case.args += draw(pack_options(case, required=False))[0]
    if draw(st.booleans()):
        case.args += draw(number_option(case, "--reserve", st.sampled_from([0.1, 0.3])))
    if draw(st.integers(0, 3)) == 0:
        case.args += draw(number_option(case, "--speed-m-per-s", st.sampled_from([12.0, 20.0])))
    if draw(st.integers(0, 4)) == 0:
        altitude = 500.0
        if _odd(draw, case, 1):
            altitude = draw(st.sampled_from([9000.0, -1e5]))
            case.plant("--ground-altitude-m")
        case.args += ["--ground-altitude-m", repr(altitude)]
    case.args += draw(settings_options(case))
    if draw(st.integers(0, 4)) == 0:
        span = "1:3"
        if _odd(draw, case, 1):
            span = draw(st.sampled_from(["3:1", "0:2", "x", "1:1000"]))
            case.plant("--sweep-parallel")
        case.args += ["--sweep-parallel", span]
    return case


@st.composite
def cell_show_case(draw, tmp: Path) -> Case:
    case = Case(args=["cell", "show", "--json"], wild=draw(st.booleans()))
    base = draw(st.sampled_from([*CELLS, "lg-m50-21700", "nmc811-high-power-21700"]))
    case.args.append(base)
    case.names.add(base)
    for name, value in draw(design_changes(case)).items():
        case.args += ["--set", f"{name}={_value_text(value)}"]
    if draw(st.integers(0, 3)) == 0:
        case.args += draw(number_option(case, "--capacity-ah", st.sampled_from([3.0, 5.0])))
    return case


# --- the promise -----------------------------------------------------------------------------


def _fly(case: Case, tmp: Path) -> Done:
    for name, text in case.files.items():
        (tmp / name).write_text(text)
    return sortie_here(case.args, limit_s=TIME_LIMIT_S)


def _check(case: Case, done: Done) -> None:
    event(f"exit {done.status}" + (" (nonsense planted)" if case.blame else ""))
    if done.status == 2:
        message = assert_one_clear_line(done)
        if case.blame:
            # Nonsense is named; unless physics stops a sane part first (a cell too thick
            # for its pouch is refused before the options of the flight are read).
            allowed = set().union(*case.blame) | set(PHYSICS)
        else:
            flags = {arg for arg in case.args if arg.startswith("--")}
            allowed = case.names | flags | set(PHYSICS)
        assert any(name in message for name in allowed), (message, sorted(allowed), case.args)
        return
    assert done.status in (0, 1), (done.status, done.stderr, case.args)
    assert not case.blame, ("nonsense accepted", case.blame, case.args, done.stdout[:500])
    assert "Traceback" not in done.stderr
    data = json.loads(done.stdout)
    if case.args[0] == "run":
        _check_flight(case, done, data)
    elif case.args[0] == "endurance":
        for point in data.get("points", [data]):
            assert point["pack_mass_kg"] > 0, point
            assert point["endurance_s"] is None or point["endurance_s"] >= 0, point
    else:
        assert data["capacity_ah"] > 0 and data["mass_g"] > 0, data


def _check_flight(case: Case, done: Done, data: dict[str, Any]) -> None:
    """The verdict agrees with the figures (no wrong verdict)."""
    completed = data["mission_completed"]
    reason = data["termination_reason"]
    soc = data["final_state_of_charge"]
    assert -1e-6 <= soc <= case.initial_soc + 1e-6, data
    assert data["energy_delivered_wh"] >= -1e-9 and data["endurance_s"] >= 0, data
    assert data["max_cell_temperature_c"] <= case.max_temperature_c + 1.0, data
    duration_s = case.duration_s  # of a power mission or a log
    if "phases" in data:  # a flight plan as flown (with its --set changes)
        duration_s = sum(phase["duration_s"] for phase in data["phases"])
    if duration_s is not None and "--bin-s" not in case.args:
        assert data["endurance_s"] <= duration_s * (1 + 1e-9) + 1e-6, data
        if reason == "end of profile":
            assert data["endurance_s"] == pytest.approx(duration_s, rel=1e-6), data
    if completed:
        assert reason == "end of profile", data
        assert soc >= data["reserve_state_of_charge"] - 1e-9, data
    assert done.status == (1 if case.fail_on_incomplete and not completed else 0), data


def _property(strategy, examples: int):
    @settings(PROFILE, max_examples=max(1, round(examples * SCALE)))
    @given(st.data())
    def check(data) -> None:
        with tempfile.TemporaryDirectory(prefix="sortie-fuzz-") as folder:
            tmp = Path(folder)
            case = data.draw(strategy(tmp))
            _check(case, _fly(case, tmp))

    return check


test_run_configurations = _property(run_case, 200)
test_endurance_configurations = _property(endurance_case, 60)
test_cell_design_configurations = _property(cell_show_case, 60)
