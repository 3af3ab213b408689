"""Flight phases found in a flight controller's log: ground, take-off, climb, hover or cruise,
descent, landing, from the landed state, the altitude, the climb rate and the speed.

The landed state (the flight controller's own land detector, or its armed state where it has
none) splits the log into stretches on the ground and in the air; a stretch in the air that
never gets :data:`FLIGHT_HEIGHT_MIN_M` above the ground is on the ground. In the air, the
first metres above the ground left are the take-off and the last metres above the ground
touched are the landing; between them each sample is a climb or a descent by its climb
rate, else a hover or a cruise by its horizontal speed. Runs of mid-air samples shorter than
:data:`MIN_PHASE_S` are noise in the rates, not phases: each is merged into its longer
mid-air neighbour.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sortie.errors import InputError
from sortie.models.mission import FlightPhase

# Level flight: a multirotor's altitude hold wanders by a few tenths of a metre per second
# (barometer noise, gusts); a deliberate climb or descent is faster than this.
CLIMB_RATE_MIN_M_PER_S = 0.5
# Hover: a position hold drifts by well under a metre per second (GPS velocity noise and
# wind); a transit at the slowest useful speed is faster than this.
HOVER_SPEED_MAX_M_PER_S = 2.0
# Take-off and landing: the first and last metres above the ground, where the rotors are in
# ground effect (about one rotor diameter) and the vehicle spools up or settles.
TAKEOFF_HEIGHT_M = 3.0
# A stretch "in the air" that never gets this high above the ground it left (or touched) is
# the land detector's guess during a spool-up (PX4 says "Takeoff detected" on the bench), not
# a flight: it stays on the ground.
FLIGHT_HEIGHT_MIN_M = 1.0
# A mid-air run shorter than this is noise in the climb rate or speed, not a phase (and half
# of the default 10 s bin a log is flown in).
MIN_PHASE_S = 5.0

_MID_AIR = frozenset(
    {FlightPhase.CLIMB, FlightPhase.DESCENT, FlightPhase.HOVER, FlightPhase.CRUISE}
)


@dataclass(frozen=True)
class LogPhase:
    """One phase of a logged flight, from ``start_s`` to ``end_s`` on the log's clock."""

    phase: FlightPhase
    start_s: float
    end_s: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "phase", FlightPhase(self.phase))
        finite = np.isfinite(self.start_s) and np.isfinite(self.end_s)
        if not finite or self.end_s <= self.start_s:
            raise InputError(
                f"phase {self.phase.value}: needs start_s < end_s, got {self.start_s:g} "
                f"to {self.end_s:g} s"
            )

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


def detect_phases(
    time_s: np.ndarray,
    altitude_m: np.ndarray,
    climb_rate_m_per_s: np.ndarray,
    horizontal_speed_m_per_s: np.ndarray,
    landed: np.ndarray,
) -> tuple[LogPhase, ...]:
    """The phases of a log sampled at ``time_s`` (strictly increasing, at least 2 samples),
    covering ``time_s[0]`` to ``time_s[-1]`` without gaps. Sample ``i`` stands for the time
    until sample ``i + 1``. NaN altitude, climb rate or speed means "not known": an unknown
    climb rate is level flight, an unknown speed cruise, and a stretch in the air without any
    altitude has no take-off or landing part. A stretch in the air at the start (or end) of the
    log has no take-off (landing): the ground it left (touched) is not in the log."""
    time_s = np.asarray(time_s, dtype=float)
    arrays = [np.asarray(a, dtype=float) for a in (altitude_m, climb_rate_m_per_s)]
    speed_m_per_s = np.asarray(horizontal_speed_m_per_s, dtype=float)
    landed = np.asarray(landed, dtype=bool)
    if time_s.ndim != 1 or len(time_s) < 2:
        raise InputError("phases: need at least 2 samples")
    if any(a.shape != time_s.shape for a in (*arrays, speed_m_per_s, landed)):
        raise InputError("phases: every series needs one value per time")
    if not np.all(np.isfinite(time_s)) or np.any(np.diff(time_s) <= 0):
        raise InputError("phases: times must be finite and strictly increasing")
    altitude_m, climb_rate_m_per_s = arrays
    labels = _mid_air_labels(climb_rate_m_per_s, speed_m_per_s)
    for first, last in _runs(landed):
        if landed[first] or _too_low(altitude_m, first, last):
            labels[first : last + 1] = FlightPhase.GROUND
        else:
            _mark_takeoff_and_landing(labels, altitude_m, first, last)
    return _phases(time_s, _merge_short_runs(time_s, labels))


def _mid_air_labels(climb_rate_m_per_s: np.ndarray, speed_m_per_s: np.ndarray) -> np.ndarray:
    labels = np.full(len(climb_rate_m_per_s), FlightPhase.CRUISE, dtype=object)
    labels[speed_m_per_s < HOVER_SPEED_MAX_M_PER_S] = FlightPhase.HOVER
    labels[climb_rate_m_per_s > CLIMB_RATE_MIN_M_PER_S] = FlightPhase.CLIMB
    labels[climb_rate_m_per_s < -CLIMB_RATE_MIN_M_PER_S] = FlightPhase.DESCENT
    return labels


