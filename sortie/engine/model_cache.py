"""The process's built models, one per model structure and thread count, kept for reuse.

Building costs seconds (a DFN ~1 s with its solver set-up) and a built model cannot be sent
to another process worth the cost (a pickled DFN Simulation is ~11 MB): each worker process
keeps its own, in this module (importable, so it is not the pool's ``__main__``).
"""

from __future__ import annotations

import functools
import os
import threading

from sortie.engine.built_model import BuiltModel
from sortie.models.cell_runs import ModelSpec

SOLVER_THREADS_VARIABLE = "SORTIE_SOLVER_THREADS"
MAX_KEPT_MODELS = 64

_build_lock = threading.Lock()


def default_solver_threads() -> int:
    """IDAKLU threads per process (``SORTIE_SOLVER_THREADS``, default 1: worker processes
    share the cores)."""
    configured = os.environ.get(SOLVER_THREADS_VARIABLE)
    return max(1, int(configured)) if configured else 1


@functools.lru_cache(maxsize=MAX_KEPT_MODELS)
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
