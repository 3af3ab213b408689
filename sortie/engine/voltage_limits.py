"""A chemistry's voltage window, read from its PyBaMM parameter set (or BPX document): the
lower and upper cut-off of one cell. The flight controller's full-cell voltage is the upper
cut-off (a charger's end-of-charge voltage: 4.2 V for NMC/NCA graphite, 3.6-3.65 V for LFP)."""

from __future__ import annotations

import functools

from sortie.cells.chemistry import Chemistry

LOWER_CUTOFF_KEY = "Lower voltage cut-off [V]"
UPPER_CUTOFF_KEY = "Upper voltage cut-off [V]"
# The set's rested voltage of a full cell, where it gives one (PyBaMM's electrode balance
# charges to it); else the upper cut-off.
FULL_OCV_KEY = "Open-circuit voltage at 100% SOC [V]"


def cell_voltage_window_v(chemistry: Chemistry) -> tuple[float, float]:
    """(lower cut-off, full) voltage of one cell [V] of ``chemistry`` (its supplement
    applied): the full voltage is the set's open-circuit voltage at 100 % state of charge,
    else its upper cut-off. Raises :class:`ValueError` when the set has no window."""
    supplement = tuple(sorted(chemistry.parameter_supplement.items()))
    return _window_v(chemistry.parameter_set, chemistry.bpx_json, supplement)


@functools.lru_cache(maxsize=32)
def _window_v(
    parameter_set: str, bpx_json: str | None, supplement: tuple[tuple[str, float], ...]
) -> tuple[float, float]:
    import warnings

    import pybamm

    if bpx_json is not None:
        from sortie.engine.bpx import bpx_parameter_values

        with warnings.catch_warnings():  # "OCV at 0 % SOC not found": the cut-off is used
            warnings.simplefilter("ignore", UserWarning)
            values = bpx_parameter_values(bpx_json)
    else:
        values = pybamm.ParameterValues(parameter_set)
    found = dict(supplement)
    try:
        lower = float(found.get(LOWER_CUTOFF_KEY, values[LOWER_CUTOFF_KEY]))
        upper = float(found.get(UPPER_CUTOFF_KEY, values[UPPER_CUTOFF_KEY]))
        if FULL_OCV_KEY in values or FULL_OCV_KEY in found:
            upper = min(upper, float(found.get(FULL_OCV_KEY, values[FULL_OCV_KEY])))
    except KeyError as error:
        raise ValueError(f"{parameter_set}: no voltage cut-off ({error})") from None
    if not 0 < lower < upper:
        raise ValueError(f"{parameter_set}: cut-offs {lower:g} V and {upper:g} V are no window")
    return lower, upper
