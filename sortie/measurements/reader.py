"""Reading cycler exports: a text table of time, current and voltage into CellTests.

Format
------
- Text (CSV, semicolon or tab separated, as the header line shows), UTF-8; a file that is not
  UTF-8 is read as Windows-1252 (Maccor and EC-Lab write that) and its notes say so. At most
  ``MAX_BYTES`` bytes and ``MAX_ROWS`` data rows.
- Lines starting with ``#`` and blank lines are skipped. The header is the first line (among
  the first ``HEADER_SEARCH_LINES``) naming at least two of time, current and voltage: the
  lines above it (Maccor's and EC-Lab's file information) are skipped.
- Column names and units in the spellings of Arbin, Maccor, Neware, BioLogic and Sortie: see
  :mod:`sortie.measurements.columns`. Time in s, ms, min or h, or as text durations
  (``hh:mm:ss``, ``1d 02:03:04.5``); current in A, mA or µA; voltage in V or mV; temperatures
  in °C or K. A step time (it restarts every step) is never taken for the test's time.
- With a tab or semicolon separator a decimal comma is read as a point (EC-Lab in a German
  or French locale writes ``0,123``). Thousands separators are not read.

What comes out
--------------
- One :class:`CellTest` per test: all rows, or one test per distinct value (or combination)
  of ``test_columns``, in the order they first appear; the time may restart per test. Each
  test's time is shifted to start at 0 (the notes say from where).
- Rows repeating a time stamp (a step in current at that instant) are merged into one
  sample that keeps the charge (and the voltage's and temperature's integrals), as
  :func:`sortie.models.flight_log.merge_repeated_times` does for a flight log's energy.
- Rests are kept (current 0). Gaps are kept: a sparse log of a long rest is a valid test.
- Current sign: ``current_sign`` says how the file counts it (:class:`CurrentSign`). Without
  it the file is taken as discharge-positive, and a test whose net charge comes out negative
  (more charged than discharged: almost always a discharge-negative file) is refused with a
  message to pass the flag; nothing is flipped on a guess. Where the file has a state column
  (Maccor ``State``, Neware ``Step Type``) the sign is checked against it.
- Temperature: the one cell-temperature column, or ``temperature_column`` where there are
  several (thermocouples at several places); empty cells are filled by linear interpolation
  in time (noted), a test with none has ``temperature_c = None``. Ambient: ``ambient_c``, or
  a chamber/ambient column (``ambient_column`` or the one found), constant within a test.

Every problem raises :class:`~sortie.errors.InputError` with one line naming the file and,
for a data problem, the data row (1-based, header, comments and blank lines not counted),
its line in the file, and the column.
"""

from __future__ import annotations

import pathlib
from collections.abc import Sequence

import numpy as np

from sortie.errors import FileTooLargeError, InputError
from sortie.files import read_regular_file
from sortie.measurements.cell_test import CellTest, TestKind
from sortie.measurements.columns import EXAMPLES, Column, Quantity, classify, classify_field
from sortie.measurements.series import cell_test_from_series
from sortie.measurements.sign import CurrentSign, signed_current, states_of
from sortie.measurements.table import (
    Table,
    cell_texts,
    column_index,
    numbers,
    split_table,
    times_s,
    unit_error,
    where,
)
from sortie.models.flight_log import one_line

MAX_BYTES = 100_000_000
TEXT_SOURCE = "<bytes>"


