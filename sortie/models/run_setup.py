"""A flight in the engine's terms: from a cell, a pack, a power mission and settings (and the
air the pack meets) to a :class:`CellRun`: the built model's spec, the run's input parameters,
the output grid and the pack's thermal network.

Checks what can be checked without a solve (power a cell of this size can never give, cells
that start at their limit). PyBaMM is not imported here: the engine's contract is
:mod:`sortie.models.cell_runs`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sortie.cells.cell import Cell
from sortie.cells.pack import Pack
from sortie.errors import InfeasiblePowerError, InputError
from sortie.models.cell_runs import DesignInputs, ModelSpec, RunInputs, to_hashable_options
from sortie.models.mission import Mission
from sortie.models.pack_thermal import (
    PackNetwork,
    SegmentAir,
    mean_cell_cooling_w_per_k,
    mean_cell_heat_capacity_j_per_k,
    surface_convection_w_per_m2_k,
    thermal_network,
)
from sortie.models.settings import SimulationSettings, limits_c

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
    pack's (cells, enclosure, air; in a test chamber its own surface and heat capacity), and
    the heater's heat reaches it as a warmer ambient (exact for its lumped heat balance:
    h A (T_amb + q/(h A) - T) = h A (T_amb - T) + q)."""
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
    network = thermal_network(pack, cell, settings.thermal_boundary)
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
        initial_step_s=settings.initial_step_s,
        suppress_algebraic_error=settings.suppress_algebraic_error,
        compiled=settings.compiled,
        parameter_changes=cell.model_parameter_changes,
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
