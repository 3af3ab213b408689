"""Extrapolation across sorties: the predictor of cycle jumping.

A cell's state after sortie n changes slowly and smoothly with n (SEI thickness, lost lithium,
active-material fractions), so the state a jump lands on is the polynomial through solved
states, evaluated further on (cycle jumping flies the line through one sortie's start and
end). Kept apart from the engine so that it is plain numpy, tested on hand-checked numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def lagrange_weights(nodes: Sequence[float], at: float) -> np.ndarray:
    """Weights w such that sum(w_i y_i) is the polynomial through (nodes_i, y_i) at ``at``
    (degree len(nodes) - 1). Nodes must be distinct; the weights sum to 1."""
    x = np.asarray(nodes, dtype=float)
    if len(np.unique(x)) != len(x):
        raise ValueError(f"extrapolation nodes must be distinct, got {list(nodes)}")
    weights = np.ones(len(x))
    for i, xi in enumerate(x):
        for j, xj in enumerate(x):
            if i != j:
                weights[i] *= (at - xj) / (xi - xj)
    return weights


def extrapolated_values(nodes: Sequence[float], values: np.ndarray, at: float) -> np.ndarray:
    """The polynomial through ``values`` (one row per node) at ``at``, with no component
    pushed across zero: a component that would change sign (a plated-lithium concentration
    decaying towards zero, extrapolated past it) decays geometrically from its last value
    instead, at its latest per-sortie ratio, or holds its last value when that ratio is not
    a decay. A state the solver could not start from is never made."""
    rows = np.asarray(values, dtype=float)
    found = lagrange_weights(nodes, at) @ rows
    last = rows[-1]
    crossed = np.sign(found) * np.sign(last) < 0
    if not np.any(crossed):
        return found
    held = last.copy()
    if len(rows) >= 2:
        previous = rows[-2]
        spacing = float(nodes[-1]) - float(nodes[-2])
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = last / previous
        decaying = (ratio > 0) & (ratio < 1)
        held = np.where(decaying, last * np.abs(ratio) ** ((at - nodes[-1]) / spacing), last)
    return np.where(crossed, held, found)

