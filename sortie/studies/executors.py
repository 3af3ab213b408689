"""Where studies run: in this process, a local pool of worker processes, or a Dask cluster.

All three are ``concurrent.futures.Executor`` s, so the sweep, the optimiser and the app's
runner submit work the same way. A Dask cluster is used through Dask's own client
(``Client(address).get_executor()``); its workers must have Sortie installed (the same
version), and each keeps its built models between chunks like a local worker does.

Built PyBaMM models are not thread-safe and cost seconds to build, so they live in worker
processes (each keeps its own, see ``sortie.models.electrochemistry.built_model``) and only
small results come back. IDAKLU's threads share the cores with the workers: a pool of N
workers on C cores gives each ``max(1, C // N)`` solver threads.
"""

from __future__ import annotations

import concurrent.futures as cf
import gc
import importlib
import multiprocessing
import os
import sys
import threading
import types
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sortie import deferred_imports

WORKERS_VARIABLE = "SORTIE_WORKERS"
SCHEDULER_VARIABLE = "SORTIE_DASK_SCHEDULER"
_SOLVER_THREADS_VARIABLE = "SORTIE_SOLVER_THREADS"  # read by the engine

_MAIN_LOCK = threading.Lock()
# A sweep's or an optimisation's worker flies designs and returns rows: pandas only makes a
# flight's time series, which rows do not need (sortie.models.result.MissionResult). The app's
# workers return time series: they import pandas at their start, as before.
STUDY_WORKER_DEFERRED = (*deferred_imports.PYBAMM_UNUSED_ON_SOLVES, "pandas")


class _WorkerProcess(multiprocessing.context.SpawnProcess):
    """A spawned process that does not re-run the parent's ``__main__`` script.

    Spawn re-executes whatever ``sys.modules["__main__"]`` names in each child. Under
    Streamlit that is the page script (Streamlit swaps it in while a script runs, and an
    ``AppTest`` leaves its own generated script there), which would run the UI in a worker or
    fail there. Workers only run Sortie functions, so they need no ``__main__`` at all.
    """

    @staticmethod
    def _Popen(process_obj):
        with _MAIN_LOCK:
            main, blank = sys.modules["__main__"], types.ModuleType("__main__")
            sys.modules["__main__"] = blank
            try:
                return multiprocessing.context.SpawnProcess._Popen(process_obj)
            finally:
                # Streamlit may have installed the next script meanwhile: keep that one.
                if sys.modules["__main__"] is blank:
                    sys.modules["__main__"] = main


class WorkerContext(multiprocessing.context.SpawnContext):
    """Spawn (never fork: the Streamlit server and Dask clients are multi-threaded) without
    re-running ``__main__``."""

    Process = _WorkerProcess


def core_count() -> int:
    return os.cpu_count() or 1


def default_worker_count() -> int:
    """``SORTIE_WORKERS``, else the number of cores (at most 4)."""
    configured = os.environ.get(WORKERS_VARIABLE)
    if configured:
        return max(1, int(configured))
    return max(1, min(core_count(), 4))


