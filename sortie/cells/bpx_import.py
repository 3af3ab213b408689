"""Import a user's cell from a BPX file (Battery Parameter eXchange, JSON) without running it.

BPX "Function" fields are Python expressions, and they are executed twice on the way into a
simulation: the ``bpx`` package's own validation evaluates the OCP formulas to check the voltage
window, and PyBaMM's ``ParameterValues.create_from_bpx`` turns every formula into a Python
function. A formula such as ``exit(7)`` matches the BPX grammar and ends the process. So:

- every string outside the Header must be a formula built only from numbers, ``x``, ``exp``,
  ``tanh``, ``cosh``, ``+ - * / **`` and parentheses (:func:`check_formula`). The check runs
  BEFORE the ``bpx`` package sees the document;
- reading and validating happen in a child Python process with a time and a memory limit; the
  parent receives plain JSON back, checks every formula again and only reads numbers from it;
- every failure is a :class:`BpxError`: one line that starts with the file name.

PyBaMM is not imported here (only :mod:`sortie.engine` may): the engine reads
:attr:`BpxCell.bpx_json` (as ``ModelSpec.bpx_json``) with :mod:`sortie.engine.bpx`.

The child is ``python -m sortie.cells.bpx_import`` (not ``multiprocessing``): a spawned
multiprocessing child re-imports the parent's ``__main__``, which under Streamlit is the app.

Why one module of ~600 lines: it is one idea, the trust boundary for a BPX file. The child's
parse and the parent's re-check run the same document walk and formula check on both sides
of the process boundary, and the child runs this very module (``-m``), so splitting it would
put one boundary's two halves in different files. The formula grammar itself lives in
:mod:`sortie.cells.bpx_formula`.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import signal
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sortie.cells.bpx_formula import (  # noqa: F401  (re-exported)
    ALLOWED_NAMES,
    FORMULA_FUNCTIONS,
    FORMULA_VARIABLES,
    MAX_FORMULA_CHARS,
    MAX_FORMULA_DEPTH,
    MAX_INTEGER_BITS,
    MAX_MESSAGE_CHARS,
    BpxError,
    _one_line,
    check_formula,
)
from sortie.errors import FileTooLargeError, InputError, describe_validation_error
from sortie.files import read_regular_file

MAX_BPX_BYTES = 2_000_000
PARSE_TIMEOUT_S = 20.0
MAX_DOCUMENT_DEPTH = 32
MAX_METADATA_CHARS = 20_000
MAX_TITLE_CHARS = 120
CHILD_MEMORY_LIMIT_BYTES = 1 << 30

SUPPORTED_MODELS = ("DFN", "SPMe")
# PyBaMM builds at most two particle phases (primary, secondary) per electrode.
MAX_PARTICLE_MATERIALS = 2

_CHILD_MODULE = "sortie.cells.bpx_import"
_PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class BpxCell:
    """A validated BPX file, safe to hand to PyBaMM.

    Every formula in it passed :func:`check_formula`, every number is finite, and the quantities
    below were range-checked. Lengths are converted to the unit in the field name; everything
    else is the BPX value. Electrodes with blended materials (BPX ``Particle``) report the
    first material's particle radius and the summed active material volume fraction.

    ``electrode_area_m2`` is the total: BPX "Electrode area [m2]" (one electrode pair, PyBaMM's
    convention) times ``electrode_pair_count``. ``*_active_material_volume_fraction`` is derived
    as PyBaMM does, ``surface area per unit volume * particle radius / 3`` summed over materials.
    ``cell_mass_kg`` is BPX's lumped thermal "Density [kg.m-3]" times "Volume [m3]": it is only
    as good as that density (a thermal lump, sometimes a placeholder). ``warnings`` holds the
    ``bpx`` package's own warnings (e.g. the OCP window does not match the cut-offs) and ours.

    :attr:`bpx` is the file as read (a v0.x file converted to v1.x) without the "User-defined"
    "description" text, which PyBaMM cannot take. PyBaMM 26.10's BPX import also needs the
    BPX-optional Cell "Volume [m3]" and "External surface area [m2]" (KeyError otherwise;
    ``None`` here when absent) and, for thermal models, "Density [kg.m-3]" and "Specific heat
    capacity [J.K-1.kg-1]". "Reference temperature [K]" is required at import for that reason.
    """

    source: str
    title: str
    description: str
    model_type: str
    bpx_version: str
    bpx_json: str = field(repr=False)
    electrode_area_m2: float
    electrode_pair_count: int
    nominal_capacity_ah: float
    lower_cutoff_v: float
    upper_cutoff_v: float
    positive_thickness_um: float
    negative_thickness_um: float
    separator_thickness_um: float
    positive_porosity: float
    negative_porosity: float
    separator_porosity: float
    positive_particle_radius_um: float
    negative_particle_radius_um: float
    positive_active_material_volume_fraction: float
    negative_active_material_volume_fraction: float
    positive_material_count: int
    negative_material_count: int
    cell_volume_m3: float | None
    cell_mass_kg: float | None
    external_surface_area_m2: float | None
    specific_heat_j_per_kg_k: float | None
    reference_temperature_k: float
    warnings: tuple[str, ...] = ()

    @property
    def bpx(self) -> dict[str, Any]:
        """The validated BPX document as a new dict on every access (PyBaMM's BPX import
        mutates the dict it is given, and this object stays frozen and hashable)."""
        return json.loads(self.bpx_json)


def read_bpx(path: str | Path, *, timeout_s: float | None = None) -> BpxCell:
    """Read, validate and check a BPX file in a child process; see :func:`read_bpx_bytes`.

    The size limit (:data:`MAX_BPX_BYTES`) is checked before anything is read.
    """
    file_path = Path(path)
    source = _one_line(file_path.name or str(file_path), MAX_TITLE_CHARS)
    return read_bpx_bytes(_read_bounded(file_path, source), source, timeout_s=timeout_s)


def read_bpx_bytes(data: bytes, source: str, *, timeout_s: float | None = None) -> BpxCell:
    """Validate BPX file contents (e.g. a Streamlit upload) named ``source`` in messages.

    JSON parsing, BPX validation and the formula check run in a child Python process that is
    killed after ``timeout_s`` (default :data:`PARSE_TIMEOUT_S`, read at call time) and limited
    to :data:`CHILD_MEMORY_LIMIT_BYTES`. Accepted: BPX 1.x "DFN" and "SPMe" parameterisations
    (v0.x files are converted by the ``bpx`` package, with a warning). Raises
    :class:`BpxError` for anything else, including a crashed or killed child.
    """
    limit_s = PARSE_TIMEOUT_S if timeout_s is None else timeout_s
    source = _one_line(source, MAX_TITLE_CHARS)
    if len(data) > MAX_BPX_BYTES:
        raise BpxError(_too_large_message(source, len(data)))
    if not data.strip():
        raise BpxError(f"{source}: file is empty")
    document, bpx_warnings = _parse_in_child(data, source, limit_s)
    with _prefixed(source):
        return _cell_from_document(document, source, bpx_warnings)


# --- formula check ---------------------------------------------------------------------------


# --- document walk ---------------------------------------------------------------------------


def _check_document(document: dict[str, Any]) -> None:
    """Check every string of the document as a formula, except metadata.

    Metadata is the Header and the "description" entry of "User-defined" (the ``bpx``
    package and PyBaMM keep those as plain text). Also rejects non-finite numbers, unexpected
    types and nesting deeper than :data:`MAX_DOCUMENT_DEPTH`.
    """
    for path, value in _leaves(document, ()):
        where = _path_text(path)
        if isinstance(value, str):
            if _is_metadata(path):
                if len(value) > MAX_METADATA_CHARS:
                    raise BpxError(f"{where}: text longer than {MAX_METADATA_CHARS:,} characters")
            else:
                check_formula(value, where)
        elif isinstance(value, float) and not math.isfinite(value):
            raise BpxError(f"{where}: {value} is not a finite number")
        elif value is not None and not isinstance(value, bool | int | float):
            raise BpxError(f"{where}: unexpected value of type {type(value).__name__}")


def _leaves(value: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(path, value) of every non-container value, depth first."""
    if len(path) > MAX_DOCUMENT_DEPTH:
        raise BpxError(f"{_path_text(path)}: nested more than {MAX_DOCUMENT_DEPTH} levels deep")
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, str(index)))
    else:
        yield path, value


