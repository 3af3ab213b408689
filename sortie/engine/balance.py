"""Each design's electrode balance, by PyBaMM's electrode-SOH solver.

A design's initial stoichiometries are inputs of the built model; they come from the
design's own balance (~1.2 ms, cached), with the parameter set's lithium inventory per unit
of positive capacity, so a thicker negative electrode does not create lithium. Two-phase
sets (Chen2020_composite) keep the set's own balance.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import pybamm

from sortie.models.cell_runs import DesignInputs, ParameterError

LOG = logging.getLogger(__name__)

FARADAY_C_PER_MOL = 96_485.33212
INITIAL_CONCENTRATION_KEYS = (
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

_BALANCE_KEYS = ("x_0", "x_100", "y_100", "y_0", "Q")


class BalanceSolver:
    """(x_0, x_100, y_100, y_0, Q) from PyBaMM's electrode-SOH solver, by its full solve
    alone: without the ~20 other variables and the energy integral that ``solve`` adds, and
    with the five values evaluated on the solved state from their discretised expressions
    instead of PyBaMM's processed variables (each of those builds and serialises a CasADi
    function). Each solve starts from the last one's result, as PyBaMM's own set-up does.
    ~1.2 ms a design instead of ~2.6 (PyBaMM's private steps) and ~10 (``solve``): it counts
    when every design of a sweep has its own balance. Those steps are private in PyBaMM
    26.x (:mod:`sortie.engine.private_api` checks their names), so anything unexpected goes
    through the public ``solve`` (which also retries a failed solve in two parts and explains
    an infeasible balance), and is logged (see :meth:`_log_fallback`)."""

    def __init__(self, electrode_soh: Any) -> None:
        self.electrode_soh = electrode_soh
        self.fallbacks = 0
        self._warned = False
        self._guess: dict[str, float] | None = None
        self._values: tuple[Any, ...] | None = None

    def __call__(self, inputs: dict[str, float]) -> tuple[float, ...]:
        try:
            return self._full(inputs)
        except (AttributeError, TypeError, KeyError, IndexError, pybamm.SolverError) as error:
            self._log_fallback(error)
            self._guess = None
            found = self.electrode_soh.solve(inputs)
            return tuple(float(found[key]) for key in _BALANCE_KEYS)

    def _log_fallback(self, error: Exception) -> None:
        """A solver error is this design's (the public solve retries it in two parts, or
        explains it); any other error means PyBaMM's private steps changed: a warning, the
        first time per solver (every design then takes the slow path)."""
        self.fallbacks += 1
        changed = not isinstance(error, pybamm.SolverError)
        level = logging.WARNING if changed and not self._warned else logging.INFO
        self._warned = self._warned or changed
        text = str(error).strip()
        LOG.log(
            level,
            "electrode balance: the fast path failed (%s: %s); PyBaMM's public solve used "
            "instead (about 8x slower)",
            type(error).__name__,
            text.splitlines()[0][:200] if text else "",
        )

    def _full(self, inputs: dict[str, float]) -> tuple[float, ...]:
        simulation = self.electrode_soh._get_electrode_soh_sims_full(None)
        guess = self._guess or self.electrode_soh._set_up_solve(inputs, None)
        simulation.build()
        model = simulation.built_model
        model.set_initial_conditions_from(guess, inputs=inputs)
        solution = simulation.solve([0], inputs=inputs)
        if self._values is None:
            self._values = tuple(model.get_processed_variable(key) for key in _BALANCE_KEYS)
        state = np.asarray(solution.all_ys[0])[:, -1]
        found = tuple(
            float(np.asarray(value.evaluate(0.0, state, inputs=inputs)).ravel()[0])
            for value in self._values
        )
        self._guess = dict(zip(_BALANCE_KEYS[:4], found[:4], strict=True))
        return found


@dataclass
class Balance:
    """The electrode balance of a design, by PyBaMM's electrode-SOH solver.

    The set's cyclable lithium per unit of positive capacity is kept: a design brings lithium
    with its positive electrode (as a real cell does), so a thicker negative electrode does
    not create lithium. Solutions are cached per (Q_n, Q_p).
    """

    solver: BalanceSolver
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


def electrode_balance(
    values: pybamm.ParameterValues, options: Any, two_phase: bool
) -> Balance | None:
    """Before set_initial_state: the set's lithium inventory per positive capacity (None for
    a two-phase set, which keeps its own balance)."""
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
    lithium = (
        negative * values[INITIAL_CONCENTRATION_KEYS[0]]
        + positive * values[INITIAL_CONCENTRATION_KEYS[1]]
    )
    c_n = values["Maximum concentration in negative electrode [mol.m-3]"]
    c_p = values["Maximum concentration in positive electrode [mol.m-3]"]
    # A copy: the set's values become input parameters later in the build.
    solver = BalanceSolver(
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
    return Balance(
        solver=solver,
        lithium_per_positive_capacity=k,
        negative_max_concentration_mol_per_m3=c_n,
        positive_max_concentration_mol_per_m3=c_p,
        max_full_negative_stoichiometry=max(
            MAX_FULL_NEGATIVE_STOICHIOMETRY, reference_x_100 + FULL_NEGATIVE_MARGIN
        ),
        cache={},
    )
