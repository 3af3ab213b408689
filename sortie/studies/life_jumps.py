"""Cycle jumping for a life: which sorties are solved in full and which are stepped over.

The first two sorties are solved in a row (the first settles the set's initial plated
layer), then the whole cell state is extrapolated across the next ``jump - 1`` sorties at the
per-sortie change of the latest settled sortie (:func:`sortie.engine.ageing.jumped`), the
sortie at the end of the jump is solved in full, and so are the two after it
(SETTLING_SORTIES). The last of them started from solved ends, two sorties away from the
extrapolated state, so its change is the rate of the next jump: the landing sortie's own
change holds the relaxation of the extrapolated state, and extrapolating that made the jumps
oscillate (measured: SPMe stuck at jumps of 2 sorties, the capacity going up and down); the
first sortie after it still holds some in its fast parts (see SETTLING_SORTIES).

Why not extrapolate along the solved ends instead (one solve per jump, a parabola through
the last three landings' ends, tried): each landing's end holds its settling, the secant
between them carries it forward, and the next jump multiplies it. On the DFN the capacity
fell twice as fast as a run solving every sortie from sortie ~150 on, 0.63 % of the capacity
too low by sortie 500, although the parabola's own error estimate was small.

The jump length is error-controlled, as an ODE step: the rate is taken to change linearly
across a jump, so a jump of k sorties taken at rate r0 whose settled sortie loses r1 is off
by about k |r1 - r0| / 2 (:func:`jump_error_ah`). That may be ``tolerance`` of half the
capacity stepped over, or JUMP_ERROR_RELATIVE of the capacity, whichever is larger
(:func:`allowed_error_ah`). The next jump scales with the square root of allowed over found
(the error grows with k squared), at most doubling, up to ``LifeSpec.max_jump_sorties``; a jump
off by more than twice the allowed error is taken back and retried shorter, and so is one
whose extrapolated state the solver cannot start from. The SEI rate falls by tens of percent
across a long jump early in life (roughly as one over the square root of the sortie number),
so a rule on the rate alone would keep the jumps at a few sorties; the capacity error it
makes stays a few hundredths of a percent.

Jumps never cross a storage period (the sortie before one is always solved) and restart
after it. When the mission completes at a jump's start and fails at its end, the sorties
between are bisected, so the first failing sortie is a solved one. Stepped-over rows are
interpolated linearly between the solved sorties around them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sortie.models.ageing_runs import SortieOutput, StorageSteps
from sortie.studies.life_spec import LifeSpec

# A jump may always be off by this share of the new cell's capacity (see allowed_error_ah).
JUMP_ERROR_RELATIVE = 2e-4
# The next jump is this share of the one that would just meet the allowed error.
JUMP_SAFETY = 0.9
# Sorties solved after each landing, each from the end of the one before; the last one's
# change is the next jump's rate. The first sortie after a landing still carries the
# extrapolated state's settling in its fast parts (concentrations): its change, extrapolated
# over the next jump, multiplied that settling and made the next landing settle more (DFN,
# ISR loiter: rates scattered from -9e-6 to -2.2e-4 Ah per sortie around a smooth -1.3e-4
# after ~130 sorties, jumps stayed near 10, 91 of 500 sorties solved, and jumps of 58 failed
# to start). From the second, the rates are smooth to ~1 % and jumps reach 50: 48 solved (45 on
# the coarse life mesh with the algebraic states out of the error test).
SETTLING_SORTIES = 2

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


def jump_error_ah(jump: int, rate_ah: float, landing_rate_ah: float) -> float:
    """The capacity error of a jump of ``jump`` sorties taken at ``rate_ah`` per sortie when
    the sortie it lands on loses ``landing_rate_ah``: the rate is taken to change linearly
    across the jump, so the extrapolation is off by half the change times the jump (the
    local error of an explicit Euler step)."""
    return jump * abs(landing_rate_ah - rate_ah) / 2


def allowed_error_ah(jump: int, rate_ah: float, capacity_ah: float, tolerance: float) -> float:
    """What a jump may be off by: ``tolerance`` of half the capacity it steps over (a rate
    change of ``tolerance`` across the jump), or JUMP_ERROR_RELATIVE of the capacity,
    whichever is larger (a decaying SEI rate changes by tens of percent across a long jump
    while the capacity it gets wrong stays a few hundredths of a percent)."""
    return max(tolerance * jump * abs(rate_ah) / 2, JUMP_ERROR_RELATIVE * capacity_ah)


def next_jump(jump: int, error_ah: float, allowed_ah: float, longest: int) -> int:
    """The jump after one of ``jump`` sorties that was off by ``error_ah``: the error grows
    with the square of the jump (the rate change grows with it), so the jump scales with the
    square root of the allowed over the found error, with a safety factor, at most doubling,
    at least 1 and at most ``longest``."""
    growth = 2.0 if error_ah <= 0 else JUMP_SAFETY * (allowed_ah / error_ah) ** 0.5
    factor = min(2.0, growth)
    return int(max(1, min(longest, np.floor(jump * factor))))


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
    # `last`: the latest solved sortie that started from a solved sortie's end (settled), so
    # its end minus its start is a per-sortie change free of any extrapolated state's
    # relaxation. The first sortie settles the set's initial plated layer (and starts from
    # no solved end): the second is solved too, and the first jump is taken at its rate.
    jump, calendar_ah, settled = 1, 0.0, False
    while last.sortie < total:
        n = last.sortie
        if n in stored_after and storage is not None:
            before, after, state = simulation.store(last.end, storage)
            calendar_ah += before.capacity_ah - after.capacity_ah
            rows.calendar_loss_ah[n + 1] = calendar_ah
            last, jump, settled = solve(n + 1, state), 1, False
            rows.add(last, stored_before=True)
            report(last.sortie)
            continue
        capacity = rows.new_capacity_ah
        next_stop = min([s for s in stored_after if s > n] + [total])
        step = min(jump, next_stop - n) if spec.accelerate and settled else 1
        while True:
            landed = None
            if step > 1:
                try:
                    landed = solve(n + step, jumped(last.start, last.end, step - 1))
                except Exception:
                    # An extrapolated state the solver cannot start from (a state pushed
                    # past its physical range, IDA_BAD_K): a shorter jump.
                    step = max(1, step // 2)
                    continue
            # The sorties after a landing start from solved ends; the change of the last of
            # them is the rate of the next jump (see SETTLING_SORTIES).
            first = n + step + 1 if landed is not None else n + 1
            count = SETTLING_SORTIES if landed is not None else 1
            settling, start = [], last.end if landed is None else landed.end
            for sortie in range(first, min(first + count, next_stop + 1)):
                settling.append(solve(sortie, start))
                start = settling[-1].end
            candidate = settling[-1] if settling else landed
            rate = _rate_ah(last)
            error = jump_error_ah(step, rate, _rate_ah(candidate))
            allowed = allowed_error_ah(step, rate, capacity, spec.tolerance)
            if step == 1 or error <= 2 * allowed:
                break
            # Taken back: the rate changed too much across it for its length.
            step = min(step // 2, next_jump(step, error, allowed, spec.max_jump_sorties))
        for point in (landed, *settling):
            if point is not None and point.sortie not in rows.solved:
                rows.add(point, stored_before=False)
        if (
            landed is not None
            and rows.solved[n]["completed"]
            and not rows.solved[landed.sortie]["completed"]
        ):
            _bisect(rows, last, landed.sortie, solve, jumped)
        if spec.accelerate and settled:
            jump = next_jump(step, error, allowed, spec.max_jump_sorties)
        else:
            jump = 2 if spec.accelerate else 1
        settled = candidate.start is not None and candidate is not landed
        last = candidate
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
