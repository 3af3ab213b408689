"""Heat in a pack: the cells on their grid, their neighbours, the enclosure and the air.

A thermal network (Incropera et al., Fundamentals of Heat and Mass Transfer, 7th ed., 2011):
each cell is a node with its heat capacity; neighbouring cans exchange heat across their gap
by conduction (shape factor of two parallel cylinders, Table 4.1 case 4; a plane layer for
box cells); the outer cells meet the enclosure (a sealed wrap or box: conduction across the
gap, then the enclosure's own heat capacity and its convection to the air) or, in an open
frame, the air itself, as do gaps wide enough for air to pass. Convection follows the flight
phase: the still-air coefficient on the ground (natural convection and radiation, the
settings' value), forced convection at the airspeed in forward flight and in the rotor
downwash in hover (flat plate, eq. 7.38, for an enclosure; Churchill-Bernstein, eq. 7.54, for
bare cylinders), times the share of that flow that reaches the pack.

Coupling (see :mod:`sortie.models.chain`): PyBaMM flies the pack's mean cell with the pack's
mean cooling and heat capacity (cells and enclosure); every cell carries the same current, so
each releases that cell's heat, and this network spreads it: hottest, coldest, enclosure.
Simplified: one heat source for all cells (a hotter cell's lower resistance is not fed back),
equal current sharing, no heat along the nickel strips, the enclosure one node.

A test chamber (:func:`chamber_network`) is the same network with nothing around the cell:
the case a measured cell test was run in.

Why one module of ~480 lines: it is one idea, the pack's thermal network: its geometry
(gaps, shape factors), its convection by phase and the network built from both belong
together, and the chamber is the network's degenerate case.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sortie.cells.cell import Cell
from sortie.cells.design import CylindricalFormat
from sortie.cells.pack import Pack
from sortie.models.atmosphere import STANDARD_GRAVITY_M_PER_S2
from sortie.models.settings import ThermalBoundary

# Air (Incropera Table A.4, 300 K): dynamic viscosity and Prandtl number; the conductivity
# is the layout's gap value's default (sortie.cells.pack_layout).
AIR_VISCOSITY_PA_S = 1.846e-5
AIR_PRANDTL = 0.707
AIR_CONDUCTIVITY_W_PER_M_K = 0.0263
# Laminar to turbulent on a flat plate (Incropera sec. 7.2).
CRITICAL_REYNOLDS = 5e5
# Cans that touch still meet across a film (wrap, roughness): conduction takes at least this
# gap, or a touching pair would conduct without limit.
MIN_GAP_M = 0.2e-3
# Gaps narrower than this share of a can's diameter pass no air (tube banks need pitch/D
# >= 1.25 for the usual correlations, Incropera sec. 7.6); between it and touching the share
# of the gap surface that meets the air grows linearly.
OPEN_GAP_SHARE_OF_DIAMETER = 0.25
# The enclosure's wall: a wrap or thin box (PVC/ABS ~0.2 W/(m K), Incropera Table A.3).
WALL_THICKNESS_M = 1.0e-3
WALL_CONDUCTIVITY_W_PER_M_K = 0.2
# An enclosure of no stated mass still holds its wrap: never below this [J/K].
MIN_ENCLOSURE_HEAT_CAPACITY_J_PER_K = 1.0


@dataclass(frozen=True)
class SegmentAir:
    """What the pack meets in each segment of a mission: the air speed over the aircraft at
    the pack (airspeed, or the rotor downwash in hover), the air density, and the pre-heater's
    power (W for the whole pack, 0 when off)."""

    airflow_m_per_s: tuple[float, ...]
    air_density_kg_per_m3: tuple[float, ...]
    heater_w: tuple[float, ...]

    @classmethod
    def still(cls, segments: int, density_kg_per_m3: float = 1.225) -> SegmentAir:
        return cls((0.0,) * segments, (density_kg_per_m3,) * segments, (0.0,) * segments)


def rotor_downwash_m_per_s(
    mass_kg: float, air_density_kg_per_m3: float, rotor_disc_area_m2: float
) -> float:
    """Far-wake speed of a hovering rotor, 2 v_h = 2 sqrt(W / (2 rho A)) (momentum theory,
    Leishman, Principles of Helicopter Aerodynamics, 2nd ed., sec. 2.2)."""
    weight = mass_kg * STANDARD_GRAVITY_M_PER_S2
    return 2.0 * math.sqrt(weight / (2.0 * air_density_kg_per_m3 * rotor_disc_area_m2))


def flat_plate_convection_w_per_m2_k(
    speed_m_per_s: float, length_m: float, air_density_kg_per_m3: float
) -> float:
    """Average forced convection on a plate of ``length_m`` along the flow: laminar
    Nu = 0.664 Re^0.5 Pr^(1/3) (Incropera eq. 7.30), mixed above Re 5e5,
    Nu = (0.037 Re^0.8 - 871) Pr^(1/3) (eq. 7.38)."""
    reynolds = air_density_kg_per_m3 * speed_m_per_s * length_m / AIR_VISCOSITY_PA_S
    if reynolds <= 0:
        return 0.0
    if reynolds < CRITICAL_REYNOLDS:
        nusselt = 0.664 * reynolds**0.5 * AIR_PRANDTL ** (1 / 3)
    else:
        nusselt = (0.037 * reynolds**0.8 - 871.0) * AIR_PRANDTL ** (1 / 3)
    return nusselt * AIR_CONDUCTIVITY_W_PER_M_K / length_m


def cylinder_convection_w_per_m2_k(
    speed_m_per_s: float, diameter_m: float, air_density_kg_per_m3: float
) -> float:
    """Average forced convection on a cylinder in crossflow, Churchill-Bernstein (Incropera
    eq. 7.54, valid for Re Pr > 0.2)."""
    reynolds = air_density_kg_per_m3 * speed_m_per_s * diameter_m / AIR_VISCOSITY_PA_S
    if reynolds <= 0:
        return 0.0
    pr = AIR_PRANDTL
    nusselt = 0.3 + (0.62 * reynolds**0.5 * pr ** (1 / 3)) / (1 + (0.4 / pr) ** (2 / 3)) ** 0.25 * (
        1 + (reynolds / 282_000) ** (5 / 8)
    ) ** (4 / 5)
    return nusselt * AIR_CONDUCTIVITY_W_PER_M_K / diameter_m


def parallel_cylinders_shape_factor_m(
    length_m: float, diameter_m: float, centres_m: float
) -> float:
    """Conduction shape factor of two parallel cylinders of equal diameter, centres
    ``centres_m`` apart: S = 2 pi L / arccosh(2 (w/D)^2 - 1) (Incropera Table 4.1, case 4).
    G = k S."""
    ratio = 2.0 * (centres_m / diameter_m) ** 2 - 1.0
    return 2.0 * math.pi * length_m / math.acosh(ratio)


@dataclass(frozen=True)
class PackNetwork:
    """The pack's thermal network: cells in row-major grid positions, conductances [W/K] and
    areas [m2] that the flight does not change. ``wall_w_per_k`` is each cell's path to the
    enclosure (sealed packs), ``exposed_area_m2`` its surface that meets the enclosure or the
    air, ``gap_area_m2`` its gap surface open to air (open frames)."""

    rows: int
    columns: int
    cell_heat_capacity_j_per_k: float
    enclosure_heat_capacity_j_per_k: float
    neighbours: tuple[tuple[int, int, float], ...]
    exposed_area_m2: np.ndarray
    gap_area_m2: np.ndarray
    wall_w_per_k: np.ndarray
    enclosure_area_m2: float
    flow_length_m: float
    cell_diameter_m: float | None  # cylinders: the crossflow correlation applies to bare cans
    sealed: bool
    airflow_exposure: float

    @property
    def cell_count(self) -> int:
        return len(self.exposed_area_m2)

    def position(self, index: int) -> tuple[int, int]:
        """(row, column) of a cell, counted from 1."""
        return index // self.columns + 1, index % self.columns + 1

    def on_grid(self, per_cell: np.ndarray) -> np.ndarray:
        """A value per cell as the pack's rows x columns (NaN where no cell sits)."""
        grid = np.full(self.rows * self.columns, np.nan)
        grid[: self.cell_count] = per_cell
        return grid.reshape(self.rows, self.columns)


