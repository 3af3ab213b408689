"""Running tasks off the caller's thread: a process pool shared by every caller, and a cache.

Built PyBaMM models are not thread-safe and take seconds to build, so they live in worker
processes (each keeps its own model cache, see the adapter) and only small results come back.
Results are cached by task, in memory and on disk, so a repeated view is instant and a
showroom can be precomputed; the key includes a fingerprint of Sortie's code and data, so a
changed model never serves stale numbers.

Any :class:`concurrent.futures.Executor` can stand in for the local pool (the tests use thread
pools); with ``SORTIE_DASK_SCHEDULER`` set, the work goes to that Dask cluster (see
:mod:`sortie.studies.executors`).
"""

from __future__ import annotations

import concurrent.futures as cf
import functools
import hashlib
import heapq
import itertools
import logging
import os
import pickle
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from enum import IntEnum
from pathlib import Path

from sortie.studies.comparison import Outcome, Task, execute
from sortie.studies.executors import (
    SCHEDULER_VARIABLE,
    ClusterExecutor,
    default_worker_count,
    local_pool,
)

LOG = logging.getLogger(__name__)

# Enough for a few hundred views of small results (each ~50-200 kB).
MEMORY_ENTRIES = 512
CACHE_DIR_VARIABLE = "SORTIE_CACHE_DIR"


@functools.cache
def code_fingerprint() -> str:
    """Hash of every Python, TOML and JSON (BPX) file of the sortie package and the PyBaMM
    version."""
    from importlib.metadata import version

    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(version("pybamm").encode())
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".toml", ".json") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def task_key(task: Task) -> str:
    text = "|".join([code_fingerprint(), task.kind.value, task.scenario, str(task.cell_index)])
    return hashlib.sha256(text.encode()).hexdigest()


def default_cache_dir() -> Path:
    configured = os.environ.get(CACHE_DIR_VARIABLE)
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "sortie" / "results"


