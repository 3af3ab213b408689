"""The app's results cache: outcomes of tasks by a key that includes a fingerprint of
Sortie's code and data and the PyBaMM version (a changed model never serves old numbers), in
memory and on disk, so a repeated view is instant and a showroom can be precomputed."""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import threading
from collections import OrderedDict
from pathlib import Path

from sortie.files import write_atomically
from sortie.studies.comparison import Outcome, Task

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
            write_atomically(path, pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as error:
            LOG.warning("result cache not written (%s)", error)

    def _remember(self, key: str, outcome: Outcome) -> None:
        with self._lock:
            self._memory[key] = outcome
            self._memory.move_to_end(key)
            while len(self._memory) > self._entries:
                self._memory.popitem(last=False)
