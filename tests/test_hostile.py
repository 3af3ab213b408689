"""The hostile corpus (``tests/data/hostile/``, plus named pipes and links to ``/dev/zero``
made here): every file a hostile user could hand Sortie gets one clear line naming the file
(exit 2), within a time limit: no hang, no traceback, no memory blow-up, no escape code on
the terminal, no code run. The app's side of the same corpus is in ``test_app_hostile.py``
(uploads and links) and ``test_browser.py`` (the real server)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import tomli_w

from tests.cli_helpers import assert_one_clear_line, sortie_here

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = Path(__file__).parent / "data" / "hostile"
RUN = ["run", "--model", "spm"]
# Where each kind of file goes on the command line.
AS_MISSION = [*RUN, "--cell", "lg-m50-21700", "--series", "1", "--parallel", "1", "--mission"]
AS_DRONE = [*RUN, "--mission", "quad-isr-loiter", "--drone"]
AS_CELL = [*RUN, "--mission", "quad-isr-loiter", "--cell"]

# file -> (arguments before it, what the one line must say besides the file's name)
CORPUS: dict[str, tuple[list[str], str]] = {
    "mission-1001-phases.toml": (AS_MISSION, "phases: 1001 phases; at most 1000"),
    "mission-deep-tables.toml": (AS_MISSION, "nested more than 32 levels deep"),
    "mission-deep-arrays.toml": (AS_MISSION, "nested more than 32 levels deep"),
    "mission-escape-codes.toml": (AS_MISSION, "unknown drone '\\x1b[31misr-quad\\x1b[0m'"),
    "mission-nan-power.toml": (AS_MISSION, "segments.0.power_w: nan is not a number"),
    "mission-inf-duration.toml": (AS_MISSION, "segments.0.duration_s: inf is not a finite"),
    "mission-huge-time.toml": (AS_MISSION, "time_series: duration_s"),
    "mission-fixed-wing-hover.toml": (AS_MISSION, "a fixed wing cannot hover: give it a phase"),
    "mission-wrong-types.toml": (AS_MISSION, "phases.0.duration_s"),
    "mission-latin1.toml": (AS_MISSION, "not UTF-8"),
    "mission-binary.toml": (AS_MISSION, "not UTF-8"),
    "mission-drone-path.toml": (AS_MISSION, "drone: passwd: malformed TOML"),
    "mission-crawl.toml": (AS_MISSION, "as flown: duration_s"),
    "log-nan.csv": (AS_MISSION, "row 2 (line 3): column 'power [W]' is NaN"),
    "log-huge-time.csv": (AS_MISSION, "the log spans 1e+308 s"),
    "log-escape-header.csv": (AS_MISSION, "'\\x1b[2Jtime\\x1b[0m [s]'"),
    "log-nul.csv": (AS_MISSION, "'\\x00\\x00\\x00' is not a number"),
    "log-negative.csv": (AS_MISSION, "negative power -250 W"),
    "drone-impossible.toml": (AS_DRONE, "payload_kg: nan is not a number"),
    "drone-unknown-kind.toml": (AS_DRONE, "kind: Input should be"),
    "cell-template-traversal.toml": (AS_CELL, "template_of must name a cell preset"),
    "cell-nonsense-changes.toml": (AS_CELL, "positive.coating_thickness_um: nan is not"),
    "cell-deep.toml": (AS_CELL, "nested more than 32 levels deep"),
    "bpx-import-os.json": (AS_CELL, "attribute access '.system' is not allowed"),
    "bpx-power-tower.json": (AS_CELL, "is too large"),
    "bpx-deep.json": (AS_CELL, "nested more than 32 levels deep"),
    "bpx-dunder.json": (AS_CELL, "are not allowed"),
    "sweep-billion.toml": (["sweep", "--workers", "1", "--out", "{tmp}/out.parquet"], "count"),
    "sweep-reads-passwd.toml": (
        ["sweep", "--workers", "1", "--out", "{tmp}/out.parquet"],
        "malformed TOML",
    ),
}
# The views are for the app (loaded in test_app_hostile.py); the command line reads none.
VIEWS = sorted(path.name for path in HOSTILE.glob("view-*.json"))
# Hostile to the app only: a sweep that swaps in files of the server by a respelt key. On
# the command line files are the user's own to name: each design is a row saying why it
# could not fly (test_a_sweep_names_why_designs_did_not_fly).
APP_ONLY = ["sweep-swap-spelling.toml"]


def test_the_corpus_is_all_here():
    on_disk = {path.name for path in HOSTILE.iterdir()}
    assert on_disk == set(CORPUS) | set(VIEWS) | set(APP_ONLY)
    assert len(on_disk) >= 20


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_hostile_file_is_one_clear_line(name, tmp_path):
    before, expected = CORPUS[name]
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in before]
    done = sortie_here([*args, str(HOSTILE / name)] if args[0] != "sweep" else _sweep(args, name))
    message = assert_one_clear_line(done, expected)
    # The file is named, unless the line names the file it reached (the sweep's mission).
    assert name in message or name == "sweep-reads-passwd.toml", message
    assert not Path("/tmp/sortie-pwned").exists()  # bpx-import-os.json ran nothing


def _sweep(args: list[str], name: str) -> list[str]:
    return [args[0], str(HOSTILE / name), *args[1:]]


# --- files that are no files: named pipes and a link to /dev/zero ---------------------------


SPECIAL_PLACES = {
    "mission.toml": AS_MISSION,
    "log.csv": AS_MISSION,
    "drone.toml": AS_DRONE,
    "cell.toml": AS_CELL,
    "cell.json": AS_CELL,
}


def _special(tmp_path: Path, kind: str, name: str) -> Path:
    path = tmp_path / name
    if kind == "pipe":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    return path


@pytest.mark.parametrize("kind", ["pipe", "zero"])
@pytest.mark.parametrize("name", sorted(SPECIAL_PLACES))
def test_a_pipe_or_endless_file_is_refused_at_once(tmp_path, kind, name):
    """``mkfifo p.toml; sortie run --mission p.toml`` blocked for ever; a link to /dev/zero
    passed the size check (it says 0 bytes) and was read until memory ran out."""
    path = _special(tmp_path, kind, name)
    done = sortie_here([*SPECIAL_PLACES[name], str(path)], limit_s=30)
    assert_one_clear_line(done, f"{name}: not a regular file (only regular files are read)")


@pytest.mark.parametrize("command", ["sweep", "optimise"])
@pytest.mark.parametrize("kind", ["pipe", "zero"])
def test_study_files_that_are_no_files_are_refused(tmp_path, kind, command):
    path = _special(tmp_path, kind, "study.toml")
    extra = ["--out", str(tmp_path / "out.parquet")] if command == "sweep" else []
    done = sortie_here([command, str(path), *extra, "--workers", "1"], limit_s=30)
    assert_one_clear_line(done, "study.toml: not a regular file")


def test_csv_into_a_named_pipe_is_refused_before_flying(tmp_path):
    pipe = tmp_path / "out.csv"
    os.mkfifo(pipe)
    done = sortie_here([*RUN, "--mission", "fpv-strike-sprint", "--csv", str(pipe)], limit_s=30)
    assert_one_clear_line(done, "--csv", "not a regular file (only regular files are written)")
    assert not done.stdout  # refused before the flight


def test_save_into_a_named_pipe_is_refused(tmp_path):
    pipe = tmp_path / "cell.toml"
    os.mkfifo(pipe)
    done = sortie_here(["cell", "show", "lg-m50-21700", "--save", str(pipe)], limit_s=30)
    assert_one_clear_line(done, "--save", "not a regular file")


@pytest.mark.parametrize(
    "option, args",
    [
        ("--csv", [*RUN, "--mission", "fpv-strike-sprint", "--csv"]),
        ("--save", ["cell", "show", "lg-m50-21700", "--save"]),
    ],
)
def test_writing_onto_a_link_is_refused_before_any_work(tmp_path, option, args):
    """A symbolic link at the output's name would be replaced by a plain file (its target left
    as it was): refused with one line naming the link, before the flight."""
    target = tmp_path / "kept" / "results.toml"
    target.parent.mkdir()
    target.write_text("mine\n")
    link = tmp_path / "out.toml"
    link.symlink_to(target)
    done = sortie_here([*args, str(link)], limit_s=30)
    assert_one_clear_line(done, f"{option} {link}", f"is a symbolic link (to {target})")
    assert not done.stdout  # refused before the flight
    assert link.is_symlink() and target.read_text() == "mine\n"


def test_a_sweep_names_why_designs_did_not_fly(tmp_path):
    out = tmp_path / "o.parquet"
    done = sortie_here(["sweep", str(HOSTILE / APP_ONLY[0]), "--out", str(out), "--workers", "1"])
    assert done.status == 0, done.stderr
    assert "not flown: 2 invalid" in done.stdout
    assert "invalid, e.g. #0: passwd: malformed TOML" in done.stdout


# --- found in review: huge numbers, raw validation dumps, internal field names ---------------

NINES = "9" * 350
REVIEWED = {
    "a 350-digit --series": (
        [*RUN, "--mission", "quad-isr-loiter", "--series", NINES],
        "--series 9.999e+349: must be less than or equal to 400",
    ),
    "a 350-digit --workers": (
        ["sweep", str(ROOT / "examples" / "sweeps" / "spme-1000.toml"), "--out",
         "{tmp}/o.parquet", "--workers", NINES],
        "--workers 9.999e+349: must be within 1..256",
    ),
    "a 350-digit --sweep-parallel": (
        ["endurance", "--drone", "isr-quad", "--sweep-parallel", f"1:{NINES}"],
        "--sweep-parallel '1:9999999999999999999...'",
    ),
    "a can filled 1e299 times": (
        ["cell", "show", "lg-m50-21700", "--capacity-ah", "1e300"],
        "needs 1.76e+299 times the 21700 can",
    ),
    "a pouch 1e300 Ah thick": (
        ["cell", "show", "kokam-slpb75106100", "--capacity-ah", "1e300"],
        "does not fit: SLPB 75106100: thickness_mm: Input should be less than 100",
    ),
    "a pinned pack mass of 1e308 kg": (
        [*RUN, "--mission", "quad-isr-loiter", "--set", "pack.mass_kg=1e308"],
        "pack: mass_kg: Input should be less than or equal to 5000",
    ),
}  # fmt: skip


@pytest.mark.parametrize("label", sorted(REVIEWED))
def test_reviewed_inputs_are_one_short_line(label, tmp_path):
    args, expected = REVIEWED[label]
    done = sortie_here([arg.replace("{tmp}", str(tmp_path)) for arg in args])
    message = assert_one_clear_line(done, expected)
    assert len(message) < 200 and "pydantic" not in message and "9" * 30 not in message


def test_the_pinned_pack_mass_is_the_field_mass_kg_wherever_a_pack_is_built():
    """``pack.mass_kg`` is the pack's own field alias, not a message rewritten afterwards:
    the pack takes it, a refusal names it, a sweep's change applies it, and it reads back."""
    from sortie.cells.pack import Pack, pack_fields
    from sortie.errors import InputError
    from sortie.presets.loader import construct
    from sortie.studies.setup import apply_changes, current_value, resolve_setup

    pinned = Pack(series_count=6, parallel_count=2, mass_kg=0.95)
    assert pinned.pinned_mass_kg == 0.95 and pinned.mass_kg(None) == 0.95
    assert pack_fields(pinned)["mass_kg"] == 0.95 and Pack(**pack_fields(pinned)) == pinned
    with pytest.raises(InputError, match=r"^pack: mass_kg: Input should be greater than 0$"):
        construct(Pack, {"series_count": 6, "parallel_count": 2, "mass_kg": -1.0}, "pack")
    setup = resolve_setup("quad-isr-loiter", changes={"pack.mass_kg": 0.95})
    assert setup.pack.pinned_mass_kg == 0.95 and current_value(setup, "pack.mass_kg") == 0.95
    heavier = apply_changes(setup, {"pack.mass_kg": 1.2, "pack.layout.spacing_mm": 1.0})
    assert (heavier.pack.pinned_mass_kg, heavier.pack.layout.spacing_mm) == (1.2, 1.0)
    assert apply_changes(heavier, {"pack.series_count": 4}).pack.pinned_mass_kg == 1.2
    for build in (
        lambda: resolve_setup("quad-isr-loiter", changes={"pack.mass_kg": 1e308}),
        lambda: apply_changes(setup, {"pack.mass_kg": 1e308}),
    ):
        with pytest.raises(InputError, match=r"^pack: mass_kg: Input should be less than or eq"):
            build()


def test_too_many_phases_is_said_before_each_phase_is_checked(tmp_path):
    """1500 phases without names: one 'too many', not 1500 'name: Field required'."""
    plan = {"id": "x", "name": "x", "description": "", "drone": "isr-quad"}
    plan["phases"] = [{"phase": "hover"}] * 1500
    path = tmp_path / "many.toml"
    path.write_text(tomli_w.dumps(plan))
    done = sortie_here([*RUN, "--mission", str(path)])
    assert assert_one_clear_line(done) == "many.toml: phases: 1500 phases; at most 1000"


def test_a_bpx_value_no_cell_takes_names_the_file(tmp_path):
    source = ROOT / "sortie" / "presets" / "data" / "bpx" / "lfp-18650-about-energy-2022.json"
    document = json.loads(source.read_text())
    document["Parameterisation"]["Cell"]["Electrode area [m2]"] = 1e300
    path = tmp_path / "huge-area.json"
    path.write_text(json.dumps(document))
    done = sortie_here([*AS_CELL, str(path)])
    assert assert_one_clear_line(done).startswith("huge-area.json: as a cell: electrode_area_m2")
