"""Generated blocks in README.md: the text between a start and an end marker, replaced whole."""

from __future__ import annotations


def with_block(readme_text: str, start: str, end: str, generated: str) -> str:
    """``readme_text`` with what stands between ``start`` and ``end`` replaced by
    ``generated``. Raises ValueError when the markers are missing."""
    head, found_start, rest = readme_text.partition(start)
    _, found_end, tail = rest.partition(end)
    if not found_start or not found_end:
        raise ValueError(f"README.md has no {start} ... {end} block")
    return f"{head}{start}\n{generated}\n{end}{tail}"
