"""One assembler, one chain, every default named once.

Only :mod:`sortie.studies.setup` turns a user's choices into a ``FlightSetup``; the defaults it
fills in (ambients, rating temperature, pack overhead, interconnect, landing reserve) live in
:mod:`sortie.defaults`; ``fly`` / ``fly_many`` is the one public chain."""

import ast
import dataclasses
import tomllib
from pathlib import Path

import pytest
import tomli_w

import sortie
from sortie import defaults
from sortie.cells.pack import Pack
from sortie.models import chain
from sortie.models.flight_plan import FlightPlan
from sortie.models.mission import Mission
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.presets import load_cell, load_drone
from sortie.presets.loader import DATA_DIR
from sortie.studies.design_space import StationBase
from sortie.studies.endurance import StationSpec, pack_size_sweep
from sortie.studies.setup import (
    PACK_DEFAULTS,
    assemble,
    built_pack,
    rating_settings,
    rating_setup,
    resolve_setup,
)

ROOT = Path(__file__).resolve().parents[1]
# Where a FlightSetup may be made: the assembler, and the chain that defines it.
ASSEMBLER = {"sortie/studies/setup.py", "sortie/models/flight.py"}


def _sources(*folders: str) -> list[Path]:
    found = [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]
    return found + ([ROOT / "app.py"] if (ROOT / "app.py").exists() else [])


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def test_only_the_assembler_builds_a_flight_setup():
    outside = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in _sources("sortie", "ui")
        if str(path.relative_to(ROOT)) not in ASSEMBLER
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Call) and _called_name(node) == "FlightSetup"
    ]
    assert outside == [], "build setups with sortie.studies.setup (assemble, resolve_setup)"


def test_fly_is_the_one_public_chain():
    assert sortie.fly.__module__ == "sortie.models.flight"
    assert sortie.fly_many.__module__ == "sortie.models.flight"
    assert "fly" in sortie.__all__ and "simulate_mission" not in sortie.__all__
    assert "fly" in (sortie.__doc__ or "")
    assert not hasattr(chain, "simulate_mission")
    with pytest.raises(AttributeError):
        sortie.simulate_mission  # noqa: B018
    # Nothing tests or measures physics around the chain's front door.
    users = [
        str(path.relative_to(ROOT))
        for path in _sources("sortie", "ui", "tests", "benchmarks")
        if "simulate_mission" in path.read_text() and path.name != "test_assembler.py"
    ]
    assert users == []


# --- every default named once ------------------------------------------------------------------

# A field whose default is one of these, written as a number instead of its name.
_NAMED = {
    "ambient_c": {defaults.STANDARD_AMBIENT_C, defaults.RATING_AMBIENT_C},
    "overhead_fraction": {defaults.PACK_MASS_OVERHEAD_FRACTION},
    "interconnect_resistance_ohm": {defaults.PACK_INTERCONNECT_RESISTANCE_OHM},
    "reserve_state_of_charge": {defaults.LANDING_RESERVE_STATE_OF_CHARGE},
}
# Files outside this change that still write a default as a number (each should import it
# from sortie.defaults; then its entry goes). The test below fails when an entry is stale.
# Files that still write a default as a number (none: every default is imported).
PENDING: dict[str, set[str]] = {}

# Not a user's default: the engine's per-cell run inputs, always set from the pack as built
# (``prepare_run``); 0 only where an engine test builds inputs by hand. By file name: the
# engine's modules may move.
NOT_USER_DEFAULTS = {"cell_runs.py": {"interconnect_resistance_ohm"}}


