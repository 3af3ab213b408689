"""Work for the engine's compile test, importable by its spawned workers: build a model and
fly one input set on it (the first solve sets the solver up, and a compiled one compiles)."""

from __future__ import annotations

import numpy as np

from sortie.models.cell_runs import Ending, ModelSpec, RunInputs
from sortie.models.electrochemistry import BuiltModel


def build_and_fly(spec: ModelSpec, inputs: RunInputs, time_grid_s: np.ndarray) -> Ending:
    return BuiltModel(spec).run(inputs, time_grid_s).ending
