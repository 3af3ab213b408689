"""Where studies run: in this process, a local pool of worker processes, or a Dask cluster.

All three are ``concurrent.futures.Executor`` s, so the sweep, the optimiser and the app's
runner submit work the same way. A Dask cluster is used through Dask's own client
(``Client(address).get_executor()``); its workers must have Sortie installed (the same
version), and each keeps its built models between chunks like a local worker does.

Built PyBaMM models are not thread-safe and cost seconds to build, so they live in worker
processes (each keeps its own, see ``sortie.engine.built_model``) and only
small results come back. IDAKLU's threads share the cores with the workers: a pool of N
workers on C cores gives each ``max(1, C // N)`` solver threads.

Sweeps and optimisations (:func:`study_pool`) fork their workers from one server process that
has imported PyBaMM (:func:`start_study_server`); the app's pool (:func:`local_pool`) spawns
them, each importing PyBaMM itself.
"""

from __future__ import annotations

import concurrent.futures as cf
import gc
import importlib
import logging
import multiprocessing
import os
import sys
import threading
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from sortie import deferred_imports
from sortie.errors import InputError, shown_value

LOG = logging.getLogger(__name__)
WORKERS_VARIABLE = "SORTIE_WORKERS"
SCHEDULER_VARIABLE = "SORTIE_DASK_SCHEDULER"
_SOLVER_THREADS_VARIABLE = "SORTIE_SOLVER_THREADS"  # read by the engine

_MAIN_LOCK = threading.Lock()
# A sweep's or an optimisation's worker flies designs and returns rows: pandas only makes a
# flight's time series, which rows do not need (sortie.models.result.MissionResult). The app's
# workers return time series: they import pandas at their start, as before.
STUDY_WORKER_DEFERRED = (*deferred_imports.PYBAMM_UNUSED_ON_SOLVES, "pandas")


def _without_main(popen: Callable[[Any], Any], process_obj: Any) -> Any:
    """``popen(process_obj)`` with a blank ``__main__`` (see :class:`_WorkerProcess`)."""
    with _MAIN_LOCK:
        main, blank = sys.modules["__main__"], types.ModuleType("__main__")
        sys.modules["__main__"] = blank
        try:
            return popen(process_obj)
        finally:
            # Streamlit may have installed the next script meanwhile: keep that one.
            if sys.modules["__main__"] is blank:
                sys.modules["__main__"] = main


class _WorkerProcess(multiprocessing.context.SpawnProcess):
    """A spawned process that does not re-run the parent's ``__main__`` script.

    Spawn re-executes whatever ``sys.modules["__main__"]`` names in each child. Under
    Streamlit that is the page script (Streamlit swaps it in while a script runs, and an
    ``AppTest`` leaves its own generated script there), which would run the UI in a worker or
    fail there. Workers only run Sortie functions, so they need no ``__main__`` at all.
    """

    @staticmethod
    def _Popen(process_obj):
        return _without_main(multiprocessing.context.SpawnProcess._Popen, process_obj)


class WorkerContext(multiprocessing.context.SpawnContext):
    """Spawn (never fork: the Streamlit server and Dask clients are multi-threaded) without
    re-running ``__main__``."""

    Process = _WorkerProcess


class _StudyWorkerProcess(multiprocessing.context.ForkServerProcess):
    """A study worker forked from the study fork server (see :func:`start_study_server`),
    without the parent's ``__main__`` (as :class:`_WorkerProcess`)."""

    @staticmethod
    def _Popen(process_obj):
        return _without_main(multiprocessing.context.ForkServerProcess._Popen, process_obj)


class StudyWorkerContext(multiprocessing.context.ForkServerContext):
    """Workers forked from a server that has imported PyBaMM once (see
    :func:`start_study_server`)."""

    Process = _StudyWorkerProcess


def core_count() -> int:
    return os.cpu_count() or 1


def default_worker_count(environ: Mapping[str, str] = os.environ) -> int:
    """``SORTIE_WORKERS`` (1..256), else the number of cores (at most 4). Raises
    :class:`~sortie.errors.InputError` for any other value of the variable."""
    configured = environ.get(WORKERS_VARIABLE, "").strip()
    if not configured:
        return max(1, min(core_count(), 4))
    try:
        count = int(configured)
    except ValueError:
        count = 0
    if not 1 <= count <= 256:
        raise InputError(
            f"{WORKERS_VARIABLE}={shown_value(configured)}: must be a whole number of "
            "workers within 1..256"
        )
    return count


