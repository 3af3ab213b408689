"""Every console example of the README runs: each ``sortie ...`` line of a ```console,
```bash or ```sh block (continuation lines joined, ``# comments`` dropped) is run with the
project's ``sortie`` command in a fresh folder holding a copy of ``examples/`` and the files
the README assumes the reader has (``my-flight.csv``). It must exit 0, and the files it names
as outputs must exist afterwards.

Each command runs as written, with these exceptions, listed in :data:`PLANS` with the reason:
- placeholders (``FILE``, ``OPT.toml``) become small sweep and optimisation files written
  here (preset names only, SPM, a handful of designs);
- the cluster commands run against a real Dask scheduler and worker started here as the
  README's cluster block starts them (on loopback, one worker process for 2 cores), their
  ``tcp://machine-a:8786`` / ``tcp://10.0.0.5:8786`` replaced by its address.
Nothing is skipped: a new README command runs as written unless a plan says otherwise, and a
plan for a command the README no longer has fails :func:`test_every_plan_names_a_readme_command`.
Commands that take longer than a few seconds (DFN flights, the 200-design sweep, the
optimisations, the cluster) are marked ``slow``; on 2 cores the whole file takes ~2-3 min.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BIN = Path(sys.executable).parent
# A README prompt: ``$ `` or a machine's (``laptop$ ``, ``machine-a$ ``).
PROMPT = re.compile(r"^(?P<machine>[A-Za-z0-9_.-]*)\$\s+(?P<command>.*)$")
BLOCK = re.compile(r"^```(?:console|bash|sh|shell)[ \t]*\n(?P<body>.*?)^```", re.M | re.S)
TIME_LIMIT_S = 600


@dataclass(frozen=True)
class ReadmeCommand:
    """A command as the README writes it: the machine of its prompt ('' for ``$``), its
    words (environment assignments first) and its text (words joined by one space)."""

    machine: str
    words: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def program(self) -> str:
        """The program run: the first word after ``NAME=value`` assignments."""
        return next(w for w in self.words if not re.match(r"^[A-Z_][A-Z0-9_]*=", w))


def readme_commands(markdown: str) -> list[ReadmeCommand]:
    """Every prompted command of the console blocks, in order."""
    found = []
    for block in BLOCK.finditer(markdown):
        lines = block["body"].splitlines()
        index = 0
        while index < len(lines):
            matched = PROMPT.match(lines[index])
            index += 1
            if not matched:
                continue  # the output shown after a command
            command = matched["command"]
            while command.rstrip().endswith("\\") and index < len(lines):
                command = command.rstrip()[:-1] + " " + lines[index].strip()
                index += 1
            words = tuple(shlex.split(command, comments=True))
            if words:
                found.append(ReadmeCommand(matched["machine"], words))
    return found


COMMANDS = readme_commands(README.read_text(encoding="utf-8"))
SORTIE_COMMANDS = [c for c in COMMANDS if c.program == "sortie"]

# What the placeholders stand for: small studies of presets only, so that a cluster's
# workers have every file they name (as the README says they must).
SMALL_SWEEP = """name = "README check: payload"
[base]
mission = "quad-isr-loiter"
[base.settings]
model = "spm"
[[dimensions]]
field = "drone.payload_kg"
values = [0.25, 0.5, 0.75, 1.0]
"""
SMALL_OPTIMISATION = """name = "README check: pack size"
[base]
drone = "isr-quad"
station = { phase = "hover", ambient_c = 20.0, reserve_state_of_charge = 0.2 }
[base.settings]
model = "spm"
[[variables]]
field = "pack.parallel_count"
start = 1
stop = 4
[[objectives]]
figure = "endurance_s"
goal = "maximise"
[optimiser]
population = 4
generations = 2
seed = 1
"""
# The README's `my-flight.csv`: a flight log of 5 min, a 10 s climb at 650 W in it.
FLIGHT_LOG = "time [s],power [W]\n" + "".join(
    f"{t},{250 + (400 if 60 <= t < 70 else 0)}\n" for t in range(0, 301)
)
CLUSTER = "{cluster}"  # the address of the Dask scheduler started for the command


@dataclass(frozen=True)
class Plan:
    """How one README command is run when not exactly as written: ``replace`` maps words of
    the command to what runs instead; ``outputs`` are the files it must leave; ``slow``
    marks a long one; ``why`` says why it differs from the README (required with
    ``replace``)."""

    replace: dict[str, str] = field(default_factory=dict)
    outputs: tuple[str, ...] = ()
    slow: bool = False
    why: str = ""


_SWEEP_FILE = {"FILE": "small-sweep.toml"}
_FILE_WHY = "FILE is a placeholder: a small SPM sweep of presets"
PLANS: dict[str, Plan] = {
    "sortie run --mission quad-isr-loiter": Plan(slow=True),
    (
        "sortie run --cell a123-26650-lfp --mission fixed-wing-patrol --series 6 --parallel 8 "
        "--model spme --ambient-c -10 --json --csv patrol.csv"
    ): Plan(outputs=("patrol.csv",), slow=True),
    (
        "sortie run --mission vtol-cargo-delivery --set drone.payload_kg=3 "
        "--set mission.phases.3.payload_drop_kg=3"
    ): Plan(slow=True),
    "sortie run --mission my-flight.csv --cell lg-m50-21700 --series 6 --parallel 2 --bin-s 5": (
        Plan(slow=True)
    ),
    "sortie endurance --drone isr-quad --ground-altitude-m 450 --ambient-c 20": Plan(slow=True),
    "sortie endurance --drone isr-quad --sweep-parallel 1:10": Plan(slow=True),
    "sortie sweep examples/sweeps/dfn-thickness-porosity-200.toml --out dfn.parquet": Plan(
        outputs=("dfn.parquet",), slow=True
    ),
    "sortie sweep FILE --out dfn.parquet --resume": Plan(
        replace=_SWEEP_FILE, outputs=("dfn.parquet",), why=_FILE_WHY
    ),
    "sortie sweep FILE --out x.parquet --workers 1": Plan(
        replace=_SWEEP_FILE, outputs=("x.parquet",), why=_FILE_WHY
    ),
    "sortie sweep FILE --out x.parquet --cluster tcp://10.0.0.5:8786": Plan(
        replace={**_SWEEP_FILE, "tcp://10.0.0.5:8786": CLUSTER},
        outputs=("x.parquet",),
        slow=True,
        why=f"{_FILE_WHY}; the cluster is a real Dask scheduler and worker started here",
    ),
    "sortie optimise examples/optimise/pack-size-hover.toml": Plan(slow=True),
    "sortie optimise examples/optimise/coating-reserve-vs-mass.toml --table front.csv": Plan(
        outputs=("front.csv",), slow=True
    ),
    "sortie cell show kokam-slpb75106100 --capacity-ah 5 --save my-cell.toml": Plan(
        outputs=("my-cell.toml",)
    ),
    "sortie run --mission quad-isr-loiter --set negative_electrode_thickness_um=70": Plan(
        slow=True
    ),
    "sortie sweep FILE --out x.parquet --cluster tcp://machine-a:8786": Plan(
        replace={**_SWEEP_FILE, "tcp://machine-a:8786": CLUSTER},
        outputs=("x.parquet",),
        slow=True,
        why=f"{_FILE_WHY}; machine-a is a Dask scheduler started here as the README does",
    ),
    "SORTIE_DASK_SCHEDULER=tcp://machine-a:8786 sortie optimise OPT.toml": Plan(
        replace={
            "SORTIE_DASK_SCHEDULER=tcp://machine-a:8786": f"SORTIE_DASK_SCHEDULER={CLUSTER}",
            "OPT.toml": "small-optimisation.toml",
        },
        slow=True,
        why="OPT.toml is a placeholder: a small SPM optimisation of presets; machine-a is a "
        "Dask scheduler started here as the README does",
    ),
    (
        "sortie calibrate --cell lg-m50-21700-chen2020 --data lgm50 --validate lgm50 --fit "
        "positive-active-fraction positive-exchange-current diffusivity-activation-energy "
        "--model dfn --iterations 40 --out my-m50.toml --html fit.html"
    ): Plan(outputs=("my-m50.toml", "fit.html"), slow=True),
    "sortie run --mission quad-isr-loiter --cell lg-m50-21700-calibrated": Plan(slow=True),
    (
        "sortie life --mission quad-isr-loiter --model spme --sorties 30 --report-every 10 "
        "--storage-days 90 --storage-temperature-c 35 --storage-soc 0.9"
    ): Plan(slow=True),
    (
        "sortie life --mission quad-isr-loiter --cell nmc811-high-power-21700 --model spm "
        "--sorties 10 --recharge fast --turnaround-min 10 --mesh pybamm-default --json "
        "--out life.csv"
    ): Plan(outputs=("life.csv",), slow=True),
    (
        "sortie failsafe --mission quad-isr-loiter --ambient-c 15 --coldest-ambient-c -10 "
        "--out-dir ."
    ): Plan(
        outputs=("sortie-failsafe-px4.params", "sortie-failsafe-ardupilot.param"), slow=True
    ),
}
# README commands not run, with the reason. Keep this empty unless there is no way to run one.
EXCLUDED: dict[str, str] = {}


def test_the_readme_has_console_commands():
    """The extraction finds the README's examples (a change of their markup must not leave
    this file checking nothing)."""
    texts = [c.text for c in SORTIE_COMMANDS]
    assert len(texts) >= 20, texts
    assert "sortie list" in texts
    assert any(t.startswith("sortie cell show") for t in texts)
    # A continued line is one command; its comment is not part of it.
    patrol = next(t for t in texts if "fixed-wing-patrol" in t)
    assert patrol.endswith("--json --csv patrol.csv")
    assert all("#" not in t for t in texts)


def test_every_plan_names_a_readme_command():
    texts = {c.text for c in SORTIE_COMMANDS}
    stale = (set(PLANS) | set(EXCLUDED)) - texts
    assert not stale, f"plans for commands the README no longer has: {sorted(stale)}"
    for text, plan in PLANS.items():
        assert plan.why or not plan.replace, f"say why {text!r} is not run as written"
        for word in plan.replace:
            assert word in shlex.split(text), (text, word)


def test_the_cluster_block_is_what_the_fixture_starts():
    """The Dask commands of the cluster block (not ``sortie`` commands, but how its
    ``sortie`` lines get their cluster) are the ones :func:`dask_cluster` runs."""
    dask = [c for c in COMMANDS if c.program.endswith("dask")]
    assert [c.words[:2] for c in dask] == [
        (".venv/bin/dask", "scheduler"),
        (".venv/bin/dask", "worker"),
        (".venv/bin/dask", "worker"),
    ]
    for worker in dask[1:]:
        assert worker.words[2] == "tcp://machine-a:8786" and "--nthreads" in worker.words


@contextlib.contextmanager
def dask_cluster(folder: Path) -> Iterator[str]:
    """The README's cluster on this machine: ``dask scheduler`` (on loopback, a free port,
    no dashboard) and one ``dask worker ADDRESS --nworkers 1 --nthreads 1`` (the README's
    machines have 4 and 8 processes; CI has 2 cores). Yields the scheduler's address."""
    dask = str(BIN / "dask")
    address_file = folder / "scheduler.json"
    logs = [folder / "scheduler.log", folder / "worker.log"]
    processes: list[subprocess.Popen] = []

    def shown() -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-2000:]}" for log in logs)

    try:
        with logs[0].open("w") as output:
            processes.append(
                subprocess.Popen(
                    [dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                     "--scheduler-file", str(address_file)],
                    stdout=output, stderr=output, cwd=folder,
                )
            )  # fmt: skip
        deadline = time.monotonic() + 120
        while not address_file.exists():
            assert time.monotonic() < deadline and processes[0].poll() is None, shown()
            time.sleep(0.2)
        address = _address(address_file)
        with logs[1].open("w") as output:
            processes.append(
                subprocess.Popen(
                    [dask, "worker", address, "--nworkers", "1", "--nthreads", "1",
                     "--no-dashboard", "--host", "127.0.0.1"],
                    stdout=output, stderr=output, cwd=folder,
                )
            )  # fmt: skip
        deadline = time.monotonic() + 180
        while "Registered to" not in logs[1].read_text():
            assert time.monotonic() < deadline and processes[1].poll() is None, shown()
            time.sleep(0.2)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _address(scheduler_file: Path) -> str:
    import json

    for _ in range(50):  # written as it starts: read it once it parses
        with contextlib.suppress(ValueError):
            return json.loads(scheduler_file.read_text())["address"]
        time.sleep(0.1)
    raise AssertionError(f"{scheduler_file}: no address")


