"""The PyBaMM engine: the one package in Sortie that imports PyBaMM.

Plain data in and out (:mod:`sortie.models.cell_runs`: model spec, run inputs, outputs, how
a run ended). One idea per module:

- :mod:`~sortie.engine.model_cache`: :func:`built_model`, the process's built models;
- :mod:`~sortie.engine.built_model`: :class:`BuiltModel`, one built model solved for a list
  of input sets in one call, one outcome per set;
- :mod:`~sortie.engine.parameters`: PyBaMM parameter values with the design, the mission and
  the cooling as input parameters; :mod:`~sortie.engine.bpx`: those of a BPX file;
- :mod:`~sortie.engine.balance`: each design's electrode balance (electrode-SOH);
- :mod:`~sortie.engine.solver`: the IDAKLU solver with scalar functions and per-set records;
- :mod:`~sortie.engine.casadi_conversion`: one cache of converted expressions while a solver
  sets up, cubic interpolants as calls that expand to scalar functions (wraps
  ``pybamm.Symbol.to_casadi`` and ``pybamm.Interpolant._to_casadi``, once, by an explicit
  ``install()``);
- :mod:`~sortie.engine.ageing`: sortie cycles on an ageing cell (PyBaMM's experiments);
- :mod:`~sortie.engine.outputs`: a solution as plain arrays and how it ended;
- :mod:`~sortie.engine.process_state`: every change to process-wide state (environment,
  ``tempfile``, ``warnings``), under one lock and undone after;
- :mod:`~sortie.engine.private_api`: PyBaMM's private names the engine relies on, checked
  here, at import: on a mismatch the engine refuses to run, with one line saying what changed.

Recipe and pitfalls: ``docs/pybamm-notes.md`` (PyBaMM 26.10).
"""

from sortie.engine import private_api, process_state

private_api.check(process_state.import_pybamm())

from sortie.engine.built_model import BuiltModel  # noqa: E402
from sortie.engine.model_cache import (  # noqa: E402
    built_model,
    built_model_count,
    clear_cache,
    default_solver_threads,
)
from sortie.engine.parameters import available_parameter_sets  # noqa: E402

__all__ = [
    "BuiltModel",
    "available_parameter_sets",
    "built_model",
    "built_model_count",
    "clear_cache",
    "default_solver_threads",
]
