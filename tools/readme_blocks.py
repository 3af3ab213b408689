"""Generated blocks in README.md: the text between a start and an end marker, replaced whole."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def with_block(readme_text: str, start: str, end: str, generated: str) -> str:
    """``readme_text`` with what stands between ``start`` and ``end`` replaced by
    ``generated``. Raises ValueError when the markers are missing."""
    head, found_start, rest = readme_text.partition(start)
    _, found_end, tail = rest.partition(end)
    if not found_start or not found_end:
        raise ValueError(f"README.md has no {start} ... {end} block")
    return f"{head}{start}\n{generated}\n{end}{tail}"


def table_tool(
    description: str, readme: Path, start: str, end: str, table: Callable[[], str]
) -> int:
    """A table script's command line: print the generated table, or with ``--write`` put it
    into ``readme`` between ``start`` and ``end``. Returns the exit status."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--write", action="store_true", help="update README.md in place")
    args = parser.parse_args()
    generated = table()
    if args.write:
        readme.write_text(with_block(readme.read_text(), start, end, generated))
    else:
        print(generated)
    return 0
