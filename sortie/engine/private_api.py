"""What the engine takes from PyBaMM beyond its documented interface, checked at start.

For speed the engine overrides or calls a few of PyBaMM's private or undocumented names
(each entry of :data:`PRIVATE_NAMES` says where and why). A PyBaMM release may change any of
them without notice; the pin (``pybamm~=26.10.1``) keeps to the tested minor, and
:func:`check` makes the engine refuse to run, with one line naming what changed, instead of
solving on silently wrong (or silently slow) paths. It runs when :mod:`sortie.engine` is
first imported: a few ``inspect.signature`` calls, well under a millisecond.

``tests/test_engine_private_api.py`` checks the same list, and what only a built model can
show (attributes PyBaMM sets on a model while its solver sets up).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from enum import StrEnum
from types import ModuleType

#: The PyBaMM minor release the engine was written and measured against.
TESTED_PYBAMM_MINOR = "26.10"


class Kind(StrEnum):
    FUNCTION = "function"
    STATIC_METHOD = "static method"
    PROPERTY = "property"


@dataclass(frozen=True)
class PrivateName:
    """One name of PyBaMM's the engine relies on: ``owner`` is a dotted path below
    ``pybamm`` (``"lithium_ion.ElectrodeSOHSolver"``), ``parameters`` the parameter names in
    order (``None`` for a property), ``used_by`` the engine module that relies on it."""

    owner: str
    name: str
    kind: Kind
    parameters: tuple[str, ...] | None
    used_by: str

    @property
    def shown(self) -> str:
        return f"pybamm.{self.owner}.{self.name}"


_SET_UP = ("self", "model", "inputs", "t_eval", "ics_only")

PRIVATE_NAMES: tuple[PrivateName, ...] = (
    # Wrapped to share one cache of converted subexpressions while a solver sets up.
    PrivateName(
        "Symbol",
        "to_casadi",
        Kind.FUNCTION,
        ("self", "t", "y", "y_dot", "inputs", "casadi_symbols"),
        "casadi_conversion",
    ),
    # Wrapped, and called by the wrapper: a 1-D cubic interpolant as a call CasADi keeps
    # whole when it expands to scalar functions (casadi_conversion.spline_function).
    PrivateName(
        "Interpolant",
        "_to_casadi",
        Kind.FUNCTION,
        ("self", "t", "y", "y_dot", "inputs", "casadi_symbols"),
        "casadi_conversion",
    ),
    PrivateName(
        "Symbol",
        "_children_to_casadi",
        Kind.FUNCTION,
        ("self", "t", "y", "y_dot", "inputs", "casadi_symbols"),
        "casadi_conversion",
    ),
    PrivateName(
        "Interpolant", "_cubic_to_casadi", Kind.FUNCTION, ("self", "converted_children"),
        "casadi_conversion",
    ),
    PrivateName(
        "Interpolant", "_function_diff", Kind.FUNCTION, ("self", "children", "idx"),
        "casadi_conversion",
    ),
    # Overridden between IDAKLU's and the base solver's set-up (scalar functions).
    PrivateName("BaseSolver", "set_up", Kind.FUNCTION, _SET_UP, "solver"),
    PrivateName("IDAKLUSolver", "set_up", Kind.FUNCTION, _SET_UP, "solver"),
    # Overridden: one input set whose events hold at the start must not fail the batch.
    PrivateName(
        "IDAKLUSolver",
        "_check_event_violation_post_solve",
        Kind.FUNCTION,
        ("self", "args", "kwargs"),
        "solver",
    ),
    # Overridden to record each finished solution (kept when PyBaMM fails the list after).
    PrivateName(
        "BaseSolver",
        "get_termination_reason",
        Kind.STATIC_METHOD,
        ("solution", "events"),
        "solver",
    ),
    # Overridden to keep each solution's extrapolation warnings in solution order.
    PrivateName(
        "BaseSolver", "check_extrapolation", Kind.FUNCTION, ("self", "solution", "events"), "solver"
    ),
    PrivateName("IDAKLUSolver", "options", Kind.PROPERTY, None, "solver"),
    # Overridden: no jacobian for a DAE's right-hand side alone (IDAKLU never uses it).
    PrivateName(
        "BaseModel", "build_casadi_jacobian", Kind.FUNCTION, ("self", "expression", "y"), "solver"
    ),
    PrivateName("BaseModel", "concatenated_rhs", Kind.PROPERTY, None, "solver"),
    # The electrode balance's fast path: the full electrode-SOH simulation alone (the
    # instance's ``_get_electrode_soh_sims_full`` caches this method) and its first guess.
    PrivateName(
        "lithium_ion.ElectrodeSOHSolver",
        "_ElectrodeSOHSolver__get_electrode_soh_sims_full",
        Kind.FUNCTION,
        ("self", "direction"),
        "balance",
    ),
    PrivateName(
        "lithium_ion.ElectrodeSOHSolver",
        "_set_up_solve",
        Kind.FUNCTION,
        ("self", "inputs", "direction"),
        "balance",
    ),
)


class PyBammMismatchError(RuntimeError):
    """The installed PyBaMM is not the one the engine was written against."""


def _owner(pybamm: ModuleType, path: str) -> object | None:
    found: object | None = pybamm
    for part in path.split("."):
        found = getattr(found, part, None)
    return found


def mismatch(pybamm: ModuleType, entry: PrivateName) -> str | None:
    """What is wrong with ``entry`` in this PyBaMM, or None."""
    owner = _owner(pybamm, entry.owner)
    if owner is None:
        return f"pybamm.{entry.owner} is missing"
    try:
        found = inspect.getattr_static(owner, entry.name)
    except AttributeError:
        return f"{entry.shown} is missing"
    if entry.kind is Kind.PROPERTY:
        return None if isinstance(found, property) else f"{entry.shown} is no longer a property"
    if entry.kind is Kind.STATIC_METHOD and not isinstance(found, staticmethod):
        return f"{entry.shown} is no longer a static method"
    if entry.kind is Kind.FUNCTION and not inspect.isfunction(found):
        return f"{entry.shown} is no longer a plain method"
    parameters = tuple(inspect.signature(getattr(owner, entry.name)).parameters)
    if parameters != entry.parameters:
        return f"{entry.shown} takes ({', '.join(parameters)}), not ({', '.join(entry.parameters)})"
    return None


def mismatches(pybamm: ModuleType) -> list[str]:
    """Everything in this PyBaMM that differs from what the engine relies on (empty: none)."""
    found = [] if pybamm.__version__.startswith(f"{TESTED_PYBAMM_MINOR}.") else [
        f"PyBaMM {pybamm.__version__} is installed, the engine is tested on {TESTED_PYBAMM_MINOR}"
    ]
    return found + [m for entry in PRIVATE_NAMES if (m := mismatch(pybamm, entry)) is not None]


def check(pybamm: ModuleType) -> None:
    """Raise :class:`PyBammMismatchError` (one line) unless this PyBaMM is the tested one."""
    found = mismatches(pybamm)
    if found:
        raise PyBammMismatchError(
            "Sortie's engine refuses to run on this PyBaMM: "
            + "; ".join(found)
            + f" (install pybamm~={TESTED_PYBAMM_MINOR}.1, see docs/pybamm-notes.md)"
        )