def pack_network(pack: Pack, cell: Cell) -> PackNetwork:
    """The network of ``pack`` built from ``cell`` (its format gives the geometry)."""
    layout = pack.layout
    count = pack.cell_count
    rows, columns = layout.grid(count)
    fmt = cell.design.format
    gap_m = layout.spacing_mm * 1e-3
    conduction_gap_m = max(gap_m, MIN_GAP_M)
    k_gap = layout.gap_conductivity_w_per_m_k
    if isinstance(fmt, CylindricalFormat):
        diameter, height = fmt.diameter_mm * 1e-3, fmt.height_mm * 1e-3
        side_area = math.pi * diameter * height / 4  # a quarter of the can faces each side
        ends_area = 2 * math.pi * diameter**2 / 4
        pitch = (diameter + conduction_gap_m, diameter + conduction_gap_m)
        neighbour_w_per_k = (
            k_gap
            * parallel_cylinders_shape_factor_m(height, diameter, diameter + conduction_gap_m),
        ) * 2
        side_areas = (side_area, side_area)
        open_share = min(1.0, gap_m / (OPEN_GAP_SHARE_OF_DIAMETER * diameter))
        footprint = (diameter + gap_m, diameter + gap_m)
        body_height, cell_diameter = height, diameter
    else:
        # Box cells stand on their long edge, stacked face to face along the rows.
        thickness, width, length = (
            fmt.thickness_mm * 1e-3,
            fmt.width_mm * 1e-3,
            fmt.length_mm * 1e-3,
        )
        faces = (width * length, thickness * length)  # across a row, across a column
        neighbour_w_per_k = tuple(k_gap * area / conduction_gap_m for area in faces)
        side_areas = faces
        ends_area = 2 * thickness * width
        open_share = min(1.0, gap_m / (OPEN_GAP_SHARE_OF_DIAMETER * thickness))
        footprint = (thickness + gap_m, width + gap_m)
        pitch = footprint
        body_height, cell_diameter = length, None
    del pitch
    neighbours = []
    exposed = np.full(count, ends_area)
    gaps = np.zeros(count)
    for index in range(count):
        row, column = divmod(index, columns)
        for axis, (d_row, d_column) in enumerate(((0, 1), (1, 0), (0, -1), (-1, 0))):
            other_row, other_column = row + d_row, column + d_column
            other = other_row * columns + other_column
            inside = 0 <= other_row < rows and 0 <= other_column < columns and other < count
            area = side_areas[axis % 2]
            if not inside:
                exposed[index] += area
                continue
            gaps[index] += area * open_share
            if other > index:
                neighbours.append((index, other, neighbour_w_per_k[axis % 2]))
    # The cells' path to the enclosure: the gap film, then the wall.
    wall_resistance_m2_k_per_w = (
        conduction_gap_m / k_gap + WALL_THICKNESS_M / WALL_CONDUCTIVITY_W_PER_M_K
    )
    wall = exposed / wall_resistance_m2_k_per_w if layout.sealed else np.zeros(count)
    box = (rows * footprint[0], columns * footprint[1], body_height)
    enclosure_area = 2 * (box[0] * box[1] + box[0] * box[2] + box[1] * box[2])
    if layout.enclosure_mass_kg is not None:
        enclosure_mass = layout.enclosure_mass_kg
    else:
        # What the pack weighs beyond its cells: wrap, holders, strips, BMS, leads.
        enclosure_mass = pack.mass_kg(cell.budget) - pack.cells_mass_kg(cell.budget)
    enclosure_heat = enclosure_mass * layout.enclosure_specific_heat_j_per_kg_k
    return PackNetwork(
        rows=rows,
        columns=columns,
        cell_heat_capacity_j_per_k=cell.heat_capacity_j_per_k,
        enclosure_heat_capacity_j_per_k=max(enclosure_heat, MIN_ENCLOSURE_HEAT_CAPACITY_J_PER_K),
        neighbours=tuple(neighbours),
        exposed_area_m2=exposed,
        gap_area_m2=gaps if not layout.sealed else np.zeros(count),
        wall_w_per_k=wall,
        enclosure_area_m2=enclosure_area,
        flow_length_m=max(box),
        cell_diameter_m=cell_diameter,
        sealed=layout.sealed,
        airflow_exposure=layout.airflow_exposure,
    )


