"""Errors a user can act on. Every message is one line that names what is wrong."""

from __future__ import annotations

from pydantic import ValidationError


class SortieError(Exception):
    """Base class: anything the CLI and UI show as a plain one-line message."""


class InputError(SortieError):
    """A preset, file or value the user gave is unknown, malformed or out of range."""


class InfeasiblePowerError(SortieError):
    """The cells cannot deliver the requested power at all (not even at the start)."""


def describe_validation_error(error: ValidationError, context: str) -> str:
    """All problems on one line, joined with '; ', each naming its field path
    (e.g. ``segments.2.power_w``)."""
    parts = []
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        parts.append(f"{location}: {message}" if location else message)
    return f"{context}: " + "; ".join(parts)
