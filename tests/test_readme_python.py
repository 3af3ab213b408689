"""Every Python example of the README runs: each ```python block is written to a file and run,
as written, by the project's Python in a fresh process, in a fresh folder holding a copy of
``examples/`` (the README's relative paths), with its own result cache and PyBaMM's telemetry
off. It must exit 0 with no traceback and leave no process behind.

The file keeps the README's line numbers (the block is preceded by blank lines), so a
traceback points at the README's line. A small runner executes the block's top-level
statements one after the other in a ``__main__`` module, as ``python block.py`` would, and
times each: the test prints where the time goes (``pytest -rA`` shows it).

Blocks are never edited or skipped here: a block that fails means the README is wrong (or the
code is). Each block imports PyBaMM and flies missions, sweeps or optimises, so each is
``slow``; on 2 cores the README's one block took 67 s (36 s of it the 1000-design SPMe
sweep, 17 s the pack-size sweep, 6 s the optimisation). The fast tests check that the
extraction finds the blocks and that each parses.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
# A fence opening (``` plus its info string) up to the next closing fence.
FENCE = re.compile(r"^```(?P<tag>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
PYTHON_TAGS = {"python", "py", "python3"}
# Python written in a block that is not tagged python would never run here.
PYTHON_LINE = re.compile(r"^\s*(?:from sortie\b|import sortie\b|>>> )", re.M)
HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
TIME_LIMIT_S = 1800
# After the block's process exits, its workers (pool, study server) have this long to go.
EXIT_GRACE_S = 30

# Runs the block file (argv[1]) statement by statement in a fresh ``__main__`` module, as
# ``python FILE`` would, appending {"first", "last", "s"} per statement to argv[2].
RUNNER = """
import ast, sys, time, types, json
path, timings = sys.argv[1], sys.argv[2]
main = types.ModuleType("__main__")
main.__file__ = path
sys.modules["__main__"] = main
sys.argv = [path]
sys.path[0] = ""
with open(path, encoding="utf-8") as source:
    tree = ast.parse(source.read(), path)
for statement in tree.body:
    code = compile(ast.Module([statement], []), path, "exec")
    started = time.perf_counter()
    exec(code, main.__dict__)
    spent = time.perf_counter() - started
    with open(timings, "a", encoding="utf-8") as out:
        row = {"first": statement.lineno, "last": statement.end_lineno, "s": spent}
        out.write(json.dumps(row) + "\\n")
"""


@dataclass(frozen=True)
class PythonBlock:
    """A ```python block of the README: its place among them (from 1), the README line of
    its first code line, the heading it sits under and its code."""

    index: int
    first_line: int
    heading: str
    code: str

    @property
    def label(self) -> str:
        first = next((line for line in self.code.splitlines() if line.strip()), "")
        return f"block {self.index} (README line {self.first_line}): {first.strip()[:60]}"

    def padded(self) -> str:
        """The code preceded by blank lines, so that its line numbers are the README's."""
        return "\n" * (self.first_line - 1) + self.code


def _line_of(markdown: str, offset: int) -> int:
    return markdown.count("\n", 0, offset) + 1


def headings(markdown: str) -> list[tuple[int, int, str]]:
    """(line, level, title) of each Markdown heading outside code fences (a TOML or shell
    comment in a block is no heading)."""
    found, fenced = [], False
    for number, line in enumerate(markdown.splitlines(), start=1):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (matched := HEADING.match(line)):
            found.append((number, len(matched["level"]), matched["title"]))
    return found


def fenced_blocks(markdown: str) -> list[tuple[str, int, str]]:
    """(tag, README line of the first code line, code) of every fenced block, in order."""
    return [
        (m["tag"].strip().lower(), _line_of(markdown, m.start("body")), m["body"])
        for m in FENCE.finditer(markdown)
    ]


def python_blocks(markdown: str) -> list[PythonBlock]:
    titles = headings(markdown)
    found = []
    for tag, first_line, code in fenced_blocks(markdown):
        if (tag.split() or [""])[0] not in PYTHON_TAGS:
            continue
        heading = next((t for line, _, t in reversed(titles) if line < first_line), "")
        found.append(PythonBlock(len(found) + 1, first_line, heading, code))
    return found


MARKDOWN = README.read_text(encoding="utf-8")
BLOCKS = python_blocks(MARKDOWN)


def test_the_readme_has_python_blocks():
    """The extraction finds the README's Python: at least one block, and one in each section
    whose heading names Python (a change of markup must not leave this file checking
    nothing)."""
    assert BLOCKS, "no ```python block found in README.md"
    titles = headings(MARKDOWN)
    python_sections = []
    for position, (line, level, title) in enumerate(titles):
        if not re.search(r"\bPython\b", title):
            continue
        end = next((ln for ln, lv, _ in titles[position + 1 :] if lv <= level), 10**9)
        python_sections.append((title, line, end))
    assert python_sections, "README.md has no heading naming Python"
    for title, start, end in python_sections:
        inside = [b for b in BLOCKS if start < b.first_line < end]
        assert inside, f"section {title!r} (README line {start}) has no ```python block found"
    assert len(BLOCKS) >= len(python_sections)
    # Every fence is paired: a block is read to its own closing fence, not to the next one's.
    fences = [line for line in MARKDOWN.splitlines() if line.startswith("```")]
    assert len(fences) == 2 * len(fenced_blocks(MARKDOWN)), "an unclosed or unmatched fence"


