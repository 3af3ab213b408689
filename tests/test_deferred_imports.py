"""Workers start without the modules PyBaMM imports but a solve never uses
(sortie.deferred_imports), and fly the same designs as a process that has them all."""

from __future__ import annotations

import json
import os
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

    assert deferred == dict.fromkeys(STUDY_WORKER_DEFERRED, True)
    table = rows_frame(rows, spec)
    assert table["flown"].tolist() == [True, False]
    # The same rows as this process gives, with everything imported.
    pd.testing.assert_frame_equal(table, rows_frame(flown_rows(base, designs), spec))


# What the study fork server does when it starts (sortie.studies.study_server), in a fresh
# interpreter; or, with "plain", the same modules imported without deferring anything.
_STUDY_SERVER_START = """
import json, sys
from sortie.deferred_imports import is_deferred
from sortie.studies.executors import STUDY_WORKER_DEFERRED
if sys.argv[1] == "plain":
    import sortie.engine, sortie.studies.design_rows
    print(json.dumps({name: name in sys.modules for name in STUDY_WORKER_DEFERRED}))
    raise SystemExit
import sortie.studies.study_server
before = {name: is_deferred(name) for name in STUDY_WORKER_DEFERRED}
# The first use of each: the real module, working.
import black, numpy, pandas, posthog, sympy, xarray
used = {
    "sympy": str(sympy.expand((sympy.Symbol("x") + 1) ** 2)) == "x**2 + 2*x + 1",
    "black": black.format_str("x=( 1 )", mode=black.Mode()) == "x = 1\\n",
    "xarray": int(xarray.DataArray([1, 2, 3]).sum()) == 6,
    "posthog": posthog.Posthog(project_api_key="none", disabled=True).disabled,
    "numpy.f2py": numpy.f2py.get_include().endswith("src"),
    "pandas": pandas.DataFrame({"a": [1, 2]})["a"].sum() == 3,
}
after = {name: is_deferred(name) for name in STUDY_WORKER_DEFERRED}
print(json.dumps({"before": before, "used": {k: bool(v) for k, v in used.items()}, "after": after}))
"""


def _study_server_start(mode: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _STUDY_SERVER_START, mode],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYBAMM_DISABLE_TELEMETRY": "true"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_study_worker_imports_the_deferred_modules_only_at_their_first_use():
    """Each deferred module is one the worker's imports would load (deferring it saves
    something), the worker starts without it, and its first use imports the real one."""
    assert _study_server_start("plain") == dict.fromkeys(STUDY_WORKER_DEFERRED, True)
    started = _study_server_start("deferred")
    assert started["before"] == dict.fromkeys(STUDY_WORKER_DEFERRED, True)
    assert started["used"] == dict.fromkeys(STUDY_WORKER_DEFERRED, True)
    assert started["after"] == dict.fromkeys(STUDY_WORKER_DEFERRED, False)
