"""PyBaMM parameter values for a :class:`~sortie.models.cell_runs.ModelSpec`, with everything
that changes from run to run (the design, per-segment power, ambient and cooling, heat
capacity, interconnect resistance) made an input parameter.

- Segment start times are baked into the model as constants. With the times as input
  parameters PyBaMM integrates each sub-interval separately but passes it the whole
  ``t_interp`` grid and fails ("t_interp values must be less than the greatest t_eval").
  With constant times IDAKLU restarts exactly at each step in a single call.
- The design (thicknesses, porosities, active fractions, particle radii, electrode area) is
  input parameters too, on PyBaMM's ``SymbolicUniform1DSubMesh`` for the x and r domains
  (:func:`symbolic_submeshes`): a changed design re-solves in milliseconds instead of
  rebuilding. Against a model rebuilt with the same values it differs by < 0.05 mV (SPMe)
  and < 1 mV (DFN) at 1C.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import pybamm

from sortie.engine.balance import INITIAL_CONCENTRATION_KEYS, Balance, electrode_balance
from sortie.engine.bpx import bpx_parameter_values
from sortie.engine.modifiers import apply_changes
from sortie.models.cell_runs import DesignInputs, ModelSpec, ParameterError

CONTACT_RESISTANCE = "Contact resistance [Ohm]"
INTERCONNECT_RESISTANCE_INPUT = "Interconnect resistance [Ohm]"

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
SECONDARY_FRACTION_KEY = "Secondary: Negative electrode active material volume fraction"
# Domains whose mesh must follow a thickness or radius given as an input parameter.
_X_DOMAINS = ("negative electrode", "separator", "positive electrode")


def available_parameter_sets() -> tuple[str, ...]:
    return tuple(sorted(pybamm.parameter_sets.keys()))


@functools.cache
def _known_parameter_names() -> frozenset[str]:
    # A supplement may only add names PyBaMM already uses somewhere: `update` with
    # check_already_exists=False would silently accept a misspelt key.
    names: set[str] = {"Cell heat capacity [J.K-1.m-3]"}
    for reference in ("Chen2020", "ORegan2022", "Ecker2015"):
        names.update(pybamm.ParameterValues(reference).keys())
    return frozenset(names)


def _balanced_sum(terms: list[pybamm.Symbol]) -> pybamm.Symbol:
    # Pairwise so that long profiles do not make a deep expression tree (recursion limits).
    while len(terms) > 1:
        terms = [
            terms[i] + terms[i + 1] if i + 1 < len(terms) else terms[i]
            for i in range(0, len(terms), 2)
        ]
    return terms[0]


def _piecewise_constant(prefix: str, start_times_s: Sequence[float], t: pybamm.Symbol):
    """``v0 + sum_i (v_i - v_{i-1}) * (t >= t_i)`` with each ``v_i`` an input parameter."""
    values = [pybamm.InputParameter(f"{prefix} {i}") for i in range(len(start_times_s))]
    terms = [values[0]] + [
        (values[i] - values[i - 1]) * (t >= float(start_times_s[i]))
        for i in range(1, len(start_times_s))
    ]
    return _balanced_sum(terms)


def _design_keys(values: pybamm.ParameterValues) -> dict[str, str]:
    """PyBaMM names of the design parameters in this set (two-phase sets prefix 'Primary: ')."""
    keys = {}
    for field_name, key in DESIGN_KEYS.items():
        keys[field_name] = key if key in values else f"Primary: {key}"
        if keys[field_name] not in values:
            raise ParameterError(f"the parameter set has no '{key}'")
    if SECONDARY_FRACTION_KEY in values:
        keys["negative_secondary_active_material_volume_fraction"] = SECONDARY_FRACTION_KEY
    return keys


def _initial_state_beyond_concentrations(options: Any) -> bool:
    """Whether PyBaMM's ``set_initial_state`` sets more than the two initial concentrations
    for these model options (hysteresis branches, MSMR initial potentials)."""
    potentials = options["open-circuit potential"]
    kinds = potentials if isinstance(potentials, tuple) else (potentials,)
    flat = [k for kind in kinds for k in (kind if isinstance(kind, tuple) else (kind,))]
    return any(kind != "single" for kind in flat) or "MSMR" in str(options["particle"])


def parameter_values(
    spec: ModelSpec, options: Any
) -> tuple[pybamm.ParameterValues, dict[str, str], Balance | None]:
    """Parameter values for ``spec`` (``options``: the built model's full options), the
    names of its design parameters, and its electrode balance (None: the set's own)."""
    if spec.bpx_json is not None:
        values = bpx_parameter_values(spec.bpx_json)
    elif spec.parameter_set in pybamm.parameter_sets:
        values = pybamm.ParameterValues(spec.parameter_set)
    else:
        raise ParameterError(f"unknown PyBaMM parameter set {spec.parameter_set!r}")
    supplement = dict(spec.parameter_supplement)
    new_names = [k for k in supplement if k not in values]
    # Reading the reference sets costs ~0.1 s: only when a name is new to this set.
    unknown = sorted(k for k in new_names if k not in _known_parameter_names())
    if unknown:
        raise ParameterError(f"not a PyBaMM parameter name: {', '.join(unknown)}")
    values.update(supplement, check_already_exists=False)
    # Before the balance: a calibrated factor may change what the balance reads.
    apply_changes(values, spec.parameter_changes)
    two_phase = SECONDARY_FRACTION_KEY in values
    balance = electrode_balance(values, options, two_phase)
    design_keys = _design_keys(values)
    if balance is None or _initial_state_beyond_concentrations(options):
        # Some sets start fully discharged (Mohtat2020): set the state explicitly. This uses
        # the set's own geometry, so it must come before the design becomes an input. (Where
        # it only sets the two concentrations that each design's balance replaces, it is
        # skipped: ~0.4 s per build.)
        values.set_initial_state(spec.initial_state_of_charge, options=options)
    if balance is not None:
        # Each design's own initial stoichiometries (see Balance) are inputs.
        values.update({key: pybamm.InputParameter(key) for key in INITIAL_CONCENTRATION_KEYS})
    # The electrode-pair area: keep the set's height, the width is an input.
    values.update(
        {
            "Number of electrodes connected in parallel to make a cell": 1.0,
            "Electrode width [m]": pybamm.InputParameter("Electrode width [m]"),
            "Nominal cell capacity [A.h]": pybamm.InputParameter("Nominal cell capacity [A.h]"),
            **{key: pybamm.InputParameter(key) for key in design_keys.values()},
        }
    )
    starts = spec.segment_start_times_s
    values.update(
        {
            "Power function [W]": lambda t: _piecewise_constant("Cell power [W]", starts, t),
            "Ambient temperature [K]": lambda y, z, t: _piecewise_constant(
                "Ambient temperature [K]", starts, t
            ),
            "Initial temperature [K]": pybamm.InputParameter("Initial temperature [K]"),
            # One per segment: on the ground, in propwash, at airspeed (sortie.models.pack_thermal).
            "Total heat transfer coefficient [W.m-2.K-1]": _piecewise_constant(
                "Heat transfer coefficient [W.m-2.K-1]", starts, pybamm.t
            ),
            "Cell volume [m3]": pybamm.InputParameter("Cell volume [m3]"),
            "Cell cooling surface area [m2]": pybamm.InputParameter("Cooling area [m2]"),
            "Cell heat capacity [J.K-1.m-3]": pybamm.InputParameter(
                "Cell heat capacity [J.K-1.m-3]"
            ),
            # A function of temperature in PyBaMM; the interconnect's is taken as constant.
            CONTACT_RESISTANCE: pybamm.InputParameter(INTERCONNECT_RESISTANCE_INPUT),
        },
        check_already_exists=False,
    )
    return values, design_keys, balance


def symbolic_submeshes(model: pybamm.BaseModel) -> dict:
    """The model's submeshes, symbolic where a thickness or radius is an input parameter."""
    submeshes = dict(model.default_submesh_types)
    for domain in submeshes:
        if domain in _X_DOMAINS or ("particle" in domain and "size" not in domain):
            submeshes[domain] = pybamm.SymbolicUniform1DSubMesh
    return submeshes


def design_input_values(
    design: DesignInputs,
    design_keys: dict[str, str],
    electrode_height_m: float,
    balance: Balance | None,
    initial_state_of_charge: float,
) -> dict[str, float]:
    """A design's PyBaMM input parameters (what :func:`parameter_values` made inputs): its
    fields by their PyBaMM names, the electrode width for the set's height, the initial
    concentrations of its own electrode balance (None: the set's) and its capacity."""
    values = {key: float(getattr(design, field_name)) for field_name, key in design_keys.items()}
    values["Electrode width [m]"] = design.electrode_area_m2 / electrode_height_m
    if balance is not None:
        x_0, x_100, y_100, y_0, _ = balance.stoichiometries(design)
        soc = initial_state_of_charge
        values[INITIAL_CONCENTRATION_KEYS[0]] = (x_0 + soc * (x_100 - x_0)) * (
            balance.negative_max_concentration_mol_per_m3
        )
        values[INITIAL_CONCENTRATION_KEYS[1]] = (y_0 - soc * (y_0 - y_100)) * (
            balance.positive_max_concentration_mol_per_m3
        )
    values["Nominal cell capacity [A.h]"] = design.nominal_capacity_ah
    return values
