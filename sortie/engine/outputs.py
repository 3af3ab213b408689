"""What the engine reads from a PyBaMM solution and how it says how a run ended.

A solution becomes a :class:`~sortie.models.cell_runs.RunOutput`: plain arrays on the output
grid, the ending, PyBaMM's messages cut to their first line and its warnings as Sortie's own
sentences (:func:`warning_texts`).
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Any

import numpy as np

from sortie.models.cell_runs import Ending, RunOutput, empty_output
from sortie.models.result import solver_note_text

VOLTAGE = "Voltage [V]"
CURRENT = "Current [A]"
TEMPERATURE = "Volume-averaged cell temperature [K]"
DISCHARGE_CAPACITY = "Discharge capacity [A.h]"
DISCHARGE_ENERGY = "Discharge energy [W.h]"
# The lumped thermal model's own source term (per cell volume): what the pack network heats.
HEATING = "Volume-averaged total heating [W.m-3]"
OUTPUT_VARIABLES = (
    VOLTAGE,
    CURRENT,
    TEMPERATURE,
    DISCHARGE_CAPACITY,
    DISCHARGE_ENERGY,
    HEATING,
)

MINIMUM_VOLTAGE_EVENT = "Minimum voltage [V]"
MAXIMUM_VOLTAGE_EVENT = "Maximum voltage [V]"
MAXIMUM_TEMPERATURE_EVENT = "Maximum temperature [K]"
_ENDING_OF_EVENT = {
    MINIMUM_VOLTAGE_EVENT: Ending.VOLTAGE_CUTOFF,
    MAXIMUM_TEMPERATURE_EVENT: Ending.TEMPERATURE_LIMIT,
}


def cumulative_trapezoid(values: np.ndarray, time_s: np.ndarray) -> np.ndarray:
    """The running integral of ``values`` over ``time_s``, from 0 at the first time."""
    steps = 0.5 * (values[1:] + values[:-1]) * np.diff(time_s)
    return np.concatenate([[0.0], np.cumsum(steps)])


def run_output(
    solution: Any,
    end_time_s: float,
    failure: str,
    notes: tuple[str, ...],
    resistance_ohm: float = 0.0,
    volume_m3: float = 1.0,
) -> RunOutput:
    """One solution as plain arrays with how it ended. ``resistance_ohm``: the run's
    interconnect share, whose drop is added back to give the cell's own voltage;
    ``volume_m3``: the cell volume the lumped heat source is per."""
    termination = str(solution.termination)
    time_s = np.asarray(solution.t, dtype=float)
    event = termination.removeprefix("event: ") if termination.startswith("event:") else ""
    if event and len(time_s) <= 1:
        return empty_output(
            Ending.NO_START, f"'{event}' is reached at the start", event=event, warnings=notes
        )
    stopped_early = termination == "final time" and time_s[-1] < end_time_s * (1 - 1e-9)
    if termination == "failure" or stopped_early:
        if time_s[-1] <= 0.0:
            return empty_output(
                Ending.NO_START,
                first_line(failure) or "no consistent initial state",
                warnings=notes,
            )
        ending = Ending.SOLVER_FAILURE
    elif event:
        ending = _ENDING_OF_EVENT.get(event, Ending.MODEL_EVENT)
    else:
        ending = Ending.FINAL_TIME
    # A step time comes back twice, a few ulp apart (grid point, discontinuity stop): keep
    # the first.
    unique = np.concatenate([[True], np.diff(time_s) > 1e-6])

    def series(name: str) -> np.ndarray:
        return np.asarray(solution[name].entries, dtype=float)[unique]

    time_s, current_a = time_s[unique], series(CURRENT)
    # The resistance is a constant input, so its drop is I R exactly (PyBaMM's "Contact
    # overpotential [V]") and its loss the integral of I^2 R over the output grid, which
    # holds both sides of every power step: at 600 points within 5e-5 of the loss on a
    # 20 000-point grid (ISR loiter, DFN, flown whole and to the cut-off).
    return RunOutput(
        ending=ending,
        time_s=time_s,
        voltage_v=series(VOLTAGE) + current_a * resistance_ohm,
        current_a=current_a,
        temperature_k=series(TEMPERATURE),
        discharge_capacity_ah=series(DISCHARGE_CAPACITY),
        discharge_energy_wh=series(DISCHARGE_ENERGY),
        interconnect_loss_wh=cumulative_trapezoid(current_a**2 * resistance_ohm, time_s) / 3600,
        # The lumped model's source: heat generated in the cell and its share of the
        # interconnect's I^2 R (both heat the cell, see the design notes).
        heat_generation_w=series(HEATING) * volume_m3 + current_a**2 * resistance_ohm,
        message=first_line(failure) if ending is Ending.SOLVER_FAILURE else "",
        event=event if ending is Ending.MODEL_EVENT else "",
        warnings=notes,
    )


def with_capacity(output: RunOutput, capacity_ah: float | None) -> RunOutput:
    return dataclasses.replace(output, capacity_ah=capacity_ah)


def first_line(text: str) -> str:
    """First line of a PyBaMM message, without its dump of every input value."""
    if not text.strip():
        return ""
    line = text.strip().splitlines()[0].split(" with inputs")[0]
    return line.removesuffix(", returning a partial solution.")[:200]


def warning_texts(caught: list[warnings.WarningMessage]) -> tuple[str, ...]:
    """The caught warnings as our sentences (one per kind, see
    :class:`~sortie.models.result.SolverNote`): PyBaMM's own texts never reach a summary."""
    return tuple(dict.fromkeys(solver_note_text(text) for text in raw_warning_texts(caught)))


def raw_warning_texts(caught: list[warnings.WarningMessage]) -> tuple[str, ...]:
    """PyBaMM's own first lines (a failed input set's message is read from them)."""
    seen: dict[str, None] = {}
    for item in caught:
        if issubclass(item.category, DeprecationWarning):
            continue
        seen.setdefault(str(item.message).strip().splitlines()[0][:300], None)
    return tuple(seen)
