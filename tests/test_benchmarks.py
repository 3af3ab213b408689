"""The benchmarks compare like with like: the plain PyBaMM loop they time Sortie against
(``benchmarks/plain_pybamm.py``) is given the designs, powers and temperatures Sortie flies,
and comes to the same verdicts. Speed itself is measured by the scripts (figures in the
README), not asserted here."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pybamm
import pytest

from sortie.models.flight import compile_flight, fly
from sortie.models.run_setup import prepare_run
from sortie.models.settings import ModelKind
from sortie.studies.comparison import compiled_of
from sortie.studies.scenario import scenario_from_dict

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
import bench_explorer  # noqa: E402  (the benchmarks are scripts beside each other)
import bench_sweep  # noqa: E402
from plain_pybamm import plain_values, solve_new_simulation  # noqa: E402

SMALL_SWEEP = """
name = "benchmark check"
[base]
mission = "quad-isr-loiter"
cell = "lg-m50-21700-chen2020"
[base.settings]
model = "spm"
[[dimensions]]
field = "cell.positive_electrode_thickness_um"
start = 65.0
stop = 75.0
count = 3
[[dimensions]]
field = "cell.negative_electrode_porosity"
values = [0.2, 0.25]
"""
# Sortie's design inputs (sortie.models.run_setup.design_inputs) by their PyBaMM names.
DESIGN_KEYS = {
    "positive_thickness_m": "Positive electrode thickness [m]",
    "negative_thickness_m": "Negative electrode thickness [m]",
    "separator_thickness_m": "Separator thickness [m]",
    "positive_porosity": "Positive electrode porosity",
    "negative_porosity": "Negative electrode porosity",
    "separator_porosity": "Separator porosity",
    "positive_active_material_volume_fraction": (
        "Positive electrode active material volume fraction"
    ),
    "negative_active_material_volume_fraction": (
        "Negative electrode active material volume fraction"
    ),
    "positive_particle_radius_m": "Positive particle radius [m]",
    "negative_particle_radius_m": "Negative particle radius [m]",
}


def _explorer_setups(ambient_c: float | None = 5.0):
    """The explorer benchmark's comparison as its warm rounds fly it (another ambient)."""
    scenario = scenario_from_dict({**bench_explorer.DEFAULT, "ambient_c": ambient_c})
    return [compiled_of(scenario, i).setup for i in range(len(scenario.cells))]


def _sweep_setups(tmp_path: Path):
    sweep = tmp_path / "small.toml"
    sweep.write_text(SMALL_SWEEP)
    return bench_sweep._setups(sweep)[1]


def _number(values: pybamm.ParameterValues, key: str) -> float:
    return float(values[key] if key in values else values[f"Primary: {key}"])


def _plain_and_sortie(setup):
    compiled = compile_flight(setup)
    run = prepare_run(
        setup.cell, setup.pack, compiled.mission, setup.settings, compiled.air, compiled.preheat_s
    )
    values = plain_values(
        setup.cell,
        setup.pack,
        compiled.mission,
        setup.settings.heat_transfer_coefficient_w_per_m2_k,
    )
    return compiled, run, values


@pytest.mark.parametrize("source", ["explorer", "sweep"])
def test_the_plain_loop_is_given_the_designs_powers_and_temperatures_sortie_flies(
    source, tmp_path
):
    setups = _explorer_setups() if source == "explorer" else _sweep_setups(tmp_path)
    designs = set()
    for setup in setups:
        compiled, run, values = _plain_and_sortie(setup)
        sortie = run.inputs
        for field, key in DESIGN_KEYS.items():
            assert _number(values, key) == pytest.approx(getattr(sortie.design, field)), key
        area = values["Electrode width [m]"] * values["Electrode height [m]"]
        assert area == pytest.approx(sortie.design.electrode_area_m2)
        designs.add(tuple(getattr(sortie.design, field) for field in DESIGN_KEYS))
        # The same power per cell in every segment (PyBaMM's own expression, evaluated).
        power = values["Power function [W]"]
        for start_s, duration_s, watts in zip(
            compiled.mission.start_times_s,
            (s.duration_s for s in compiled.mission.segments),
            sortie.cell_power_w,
            strict=True,
        ):
            middle = pybamm.Scalar(start_s + duration_s / 2)
            assert float(power(middle).evaluate()) == pytest.approx(watts, rel=1e-12)
        # The same air and start: no heater in these missions, one ambient throughout.
        assert set(sortie.ambient_k) == {values["Ambient temperature [K]"]}
        assert values["Initial temperature [K]"] == sortie.initial_temperature_k
        assert values["Cell volume [m3]"] == sortie.cell_volume_m3
        assert values["Cell cooling surface area [m2]"] == sortie.cooling_area_m2
        # The cooling: Sortie's mean cell of a sealed pack has its share of the pack's
        # surface and air (the pack network); the baseline cools a lone cell by the same
        # coefficient. Within a few per cent: the solver does the same work.
        for coefficient in sortie.heat_transfer_coefficient_w_per_m2_k:
            assert values["Total heat transfer coefficient [W.m-2.K-1]"] == pytest.approx(
                coefficient, rel=0.05
            )
    assert len(designs) == len(setups)  # each a design of its own, none dropped


@pytest.mark.slow
def test_the_plain_loop_comes_to_sortie_s_verdicts():
    """Each explorer cell flown both ways (SPMe: the solve the benchmark times with DFN, at a
    third of the cost): the same ending, at the same time, with the same voltages and heat
    within what the pack's thermal network explains (its mean cell runs ~2 K warmer than a
    lone cell cooled by the same coefficient)."""
    for setup in _explorer_setups(ambient_c=None):
        setup = dataclasses.replace(
            setup, settings=dataclasses.replace(setup.settings, model=ModelKind.SPME)
        )
        flight = fly(setup)
        mission = flight.compiled.mission
        solution = solve_new_simulation(
            "spme",
            plain_values(
                setup.cell,
                setup.pack,
                mission,
                setup.settings.heat_transfer_coefficient_w_per_m2_k,
            ),
            mission.duration_s,
        )
        summary = flight.summary
        plain_cut_off = "Minimum voltage" in solution.termination
        assert plain_cut_off == (summary.termination_reason.value == "voltage cut-off"), (
            setup.cell.id,
            solution.termination,
            summary.termination_reason,
        )
        assert float(solution.t[-1]) == pytest.approx(summary.endurance_s, rel=0.01)
        voltage = solution["Voltage [V]"].entries
        assert float(voltage.min()) == pytest.approx(summary.min_cell_voltage_v, abs=0.06)
        peak_c = float(solution["X-averaged cell temperature [K]"].entries.max()) - 273.15
        assert peak_c == pytest.approx(summary.max_cell_temperature_c, abs=3.0)