class ResultCache:
    """Outcomes by task key: an LRU in memory backed by pickle files in ``directory``
    (None: memory only). Only successful outcomes and user errors are kept; thread-safe."""

    def __init__(self, directory: Path | None, entries: int = MEMORY_ENTRIES) -> None:
        self.directory = directory
        self._entries = entries
        self._memory: OrderedDict[str, Outcome] = OrderedDict()
        self._lock = threading.Lock()

    def _path(self, key: str) -> Path | None:
        return None if self.directory is None else self.directory / key[:2] / f"{key}.pkl"

    def get(self, key: str) -> Outcome | None:
        with self._lock:
            if key in self._memory:
                self._memory.move_to_end(key)
                return self._memory[key]
        path = self._path(key)
        if path is None or not path.is_file():
            return None
        try:
            outcome = pickle.loads(path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None  # a damaged or outdated file is a miss, it will be rewritten
        self._remember(key, outcome)
        return outcome

    def put(self, key: str, outcome: Outcome) -> None:
        self._remember(key, outcome)
        path = self._path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Written aside and renamed, so a reader never sees half a file.
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
                handle.write(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(handle.name, path)
        except OSError as error:
            LOG.warning("result cache not written (%s)", error)

    def _remember(self, key: str, outcome: Outcome) -> None:
        with self._lock:
            self._memory[key] = outcome
            self._memory.move_to_end(key)
            while len(self._memory) > self._entries:
                self._memory.popitem(last=False)


def _warm_worker(tasks: Sequence[Task]) -> None:
    """Pool initializer: build the models the first views will need, in every worker."""
    os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
    for task in tasks:
        execute(task)


class Priority(IntEnum):
    """Lower runs first: a click waits for nobody's background precomputation."""

    INTERACTIVE = 0
    BACKGROUND = 1


class Runner:
    """Runs :class:`Task` s on an executor, at most once per task (cached), most urgent first.

    ``executor`` None starts a local process pool (``workers`` processes, spawned, each
    running ``warm_tasks`` first). At most ``workers`` tasks are handed to the executor at a
    time; the rest wait in a priority queue, so interactive work overtakes background work.
    """

    def __init__(
        self,
        cache: ResultCache | None = None,
        executor: cf.Executor | None = None,
        workers: int | None = None,
        warm_tasks: Sequence[Task] = (),
    ) -> None:
        self.cache = cache if cache is not None else ResultCache(default_cache_dir())
        self._executor = executor
        self._owns_executor = executor is None
        self._workers = workers or default_worker_count()
        self._warm_tasks = tuple(warm_tasks)
        self._pending: dict[str, cf.Future] = {}
        self._running: set[str] = set()
        self._queue: list[tuple[int, int, str, Task]] = []
        self._sequence = itertools.count()
        self._condition = threading.Condition()
        self._dispatcher: threading.Thread | None = None
        self._stopping = False

    def _pool(self) -> cf.Executor:
        if self._executor is None:
            address = os.environ.get(SCHEDULER_VARIABLE)
            if address:
                # The cluster's workers warm up on their first tasks.
                self._executor = ClusterExecutor(address)
            else:
                self._executor = local_pool(self._workers, _warm_worker, (self._warm_tasks,))
        return self._executor

    def executor(self) -> cf.Executor:
        """The runner's pool (or cluster), for work that is not a cached :class:`Task`: a
        design-space sweep's chunks. Its workers keep their built models for both."""
        return self._pool()

    def start(self) -> None:
        """Start the worker processes now (they warm up in the background)."""
        pool = self._pool()
        if isinstance(pool, cf.ProcessPoolExecutor):
            for _ in range(self._workers):
                pool.submit(os.getpid)

    def cached(self, task: Task) -> Outcome | None:
        return self.cache.get(task_key(task))

    def submit(self, task: Task, priority: Priority = Priority.INTERACTIVE) -> cf.Future:
        """A future of the task's :class:`Outcome`; done at once when cached. Identical
        tasks submitted while one waits or runs share its future (two sessions, one solve)."""
        key = task_key(task)
        found = self.cache.get(key)
        if found is not None:
            done: cf.Future = cf.Future()
            done.set_result(found)
            return done
        with self._condition:
            future = self._pending.get(key)
            if future is None:
                future = cf.Future()
                self._pending[key] = future
            if key not in self._running:
                # A second, more urgent request for a waiting task queues it again in front.
                heapq.heappush(self._queue, (priority, next(self._sequence), key, task))
            if self._dispatcher is None:
                self._dispatcher = threading.Thread(
                    target=self._dispatch, name="sortie-runner", daemon=True
                )
                self._dispatcher.start()
            self._condition.notify()
        return future

    def _dispatch(self) -> None:
        while True:
            with self._condition:
                while not self._stopping and not (
                    self._queue and len(self._running) < self._workers
                ):
                    self._condition.wait()
                if self._stopping:
                    return
                _, _, key, task = heapq.heappop(self._queue)
                if key not in self._pending or key in self._running:
                    continue  # done meanwhile, or a duplicate entry of a re-prioritised task
                self._running.add(key)
            try:
                inner = self._submit_to_pool(task)
            except RuntimeError as error:  # shut down while dispatching
                inner = cf.Future()
                inner.set_exception(error)
            inner.add_done_callback(functools.partial(self._finish, key))

    def _submit_to_pool(self, task: Task) -> cf.Future:
        try:
            return self._pool().submit(execute, task)
        except cf.BrokenExecutor:
            # A worker died (e.g. out of memory): start a fresh pool once.
            LOG.warning("worker pool broken; starting a new one")
            self._executor = None
            return self._pool().submit(execute, task)

    def _finish(self, key: str, inner: cf.Future) -> None:
        with self._condition:
            self._running.discard(key)
            future = self._pending.pop(key, None)
            self._condition.notify()
        if future is None:
            return
        try:
            outcome = inner.result()
        except cf.BrokenExecutor:
            self._executor = None
            outcome = Outcome(error="the simulation worker stopped unexpectedly; please run again")
        except (cf.CancelledError, RuntimeError):
            outcome = Outcome(error="the simulation was cancelled")
        except Exception:  # e.g. a result that cannot be pickled: never leave a page waiting
            LOG.exception("task failed in the pool")
            outcome = Outcome(error="internal error in the simulation worker; see the server log")
        else:
            if not (outcome.error or "").startswith("internal error"):
                self.cache.put(key, outcome)
        future.set_result(outcome)

    def run(self, task: Task) -> Outcome:
        return self.submit(task).result()

    def as_completed(self, tasks: Iterable[Task]) -> Iterator[tuple[int, Outcome]]:
        """(position in ``tasks``, outcome) as each finishes; cached ones first."""
        futures: dict[cf.Future, list[int]] = {}
        for i, task in enumerate(tasks):
            futures.setdefault(self.submit(task), []).append(i)
        for future in cf.as_completed(futures):
            for i in futures[future]:
                yield i, future.result()

    def shutdown(self) -> None:
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        if self._owns_executor and self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
