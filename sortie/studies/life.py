"""Sortie life: fly the same mission again and again on an ageing cell, with a recharge and a
turnaround after each sortie and storage between campaigns, and say from which sortie on the
mission no longer completes with its reserve.

The mission is the one ``sortie run`` flies (:func:`sortie.models.flight.compile_flight` and
:func:`sortie.models.run_setup.prepare_run`: the same powers per cell, ambients and the pack's
cooling); the ageing cell is PyBaMM's with degradation submodels (:mod:`sortie.engine.ageing`).
Sorties are solved in full where the degradation rates change and stepped over by cycle
jumping where they do not (:mod:`sortie.studies.life_jumps`).
"""

from __future__ import annotations

import dataclasses
import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sortie.models.ageing_runs import (
    AgeingSpec,
    Mechanism,
    RechargeMode,
    RechargeSteps,
    StorageSteps,
    require_degradation_set,
)
from sortie.models.flight import FlightSetup, compile_flight
from sortie.models.run_setup import KELVIN_OFFSET, CellRun, prepare_run
from sortie.studies.life_jumps import JUMP_ERROR_RELATIVE, LifeRows, fly_life
from sortie.studies.life_spec import LifeMesh, LifeSpec
from sortie.studies.setup import resolve_setup

__all__ = ["LIFE_COLUMNS", "LifeResult", "LifeSummary", "life_setup", "run_life"]

Progress = Callable[[int, int], None]

LIFE_COLUMNS = (
    "capacity_relative",
    "capacity_ah",
    "resistance_relative",
    "lithium_inventory_loss",
    "negative_active_material_loss",
    "positive_active_material_loss",
    "sei_lithium_ah",
    "plated_lithium_ah",
    "energy_wh",
    "endurance_s",
    "landing_state_of_charge",
    "peak_temperature_c",
    "completed",
    "simulated",
    "calendar_capacity_loss_relative",
    "stored_before",
)


@dataclass(frozen=True)
class LifeSummary:
    """The life in a few numbers; see the table for every sortie."""

    cell_id: str
    mission_id: str
    model: str
    sorties: int
    first_failing_sortie: int | None
    failing_reason: str
    reserve_state_of_charge: float
    capacity_relative_end: float
    calendar_capacity_loss_relative: float
    cycling_capacity_loss_relative: float
    new_capacity_ah: float
    mechanisms: tuple[Mechanism, ...]
    degradation_source: str
    simulated_sorties: int
    acceleration: str
    wall_time_s: float
    assumptions: tuple[str, ...]
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["mechanisms"] = [m.value for m in self.mechanisms]
        data["assumptions"] = list(self.assumptions)
        data["warnings"] = list(self.warnings)
        return data


@dataclass(frozen=True)
class LifeResult:
    """``table``: one row per reported sortie, index ``sortie`` (1-based), LIFE_COLUMNS."""

    table: pd.DataFrame
    summary: LifeSummary


def life_setup(mission, **choices) -> FlightSetup:
    """The flight setup a life flies again and again: :func:`resolve_setup` (same choices)."""
    return resolve_setup(mission, **choices)


def _mean_cooling_w_per_m2_k(run: CellRun) -> float:
    durations = np.array([s.duration_s for s in run.mission.segments])
    coefficients = np.array(run.inputs.heat_transfer_coefficient_w_per_m2_k)
    return float(np.sum(durations * coefficients) / np.sum(durations))


