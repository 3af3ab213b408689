"""Modules imported on first use instead of at ``import``: a worker's start-up without the
parts of PyBaMM's dependencies that a solve never touches.

``import pybamm`` imports SymPy (LaTeX printing of expressions), black (formatting of
serialised models) and xarray (exporting solutions) at the top of its modules: 0.6-0.9 s of a
worker's ~2.5 s PyBaMM import on this machine, paid by every worker before its first design
although a sweep never calls them. :func:`defer` puts a stand-in for each into
``sys.modules``; ``import sympy`` then binds the stand-in, and the first use of any of its
attributes imports the real module, so code that does use one (a LaTeX export, a saved
model) works as before, just later.

Python's :class:`importlib.util.LazyLoader` cannot do this on Python 3.11: the ``import``
statement itself reads ``module.__spec__`` of a module already in ``sys.modules``, which makes
the lazy module load at PyBaMM's second ``import sympy``.

Only for processes Sortie starts for work (pool workers), before anything is imported: a
stand-in is a different object from the module it stands for, so code that compares modules
by identity, or sets attributes on a module to change its behaviour, would see the difference.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
from collections.abc import Iterable

# PyBaMM's top-level imports that a solve does not use (checked: a DFN sweep's worker never
# touches them; tests/test_deferred_imports.py flies a design and checks they stay deferred).
# posthog is PyBaMM's telemetry (off in workers; ~0.16 s with requests), numpy.f2py the
# Fortran wrapper generator that SciPy's array-API layer reaches through ``from numpy import
# *`` (~0.08 s).
PYBAMM_UNUSED_ON_SOLVES = ("sympy", "black", "xarray", "posthog", "numpy.f2py")
# Names taken by ``from module import name`` at import time: the statement reads them at
# once, which would import the module. They stand in until called (PyBaMM's telemetry makes
# a ``Posthog`` client only when telemetry is on).
_FROM_IMPORTED = {"posthog": ("Posthog",)}

_LOCK = threading.RLock()
_PROBED = frozenset({"__file__", "__cached__"})


class _Deferred(types.ModuleType):
    """Stands for a module not imported yet; its first attribute read imports it."""

    def __getattr__(self, attribute: str):
        # ``inspect.getmodule`` (warnings, tracebacks) reads ``__file__`` of every module in
        # ``sys.modules``: that must not import them all. (``__spec__`` and ``__loader__``,
        # which the import system reads, are None on the stand-in and never get here.)
        if attribute in _PROBED:
            raise AttributeError(attribute)
        module = _load(self.__name__)
        # Later reads through the stand-in then find the attribute without this method.
        vars(self).update(vars(module))
        return getattr(module, attribute)


class _DeferredCallable:
    """Stands for ``module.name`` (a class or function) until it is called."""

    def __init__(self, module: str, name: str) -> None:
        self._module, self._name = module, name

    def __call__(self, *args, **kwargs):
        return getattr(_load(self._module), self._name)(*args, **kwargs)


def _load(name: str) -> types.ModuleType:
    with _LOCK:
        found = sys.modules.get(name)
        if isinstance(found, _Deferred):
            del sys.modules[name]
        return importlib.import_module(name)


def defer(names: Iterable[str]) -> list[str]:
    """Stand-ins for the modules ``names`` not imported yet (a module already imported, or
    not installed, is left alone). A submodule's package is imported (``numpy`` for
    ``numpy.f2py``) and gets the stand-in as its attribute, as an import would. Returns the
    names deferred."""
    deferred = []
    with _LOCK:
        for name in names:
            spec = None if name in sys.modules else importlib.util.find_spec(name)
            if spec is None:
                continue
            stand_in = _Deferred(name)
            if name in _FROM_IMPORTED:
                # ``from package import name`` asks a package for ``__path__`` first, which
                # would import it: the stand-in has its own, and the names it is asked for.
                stand_in.__path__ = list(spec.submodule_search_locations or ())
                for attribute in _FROM_IMPORTED[name]:
                    setattr(stand_in, attribute, _DeferredCallable(name, attribute))
            sys.modules[name] = stand_in
            package, _, child = name.rpartition(".")
            if package:
                # Without it, ``import numpy.f2py as f2py`` asks numpy for the attribute,
                # whose module __getattr__ imports it again, and again.
                setattr(sys.modules[package], child, stand_in)
            deferred.append(name)
    return deferred


def is_deferred(name: str) -> bool:
    """Whether ``name`` is still a stand-in (not imported by any use yet)."""
    return isinstance(sys.modules.get(name), _Deferred)
