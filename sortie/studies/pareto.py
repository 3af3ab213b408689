"""Pareto fronts: the designs no other design beats in every figure."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def pareto_mask(values: np.ndarray, maximise: Sequence[bool]) -> np.ndarray:
    """For ``values`` (designs x figures), True where no other row is at least as good in
    every figure and better in one. NaN rows are never on the front."""
    signs = np.where(np.asarray(maximise), 1.0, -1.0)
    scored = np.asarray(values, dtype=float) * signs
    valid = ~np.isnan(scored).any(axis=1)
    front = np.zeros(len(scored), dtype=bool)
    candidates = scored[valid]
    for i in np.nonzero(valid)[0]:
        at_least = np.all(candidates >= scored[i], axis=1)
        better = np.any(candidates > scored[i], axis=1)
        front[i] = not np.any(at_least & better)
    return front
