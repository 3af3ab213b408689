"""Running tasks off the caller's thread: a process pool shared by every caller, and a cache.

Built PyBaMM models are not thread-safe and take seconds to build, so they live in worker
processes (each keeps its own model cache, see the adapter) and only small results come back.
Results are cached by task (:mod:`sortie.studies.result_cache`), so a repeated view is
instant and a showroom can be precomputed.

Any :class:`concurrent.futures.Executor` can stand in for the local pool (the tests use thread
pools); with ``SORTIE_DASK_SCHEDULER`` set, the work goes to that Dask cluster (see
:mod:`sortie.studies.executors`).

Every task has a time limit (``SORTIE_TASK_TIMEOUT_S``, default :data:`DEFAULT_TASK_TIMEOUT_S`)
counted from when a worker of the local pool starts it (a wait behind a busy or warming
worker does not count; on other executors, from when it is handed over). A task past it is
reported at once as an :class:`Outcome` error of one line and its worker is replaced: the
local pool is retired (new work goes to a fresh pool; a process pool cannot lose one worker
without failing all its work) and killed as soon as nothing but stopped work runs on it, so
the tasks of other visitors on it still finish.

Why one module of ~460 lines: it is one idea, the :class:`Runner`. Its queue, the pool's
retirement and killing, the time limits and the cache hand-off share one lock and one set of
invariants (a task runs at most once; a stopped pool is killed only when nothing but stopped
work runs on it); split across files, each part would reach into the others' state. The
cache lives in :mod:`sortie.studies.result_cache`, the executors in
:mod:`sortie.studies.executors`.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import functools
import heapq
import itertools
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from sortie.errors import SortieError
from sortie.studies.comparison import Outcome, Task, execute
from sortie.studies.executors import (
    SCHEDULER_VARIABLE,
    ClusterExecutor,
    WorkerContext,
    default_worker_count,
    local_pool,
)
from sortie.studies.result_cache import ResultCache, default_cache_dir, task_key

LOG = logging.getLogger(__name__)

TIMEOUT_VARIABLE = "SORTIE_TASK_TIMEOUT_S"
# One cell's DFN flight of a 1000-phase mission takes about half a minute on a busy 2-core
# machine, a cold model build under load a minute or two; a task past this holds a worker
# that other visitors wait for.
DEFAULT_TASK_TIMEOUT_S = 300.0
# How often retired pools are checked for being done with everything but stopped work.
_REAP_INTERVAL_S = 1.0


def task_timeout_s() -> float:
    """``SORTIE_TASK_TIMEOUT_S`` (seconds, above 0), else :data:`DEFAULT_TASK_TIMEOUT_S`."""
    configured = os.environ.get(TIMEOUT_VARIABLE)
    if not configured:
        return DEFAULT_TASK_TIMEOUT_S
    try:
        value = float(configured)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        LOG.warning(
            "%s=%r is not a number of seconds above 0: using %g s",
            TIMEOUT_VARIABLE,
            configured,
            DEFAULT_TASK_TIMEOUT_S,
        )
        return DEFAULT_TASK_TIMEOUT_S
    return value


# In a worker: where it says that it starts a task (see Runner._watch_starts).
_started_queue: Any = None


def _warm_worker(tasks: Sequence[Task], started: Any = None) -> None:
    """Pool initializer: build the models the first views will need, in every worker."""
    global _started_queue
    _started_queue = started
    # PyBaMM is imported by then (executors._start_worker, before this initializer): not in
    # a task's time limit, also in a replacement pool that warms no models.
    for task in tasks:
        execute(task)


def _run_task(work: Callable[[Task], Outcome], key: str, task: Task) -> Outcome:
    """In a worker: say that ``key`` starts now (its time limit runs from here, not from a
    wait behind a busy or warming worker), then run it."""
    if _started_queue is not None:
        _started_queue.put(key)
    return work(task)


class Priority(IntEnum):
    """Lower runs first: a click waits for nobody's background precomputation."""

    INTERACTIVE = 0
    BACKGROUND = 1


@dataclass
class _Running:
    """A task holding a worker: its deadline (None until a worker of the local pool has
    started it), where it runs."""

    deadline: float | None
    executor: cf.Executor | None = None
    inner: cf.Future | None = None