def chamber_network(pack: Pack, cell: Cell) -> PackNetwork:
    """Each cell of ``pack`` alone in a test chamber (the boundary a cycler's cell test has):
    no neighbours, no enclosure, the cell's whole surface (its format's
    ``surface_area_m2``) to the chamber air, which a flight does not move (airflow exposure
    0: the still-air coefficient holds throughout). Cells keep the pack's grid positions only
    to be named."""
    count = pack.cell_count
    rows, columns = pack.layout.grid(count)
    fmt = cell.design.format
    if isinstance(fmt, CylindricalFormat):
        cell_diameter: float | None = fmt.diameter_mm * 1e-3
        length_m = fmt.height_mm * 1e-3
    else:
        cell_diameter, length_m = None, fmt.length_mm * 1e-3
    return PackNetwork(
        rows=rows,
        columns=columns,
        cell_heat_capacity_j_per_k=cell.heat_capacity_j_per_k,
        enclosure_heat_capacity_j_per_k=MIN_ENCLOSURE_HEAT_CAPACITY_J_PER_K,
        neighbours=(),
        exposed_area_m2=np.full(count, fmt.surface_area_m2),
        gap_area_m2=np.zeros(count),
        wall_w_per_k=np.zeros(count),
        enclosure_area_m2=0.0,
        flow_length_m=length_m,
        cell_diameter_m=cell_diameter,
        sealed=False,
        airflow_exposure=0.0,
    )


