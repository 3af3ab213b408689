"""The electrochemical chain: fly prepared runs and say how they went.

``simulate_runs`` flies many :class:`~sortie.models.run_setup.CellRun` s, batching those that
share a built model and a time grid into one solve (the PyBaMM engine is imported lazily so
that listing presets never pays for PyBaMM). What comes back becomes a time series, the pack's
temperatures (:mod:`sortie.models.pack_thermal`) and a verdict.

This is the last stage of the one flight chain, not a chain of its own: a flight starts at
:func:`sortie.models.flight.fly` (or ``fly_many``), which compiles the flight plan, adds the
pre-heat and the airflow at the pack, and prepares the runs flown here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sortie.cells.cell import Cell
from sortie.errors import InfeasiblePowerError, InputError, SortieError
from sortie.models.cell_runs import Ending, ParameterError, RunOutput
from sortie.models.mission import Mission
from sortie.models.pack_thermal import PackTemperatures, first_limit_crossing, solve_pack
from sortie.models.result import MissionResult, MissionSummary, TerminationReason
from sortie.models.run_setup import KELVIN_OFFSET, CellRun, celsius_to_kelvin, prepare_run
from sortie.models.settings import ModelKind, SimulationSettings

__all__ = ["CellRun", "prepare_run", "simulate_runs"]

_REASON_OF_ENDING = {
    Ending.FINAL_TIME: TerminationReason.END_OF_PROFILE,
    Ending.VOLTAGE_CUTOFF: TerminationReason.VOLTAGE_CUTOFF,
    Ending.TEMPERATURE_LIMIT: TerminationReason.TEMPERATURE_LIMIT,
    Ending.MODEL_EVENT: TerminationReason.MODEL_LIMIT,
    Ending.SOLVER_FAILURE: TerminationReason.SOLVER_FAILURE,
}


def _warnings(cell: Cell, settings: SimulationSettings, solver_warnings: tuple[str, ...]):
    found = [f"{cell.chemistry.name}: {w}" for w in cell.fidelity.warnings]
    found.extend(f"{cell.name}: {w}" for w in cell.budget.warnings)
    if settings.model is ModelKind.SPM:
        found.append("SPM underestimates self-heating (~40 % at 2C): use DFN for thermal verdicts")
    found.extend(w for w in solver_warnings if "extrapolat" in w.lower() or "partial" in w)
    return tuple(dict.fromkeys(found))


def simulate_runs(runs: Sequence[CellRun]) -> list[MissionResult | SortieError]:
    """Fly many prepared runs, batching those that share a built model and a time grid into
    one solve each (see ``BuiltModel.run_many``). One entry per run, in order: a result, or
    the error that run alone would have raised.

    Pack power is shared equally by all ``series_count x parallel_count`` cells. A run ends
    at the end of its profile, at the voltage cut-off of the parameter set, at a cell
    temperature limit or when the solver fails; the summary says which."""
    from sortie.engine import built_model

    groups: dict[tuple, list[int]] = {}
    for index, run in enumerate(runs):
        groups.setdefault((run.spec, run.time_grid_s.tobytes()), []).append(index)
    found: list[MissionResult | SortieError | None] = [None] * len(runs)
    for indices in groups.values():
        first = runs[indices[0]]
        try:
            model = built_model(first.spec)
        except ParameterError as error:
            for index in indices:
                found[index] = InputError(f"{runs[index].cell.name}: {error}")
            continue
        outputs = model.run_many([runs[i].inputs for i in indices], first.time_grid_s)
        for index, output in zip(indices, outputs, strict=True):
            found[index] = _outcome(runs[index], output)
    return [item for item in found if item is not None]


def _outcome(run: CellRun, output: RunOutput) -> MissionResult | SortieError:
    if output.ending is Ending.INVALID_DESIGN:
        return InputError(f"{run.cell.name}: {output.message}")
    if output.ending is Ending.NO_START:
        first = run.mission.segments[0]
        cells = run.pack.cell_count
        why = (
            f"'{output.event}' is reached at once"
            if output.event
            else output.message.removeprefix("input set 0: ") or "no consistent initial state"
        )
        return InfeasiblePowerError(
            f"{run.cell.name} cannot start '{first.name}': "
            f"{first.power_w / cells:.1f} W per cell ({first.power_w:.0f} W over "
            f"{cells} cells) at {run.ambients_c[0]:g} °C and "
            f"{100 * run.settings.initial_state_of_charge:.0f} % state of charge is more than "
            f"it can give (too much power, too cold or too empty; {why})"
        )
    return _result(run, output)


def _solver_failure_message(raw: str, time_s: np.ndarray, model: ModelKind) -> str:
    detail = raw or "no message"
    at = f" at {time_s[-1]:.0f} s" if len(time_s) else " at the start"
    hint = (
        "; SPMe is fragile under power control at high rates, DFN is more robust"
        if model is ModelKind.SPME
        else ""
    )
    return f"the solver failed{at}: {detail}{hint}"


# Geometry estimate and electrode-balance capacity may differ this much without comment.
BALANCE_TOLERANCE = 0.03


def _balance_warning(cell: Cell, simulated_capacity_ah: float | None) -> tuple[str, ...]:
    if simulated_capacity_ah is None:
        return ()
    ratio = simulated_capacity_ah / cell.budget.capacity_ah
    if abs(ratio - 1) <= BALANCE_TOLERANCE:
        return ()
    return (
        f"{cell.name}: the electrode balance gives {simulated_capacity_ah:.2f} Ah between the "
        f"cut-offs, {100 * (ratio - 1):+.0f} % against the geometry estimate "
        f"({cell.budget.capacity_ah:.2f} Ah); states of charge use the balance",
    )


def _hardest_segment(index: np.ndarray, current_a: np.ndarray, mission: Mission) -> str:
    """The segment (``index``: each sample's segment) with the highest peak cell current: the
    most demanding C-rate. (The lowest voltage mostly falls at the end of a long discharge and
    says less about the phase.)"""
    if len(index) == 0:
        return mission.segments[0].name
    return mission.segments[int(index[int(np.argmax(current_a))])].name


def _pack_temperatures(run: CellRun, output: RunOutput, index: np.ndarray) -> PackTemperatures:
    return solve_pack(
        run.network,
        output.time_s,
        output.heat_generation_w,
        index,
        run.surface_w_per_m2_k,
        [celsius_to_kelvin(t) for t in run.ambients_c],
        celsius_to_kelvin(run.start_c),
        run.heater_w,
    )


def _limit_crossing(
    run: CellRun, temperatures: PackTemperatures, power_w: np.ndarray
) -> tuple[int, TerminationReason] | None:
    """The first output sample where a cell is past its hot limit, or below its cold limit
    while discharging (the pre-heat is exempt: warming is what it is for)."""
    flying = (temperatures.time_s >= run.preheat_s - 1e-9) & (power_w > 0)
    low_k, high_k = (celsius_to_kelvin(t) for t in run.limits_c)
    found = first_limit_crossing(temperatures, low_k, high_k, flying)
    if found is None:
        return None
    index, hot = found
    return index, TerminationReason.TEMPERATURE_LIMIT if hot else TerminationReason.COLD_LIMIT


def _result(run: CellRun, output: RunOutput) -> MissionResult:
    cell, pack, mission, settings = run.cell, run.pack, run.mission, run.settings
    budget = cell.budget
    n_cells = pack.cell_count
    reason = _REASON_OF_ENDING[output.ending]
    index = mission.segment_index_at(output.time_s)
    cell_power = np.array([s.power_w for s in mission.segments])[index] / n_cells
    temperatures = _pack_temperatures(run, output, index) if output.solved else None
    crossing = _limit_crossing(run, temperatures, cell_power) if temperatures else None
    end = len(output.time_s)
    if crossing is not None:
        end, reason = crossing[0] + 1, crossing[1]
    time = output.time_s[:end]
    index, cell_power = index[:end], cell_power[:end]
    # The state of charge counts against the capacity PyBaMM's electrode balance gives this
    # design (the geometry estimate when a two-phase set keeps its reference balance).
    capacity_ah = output.capacity_ah or budget.capacity_ah
    soc = settings.initial_state_of_charge - output.discharge_capacity_ah[:end] / capacity_ah
    if temperatures is not None:
        cells_c = temperatures.cells_k[:, :end] - KELVIN_OFFSET
        enclosure_c = (
            temperatures.enclosure_k[:end] - KELVIN_OFFSET
            if temperatures.enclosure_k is not None
            else np.full(end, np.nan)
        )
    else:
        cells_c, enclosure_c = np.zeros((n_cells, 0)), np.zeros(0)
    voltage = output.voltage_v[:end]
    current = output.current_a[:end]
    columns = {
        "segment": [mission.segments[i].name for i in index],
        "phase": [mission.segments[i].phase.value for i in index],
        "pack_power_w": cell_power * n_cells,
        "cell_power_w": cell_power,
        "cell_voltage_v": voltage,
        # At the pack's terminals: the cells' voltage less the interconnect's drop.
        "pack_voltage_v": (voltage - current * run.inputs.interconnect_resistance_ohm)
        * pack.series_count,
        "cell_current_a": current,
        "pack_current_a": current * pack.parallel_count,
        "cell_temperature_c": output.temperature_k[:end] - KELVIN_OFFSET,
        "hottest_cell_temperature_c": cells_c.max(axis=0) if end else np.zeros(0),
        "coldest_cell_temperature_c": cells_c.min(axis=0) if end else np.zeros(0),
        "enclosure_temperature_c": enclosure_c,
        "ambient_temperature_c": np.asarray(run.ambients_c)[index],
        "state_of_charge": soc,
    }
    ran = end > 0
    end_index = int(index[-1]) if ran else 0
    phase_name = mission.segments[end_index].name
    hottest_at = int(np.argmax(cells_c.max(axis=0))) if ran else 0
    hottest_cell = int(np.argmax(cells_c[:, hottest_at])) if ran else 0
    position = run.network.position(hottest_cell)
    position_text = f"row {position[0]}, column {position[1]}"
    low_c, high_c = run.limits_c
    message = {
        TerminationReason.END_OF_PROFILE: "flew the whole profile",
        TerminationReason.VOLTAGE_CUTOFF: "cell voltage reached the cut-off",
        TerminationReason.TEMPERATURE_LIMIT: (
            f"the cell at {position_text} reached {high_c:g} °C in '{phase_name}'"
        ),
    }.get(reason, output.message)
    if reason is TerminationReason.COLD_LIMIT:
        coldest = int(np.argmin(cells_c[:, -1]))
        row, column = run.network.position(coldest)
        message = (
            f"the cell at row {row}, column {column} was at {cells_c[coldest, -1]:.1f} °C in "
            f"'{phase_name}', below its minimum discharge temperature {low_c:g} °C: pre-heat "
            "the pack or start warmer"
        )
    if reason is TerminationReason.MODEL_LIMIT:
        message = f"the model reached a limit of validity ({output.event})"
    if reason is TerminationReason.SOLVER_FAILURE:
        message = _solver_failure_message(output.message, time, settings.model)
    energy_cell_wh = float(output.discharge_energy_wh[end - 1]) if ran else 0.0
    loss_cell_wh = float(output.interconnect_loss_wh[end - 1]) if ran else 0.0
    final_soc = float(soc[-1]) if ran else settings.initial_state_of_charge
    reserve_met = final_soc >= mission.reserve_state_of_charge - 1e-9
    completed = reason is TerminationReason.END_OF_PROFILE and reserve_met
    if reason is TerminationReason.END_OF_PROFILE and not reserve_met:
        message = (
            f"flew the whole profile but landed with {100 * final_soc:.0f} % state of charge, "
            f"below the {100 * mission.reserve_state_of_charge:.0f} % reserve"
        )
    spread = cells_c.max(axis=0) - cells_c.min(axis=0) if ran else np.zeros(0)
    flown_s = float(time[-1]) if ran else 0.0
    preheat_energy_wh = run.heater_w[0] * min(run.preheat_s, flown_s) / 3600.0
    summary = MissionSummary(
        cell_id=cell.id,
        chemistry_id=cell.chemistry.id,
        mission_id=mission.id,
        model=settings.model,
        endurance_s=max(0.0, float(time[-1]) - run.preheat_s) if ran else 0.0,
        mission_duration_s=mission.duration_s - run.preheat_s,
        mission_completed=completed,
        termination_reason=reason,
        termination_message=message,
        final_segment=phase_name,
        final_phase=mission.segments[end_index].phase,
        hardest_segment=_hardest_segment(index, current, mission),
        reserve_state_of_charge=mission.reserve_state_of_charge,
        reserve_met=reserve_met,
        min_cell_voltage_v=float(voltage.min()) if ran else float("nan"),
        max_cell_temperature_c=float(cells_c.max()) if ran else float("nan"),
        hottest_cell_position=position_text if ran else "",
        coldest_cell_temperature_c=float(cells_c.min()) if ran else float("nan"),
        max_cell_spread_k=float(spread.max()) if ran else 0.0,
        max_enclosure_temperature_c=(
            float(np.nanmax(enclosure_c))
            if ran and np.isfinite(enclosure_c).any()
            else float("nan")
        ),
        start_temperature_c=run.start_c,
        preheat_s=run.preheat_s,
        preheat_energy_wh=float(preheat_energy_wh),
        energy_delivered_wh=energy_cell_wh * n_cells,
        final_state_of_charge=final_soc,
        series_count=pack.series_count,
        parallel_count=pack.parallel_count,
        pack_mass_kg=pack.mass_kg(budget),
        pack_mass_source=pack.mass_source,
        pack_mass_overhead_fraction=pack.overhead_fraction(budget),
        pack_energy_wh=pack.energy_wh(budget),
        interconnect_resistance_ohm=pack.interconnect_resistance_ohm,
        interconnect_loss_wh=loss_cell_wh * n_cells,
        capacity_ah=budget.capacity_ah,
        energy_wh=budget.energy_wh,
        mass_g=budget.mass_g,
        volume_ml=budget.volume_ml,
        gravimetric_energy_density_wh_per_kg=budget.gravimetric_energy_density_wh_per_kg,
        volumetric_energy_density_wh_per_l=budget.volumetric_energy_density_wh_per_l,
        mission_gravimetric_energy_density_wh_per_kg=energy_cell_wh / budget.mass_kg,
        mission_volumetric_energy_density_wh_per_l=energy_cell_wh / budget.volume_ml * 1e3,
        warnings=_warnings(cell, settings, output.warnings)
        + _balance_warning(cell, output.capacity_ah),
    )
    field = None
    if ran:
        field = run.network.on_grid(cells_c[:, int(np.argmax(cells_c.max(axis=0)))])
    return MissionResult(time_s=time, columns=columns, summary=summary, pack_field_c=field)
