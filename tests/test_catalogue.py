"""The catalogue against PyBaMM itself: what the TOML says must be what the parameter sets do.

These tests import PyBaMM directly (tests may; product code may not outside the adapter).
"""

import json
import tempfile

import numpy as np
import pybamm
import pytest

from sortie.cells.chemistry import Chemistry
from sortie.presets import PresetKind, chemistries, list_presets, load_cell
from sortie.presets.loader import load_chemistry

# PyBaMM's BPX import writes a temporary file per formula and keeps it: keep them here.
_BPX_SCRATCH = tempfile.TemporaryDirectory(prefix="sortie-test-bpx-")


def set_values(chemistry: Chemistry) -> pybamm.ParameterValues:
    """The chemistry's parameter set as PyBaMM reads it (a catalogue BPX file through PyBaMM's
    BPX import, as the engine does), with Sortie's supplement."""
    if chemistry.bpx_json is None:
        values = pybamm.ParameterValues(chemistry.parameter_set)
    else:
        previous, tempfile.tempdir = tempfile.tempdir, _BPX_SCRATCH.name
        try:
            values = pybamm.ParameterValues.create_from_bpx_obj(json.loads(chemistry.bpx_json))
        finally:
            tempfile.tempdir = previous
    values.update(chemistry.parameter_supplement, check_already_exists=False)
    return values


PYBAMM_DESIGN_KEYS = {
    ("positive", "coating_thickness_um"): ("Positive electrode thickness [m]", 1e-6),
    ("negative", "coating_thickness_um"): ("Negative electrode thickness [m]", 1e-6),
    ("positive", "porosity"): ("Positive electrode porosity", 1.0),
    ("negative", "porosity"): ("Negative electrode porosity", 1.0),
    ("positive", "particle_radius_um"): ("Positive particle radius [m]", 1e-6),
    ("negative", "particle_radius_um"): ("Negative particle radius [m]", 1e-6),
    ("separator", "thickness_um"): ("Separator thickness [m]", 1e-6),
    ("separator", "porosity"): ("Separator porosity", 1.0),
}


def _value(values: pybamm.ParameterValues, key: str) -> float:
    for candidate in (key, f"Primary: {key}"):
        if candidate in values:
            return float(values[candidate])
    raise KeyError(key)


BASE_CELLS = [
    i for i in list_presets(PresetKind.CELL) if load_cell(i.id).design.template_of is None
]


# The presets whose electrodes are not their parameter set's: designs derived from another
# preset by the ``[changes]`` of their file (``template_of``).
TEMPLATES = {
    "nmc811-high-energy-21700": "lg-m50-21700",
    "nmc811-high-power-21700": "lg-m50-21700",
    "si-high-silicon-21700": "si-composite-21700",
    "lg-m50-21700-calibrated": "lg-m50-21700-chen2020",
}


def _differs_from_its_set(cell) -> bool:
    """Its electrodes are not the set's, or (a calibrated cell) its model is not."""
    values = set_values(cell.chemistry)
    return bool(cell.design.model_parameters) or any(
        getattr(getattr(cell.design, part), field) * scale
        != pytest.approx(_value(values, key), rel=1e-6)
        for (part, field), (key, scale) in PYBAMM_DESIGN_KEYS.items()
    )


def _flat(table: dict, prefix: str = "") -> dict[str, object]:
    """A nested table as dotted paths (``positive.coating_thickness_um``)."""
    found: dict[str, object] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            found.update(_flat(value, f"{prefix}{key}."))
        else:
            found[f"{prefix}{key}"] = value
    return found


def test_the_named_templates_are_the_only_presets_that_differ_from_their_set():
    cells = {info.id: load_cell(info.id) for info in list_presets(PresetKind.CELL)}
    assert {i for i, cell in cells.items() if cell.design.template_of} == set(TEMPLATES)
    assert {i for i, cell in cells.items() if _differs_from_its_set(cell)} == set(TEMPLATES)
    assert {info.id for info in BASE_CELLS} == set(cells) - set(TEMPLATES)


