"""BPX import: valid files become BpxCells; unsafe, broken or slow files become one-line errors.

The unsafe cases check that nothing ran: a formula that would create a file must leave no file.
The control test shows that the same formula really runs when given to the bpx package
directly (in a throwaway process), so the "nothing ran" assertions are meaningful.
"""

import copy
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bpx
import pytest

from sortie.cells import bpx_import
from sortie.cells.bpx_import import (
    ALLOWED_NAMES,
    MAX_BPX_BYTES,
    BpxCell,
    BpxError,
    check_formula,
    read_bpx,
    read_bpx_bytes,
)
from sortie.errors import InputError

DATA = Path(__file__).parent / "data"
VALID = DATA / "bpx_valid_nmc_pouch.json"
UNSAFE_EXIT = DATA / "bpx_unsafe_exit.json"
NEGATIVE_OCP = ("Parameterisation", "Negative electrode", "OCP [V]")
# The real parser, a minute late (tests/bpx_slow_parser.py): the delay comes from the test.
SLOW_PARSER = "tests.bpx_slow_parser"


def valid_document() -> dict:
    return json.loads(VALID.read_text(encoding="utf-8"))


def with_value(path: tuple[str, ...], value: object) -> dict:
    """The valid document with one entry set (created if missing)."""
    document = valid_document()
    section = document
    for key in path[:-1]:
        section = section.setdefault(key, {})
    section[path[-1]] = value
    return document


def without(path: tuple[str, ...]) -> dict:
    document = valid_document()
    section = document
    for key in path[:-1]:
        section = section[key]
    del section[path[-1]]
    return document


