"""The engine's changes to state every thread of the process shares, all under one lock.

PyBaMM is steered through process-wide settings in a few places: its telemetry switch is an
environment variable read at ``import pybamm``, its compile cache folder an environment
variable read while a solver compiles, the ``bpx`` package writes one file per formula to
``tempfile``'s folder, and PyBaMM reports through :mod:`warnings`, whose filters are global
(``warnings.catch_warnings`` is not thread-safe before Python 3.14). Each change here is
made while :data:`LOCK` is held and undone before it is released, so no two of the engine's
threads interleave them and nothing stays changed for the rest of the process.

Another thread of the process that warns or makes a temporary file while the engine holds
the lock still sees the engine's setting: the price of PyBaMM's global interfaces.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import warnings
from collections.abc import Iterator
from types import ModuleType

#: Held by the engine while it changes process-wide state (re-entrant: a solve that captures
#: warnings sets up its solver, which captures them too).
LOCK = threading.RLock()

TELEMETRY_VARIABLE = "PYBAMM_DISABLE_TELEMETRY"


@contextlib.contextmanager
def environment_default(name: str, value: str) -> Iterator[None]:
    """``os.environ[name]`` is ``value`` inside, unless it was set already; as it was after."""
    with LOCK:
        if name in os.environ:
            yield
            return
        os.environ[name] = value
        try:
            yield
        finally:
            os.environ.pop(name, None)


def import_pybamm() -> ModuleType:
    """``pybamm``, imported (the first time) with its telemetry off unless the environment
    says otherwise: PyBaMM reads the switch when its modules load (and would otherwise ask
    on the terminal whether to opt in)."""
    with environment_default(TELEMETRY_VARIABLE, "true"):
        import pybamm

    return pybamm


@contextlib.contextmanager
def captured_warnings() -> Iterator[list[warnings.WarningMessage]]:
    """Every warning raised inside, recorded (none printed), each occurrence counted."""
    with LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


@contextlib.contextmanager
def temporary_folder(path: str) -> Iterator[None]:
    """``tempfile``'s folder is ``path`` inside."""
    with LOCK:
        previous = tempfile.tempdir
        tempfile.tempdir = path
        try:
            yield
        finally:
            tempfile.tempdir = previous
