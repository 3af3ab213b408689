"""Sweeps: every design of a design space flown, in chunks, on local workers or a cluster.

``sweep(spec)`` returns one row per design (see ``sortie.studies.design_rows``). With ``out``
the rows stream to a Parquet folder as chunks finish (``sortie.studies.result_store``): kill
the process at any point and ``resume=True`` flies only what is missing.

Each chunk is one task for a worker: the worker applies each design's changes to the base and
flies the chunk in one batch per built model (PyBaMM's list-of-inputs solve), so a worker
builds a model once and keeps it for every later chunk.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pandas as pd

from sortie.errors import InputError, SortieError
from sortie.studies.design_rows import SweepBase, flown_rows, resolve_base, rows_frame
from sortie.studies.design_space import SweepSpec, spec_fingerprint, spec_to_dict
from sortie.studies.executors import completed, executor_for, executor_worker_count
from sortie.studies.result_store import ResultStore

LOG = logging.getLogger(__name__)

# Big enough for a batch to pay (one list solve per chunk), small enough that every worker
# gets several chunks and a killed sweep loses little.
MAX_CHUNK = 32
# The last chunks are this small (a list solve of 4 still batches), so that the workers finish
# together: with equal chunks of 25 designs, one worker flew its last chunk alone for ~0.5 s
# in a third of the DFN-200 runs.
MIN_CHUNK = 4

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SweepRun:
    """How a sweep went: ``table`` has a row per finished design (by design); ``failed``
    designs hit an internal error and are missing (a ``resume`` retries them)."""

    table: pd.DataFrame
    total: int
    computed: int
    failed: tuple[int, ...]
    seconds: float


def chunk_sizes(designs: int, workers: int) -> list[int]:
    """Chunk sizes for ``designs`` on ``workers``, largest first: each chunk is 1/(2 workers)
    of what is left, within MIN_CHUNK..MAX_CHUNK (guided self-scheduling, Polychronopoulos &
    Kuck 1987), so that workers running at different speeds finish within a small chunk of
    each other. A sweep too small for MIN_CHUNK per worker is shared out evenly."""
    workers = max(1, workers)
    smallest = max(1, min(MIN_CHUNK, -(-designs // workers)))
    sizes: list[int] = []
    left = designs
    while left > 0:
        size = min(left, MAX_CHUNK, max(smallest, -(-left // (2 * workers))))
        sizes.append(size)
        left -= size
    return sizes


def _chunks(todo: Sequence[tuple[int, dict[str, Any]]], workers: int) -> list[list]:
    chunks, start = [], 0
    for size in chunk_sizes(len(todo), workers):
        chunks.append(list(todo[start : start + size]))
        start += size
    return chunks


def evaluate(
    base: SweepBase, designs: Sequence[dict[str, Any]], executor: cf.Executor
) -> list[dict]:
    """Rows of ``designs`` (indexed from 0, in order), flown in chunks on ``executor``: the
    optimiser's batch of a generation."""
    todo = list(enumerate(designs))
    chunks = _chunks(todo, executor_worker_count(executor))
    futures = [executor.submit(flown_rows, base, chunk) for chunk in chunks]
    return [row for future in futures for row in future.result()]