def solver_threads_per_worker(workers: int) -> int:
    return max(1, core_count() // max(1, workers))


# Thread pools of native libraries (OpenMP in the solver, OpenBLAS in numpy): left alone, each
# worker process starts one thread per core, and two workers on two cores run 40 % slower
# (measured: a 200-design DFN sweep 14.2 s against 10.0 s). Dask's nanny does the same.
_NATIVE_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _start_worker(
    solver_threads: int, deferred: Sequence[str], then: Callable[..., None] | None, args: tuple
) -> None:
    os.environ[_SOLVER_THREADS_VARIABLE] = str(solver_threads)
    _import_engine(solver_threads, deferred, ("sortie.engine",))
    if then is not None:
        then(*args)


def _import_engine(native_threads: int, deferred: Sequence[str], modules: Sequence[str]) -> None:
    """What a worker (or the study server) does before its first task: ``modules`` imported
    (PyBaMM's, then what a task pays is its own work), native thread pools sized first (they
    start when numpy loads)."""
    os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
    for name in _NATIVE_THREAD_VARIABLES:
        os.environ.setdefault(name, str(native_threads))
    # What PyBaMM imports but the worker's tasks do not use is imported on first use
    # (sortie.deferred_imports): ~1 s less of a study worker's start, before its first design.
    deferred_imports.defer(deferred)
    for module in modules:
        importlib.import_module(module)
    # Before any model is built: a model evicted later from the engine's cache must stay
    # collectable.
    freeze_garbage_collector()


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


# The fork server's one preload module (it runs prepare_study_server on import).
_STUDY_SERVER_MODULE = "sortie.studies.study_server"


def study_server_available() -> bool:
    """Whether this platform has fork servers (Linux, macOS; not Windows)."""
    return "forkserver" in multiprocessing.get_all_start_methods()


def prepare_study_server() -> None:
    """What the study fork server does once, before it forks any worker: PyBaMM and the
    studies' task (``flown_rows``) imported, with :data:`STUDY_WORKER_DEFERRED` left to first
    use, and frozen for the collector. Native thread pools stay at one thread: IDAKLU's
    threads do not follow them (checked: with ``OMP_NUM_THREADS=1`` a two-thread list solve
    still starts its second thread)."""
    _import_engine(
        1,
        STUDY_WORKER_DEFERRED,
        ("sortie.engine", "sortie.studies.design_rows"),
    )


def start_study_server() -> bool:
    """Start (once per process) the server that study workers are forked from; returns
    whether this platform has one. Returns at once: the server imports PyBaMM (~1.3 s) on
    its own core while the caller goes on.

    A spawned worker imports PyBaMM itself, every worker of every pool; a forked one starts
    with it imported. The server is a fresh, single-threaded process (Python's
    ``forkserver``: safe from a multi-threaded parent, unlike ``fork``). Started before the
    command line's own imports (``sortie.console``), a sweep's workers start ~1 s sooner and
    the machine imports PyBaMM once instead of once per worker. The server lives as long as
    this process."""
    if not study_server_available():
        return False
    from multiprocessing import forkserver

    # One server per process: the preload list only counts before it starts.
    forkserver.set_forkserver_preload([_STUDY_SERVER_MODULE])
    try:
        forkserver.ensure_running()
    except OSError as error:  # e.g. no Unix sockets in a sandbox: spawned workers still work
        LOG.warning("no fork server for study workers (%s): they are spawned", error)
        return False
    return True


def _start_study_worker(solver_threads: int, environment: dict[str, str]) -> None:
    # A forked worker has the server's environment, from when the server started: a spawned
    # one would have its parent's of now (the compile cache folder, presets, ...). Its
    # imports are the server's (prepare_study_server).
    os.environ.clear()
    os.environ.update(environment)
    os.environ[_SOLVER_THREADS_VARIABLE] = str(solver_threads)


def study_pool(workers: int) -> cf.ProcessPoolExecutor:
    """``workers`` processes for sweeps and optimisations: forked from the study server
    where the platform has one (see :func:`start_study_server`), else spawned, as
    :func:`local_pool` with :data:`STUDY_WORKER_DEFERRED`."""
    if not start_study_server():
        return local_pool(workers, deferred=STUDY_WORKER_DEFERRED)
    return cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=StudyWorkerContext(),
        initializer=_start_study_worker,
        initargs=(solver_threads_per_worker(workers), dict(os.environ)),
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
    return study_pool(count)


def executor_worker_count(executor: cf.Executor) -> int:
    """How many tasks the executor runs at once."""
    if isinstance(executor, ClusterExecutor):
        return executor.worker_count
    if isinstance(executor, cf.ProcessPoolExecutor):
        return executor._max_workers
    return 1