def thermal_network(pack: Pack, cell: Cell, boundary: ThermalBoundary) -> PackNetwork:
    """The network a run's heat flows through: the pack's (:func:`pack_network`) or, in a
    test chamber, each cell on its own (:func:`chamber_network`)."""
    if boundary is ThermalBoundary.CHAMBER:
        return chamber_network(pack, cell)
    return pack_network(pack, cell)


def surface_convection_w_per_m2_k(
    network: PackNetwork,
    still_air_w_per_m2_k: float,
    airflow_m_per_s: float,
    air_density_kg_per_m3: float,
) -> float:
    """The coefficient on the pack's outer surface: the still-air value, or forced convection
    of the flow that reaches the pack when that is larger."""
    speed = network.airflow_exposure * airflow_m_per_s
    if network.sealed or network.cell_diameter_m is None:
        forced = flat_plate_convection_w_per_m2_k(
            speed, network.flow_length_m, air_density_kg_per_m3
        )
    else:
        forced = cylinder_convection_w_per_m2_k(
            speed, network.cell_diameter_m, air_density_kg_per_m3
        )
    return max(still_air_w_per_m2_k, forced)


def cell_outflow_w_per_k(network: PackNetwork, surface_w_per_m2_k: float) -> np.ndarray:
    """Each cell's conductance to what is outside it: the enclosure (sealed) or the air."""
    if network.sealed:
        return network.wall_w_per_k
    return surface_w_per_m2_k * (network.exposed_area_m2 + network.gap_area_m2)