def write(tmp_path: Path, document: object, name: str = "cell.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def rejected(path: Path) -> str:
    """The BpxError message for ``path``, checked to be one line naming the file."""
    with pytest.raises(BpxError) as caught:
        read_bpx(path)
    message = str(caught.value)
    assert message.startswith(f"{path.name}: "), message
    assert "\n" not in message and "\r" not in message
    return message


# --- a valid file ----------------------------------------------------------------------------


def test_valid_file_gives_the_cell_numbers():
    cell = read_bpx(VALID)
    assert isinstance(cell, BpxCell)
    assert cell.source == "bpx_valid_nmc_pouch.json"
    assert cell.title == "Test NMC111|graphite 12.5 Ah pouch cell"
    assert (cell.model_type, cell.bpx_version) == ("DFN", "1.1.0")
    assert cell.electrode_pair_count == 34
    assert cell.electrode_area_m2 == pytest.approx(0.016808 * 34)
    assert cell.nominal_capacity_ah == 12.5
    assert (cell.lower_cutoff_v, cell.upper_cutoff_v) == (2.7, 4.2)
    assert cell.positive_thickness_um == pytest.approx(52.3)
    assert cell.negative_thickness_um == 56.2
    assert cell.separator_thickness_um == pytest.approx(20.0)
    assert (cell.positive_porosity, cell.negative_porosity, cell.separator_porosity) == (
        0.277493,
        0.253991,
        0.47,
    )
    assert cell.positive_particle_radius_um == pytest.approx(4.6)
    assert cell.negative_particle_radius_um == pytest.approx(4.12)
    # PyBaMM's BPX rule: active fraction = surface area per volume * radius / 3.
    assert cell.positive_active_material_volume_fraction == pytest.approx(432072 * 4.6e-6 / 3)
    assert cell.negative_active_material_volume_fraction == pytest.approx(499522 * 4.12e-6 / 3)
    assert (cell.positive_material_count, cell.negative_material_count) == (1, 1)
    assert cell.cell_volume_m3 == 0.000128
    assert cell.cell_mass_kg == pytest.approx(1847 * 0.000128)
    assert cell.external_surface_area_m2 == 0.0379
    assert cell.specific_heat_j_per_kg_k == 913
    assert cell.reference_temperature_k == 298.15
    # The bpx package's own check: the OCPs at the stoichiometry limits give 4.2018 V > 4.2 V.
    assert any("maximum voltage" in warning for warning in cell.warnings)


def test_document_is_the_file_and_a_fresh_copy_each_time():
    cell = read_bpx(VALID)
    document = cell.bpx
    assert document == valid_document()
    document["Parameterisation"]["Cell"]["Volume [m3]"] = 1.0
    assert cell.bpx == valid_document()
    assert hash(cell) == hash(read_bpx(VALID))
    assert "bpx_json" not in repr(cell)


def test_bytes_upload_is_read_like_a_file():
    cell = read_bpx_bytes(VALID.read_bytes(), "upload.json")
    assert cell.source == "upload.json"
    assert cell.nominal_capacity_ah == 12.5


def test_header_text_is_metadata_and_shown_on_one_line(tmp_path):
    document = with_value(("Header", "Title"), "exit(7)\n\x1b[31m  red")
    cell = read_bpx(write(tmp_path, document))
    assert cell.title == "exit(7) [31m red"


def test_missing_title_falls_back_to_the_file_name(tmp_path):
    cell = read_bpx(write(tmp_path, without(("Header", "Title")), name="my-cell.json"))
    assert cell.title == "my-cell"


def test_blended_electrode_sums_the_materials(tmp_path):
    document = valid_document()
    negative = document["Parameterisation"]["Negative electrode"]
    particle_keys = [
        "Particle radius [m]",
        "Diffusivity [m2.s-1]",
        "OCP [V]",
        "Entropic change coefficient [V.K-1]",
        "Surface area per unit volume [m-1]",
        "Reaction rate constant [mol.m-2.s-1]",
        "Minimum stoichiometry",
        "Maximum stoichiometry",
        "Maximum concentration [mol.m-3]",
        "Diffusivity activation energy [J.mol-1]",
        "Reaction rate constant activation energy [J.mol-1]",
    ]
    primary = {key: negative.pop(key) for key in particle_keys}
    secondary = dict(
        primary, **{"Particle radius [m]": 1e-6, "Surface area per unit volume [m-1]": 3e4}
    )
    negative["Particle"] = {"Primary": primary, "Secondary": secondary}
    cell = read_bpx(write(tmp_path, document))
    assert cell.negative_material_count == 2
    assert cell.negative_particle_radius_um == pytest.approx(4.12)
    assert cell.negative_active_material_volume_fraction == pytest.approx(
        499522 * 4.12e-6 / 3 + 3e4 * 1e-6 / 3
    )


def test_legacy_v0_file_is_converted_with_a_warning(tmp_path):
    document = without(("State",))
    document["Header"]["BPX"] = "0.4.0"
    document["Parameterisation"]["Cell"]["Initial temperature [K]"] = 298.15
    document["Parameterisation"]["Electrolyte"]["Initial concentration [mol.m-3]"] = 1000
    cell = read_bpx(write(tmp_path, document))
    assert cell.bpx_version.startswith("1.")
    assert "State" in cell.bpx
    assert any("converted" in warning for warning in cell.warnings)


def test_user_defined_description_is_dropped_and_formulas_kept(tmp_path):
    document = with_value(
        ("Parameterisation", "User-defined"), {"description": "notes", "Extra [V]": "2 * x"}
    )
    cell = read_bpx(write(tmp_path, document))
    assert cell.bpx["Parameterisation"]["User-defined"] == {"Extra [V]": "2 * x"}


def test_parsing_leaves_no_temporary_files():
    """The bpx package writes each formula it evaluates to a temporary file and keeps it."""
    pattern = "*reconstructed_function.py"
    before = set(Path(tempfile.gettempdir()).glob(pattern))
    read_bpx(VALID)
    assert set(Path(tempfile.gettempdir()).glob(pattern)) == before


# --- formulas --------------------------------------------------------------------------------


def test_allow_list_is_what_bpx_and_pybamm_define():
    assert frozenset({"x", "exp", "tanh", "cosh"}) == ALLOWED_NAMES


@pytest.mark.parametrize(
    "formula",
    [
        "1",
        "3.3e-14",
        "-x",
        "+x",
        "--x",
        "2 * x ** -0.5",
        ".5 * x + 1.e3 - 1E5",
        "exp(-x) / cosh(x) + tanh(2 * (x - 0.5))",
        "(-0.1112 * x + 0.02914 + 0.3561 * exp(-((x - 0.08309) ** 2) / 0.004616)) / 1000",
        "\tx ",
        "2 ** 1000 * x",
        " + ".join(f"{i} * x ** {i}" for i in range(60)),
    ],
)
def test_arithmetic_formulas_pass(formula):
    check_formula(formula, "Negative electrode.OCP [V]")


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("exit(7)", "name 'exit' is not allowed"),
        ("__import__('os').system('ls')", "attribute access '.system' is not allowed"),
        ("(exp)(x)(x)", "only calls of cosh, exp, tanh are allowed"),
        ("().__class__.__bases__[0]", "subscripts"),
        ("().__class__", "attribute access '.__class__'"),
        ("x.real", "attribute access '.real'"),
        ("lambda: 1", "'lambda' not allowed"),
        ("[c for c in x]", "comprehensions not allowed"),
        ("x < 1", "comparisons not allowed"),
        ("x if x else 1", "'if ... else' not allowed"),
        ("'abc'", "constant 'abc' is not allowed"),
        ("True", "constant True is not allowed"),
        ("1j", "constant 1j is not allowed"),
        ("(x, x)", "tuples not allowed"),
        ("sqrt(x)", "name 'sqrt' is not allowed"),
        ("T * x", "name 'T' is not allowed"),
        ("exp", "function 'exp' must be called"),
        ("x(2)", "name 'x' is not allowed"),
        ("exp(x, 2)", "exp() takes exactly one positional argument"),
        ("exp(x=1)", "exp() takes exactly one positional argument"),
        ("exp(*x)", "exp() takes exactly one positional argument"),
        ("exp(x)(x)", "only calls of"),
        ("x // 2", "operator in 'x // 2' is not allowed"),
        ("x % 2", "operator in 'x % 2' is not allowed"),
        ("~x", "operator in '~x' is not allowed"),
        ("9 ** 9 ** 9 ** 9", "integer power '9 ** 9 ** 9' is too large"),
        ("1 / 0", "'1 / 0' cannot be evaluated"),
        ("10.0 ** 400 * x", "'10.0 ** 400' cannot be evaluated"),
        ("1e999 * x", "is not a finite number"),
        ("exp(1000)", "overflows"),
        ("(-8) ** 0.5", "complex number"),
        ("x # comment", "character '#' is not allowed"),
        ("(x\n)", "character '\\n' is not allowed"),
        ("x +", "not a valid formula"),
        ("x; exit(7)", "not a valid formula"),
        ("", "formula is empty"),
        ("x" + " + x" * 600, "characters long; the limit is 2,000"),
        ("-" * 150 + "x", "nested more than 100 levels deep"),
    ],
)
def test_anything_but_arithmetic_is_rejected(formula, expected):
    with pytest.raises(BpxError) as caught:
        check_formula(formula, "Negative electrode.OCP [V]")
    message = str(caught.value)
    assert message.startswith("Negative electrode.OCP [V]: "), message
    assert expected in message, message
    assert "\n" not in message