def _is_metadata(path: tuple[str, ...]) -> bool:
    if path[:1] == ("Header",):
        return True
    return path == ("Parameterisation", "User-defined", "description")


def _path_text(path: tuple[str, ...]) -> str:
    """A field path as users read it: "Negative electrode.OCP [V]" (no "Parameterisation")."""
    shown = path[1:] if path[:1] == ("Parameterisation",) and len(path) > 1 else path
    return _one_line(".".join(shown), 160) or "document"


# --- child process ---------------------------------------------------------------------------


def _parse_in_child(data: bytes, source: str, timeout_s: float) -> tuple[dict, list[str]]:
    """Run this module as a child process on ``data``; return (document, warnings)."""
    with tempfile.TemporaryDirectory(prefix="sortie-bpx-") as scratch_dir:
        command = [sys.executable, "-E", "-s", "-m", _CHILD_MODULE, "--scratch-dir", scratch_dir]
        try:
            completed = subprocess.run(
                command,
                input=data,
                capture_output=True,
                timeout=timeout_s,
                cwd=_PROJECT_ROOT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise BpxError(
                f"{source}: took longer than {timeout_s:g} s to parse (the time limit); "
                "the file was not used"
            ) from None
        except OSError as error:
            raise BpxError(f"{source}: could not start the BPX parser ({error.strerror})") from None
    return _child_result(completed, source)


def _child_result(
    completed: subprocess.CompletedProcess[bytes], source: str
) -> tuple[dict, list[str]]:
    """Decode the child's one JSON line; any other outcome is a :class:`BpxError`."""
    if completed.returncode != 0:
        if completed.returncode < 0:
            how = f"was killed ({_signal_name(-completed.returncode)})"
        else:
            how = f"exited with code {completed.returncode}"
        lines = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = f": {_one_line(lines[-1], 160)}" if lines else ""
        raise BpxError(f"{source}: the BPX parser process {how}{detail}")
    try:
        result = json.loads(completed.stdout)
    except ValueError:
        result = None
    if isinstance(result, dict) and isinstance(result.get("error"), str):
        raise BpxError(f"{source}: {_one_line(result['error'], MAX_MESSAGE_CHARS)}")
    if (
        not isinstance(result, dict)
        or not isinstance(result.get("document"), dict)
        or not isinstance(result.get("warnings"), list)
    ):
        raise BpxError(f"{source}: the BPX parser process gave no readable result")
    return result["document"], [_one_line(str(item), 300) for item in result["warnings"]]


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _child_main(argv: list[str]) -> int:
    """The parser process: BPX bytes on stdin, one JSON object on stdout.

    ``{"document": {...}, "warnings": [...]}`` or ``{"error": "one line"}``. Nothing else is
    written to stdout: ``print`` is redirected to stderr while parsing.
    """
    parser = argparse.ArgumentParser(prog=_CHILD_MODULE)
    parser.add_argument("--scratch-dir", required=True)
    options = parser.parse_args(argv)
    result_stream = sys.stdout
    sys.stdout = sys.stderr
    _limit_memory(CHILD_MEMORY_LIMIT_BYTES)
    # bpx writes each formula it evaluates to a temporary file and never deletes it.
    tempfile.tempdir = options.scratch_dir
    try:
        document, bpx_warnings = _parse_and_validate(sys.stdin.buffer.read(MAX_BPX_BYTES + 1))
        result: dict[str, Any] = {"document": document, "warnings": bpx_warnings}
    except BpxError as error:
        result = {"error": str(error)}
    except RecursionError:
        result = {"error": f"nested more than {MAX_DOCUMENT_DEPTH} levels deep"}
    except MemoryError:
        result = {"error": "needs too much memory to parse"}
    except SystemExit:
        result = {"error": "the document tried to end the parser process"}
    except Exception as error:
        result = {"error": f"could not be validated ({type(error).__name__}: {error})"}
    result_stream.write(json.dumps(result, allow_nan=False))
    result_stream.flush()
    return 0


def _limit_memory(limit_bytes: int) -> None:
    """Cap the address space of this process (POSIX only; elsewhere the time limit remains)."""
    try:
        import resource
    except ImportError:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit_bytes = min(limit_bytes, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, hard))
    except (ValueError, OSError):
        return


