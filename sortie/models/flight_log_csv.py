"""Reading flight logs: a CSV of measured pack power (or voltage and current) into a FlightLog.

CSV format
----------
- UTF-8 text (a byte-order mark is fine), at most ``MAX_LOG_BYTES`` bytes and
  ``MAX_LOG_ROWS`` data rows, at least 2 data rows.
- Lines whose first non-blank character is ``#`` are comments; blank lines are skipped.
- The first other line is the header; its units are required. Headers are matched
  case-insensitively with surrounding spaces ignored, in the styles ``name [unit]``,
  ``name (unit)`` and ``name_unit``:

  ============  ======================  =====================================
  quantity      names                   units
  ============  ======================  =====================================
  time          ``time``, ``t``         ``s``, ``ms``, ``min``
  power         ``power``               ``W``, ``kW``
  voltage       ``voltage``             ``V``
  current       ``current``             ``A``, ``mA``
  ============  ======================  =====================================

  e.g. ``time [s]``, ``time_ms``, ``t (s)``, ``power [kW]``, ``voltage_v``, ``current [mA]``.
  A ``pack`` prefix is accepted too (``pack_power_w``, Sortie's own CSV output).
- A time column is required, and either a power column or both voltage and current
  (power = voltage x current). If power and voltage/current are all present, power is used.
  Other columns are ignored.
- Separator: comma, or semicolon when the header contains a semicolon. The decimal
  separator is always a point.
- Time must not go backwards; the log is shifted so its first sample is t = 0. Rows that
  repeat a time stamp (cyclers and flight controllers write them) are a step in power at
  that instant: they are merged into one sample that keeps the log's energy (see
  :func:`sortie.models.flight_log.merge_repeated_times`), and the log's ``notes`` say so.
  A step longer than max(60 s, 20 x the median step) is a gap (missing data) and rejected.
- Power is positive for discharge; regeneration (negative power below -1e-9 W) is rejected.

Every problem raises :class:`InputError` with one line naming the file and, for a data
problem, the data row (1-based, header and comments not counted) and its line in the file.

"""

from __future__ import annotations

import csv
import io
import math
import pathlib
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sortie.errors import FileTooLargeError, InputError
from sortie.files import read_regular_file
from sortie.models.flight_log import (
    FlightLog,
    first_long_step,
    merge_repeated_times,
    one_line,
)

MAX_LOG_BYTES = 20_000_000
MAX_LOG_ROWS = 2_000_000

NEGATIVE_POWER_TOLERANCE_W = 1e-9
TEXT_SOURCE = "<text>"

# Factor from the header's unit (lower case) to the SI unit of each quantity.
_UNITS: dict[str, dict[str, float]] = {
    "time": {"s": 1.0, "ms": 1e-3, "min": 60.0},
    "power": {"w": 1.0, "kw": 1e3},
    "voltage": {"v": 1.0},
    "current": {"a": 1.0, "ma": 1e-3},
}
_QUANTITY_NAMES = {
    "time": "time",
    "t": "time",
    "power": "power",
    "pack power": "power",
    "voltage": "voltage",
    "pack voltage": "voltage",
    "current": "current",
    "pack current": "current",
}
_BRACKETED = re.compile(r"^(?P<name>.+?)\s*(?:\[(?P<unit1>[^\]]*)\]|\((?P<unit2>[^)]*)\))$")
_SUFFIXED = re.compile(r"^(?P<name>[a-z][a-z _]*?)_(?P<unit>[a-z]+)$")
_EXPECTED = (
    "expected a time column (e.g. 'time [s]', 'time_ms') and either 'power [W]' (or kW) "
    "or both 'voltage [V]' and 'current [A]' (or mA)"
)


@dataclass(frozen=True)
class _Column:
    index: int
    header: str
    quantity: str
    unit: str | None  # lower case, as written; None when the header has no unit
    factor: float | None  # to SI; None when the unit is missing or unknown


@dataclass(frozen=True)
class _Table:
    header_fields: list[str]
    separator: str
    text: str  # header and data lines, comments removed
    line_numbers: list[int]  # file line of each data row


