"""The baseline both benchmarks compare against: what a user writes without Sortie."""

from __future__ import annotations

import numpy as np
import pybamm

from sortie.models.settings import SimulationSettings


def piecewise_power(start_times_s, powers_w):
    """P(t) as PyBaMM expression: p0 + sum((p_i - p_{i-1}) (t >= t_i)) with constant times."""

    def power(t):
        total = pybamm.Scalar(powers_w[0])
        for i in range(1, len(powers_w)):
            total = total + (powers_w[i] - powers_w[i - 1]) * (t >= start_times_s[i])
        return total

    return power


def solve_new_simulation(model_name: str, values: pybamm.ParameterValues, duration_s: float):
    """Build a new lumped-thermal, power-driven Simulation and solve it (Sortie's tolerances)."""
    model_class = {
        "dfn": pybamm.lithium_ion.DFN,
        "spme": pybamm.lithium_ion.SPMe,
        "spm": pybamm.lithium_ion.SPM,
    }[model_name]
    model = model_class(
        options={
            "operating mode": "power",
            "thermal": "lumped",
            "use lumped thermal capacity": "true",
            "calculate discharge energy": "true",
        }
    )
    values.set_initial_state(1.0, options=model.options)
    simulation = pybamm.Simulation(
        model, parameter_values=values, solver=pybamm.IDAKLUSolver(rtol=1e-4, atol=1e-6)
    )
    return simulation.solve([0, duration_s], t_interp=np.linspace(0, duration_s, 600))


def plain_values(cell, pack, mission, heat_transfer_coefficient_w_per_m2_k: float | None = None):
    """The parameter set with this cell's design and the mission's per-cell power, as a user
    would write it: the set's values updated by name (design, power, thermal)."""
    values = pybamm.ParameterValues(cell.chemistry.parameter_set)
    values.update(cell.chemistry.parameter_supplement, check_already_exists=False)
    design, um = cell.design, 1e-6
    h = (
        heat_transfer_coefficient_w_per_m2_k
        or SimulationSettings().heat_transfer_coefficient_w_per_m2_k
    )
    values.update(
        {
            "Positive electrode thickness [m]": design.positive.coating_thickness_um * um,
            "Negative electrode thickness [m]": design.negative.coating_thickness_um * um,
            "Positive electrode porosity": design.positive.porosity,
            "Negative electrode porosity": design.negative.porosity,
            "Positive electrode active material volume fraction": (
                design.positive.active_material_volume_fraction
            ),
            "Negative electrode active material volume fraction": (
                design.negative.active_material_volume_fraction
            ),
            "Positive particle radius [m]": design.positive.particle_radius_um * um,
            "Negative particle radius [m]": design.negative.particle_radius_um * um,
            "Electrode width [m]": cell.budget.electrode_area_m2 / values["Electrode height [m]"],
            "Power function [W]": piecewise_power(
                mission.start_times_s, [s.power_w / pack.cell_count for s in mission.segments]
            ),
            "Ambient temperature [K]": 273.15 + mission.segments[0].ambient_c,
            "Initial temperature [K]": 273.15 + mission.segments[0].ambient_c,
            "Cell heat capacity [J.K-1.m-3]": cell.heat_capacity_j_per_k / cell.budget.volume_m3,
            # Not every parameter set carries the can's size (Chayambuka2022 does not); the
            # lumped thermal model needs it, so give the cell's own, as Sortie does.
            "Cell volume [m3]": cell.budget.volume_m3,
            "Cell cooling surface area [m2]": cell.design.format.surface_area_m2,
            "Total heat transfer coefficient [W.m-2.K-1]": h,
        },
        check_already_exists=False,
    )
    return values


def plain_mission_run(model_name: str, mission, cell, pack) -> float:
    """What a user writes without Sortie's cache: build and solve a new Simulation for one
    cell of ``pack`` flying ``mission``. Returns the wall time [s]."""
    import time

    start = time.perf_counter()
    solve_new_simulation(model_name, plain_values(cell, pack, mission), mission.duration_s)
    return time.perf_counter() - start