def _literal_defaults(tree: ast.AST) -> set[tuple[str, int]]:
    """(name, line) of each name bound to a default's value as a number literal: keyword
    arguments, (annotated) assignments, dataclass fields and parameter defaults."""
    pairs: list[tuple[str, ast.AST, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg:
            pairs.append((node.arg, node.value, node.value.lineno))
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target = node.target
            name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
            pairs.append((name, node.value, node.lineno))
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    pairs.append((target.id, node.value, node.lineno))
        elif isinstance(node, ast.arguments):
            positional = node.posonlyargs + node.args
            with_default = positional[len(positional) - len(node.defaults) :]
            for arg, default in zip(with_default, node.defaults, strict=True):
                pairs.append((arg.arg, default, default.lineno))
            for arg, default in zip(node.kwonlyargs, node.kw_defaults, strict=True):
                if default is not None:
                    pairs.append((arg.arg, default, default.lineno))
    found = set()
    for name, bound, line in pairs:
        # ``x if given else 15.0`` and ``x or 15.0`` write the default too.
        if isinstance(bound, ast.IfExp):
            candidates = [bound.body, bound.orelse]
        elif isinstance(bound, ast.BoolOp):
            candidates = list(bound.values)
        else:
            candidates = [bound]
        numbers = [
            c.value
            for c in candidates
            if isinstance(c, ast.Constant)
            and isinstance(c.value, int | float)
            and not isinstance(c.value, bool)
        ]
        for suffix, values in _NAMED.items():
            if name.lower().endswith(suffix) and any(n in values for n in numbers):
                found.add((name, line))
    return found


def test_the_literal_scan_finds_a_default_written_as_a_number():
    source = (
        "settings = SimulationSettings(ambient_c=25.0)\n"
        "class StationSpec:\n    ambient_c: float = 15.0\n"
        "def rate(cell, reserve_state_of_charge=0.2): ...\n"
        "DEFAULT_MASS_OVERHEAD_FRACTION = 0.12\n"
        "other = dict(ambient_c=AMBIENT, reserve_state_of_charge=0.0)\n"
        "spec = StationSpec(station_ambient_c=args.ambient_c if args.ambient_c else 15.0)\n"
    )
    assert {name for name, _ in _literal_defaults(ast.parse(source))} == {
        "ambient_c",
        "station_ambient_c",
        "reserve_state_of_charge",
        "DEFAULT_MASS_OVERHEAD_FRACTION",
    }


def test_every_default_is_named_once_in_sortie_defaults():
    found: dict[str, set[str]] = {}
    for path in _sources("sortie", "ui"):
        relative = str(path.relative_to(ROOT))
        if relative == "sortie/defaults.py":
            continue
        names = {name for name, _ in _literal_defaults(ast.parse(path.read_text(), relative))}
        names -= NOT_USER_DEFAULTS.get(path.name, set())
        if names:
            found[relative] = names
    unexpected = {
        path: names - PENDING.get(path, set())
        for path, names in found.items()
        if names - PENDING.get(path, set())
    }
    assert unexpected == {}, "import these defaults from sortie.defaults"
    stale = {path for path in PENDING if path not in found}
    assert stale == set(), "these files now use sortie.defaults: drop them from PENDING"


def test_defaults_module_imports_nothing_from_sortie():
    tree = ast.parse((ROOT / "sortie/defaults.py").read_text())
    imported = [
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    ]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert [name for name in imported if name.startswith("sortie")] == []


def test_the_defaults_are_the_ones_every_front_end_uses():
    assert StationSpec().ambient_c == defaults.STANDARD_AMBIENT_C == 15.0
    assert StationBase().ambient_c == defaults.STANDARD_AMBIENT_C
    assert StationSpec().reserve_state_of_charge == defaults.LANDING_RESERVE_STATE_OF_CHARGE
    assert StationBase().reserve_state_of_charge == defaults.LANDING_RESERVE_STATE_OF_CHARGE
    plan = {f.name: f.default for f in dataclasses.fields(FlightPlan)}
    assert plan["ambient_c"] == defaults.STANDARD_AMBIENT_C
    assert plan["reserve_state_of_charge"] == defaults.LANDING_RESERVE_STATE_OF_CHARGE
    profile = {f.name: f.default for f in dataclasses.fields(Mission)}
    assert profile["ambient_c"] == defaults.PROFILE_AMBIENT_C
    from sortie.cli import build_parser

    parsed = build_parser().parse_args(["endurance", "--drone", "isr-quad"])
    assert parsed.reserve == defaults.LANDING_RESERVE_STATE_OF_CHARGE
    # The pack as built: Pack's own defaults, the assembler's and a built pack agree.
    pack_fields = {f.name: f.default for f in dataclasses.fields(Pack)}
    assert pack_fields["mass_overhead_fraction"] == defaults.PACK_MASS_OVERHEAD_FRACTION
    assert pack_fields["interconnect_resistance_ohm"] == defaults.PACK_INTERCONNECT_RESISTANCE_OHM
    assert PACK_DEFAULTS == {
        "mass_overhead_fraction": defaults.PACK_MASS_OVERHEAD_FRACTION,
        "interconnect_resistance_ohm": defaults.PACK_INTERCONNECT_RESISTANCE_OHM,
    }
    pack = built_pack(6, 2)
    assert pack.mass_overhead_fraction == defaults.PACK_MASS_OVERHEAD_FRACTION
    assert pack.interconnect_resistance_ohm == defaults.PACK_INTERCONNECT_RESISTANCE_OHM
    assert resolve_setup("quad-isr-loiter").pack == pack


def test_rating_discharges_fly_at_the_rating_ambient():
    cell = load_cell("lg-m50-21700")
    setup = rating_setup(cell, 2.0, 3600.0)
    assert setup.mission.ambient_c == defaults.RATING_AMBIENT_C == 25.0
    assert setup.settings.ambient_c == defaults.RATING_AMBIENT_C
    assert setup.mission.segments[0].power_w == pytest.approx(2.0 * cell.budget.energy_wh)
    assert (setup.pack.series_count, setup.pack.parallel_count) == (1, 1)
    assert setup.pack == built_pack(1, 1) and setup.drone is None
    # A flight's own ambient is not a rating's; its other settings stay.
    cold = SimulationSettings(ambient_c=-10.0, model=ModelKind.SPME, output_points=900)
    rated = rating_settings(cold)
    assert rated.ambient_c == defaults.RATING_AMBIENT_C
    assert (rated.model, rated.output_points) == (ModelKind.SPME, 900)
    assert rating_settings(model=ModelKind.SPM).model is ModelKind.SPM


def test_assemble_fills_in_the_default_settings():
    cell = load_cell("lg-m50-21700")
    setup = assemble(cell, built_pack(1, 1), rating_setup(cell, 1.0, 60.0).mission)
    assert setup.settings == SimulationSettings()


def _drone_with_its_own_pack(tmp_path):
    document = {
        **tomllib.loads((DATA_DIR / "drones" / "isr-quad.toml").read_text()),
        "id": "built-quad",
        "pack_mass_overhead_fraction": 0.3,
        "pack_interconnect_resistance_ohm": 0.02,
    }
    path = tmp_path / "built-quad.toml"
    path.write_text(tomli_w.dumps(document))
    return load_drone(path)


def test_built_pack_takes_the_drones_overhead_and_interconnect(tmp_path):
    drone = _drone_with_its_own_pack(tmp_path)
    pack = built_pack(6, 3, drone)
    assert pack.mass_overhead_fraction == 0.3
    assert pack.interconnect_resistance_ohm == 0.02
    # The same pack resolve_aircraft builds for that drone (the rules are one).
    resolved = resolve_setup("quad-isr-loiter", drone=drone, parallel_count=3).pack
    assert resolved == pack


def test_a_pack_size_sweep_builds_the_drones_pack(tmp_path):
    # Before the one assembler the sweep built Pack(series_count=...) and so flew every
    # drone's pack with the default 12 % overhead and an ideal interconnect.
    drone = _drone_with_its_own_pack(tmp_path)
    cell = load_cell(drone.cell)
    sweep = pack_size_sweep(
        drone, [cell], [2], StationSpec(), SimulationSettings(model=ModelKind.SPM)
    )
    (row,) = sweep.table.to_dict(orient="records")
    cells_kg = drone.series_count * 2 * cell.budget.mass_kg
    assert row["pack_mass_kg"] == pytest.approx(1.3 * cells_kg)
    assert row["endurance_s"] > 0
