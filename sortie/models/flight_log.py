"""Flight logs as missions: energy-conserving bin averaging into constant-power segments.

Between samples the power is taken as linear (the trapezoidal rule). Bin averaging
integrates that interpolant over each bin, so the mission flies exactly the log's energy:
plain sampling of a 10 Hz log would miss or exaggerate short peaks. Reading CSV files is
:mod:`sortie.models.flight_log_csv`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np
from pydantic import ValidationError

from sortie.defaults import PROFILE_AMBIENT_C
from sortie.errors import InputError, describe_validation_error
from sortie.models.log_phases import LogPhase
from sortie.models.mission import (
    MAX_MISSION_DURATION_S,
    MAX_SEGMENTS,
    FlightPhase,
    Mission,
    segments_from_samples,
)

DEFAULT_BIN_S = 10.0
# A step between samples longer than this, and than GAP_MEDIAN_FACTOR x the median step, is
# missing data: every log reader (CSV, PX4, ArduPilot) refuses it rather than bridge it.
MIN_GAP_S = 60.0
GAP_MEDIAN_FACTOR = 20.0


@dataclass(frozen=True, eq=False)
class FlightLog:
    """Pack power samples of one flight. Arrays are copied and made read-only; power is
    linear between samples. ``notes`` say what reading the log changed (one line each, e.g.
    repeated time stamps merged): the front ends show them with the mission. ``phases``, when
    the log told them (a flight controller's log, see :mod:`sortie.models.log_phases`), cover
    the log from 0 to its end without gaps; a CSV log has none."""

    time_s: np.ndarray
    power_w: np.ndarray
    source: str
    notes: tuple[str, ...] = field(default=())
    phases: tuple[LogPhase, ...] = field(default=())

    def __post_init__(self) -> None:
        time_s = np.array(self.time_s, dtype=float)
        power_w = np.array(self.power_w, dtype=float)
        if time_s.ndim != 1 or time_s.shape != power_w.shape or len(time_s) < 2:
            raise InputError(f"{self.source}: time_s and power_w need the same length, at least 2")
        if not (np.all(np.isfinite(time_s)) and np.all(np.isfinite(power_w))):
            raise InputError(f"{self.source}: times and powers must be finite")
        if time_s[0] != 0 or np.any(np.diff(time_s) <= 0):
            raise InputError(f"{self.source}: time_s must start at 0 and increase strictly")
        if np.any(power_w < 0):
            raise InputError(f"{self.source}: power_w must not be negative")
        time_s.flags.writeable = False
        power_w.flags.writeable = False
        object.__setattr__(self, "time_s", time_s)
        object.__setattr__(self, "power_w", power_w)
        object.__setattr__(self, "phases", tuple(self.phases))
        if self.phases:
            self._check_phases()

    def _check_phases(self) -> None:
        starts_s = [phase.start_s for phase in self.phases]
        ends_s = [phase.end_s for phase in self.phases]
        if starts_s[0] != 0 or ends_s[-1] != self.duration_s or starts_s[1:] != ends_s[:-1]:
            raise InputError(
                f"{self.source}: phases must cover the log from 0 to "
                f"{format_s(self.duration_s)} s without gaps"
            )

    @property
    def duration_s(self) -> float:
        return float(self.time_s[-1])

    @property
    def energy_wh(self) -> float:
        """Trapezoidal integral of power over time."""
        return float(np.trapezoid(self.power_w, self.time_s)) / 3600.0


def merge_repeated_times(
    time_s: np.ndarray, power_w: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows sharing a time stamp as one sample each: returns the distinct times, their power
    and the index of each one's first row. ``time_s`` must not decrease.

    A repeated stamp is a step in power at that instant: the first row's power ends the
    interval before it, the last row's starts the interval after it (rows between hold no
    time, so no energy). The merged power weighs the two by those intervals,
    ``(first * before + last * after) / (before + after)``, which keeps the trapezoidal energy
    of the whole log exactly (each sample's power counts with half of each interval it
    borders). At the log's first and last stamp it is the leaving and the arriving power."""
    time_s = np.asarray(time_s, dtype=float)
    power_w = np.asarray(power_w, dtype=float)
    starts = np.flatnonzero(np.concatenate([[True], np.diff(time_s) != 0]))
    if len(starts) == len(time_s):
        return time_s, power_w, starts
    ends = np.append(starts[1:], len(time_s)) - 1
    distinct_s = time_s[starts]
    step_s = np.diff(distinct_s)
    before_s = np.concatenate([[0.0], step_s])
    after_s = np.concatenate([step_s, [0.0]])
    arriving_w, leaving_w = power_w[starts], power_w[ends]
    spanned_s = before_s + after_s
    # A log of one distinct stamp spans nothing: keep the leaving power (the caller refuses it).
    merged_w = np.where(
        spanned_s > 0,
        (arriving_w * before_s + leaving_w * after_s) / np.where(spanned_s > 0, spanned_s, 1.0),
        leaving_w,
    )
    return distinct_s, merged_w, starts


@dataclass(frozen=True)
class LongStep:
    """The first step between samples that is missing data (see :data:`MIN_GAP_S`)."""

    index: int  # the step runs from sample ``index`` to ``index + 1``
    step_s: float
    limit_s: float
    median_step_s: float

    def rule(self) -> str:
        """Why the step is too long, for an error message."""
        return (
            f"steps may be at most {self.limit_s:g} s (the larger of {MIN_GAP_S:g} s and "
            f"{GAP_MEDIAN_FACTOR:g} x the median step"
        )


def first_long_step(time_s: np.ndarray) -> LongStep | None:
    """The first step of ``time_s`` (increasing, at least two samples) longer than the
    larger of :data:`MIN_GAP_S` and :data:`GAP_MEDIAN_FACTOR` x the median step, if any."""
    step_s = np.diff(time_s)
    median_step_s = float(np.median(step_s))
    limit_s = max(MIN_GAP_S, GAP_MEDIAN_FACTOR * median_step_s)
    too_long = step_s > limit_s
    if not too_long.any():
        return None
    index = int(np.argmax(too_long))
    return LongStep(index, float(step_s[index]), limit_s, median_step_s)


def bin_average(log: FlightLog, bin_s: float = DEFAULT_BIN_S) -> tuple[np.ndarray, np.ndarray]:
    """Bins of ``bin_s`` from t = 0 (the last one ends at the log's end and may be shorter):
    returns the bin edges (``len + 1`` of the means, ending at ``log.duration_s``) and the mean
    power of each bin. The means integrate the log's linear interpolant, so the profile holds
    exactly the log's trapezoidal energy, peaks included."""
    edges_s = _bin_edges_s(log.duration_s, bin_s, log.source)
    energy_j = _energy_until_j(log.time_s, log.power_w, edges_s)
    mean_power_w = np.diff(energy_j) / np.diff(edges_s)
    # Rounding can leave -1e-13 W where the log is idle; segments refuse negative power.
    return edges_s, np.maximum(mean_power_w, 0.0)


def log_to_mission(
    log: FlightLog,
    *,
    mission_id: str,
    name: str,
    bin_s: float = DEFAULT_BIN_S,
    ambient_c: float = PROFILE_AMBIENT_C,
    description: str = "",
) -> Mission:
    """Mission of bin-averaged segments (see :func:`bin_average`), each named by its time span
    and with the default phase; a log with phases gives each segment the phase it overlaps
    most (named too: ``log 10-20 s (climb)``) and lists them in the mission's sources. An
    empty ``description`` is filled with the log's origin."""
    edges_s, mean_power_w = bin_average(log, bin_s)
    summary = (
        f"flight log {log.source}: {len(log.time_s)} samples over {format_s(log.duration_s)} s, "
        f"averaged over {format_s(float(bin_s))} s bins (energy kept)"
    )
    notes = "; ".join(log.notes)
    if notes:
        summary += f"; {notes}"
    sources = {"power": summary, **({"flight log notes": notes} if notes else {})}
    if log.phases:
        sources["flight log phases"] = phases_text(log.phases)
    try:
        # The last value only closes the profile (see segments_from_samples).
        samples = segments_from_samples(edges_s, np.append(mean_power_w, mean_power_w[-1]))
        segments = tuple(
            _log_segment(segment, start, end, log.phases)
            for segment, start, end in zip(samples, edges_s[:-1], edges_s[1:], strict=True)
        )
        return Mission(
            id=mission_id,
            name=name,
            description=description or summary,
            segments=segments,
            ambient_c=ambient_c,
            sources=sources,
        )
    except ValidationError as error:
        raise InputError(describe_validation_error(error, log.source)) from None
    except (TypeError, ValueError) as error:
        raise InputError(one_line(f"{log.source}: {error}")) from None


def phases_text(phases: tuple[LogPhase, ...]) -> str:
    """``take-off 10-11 s, climb 11-30 s, ...``: a log's phases on one line."""
    return ", ".join(
        f"{phase_word(p.phase)} {format_s(p.start_s)}-{format_s(p.end_s)} s" for p in phases
    )


def phase_word(phase: FlightPhase) -> str:
    """A phase as a word in a sentence ("take-off", not the enum's "takeoff")."""
    return "take-off" if phase is FlightPhase.TAKEOFF else phase.value


def _log_segment(segment, start_s: float, end_s: float, phases: tuple[LogPhase, ...]):
    """A bin's segment named by its time span, with the phase it overlaps most (if any)."""
    name = f"log {format_s(start_s)}-{format_s(end_s)} s"
    if not phases:
        return dataclasses.replace(segment, name=name)
    overlaps_s = [min(end_s, p.end_s) - max(start_s, p.start_s) for p in phases]
    phase = phases[int(np.argmax(overlaps_s))].phase
    return dataclasses.replace(segment, name=f"{name} ({phase_word(phase)})", phase=phase)


def _bin_edges_s(duration_s: float, bin_s: float, source: str) -> np.ndarray:
    try:
        bin_s = float(bin_s)
    except (TypeError, ValueError):
        raise InputError(f"{source}: bin size must be a number of seconds, got {bin_s!r}") from None
    if not math.isfinite(bin_s):
        raise InputError(f"{source}: bin size {bin_s:g} is not a number of seconds")
    if bin_s <= 0:
        raise InputError(f"{source}: bin size must be positive, got {bin_s:g} s")
    if duration_s > MAX_MISSION_DURATION_S:
        raise InputError(
            f"{source}: the log spans {format_s(duration_s)} s, longer than a mission may be "
            f"({format_s(MAX_MISSION_DURATION_S)} s, a week)"
        )
    bins_needed = duration_s / bin_s
    # A last bin shorter than a billionth of a bin is rounding, not data.
    tolerance = 1e-9
    if bins_needed > MAX_SEGMENTS + tolerance:
        if not math.isfinite(bins_needed):
            needed = "too many"
        elif bins_needed < 1e9:
            needed = f"{math.ceil(bins_needed):,}"
        else:  # a message, not a number of 300 digits
            needed = f"{bins_needed:.3g}"
        smallest_s = _round_up(duration_s / MAX_SEGMENTS)
        raise InputError(
            f"{source}: {format_s(duration_s)} s of log in {bin_s:g} s bins needs {needed} "
            f"segments, more than the {MAX_SEGMENTS} a mission may have; "
            f"use bins of at least {smallest_s:g} s"
        )
    full_count = math.floor(bins_needed + tolerance)
    count = max(full_count + int(bins_needed - full_count > tolerance), 1)
    return np.append(bin_s * np.arange(count), duration_s)


def _energy_until_j(time_s: np.ndarray, power_w: np.ndarray, until_s: np.ndarray) -> np.ndarray:
    """Integral from 0 to each ``until_s`` of the linear interpolant of the samples."""
    step_s = np.diff(time_s)
    at_samples_j = np.concatenate([[0.0], np.cumsum(0.5 * (power_w[:-1] + power_w[1:]) * step_s)])
    index = np.clip(np.searchsorted(time_s, until_s, side="right") - 1, 0, len(time_s) - 2)
    into_s = until_s - time_s[index]
    slope_w_per_s = (power_w[index + 1] - power_w[index]) / step_s[index]
    return at_samples_j[index] + power_w[index] * into_s + 0.5 * slope_w_per_s * into_s**2


def _round_up(value: float, digits: int = 3) -> float:
    """``value`` rounded up to ``digits`` significant digits (for a readable suggestion)."""
    scale = 10.0 ** (math.floor(math.log10(value)) - digits + 1)
    # The factor keeps 3.6 / 0.01 = 360.00000000000006 from rounding up to 361.
    return math.ceil(value / scale * (1 - 1e-12)) * scale


def format_s(time_s: float) -> str:
    """Seconds to the millisecond, without trailing zeros; beyond a billion seconds (no log
    is that long: a message about a wrong one) in short scientific form, not 300 digits."""
    if not math.isfinite(time_s) or abs(time_s) >= 1e9:
        return f"{time_s:.4g}"
    return f"{time_s:.3f}".rstrip("0").rstrip(".")


def one_line(text: str) -> str:
    return " ".join(text.split())