@pytest.mark.parametrize("template_id", sorted(TEMPLATES))
def test_a_template_is_its_base_with_exactly_the_changes_its_file_lists(template_id):
    import dataclasses
    import tomllib

    from sortie.presets.loader import DATA_DIR
    from sortie.presets.overrides import resolve_cell_overrides

    document = tomllib.loads((DATA_DIR / "cells" / f"{template_id}.toml").read_text())
    base_id = TEMPLATES[template_id]
    assert document["template_of"] == base_id
    base = _flat(dataclasses.asdict(load_cell(base_id).design))
    ours = _flat(dataclasses.asdict(load_cell(template_id).design))
    changes = resolve_cell_overrides(base, document["changes"])
    assert changes  # a template with nothing to change would be its base
    # What the cell is made of: not its names, its sources, nor the base's datasheet (a
    # template is not the cell that was measured, so it carries none).
    assert not [path for path in ours if path.startswith("reference_data.")]
    words = {"id", "name", "description", "template_of"}
    # A calibrated template also carries its own model changes and range, as its file says.
    calibrated = ("model_parameters", "calibrated_range")
    made_of = {
        path
        for path in set(ours) | set(base)
        if path not in words
        and not path.startswith(("sources.", "reference_data", *calibrated))
    }
    differ = {path for path in made_of if ours.get(path) != base.get(path)}
    assert differ == set(changes), template_id
    own = load_cell(template_id).design
    assert [dataclasses.asdict(c) for c in own.model_parameters] == document.get(
        "model_parameters", []
    )
    assert (own.calibrated_range is None) == ("calibrated_range" not in document)
    for path, value in changes.items():
        assert ours[path] == pytest.approx(value), path


@pytest.mark.parametrize("info", BASE_CELLS, ids=lambda i: i.id)
def test_preset_design_is_the_parameter_set_design(info):
    """The mass budget must describe the electrodes PyBaMM simulates (templates change them
    on purpose and are checked in tests/test_cell_design_studies.py)."""
    cell = load_cell(info.id)
    values = set_values(cell.chemistry)
    for (part, field), (key, scale) in PYBAMM_DESIGN_KEYS.items():
        ours = getattr(getattr(cell.design, part), field) * scale
        assert ours == pytest.approx(_value(values, key), rel=1e-6), (part, field)
    for part in ("positive", "negative"):
        key = f"{part.capitalize()} electrode active material volume fraction"
        total = sum(
            float(values[k]) for k in values if k.endswith(key) and "Secondary" in k
        ) + _value(values, key)
        ours = getattr(cell.design, part).active_material_volume_fraction
        assert ours == pytest.approx(total, rel=1e-6), part
    for side in ("positive", "negative"):
        key = f"{side.capitalize()} current collector thickness [m]"
        ours = getattr(cell.design, f"{side}_foil_thickness_um") * 1e-6
        assert ours == pytest.approx(float(values[key]), rel=1e-6), key


def _transport_ratio(values: pybamm.ParameterValues, key: str) -> float:
    """Property at -10 °C over the property at 25 °C."""
    import inspect

    for candidate in (key, f"Primary: {key}"):
        if candidate in values:
            function = values[candidate]
            break
    if not callable(function):
        return 1.0
    # Positional arguments only: PyBaMM's BPX functions carry their constants as defaults.
    arity = sum(
        parameter.default is inspect.Parameter.empty
        for parameter in inspect.signature(function).parameters.values()
    )

    def at(temperature_k: float) -> float:
        if arity == 2:
            first = 1000.0 if key.startswith("Electrolyte") else 0.5
            args = (pybamm.Scalar(first), pybamm.Scalar(temperature_k))
        elif arity == 3:
            args = (pybamm.Scalar(0.5), pybamm.Scalar(30000.0), pybamm.Scalar(temperature_k))
        else:
            args = (pybamm.Scalar(0.5),) * (arity - 1) + (pybamm.Scalar(temperature_k),)
        symbol = values.process_symbol(function(*args))
        return float(np.asarray(symbol.evaluate()).ravel()[0])

    return at(263.15) / at(298.15)


