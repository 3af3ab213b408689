"""The PyBaMM engine: the one module in Sortie that imports PyBaMM.

Plain data in and out (:mod:`sortie.models.cell_runs`). A :class:`BuiltModel` holds one built
``pybamm.Simulation`` per :class:`~sortie.models.cell_runs.ModelSpec` (cached per process by
:func:`built_model`); every value that changes from run to run without changing the model's
structure (the design, per-segment cell power and ambient temperature, cooling, heat capacity,
temperature limit) is a PyBaMM input parameter, so a new run only re-solves, and
:meth:`BuiltModel.run_many` solves a whole list of input sets in one call on IDAKLU's threads.

Importing this module wraps ``pybamm.Symbol.to_casadi`` for the whole process; the wrapper is
PyBaMM's own except while this engine's solver sets up (:func:`_shared_casadi_conversion`).

Recipe and pitfalls: see ``docs/pybamm-notes.md``. Facts checked while writing this
(PyBaMM 26.10):
- Segment start times are baked into the model as constants. With the times as input
  parameters PyBaMM integrates each sub-interval separately but passes it the whole
  ``t_interp`` grid and fails ("t_interp values must be less than the greatest t_eval").
  With constant times IDAKLU restarts exactly at each step in a single call.
- ``"use lumped thermal capacity": "true"`` with ``Cell heat capacity [J.K-1.m-3]`` ties the
  heat capacity to Sortie's mass budget (mass x c_p / volume), which the parameter sets'
  layer densities (some placeholders) do not.
- The design (thicknesses, porosities, active fractions, particle radii, electrode area) is
  input parameters too, on PyBaMM's ``SymbolicUniform1DSubMesh`` for the x and r domains: a
  changed design re-solves in milliseconds instead of rebuilding. Against a model rebuilt with
  the same values it differs by < 0.05 mV (SPMe) and < 1 mV (DFN) at 1C.
- The pack's interconnect (strips, wires, connectors, BMS switches) is PyBaMM's own
  ``"contact resistance"`` option with ``Contact resistance [Ohm]`` an input parameter (each
  cell's share of the pack's resistance), always on so that one built model serves every
  resistance: at 0 the results are bit for bit those without the option, and it costs 0-3 %
  per solve, within the noise (ISR loiter, medians without / with: DFN ORegan2022 413 / 415
  ms, DFN Chen2020 92 / 95 ms, SPMe Chen2020 47 / 47 ms). The power is then delivered past
  the resistance ("Voltage [V]" is after its drop), and the voltage cut-off is moved back to
  the cell's own terminals (the cell's limit, not the pack terminals'). Its I^2 R heats the
  lumped cell, as PyBaMM's option does, and that is kept on purpose: in a drone pack most of
  the resistance is strips and welds on the cell terminals inside the same wrap, with almost
  no heat capacity and no way out for their heat but through the cells; the leads,
  connector and BMS outside the wrap are counted in too, which errs on the hot side.
- Each design gets its own electrode balance (PyBaMM's electrode-SOH solver, ~1.2 ms, cached):
  its initial stoichiometries are inputs too, and its lithium inventory is the set's per unit
  of positive capacity, so a thicker negative electrode does not create lithium. Two-phase
  sets (Chen2020_composite) keep the set's own balance.
- A list-of-inputs solve fails as a whole when one input set raises: an event already true at
  the start raises in post-processing, and a first input set with a single time step raises
  "Solution time vector has length 1" after every set was solved. :class:`_BatchSolver`
  turns the first into a one-step solution and keeps the solutions of the second; anything
  else that fails a list is solved again in halves, down to the one set that fails.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import tempfile
import threading
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

import casadi
import numpy as np
import pybamm

from sortie.models.cell_runs import (
    DesignInputs,
    Ending,
    ModelSpec,
    ParameterError,
    RunInputs,
    RunOutput,
    empty_output,
)
from sortie.models.compile_cache import (
    COMPILE_CACHE_VARIABLE,
    compile_cache_folder,
    compile_lock,
)

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


class _SolverJacobians:
    """Mixin for the engine's PyBaMM models: only the jacobians IDAKLU uses.

    PyBaMM's solver set-up differentiates a DAE's right-hand side on its own (for its ODE
    solvers), besides the whole system and the algebraic part, which IDAKLU uses (Newton
    steps, consistent initial states). IDAKLU never evaluates the right-hand side's own
    jacobian (PyBaMM 26.10), so it gets a structurally zero one here: ~0.3 s less of every
    DFN set-up (865 x 966 states, about half the set-up's differentiation), paid by every
    sweep worker before its first design. Models without an algebraic part are untouched:
    their right-hand side is the whole system."""

    def build_casadi_jacobian(self, expression: Any, y: Any) -> Any:
        if self.len_alg > 0 and expression.shape[0] == self.len_rhs:
            return casadi.MX(expression.shape[0], y.shape[0])
        return super().build_casadi_jacobian(expression, y)


_PYBAMM_MODEL_CLASSES = {
    "spm": pybamm.lithium_ion.SPM,
    "spme": pybamm.lithium_ion.SPMe,
    "dfn": pybamm.lithium_ion.DFN,
}
_MODEL_CLASSES = {
    # Not SPM: PyBaMM sets its defaults by comparing the model's class with SPM itself (and
    # its 45 states are differentiated in milliseconds).
    "spm": pybamm.lithium_ion.SPM,
    "spme": type("SortieSPMe", (_SolverJacobians, pybamm.lithium_ion.SPMe), {}),
    "dfn": type("SortieDFN", (_SolverJacobians, pybamm.lithium_ion.DFN), {}),
}
_BASE_OPTIONS = {
    "operating mode": "power",
    "thermal": "lumped",
    "use lumped thermal capacity": "true",
    "calculate discharge energy": "true",
    # The pack's interconnect resistance (RunInputs.interconnect_resistance_ohm).
    "contact resistance": "true",
}
CONTACT_RESISTANCE = "Contact resistance [Ohm]"
CONTACT_OVERPOTENTIAL = "Contact overpotential [V]"
INTERCONNECT_RESISTANCE_INPUT = "Interconnect resistance [Ohm]"
_ATOL = 1e-6
SOLVER_THREADS_VARIABLE = "SORTIE_SOLVER_THREADS"


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


FARADAY_C_PER_MOL = 96_485.33212
_INITIAL_KEYS = (
    "Initial concentration in negative electrode [mol.m-3]",
    "Initial concentration in positive electrode [mol.m-3]",
)


# A negative electrode lithiated beyond this at full charge has no margin for the lithium the
# positive brings (real cells keep N/P 1.05-1.2 and x_100 ~0.8-0.9): its exchange current
# tends to zero and the model's start fails at random (Chen2020 designs with x_100 > 0.999).
# A set whose own cell sits fuller (ORegan2022: 0.9997, by its OCP data) keeps its own
# balance plus FULL_NEGATIVE_MARGIN as the limit.
MAX_FULL_NEGATIVE_STOICHIOMETRY = 0.99
FULL_NEGATIVE_MARGIN = 0.005


@dataclass
class _Balance:
    """The electrode balance of a design, by PyBaMM's electrode-SOH solver.

    The set's cyclable lithium per unit of positive capacity is kept: a design brings lithium
    with its positive electrode (as a real cell does), so a thicker negative electrode does
    not create lithium. Solutions are cached per (Q_n, Q_p).
    """

    solver: _BalanceSolver
    lithium_per_positive_capacity: float
    negative_max_concentration_mol_per_m3: float
    positive_max_concentration_mol_per_m3: float
    max_full_negative_stoichiometry: float
    cache: dict

    def stoichiometries(self, design: DesignInputs) -> tuple[float, float, float, float, float]:
        """(x_0, x_100, y_100, y_0, capacity_ah) for the design."""
        negative_ah = (
            FARADAY_C_PER_MOL
            * design.negative_active_material_volume_fraction
            * design.negative_thickness_m
            * self.negative_max_concentration_mol_per_m3
            * design.electrode_area_m2
            / 3600
        )
        positive_ah = (
            FARADAY_C_PER_MOL
            * design.positive_active_material_volume_fraction
            * design.positive_thickness_m
            * self.positive_max_concentration_mol_per_m3
            * design.electrode_area_m2
            / 3600
        )
        key = (round(negative_ah, 9), round(positive_ah, 9))
        if key not in self.cache:
            inputs = {
                "Q_n": negative_ah,
                "Q_p": positive_ah,
                "Q_Li": self.lithium_per_positive_capacity * positive_ah,
            }
            try:
                self.cache[key] = self.solver(inputs)
            except (pybamm.SolverError, ValueError) as error:
                raise ParameterError(
                    f"this design's electrode balance has no solution between the cut-off "
                    f"voltages (N/P {negative_ah / positive_ah:.2f}): {str(error)[:120]}"
                ) from None
        x_100 = self.cache[key][1]
        if x_100 > self.max_full_negative_stoichiometry:
            raise ParameterError(
                f"the negative electrode is full at 100 % charge (lithiated to {x_100:.3f}, "
                f"N/P {negative_ah / positive_ah:.2f}): it cannot take the lithium this positive "
                "electrode brings (plating on charge); thin the positive or thicken the negative"
            )
        return self.cache[key]


_BALANCE_KEYS = ("x_0", "x_100", "y_100", "y_0", "Q")


class _BalanceSolver:
    """(x_0, x_100, y_100, y_0, Q) from PyBaMM's electrode-SOH solver, by its full solve
    alone: without the ~20 other variables and the energy integral that ``solve`` adds, and
    with the five values evaluated on the solved state from their discretised expressions
    instead of PyBaMM's processed variables (each of those builds and serialises a CasADi
    function). Each solve starts from the last one's result, as PyBaMM's own set-up does.
    ~1.2 ms a design instead of ~2.6 (PyBaMM's private steps) and ~10 (``solve``): it counts
    when every design of a sweep has its own balance. Those steps are private in PyBaMM
    26.x, so anything unexpected goes through the public ``solve`` (which also retries a
    failed solve in two parts and explains an infeasible balance)."""

    def __init__(self, electrode_soh: Any) -> None:
        self.electrode_soh = electrode_soh
        self._guess: dict[str, float] | None = None
        self._values: tuple[Any, ...] | None = None

    def __call__(self, inputs: dict[str, float]) -> tuple[float, ...]:
        try:
            return self._full(inputs)
        except (AttributeError, TypeError, KeyError, IndexError, pybamm.SolverError):
            self._guess = None
            found = self.electrode_soh.solve(inputs)
            return tuple(float(found[key]) for key in _BALANCE_KEYS)

    def _full(self, inputs: dict[str, float]) -> tuple[float, ...]:
        simulation = self.electrode_soh._get_electrode_soh_sims_full(None)
        guess = self._guess or self.electrode_soh._set_up_solve(inputs, None)
        simulation.build()
        model = simulation.built_model
        model.set_initial_conditions_from(guess, inputs=inputs)
        solution = simulation.solve([0], inputs=inputs)
        if self._values is None:
            self._values = tuple(
                simulation._disc.process_symbol(model.variables[key]) for key in _BALANCE_KEYS
            )
        state = np.asarray(solution.all_ys[0])[:, -1]
        found = tuple(
            float(np.asarray(value.evaluate(0.0, state, inputs=inputs)).ravel()[0])
            for value in self._values
        )
        self._guess = dict(zip(_BALANCE_KEYS[:4], found[:4], strict=True))
        return found


def _balance(values: pybamm.ParameterValues, options: Any, two_phase: bool) -> _Balance | None:
    """Before set_initial_state: the set's lithium inventory per positive capacity."""
    if two_phase:
        return None
    negative = (
        values["Negative electrode active material volume fraction"]
        * values["Negative electrode thickness [m]"]
    )
    positive = (
        values["Positive electrode active material volume fraction"]
        * values["Positive electrode thickness [m]"]
    )
    lithium = negative * values[_INITIAL_KEYS[0]] + positive * values[_INITIAL_KEYS[1]]
    c_n = values["Maximum concentration in negative electrode [mol.m-3]"]
    c_p = values["Maximum concentration in positive electrode [mol.m-3]"]
    # A copy: the set's values become input parameters later in the build.
    solver = _BalanceSolver(
        pybamm.lithium_ion.ElectrodeSOHSolver(
            values.copy(), param=pybamm.LithiumIonParameters(options), options=options
        )
    )
    k = lithium / (positive * c_p)
    try:
        # The set's own cell (per unit area: only the ratios count).
        own = solver({"Q_n": negative * c_n, "Q_p": positive * c_p, "Q_Li": k * positive * c_p})
        reference_x_100 = own[1]
    except (pybamm.SolverError, ValueError):
        reference_x_100 = 0.0
    return _Balance(
        solver=solver,
        lithium_per_positive_capacity=k,
        negative_max_concentration_mol_per_m3=c_n,
        positive_max_concentration_mol_per_m3=c_p,
        max_full_negative_stoichiometry=max(
            MAX_FULL_NEGATIVE_STOICHIOMETRY, reference_x_100 + FULL_NEGATIVE_MARGIN
        ),
        cache={},
    )


_DESIGN_KEYS = {
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
_SECONDARY_FRACTION_KEY = "Secondary: Negative electrode active material volume fraction"
# Domains whose mesh must follow a thickness or radius given as an input parameter.
_X_DOMAINS = ("negative electrode", "separator", "positive electrode")


def _design_keys(values: pybamm.ParameterValues) -> dict[str, str]:
    """PyBaMM names of the design parameters in this set (two-phase sets prefix 'Primary: ')."""
    keys = {}
    for field_name, key in _DESIGN_KEYS.items():
        keys[field_name] = key if key in values else f"Primary: {key}"
        if keys[field_name] not in values:
            raise ParameterError(f"the parameter set has no '{key}'")
    if _SECONDARY_FRACTION_KEY in values:
        keys["negative_secondary_active_material_volume_fraction"] = _SECONDARY_FRACTION_KEY
    return keys


def _initial_state_beyond_concentrations(options: Any) -> bool:
    """Whether PyBaMM's ``set_initial_state`` sets more than the two initial concentrations
    for these model options (hysteresis branches, MSMR initial potentials)."""
    potentials = options["open-circuit potential"]
    kinds = potentials if isinstance(potentials, tuple) else (potentials,)
    flat = [k for kind in kinds for k in (kind if isinstance(kind, tuple) else (kind,))]
    return any(kind != "single" for kind in flat) or "MSMR" in str(options["particle"])


def _parameter_values(
    spec: ModelSpec, options: Any
) -> tuple[pybamm.ParameterValues, dict[str, str], _Balance | None]:
    """Parameter values for ``spec`` (``options``: the built model's full options), and the
    names of its design parameters."""
    if spec.bpx_json is not None:
        values = _bpx_parameter_values(spec.bpx_json)
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
    two_phase = _SECONDARY_FRACTION_KEY in values
    balance = _balance(values, options, two_phase)
    design_keys = _design_keys(values)
    if balance is None or _initial_state_beyond_concentrations(options):
        # Some sets start fully discharged (Mohtat2020): set the state explicitly. This uses
        # the set's own geometry, so it must come before the design becomes an input. (Where
        # it only sets the two concentrations that each design's balance replaces, it is
        # skipped: ~0.4 s per build.)
        values.set_initial_state(spec.initial_state_of_charge, options=options)
    if balance is not None:
        # Each design's own initial stoichiometries (see _Balance) are inputs.
        values.update({key: pybamm.InputParameter(key) for key in _INITIAL_KEYS})
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


_bpx_scratch: tempfile.TemporaryDirectory | None = None


def _bpx_parameter_values(bpx_json: str) -> pybamm.ParameterValues:
    """PyBaMM values of a BPX document that sortie.cells.bpx_import has checked (formulas are
    arithmetic on x with exp/tanh/cosh only). PyBaMM writes one temporary file per formula:
    they go to a scratch folder of this process, removed at exit."""
    global _bpx_scratch
    if _bpx_scratch is None:
        _bpx_scratch = tempfile.TemporaryDirectory(prefix="sortie-bpx-")
    previous = tempfile.tempdir
    tempfile.tempdir = _bpx_scratch.name
    try:
        document = json.loads(bpx_json)
        cell = document["Parameterisation"]["Cell"]
        # PyBaMM requires these although BPX marks them optional; Sortie sets both per run.
        cell.setdefault("External surface area [m2]", 1.0)
        cell.setdefault("Volume [m3]", 1.0)
        return pybamm.ParameterValues.create_from_bpx_obj(document)
    finally:
        tempfile.tempdir = previous


def _symbolic_submeshes(model: pybamm.BaseModel) -> dict:
    submeshes = dict(model.default_submesh_types)
    for domain in submeshes:
        if domain in _X_DOMAINS or ("particle" in domain and "size" not in domain):
            submeshes[domain] = pybamm.SymbolicUniform1DSubMesh
    return submeshes


def _at_cell_terminals(event: pybamm.Event, model: pybamm.BaseModel) -> pybamm.Event:
    """The minimum-voltage event on the cell's own terminals: PyBaMM puts it after the
    contact resistance, which here is the pack's interconnect, not part of the cell."""
    if event.name != MINIMUM_VOLTAGE_EVENT:
        return event
    return pybamm.Event(
        event.name, event.expression + model.variables[CONTACT_OVERPOTENTIAL], event.event_type
    )


class _SharedConversion(threading.local):
    """Where the symbols converted to CasADi in this thread are kept while a solver sets up
    (see :func:`_shared_casadi_conversion`): one cache per set of CasADi symbols (t, y,
    y_dot, inputs), those symbols kept alive with it so their ids stay theirs."""

    caches: dict[tuple[int, int, int, int], tuple[tuple, dict]] | None = None


_SHARED = _SharedConversion()
_PYBAMM_TO_CASADI = pybamm.Symbol.to_casadi


def _to_casadi(
    self: pybamm.Symbol,
    t: Any = None,
    y: Any = None,
    y_dot: Any = None,
    inputs: dict | None = None,
    casadi_symbols: dict | None = None,
) -> Any:
    """PyBaMM's ``Symbol.to_casadi``, with one cache of converted symbols shared by every
    call on the same CasADi symbols while :func:`_shared_casadi_conversion` is active in this
    thread (a call that brings its own cache keeps it)."""
    caches = _SHARED.caches
    if casadi_symbols is None and caches is not None:
        key = (id(t), id(y), id(y_dot), id(inputs))
        if key not in caches:
            caches[key] = ((t, y, y_dot, inputs), {})
        casadi_symbols = caches[key][1]
    return _PYBAMM_TO_CASADI(self, t, y, y_dot, inputs, casadi_symbols)


# Installed once, for the whole process: outside a shared conversion it is PyBaMM's own.
pybamm.Symbol.to_casadi = _to_casadi


@contextlib.contextmanager
def _shared_casadi_conversion() -> Iterator[None]:
    """While a solver sets up, every expression PyBaMM converts to CasADi on the same
    symbols shares one cache of converted subexpressions: PyBaMM converts the right-hand
    side, the algebraic part, the two joined, the events and the output variables one by
    one, each from scratch, though they share most of their tree (``to_casadi`` takes such
    a cache, PyBaMM's set-up passes none). DFN: the set-up 0.66-0.69 s instead of
    0.96-1.09 s, the same rows to the last bit (the algebraic part 22 ms instead of ~95, the
    joined system 235-261 ms instead of 356-386, the heating output 9-11 ms instead of
    67-107)."""
    outer = _SHARED.caches
    _SHARED.caches = {} if outer is None else outer
    try:
        yield
    finally:
        _SHARED.caches = outer


def _as_sx(function: Any) -> Any:
    """``function`` as a CasADi SX function (scalar operations), or unchanged where it is not
    an MX function or cannot be expanded (kept as it is: slower, never wrong)."""
    if not isinstance(function, casadi.Function) or not function.is_a("MXFunction"):
        return function
    try:
        return function.expand()
    except RuntimeError:
        return function


class _ScalarFunctions(pybamm.BaseSolver):
    """Sits between IDAKLU's and PyBaMM's base ``set_up`` (see :class:`_BatchSolver`'s
    bases): once PyBaMM has turned the model into CasADi MX functions, and before IDAKLU
    hands them to its C++ core, they become SX functions. CasADi's MX virtual machine spends
    most of a solve on matrix-node overhead (a DFN mission: ~80 % in ``MXFunction::eval`` and
    ``Multiplication::eval_kernel``, by perf); the SX machine runs the same operations as a
    flat list of scalar instructions. Same results, to rounding; a DFN re-solve ~3x faster
    (ISR loiter, Chen2020: 142 -> 47 ms), SPMe ~1.4x, for ~0.1-0.3 s once per build.

    A compiled solver (``options["compile"]``) compiles these SX functions (PyBaMM's AOT
    compile, gcc -O3): the DFN mission above, sweep settings, 25 ms per design instead of
    55 ms on the SX machine, for a compile of ~80 s once per model structure (the MX
    functions took 185 s on a twice faster machine, for ~1.8x).

    PyBaMM's conversion to CasADi runs with one shared cache of converted subexpressions
    (:func:`_shared_casadi_conversion`): ~0.3 s less of a DFN set-up."""

    #: False keeps PyBaMM's MX functions (comparisons and benchmarks; slower, same results).
    scalar_functions: bool = True

    def set_up(self, model: Any, inputs: Any = None, t_eval: Any = None, ics_only: bool = False):
        if not self.scalar_functions:
            return super().set_up(model, inputs, t_eval, ics_only)
        with _shared_casadi_conversion():
            result = super().set_up(model, inputs, t_eval, ics_only)
        if not ics_only:
            model.rhs_algebraic_eval = _as_sx(model.rhs_algebraic_eval)
            model.jac_rhs_algebraic_eval = _as_sx(model.jac_rhs_algebraic_eval)
            if self._options["compile"]:
                # Compiled as before (the compile cache holds it so); uncompiled, the
                # Jacobian-vector product stays MX: only IDA's iterative linear solvers call
                # it, never KLU, and its expansion and hand-over cost ~0.15 s per build.
                model.jac_rhs_algebraic_action_eval = _as_sx(model.jac_rhs_algebraic_action_eval)
            model.algebraic_eval = _as_sx(model.algebraic_eval)
            model.jac_algebraic_eval = _as_sx(model.jac_algebraic_eval)
            model.terminate_events_eval = [_as_sx(e) for e in model.terminate_events_eval]
        return result


class _BatchSolver(pybamm.IDAKLUSolver, _ScalarFunctions):
    """IDAKLU with per-input-set records instead of batch-wide effects: an event already true
    at the start gives a one-step solution (PyBaMM raises for the whole list), each
    solution's extrapolation warnings are kept in solution order, and so are the finished
    solutions (PyBaMM drops them all when the first has a single step). ``compile_name``
    names the model for :func:`~sortie.models.compile_cache.compile_lock` when it compiles."""

    def __init__(
        self, *, scalar_functions: bool = True, compile_name: str = "model", **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.scalar_functions = scalar_functions
        self.compile_name = compile_name
        self.extrapolations: list[tuple[str, ...]] = []
        self.finished: list[Any] = []

    def set_up(self, model: Any, inputs: Any = None, t_eval: Any = None, ics_only: bool = False):
        if ics_only or not self._options["compile"]:
            return super().set_up(model, inputs, t_eval, ics_only)
        with compile_lock(self.compile_name):
            return super().set_up(model, inputs, t_eval, ics_only)

    def start_batch(self) -> None:
        self.extrapolations = []
        self.finished = []

    def _check_event_violation_post_solve(self, *args: Any, **kwargs: Any) -> None:
        return None

    def check_extrapolation(self, solution: Any, events: Any) -> None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            super().check_extrapolation(solution, events)
        self.extrapolations.append(_warning_texts(caught))

    def get_termination_reason(self, solution: Any, events: Any) -> tuple[Any, str]:
        found = super().get_termination_reason(solution, events)
        self.finished.append(found[0])
        return found


_INPUT_SET = re.compile(r"^input set (\d+): ")
_SINGLE_STEP = "time vector has length 1"


class BuiltModel:
    """One built PyBaMM model for a :class:`ModelSpec`, solved as often as needed.

    Not thread-safe underneath (a built Simulation gave wrong results when shared by two
    threads), so every solve holds this object's lock. ``solver_threads`` is IDAKLU's number of
    threads for a list of input sets; ``pybamm_set_up=True`` keeps PyBaMM's solver set-up as
    it is, MX functions and every jacobian (see :class:`_ScalarFunctions` and
    :class:`_SolverJacobians`: for comparisons, slower).
    """

    def __init__(
        self, spec: ModelSpec, solver_threads: int = 1, *, pybamm_set_up: bool = False
    ) -> None:
        if spec.model not in _MODEL_CLASSES:
            raise ParameterError(
                f"unknown model {spec.model!r}; choose from {sorted(_MODEL_CLASSES)}"
            )
        self.spec = spec
        self.solver_threads = solver_threads
        self._lock = threading.Lock()
        options = {**_BASE_OPTIONS, **dict(spec.model_options)}
        classes = _PYBAMM_MODEL_CLASSES if pybamm_set_up else _MODEL_CLASSES
        model = classes[spec.model](options=options)
        # Missions only discharge (powers >= 0): a full cell sits exactly on the maximum
        # voltage, and that event then fires at t = 0 for some designs (or at zero power).
        model.events = [
            _at_cell_terminals(e, model) for e in model.events if e.name != MAXIMUM_VOLTAGE_EVENT
        ]
        temperature = model.variables[TEMPERATURE]
        model.events.append(
            pybamm.Event(
                MAXIMUM_TEMPERATURE_EVENT,
                pybamm.InputParameter("Maximum temperature [K]") - temperature,
            )
        )
        if spec.compiled:
            # PyBaMM reads only its variable, and defaults to the temporary folder: the
            # user's cache folder keeps a compile across reboots (workers inherit it).
            os.environ.setdefault(COMPILE_CACHE_VARIABLE, str(compile_cache_folder()))
        self._solver = _BatchSolver(
            scalar_functions=not pybamm_set_up,
            compile_name=hashlib.sha1(repr(spec).encode(), usedforsecurity=False).hexdigest()[:16],
            rtol=spec.relative_tolerance,
            atol=_ATOL,
            output_variables=list(OUTPUT_VARIABLES),
            # Failures come back as partial solutions with a warning naming the input set.
            on_failure="warn",
            options={
                "num_threads": solver_threads,
                "compile": spec.compiled,
                # 0: IDA chooses (PyBaMM's default).
                "dt_init": spec.initial_step_s,
                "suppress_algebraic_error": spec.suppress_algebraic_error,
            },
        )
        # Setting the initial state solves an electrode-SOH model, which may warn (e.g. OCP
        # extrapolation): keep those with the results instead of printing them.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            values, self._design_keys, self._balance = _parameter_values(spec, model.options)
            self._simulation = pybamm.Simulation(
                model,
                parameter_values=values,
                submesh_types=_symbolic_submeshes(model),
                solver=self._solver,
            )
            self._simulation.build()
        self.build_warnings = _warning_texts(caught)
        self._electrode_height_m = float(values["Electrode height [m]"])

    def input_values(self, inputs: RunInputs) -> dict[str, float]:
        """The PyBaMM input parameters of one run. Raises :class:`ParameterError` for a design
        without an electrode balance or with a phase the chemistry lacks."""
        design = inputs.design
        secondary = design.negative_secondary_active_material_volume_fraction
        if secondary > 0 and "negative_secondary_active_material_volume_fraction" not in (
            self._design_keys
        ):
            raise ParameterError("this chemistry has no secondary negative phase")
        values = {
            key: float(getattr(design, field_name)) for field_name, key in self._design_keys.items()
        }
        values["Electrode width [m]"] = design.electrode_area_m2 / self._electrode_height_m
        if self._balance is not None:
            x_0, x_100, y_100, y_0, _ = self._balance.stoichiometries(design)
            soc = self.spec.initial_state_of_charge
            values[_INITIAL_KEYS[0]] = (x_0 + soc * (x_100 - x_0)) * (
                self._balance.negative_max_concentration_mol_per_m3
            )
            values[_INITIAL_KEYS[1]] = (y_0 - soc * (y_0 - y_100)) * (
                self._balance.positive_max_concentration_mol_per_m3
            )
        values["Nominal cell capacity [A.h]"] = design.nominal_capacity_ah
        values |= {
            "Initial temperature [K]": inputs.initial_temperature_k,
            "Maximum temperature [K]": inputs.max_temperature_k,
            "Cell volume [m3]": inputs.cell_volume_m3,
            "Cooling area [m2]": inputs.cooling_area_m2,
            "Cell heat capacity [J.K-1.m-3]": inputs.volumetric_heat_capacity_j_per_m3_k,
            INTERCONNECT_RESISTANCE_INPUT: inputs.interconnect_resistance_ohm,
        }
        segments = len(self.spec.segment_start_times_s)
        per_segment = (
            inputs.cell_power_w,
            inputs.ambient_k,
            inputs.heat_transfer_coefficient_w_per_m2_k,
        )
        if any(len(values_) != segments for values_ in per_segment):
            raise ValueError("one power, ambient and heat transfer coefficient per segment")
        for i, (power, ambient, cooling) in enumerate(zip(*per_segment, strict=True)):
            values[f"Cell power [W] {i}"] = float(power)
            values[f"Ambient temperature [K] {i}"] = float(ambient)
            values[f"Heat transfer coefficient [W.m-2.K-1] {i}"] = float(cooling)
        return values

    def capacity_ah(self, design: DesignInputs) -> float | None:
        """Capacity between the cut-offs by the design's electrode balance (None for a
        two-phase set, which keeps the reference balance)."""
        if self._balance is None:
            return None
        return self._balance.stoichiometries(design)[4]

    def run(self, inputs: RunInputs, time_grid_s: np.ndarray) -> RunOutput:
        """Fly one profile on one cell (see :meth:`run_many`)."""
        return self.run_many([inputs], time_grid_s)[0]

    def run_many(
        self, inputs_list: Sequence[RunInputs], time_grid_s: np.ndarray
    ) -> list[RunOutput]:
        """Solve every input set in one call; one output per input set, in order, failures
        included. ``time_grid_s`` is where outputs are reported (it does not steer the
        solver); it must start at 0 and end at the profile's end, the same for all."""
        outputs: list[RunOutput | None] = [None] * len(inputs_list)
        solvable: list[tuple[int, dict[str, float]]] = []
        for index, inputs in enumerate(inputs_list):
            try:
                solvable.append((index, self.input_values(inputs)))
            except ParameterError as error:
                outputs[index] = empty_output(
                    Ending.INVALID_DESIGN, str(error), warnings=self.build_warnings
                )
        grid = np.asarray(time_grid_s, dtype=float)
        with self._lock:
            solved = self._solve_all([values for _, values in solvable], grid)
        for (index, _), output in zip(solvable, solved, strict=True):
            capacity = self.capacity_ah(inputs_list[index].design)
            outputs[index] = _with_capacity(output, capacity)
        return [output for output in outputs if output is not None]

    def _solve_all(self, inputs: list[dict[str, float]], grid: np.ndarray) -> list[RunOutput]:
        """PyBaMM's list solve, split where PyBaMM fails a list for one input set."""
        if not inputs:
            return []
        try:
            return self._solve_list(inputs, grid)
        except pybamm.SolverError as error:
            if len(inputs) == 1:
                return [empty_output(Ending.NO_START, _first_line(str(error)))]
            half = len(inputs) // 2
            return self._solve_all(inputs[:half], grid) + self._solve_all(inputs[half:], grid)

    def _solve_list(self, inputs: list[dict[str, float]], grid: np.ndarray) -> list[RunOutput]:
        self._solver.start_batch()
        end_time_s = float(grid[-1])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                found = self._simulation.solve([0.0, end_time_s], t_interp=grid, inputs=inputs)
            except pybamm.SolverError as error:
                # Raised after every set was solved when the first took a single step.
                if _SINGLE_STEP not in str(error) or len(self._solver.finished) != len(inputs):
                    raise
                found = list(self._solver.finished)
        solutions = found if isinstance(found, list) else [found]
        failures: dict[int, str] = {}
        general: list[str] = []
        for text in _warning_texts(caught):
            match = _INPUT_SET.match(text)
            if match:
                failures[int(match.group(1))] = text[match.end() :]
            elif "partial solution" not in text:
                general.append(text)
        # The last call per solution is the one after the solve (consistent-state roots may
        # have been checked before).
        extrapolations = self._solver.extrapolations[-len(solutions) :]
        outputs = []
        for index, solution in enumerate(solutions):
            extra = extrapolations[index] if index < len(extrapolations) else ()
            notes = tuple(dict.fromkeys((*self.build_warnings, *general, *extra)))
            resistance_ohm = inputs[index][INTERCONNECT_RESISTANCE_INPUT]
            volume_m3 = inputs[index]["Cell volume [m3]"]
            outputs.append(
                _output(
                    solution, end_time_s, failures.get(index, ""), notes, resistance_ohm, volume_m3
                )
            )
        return outputs


def cumulative_trapezoid(values: np.ndarray, time_s: np.ndarray) -> np.ndarray:
    """The running integral of ``values`` over ``time_s``, from 0 at the first time."""
    steps = 0.5 * (values[1:] + values[:-1]) * np.diff(time_s)
    return np.concatenate([[0.0], np.cumsum(steps)])


def _output(
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
                _first_line(failure) or "no consistent initial state",
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
        message=_first_line(failure) if ending is Ending.SOLVER_FAILURE else "",
        event=event if ending is Ending.MODEL_EVENT else "",
        warnings=notes,
    )


def _with_capacity(output: RunOutput, capacity_ah: float | None) -> RunOutput:
    import dataclasses

    return dataclasses.replace(output, capacity_ah=capacity_ah)


def _first_line(text: str) -> str:
    """First line of a PyBaMM message, without its dump of every input value."""
    if not text.strip():
        return ""
    line = text.strip().splitlines()[0].split(" with inputs")[0]
    return line.removesuffix(", returning a partial solution.")[:200]


def default_solver_threads() -> int:
    """IDAKLU threads per process (``SORTIE_SOLVER_THREADS``, default 1: worker processes
    share the cores)."""
    configured = os.environ.get(SOLVER_THREADS_VARIABLE)
    return max(1, int(configured)) if configured else 1


_build_lock = threading.Lock()


@functools.lru_cache(maxsize=64)
def _cached_model(spec: ModelSpec, solver_threads: int) -> BuiltModel:
    return BuiltModel(spec, solver_threads)


def built_model(spec: ModelSpec, solver_threads: int | None = None) -> BuiltModel:
    """The process's built model for ``spec`` (built on first use, then kept: up to 64)."""
    threads = solver_threads or default_solver_threads()
    with _build_lock:
        return _cached_model(spec, threads)


def built_model_count() -> int:
    """How many distinct models are built and kept (for tests and benchmarks)."""
    return _cached_model.cache_info().currsize


def clear_cache() -> None:
    _cached_model.cache_clear()


def _warning_texts(caught: list[warnings.WarningMessage]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for item in caught:
        if issubclass(item.category, DeprecationWarning):
            continue
        seen.setdefault(str(item.message).strip().splitlines()[0][:300], None)
    return tuple(seen)