def test_bpx_error_is_an_input_error():
    assert issubclass(BpxError, InputError)


# --- unsafe files ----------------------------------------------------------------------------


def test_exit_formula_file_is_rejected_naming_the_field():
    message = rejected(UNSAFE_EXIT)
    assert message == (
        "bpx_unsafe_exit.json: Negative electrode.OCP [V]: name 'exit' is not allowed "
        "(formulas may use x and cosh, exp, tanh)"
    )


def touch_formula(marker: Path) -> str:
    """Python that creates ``marker`` (the BPX grammar rejects this spelling too)."""
    return f"__import__('os').system('touch {marker}')"


def exploit_formula(marker: Path) -> str:
    """The same, written in the BPX grammar: only names, calls, numbers and "+"."""
    code = f"__import__('os').system('touch {marker}')"
    return "exec(" + " + ".join(f"chr({ord(character)})" for character in code) + ")"


def test_control_the_bpx_package_itself_runs_formulas(tmp_path):
    """Without Sortie's check, validating the exploit with bpx creates the marker file."""
    marker = tmp_path / "pwned-by-bpx"
    formula = exploit_formula(marker)
    assert bpx.Function.validate(formula) == formula  # the BPX grammar accepts it
    script = "import json, sys, bpx\nbpx.parse_bpx_obj(json.loads(sys.stdin.read()))\n"
    subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(with_value(NEGATIVE_OCP, formula)),
        text=True,
        capture_output=True,
        timeout=60,
        check=False,
        env={**os.environ, "TMPDIR": str(tmp_path)},  # bpx leaves a temporary file per formula
    )
    assert marker.exists()


