"""Where compiled models are kept (``settings.compiled``), and one compile per model when
several processes build it at once. No PyBaMM here: the command line reads the folder too.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

# Where PyBaMM's AOT compile keeps compiled models (it reads only this variable).
COMPILE_CACHE_VARIABLE = "PYBAMM_CASADI_AOT_CACHE"


def compile_cache_folder() -> Path:
    """Where compiled models (``settings.compiled``) are kept: ``PYBAMM_CASADI_AOT_CACHE``
    if set, else ``sortie/casadi-aot`` in the user's cache folder (``$XDG_CACHE_HOME`` or
    ``~/.cache``; ``%LOCALAPPDATA%`` on Windows). PyBaMM's own default is the temporary
    folder, emptied at reboot and shared by all users. One folder per machine: the code is
    compiled for its processor (``-march=native``)."""
    configured = os.environ.get(COMPILE_CACHE_VARIABLE)
    if configured:
        return Path(configured)
    if sys.platform == "win32":
        root = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "sortie" / "casadi-aot"


@contextlib.contextmanager
def compile_lock(name: str) -> Iterator[None]:
    """Held while one process sets up (and so compiles) the model ``name`` for the first
    time: workers that build the same compiled model at once wait for the first one's
    compile and then load it from the cache, instead of each running gcc on the same code (a
    DFN: ~80 s and ~0.8 GB each). Once a set-up has succeeded a marker says so and later
    set-ups (loading the library, ~2 s) run side by side. An advisory file lock in the
    compile cache folder, released by the system if its process dies; none where there is
    no ``fcntl`` (Windows)."""
    folder = compile_cache_folder()
    done = folder / f"sortie-{name}.compiled"
    try:
        import fcntl
    except ImportError:
        fcntl = None
    if fcntl is None or done.exists():
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"sortie-{name}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
            done.touch()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