@pytest.mark.parametrize("chemistry", list(chemistries().values()), ids=lambda c: c.id)
def test_temperature_dependence_flag_matches_the_set(chemistry):
    values = set_values(chemistry)
    ratios = [
        _transport_ratio(values, key)
        for key in (
            "Electrolyte diffusivity [m2.s-1]",
            "Electrolyte conductivity [S.m-1]",
            "Negative particle diffusivity [m2.s-1]",
            "Positive particle diffusivity [m2.s-1]",
        )
    ]
    depends = any(abs(r - 1) > 0.05 for r in ratios)
    assert depends == chemistry.fidelity.temperature_dependent_transport, ratios


@pytest.mark.slow
@pytest.mark.parametrize("chemistry", list(chemistries().values()), ids=lambda c: c.id)
def test_catalogue_capacity_and_voltage_match_a_c20_discharge(chemistry):
    """Re-measure what the catalogue states: geometry capacity and C/20 mean voltage."""
    chemistry = load_chemistry(chemistry.id)
    options = {
        "thermal": "isothermal",
        **{
            k: tuple(tuple(x) if isinstance(x, list) else x for x in v)
            if isinstance(v, list)
            else v
            for k, v in chemistry.model_options.items()
        },
    }
    model = pybamm.lithium_ion.SPMe(options=options)
    values = set_values(chemistry)
    values.set_initial_state(1.0, options=model.options)
    area_m2 = (
        values["Electrode height [m]"]
        * values["Electrode width [m]"]
        * values["Number of electrodes connected in parallel to make a cell"]
    )
    from sortie.cells.budget import FARADAY_C_PER_MOL

    # The catalogue's capacity for the set's own positive electrode.
    window = chemistry.positive_stoichiometry_at_empty - chemistry.positive_stoichiometry_at_full
    areal_ah_per_m2 = (
        FARADAY_C_PER_MOL
        * chemistry.positive_max_concentration_mol_per_m3
        * values["Positive electrode active material volume fraction"]
        * values["Positive electrode thickness [m]"]
        * window
        / 3600
    )
    current_a = areal_ah_per_m2 * area_m2 / 20
    values["Current function [A]"] = current_a
    simulation = pybamm.Simulation(model, parameter_values=values, solver=pybamm.IDAKLUSolver())
    solution = simulation.solve([0, 25 * 3600], t_interp=np.linspace(0, 25 * 3600, 400))
    assert solution.termination == "event: Minimum voltage [V]"
    capacity_ah = float(solution["Discharge capacity [A.h]"].entries[-1])
    energy_wh = float(np.trapezoid(solution["Voltage [V]"].entries * current_a, solution.t) / 3600)
    # Equilibrium (geometry) capacity vs a C/20 discharge: within 2 %, except the sodium-ion
    # lab cell, whose C/20 run still loses 3.5 % to polarisation.
    tolerance = 0.04 if chemistry.id == "nvpf-hc-chayambuka2022" else 0.02
    assert capacity_ah / area_m2 == pytest.approx(areal_ah_per_m2, rel=tolerance)
    assert energy_wh / capacity_ah == pytest.approx(chemistry.nominal_voltage_v, rel=0.02)


@pytest.mark.parametrize("chemistry", list(chemistries().values()), ids=lambda c: c.id)
def test_stoichiometry_window_and_concentrations_are_the_sets(chemistry):
    options = {
        k: tuple(tuple(x) if isinstance(x, list) else x for x in v) if isinstance(v, list) else v
        for k, v in chemistry.model_options.items()
    }
    model = pybamm.lithium_ion.SPM(options=options)
    base = set_values(chemistry)
    c_max = base["Maximum concentration in positive electrode [mol.m-3]"]
    assert chemistry.positive_max_concentration_mol_per_m3 == pytest.approx(c_max)
    assert chemistry.negative_max_concentration_mol_per_m3 == pytest.approx(
        _value(base, "Maximum concentration in negative electrode [mol.m-3]")
    )
    stoichiometries = []
    for state_of_charge in (1.0, 0.0):
        values = base.copy()
        values.set_initial_state(state_of_charge, options=model.options)
        stoichiometries.append(
            values["Initial concentration in positive electrode [mol.m-3]"] / c_max
        )
    assert chemistry.positive_stoichiometry_at_full == pytest.approx(stoichiometries[0], abs=1e-3)
    assert chemistry.positive_stoichiometry_at_empty == pytest.approx(stoichiometries[1], abs=1e-3)