def _parse_and_validate(data: bytes) -> tuple[dict[str, Any], list[str]]:
    """JSON -> formula check -> (v0 conversion) -> bpx validation -> model type check."""
    import bpx
    from bpx.schema import Parameterisation

    if len(data) > MAX_BPX_BYTES:
        raise BpxError(f"file is larger than {MAX_BPX_BYTES:,} bytes")
    document = _decode_json(data)
    _check_document(document)
    caught_warnings: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if bpx.is_legacy_bpx(document):
                old_version = document["Header"]["BPX"]
                document = bpx.convert_v0_to_v1(document)
                _check_document(document)
                caught_warnings.append(
                    f"BPX {old_version} file converted to the v1 layout by the bpx package "
                    "(approximate: initial state of charge set to 1, temperatures taken from "
                    "those given)"
                )
            # Validation mutates the dict it is given; keep ours as read.
            model = bpx.parse_bpx_obj(copy.deepcopy(document), convert_legacy=False)
        except ValidationError as error:
            raise BpxError(
                _one_line(describe_validation_error(error, "not a valid BPX file"))
            ) from None
        except ValueError as error:
            raise BpxError(f"not a valid BPX file: {_one_line(str(error))}") from None
        except ArithmeticError as error:
            raise BpxError(
                f"an OCP formula cannot be evaluated at its stoichiometry limits ({error})"
            ) from None
    for item in caught:
        text = _one_line(str(item.message), 300)
        if (
            issubclass(item.category, UserWarning | DeprecationWarning)
            and text not in caught_warnings
        ):
            caught_warnings.append(text)
    model_type = model.header.model
    if model_type not in SUPPORTED_MODELS or not isinstance(
        model.parameterisation, Parameterisation
    ):
        raise BpxError(
            f"is a {model_type!r} parameter set; Sortie needs a full parameterisation "
            f"(Header Model {' or '.join(SUPPORTED_MODELS)})"
        )
    # PyBaMM turns "User-defined" entries into parameters and fails on this text.
    user_defined = document["Parameterisation"].get("User-defined")
    if isinstance(user_defined, dict):
        user_defined.pop("description", None)
    return document, caught_warnings