def read_cell_tests(
    source: str | pathlib.Path | bytes,
    *,
    name: str | None = None,
    current_sign: CurrentSign | None = None,
    ambient_c: float | None = None,
    ambient_column: str | None = None,
    test_columns: str | Sequence[str] | None = (),
    kind: TestKind = TestKind.DRIVE,
    time_column: str | None = None,
    temperature_column: str | None = None,
) -> tuple[CellTest, ...]:
    """The tests in a cycler export (format and rules in the module docstring).

    ``source`` is a path or the file's bytes (an upload); a ``str`` is always a path.
    ``name`` labels messages and the tests (default: the file name); with ``test_columns``
    each test is named ``"{name}: {column}={value}, ..."``. ``time_column``,
    ``temperature_column``, ``ambient_column`` and ``test_columns`` are header fields as
    written (spaces around them ignored). Every test gets ``kind``."""
    label, text, notes = _load(source, name)
    table = split_table(text, label)
    keys = _key_columns(table, test_columns)
    columns = classify(table.fields)
    time = _explicit(table, time_column, Quantity.TIME) or _pick(table, columns, Quantity.TIME)
    current = _pick(table, columns, Quantity.CURRENT)
    voltage = _pick(table, columns, Quantity.VOLTAGE)
    temperature = _explicit(table, temperature_column, Quantity.TEMPERATURE) or _pick(
        table, columns, Quantity.TEMPERATURE, required=False
    )
    if temperature is not None and temperature.conversion is None:
        notes += (f"column '{temperature.header}' ignored: its unit is not a temperature unit",)
        temperature = None
    ambient = None
    if ambient_c is None:
        ambient = _explicit(table, ambient_column, Quantity.AMBIENT) or _pick(
            table, columns, Quantity.AMBIENT, required=False
        )
        if ambient is None:
            raise InputError(
                f"{label}: the ambient (chamber or air) temperature is not in the file: "
                "give it (ambient_c) or name its column (ambient_column)"
            )
    elif ambient_column is not None:
        raise InputError(f"{label}: give either ambient_c or ambient_column, not both")
    elif not -100.0 <= float(ambient_c) <= 200.0:
        raise InputError(f"{label}: ambient {ambient_c} °C is no chamber temperature (-100..200)")
    state = _pick(table, columns, Quantity.STATE, required=current_sign is CurrentSign.FROM_STATE)

    time_s = times_s(table, time)
    current_a = numbers(table, current)
    voltage_v = numbers(table, voltage)
    temperature_c = numbers(table, temperature, empty_ok=True) if temperature else None
    ambient_all_c = numbers(table, ambient) if ambient else None
    states = states_of(table, state) if state else None
    current_a = signed_current(table, current, current_a, current_sign, state, states)

    base = name or label
    tests = []
    for key, rows in _groups(table, keys):
        test_name = base if not keys else f"{base}: " + ", ".join(
            f"{column.header}={value}" for column, value in zip(keys, key, strict=True)
        )
        if ambient_c is not None:
            test_ambient_c = float(ambient_c)
        else:
            test_ambient_c = _constant(table, ambient, ambient_all_c, rows)
        test = cell_test_from_series(
            test_name,
            time_s[rows],
            current_a[rows],
            voltage_v[rows],
            ambient_c=test_ambient_c,
            kind=kind,
            temperature_c=None if temperature_c is None else temperature_c[rows],
            source=label,
            notes=notes,
            locate=lambda i, rows=rows: where(table, int(rows[i])),
            time_header=time.header,
            many_tests=bool(keys),
        )
        if current_sign is None and test.discharged_ah < 0:
            raise InputError(
                f"{label}: test '{test_name}' charges {-test.discharged_ah:.4g} Ah more than it "
                f"discharges read as discharge-positive (column '{current.header}'): pass "
                "current_sign=CurrentSign.DISCHARGE_NEGATIVE if the file counts discharge "
                "negative (Arbin, BioLogic and Neware do), or DISCHARGE_POSITIVE if it is right"
            )
        tests.append(test)
    return tuple(tests)