def ageing_spec(setup: FlightSetup, spec: LifeSpec) -> tuple[AgeingSpec, CellRun]:
    """The engine's sortie cycle for a setup and a life (no solve)."""
    degradation = require_degradation_set(setup.cell)
    compiled = compile_flight(setup)
    run = prepare_run(
        setup.cell, setup.pack, compiled.mission, setup.settings, compiled.air, compiled.preheat_s
    )
    ground_c = (
        run.ambients_c[0] if spec.ground_temperature_c is None else spec.ground_temperature_c
    )
    recharge = spec.recharge
    power_w = (recharge.charger_power_w or 0.0) / setup.pack.cell_count
    steps = RechargeSteps(
        mode=recharge.mode,
        c_rate=recharge.c_rate,
        power_w=power_w if recharge.mode is RechargeMode.POWER else 0.0,
        voltage_v=recharge.voltage_v,
        cutoff_c_rate=recharge.cutoff_c_rate,
    )
    mission = tuple(
        (float(p), float(s.duration_s), float(k))
        for p, s, k in zip(
            run.inputs.cell_power_w, run.mission.segments, run.inputs.ambient_k, strict=True
        )
    )
    built = AgeingSpec(
        degradation=degradation,
        model=setup.settings.model.value,
        mission=mission,
        recharge=steps,
        turnaround_s=spec.turnaround_s,
        ground_ambient_k=ground_c + KELVIN_OFFSET,
        heat_transfer_coefficient_w_per_m2_k=_mean_cooling_w_per_m2_k(run),
        cooling_area_m2=run.inputs.cooling_area_m2,
        cell_volume_m3=run.inputs.cell_volume_m3,
        design=run.inputs.design,
        parameter_changes=setup.cell.model_parameter_changes,
        mesh=spec.mesh,
    )
    return built, run


# A built PyBaMM simulation is not thread-safe (Streamlit runs sessions in threads): one
# lock around every life, and the last few built simulations kept (their first solve sets
# up the solver, ~15 s for SPMe).
_LOCK = threading.Lock()


@functools.lru_cache(maxsize=4)
def _simulation(spec: AgeingSpec):
    from sortie.engine.ageing import AgeingSimulation

    return AgeingSimulation(spec)


def run_life(setup: FlightSetup, spec: LifeSpec, progress: Progress | None = None) -> LifeResult:
    """Fly ``spec.sorties`` sorties of the setup's mission on its ageing cell. Raises
    :class:`~sortie.models.ageing_runs.NoDegradationDataError` for a cell without degradation
    data, and what :func:`compile_flight` / :func:`prepare_run` raise for a setup that cannot
    fly at all."""
    start = time.perf_counter()
    built, run = ageing_spec(setup, spec)
    storage = None
    if spec.storage is not None:
        storage = StorageSteps(
            days=spec.storage.days,
            temperature_k=spec.storage.temperature_c + KELVIN_OFFSET,
            state_of_charge=spec.storage.state_of_charge,
        )
    stored_after = () if spec.storage is None else spec.storage.after_sorties(spec.sorties)
    with _LOCK:
        rows = fly_life(
            _simulation(built),
            spec,
            run.mission.reserve_state_of_charge,
            storage,
            stored_after,
            progress,
            setup.pack.cell_count,
        )
    return LifeResult(
        table=_table(rows, spec),
        summary=_summary(setup, built, spec, run, rows, time.perf_counter() - start),
    )


def percent_below(value: float, limit: float) -> tuple[str, str]:
    """``value`` and ``limit`` (fractions) as percentages for "value below limit": whole
    percent, or as many decimals (up to 3) as it takes to print the value below the limit
    (0.197 against 0.2: "19.7" and "20", not "20" and "20")."""
    for digits in range(4):
        shown = f"{100 * value:.{digits}f}"
        if float(shown) < round(100 * limit, digits):
            break
    return shown, f"{100 * limit:g}"


def _table(rows: LifeRows, spec: LifeSpec) -> pd.DataFrame:
    table = rows.frame()
    keep = (table.index % spec.report_every == 0) | (table.index == 1)
    keep |= table.index == spec.sorties
    failing = rows.first_failing_sortie()
    if failing is not None:
        keep |= table.index == failing
    return table.loc[keep, list(LIFE_COLUMNS)]


