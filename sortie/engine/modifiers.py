"""A PyBaMM parameter changed by a factor and an extra activation energy: how a calibration's
fitted model values enter a model, as numbers (a calibrated cell) or as input parameters (a
fit in progress, sortie.engine.current_model).

An added activation energy E multiplies the set's function by
``exp(E / R (1 / T_ref - 1 / T))`` with T_ref = 298.15 K, on top of any temperature
dependence the set has: the factor is 1 at 25 °C, so a factor fitted at 25 °C and an energy
fitted from 25 °C and 45 °C tests are independent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pybamm

from sortie.models.cell_runs import ParameterError

GAS_CONSTANT_J_PER_MOL_K = 8.314462618
# The reference temperature of an added activation energy (the factor is 1 there).
REFERENCE_TEMPERATURE_K = 298.15


def modified(original: Any, factors: Sequence[Any], energies_j_per_mol: Sequence[Any]) -> Any:
    """``original`` (a number or a function of the set) times every factor and every added
    Arrhenius term. Factors and energies are numbers or PyBaMM symbols (input parameters).
    A number with an activation energy becomes a function: PyBaMM calls the functional
    parameters it is meant for (diffusivities, exchange-current densities, conductivities)
    with the temperature last, so a set without temperature dependence (Chen2020) gets one."""
    if not callable(original) and not energies_j_per_mol:
        value = original
        for factor in factors:
            value = value * factor
        return value

    def function(*args: Any) -> Any:
        if not args:
            raise ParameterError("an activation energy needs a parameter that depends on T")
        value = original(*args) if callable(original) else original
        for factor in factors:
            value = value * factor
        temperature = args[-1]  # PyBaMM passes T last to its kinetic and transport functions
        for energy in energies_j_per_mol:
            value = value * pybamm.exp(
                energy / GAS_CONSTANT_J_PER_MOL_K * (1 / REFERENCE_TEMPERATURE_K - 1 / temperature)
            )
        return value

    return function


def parameter_key(values: pybamm.ParameterValues, name: str) -> str:
    """The key of ``name`` in ``values``: two-phase sets name the first phase's parameters
    'Primary: ...'."""
    key = name if name in values else f"Primary: {name}"
    if key not in values:
        raise ParameterError(f"the parameter set has no '{name}'")
    return key


def apply_changes(
    values: pybamm.ParameterValues, changes: Sequence[tuple[str, float, float]]
) -> None:
    """Apply a calibrated cell's ``(name, factor, activation energy J/mol)`` changes to
    ``values`` in place (the engine's own fresh copy, before the design becomes inputs)."""
    for name, factor, energy_j_per_mol in changes:
        key = parameter_key(values, name)
        factors = [factor] if factor != 1.0 else []
        energies = [energy_j_per_mol] if energy_j_per_mol else []
        values[key] = modified(values[key], factors, energies)
