"""A cycler export's text as a table: the header found below any file information, the rows
split, and columns read as numbers in s, A, V or °C, each bad cell named by row and column.
The format is described in :mod:`sortie.measurements.reader`."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sortie.errors import InputError
from sortie.measurements.columns import DURATION, EXAMPLES, UNITS, Column, Quantity, classify
from sortie.measurements.series import parse_durations_s
from sortie.models.flight_log import one_line

MAX_ROWS = 5_000_000
HEADER_SEARCH_LINES = 200


@dataclass(frozen=True)
class Table:
    label: str
    fields: list[str]
    header_line: int
    separator: str
    data: str  # the data rows, comments and blank lines removed
    lines: np.ndarray  # file line of each data row
    columns: dict[int, list[str]] = field(default_factory=dict, compare=False)  # cell texts read


def split_table(text: str, label: str) -> Table:
    lines = text.splitlines()
    header: tuple[int, list[str], str] | None = None
    first: tuple[int, list[str]] | None = None
    seen = 0
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        seen += 1
        separator = "\t" if "\t" in line else ";" if ";" in line else ","
        fields = _split(line, separator, label, number)
        first = first or (number, fields)
        found = {column.quantity for column in classify(fields)}
        if len(found & {Quantity.TIME, Quantity.CURRENT, Quantity.VOLTAGE}) >= 2:
            header = (number, fields, separator)
            break
        if seen >= HEADER_SEARCH_LINES:
            break
    if first is None:
        raise InputError(f"{label}: empty file (no header row, no data)")
    if header is None:
        found_fields = ", ".join(repr(field.strip()) for field in first[1][:12])
        raise InputError(
            f"{label}: no header naming time, current and voltage in the first "
            f"{HEADER_SEARCH_LINES} lines (line {first[0]} has {found_fields}); expected e.g. "
            f"{EXAMPLES[Quantity.TIME]}; {EXAMPLES[Quantity.CURRENT]}; {EXAMPLES[Quantity.VOLTAGE]}"
        )
    header_line, fields, separator = header
    kept = [
        number
        for number in range(header_line + 1, len(lines) + 1)
        if (stripped := lines[number - 1].strip()) and stripped[0] != "#"
    ]
    if len(kept) > MAX_ROWS:
        raise InputError(f"{label}: too many rows (more than {MAX_ROWS:,}); split the file")
    data_lines = [lines[number - 1] for number in kept]
    if not data_lines:
        raise InputError(f"{label}: no data rows after the header (line {header_line})")
    return Table(label, fields, header_line, separator, "\n".join(data_lines), np.array(kept))


def _split(line: str, separator: str, label: str, number: int) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=separator))
    except (csv.Error, StopIteration) as error:
        raise InputError(one_line(f"{label}: line {number} unreadable ({error})")) from None


def column_index(table: Table, header: str) -> int:
    wanted = header.strip()
    matches = [i for i, field in enumerate(table.fields) if field.strip() == wanted]
    if not matches:
        found = ", ".join(repr(field.strip()) for field in table.fields[:12])
        raise InputError(
            f"{table.label}: no column '{wanted}' in the header (line {table.header_line}): "
            f"found {found}"
        )
    return matches[0]


def where(table: Table, row: int) -> str:
    return f"{table.label}: row {row + 1} (line {table.lines[row]})"


def cell_texts(table: Table, column: Column) -> list[str]:
    """The column's cells as text, spaces trimmed; "" where a row is short (fields past the
    header's are ignored, as Maccor rows may end in separators)."""
    if column.index not in table.columns:
        try:
            frame = pd.read_csv(
                io.StringIO(table.data),
                sep=table.separator,
                header=None,
                names=range(len(table.fields)),
                usecols=[column.index],
                index_col=False,
                dtype=str,
                na_filter=False,
                skip_blank_lines=False,
                engine="c",
            )
        except (ValueError, csv.Error) as error:
            raise InputError(one_line(f"{table.label}: cannot read the rows ({error})")) from None
        if len(frame) != len(table.lines):
            raise InputError(
                f"{table.label}: a quoted field spans several lines; one row per line please"
            )
        table.columns[column.index] = frame[column.index].str.strip().tolist()
    return table.columns[column.index]


def numbers(table: Table, column: Column, *, empty_ok: bool = False) -> np.ndarray:
    """The column in s, A, V or °C; the first bad cell is an error (empty ones are NaN with
    ``empty_ok``)."""
    conversion = column.conversion
    if conversion is None:
        unit_error(table, column)
    values = _fast_floats(table, column)
    if values is not None and (empty_ok or np.isfinite(values).all()):
        factor, offset = conversion
        return values * factor + offset
    cells = cell_texts(table, column)
    values = _parse_floats(cells, table.separator)
    bad = ~np.isfinite(values)
    if empty_ok:
        bad &= np.array([bool(text) for text in cells])
    if bad.any():
        row = int(np.argmax(bad))
        cell_error(table, column, row, cells[row])
    factor, offset = conversion
    return values * factor + offset


def times_s(table: Table, column: Column) -> np.ndarray:
    if column.unit is None or column.unit == DURATION:
        cells = cell_texts(table, column)
        values = parse_durations_s(cells)
        if column.unit is None and not any(":" in text for text in cells[:50]):
            unit_error(table, column)
        bad = ~np.isfinite(values)
        if bad.any():
            row = int(np.argmax(bad))
            cell_error(table, column, row, cells[row], "is not a duration (hh:mm:ss)")
        return values
    return numbers(table, column)


def _fast_floats(table: Table, column: Column) -> np.ndarray | None:
    """The column as floats by the C parser (a point, else a comma as decimal separator where
    the separator is no comma), or None if some cell is no number (the slow path names it)."""
    for decimal in (".", ",") if table.separator != "," else (".",):
        try:
            frame = pd.read_csv(
                io.StringIO(table.data),
                sep=table.separator,
                header=None,
                names=range(len(table.fields)),
                usecols=[column.index],
                index_col=False,
                dtype=float,
                decimal=decimal,
                keep_default_na=False,
                na_values=[""],
                skip_blank_lines=False,
                engine="c",
            )
        except (ValueError, csv.Error):
            continue
        if len(frame) == len(table.lines):
            return frame[column.index].to_numpy(dtype=float)
    return None


def _parse_floats(texts: list[str], separator: str) -> np.ndarray:
    series = pd.Series(texts, dtype=object)
    if separator != ",":
        series = series.str.replace(",", ".", regex=False)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)


def unit_error(table: Table, column: Column) -> None:
    units = ", ".join(sorted(UNITS.get(column.quantity, {}))[:8])
    problem = "has no unit" if column.unit is None else f"has an unknown unit '{column.unit}'"
    raise InputError(
        f"{table.label}: column '{column.header}' {problem} ({column.quantity.value} units: "
        f"{units}; e.g. {EXAMPLES.get(column.quantity, '')})"
    )


def cell_error(
    table: Table, column: Column, row: int, text: str, problem: str = "is not a number"
) -> None:
    where = f"{table.label}: row {row + 1} (line {table.lines[row]}), column '{column.header}'"
    if not text:
        raise InputError(f"{where} is empty")
    shown = text if len(text) <= 30 else text[:27] + "..."
    if problem == "is not a number" and math.isinf(_parse_floats([text], table.separator)[0]):
        problem = "is infinite"
    raise InputError(f"{where}: {shown!r} {problem}")


