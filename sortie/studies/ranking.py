"""Ranking the designs of a sweep by one figure, with stated tie-breaks.

A figure often ties: every design that completes a mission flies it for the same time, so a
ranking by endurance alone picks the first design in the table. Designs are therefore ranked
by, in this order:

1. how far they got: completed the mission, then flown without completing it, then not flown
   (a design that cannot fly is never "best", whatever its figure says);
2. the chosen figure in its better direction (values within ``relative_tolerance`` of each
   other are a tie: the same design flying the same mission gives the same time only to
   rounding);
3. the tie-breaks, in order (by default the charge left at landing, then the cell's rated
   Wh/kg), each in its better direction, skipping the figure itself;
4. the design number.

A missing value (NaN) ranks after every value. Pure: a sweep table in, design numbers out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Criterion:
    """A column of the sweep table and its better direction."""

    column: str
    more_is_better: bool = True


class Standing(IntEnum):
    """How far a design got, best first."""

    COMPLETED = 0
    FLOWN = 1
    NOT_FLOWN = 2


# After the figure: more charge left at landing, then a lighter cell for its energy.
TIE_BREAKS = (
    Criterion("final_state_of_charge"),
    Criterion("gravimetric_energy_density_wh_per_kg"),
)
# What decides when the figure and every tie-break are equal.
DESIGN_ORDER = "design"
# Rounding, not physics: the same endurance computed twice differs by ~1e-12 s.
TIE_RELATIVE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Ranking:
    """Designs best first, and how the best one was chosen.

    ``tied`` holds the designs of the best one's standing whose figure equals the best one's
    (the best one first); ``decided_by`` is the column that put the best one ahead of the next
    of them: a tie-break's column, :data:`DESIGN_ORDER`, or None when the figure alone
    decided (no tie)."""

    order: tuple[int, ...]
    figure: Criterion
    tie_breaks: tuple[Criterion, ...]
    tied: tuple[int, ...]
    decided_by: str | None

    @property
    def best(self) -> int | None:
        return self.order[0] if self.order else None

    @property
    def is_tied(self) -> bool:
        return len(self.tied) > 1


def standing(table: pd.DataFrame) -> pd.Series:
    """Each design's :class:`Standing` (as an int, by row)."""
    flown = table["flown"].astype(bool)
    completed = flown & table["mission_completed"].astype(bool)
    started = np.where(flown, Standing.FLOWN, Standing.NOT_FLOWN)
    return pd.Series(np.where(completed, Standing.COMPLETED, started), index=table.index)


def _score(table: pd.DataFrame, criterion: Criterion) -> np.ndarray:
    """Higher is better; a missing value is -inf."""
    values = pd.to_numeric(table[criterion.column], errors="coerce").to_numpy(dtype=float)
    scored = values if criterion.more_is_better else -values
    return np.where(np.isnan(scored), -np.inf, scored)


def _same(a: float, b: float, relative_tolerance: float) -> bool:
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= relative_tolerance * max(abs(a), abs(b), 1e-300)


def rank_designs(
    table: pd.DataFrame,
    figure: Criterion,
    tie_breaks: Sequence[Criterion] = TIE_BREAKS,
    relative_tolerance: float = TIE_RELATIVE_TOLERANCE,
) -> Ranking:
    """Rank the rows of a sweep table (``design``, ``flown``, ``mission_completed`` and the
    criteria's columns) as the module notes say. Tie-breaks missing from the table, and the
    figure itself, are skipped."""
    breaks = tuple(
        c for c in tie_breaks if c.column != figure.column and c.column in table.columns
    )
    if table.empty:
        return Ranking((), figure, breaks, (), None)
    designs = table["design"].to_numpy(dtype=int)
    standings = standing(table).to_numpy(dtype=int)
    figure_score = _score(table, figure)
    # Tie groups on the figure: each group is led by its best value, and holds the designs of
    # the same standing within the tolerance of that leader (so a group never drifts).
    first = sorted(range(len(table)), key=lambda i: (standings[i], -figure_score[i], designs[i]))
    group = np.zeros(len(table), dtype=int)
    leader = first[0]
    number = 0
    for i in first:
        if standings[i] != standings[leader] or not _same(
            figure_score[i], figure_score[leader], relative_tolerance
        ):
            leader, number = i, number + 1
        group[i] = number
    scores = [_score(table, c) for c in breaks]
    order = sorted(
        range(len(table)),
        key=lambda i: (group[i], *(-s[i] for s in scores), designs[i]),
    )
    best = order[0]
    tied = [i for i in order if group[i] == group[best]]
    decided_by = None
    if len(tied) > 1:
        runner_up = tied[1]
        decided_by = next(
            (c.column for c, s in zip(breaks, scores, strict=True) if s[best] != s[runner_up]),
            DESIGN_ORDER,
        )
    return Ranking(
        order=tuple(int(designs[i]) for i in order),
        figure=figure,
        tie_breaks=breaks,
        tied=tuple(int(designs[i]) for i in tied),
        decided_by=decided_by,
    )