def _folder(tmp_path: Path) -> Path:
    """What a reader of the README has at hand: the examples, a flight log, and the small
    studies that stand for the placeholders."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    (tmp_path / "my-flight.csv").write_text(FLIGHT_LOG)
    (tmp_path / "small-sweep.toml").write_text(SMALL_SWEEP)
    (tmp_path / "small-optimisation.toml").write_text(SMALL_OPTIMISATION)
    return tmp_path


def _run(command: ReadmeCommand, plan: Plan, folder: Path, cluster: str | None):
    words = [plan.replace.get(word, word) for word in command.words]
    if cluster is not None:
        words = [word.replace(CLUSTER, cluster) for word in words]
    environment = {**os.environ, "PYBAMM_DISABLE_TELEMETRY": "true"}
    while "=" in words[0] and not words[0].startswith("-"):
        name, _, value = words.pop(0).partition("=")
        environment[name] = value
    assert words[0] == "sortie"
    return subprocess.run(
        [str(BIN / "sortie"), *words[1:]],
        capture_output=True,
        text=True,
        cwd=folder,
        env=environment,
        timeout=TIME_LIMIT_S,
    )


def _params():
    for command in SORTIE_COMMANDS:
        plan = PLANS.get(command.text, Plan())
        if command.text in EXCLUDED:
            continue  # listed with its reason in EXCLUDED
        marks = [pytest.mark.slow] if plan.slow else []
        yield pytest.param(command, plan, marks=marks, id=command.text[:80])


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One cluster for the commands that need one (started only when one asks for it)."""
    with dask_cluster(tmp_path_factory.mktemp("cluster")) as address:
        yield address


@pytest.mark.parametrize(("command", "plan"), list(_params()))
def test_readme_command_runs(
    command: ReadmeCommand, plan: Plan, tmp_path: Path, request: pytest.FixtureRequest
):
    folder = _folder(tmp_path)
    needs_cluster = any(CLUSTER in value for value in plan.replace.values())
    address = request.getfixturevalue("cluster") if needs_cluster else None
    done = _run(command, plan, folder, address)
    assert done.returncode == 0, (
        f"README command failed: {command.text}\n"
        f"exit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    )
    assert "Traceback" not in done.stderr
    for name in plan.outputs:
        assert (folder / name).exists(), f"{command.text}: no {name}"
