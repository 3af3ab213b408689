"""One cache of converted subexpressions while the engine's solver sets up.

PyBaMM's solver set-up converts the right-hand side, the algebraic part, the two joined, the
events and the output variables to CasADi one by one, each from scratch, though they share
most of their tree (``Symbol.to_casadi`` takes such a cache, ``casadi_symbols``; PyBaMM's
set-up passes none). :func:`install` wraps ``pybamm.Symbol.to_casadi`` once for the process:
outside :func:`shared_conversion` the wrapper is PyBaMM's own call; inside it, in this
thread, every conversion on the same CasADi symbols (t, y, y_dot, inputs) shares one cache.
DFN: the set-up 0.66-0.69 s instead of 0.96-1.09 s, the same rows to the last bit (the
algebraic part 22 ms instead of ~95, the joined system 235-261 ms instead of 356-386, the
heating output 9-11 ms instead of 67-107).

Inside it, a 1-D cubic interpolant (:func:`spline_function`) becomes a call to a CasADi
function kept whole (``never_inline``) with its derivative as its jacobian, instead of
PyBaMM's B-spline node inlined into the expression. CasADi's B-spline node has no scalar
(SX) form, so one such interpolant kept a whole model on the slow MX machine
(:func:`as_sx` gave up): OKane2022's graphite OCP is one (255 points), so every ageing solve
ran on MX. As a call the rest expands, and the spline is evaluated by the same B-spline, the
same values and derivatives to rounding: a DFN sortie cycle on OKane2022 1.17 s instead of
3.04 s (``benchmarks/bench_life_cycle.py``).

:func:`converted` then tells which PyBaMM symbol a CasADi expression came from: the solver
recognises the right-hand side's jacobian by that, not by its size.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

import casadi
import numpy as np
import pybamm

from sortie.engine import private_api, process_state


class _SharedConversion(threading.local):
    """The symbols converted in this thread while a solver sets up: one cache per set of
    CasADi symbols (t, y, y_dot, inputs), those symbols kept alive with it so their ids stay
    theirs."""

    caches: dict[tuple[int, int, int, int], tuple[tuple, dict]] | None = None


_SHARED = _SharedConversion()
# PyBaMM's own to_casadi and Interpolant._to_casadi, kept by install().
_pybamm_to_casadi: Callable[..., Any] | None = None
_pybamm_interpolant_to_casadi: Callable[..., Any] | None = None


def _to_casadi(
    self: pybamm.Symbol,
    t: Any = None,
    y: Any = None,
    y_dot: Any = None,
    inputs: dict | None = None,
    casadi_symbols: dict | None = None,
) -> Any:
    """PyBaMM's ``Symbol.to_casadi``, with one cache of converted symbols shared by every
    call on the same CasADi symbols while :func:`shared_conversion` is active in this thread
    (a call that brings its own cache keeps it)."""
    caches = _SHARED.caches
    if casadi_symbols is None and caches is not None:
        key = (id(t), id(y), id(y_dot), id(inputs))
        if key not in caches:
            caches[key] = ((t, y, y_dot, inputs), {})
        casadi_symbols = caches[key][1]
    assert _pybamm_to_casadi is not None  # installed before it can be reached
    return _pybamm_to_casadi(
        self, t=t, y=y, y_dot=y_dot, inputs=inputs, casadi_symbols=casadi_symbols
    )


def spline_function(interpolant: pybamm.Interpolant) -> casadi.Function:
    """A 1-D, scalar-valued cubic ``interpolant`` (differentiated at most once) as a CasADi
    function of one scalar, kept whole when a caller expands to SX (``never_inline``), its
    jacobian the interpolant's derivative, kept whole too. IDAKLU needs no second derivative
    and none is provided (CasADi would raise asked for one). Called on a column it is
    evaluated point by point. The same B-spline as PyBaMM's conversion (its
    ``_cubic_to_casadi``), the derivative taken as PyBaMM takes it (``_function_diff``)."""
    x = casadi.MX.sym("x")
    derivative = interpolant._function_diff(interpolant.children, 0)
    jacobian = casadi.Function(
        f"jac_{interpolant.name}",
        [x, casadi.MX.sym("value")],
        [derivative._cubic_to_casadi([x])],
        {"never_inline": True},
    )
    return casadi.Function(
        interpolant.name,
        [x],
        [interpolant._cubic_to_casadi([x])],
        {"never_inline": True, "custom_jacobian": jacobian, "jac_penalty": 0},
    )


def _as_spline_call(interpolant: pybamm.Interpolant) -> bool:
    """Whether the engine converts ``interpolant`` as :func:`spline_function`: 1-D cubic,
    scalar-valued (a table of several outputs would need a jacobian of that shape), at most
    once differentiated (its derivative must still be a spline CasADi evaluates)."""
    return (
        interpolant.interpolator == "cubic"
        and interpolant.dimension == 1
        and np.ndim(interpolant.y) == 1
        and interpolant._num_derivatives < 2
    )


def _interpolant_to_casadi(
    self: pybamm.Interpolant, t: Any, y: Any, y_dot: Any, inputs: dict, casadi_symbols: dict
) -> Any:
    """PyBaMM's ``Interpolant._to_casadi``, except inside :func:`shared_conversion` in this
    thread, where one :func:`_as_spline_call` becomes a call to :func:`spline_function`."""
    assert _pybamm_interpolant_to_casadi is not None  # installed before it can be reached
    if _SHARED.caches is None or not _as_spline_call(self):
        return _pybamm_interpolant_to_casadi(self, t, y, y_dot, inputs, casadi_symbols)
    (child,) = self._children_to_casadi(t, y, y_dot, inputs, casadi_symbols)
    return spline_function(self)(child)


def _check(owner: str, name: str) -> None:
    """Raise unless PyBaMM's ``owner.name`` is as :data:`private_api.PRIVATE_NAMES` lists it."""
    entry = next(e for e in private_api.PRIVATE_NAMES if (e.owner, e.name) == (owner, name))
    wrong = private_api.mismatch(pybamm, entry)
    if wrong is not None:
        raise private_api.PyBammMismatchError(f"Sortie's engine refuses to run: {wrong}")