SAMPLE = """# Title
## Python examples
```toml
# not a heading
```
```python
x = 1
```
```
from sortie import fly
```
## Python, again
```py
import json
json.loads("{")
```
"""


def test_the_extraction_on_a_sample(tmp_path: Path):
    """Comments in blocks are no headings, untagged Python is seen, a failing block fails
    with the README's line in its traceback and the time of each statement before it."""
    blocks = python_blocks(SAMPLE)
    assert [(b.index, b.first_line, b.heading) for b in blocks] == [
        (1, 7, "Python examples"),
        (2, 14, "Python, again"),
    ]
    assert [t for _, _, t in headings(SAMPLE)] == ["Title", "Python examples", "Python, again"]
    assert [tag for tag, _, code in fenced_blocks(SAMPLE) if PYTHON_LINE.search(code)] == [""]
    code, _, stderr, _ = _run(blocks[1], tmp_path)
    assert code == 1 and 'line 15' in stderr and "JSONDecodeError" in stderr
    assert _timings(tmp_path).startswith("  README line 14: ")


def test_no_python_hides_in_other_blocks():
    """Python tagged otherwise (or not at all) would never run: it must be tagged python."""
    hidden = [
        (first_line, tag)
        for tag, first_line, code in fenced_blocks(MARKDOWN)
        if (tag.split() or [""])[0] not in PYTHON_TAGS and PYTHON_LINE.search(code)
    ]
    assert not hidden, f"Python in blocks not tagged python (README line, tag): {hidden}"


@pytest.mark.parametrize("block", BLOCKS, ids=[b.label for b in BLOCKS])
def test_python_block_parses(block: PythonBlock):
    """Cheap first check: each block is valid Python (a syntax error names the README line)."""
    ast.parse(block.padded(), filename="README.md")


def _run(block: PythonBlock, folder: Path) -> tuple[int, str, str, float]:
    """Run the block in ``folder`` in its own process group; returns the exit code, stdout,
    stderr and the wall time. The group is killed on a timeout, and checked empty after the
    exit (a study server or pool worker left running is a bug of its own)."""
    script = folder / f"readme_block_{block.index}.py"
    script.write_text(block.padded(), encoding="utf-8")
    environment = {
        **os.environ,
        "PYBAMM_DISABLE_TELEMETRY": "true",
        "SORTIE_CACHE_DIR": str(folder / "cache"),
    }
    # A reader's Python runs on local workers; a cluster set for this test run is not theirs.
    environment.pop("SORTIE_DASK_SCHEDULER", None)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", RUNNER, str(script), str(folder / "timings.jsonl")],
        cwd=folder,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=TIME_LIMIT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        pytest.fail(
            f"{block.label}: still running after {TIME_LIMIT_S} s\n"
            f"{_timings(folder)}\n{stderr[-3000:]}"
        )
    wall_s = time.perf_counter() - started
    deadline = time.monotonic() + EXIT_GRACE_S
    while _group_alive(process.pid):
        if time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail(f"{block.label}: left processes running {EXIT_GRACE_S} s after exit")
        time.sleep(0.2)
    return process.returncode, stdout, stderr, wall_s


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _timings(folder: Path) -> str:
    """Each statement run so far: its README lines and seconds."""
    path = folder / "timings.jsonl"
    if not path.exists():
        return "no statement finished"
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    return "\n".join(
        f"  README line {r['first']}" + (f"-{r['last']}" if r["last"] != r["first"] else "")
        + f": {r['s']:.2f} s"
        for r in rows
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("block", BLOCKS, ids=[b.label for b in BLOCKS])
def test_python_block_runs(block: PythonBlock, tmp_path: Path):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    code, stdout, stderr, wall_s = _run(block, tmp_path)
    timings = _timings(tmp_path)
    assert code == 0, (
        f"README Python failed: {block.label} (section {block.heading!r}), exit {code}\n"
        f"{timings}\n{stdout[-2000:]}\n{stderr[-4000:]}"
    )
    assert "Traceback" not in stderr, stderr[-4000:]
    print(f"{block.label}: {wall_s:.1f} s in all (fresh interpreter)\n{timings}")