def _decode_json(data: bytes) -> dict[str, Any]:
    if not data.strip():
        raise BpxError("file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BpxError(f"not a UTF-8 text file (invalid byte at position {error.start})") from None
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise BpxError(
            f"not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from None
    except ValueError as error:
        raise BpxError(f"not valid JSON ({_one_line(str(error), 120)})") from None
    if not isinstance(document, dict):
        raise BpxError("not a BPX document (the top level must be a JSON object)")
    return document


def _reject_constant(name: str) -> float:
    raise BpxError(f"not valid JSON ({name} is not a number BPX allows)")


# --- parent: numbers out of the checked document ---------------------------------------------


def _cell_from_document(document: dict[str, Any], source: str, bpx_warnings: list[str]) -> BpxCell:
    """Re-check the child's document (it ran the formulas), then read and range-check numbers."""
    _check_document(document)
    header = _section(document, "Header")
    parameters = _section(document, "Parameterisation")
    cell = _section(parameters, "Cell")
    negative = _electrode(_section(parameters, "Negative electrode"), "Negative electrode")
    positive = _electrode(_section(parameters, "Positive electrode"), "Positive electrode")
    separator = _section(parameters, "Separator")
    pair_count = _count(cell, "Number of electrode pairs connected in parallel to make a cell")
    lower_v = _positive(cell, "Lower voltage cut-off [V]", "Cell")
    upper_v = _positive(cell, "Upper voltage cut-off [V]", "Cell")
    if lower_v >= upper_v:
        raise BpxError(f"Cell: lower voltage cut-off {lower_v:g} V is not below {upper_v:g} V")
    volume_m3 = _optional_positive(cell, "Volume [m3]", "Cell")
    density_kg_per_m3 = _optional_positive(cell, "Density [kg.m-3]", "Cell")
    _fraction(separator, "Transport efficiency", "Separator", allow_one=True)
    cell_warnings = [
        f"{name}: porosity + active material fraction is {e.porosity + e.active_fraction:.3f}, "
        "above 1"
        for name, e in (("Negative electrode", negative), ("Positive electrode", positive))
        if e.porosity + e.active_fraction > 1.0 + 1e-6
    ]
    title = _one_line(str(header.get("Title") or ""), MAX_TITLE_CHARS)
    return BpxCell(
        source=source,
        title=title or Path(source).stem,
        description=_one_line(str(header.get("Description") or ""), MAX_METADATA_CHARS),
        model_type=str(header.get("Model")),
        bpx_version=str(header.get("BPX")),
        bpx_json=json.dumps(document, allow_nan=False),
        electrode_area_m2=_positive(cell, "Electrode area [m2]", "Cell") * pair_count,
        electrode_pair_count=pair_count,
        nominal_capacity_ah=_positive(cell, "Nominal cell capacity [A.h]", "Cell"),
        lower_cutoff_v=lower_v,
        upper_cutoff_v=upper_v,
        positive_thickness_um=_um(positive.thickness_m),
        negative_thickness_um=_um(negative.thickness_m),
        separator_thickness_um=_um(_positive(separator, "Thickness [m]", "Separator")),
        positive_porosity=positive.porosity,
        negative_porosity=negative.porosity,
        separator_porosity=_fraction(separator, "Porosity", "Separator"),
        positive_particle_radius_um=_um(positive.particle_radius_m),
        negative_particle_radius_um=_um(negative.particle_radius_m),
        positive_active_material_volume_fraction=positive.active_fraction,
        negative_active_material_volume_fraction=negative.active_fraction,
        positive_material_count=positive.material_count,
        negative_material_count=negative.material_count,
        cell_volume_m3=volume_m3,
        cell_mass_kg=(
            density_kg_per_m3 * volume_m3
            if density_kg_per_m3 is not None and volume_m3 is not None
            else None
        ),
        external_surface_area_m2=_optional_positive(cell, "External surface area [m2]", "Cell"),
        specific_heat_j_per_kg_k=_optional_positive(
            cell, "Specific heat capacity [J.K-1.kg-1]", "Cell"
        ),
        reference_temperature_k=_positive(cell, "Reference temperature [K]", "Cell"),
        warnings=(*bpx_warnings, *cell_warnings),
    )


@dataclass(frozen=True)
class _Electrode:
    thickness_m: float
    porosity: float
    particle_radius_m: float
    active_fraction: float
    material_count: int


def _electrode(section: dict[str, Any], name: str) -> _Electrode:
    """Range-checked electrode numbers; blended electrodes list materials under "Particle"."""
    if "Particle" in section:
        materials = section["Particle"]
        if not isinstance(materials, dict) or not materials:
            raise BpxError(f"{name}.Particle: expected one entry per material")
        if len(materials) > MAX_PARTICLE_MATERIALS:
            raise BpxError(
                f"{name}.Particle: {len(materials)} materials; PyBaMM supports at most "
                f"{MAX_PARTICLE_MATERIALS}"
            )
        particles = [
            (f"{name}.Particle.{_one_line(str(key), 40)}", _as_section(value, f"{name}.{key}"))
            for key, value in materials.items()
        ]
    else:
        particles = [(name, section)]
    active_fraction = 0.0
    for where, particle in particles:
        radius_m = _positive(particle, "Particle radius [m]", where)
        area_per_m = _positive(particle, "Surface area per unit volume [m-1]", where)
        active_fraction += area_per_m * radius_m / 3.0
        _positive(particle, "Maximum concentration [mol.m-3]", where)
        low = _fraction(particle, "Minimum stoichiometry", where, allow_zero=True, allow_one=True)
        high = _fraction(particle, "Maximum stoichiometry", where, allow_zero=True, allow_one=True)
        if low >= high:
            raise BpxError(f"{where}: minimum stoichiometry {low:g} is not below {high:g}")
    _fraction(section, "Transport efficiency", name, allow_one=True)
    return _Electrode(
        thickness_m=_positive(section, "Thickness [m]", name),
        porosity=_fraction(section, "Porosity", name),
        particle_radius_m=_positive(particles[0][1], "Particle radius [m]", particles[0][0]),
        active_fraction=active_fraction,
        material_count=len(particles),
    )


def _section(parent: dict[str, Any], key: str) -> dict[str, Any]:
    if key not in parent:
        raise BpxError(f"{key}: section is missing")
    return _as_section(parent[key], key)


def _as_section(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BpxError(f"{where}: expected a section (JSON object)")
    return value


def _number(section: dict[str, Any], key: str, where: str) -> float:
    value = section.get(key)
    if value is None:
        raise BpxError(f"{where}.{key}: value is missing")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BpxError(f"{where}.{key}: expected a number, not {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number):
        raise BpxError(f"{where}.{key}: {value} is not a finite number")
    return number


def _positive(section: dict[str, Any], key: str, where: str) -> float:
    number = _number(section, key, where)
    if number <= 0:
        raise BpxError(f"{where}.{key}: {number:g} must be above 0")
    return number


def _optional_positive(section: dict[str, Any], key: str, where: str) -> float | None:
    return None if section.get(key) is None else _positive(section, key, where)


def _fraction(
    section: dict[str, Any],
    key: str,
    where: str,
    *,
    allow_zero: bool = False,
    allow_one: bool = False,
) -> float:
    """A number in (0, 1), with either end allowed on request."""
    number = _number(section, key, where)
    above_low = number >= 0 if allow_zero else number > 0
    below_high = number <= 1 if allow_one else number < 1
    if not (above_low and below_high):
        low, high = ("[0" if allow_zero else "(0"), ("1]" if allow_one else "1)")
        raise BpxError(f"{where}.{key}: {number:g} is outside {low}, {high}")
    return number


def _count(section: dict[str, Any], key: str) -> int:
    number = _number(section, key, "Cell")
    if number < 1 or number != int(number) or number > 1_000_000:
        raise BpxError(f"Cell.{key}: {number:g} is not a whole number from 1 up")
    return int(number)


# --- small helpers ---------------------------------------------------------------------------


def _read_bounded(file_path: Path, source: str) -> bytes:
    """The file's bytes: a regular file only (a named pipe would block), refused above
    :data:`MAX_BPX_BYTES` before reading when its size says so, and read with that hard limit
    whatever it says (a link to ``/dev/zero`` claims 0 bytes)."""
    try:
        return read_regular_file(file_path, MAX_BPX_BYTES, source)
    except FileTooLargeError as error:
        raise BpxError(_too_large_message(source, error.size_bytes)) from None
    except InputError as error:
        raise BpxError(str(error)) from None


def _um(length_m: float) -> float:
    """Metres to micrometres, without float noise like 56.199999999999996."""
    return round(length_m * 1e6, 9)


def _too_large_message(source: str, size: int | None) -> str:
    shown = f"{size:,} bytes" if size is not None else f"more than {MAX_BPX_BYTES:,} bytes"
    return f"{source}: file is {shown}; the limit for BPX files is {MAX_BPX_BYTES:,} bytes"


@contextmanager
def _prefixed(source: str) -> Iterator[None]:
    """Put the file name in front of :class:`BpxError` messages raised inside."""
    try:
        yield
    except BpxError as error:
        raise BpxError(f"{source}: {error}") from None


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
