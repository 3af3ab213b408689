"""Work for tests that run in spawned pool workers (importable there): build a model and fly
one input set on it (the first solve sets the solver up, and a compiled one compiles); fly a
sweep's designs and say which modules the worker has not imported; say where a worker comes
from."""

from __future__ import annotations

import numpy as np

from sortie.engine import BuiltModel
from sortie.models.cell_runs import Ending, ModelSpec, RunInputs
from sortie.studies.design_rows import SweepBase, flown_rows


def build_and_fly(spec: ModelSpec, inputs: RunInputs, time_grid_s: np.ndarray) -> Ending:
    return BuiltModel(spec).run(inputs, time_grid_s).ending


def rows_and_deferred(
    base: SweepBase, designs: list, names: tuple[str, ...]
) -> tuple[list[dict], dict[str, bool]]:
    from sortie.deferred_imports import is_deferred

    rows = flown_rows(base, designs)
    return rows, {name: is_deferred(name) for name in names}


def worker_origin(variable: str) -> tuple[int, int, str | None]:
    """(this worker's pid, its parent's pid, the environment variable ``variable``)."""
    import os

    return os.getpid(), os.getppid(), os.environ.get(variable)