def install() -> None:
    """Wrap ``pybamm.Symbol.to_casadi`` and ``pybamm.Interpolant._to_casadi`` (once per
    process; later calls do nothing). Raises
    :class:`~sortie.engine.private_api.PyBammMismatchError` when a signature is not the one
    the wrappers pass on, or when someone else has replaced one meanwhile."""
    global _pybamm_to_casadi, _pybamm_interpolant_to_casadi
    with process_state.LOCK:
        if installed():
            return
        if _pybamm_to_casadi is not None:
            raise private_api.PyBammMismatchError(
                "pybamm.Symbol.to_casadi or pybamm.Interpolant._to_casadi was replaced after "
                "Sortie's engine wrapped it"
            )
        _check("Symbol", "to_casadi")
        _check("Symbol", "_children_to_casadi")
        for name in ("_to_casadi", "_cubic_to_casadi", "_function_diff"):
            _check("Interpolant", name)
        _pybamm_to_casadi = pybamm.Symbol.to_casadi
        _pybamm_interpolant_to_casadi = pybamm.Interpolant._to_casadi
        pybamm.Symbol.to_casadi = _to_casadi
        pybamm.Interpolant._to_casadi = _interpolant_to_casadi


def installed() -> bool:
    return (
        pybamm.Symbol.to_casadi is _to_casadi
        and pybamm.Interpolant._to_casadi is _interpolant_to_casadi
    )


@contextlib.contextmanager
def shared_conversion() -> Iterator[None]:
    """While a solver sets up (see the module notes): installs the wrapper if needed."""
    install()
    outer = _SHARED.caches
    _SHARED.caches = {} if outer is None else outer
    try:
        yield
    finally:
        _SHARED.caches = outer


def converted(symbol: pybamm.Symbol, y: Any) -> Any | None:
    """The CasADi expression ``symbol`` became on the state ``y`` in this thread's shared
    conversion, or None (none active, or not converted on ``y``)."""
    for symbols, cache in (_SHARED.caches or {}).values():
        if symbols[1] is y and symbol in cache:
            return cache[symbol]
    return None


def as_sx(function: Any) -> Any:
    """``function`` as a CasADi SX function (scalar operations), or unchanged where it is not
    an MX function or cannot be expanded (kept as it is: slower, never wrong)."""
    if not isinstance(function, casadi.Function) or not function.is_a("MXFunction"):
        return function
    try:
        return function.expand()
    except RuntimeError:
        return function
