"""Which flight log reader reads a file, by its name: ``.csv`` (Sortie's own format,
:mod:`sortie.models.flight_log_csv`), ``.ulg`` (PX4, :mod:`sortie.models.flight_log_ulog`),
``.bin`` (ArduPilot DataFlash, :mod:`sortie.models.flight_log_dataflash`). The one place that
knows the suffixes: the mission loader, the app's upload and the sweeps ask here."""

from __future__ import annotations

import pathlib

from sortie.models.flight_log import FlightLog
from sortie.models.flight_log_csv import read_flight_log

CSV_SUFFIX, ULOG_SUFFIX, DATAFLASH_SUFFIX = ".csv", ".ulg", ".bin"
FLIGHT_LOG_SUFFIXES = (CSV_SUFFIX, ULOG_SUFFIX, DATAFLASH_SUFFIX)


def is_flight_log(reference: str | pathlib.Path) -> bool:
    """Whether a mission reference (a path or an upload's name) names a flight log."""
    return str(reference).lower().endswith(FLIGHT_LOG_SUFFIXES)


def read_any_flight_log(
    source: str | pathlib.Path | bytes, *, name: str | None = None
) -> FlightLog:
    """The flight log in ``source`` (a path, or bytes with their file ``name``), read by the
    reader its suffix names (the name's, else the path's; a CSV when neither has a known one).
    A PX4 or ArduPilot log keeps the battery that gave the most energy, and its phases."""
    suffix = pathlib.PurePath(
        name or ("" if isinstance(source, bytes | bytearray) else str(source))
    )
    kind = suffix.suffix.lower()
    if kind == ULOG_SUFFIX:
        from sortie.models.flight_log_ulog import read_ulog_flight_log

        return read_ulog_flight_log(source, name=name)
    if kind == DATAFLASH_SUFFIX:
        from sortie.models.flight_log_dataflash import read_dataflash_flight_log

        return read_dataflash_flight_log(source, name=name)
    return read_flight_log(source, name=name)