def _runs(values: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of each run of equal values."""
    changes = np.flatnonzero(values[1:] != values[:-1]) + 1
    starts = np.concatenate([[0], changes])
    ends = np.concatenate([changes - 1, [len(values) - 1]])
    return [(int(s), int(e)) for s, e in zip(starts, ends, strict=True)]


def _too_low(altitude_m: np.ndarray, first: int, last: int) -> bool:
    """Whether the stretch in the air ``first..last`` never gets :data:`FLIGHT_HEIGHT_MIN_M`
    above the ground next to it (False when no ground altitude is known)."""
    grounds = [altitude_m[i] for i in (first - 1, last + 1) if 0 <= i < len(altitude_m)]
    grounds = [g for g in grounds if np.isfinite(g)]
    stretch = altitude_m[first : last + 1]
    if not grounds or not np.any(np.isfinite(stretch)):
        return False
    return bool(np.nanmax(stretch) - max(grounds) < FLIGHT_HEIGHT_MIN_M)


def _mark_takeoff_and_landing(
    labels: np.ndarray, altitude_m: np.ndarray, first: int, last: int
) -> None:
    """Label the take-off (from the ground before ``first`` to :data:`TAKEOFF_HEIGHT_M` above
    it) and the landing (from that height above the ground after ``last`` to it) of the
    stretch in the air ``first..last``. A hop that never gets that high is a take-off up to its
    highest sample and a landing from there."""
    count = len(altitude_m)
    stretch = altitude_m[first : last + 1]
    if not np.any(np.isfinite(stretch)):
        return
    left_ground = first > 0 and np.isfinite(altitude_m[first - 1])
    touched_ground = last < count - 1 and np.isfinite(altitude_m[last + 1])
    with np.errstate(invalid="ignore"):
        above_start = stretch - altitude_m[first - 1] >= TAKEOFF_HEIGHT_M if left_ground else None
        above_end = stretch - altitude_m[last + 1] >= TAKEOFF_HEIGHT_M if touched_ground else None
    if (left_ground and not above_start.any()) or (touched_ground and not above_end.any()):
        top = first + int(np.nanargmax(stretch))
        if left_ground:
            labels[first:top] = FlightPhase.TAKEOFF
        if touched_ground:
            labels[top : last + 1] = FlightPhase.LANDING
        return
    if left_ground:
        labels[first : first + int(np.argmax(above_start))] = FlightPhase.TAKEOFF
    if touched_ground:
        last_high = len(above_end) - 1 - int(np.argmax(above_end[::-1]))
        labels[first + last_high + 1 : last + 1] = FlightPhase.LANDING


def _merge_short_runs(time_s: np.ndarray, labels: np.ndarray) -> list[tuple[FlightPhase, int, int]]:
    """Runs of labels, the shortest mid-air run under :data:`MIN_PHASE_S` merged into its longer
    mid-air neighbour (the earlier on a tie) until none is left that has such a neighbour."""
    runs = [(labels[first], first, last) for first, last in _runs(labels)]
    while True:
        runs = _joined(runs)
        short = [
            (_duration_s(time_s, run), index)
            for index, run in enumerate(runs)
            if run[0] in _MID_AIR
            and _duration_s(time_s, run) < MIN_PHASE_S
            and _mid_air_neighbours(runs, index)
        ]
        if not short:
            return runs
        _, index = min(short)
        neighbour = max(
            _mid_air_neighbours(runs, index), key=lambda i: (_duration_s(time_s, runs[i]), -i)
        )
        _, first, last = runs[index]
        runs[index] = (runs[neighbour][0], first, last)


def _mid_air_neighbours(runs: list[tuple[FlightPhase, int, int]], index: int) -> list[int]:
    return [i for i in (index - 1, index + 1) if 0 <= i < len(runs) and runs[i][0] in _MID_AIR]


def _joined(runs: list[tuple[FlightPhase, int, int]]) -> list[tuple[FlightPhase, int, int]]:
    joined = [runs[0]]
    for phase, first, last in runs[1:]:
        if phase == joined[-1][0]:
            joined[-1] = (phase, joined[-1][1], last)
        else:
            joined.append((phase, first, last))
    return joined


def _duration_s(time_s: np.ndarray, run: tuple[FlightPhase, int, int]) -> float:
    """A run's time: from its first sample to the sample after its last (the log's end)."""
    _, first, last = run
    return float(time_s[min(last + 1, len(time_s) - 1)] - time_s[first])


def _phases(time_s: np.ndarray, runs: list[tuple[FlightPhase, int, int]]) -> tuple[LogPhase, ...]:
    phases: list[LogPhase] = []
    for phase, first, last in runs:
        end_s = float(time_s[min(last + 1, len(time_s) - 1)])
        start_s = float(time_s[first])
        if end_s > start_s:
            phases.append(LogPhase(phase, start_s, end_s))
        # A run of only the last sample holds no time: the phase before it ends the log.
    return tuple(phases)