def run_sweep(
    spec: SweepSpec,
    out: Path | None = None,
    *,
    workers: int | None = None,
    cluster: str | None = None,
    resume: bool = False,
    progress: Progress | None = None,
    executor: cf.Executor | None = None,
    on_rows: Callable[[pd.DataFrame], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SweepRun:
    """Fly every design of ``spec`` (see the module notes). ``executor`` overrides
    ``workers``/``cluster`` (and is not shut down here). ``on_rows`` gets each chunk's rows
    as they finish; once ``cancelled()`` is true the rest is cancelled and what finished is
    returned. Raises :class:`InputError` for a bad base or results folder."""
    start = time.perf_counter()
    designs = spec.designs()
    base = resolve_base(spec)
    store = None
    if out is not None:
        manifest = {
            "fingerprint": spec_fingerprint(spec),
            "designs": len(designs),
            "fields": list(spec.fields),
            "spec": spec_to_dict(spec),
            "sortie_version": version("sortie"),
        }
        store = ResultStore(out, manifest, resume)
    done = store.done() if store is not None else set()
    todo = [(i, d) for i, d in enumerate(designs) if i not in done]
    frames: list[pd.DataFrame] = []
    failed: list[int] = []
    finished = len(done)
    if progress:
        progress(finished, len(designs))
    owned = executor is None
    pool = executor or executor_for(workers, cluster)
    try:
        chunks = _chunks(todo, executor_worker_count(pool))
        for position, future in completed(pool, flown_rows, [(base, c) for c in chunks]):
            chunk = chunks[position]
            try:
                frame = rows_frame(future.result(), spec)
            except SortieError:
                raise
            except Exception:
                # A bug or a dead worker, not a design that cannot fly: keep the rest going.
                LOG.exception("designs %s..%s failed", chunk[0][0], chunk[-1][0])
                failed.extend(index for index, _ in chunk)
                continue
            if store is not None:
                store.write(frame)
            else:
                frames.append(frame)
            finished += len(chunk)
            if on_rows:
                on_rows(frame)
            if progress:
                progress(finished, len(designs))
            if cancelled is not None and cancelled():
                break  # the designs not started yet are cancelled
    finally:
        if owned:
            pool.shutdown(wait=True, cancel_futures=True)
    if store is not None:
        table = store.read()
    elif frames:
        table = pd.concat(frames, ignore_index=True).sort_values("design", ignore_index=True)
    else:
        table = rows_frame([], spec)
    return SweepRun(
        table=table,
        total=len(designs),
        computed=finished - len(done),
        failed=tuple(sorted(failed)),
        seconds=time.perf_counter() - start,
    )


def sweep(spec: SweepSpec, out: Path | None = None, **options: Any) -> pd.DataFrame:
    """Every design of ``spec`` as one row (see :func:`run_sweep` for the options)."""
    run = run_sweep(spec, out, **options)
    if run.failed:
        raise InputError(
            f"{len(run.failed)} of {run.total} designs failed with an internal error (see the "
            "log); the others are done" + ("; resume to retry them" if out is not None else "")
        )
    return run.table


class BackgroundSweep:
    """A sweep running in a thread of this process (its designs on ``executor``), read while
    it runs: the app's design-space page polls :meth:`table` and :meth:`progress`."""

    def __init__(self, spec: SweepSpec, executor: cf.Executor) -> None:
        self.spec = spec
        self.total = len(spec.designs())
        self._lock = threading.Lock()
        self._frames: list[pd.DataFrame] = []
        self._done = 0
        self._stop = threading.Event()
        self.error: str | None = None
        # Designs that hit an internal error (no row; see SweepRun.failed).
        self.failed: tuple[int, ...] = ()
        self.seconds = 0.0
        self._thread = threading.Thread(
            target=self._run, args=(executor,), name="sortie-sweep", daemon=True
        )
        self._thread.start()

    def _run(self, executor: cf.Executor) -> None:
        start = time.perf_counter()
        try:
            run = run_sweep(
                self.spec,
                executor=executor,
                on_rows=self._add,
                cancelled=self._stop.is_set,
            )
            self.failed = run.failed
        except SortieError as error:
            self.error = str(error)
        except Exception as error:  # a bug: keep the page alive, log the details
            LOG.exception("background sweep failed")
            self.error = f"internal error ({type(error).__name__}); see the server log"
        finally:
            self.seconds = time.perf_counter() - start

    def _add(self, frame: pd.DataFrame) -> None:
        with self._lock:
            self._frames.append(frame)
            self._done += len(frame)

    @property
    def finished(self) -> bool:
        return not self._thread.is_alive()

    def progress(self) -> tuple[int, int]:
        with self._lock:
            return self._done, self.total

    def stop(self) -> None:
        """Cancel the designs not started yet (the running chunks finish)."""
        self._stop.set()

    @property
    def stopped(self) -> bool:
        """True once :meth:`stop` was called."""
        return self._stop.is_set()

    def table(self) -> pd.DataFrame:
        """The rows so far, by design."""
        with self._lock:
            frames = list(self._frames)
        if not frames:
            return rows_frame([], self.spec)
        return pd.concat(frames, ignore_index=True).sort_values("design", ignore_index=True)