def test_grammar_valid_exploit_is_rejected_and_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"
    message = rejected(write(tmp_path, with_value(NEGATIVE_OCP, exploit_formula(marker))))
    assert message.startswith("cell.json: Negative electrode.OCP [V]: name 'exec' is not allowed")
    assert not marker.exists()


@pytest.mark.parametrize(
    "path",
    [
        NEGATIVE_OCP,
        ("Parameterisation", "Electrolyte", "Conductivity [S.m-1]"),
        ("Parameterisation", "Positive electrode", "Diffusivity [m2.s-1]"),
        ("Parameterisation", "User-defined", "Extra [V]"),
        ("Parameterisation", "Cell", "Volume [m3]"),
        ("State", "Initial conditions", "Initial temperature [K]"),
        ("Validation", "1C", "Time [s]"),
    ],
    ids=lambda path: path[-1],
)
@pytest.mark.parametrize("make_formula", [touch_formula, exploit_formula])
def test_code_anywhere_outside_the_header_runs_nothing(tmp_path, path, make_formula):
    marker = tmp_path / "pwned"
    formula = make_formula(marker)
    value = [formula] if path[-1] == "Time [s]" else formula
    message = rejected(write(tmp_path, with_value(path, value)))
    field = ".".join(path[1:] if path[0] == "Parameterisation" else path)
    assert f"cell.json: {field}" in message
    assert "not allowed" in message
    assert not marker.exists()


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("exit(7)", "name 'exit' is not allowed"),
        ("().__class__.__bases__[0]", "subscripts"),
        ("lambda: exit(7)", "'lambda' not allowed"),
        ("x.real", "attribute access '.real'"),
        ("x" + " + x" * 1000, "the limit is 2,000"),
        ("9 ** 9 ** 9 ** 9", "too large"),
    ],
)
def test_unsafe_formula_files_are_rejected(tmp_path, formula, expected):
    message = rejected(write(tmp_path, with_value(NEGATIVE_OCP, formula)))
    assert message.startswith("cell.json: Negative electrode.OCP [V]: ")
    assert expected in message


def test_formula_that_fails_when_bpx_evaluates_it_is_an_error(tmp_path):
    message = rejected(write(tmp_path, with_value(NEGATIVE_OCP, "exp(1000 * x)")))
    assert "cannot be evaluated at its stoichiometry limits" in message


def test_parent_checks_what_the_child_returns(monkeypatch):
    """A document coming back from the parser process is checked again, not trusted."""
    unsafe = with_value(NEGATIVE_OCP, "exit(7)")
    monkeypatch.setattr(bpx_import, "_parse_in_child", lambda data, source, limit_s: (unsafe, []))
    with pytest.raises(BpxError, match=r"^cell.json: Negative electrode.OCP \[V\]: name 'exit'"):
        read_bpx_bytes(b"{}", "cell.json")


# --- broken files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"Header": {', "not valid JSON (Expecting property name"),
        (bytes(range(256)) * 4, "not a UTF-8 text file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a UTF-8 text file"),
        (b"", "file is empty"),
        (b"  \n", "file is empty"),
        (b"[1, 2]", "top level must be a JSON object"),
        (b'{"Header": NaN}', "NaN is not a number BPX allows"),
        (b'{"Header": 1e999}', "inf is not a finite number"),
        (b"[" * 50_000 + b"]" * 50_000, "nested more than 32 levels deep"),
        (b"{}", "missing 'Header'"),
    ],
    ids=["truncated", "binary", "png", "empty", "blank", "list", "nan", "inf", "deep", "bare"],
)
def test_malformed_files_give_one_line_errors(tmp_path, content, expected):
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    assert expected in rejected(path)


def test_missing_bpx_fields_are_listed(tmp_path):
    document = without(("Parameterisation", "Cell", "Nominal cell capacity [A.h]"))
    del document["Parameterisation"]["Separator"]["Porosity"]
    message = rejected(write(tmp_path, document))
    assert message == (
        "cell.json: not a valid BPX file: Cell.Nominal cell capacity [A.h]: Field required; "
        "Separator.Porosity: Field required"
    )


def test_missing_section_and_unknown_key_are_errors(tmp_path):
    assert "Electrolyte: Field required" in rejected(
        write(tmp_path, without(("Parameterisation", "Electrolyte")))
    )
    assert "Extra inputs are not permitted" in rejected(
        write(tmp_path, with_value(("Surprise",), 1))
    )


