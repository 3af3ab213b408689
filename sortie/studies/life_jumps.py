"""Cycle jumping for a life: which sorties are solved in full and which are stepped over.

After two sorties solved in a row, the whole cell state is extrapolated across the next
``jump - 1`` sorties at its last per-sortie rate (:func:`sortie.engine.ageing.jumped`) and the
sortie at the end of the jump is solved in full. The jump doubles (up to
``LifeSpec.max_jump_sorties``) while the capacity-loss rate at its end agrees with the rate at
its start within ``tolerance``, halves when it does not, and is taken back and halved when the
rates differ by more than twice the tolerance. Jumps never cross a storage period (the sortie
before one is always solved) and restart at one sortie after it. When the mission completes
at a jump's start and fails at its end, the sorties between are bisected, so the first
failing sortie is a solved one. Stepped-over rows are interpolated linearly between the
solved sorties around them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sortie.models.ageing_runs import SortieOutput, StorageSteps
from sortie.studies.life_spec import LifeSpec

# Rates below this share of the capacity per sortie count as equal (numerical noise).
RATE_FLOOR_RELATIVE = 1e-6

_NUMERIC = (
    "capacity_ah",
    "lithium_inventory_loss",
    "negative_active_material_loss",
    "positive_active_material_loss",
    "sei_lithium_ah",
    "plated_lithium_ah",
    "energy_wh",
    "endurance_s",
    "landing_state_of_charge",
    "peak_temperature_c",
    "resistance_ohm",
)


@dataclass(frozen=True)
class _Solved:
    sortie: int
    start: Any  # CellState at take-off (None: the new cell)
    end: Any  # CellState after recharge and turnaround
    output: SortieOutput


@dataclass
class LifeRows:
    """The solved sorties, storage losses, and the table they make."""

    sorties: int
    reserve_state_of_charge: float
    cell_count: int = 1  # the pack's: energy_wh is the pack's
    solved: dict[int, dict[str, Any]] = field(default_factory=dict)
    calendar_loss_ah: dict[int, float] = field(default_factory=dict)  # from this sortie on
    new_capacity_ah: float = float("nan")

    def add(self, point: _Solved, stored_before: bool) -> None:
        out = point.output
        if point.sortie == 1:
            self.new_capacity_ah = out.before.capacity_ah
        landing = (out.before.capacity_ah - out.discharge_ah) / self.new_capacity_ah
        self.solved[point.sortie] = {
            "capacity_ah": out.before.capacity_ah,
            "lithium_inventory_loss": out.before.lithium_inventory_loss,
            "negative_active_material_loss": out.before.negative_active_material_loss,
            "positive_active_material_loss": out.before.positive_active_material_loss,
            "sei_lithium_ah": out.before.sei_lithium_ah,
            "plated_lithium_ah": out.before.plated_lithium_ah,
            "energy_wh": out.energy_wh * self.cell_count,
            "endurance_s": out.endurance_s,
            "landing_state_of_charge": landing,
            "peak_temperature_c": out.peak_temperature_c,
            "resistance_ohm": out.resistance_ohm,
            "completed": bool(
                out.mission_complete and landing >= self.reserve_state_of_charge - 1e-9
            ),
            "stored_before": stored_before,
        }

    def frame(self) -> pd.DataFrame:
        solved = pd.DataFrame.from_dict(self.solved, orient="index").sort_index()
        index = pd.RangeIndex(1, self.sorties + 1, name="sortie")
        table = solved.reindex(index)
        table["simulated"] = table.index.isin(solved.index)
        numeric = table[list(_NUMERIC)].astype(float).interpolate(method="index")
        table[list(_NUMERIC)] = numeric
        done = table["completed"].astype("boolean")
        between = done.isna()
        left, right = done.ffill(), done.bfill()
        landed = table["landing_state_of_charge"] >= self.reserve_state_of_charge - 1e-9
        table["completed"] = (left & right).where(left == right, landed).where(between, done)
        table["completed"] = table["completed"].astype(bool)
        table["stored_before"] = table["stored_before"].fillna(False).astype(bool)
        loss = pd.Series(self.calendar_loss_ah, dtype=float).reindex(index).ffill().fillna(0.0)
        table["calendar_capacity_loss_relative"] = loss / self.new_capacity_ah
        table["capacity_relative"] = table["capacity_ah"] / self.new_capacity_ah
        table["resistance_relative"] = table["resistance_ohm"] / table["resistance_ohm"].iloc[0]
        return table

    def first_failing_sortie(self) -> int | None:
        table = self.frame()
        failing = table.index[~table["completed"]]
        return int(failing[0]) if len(failing) else None


def _rate_ah(point: _Solved) -> float:
    return point.output.after.capacity_ah - point.output.before.capacity_ah


def _agree(rate_ah: float, reference_ah: float, capacity_ah: float, tolerance: float) -> bool:
    floor = RATE_FLOOR_RELATIVE * capacity_ah
    return abs(rate_ah - reference_ah) <= tolerance * max(abs(reference_ah), floor)


def fly_life(
    simulation: Any,
    spec: LifeSpec,
    reserve_state_of_charge: float,
    storage: StorageSteps | None,
    stored_after: tuple[int, ...],
    progress: Callable[[int, int], None] | None = None,
    cell_count: int = 1,
) -> LifeRows:
    """Fly the life on a built :class:`~sortie.engine.ageing.AgeingSimulation`."""
    from sortie.engine.ageing import jumped

    total = spec.sorties
    rows = LifeRows(total, reserve_state_of_charge, cell_count)

    def solve(sortie: int, start: Any) -> _Solved:
        output, end = simulation.fly(start)
        return _Solved(sortie, start, end, output)

    def report(done: int) -> None:
        if progress is not None:
            progress(done, total)

    last = solve(1, None)
    rows.add(last, stored_before=False)
    report(1)
    previous: _Solved | None = None
    jump, calendar_ah = 1, 0.0
    while last.sortie < total:
        n = last.sortie
        if n in stored_after and storage is not None:
            before, after, state = simulation.store(last.end, storage)
            calendar_ah += before.capacity_ah - after.capacity_ah
            rows.calendar_loss_ah[n + 1] = calendar_ah
            last, previous, jump = solve(n + 1, state), None, 1
            rows.add(last, stored_before=True)
            report(last.sortie)
            continue
        capacity = rows.new_capacity_ah
        if spec.accelerate and previous is not None and last.start is not None:
            agree = _agree(_rate_ah(last), _rate_ah(previous), capacity, spec.tolerance)
            jump = min(2 * jump, spec.max_jump_sorties) if agree else max(1, jump // 2)
        else:
            jump = 1
        next_stop = min([s for s in stored_after if s > n] + [total])
        step = min(jump, next_stop - n)
        while True:
            start = last.end if step == 1 else jumped(last.start, last.end, step - 1)
            try:
                candidate = solve(n + step, start)
            except Exception:
                # An extrapolated state the solver cannot start from (a state pushed past
                # its physical range): a shorter jump. A sortie after no jump must solve.
                if step == 1:
                    raise
                step = jump = max(1, step // 2)
                continue
            if step == 1 or _agree(
                _rate_ah(candidate), _rate_ah(last), capacity, 2 * spec.tolerance
            ):
                break
            step = jump = max(1, step // 2)
        rows.add(candidate, stored_before=False)
        if step > 1 and rows.solved[n]["completed"] and not rows.solved[n + step]["completed"]:
            _bisect(rows, last, n + step, solve, jumped)
        previous, last = last, candidate
        report(last.sortie)
    return rows


def _bisect(rows: LifeRows, origin: _Solved, failing: int, solve, jumped) -> None:
    """Solve the sorties between ``origin`` (completed) and ``failing`` until the first
    failing one is found, each from ``origin``'s state jumped to it."""
    low, high = origin.sortie, failing
    while high - low > 1:
        middle = (low + high) // 2
        start = jumped(origin.start, origin.end, middle - 1 - origin.sortie)
        rows.add(solve(middle, start), stored_before=False)
        if rows.solved[middle]["completed"]:
            low = middle
        else:
            high = middle


def interpolation_error(full: pd.DataFrame, fast: pd.DataFrame, column: str) -> float:
    """The largest difference of a column between a full and an accelerated run."""
    return float(np.max(np.abs(full[column].to_numpy() - fast[column].to_numpy())))