def _summary(setup, built: AgeingSpec, spec: LifeSpec, run: CellRun, rows: LifeRows, wall_s):
    table = rows.frame()
    failing = rows.first_failing_sortie()
    reason = ""
    if failing is not None:
        row = table.loc[failing]
        reserve = run.mission.reserve_state_of_charge
        landed, below = percent_below(row.landing_state_of_charge, reserve)
        reason = (
            f"landed with {landed} % of the new capacity, below the {below} % reserve"
            if row.endurance_s >= run.mission.duration_s - 1e-3
            else f"reached the voltage cut-off after {row.endurance_s:.0f} s of "
            f"{run.mission.duration_s:.0f} s"
        )
    simulated = int(table.simulated.sum())
    calendar = float(table.calendar_capacity_loss_relative.iloc[-1])
    total = 1.0 - float(table.capacity_relative.iloc[-1])
    acceleration = (
        f"cycle jumping: {simulated} of {spec.sorties} sorties solved in full, the rest "
        f"stepped over at each degradation state's per-sortie rate (jumps of up to "
        f"{spec.max_jump_sorties}, each sized so that its capacity error stays below "
        f"{100 * JUMP_ERROR_RELATIVE:g} % of the capacity or {50 * spec.tolerance:g} % of "
        f"the capacity it steps over)"
        if spec.accelerate
        else f"none: all {spec.sorties} sorties solved in full"
    )
    degradation = built.degradation
    assumptions = [
        f"ageing from {degradation.source}",
        f"recharge {spec.recharge.describe()} at {built.ground_ambient_k - KELVIN_OFFSET:g} °C, "
        f"turnaround {spec.turnaround_s / 60:g} min",
        "the pack's mean cell with a lumped temperature, cooled at the mission's time-weighted "
        f"mean of {built.heat_transfer_coefficient_w_per_m2_k:.1f} W/(m2 K)",
        "state of charge at landing counted against the new cell's capacity (the reserve "
        "as planned)",
        "capacity: PyBaMM's electrode-SOH capacity between the voltage limits",
        (
            "mesh: coarse (10 points across each electrode, 5 across the separator, 10 in "
            "each particle; on the DFN ISR loiter within 4e-5 of the capacity on PyBaMM's "
            "default mesh over 500 sorties)"
            if spec.mesh is LifeMesh.COARSE
            else "mesh: PyBaMM's default (20 points in every domain)"
        ),
    ]
    if setup.cell.chemistry.parameter_set != degradation.parameter_set:
        assumptions.append(
            f"the cell's own set ({setup.cell.chemistry.parameter_set}) has no degradation "
            f"data: its design (coatings, porosities, particles, electrode area) is flown on "
            f"{degradation.parameter_set}'s electrochemistry and degradation data"
        )
    if spec.storage is not None:
        stored = spec.storage
        assumptions.append(
            f"storage {stored.days:g} days at {stored.temperature_c:g} °C and "
            f"{100 * stored.state_of_charge:.0f} % after sorties "
            f"{', '.join(map(str, stored.after_sorties(spec.sorties))) or '(none)'}"
        )
    return LifeSummary(
        cell_id=setup.cell.id,
        mission_id=run.mission.id,
        model=built.model,
        sorties=spec.sorties,
        first_failing_sortie=failing,
        failing_reason=reason,
        reserve_state_of_charge=run.mission.reserve_state_of_charge,
        capacity_relative_end=float(table.capacity_relative.iloc[-1]),
        calendar_capacity_loss_relative=calendar,
        cycling_capacity_loss_relative=total - calendar,
        new_capacity_ah=rows.new_capacity_ah,
        mechanisms=degradation.mechanisms,
        degradation_source=degradation.source,
        simulated_sorties=simulated,
        acceleration=acceleration,
        wall_time_s=float(wall_s),
        assumptions=tuple(assumptions),
        warnings=tuple(f"{setup.cell.chemistry.name}: {w}" for w in setup.cell.fidelity.warnings),
    )
