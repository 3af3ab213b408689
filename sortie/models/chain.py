"""The electrochemical chain: fly a power mission on a pack of cells and say how it went.

``simulate_mission(cell, pack, mission, settings) -> MissionResult`` flies one;
``simulate_runs`` flies many, batching those that share a built model into one solve. Both
convert Sortie's objects into the engine's plain numbers (:mod:`sortie.models.cell_runs`; the
PyBaMM engine is imported lazily so that listing presets never pays for PyBaMM) and turn what
comes back into a time series and a verdict. Aircraft, flight plans and pack mass come first,
in :mod:`sortie.models.flight`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sortie.cells.cell import Cell
from sortie.cells.pack import Pack
from sortie.errors import InfeasiblePowerError, InputError, SortieError
from sortie.models.cell_runs import (
    DesignInputs,
    Ending,
    ModelSpec,
    ParameterError,
    RunInputs,
    RunOutput,
    to_hashable_options,
)
from sortie.models.mission import Mission
from sortie.models.pack_thermal import (
    PackNetwork,
    PackTemperatures,
    SegmentAir,
    mean_cell_cooling_w_per_k,
    mean_cell_heat_capacity_j_per_k,
    pack_network,
    solve_pack,
    surface_convection_w_per_m2_k,
)
from sortie.models.result import MissionResult, MissionSummary, TerminationReason
from sortie.models.settings import ModelKind, SimulationSettings, limits_c

KELVIN_OFFSET = 273.15
# No commercial Li-ion or Na-ion cell delivers its whole energy in under a minute: a
# per-cell power above 60 x its energy per hour is refused before any solve.
MAX_POWER_TO_ENERGY_PER_HOUR = 60.0


def celsius_to_kelvin(temperature_c: float) -> float:
    return temperature_c + KELVIN_OFFSET


# Output just after each step, so a step shows as a vertical edge in plots and in the CSV.
STEP_SAMPLE_OFFSET_S = 1e-3


def time_grid_s(mission: Mission, output_points: int) -> np.ndarray:
    """Evenly spaced output times plus each step time (the end of the segment before) and a
    sample just after it (the start of the segment after)."""
    uniform = np.linspace(0.0, mission.duration_s, output_points)
    starts = np.asarray(mission.start_times_s)
    after = starts[1:] + STEP_SAMPLE_OFFSET_S
    steps = np.concatenate([starts, after[after < mission.duration_s]])
    # Uniform samples within 10 ms of a step would be near-duplicates in the CSV.
    distance = np.min(np.abs(uniform[:, None] - steps[None, :]), axis=1)
    keep = (distance > 10 * STEP_SAMPLE_OFFSET_S) | (uniform == mission.duration_s)
    return np.union1d(uniform[keep], steps)


_REASON_OF_ENDING = {
    Ending.FINAL_TIME: TerminationReason.END_OF_PROFILE,
    Ending.VOLTAGE_CUTOFF: TerminationReason.VOLTAGE_CUTOFF,
    Ending.TEMPERATURE_LIMIT: TerminationReason.TEMPERATURE_LIMIT,
    Ending.MODEL_EVENT: TerminationReason.MODEL_LIMIT,
    Ending.SOLVER_FAILURE: TerminationReason.SOLVER_FAILURE,
}


def design_inputs(cell: Cell) -> DesignInputs:
    """The cell's design in the engine's (PyBaMM's) units."""
    design, um = cell.design, 1e-6
    negative = design.negative
    secondary = negative.secondary_active_material_volume_fraction
    return DesignInputs(
        positive_thickness_m=design.positive.coating_thickness_um * um,
        negative_thickness_m=negative.coating_thickness_um * um,
        separator_thickness_m=design.separator.thickness_um * um,
        positive_porosity=design.positive.porosity,
        negative_porosity=negative.porosity,
        separator_porosity=design.separator.porosity,
        positive_active_material_volume_fraction=design.positive.active_material_volume_fraction,
        negative_active_material_volume_fraction=negative.active_material_volume_fraction
        - secondary,
        negative_secondary_active_material_volume_fraction=secondary,
        positive_particle_radius_m=design.positive.particle_radius_um * um,
        negative_particle_radius_m=negative.particle_radius_um * um,
        electrode_area_m2=cell.budget.electrode_area_m2,
        nominal_capacity_ah=cell.budget.capacity_ah,
    )


def _check_power(cell: Cell, pack: Pack, mission: Mission) -> None:
    limit_w = MAX_POWER_TO_ENERGY_PER_HOUR * cell.budget.energy_wh
    for segment in mission.segments:
        per_cell_w = segment.power_w / pack.cell_count
        if per_cell_w > limit_w:
            raise InfeasiblePowerError(
                f"segment '{segment.name}' asks {segment.power_w:.0f} W of "
                f"{pack.cell_count} cells = {per_cell_w:.0f} W per cell; a "
                f"{cell.budget.energy_wh:.1f} Wh {cell.name} cannot deliver more than about "
                f"{limit_w:.0f} W: use more cells in parallel"
            )


def _warnings(cell: Cell, settings: SimulationSettings, solver_warnings: tuple[str, ...]):
    found = [f"{cell.chemistry.name}: {w}" for w in cell.chemistry.fidelity.warnings]
    found.extend(f"{cell.name}: {w}" for w in cell.budget.warnings)
    if settings.model is ModelKind.SPM:
        found.append("SPM underestimates self-heating (~40 % at 2C): use DFN for thermal verdicts")
    found.extend(w for w in solver_warnings if "extrapolat" in w.lower() or "partial" in w)
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class CellRun:
    """One cell of a pack flying a mission, in the engine's terms (no electrochemistry yet)."""

    cell: Cell
    pack: Pack
    mission: Mission
    settings: SimulationSettings
    spec: ModelSpec
    inputs: RunInputs
    time_grid_s: np.ndarray
    ambients_c: tuple[float, ...]
    # The pack's heat (sortie.models.pack_thermal): its network, each segment's surface
    # coefficient and heater, where the cells start and may go, and the pre-heat before
    # take-off.
    network: PackNetwork
    surface_w_per_m2_k: tuple[float, ...]
    heater_w: tuple[float, ...]
    start_c: float
    limits_c: tuple[float, float]
    preheat_s: float = 0.0


def prepare_run(
    cell: Cell,
    pack: Pack,
    mission: Mission,
    settings: SimulationSettings | None = None,
    air: SegmentAir | None = None,
    preheat_s: float = 0.0,
) -> CellRun:
    """Check what can be checked without a solve and put the run in the engine's terms.
    ``air`` is what the pack meets in each segment (None: still air, no heater);
    ``preheat_s`` the length of a first pre-heat segment. Raises
    :class:`InfeasiblePowerError` for a power no cell of this size could give and
    :class:`InputError` for cells that start at or above their temperature limit.

    PyBaMM flies the pack's mean cell: its cooling and heat capacity are its share of the
    pack's (cells, enclosure, air), and the heater's heat reaches it as a warmer ambient
    (exact for its lumped heat balance: h A (T_amb + q/(h A) - T) = h A (T_amb - T) + q)."""
    settings = settings or SimulationSettings()
    budget = cell.budget
    pack.check_mass(budget)
    _check_power(cell, pack, mission)
    ambients_c = mission.segment_ambients_c(settings.ambient_c)
    limits = limits_c(settings, cell.chemistry)
    start_c = (
        ambients_c[0] if settings.start_temperature_c is None else settings.start_temperature_c
    )
    if start_c >= limits[1]:
        raise InputError(
            f"the cells start at {start_c:g} °C, at or above the temperature limit "
            f"{limits[1]:g} °C: raise the limit or start colder"
        )
    air = air or SegmentAir.still(len(mission.segments))
    network = pack_network(pack, cell)
    surface = tuple(
        surface_convection_w_per_m2_k(
            network, settings.heat_transfer_coefficient_w_per_m2_k, speed, density
        )
        for speed, density in zip(air.airflow_m_per_s, air.air_density_kg_per_m3, strict=True)
    )
    cooling_area_m2 = cell.design.format.surface_area_m2
    mean_cooling = [mean_cell_cooling_w_per_k(network, h) for h in surface]
    heater_per_cell = [w / pack.cell_count for w in air.heater_w]
    mean_ambients_k = tuple(
        celsius_to_kelvin(t) + q / g
        for t, q, g in zip(ambients_c, heater_per_cell, mean_cooling, strict=True)
    )
    spec = ModelSpec(
        parameter_set=cell.chemistry.parameter_set,
        model=settings.model.value,
        model_options=to_hashable_options(cell.chemistry.model_options),
        parameter_supplement=tuple(sorted(cell.chemistry.parameter_supplement.items())),
        initial_state_of_charge=settings.initial_state_of_charge,
        segment_start_times_s=mission.start_times_s,
        bpx_json=cell.chemistry.bpx_json,
        relative_tolerance=settings.relative_tolerance,
        compiled=settings.compiled,
    )
    inputs = RunInputs(
        cell_power_w=tuple(s.power_w / pack.cell_count for s in mission.segments),
        ambient_k=mean_ambients_k,
        initial_temperature_k=celsius_to_kelvin(start_c),
        max_temperature_k=celsius_to_kelvin(limits[1]),
        heat_transfer_coefficient_w_per_m2_k=tuple(g / cooling_area_m2 for g in mean_cooling),
        cell_volume_m3=budget.volume_m3,
        cooling_area_m2=cooling_area_m2,
        volumetric_heat_capacity_j_per_m3_k=mean_cell_heat_capacity_j_per_k(network)
        / budget.volume_m3,
        design=design_inputs(cell),
        interconnect_resistance_ohm=pack.cell_interconnect_resistance_ohm,
    )
    return CellRun(
        cell=cell,
        pack=pack,
        mission=mission,
        settings=settings,
        spec=spec,
        inputs=inputs,
        time_grid_s=time_grid_s(mission, settings.output_points),
        ambients_c=ambients_c,
        network=network,
        surface_w_per_m2_k=surface,
        heater_w=air.heater_w,
        start_c=start_c,
        limits_c=limits,
        preheat_s=preheat_s,
    )


def simulate_mission(
    cell: Cell,
    pack: Pack,
    mission: Mission,
    settings: SimulationSettings | None = None,
) -> MissionResult:
    """Fly ``mission`` on ``pack`` built from ``cell``.

    Pack power is shared equally by all ``series_count x parallel_count`` cells. The run ends
    at the end of the profile, at the voltage cut-off of the parameter set, at
    ``settings.max_temperature_c`` or when the solver fails; the summary says which. Raises
    :class:`InfeasiblePowerError` when the cells cannot deliver the first segment at all and
    :class:`InputError` for a design the chemistry cannot balance.
    """
    found = simulate_runs([prepare_run(cell, pack, mission, settings)])[0]
    if isinstance(found, SortieError):
        raise found
    return found


def simulate_runs(runs: Sequence[CellRun]) -> list[MissionResult | SortieError]:
    """Fly many prepared runs, batching those that share a built model and a time grid into
    one solve each (see ``BuiltModel.run_many``). One entry per run, in order: a result, or
    the error that run alone would have raised."""
    from sortie.models.electrochemistry import built_model

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


def _hardest_segment(frame: pd.DataFrame, mission: Mission) -> str:
    """The segment with the highest peak cell current: the most demanding C-rate. (The lowest
    voltage mostly falls at the end of a long discharge and says less about the phase.)"""
    if frame.empty:
        return mission.segments[0].name
    return str(frame["segment"].iloc[int(np.argmax(frame["cell_current_a"].to_numpy()))])


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
    """The first output sample where a cell of the pack is past its hot limit, or below its
    cold limit while discharging (the pre-heat is exempt: warming is what it is for)."""
    low_k, high_k = (celsius_to_kelvin(t) for t in run.limits_c)
    time = temperatures.time_s
    hot = np.nonzero(temperatures.hottest_k >= high_k - 1e-9)[0]
    flying = (time >= run.preheat_s - 1e-9) & (power_w > 0)
    cold = np.nonzero((temperatures.coldest_k < low_k - 1e-9) & flying)[0]
    found = [(int(hot[0]), TerminationReason.TEMPERATURE_LIMIT)] if len(hot) else []
    if len(cold):
        found.append((int(cold[0]), TerminationReason.COLD_LIMIT))
    return min(found) if found else None


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
    frame = pd.DataFrame(
        {
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
        },
        index=pd.Index(time, name="time_s"),
    )
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
        hardest_segment=_hardest_segment(frame, mission),
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
    return MissionResult(timeseries=frame, summary=summary, pack_field_c=_field(run, cells_c))


def _field(run: CellRun, cells_c: np.ndarray) -> np.ndarray | None:
    """The pack's cells on their grid (rows x columns, NaN where no cell sits) at the moment
    the hottest cell peaked."""
    if cells_c.shape[1] == 0:
        return None
    network = run.network
    moment = int(np.argmax(cells_c.max(axis=0)))
    field = np.full(network.rows * network.columns, np.nan)
    field[: network.cell_count] = cells_c[:, moment]
    return field.reshape(network.rows, network.columns)
