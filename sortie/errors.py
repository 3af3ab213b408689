"""Errors a user can act on. Every message is one line that names what is wrong."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from pydantic import ValidationError


class SortieError(Exception):
    """Base class: anything the CLI and UI show as a plain one-line message."""


class InputError(SortieError):
    """A preset, file or value the user gave is unknown, malformed or out of range."""


class InfeasiblePowerError(SortieError):
    """The cells cannot deliver the requested power at all (not even at the start)."""


class FileTooLargeError(InputError):
    """A file above its reader's byte limit (``size_bytes`` when the file told it)."""

    def __init__(self, label: str, limit_bytes: int, size_bytes: int | None = None) -> None:
        self.label = label
        self.limit_bytes = limit_bytes
        self.size_bytes = size_bytes
        size = f"{size_bytes:,} bytes" if size_bytes is not None else "more than that"
        super().__init__(f"{label}: file too large ({size}; at most {limit_bytes:,} bytes)")


# Pydantic's range checks, reworded for a value that is no number at all (NaN compares false
# with every bound, so pydantic would call `nan` "not greater than 0").
_RANGE_ERRORS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}


def describe_validation_error(error: ValidationError, context: str) -> str:
    """All problems on one line, joined with '; ', each naming its field path
    (e.g. ``segments.2.power_w``)."""
    parts = []
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"])
        message = validation_message(item)
        parts.append(f"{location}: {message}" if location else message)
    return f"{context}: " + "; ".join(parts)


def validation_message(item: Mapping) -> str:
    """One pydantic error item as words (no location)."""
    value = item.get("input")
    if item.get("type") in _RANGE_ERRORS | {"finite_number"} and isinstance(value, float):
        if math.isnan(value):
            return "nan is not a number"
        if math.isinf(value):
            return f"{value} is not a finite number"
    return str(item["msg"]).removeprefix("Value error, ")


def shown_value(value: object, max_chars: int = 24) -> str:
    """A value as a message shows it: numbers short (``1e+308``, ``9.999e+349``, never 300
    digits), text cut at ``max_chars``."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        digits = str(abs(value))
        if len(digits) <= 15:
            return str(value)
        sign = "-" if value < 0 else ""
        return f"{sign}{digits[0]}.{digits[1:4]}e+{len(digits) - 1}"
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value)
    return text if len(text) <= max_chars else text[: max_chars - 3] + "..."


def describe_flag_error(error: ValidationError, flags: Mapping[str, tuple[str, object]]) -> str:
    """A validation error of an object built from command-line options, naming the options:
    ``flags`` maps a field name to (option, value given), e.g.
    ``{"initial_state_of_charge": ("--initial-soc", 0.0)}`` gives
    ``--initial-soc 0: must be greater than 0.01``. Fields not in ``flags`` keep their path."""
    parts = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        message = validation_message(item)
        message = re.sub(r"^Input should be ", "must be ", message)
        if field in flags:
            flag, value = flags[field]
            parts.append(f"{flag} {shown_value(value)}: {message}")
        else:
            location = ".".join(str(part) for part in item["loc"])
            parts.append(f"{location}: {message}" if location else message)
    return "; ".join(parts)


# C0 controls but newline and tab, DEL, C1 controls (ESC [ and CSI act on terminals), and the
# bidirectional overrides and isolates (they reorder what a reader sees).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, *, keep_carriage_return: bool = False) -> str:
    """``text`` with every control character that could act on a terminal shown as an escape
    (``\\x1b``, ``\\u202e``) instead: newlines and tabs stay, a carriage return only with
    ``keep_carriage_return`` (progress lines)."""

    def shown(match: re.Match[str]) -> str:
        character = match[0]
        if character == "\r" and keep_carriage_return:
            return character
        code = ord(character)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROL.sub(shown, text)


def json_printable(text: str) -> str:
    """JSON text with the controls that ``json.dumps(ensure_ascii=False)`` leaves as they are
    (DEL, C1, bidirectional controls) written as ``\\uXXXX`` escapes: the same JSON value,
    harmless on a terminal. (Those characters can only stand inside JSON strings.)"""
    return _CONTROL.sub(lambda match: f"\\u{ord(match[0]):04x}", text)