def mean_cell_cooling_w_per_k(network: PackNetwork, surface_w_per_m2_k: float) -> float:
    """The mean cell's conductance to the air (steady state, no spread across the pack): its
    share of cells -> enclosure -> air in series, or of the cells' own surfaces."""
    cells = float(cell_outflow_w_per_k(network, surface_w_per_m2_k).sum())
    if not network.sealed:
        return cells / network.cell_count
    enclosure = surface_w_per_m2_k * network.enclosure_area_m2
    return 1.0 / (1.0 / cells + 1.0 / enclosure) / network.cell_count


def mean_cell_heat_capacity_j_per_k(network: PackNetwork) -> float:
    """A cell and its share of the enclosure (what the mean cell must warm)."""
    enclosure = network.enclosure_heat_capacity_j_per_k if network.sealed else 0.0
    return network.cell_heat_capacity_j_per_k + enclosure / network.cell_count


@dataclass(frozen=True)
class PackTemperatures:
    """Temperatures on the flight's time grid: ``cells_k`` (cells x times, row-major
    positions), ``enclosure_k`` (None for an open frame); the heat balance over the flight
    [J]: generated (cells and heater) = stored + rejected to the air."""

    time_s: np.ndarray
    cells_k: np.ndarray
    enclosure_k: np.ndarray | None
    generated_j: float
    stored_j: float
    rejected_j: float

    @property
    def hottest_k(self) -> np.ndarray:
        return self.cells_k.max(axis=0)

    @property
    def coldest_k(self) -> np.ndarray:
        return self.cells_k.min(axis=0)