def test_reference_temperature_is_required_for_pybamm(tmp_path):
    document = without(("Parameterisation", "Cell", "Reference temperature [K]"))
    message = rejected(write(tmp_path, document))
    assert "Cell.Reference temperature [K]: value is missing" in message


def test_out_of_range_values_are_errors(tmp_path):
    porosity = with_value(("Parameterisation", "Negative electrode", "Porosity"), 1.5)
    assert "Negative electrode.Porosity: 1.5 is outside (0, 1)" in rejected(
        write(tmp_path, porosity)
    )
    cut_off = with_value(("Parameterisation", "Cell", "Lower voltage cut-off [V]"), 4.3)
    assert "lower voltage cut-off 4.3 V is not below 4.2 V" in rejected(write(tmp_path, cut_off))


def test_single_particle_only_parameter_sets_are_refused(tmp_path):
    document = valid_document()
    parameters = document["Parameterisation"]
    for name in ("Electrolyte", "Separator"):
        del parameters[name]
    for electrode in ("Negative electrode", "Positive electrode"):
        for key in ("Conductivity [S.m-1]", "Porosity", "Transport efficiency"):
            del parameters[electrode][key]
    document["Header"]["Model"] = "SPM"
    del document["State"]["Initial conditions"]["Initial electrolyte concentration [mol.m-3]"]
    message = rejected(write(tmp_path, document))
    assert "is a 'SPM' parameter set; Sortie needs a full parameterisation" in message


def test_missing_and_too_large_files_are_refused_before_reading(tmp_path):
    assert rejected(tmp_path / "absent.json") == "absent.json: file not found"
    large = tmp_path / "large.json"
    large.write_bytes(b" " * (MAX_BPX_BYTES + 1))
    assert "the limit for BPX files is 2,000,000 bytes" in rejected(large)
    with pytest.raises(BpxError, match="the limit for BPX files"):
        read_bpx_bytes(b" " * (MAX_BPX_BYTES + 1), "upload.json")
    assert rejected(tmp_path).startswith(f"{tmp_path.name}: not a regular file")


# --- the parser process ----------------------------------------------------------------------


def test_slow_parse_is_stopped_at_the_time_limit(monkeypatch):
    monkeypatch.setattr(bpx_import, "PARSE_TIMEOUT_S", 1.0)
    monkeypatch.setattr(bpx_import, "_CHILD_MODULE", SLOW_PARSER)
    started_s = time.monotonic()
    message = rejected(VALID)
    assert time.monotonic() - started_s < 10
    assert message == (
        "bpx_valid_nmc_pouch.json: took longer than 1 s to parse (the time limit); "
        "the file was not used"
    )


def test_time_limit_can_be_given_per_call(monkeypatch):
    monkeypatch.setattr(bpx_import, "_CHILD_MODULE", SLOW_PARSER)
    with pytest.raises(BpxError, match=r"took longer than 0\.5 s"):
        read_bpx(VALID, timeout_s=0.5)


def test_the_parser_has_no_test_hooks():
    # Delays are the tests' own (SLOW_PARSER): the production parser takes none.
    assert not hasattr(bpx_import, "_child_test_delay_s")
    with pytest.raises(SystemExit):
        bpx_import._child_main(["--scratch-dir", ".", "--test-delay-s", "60"])


def test_failed_parser_process_is_an_error(monkeypatch):
    monkeypatch.setattr(bpx_import, "_CHILD_MODULE", "sortie.no_such_module")
    message = rejected(VALID)
    assert message.startswith("bpx_valid_nmc_pouch.json: the BPX parser process exited with code 1")


def test_unsafe_data_file_is_still_valid_apart_from_the_formula():
    """Keeps tests/data/bpx_unsafe_exit.json honest: only the formula makes it unsafe."""
    unsafe = json.loads(UNSAFE_EXIT.read_text(encoding="utf-8"))
    expected = copy.deepcopy(unsafe)
    expected["Parameterisation"]["Negative electrode"]["OCP [V]"] = valid_document()[
        "Parameterisation"
    ]["Negative electrode"]["OCP [V]"]
    expected["Header"] = valid_document()["Header"]
    assert expected == valid_document()
