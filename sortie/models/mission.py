"""Missions: a sequence of segments of constant pack power, each with its ambient temperature.

A mission is what the pack must deliver, in watts at the pack terminals (positive =
discharge). Drone physics (issue "From airframe to power profile") will produce these
segments from flight phases; until then presets give watts with a comment on their origin.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated

import numpy as np
from pydantic import Field, model_validator
from pydantic.dataclasses import dataclass

from sortie.cells.chemistry import STRICT
from sortie.defaults import PROFILE_AMBIENT_C

# Each segment boundary restarts the solver: a DFN re-solve takes ~0.5 s at 60 segments,
# ~3 s at 300 and ~11 s at 1000 (Chen2020, 30 min). Bin-average long logs first.
MAX_SEGMENTS = 1000
MAX_MISSION_DURATION_S = 7 * 24 * 3600.0


class FlightPhase(StrEnum):
    """What the aircraft is doing in a segment (labels verdicts: "cut-off in the dash")."""

    GROUND = "ground"
    TAKEOFF = "takeoff"
    CLIMB = "climb"
    TRANSIT = "transit"
    CRUISE = "cruise"
    LOITER = "loiter"
    HOVER = "hover"
    DASH = "dash"
    TRANSITION = "transition"
    PAYLOAD_RELEASE = "payload release"
    RETURN = "return"
    DESCENT = "descent"
    LANDING = "landing"
    TEST = "test"


@dataclass(config=STRICT)
class Segment:
    """Constant pack power for a duration. ``ambient_c`` None takes the mission's.
    ``name_de`` is the German name (empty: none given, e.g. a user's file)."""

    name: str
    duration_s: Annotated[float, Field(gt=0, le=MAX_MISSION_DURATION_S)]
    power_w: Annotated[float, Field(ge=0, le=1e7)]
    phase: FlightPhase = FlightPhase.CRUISE
    ambient_c: Annotated[float, Field(ge=-60, le=80)] | None = None
    name_de: str = ""


@dataclass(config=STRICT)
class Mission:
    """An ordered list of segments flown from a fully soaked start at the first ambient.

    ``reserve_state_of_charge`` is the landing reserve rule: the mission only counts as
    completed when the pack lands with at least this state of charge (0 = no rule).
    ``name_de`` and ``description_de`` are the German texts (empty: none given).
    """

    id: str
    name: str
    description: str
    segments: tuple[Segment, ...]
    ambient_c: Annotated[float, Field(ge=-60, le=80)] = PROFILE_AMBIENT_C
    drone: str | None = None
    reserve_state_of_charge: Annotated[float, Field(ge=0, le=0.9)] = 0.0
    sources: dict[str, str] = Field(default_factory=dict)
    name_de: str = ""
    description_de: str = ""

    @model_validator(mode="after")
    def _check(self) -> Mission:
        if not self.segments:
            raise ValueError("a mission needs at least one segment")
        if len(self.segments) > MAX_SEGMENTS:
            raise ValueError(f"{len(self.segments)} segments; at most {MAX_SEGMENTS}")
        if self.duration_s > MAX_MISSION_DURATION_S:
            raise ValueError("mission longer than a week")
        return self

    @property
    def duration_s(self) -> float:
        return float(sum(segment.duration_s for segment in self.segments))

    @property
    def start_times_s(self) -> tuple[float, ...]:
        """Start time of each segment (the first is 0)."""
        starts = np.concatenate([[0.0], np.cumsum([s.duration_s for s in self.segments])[:-1]])
        return tuple(float(t) for t in starts)

    def segment_ambients_c(self, override_c: float | None = None) -> tuple[float, ...]:
        if override_c is not None:
            return tuple(override_c for _ in self.segments)
        return tuple(self.ambient_c if s.ambient_c is None else s.ambient_c for s in self.segments)

    @property
    def energy_wh(self) -> float:
        """Energy the pack must deliver to fly the whole profile."""
        return sum(s.power_w * s.duration_s for s in self.segments) / 3600.0

    def segment_index_at(self, time_s: np.ndarray) -> np.ndarray:
        """Index of the segment flown at each time. A step time belongs to the segment that
        ends there: the solver reports the left-hand value at a discontinuity."""
        starts = np.asarray(self.start_times_s)
        return np.clip(np.searchsorted(starts, time_s, side="left") - 1, 0, len(starts) - 1)


def segments_from_samples(time_s: Sequence[float], power_w: Sequence[float]) -> tuple[Segment, ...]:
    """Piecewise-constant segments from samples: ``power_w[i]`` is held from ``time_s[i]`` to
    ``time_s[i+1]`` (the last power only closes the profile). Times must increase."""
    times = np.asarray(time_s, dtype=float)
    powers = np.asarray(power_w, dtype=float)
    if times.ndim != 1 or times.shape != powers.shape or len(times) < 2:
        raise ValueError("time_s and power_w need the same length, at least 2 samples")
    if np.any(np.diff(times) <= 0):
        raise ValueError("time_s must be strictly increasing")
    return tuple(
        Segment(
            name=f"sample {i + 1}",
            duration_s=float(t1 - t0),
            power_w=float(p),
            name_de=f"Abschnitt {i + 1}",
        )
        for i, (t0, t1, p) in enumerate(zip(times[:-1], times[1:], powers[:-1], strict=True))
    )


def mission_from_time_series(
    mission_id: str,
    name: str,
    time_s: Sequence[float],
    power_w: Sequence[float],
    ambient_c: float = PROFILE_AMBIENT_C,
    description: str = "",
) -> Mission:
    """Mission from a sampled pack-power series (see :func:`segments_from_samples`)."""
    return Mission(
        id=mission_id,
        name=name,
        description=description,
        segments=segments_from_samples(time_s, power_w),
        ambient_c=ambient_c,
    )