def _matrices(network: PackNetwork, surface: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(A, capacities, conductance to air) of dT/dt = A T + b for one surface coefficient:
    cells first (row-major), then the enclosure of a sealed pack."""
    n = network.cell_count
    size = n + (1 if network.sealed else 0)
    conductance = np.zeros((size, size))
    for i, j, g in network.neighbours:
        conductance[i, j] -= g
        conductance[j, i] -= g
        conductance[i, i] += g
        conductance[j, j] += g
    outflow = cell_outflow_w_per_k(network, surface)
    to_air = np.zeros(size)
    if network.sealed:
        e = n
        conductance[:n, e] -= outflow
        conductance[e, :n] -= outflow
        conductance[np.arange(n), np.arange(n)] += outflow
        conductance[e, e] += outflow.sum()
        to_air[e] = surface * network.enclosure_area_m2
    else:
        to_air[:n] = outflow
    conductance[np.diag_indices(size)] += to_air
    capacity = _capacities(network)
    return -conductance / capacity[:, None], capacity, to_air


def _capacities(network: PackNetwork) -> np.ndarray:
    """Heat capacity of each node [J/K]: cells first (row-major), then the enclosure of a
    sealed pack."""
    capacity = np.full(network.cell_count, network.cell_heat_capacity_j_per_k)
    if network.sealed:
        capacity = np.append(capacity, network.enclosure_heat_capacity_j_per_k)
    return capacity


def solve_pack(
    network: PackNetwork,
    time_s: np.ndarray,
    heat_per_cell_w: np.ndarray,
    segment_index: np.ndarray,
    surface_w_per_m2_k: Sequence[float],
    air_k: Sequence[float],
    start_k: float,
    heater_w: Sequence[float],
) -> PackTemperatures:
    """Temperatures of every cell (and the enclosure) on ``time_s``. ``heat_per_cell_w`` is
    each cell's heat on the grid (the mean cell's, from PyBaMM); ``segment_index`` the segment
    ending at each time (the engine's labelling), which sets the surface coefficient, the air
    and the heater of the interval before it.

    Exact for the linear network over each output interval with the heat held at its mean
    over the interval: T(t+h) = e^{Ah} T + (e^{Ah} - I) A^-1 b (one matrix exponential per
    segment and interval length), so it costs one matrix-vector product per output point."""
    from scipy.linalg import expm

    time_s = np.asarray(time_s, dtype=float)
    heat = np.asarray(heat_per_cell_w, dtype=float)
    n = network.cell_count
    size = n + (1 if network.sealed else 0)
    cells_only = np.zeros(size)
    cells_only[:n] = 1.0
    # Interval k runs from time_s[k] to time_s[k + 1] in the segment ending at k + 1, with
    # each cell's heat q_k held at its mean over the interval (plus its share of the heater).
    steps = np.diff(time_s)
    segments = np.asarray(segment_index[1:], dtype=int)
    q = 0.5 * (heat[:-1] + heat[1:]) + np.asarray(heater_w, dtype=float)[segments] / n
    # Per segment in use: dT/dt = A T + b with the forcing b = heat_gain q + air_gain, and the
    # row vector that turns T(h) - T(0) - h b into the heat given to the air (to_air . A^-1).
    used, segment_of = np.unique(segments, return_inverse=True)
    segment_of = segment_of.reshape(-1)
    matrices = np.empty((len(used), size, size))
    inverses = np.empty_like(matrices)
    heat_gains = np.empty((len(used), size))
    air_gains = np.empty_like(heat_gains)
    rejections = np.empty_like(heat_gains)
    air_terms_w = np.empty(len(used))
    for u, segment in enumerate(used):
        matrices[u], capacity, to_air = _matrices(network, surface_w_per_m2_k[segment])
        inverses[u] = np.linalg.inv(matrices[u])
        heat_gains[u] = cells_only / capacity
        air_gains[u] = to_air * air_k[segment] / capacity
        rejections[u] = to_air @ inverses[u]
        air_terms_w[u] = float(to_air.sum()) * air_k[segment]
    # Per (segment, interval length): the propagator e^{Ah} and the responses of T(h) to q
    # and to the air. A mission has a handful; the loop below runs for every flight of a
    # sweep, so it does one product and two scaled additions per output point.
    pairs, pair_of = np.unique(
        np.stack([segment_of, np.round(steps, 9)], axis=1), axis=0, return_inverse=True
    )
    propagators = np.empty((len(pairs), size, size))
    heat_responses = np.empty((len(pairs), size))
    air_responses = np.empty((len(pairs), size))
    for i, (position, step) in enumerate(pairs):
        u = int(position)
        propagators[i] = expm(matrices[u] * step)
        response = (propagators[i] - np.eye(size)) @ inverses[u]
        heat_responses[i] = response @ heat_gains[u]
        air_responses[i] = response @ air_gains[u]
    history = np.empty((size, len(time_s)))
    history[:, 0] = state = np.full(size, float(start_k))
    for k, pair in enumerate(pair_of.reshape(-1)):
        state = propagators[pair] @ state + heat_responses[pair] * q[k] + air_responses[pair]
        history[:, k + 1] = state
    # Energies over the flight: the cells' heat, and the heat to the air from the integral of
    # T over each interval, exactly: A^-1 (T(h) - T(0) - h b).
    generated = float(n * np.sum(q * steps))
    change = (history[:, 1:] - history[:, :-1]).T - steps[:, None] * (
        heat_gains[segment_of] * q[:, None] + air_gains[segment_of]
    )
    rejected = float(
        np.sum(rejections[segment_of] * change) - np.sum(air_terms_w[segment_of] * steps)
    )
    stored = float((_capacities(network) * (history[:, -1] - history[:, 0])).sum())
    return PackTemperatures(
        time_s=time_s,
        cells_k=history[:n],
        enclosure_k=history[n] if network.sealed else None,
        generated_j=generated,
        stored_j=stored,
        rejected_j=rejected,
    )


def first_limit_crossing(
    temperatures: PackTemperatures, low_k: float, high_k: float, discharging: np.ndarray
) -> tuple[int, bool] | None:
    """(sample, True for hot) of the first time any cell reaches ``high_k``, or falls below
    ``low_k`` at a sample where the pack is ``discharging``; None when neither happens."""
    hot = np.nonzero(temperatures.hottest_k >= high_k - 1e-9)[0]
    cold = np.nonzero((temperatures.coldest_k < low_k - 1e-9) & discharging)[0]
    found = [(int(hot[0]), True)] if len(hot) else []
    if len(cold):
        found.append((int(cold[0]), False))
    return min(found) if found else None