def solver_threads_per_worker(workers: int) -> int:
    return max(1, core_count() // max(1, workers))


# Thread pools of native libraries (OpenMP in the solver, OpenBLAS in numpy): left alone, each
# worker process starts one thread per core, and two workers on two cores run 40 % slower
# (measured: a 200-design DFN sweep 14.2 s against 10.0 s). Dask's nanny does the same.
_NATIVE_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _start_worker(
    solver_threads: int, deferred: Sequence[str], then: Callable[..., None] | None, args: tuple
) -> None:
    os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
    os.environ[_SOLVER_THREADS_VARIABLE] = str(solver_threads)
    for name in _NATIVE_THREAD_VARIABLES:
        os.environ.setdefault(name, str(solver_threads))
    # What PyBaMM imports but the worker's tasks do not use is imported on first use
    # (sortie.deferred_imports): ~1 s less of a study worker's start, before its first design.
    deferred_imports.defer(deferred)
    # PyBaMM's import, before the first task (what a task pays is then its own work).
    importlib.import_module("sortie.models.electrochemistry")
    # Before any model is built: a model evicted later from the engine's cache must stay
    # collectable.
    freeze_garbage_collector()
    if then is not None:
        then(*args)


def freeze_garbage_collector() -> None:
    """Move every object alive now out of the cyclic garbage collector's reach.

    PyBaMM's import leaves some million long-lived objects (modules, SymPy, pandas). Python's
    collector walks them all at exit: ~1.2 s per process (``python -c "import pybamm"`` exits
    in 2.6 s instead of 3.8-4.2 s once frozen), paid by every worker when a pool shuts down
    and by the command line at its end. Call it once the imports are done and before
    anything that may become garbage (a built model): frozen objects are never collected,
    objects made later still are. No collection first: after PyBaMM's import it finds ~80
    objects and costs 0.13 s of every worker's start."""
    gc.freeze()


def local_pool(
    workers: int,
    initializer: Callable[..., None] | None = None,
    initargs: tuple = (),
    deferred: Sequence[str] = deferred_imports.PYBAMM_UNUSED_ON_SOLVES,
) -> cf.ProcessPoolExecutor:
    """``workers`` spawned processes sharing the cores (see the module notes), each with
    PyBaMM imported and the modules ``deferred`` left to their first use."""
    return cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=WorkerContext(),
        initializer=_start_worker,
        initargs=(solver_threads_per_worker(workers), tuple(deferred), initializer, initargs),
    )


class InProcessExecutor(cf.Executor):
    """Runs each task at once, in the caller's thread: one worker without a process to start
    (the solver gets every core)."""

    def __init__(self) -> None:
        os.environ.setdefault(_SOLVER_THREADS_VARIABLE, str(core_count()))

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # the caller sees it from future.result()
            future.set_exception(error)
        return future


class ClusterExecutor(cf.Executor):
    """A Dask cluster as an executor (``Client(address).get_executor()``); closes its client
    on shutdown. Raises :class:`~sortie.errors.InputError` when the scheduler cannot be
    reached."""

    def __init__(self, address: str, timeout_s: float = 10.0) -> None:
        from distributed import Client

        from sortie.errors import InputError

        try:
            self.client = Client(address, timeout=timeout_s)
        except (OSError, TimeoutError) as error:
            raise InputError(f"cannot reach the Dask scheduler at {address} ({error})") from None
        self._executor = self.client.get_executor(pure=False)

    @property
    def worker_count(self) -> int:
        return max(1, len(self.client.scheduler_info(n_workers=-1).get("workers", {})))

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        return self._executor.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._executor.shutdown(wait=wait)
        self.client.close()


def completed(
    executor: cf.Executor, fn: Callable[..., Any], calls: Sequence[tuple]
) -> Iterator[tuple[int, cf.Future]]:
    """(position, future) of ``fn(*call)`` for each call as it finishes. In this process the
    calls run one by one as they are asked for, so a caller can report progress (and stop)
    between them; elsewhere all are submitted at once."""
    if isinstance(executor, InProcessExecutor):
        for position, call in enumerate(calls):
            yield position, executor.submit(fn, *call)
        return
    futures = {executor.submit(fn, *call): position for position, call in enumerate(calls)}
    try:
        for future in cf.as_completed(futures):
            yield futures[future], future
    finally:
        for future in futures:
            future.cancel()


def executor_for(workers: int | None = None, cluster: str | None = None) -> cf.Executor:
    """The cluster at ``cluster`` (or ``SORTIE_DASK_SCHEDULER``), else ``workers`` local
    processes (default :func:`default_worker_count`; 1: this process)."""
    address = cluster or os.environ.get(SCHEDULER_VARIABLE)
    if address:
        return ClusterExecutor(address)
    count = workers or default_worker_count()
    if count == 1:
        return InProcessExecutor()
    return local_pool(count, deferred=STUDY_WORKER_DEFERRED)


def executor_worker_count(executor: cf.Executor) -> int:
    """How many tasks the executor runs at once."""
    if isinstance(executor, ClusterExecutor):
        return executor.worker_count
    if isinstance(executor, cf.ProcessPoolExecutor):
        return executor._max_workers
    return 1
