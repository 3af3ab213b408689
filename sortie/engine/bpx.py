"""PyBaMM parameter values from a BPX document that :mod:`sortie.cells.bpx_import` has
checked (every formula arithmetic on ``x`` with exp/tanh/cosh only, parsed in a child
process first)."""

from __future__ import annotations

import json
import tempfile

import pybamm

from sortie.engine import process_state

_scratch: tempfile.TemporaryDirectory | None = None


def bpx_parameter_values(bpx_json: str) -> pybamm.ParameterValues:
    """PyBaMM's values of the document. The ``bpx`` package writes one temporary file per
    formula and never removes it: they go to a scratch folder of this process, removed at
    exit (``tempfile``'s folder is that one only while PyBaMM reads the document, under the
    engine's lock: :func:`~sortie.engine.process_state.temporary_folder`)."""
    global _scratch
    with process_state.LOCK:
        if _scratch is None:
            _scratch = tempfile.TemporaryDirectory(prefix="sortie-bpx-")
        document = json.loads(bpx_json)
        cell = document["Parameterisation"]["Cell"]
        # PyBaMM requires these although BPX marks them optional; Sortie sets both per run.
        cell.setdefault("External surface area [m2]", 1.0)
        cell.setdefault("Volume [m3]", 1.0)
        with process_state.temporary_folder(_scratch.name):
            return pybamm.ParameterValues.create_from_bpx_obj(document)