class Runner:
    """Runs :class:`Task` s on an executor, at most once per task (cached), most urgent first,
    each within ``timeout_s`` (default :func:`task_timeout_s`, see the module notes).

    ``executor`` None starts a local process pool (``workers`` processes, spawned, each
    running ``warm_tasks`` first). At most ``workers`` tasks are handed to the executor at a
    time; the rest wait in a priority queue, so interactive work overtakes background work.
    ``work`` turns a task into an :class:`Outcome` in the worker (a module-level function).
    """

    def __init__(
        self,
        cache: ResultCache | None = None,
        executor: cf.Executor | None = None,
        workers: int | None = None,
        warm_tasks: Sequence[Task] = (),
        timeout_s: float | None = None,
        work: Callable[[Task], Outcome] = execute,
    ) -> None:
        self.cache = cache if cache is not None else ResultCache(default_cache_dir())
        self.timeout_s = timeout_s if timeout_s is not None else task_timeout_s()
        self._work = work
        self._executor = executor
        self._owns_executor = executor is None
        self._workers = workers or default_worker_count()
        self._warm_tasks = tuple(warm_tasks)
        self._pending: dict[str, cf.Future] = {}
        self._running: dict[str, _Running] = {}
        self._queue: list[tuple[int, int, str, Task]] = []
        self._sequence = itertools.count()
        self._condition = threading.Condition()
        self._dispatcher: threading.Thread | None = None
        self._stopping = False
        # Workers of local pools say here when they start a task; retired local pools with
        # the work on them that was stopped (killed once nothing else runs there).
        self._started = WorkerContext().SimpleQueue() if self._owns_executor else None
        self._watcher: threading.Thread | None = None
        self._fresh_up = True  # the current pool is up (False: a replacement starting)
        self._retired: list[tuple[cf.ProcessPoolExecutor, set[cf.Future]]] = []
        self.stopped_count = 0  # tasks stopped at their time limit (for tests and the log)

    def _pool(self) -> cf.Executor:
        if self._executor is None:
            address = os.environ.get(SCHEDULER_VARIABLE)
            if address:
                # The cluster's workers warm up on their first tasks.
                self._executor = ClusterExecutor(address)
            else:
                # A replacement after a stopped task starts cold: visitors are waiting.
                warm = () if self._retired else self._warm_tasks
                pool = local_pool(self._workers, _warm_worker, (warm, self._started))
                self._executor, self._fresh_up = pool, False
                self._watch_starts()
                if self._retired:  # spawn its workers now, and say when the first is up
                    pool.submit(os.getpid).add_done_callback(lambda _: self._up(pool))
        return self._executor

    def _up(self, pool: cf.Executor) -> None:
        with self._condition:
            if self._executor is pool:
                self._fresh_up = True

    def _bridge(self) -> cf.ProcessPoolExecutor | None:
        """While a replacement pool starts (seconds: imports, model builds), a retired pool's
        idle workers still take new work; the stopped worker is no idle one."""
        with self._condition:
            if self._fresh_up:
                return None
            for pool, abandoned in reversed(self._retired):
                busy = sum(
                    1
                    for entry in self._running.values()
                    if entry.executor is pool and entry.inner is not None and not entry.inner.done()
                )
                if pool._max_workers - len(abandoned) - busy > 0:
                    return pool
        return None

    def _timed_in_worker(self, executor: cf.Executor | None) -> bool:
        """True when the workers of ``executor`` say when they start (the local pool)."""
        return self._started is not None and isinstance(executor, cf.ProcessPoolExecutor)

    def _watch_starts(self) -> None:
        """A thread that sets each task's deadline when a worker says it starts it."""
        if self._watcher is not None:
            return

        def watch() -> None:
            while True:
                try:
                    key = self._started.get()
                except (EOFError, OSError):
                    return
                if key is None:
                    return  # shut down
                with self._condition:
                    entry = self._running.get(key)
                    if entry is not None and entry.deadline is None:
                        entry.deadline = time.monotonic() + self.timeout_s
                        self._condition.notify_all()

        self._watcher = threading.Thread(target=watch, name="sortie-runner-starts", daemon=True)
        self._watcher.start()

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
            overdue, start = self._next_step()
            if overdue is None:
                return  # stopping
            for key, entry in overdue:
                self._stop_overdue(key, entry)
            if start is not None:
                self._start(*start)
            else:  # no work waiting: a retired pool idle now is not needed as a bridge
                self._reap()

    def _next_step(
        self,
    ) -> tuple[list[tuple[str, _Running]] | None, tuple[str, Task] | None]:
        """Wait for something to do: (tasks past their deadline, a task to start). None for
        the first when the runner stops."""
        with self._condition:
            while True:
                if self._stopping:
                    return None, None
                now = time.monotonic()
                overdue = [
                    (key, entry)
                    for key, entry in self._running.items()
                    if entry.deadline is not None and entry.deadline <= now
                ]
                if overdue:
                    return overdue, None
                while self._queue and len(self._running) < self._workers:
                    _, _, key, task = heapq.heappop(self._queue)
                    if key in self._pending and key not in self._running:
                        # Reserved now; its deadline is set once it is on a pool that is up.
                        self._running[key] = _Running(deadline=None)
                        return [], (key, task)
                    # else: done meanwhile, or a duplicate entry of a re-prioritised task
                deadlines = [e.deadline for e in self._running.values() if e.deadline]
                wait_s = max(0.0, min(deadlines) - now) if deadlines else None
                if self._retired:
                    wait_s = _REAP_INTERVAL_S if wait_s is None else min(wait_s, _REAP_INTERVAL_S)
                    self._condition.wait(wait_s)
                    return [], None  # check the retired pools
                self._condition.wait(wait_s)

    def _start(self, key: str, task: Task) -> None:
        try:
            executor, inner = self._submit_to_pool(task)
        except RuntimeError as error:  # shut down while dispatching
            executor, inner = None, cf.Future()
            inner.set_exception(error)
        except Exception as error:  # e.g. an unreachable cluster: the page gets one line
            LOG.warning("task not started: %s", error)
            executor, inner = None, cf.Future()
            inner.set_exception(error)
        with self._condition:
            entry = self._running.get(key)
            if entry is not None:
                entry.executor, entry.inner = executor, inner
                if executor is not None and not self._timed_in_worker(executor):
                    entry.deadline = time.monotonic() + self.timeout_s  # from now on
            self._condition.notify_all()
        inner.add_done_callback(functools.partial(self._finish, key))

    def _submit_to_pool(self, task: Task) -> tuple[cf.Executor, cf.Future]:
        bridge = self._bridge()
        if bridge is not None:
            with contextlib.suppress(RuntimeError, cf.BrokenExecutor):
                return bridge, bridge.submit(_run_task, self._work, task_key(task), task)
        try:
            pool = self._pool()
            return pool, pool.submit(_run_task, self._work, task_key(task), task)
        except cf.BrokenExecutor:
            # A worker died (e.g. out of memory): start a fresh pool once.
            LOG.warning("worker pool broken; starting a new one")
            self._executor = None
            pool = self._pool()
            return pool, pool.submit(_run_task, self._work, task_key(task), task)

    def _stop_overdue(self, key: str, entry: _Running) -> None:
        """Report a task past its time limit and free its worker (see the module notes)."""
        with self._condition:
            if self._running.get(key) is not entry:
                return  # finished meanwhile
            del self._running[key]
            future = self._pending.pop(key, None)
            self.stopped_count += 1
            self._condition.notify_all()
        LOG.warning("task stopped after its time limit of %g s", self.timeout_s)
        executor, inner = entry.executor, entry.inner
        if inner is not None:
            inner.cancel()  # a Dask task, or one not started yet
        if (
            self._owns_executor
            and isinstance(executor, cf.ProcessPoolExecutor)
            and inner is not None
        ):
            self._retire(executor, inner)
        if future is not None:
            future.set_result(
                Outcome(
                    error=f"stopped: the simulation took longer than the time limit of "
                    f"{self.timeout_s:g} s (try a shorter mission, fewer cells or SPMe)"
                )
            )

    def _retire(self, pool: cf.ProcessPoolExecutor, stopped: cf.Future) -> None:
        with self._condition:
            for retired, abandoned in self._retired:
                if retired is pool:
                    abandoned.add(stopped)
                    return
            self._retired.append((pool, {stopped}))
            replace = self._executor is pool
            if replace:
                self._executor = None  # new work goes to a fresh pool
            self._condition.notify_all()
        if replace:
            self._pool()  # starting now, while the retired pool's other workers bridge

    def _reap(self) -> None:
        """Kill each retired pool that runs nothing but stopped work."""
        with self._condition:
            retired = list(self._retired)
        for pool, abandoned in retired:
            try:
                # Private, but the only way to see a process pool's outstanding work
                # (including a design-space sweep's chunks submitted to it directly).
                outstanding = {item.future for item in list(pool._pending_work_items.values())}
            except (AttributeError, RuntimeError):
                outstanding = set()
            if outstanding - abandoned:
                continue
            _kill(pool)
            with self._condition:
                self._retired = [(p, a) for p, a in self._retired if p is not pool]

    def _finish(self, key: str, inner: cf.Future) -> None:
        with self._condition:
            entry = self._running.get(key)
            if entry is None or entry.inner is not inner:
                return  # stopped at its time limit: already reported
            del self._running[key]
            future = self._pending.pop(key, None)
            self._condition.notify_all()
        if future is None:
            return
        try:
            outcome = inner.result()
        except cf.BrokenExecutor:
            if self._owns_executor:
                self._executor = None
            outcome = Outcome(error="the simulation worker stopped unexpectedly; please run again")
        except (cf.CancelledError, RuntimeError):
            outcome = Outcome(error="the simulation was cancelled")
        except SortieError as error:  # e.g. the cluster cannot be reached
            outcome = Outcome(error=str(error))
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
            retired, self._retired = self._retired, []
            self._condition.notify_all()
        for pool, _ in retired:
            _kill(pool)
        if self._owns_executor and self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        if self._watcher is not None:
            self._started.put(None)


def _kill(pool: cf.ProcessPoolExecutor) -> None:
    """End a process pool now, its workers killed (a stuck solve never returns by itself)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(OSError, AttributeError, ValueError):
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