def read_flight_log(source: str | pathlib.Path | bytes, *, name: str | None = None) -> FlightLog:
    """Read a CSV flight log (format in the module docstring) from a path, or from raw bytes
    as an upload widget gives them. ``name`` labels messages (default: the file name, or
    ``<text>`` for bytes). A ``str`` is always a path, never CSV text."""
    if isinstance(source, bytes | bytearray):
        label = one_line(name or TEXT_SOURCE)
        data = bytes(source)
    else:
        path = pathlib.Path(source)
        label = one_line(name or path.name or str(path))
        data = _read_file(path, label)
    if len(data) > MAX_LOG_BYTES:
        raise InputError(
            f"{label}: file too large ({len(data):,} bytes; at most {MAX_LOG_BYTES:,}): "
            "shorten the log or drop columns"
        )
    table = _split_lines(_decode(data, label), label)
    columns = _classify(table.header_fields)
    time_column = _require(columns, table.header_fields, "time", label)
    if len(table.line_numbers) < 2:
        raise InputError(
            f"{label}: {len(table.line_numbers)} data row(s); a flight log needs at least 2 samples"
        )
    power_column = _find(columns, "power", label)
    if power_column is not None:
        frame = _parse(table, label)
        time_raw, power_raw = _numbers(frame, table, label, [time_column, power_column])
        power_w = power_raw * power_column.factor
    else:
        voltage_column = _require(columns, table.header_fields, "voltage", label, "no power, ")
        current_column = _require(columns, table.header_fields, "current", label, "no power, ")
        frame = _parse(table, label)
        time_raw, voltage_raw, current_raw = _numbers(
            frame, table, label, [time_column, voltage_column, current_column]
        )
        with np.errstate(over="ignore", invalid="ignore"):
            power_w = (voltage_raw * voltage_column.factor) * (current_raw * current_column.factor)
        _check_finite(power_w, table, label, "voltage x current")
    time_s, merged_w, notes = _check_times(time_raw, power_w, time_column, table, label)
    _check_power(power_w, table, label)
    return FlightLog(
        time_s=time_s, power_w=np.maximum(merged_w, 0.0), source=label, notes=notes
    )


def _read_file(path: pathlib.Path, label: str) -> bytes:
    """The log's bytes: a regular file only (a named pipe would block), read with a hard limit
    whatever its size claims (a link to ``/dev/zero`` says 0 bytes and never ends)."""
    try:
        return read_regular_file(path, MAX_LOG_BYTES, label)
    except FileTooLargeError as error:
        size = f"{error.size_bytes:,} bytes" if error.size_bytes is not None else "more"
        raise InputError(
            f"{label}: file too large ({size}; at most {MAX_LOG_BYTES:,}): "
            "shorten the log or drop columns"
        ) from None


def _decode(data: bytes, label: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{label}: not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "save the log as a UTF-8 CSV"
        ) from None


def _split_lines(text: str, label: str) -> _Table:
    header: str | None = None
    data_lines: list[str] = []
    line_numbers: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if header is None:
            header = line
            continue
        if len(data_lines) >= MAX_LOG_ROWS:
            raise InputError(
                f"{label}: too many rows (more than {MAX_LOG_ROWS:,}); resample the log first"
            )
        data_lines.append(line)
        line_numbers.append(number)
    if header is None:
        raise InputError(f"{label}: empty file (no header row, no data)")
    separator = ";" if ";" in header else ","
    try:
        fields = next(csv.reader([header], delimiter=separator))
    except csv.Error as error:
        raise InputError(one_line(f"{label}: unreadable header ({error})")) from None
    return _Table(fields, separator, "\n".join([header, *data_lines]), line_numbers)


