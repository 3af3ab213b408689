"""From measured columns to one CellTest: time order checked, repeated stamps merged, time
from 0, gaps in the temperature filled. Shared by the file reader and the shipped data."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from sortie.errors import InputError
from sortie.measurements.cell_test import CellTest, TestKind
from sortie.models.flight_log import merge_repeated_times

_DURATION = re.compile(
    r"^\s*(?:(?P<days>\d+)\s*d\s*)?(?:(?P<hours>\d+):)?(?P<minutes>\d+):(?P<seconds>\d+(?:\.\d*)?)\s*$"
)


def parse_durations_s(texts: Sequence[str]) -> np.ndarray:
    """Text durations in seconds: ``hh:mm:ss``, ``mm:ss``, ``1d 02:03:04.5`` (Maccor writes
    days); NaN where a text is none of these."""
    values = np.full(len(texts), np.nan)
    for i, text in enumerate(texts):
        match = _DURATION.match(text)
        if match:
            values[i] = (
                int(match["days"] or 0) * 86400.0
                + int(match["hours"] or 0) * 3600.0
                + int(match["minutes"]) * 60.0
                + float(match["seconds"])
            )
    return values


def cell_test_from_series(
    name: str,
    time_s: np.ndarray,
    current_a: np.ndarray,
    voltage_v: np.ndarray,
    *,
    ambient_c: float,
    kind: TestKind,
    temperature_c: np.ndarray | None = None,
    source: str = "",
    notes: tuple[str, ...] = (),
    locate: Callable[[int], str] | None = None,
    time_header: str = "time",
    many_tests: bool = False,
) -> CellTest:
    """One test from its samples (current already discharge-positive).

    Time must not decrease (a :class:`InputError` says where: ``locate(i)`` names sample
    ``i``, e.g. ``"file.csv: row 7 (line 9)"``); rows sharing a stamp become one sample
    (:func:`sortie.models.flight_log.merge_repeated_times`, applied to each quantity: the
    charge is kept); the time is shifted to start at 0. NaN temperatures are filled by linear
    interpolation in time, or the test has none if all are NaN. Notes say what was done."""
    time_s = np.asarray(time_s, dtype=float)
    where = locate or (lambda i: f"{name}: sample {i + 1}")
    backwards = np.diff(time_s) < 0
    if backwards.any():
        i = int(np.argmax(backwards)) + 1
        hint = (
            f"; the test columns do not tell the runs in test '{name}' apart"
            if many_tests
            else "; if the file holds several tests, name the column that tells them apart "
            "(test_columns)"
        )
        raise InputError(
            f"{where(i)}, column '{time_header}': time goes backwards ({time_s[i]:g} s after "
            f"{time_s[i - 1]:g} s){hint}"
        )
    notes = tuple(notes)
    if temperature_c is not None:
        temperature_c, note = _filled(time_s, np.asarray(temperature_c, dtype=float))
        notes += (note,) if note else ()
    distinct_s, merged_current_a, _ = merge_repeated_times(time_s, current_a)
    if len(distinct_s) < 2:
        raise InputError(
            f"{source or name}: test '{name}' has {len(distinct_s)} distinct time stamp(s); "
            "a test needs at least 2"
        )
    repeated = len(time_s) - len(distinct_s)
    if repeated:
        first = int(np.argmax(np.diff(time_s) == 0))
        notes += (
            f"{repeated} repeated time stamp row(s) merged (first at {time_s[first]:g} s): the "
            "rows of each stamp became one sample that keeps the charge",
        )
    voltage_v = merge_repeated_times(time_s, voltage_v)[1]
    if temperature_c is not None:
        temperature_c = merge_repeated_times(time_s, temperature_c)[1]
    if distinct_s[0] != 0:
        notes += (f"time shifted to start at 0 (the first stamp was {distinct_s[0]:g} s)",)
    return CellTest(
        name=name,
        time_s=distinct_s - distinct_s[0],
        current_a=merged_current_a,
        voltage_v=voltage_v,
        ambient_c=float(ambient_c),
        kind=kind,
        temperature_c=temperature_c,
        source=source,
        notes=notes,
    )


def _filled(time_s: np.ndarray, temperature_c: np.ndarray) -> tuple[np.ndarray | None, str]:
    logged = np.isfinite(temperature_c)
    if logged.all():
        return temperature_c, ""
    if not logged.any():
        return None, "no temperature logged in this test"
    missing = int((~logged).sum())
    filled = np.interp(time_s, time_s[logged], temperature_c[logged])
    return filled, f"{missing} empty temperature cell(s) filled by linear interpolation in time"
