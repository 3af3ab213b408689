"""Workers start without the modules PyBaMM imports but a solve never uses
(sortie.deferred_imports), and fly the same designs as a process that has them all."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from sortie.studies.design_rows import flown_rows, resolve_base, rows_frame
from sortie.studies.design_space import spec_from_dict
from sortie.studies.executors import STUDY_WORKER_DEFERRED, executor_for
from tests import engine_work

# A fresh interpreter: stdlib modules it has not imported stand in for PyBaMM's.
_STAND_INS = """
import inspect, sys
from sortie.deferred_imports import defer, is_deferred
assert defer(["colorsys", "xml", "no_such_module_here"]) == ["colorsys", "xml"]
import colorsys
assert is_deferred("colorsys")
# Walks sys.modules reading each module's __file__: that imports nothing deferred.
inspect.getmodule(compile("1", "<nowhere>", "eval"))
assert is_deferred("colorsys") and is_deferred("xml")
stand_in = colorsys
assert colorsys.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
assert not is_deferred("colorsys") and sys.modules["colorsys"] is not stand_in
from colorsys import hls_to_rgb
assert hls_to_rgb(0.0, 0.5, 1.0) == (1.0, 0.0, 0.0)
import xml.dom.minidom
assert not is_deferred("xml")
assert xml.dom.minidom.parseString("<a/>").documentElement.tagName == "a"
print("used")
"""


def _printed_by_a_fresh_interpreter(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_deferred_module_is_imported_at_its_first_use_and_works_as_the_real_one():
    assert _printed_by_a_fresh_interpreter(_STAND_INS) == "used"


# PyBaMM reaches these two in ways a stand-in must survive: ``from posthog import Posthog``
# (PyBaMM's telemetry) and numpy's own ``import numpy.f2py as f2py`` (SciPy's ``from numpy
# import *``).
_FROM_AND_SUBMODULE = """
import sys
from sortie.deferred_imports import defer, is_deferred
assert defer(["posthog", "numpy.f2py"]) == ["posthog", "numpy.f2py"]
import numpy, scipy.sparse
from posthog import Posthog
assert is_deferred("posthog") and is_deferred("numpy.f2py")
assert numpy.f2py.get_include().endswith("src")
assert not is_deferred("numpy.f2py") and numpy.f2py is sys.modules["numpy.f2py"]
client = Posthog(project_api_key="none", host="http://127.0.0.1:9", disabled=True)
assert not is_deferred("posthog") and type(client) is sys.modules["posthog"].Posthog
print("used")
"""


def test_a_name_imported_from_a_deferred_module_and_a_deferred_submodule_work():
    assert _printed_by_a_fresh_interpreter(_FROM_AND_SUBMODULE) == "used"


def test_a_sweep_worker_flies_designs_without_importing_what_it_does_not_use():
    spec = spec_from_dict(
        {
            "base": {
                "mission": "quad-isr-loiter",
                "cell": "lg-m50-21700-chen2020",
                "settings": {"model": "spm"},
            },
            # 30 kg of payload: too heavy to take off, a row that is not flown.
            "dimensions": [{"field": "drone.payload_kg", "values": [0.25, 30.0]}],
        }
    )
    base = resolve_base(spec)
    designs = list(enumerate(spec.designs()))
    # The pool a sweep or an optimisation gets (sortie.studies.sweep.run_sweep).
    with executor_for(workers=2) as pool:
        rows, deferred = pool.submit(
            engine_work.rows_and_deferred, base, designs, STUDY_WORKER_DEFERRED
        ).result(timeout=300)

    assert set(STUDY_WORKER_DEFERRED) == {
        "sympy",
        "black",
        "xarray",
        "posthog",
        "numpy.f2py",
        "pandas",
    }
    assert deferred == dict.fromkeys(STUDY_WORKER_DEFERRED, True)
    table = rows_frame(rows, spec)
    assert table["flown"].tolist() == [True, False]
    # The same rows as this process gives, with everything imported.
    pd.testing.assert_frame_equal(table, rows_frame(flown_rows(base, designs), spec))