def _classify(header_fields: list[str]) -> list[_Column]:
    """The header fields naming a known quantity (with or without a known unit)."""
    columns = []
    for index, field in enumerate(header_fields):
        text = " ".join(field.strip().lower().split())
        unit: str | None = None
        if match := _BRACKETED.match(text):
            text, unit = match["name"], (match["unit1"] or match["unit2"] or "").strip()
        elif (match := _SUFFIXED.match(text)) and match["name"].replace(
            "_", " "
        ) in _QUANTITY_NAMES:
            text, unit = match["name"], match["unit"]
        quantity = _QUANTITY_NAMES.get(text.replace("_", " ").strip())
        if quantity is None:
            continue
        factor = _UNITS[quantity].get(unit) if unit else None
        columns.append(_Column(index, field.strip(), quantity, unit or None, factor))
    return columns


def _find(columns: list[_Column], quantity: str, label: str) -> _Column | None:
    """The one column of ``quantity`` with a known unit, None if there is no such column;
    a duplicate or a column without a usable unit is an error."""
    candidates = [column for column in columns if column.quantity == quantity]
    usable = [column for column in candidates if column.factor is not None]
    if len(usable) > 1:
        names = " and ".join(f"'{column.header}'" for column in usable)
        raise InputError(f"{label}: two {quantity} columns ({names}); keep one")
    if usable:
        return usable[0]
    if candidates:
        column = candidates[0]
        units = ", ".join(_display_unit(unit) for unit in _UNITS[quantity])
        problem = "has no unit" if column.unit is None else f"has an unknown unit '{column.unit}'"
        raise InputError(
            f"{label}: column '{column.header}' {problem} ({quantity} units: {units}; "
            f"e.g. '{quantity} [{_display_unit(next(iter(_UNITS[quantity])))}]')"
        )
    return None


def _require(
    columns: list[_Column], header_fields: list[str], quantity: str, label: str, missing: str = ""
) -> _Column:
    """As :func:`_find`, and a missing column is an error listing the header found."""
    column = _find(columns, quantity, label)
    if column is not None:
        return column
    found = ", ".join(_quote(field.strip()) for field in header_fields[:12])
    more = f" and {len(header_fields) - 12} more" if len(header_fields) > 12 else ""
    raise InputError(
        f"{label}: {missing}no {quantity} column; found {found}{more}; {_EXPECTED} "
        "(the first line that is not a comment is the header)"
    )


def _parse(table: _Table, label: str) -> pd.DataFrame:
    try:
        frame = pd.read_csv(
            io.StringIO(table.text),
            sep=table.separator,
            header=0,
            skipinitialspace=True,
            # Only empty cells become NaN, so "nan" or "NA" in a log is reported as written.
            keep_default_na=False,
            na_values=[""],
            low_memory=False,
        )
    except (ValueError, csv.Error) as error:
        raise InputError(_parser_message(error, table, label)) from None
    if len(frame) != len(table.line_numbers):
        # Quoted fields spanning lines would shift every row number we report.
        raise InputError(f"{label}: a quoted field spans several lines; one row per line please")
    return frame


def _parser_message(error: Exception, table: _Table, label: str) -> str:
    match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
    if match:
        expected, text_line, seen = (int(group) for group in match.groups())
        row = text_line - 1  # the parsed text starts with the header line
        if 1 <= row <= len(table.line_numbers):
            return (
                f"{_where(label, table, row - 1)}: {seen} fields, the header has {expected} "
                f"(separator '{table.separator}')"
            )
    return one_line(f"{label}: cannot parse the CSV ({error})")


def _numbers(
    frame: pd.DataFrame, table: _Table, label: str, columns: list[_Column]
) -> list[np.ndarray]:
    """Each column as floats in its file unit; the earliest bad cell is reported."""
    values = []
    first_bad: tuple[int, str] | None = None
    for column in columns:
        raw = frame.iloc[:, column.index]
        if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
            numbers = raw.to_numpy(dtype=float)
        else:
            numbers = pd.to_numeric(raw.astype(str).str.strip(), errors="coerce").to_numpy(
                dtype=float
            )
        bad = ~np.isfinite(numbers)
        if bad.any():
            row = int(np.argmax(bad))
            if first_bad is None or row < first_bad[0]:
                cell = raw.iloc[row]
                first_bad = (row, _bad_cell(cell, numbers[row], column, table.separator))
        values.append(numbers)
    if first_bad is not None:
        raise InputError(f"{_where(label, table, first_bad[0])}: {first_bad[1]}")
    return values


