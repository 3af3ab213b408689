"""House rules (issue 25): PyBaMM and PyBOP only in sortie/engine/, Streamlit only in app.py
and ui/, and no module in sortie/ or ui/ over ~450 lines without a note in
its docstring saying why it is one idea ("Why one module of ~N lines: ..."), and the note's
size is not stale by more than a quarter."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT_LINES = 450
NOTE = re.compile(r"Why one module of ~([\d,]+) lines: it is one idea")


def _modules() -> list[Path]:
    return [
        p
        for folder in ("sortie", "ui")
        for p in (ROOT / folder).rglob("*.py")
        if "__pycache__" not in p.parts
    ]


def _long_without_note(paths: list[Path]) -> list[str]:
    problems = []
    for path in paths:
        lines = len(path.read_text().splitlines())
        if lines <= LIMIT_LINES:
            continue
        docstring = ast.get_docstring(ast.parse(path.read_text())) or ""
        note = NOTE.search(" ".join(docstring.split()))
        if note is None:
            problems.append(f"{path.name}: {lines} lines and no note")
        elif abs(int(note.group(1).replace(",", "")) - lines) > lines / 4:
            problems.append(f"{path.name}: {lines} lines, the note says ~{note[1]}")
    return problems


def test_every_long_module_says_why_it_is_one_idea():
    assert _long_without_note(_modules()) == []


def test_the_check_finds_a_long_module_without_a_note(tmp_path):
    bare = tmp_path / "bare.py"
    bare.write_text('"""A module."""\n' + "x = 1\n" * 500)
    stale = tmp_path / "stale.py"
    stale.write_text('"""Why one module of ~100 lines: it is one idea."""\n' + "x = 1\n" * 500)
    noted = tmp_path / "noted.py"
    noted.write_text('"""Why one module of ~500 lines: it is one idea."""\n' + "x = 1\n" * 500)
    short = tmp_path / "short.py"
    short.write_text('"""A module."""\n' + "x = 1\n" * 400)
    found = _long_without_note([bare, stale, noted, short])
    assert [p.split(":")[0] for p in found] == ["bare.py", "stale.py"]


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def _importers(library: str, paths: list[Path]) -> set[str]:
    return {str(p.relative_to(ROOT)) for p in paths if library in _imported_roots(p)}


def test_pybamm_and_pybop_are_imported_only_in_the_engine():
    for library in ("pybamm", "pybop"):
        outside = {
            p for p in _importers(library, _modules()) if not p.startswith("sortie/engine/")
        }
        assert outside == set(), f"{library} imported outside sortie/engine/: {sorted(outside)}"
    assert _importers("pybamm", _modules())  # the walk sees the engine's imports


def test_streamlit_is_imported_only_in_the_app_and_ui():
    paths = [*_modules(), ROOT / "app.py"]
    importers = _importers("streamlit", paths)
    assert "app.py" in importers
    assert {p for p in importers if not (p == "app.py" or p.startswith("ui/"))} == set()