def _load(source: str | pathlib.Path | bytes, name: str | None) -> tuple[str, str, tuple[str, ...]]:
    """The label, the text and a note if it was not UTF-8."""
    if isinstance(source, bytes | bytearray):
        label = one_line(name or TEXT_SOURCE)
        data = bytes(source)
    else:
        path = pathlib.Path(source)
        label = one_line(name or path.name or str(path))
        try:
            data = read_regular_file(path, MAX_BYTES, label)
        except FileTooLargeError as error:
            raise InputError(f"{error} (a cycler export; drop columns or split it)") from None
    if len(data) > MAX_BYTES:
        raise InputError(f"{label}: file too large ({len(data):,} bytes; at most {MAX_BYTES:,})")
    try:
        return label, data.decode("utf-8-sig"), ()
    except UnicodeDecodeError:
        # Maccor and EC-Lab write Windows code pages ("°" is 0xb0); Latin-1 reads any byte.
        text = data.decode("cp1252") if _is_cp1252(data) else data.decode("latin-1")
        return label, text, ("not UTF-8: read as Windows-1252 text",)


def _is_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _explicit(table: Table, header: str | None, quantity: Quantity) -> Column | None:
    """The column the caller named for ``quantity``, its unit read from its header (a time
    without a unit is read as text durations)."""
    if header is None:
        return None
    index = column_index(table, header)
    found = classify_field(index, table.fields[index])
    column = Column(index, table.fields[index].strip(), quantity, 0, found.unit if found else None)
    if quantity is not Quantity.TIME and column.conversion is None:
        unit_error(table, column)
    return column


def _key_columns(table: Table, test_columns: str | Sequence[str] | None) -> list[Column]:
    headers = [test_columns] if isinstance(test_columns, str) else list(test_columns or ())
    return [
        Column(column_index(table, header), header.strip(), Quantity.STATE, 0, None)
        for header in headers
    ]


def _pick(
    table: Table, columns: list[Column], quantity: Quantity, *, required: bool = True
) -> Column | None:
    """The best-ranked column of ``quantity``; a tie is an error (name one), and so is a
    missing required column."""
    candidates = [column for column in columns if column.quantity is quantity]
    if not candidates:
        if not required:
            return None
        step = [column for column in columns if column.quantity is Quantity.STEP_TIME]
        hint = (
            f" ('{step[0].header}' is a step time: it restarts every step; export the test time)"
            if quantity is Quantity.TIME and step
            else ""
        )
        found = ", ".join(repr(field.strip()) for field in table.fields[:12])
        more = f" and {len(table.fields) - 12} more" if len(table.fields) > 12 else ""
        raise InputError(
            f"{table.label}: no {quantity.value} column in the header (line {table.header_line})"
            f"{hint}: found {found}{more}; expected e.g. {EXAMPLES[quantity]}"
        )
    best = min(column.rank for column in candidates)
    tied = [column for column in candidates if column.rank == best]
    if len(tied) > 1:
        names = " and ".join(f"'{column.header}'" for column in tied)
        option = {Quantity.TIME: "time_column", Quantity.TEMPERATURE: "temperature_column"}.get(
            quantity, "keep one"
        )
        raise InputError(
            f"{table.label}: {len(tied)} {quantity.value} columns ({names}); name the one to use "
            f"({option})"
        )
    return tied[0]


def _groups(table: Table, keys: list[Column]) -> list[tuple[tuple[str, ...], np.ndarray]]:
    """Row indices of each test, in the order the tests first appear."""
    if not keys:
        return [((), np.arange(len(table.lines)))]
    values = list(zip(*(cell_texts(table, column) for column in keys), strict=True))
    order: dict[tuple[str, ...], list[int]] = {}
    for row, value in enumerate(values):
        order.setdefault(value, []).append(row)
    return [(key, np.array(rows)) for key, rows in order.items()]


def _constant(table: Table, column: Column, values_c: np.ndarray, rows: np.ndarray) -> float:
    test_c = values_c[rows]
    differs = np.abs(test_c - test_c[0]) > 1e-9
    if differs.any():
        row = int(rows[np.argmax(differs)])
        raise InputError(
            f"{table.label}: row {row + 1} (line {table.lines[row]}), column '{column.header}': "
            f"the ambient changes within a test ({values_c[row]:g} after {test_c[0]:g} °C); "
            "name the column that tells the tests apart (test_columns)"
        )
    return float(test_c[0])