def _bad_cell(cell: object, number: float, column: _Column, separator: str) -> str:
    text = "" if cell is None or (isinstance(cell, float) and math.isnan(cell)) else str(cell)
    text = text.strip()
    where = f"column '{column.header}'"
    if not text:
        return f"{where} is empty"
    if math.isinf(number):
        return f"{where}: {_quote(text)} is infinite"
    if text.lower() == "nan":
        return f"{where} is NaN"
    hint = " (use a point as decimal separator)" if separator == ";" and "," in text else ""
    return f"{where}: {_quote(text)} is not a number{hint}"


def _check_finite(power_w: np.ndarray, table: _Table, label: str, origin: str) -> None:
    bad = ~np.isfinite(power_w)
    if bad.any():
        row = int(np.argmax(bad))
        raise InputError(f"{_where(label, table, row)}: power ({origin}) is not finite")


def _check_times(
    time_raw: np.ndarray, power_w: np.ndarray, column: _Column, table: _Table, label: str
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Seconds from the first sample and the power at each, rows of a repeated time stamp
    merged (energy kept), after checking order and gaps; and the notes saying what merged."""
    unit = column.unit
    backwards = np.diff(time_raw) < 0
    if backwards.any():
        index = int(np.argmax(backwards))
        earlier, later = time_raw[index], time_raw[index + 1]
        raise InputError(
            f"{_where(label, table, index + 1)}: time goes backwards "
            f"({later:g} {unit} after {earlier:g} {unit})"
        )
    distinct_raw, merged_w, rows = merge_repeated_times(time_raw, power_w)
    if len(distinct_raw) < 2:
        raise InputError(
            f"{label}: {len(distinct_raw)} distinct time stamp(s); a flight log needs at least 2"
        )
    notes: tuple[str, ...] = ()
    repeated = int(np.count_nonzero(np.diff(np.append(rows, len(time_raw))) > 1))
    if repeated:
        first = distinct_raw[np.argmax(np.diff(np.append(rows, len(time_raw))) > 1)]
        plural = "s" if repeated > 1 else ""
        notes = (
            f"{repeated} repeated time stamp{plural} merged (first at {first:g} {unit}): the "
            f"rows of each became one sample, keeping the log's energy",
        )
    with np.errstate(over="ignore"):
        time_s = (distinct_raw - distinct_raw[0]) * column.factor
    if not math.isfinite(time_s[-1]):
        raise InputError(f"{label}: the log's time span is too large to handle")
    gap = first_long_step(time_s)
    if gap is not None:
        index = gap.index
        raise InputError(
            f"{_where(label, table, int(rows[index + 1]))}: gap of {gap.step_s:g} s in the "
            f"log (from {distinct_raw[index]:g} {unit} to {distinct_raw[index + 1]:g} {unit}); "
            f"{gap.rule()} of {gap.median_step_s:g} s)"
        )
    return time_s, merged_w, notes


def _check_power(power_w: np.ndarray, table: _Table, label: str) -> None:
    negative = power_w < -NEGATIVE_POWER_TOLERANCE_W
    if negative.any():
        row = int(np.argmax(negative))
        # A logger counting discharge as negative current makes nearly every row negative.
        hint = (
            "; most rows are negative: if the log counts discharge as negative, flip the sign"
            if np.median(power_w) < 0
            else ""
        )
        raise InputError(
            f"{_where(label, table, row)}: negative power {power_w[row]:g} W; regeneration "
            f"(charging in flight) is not supported{hint}"
        )


def _where(label: str, table: _Table, row_index: int) -> str:
    return f"{label}: row {row_index + 1} (line {table.line_numbers[row_index]})"


def _display_unit(unit: str) -> str:
    return {"w": "W", "kw": "kW", "v": "V", "a": "A", "ma": "mA"}.get(unit, unit)


def _quote(text: str) -> str:
    return repr(text if len(text) <= 30 else text[:27] + "...")
