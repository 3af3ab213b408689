"""``sortie calibrate``: fit a cell to measured tests and write it as a cell file.

    sortie calibrate --cell BASE --data FILE.csv [--data ...] [--fit PARAM ...]
                     [--model spme] [--out my-cell.toml] [--json] [--html report.html]

``--data lgm50`` takes the shipped LG M50 calibration set. The fitted cell loads with
``sortie run --cell my-cell.toml``. ``--validate FILE.csv`` names tests the fit never sees
(read and checked here; the check on them is the replay's, reported where it is wired).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sortie.errors import InputError, json_printable
from sortie.files import check_writable, write_atomically
from sortie.measurements.cell_test import TestKind
from sortie.measurements.reader import CurrentSign
from sortie.progress import TerminalProgress

EXIT_OK = 0
LGM50 = "lgm50"
_MODELS = ("spm", "spme", "dfn")
_OPTIMISERS = ("xnes", "cmaes", "pso", "nelder-mead")


def add_command(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "calibrate", help="fit a cell to measured tests (PyBOP) and write a cell file"
    )
    parser.add_argument("--cell", required=True, help="base cell: preset id or .toml file")
    parser.add_argument(
        "--data",
        action="append",
        required=True,
        metavar="FILE.csv",
        help=f"calibration tests: a cycler CSV, or '{LGM50}' for the shipped LG M50 set "
        "(repeatable)",
    )
    parser.add_argument(
        "--validate",
        action="append",
        default=[],
        metavar="FILE.csv",
        help="validation tests the fit never sees (repeatable)",
    )
    parser.add_argument(
        "--fit",
        nargs="+",
        default=[],
        metavar="PARAM",
        help="parameters to fit (default: by what the tests identify); e.g. "
        "negative-diffusivity positive-active-fraction",
    )
    parser.add_argument(
        "--kind",
        choices=[k.value for k in TestKind],
        default=TestKind.RATE.value,
        help="what the files' tests are (sets the default parameters; default: rate)",
    )
    parser.add_argument(
        "--current-sign",
        choices=[s.value for s in CurrentSign],
        help="how the files count current (default: discharge positive)",
    )
    parser.add_argument("--ambient-c", type=float, help="the chamber's temperature, °C")
    parser.add_argument(
        "--test-column",
        action="append",
        default=[],
        metavar="COLUMN",
        help="a column that tells tests apart in one file (repeatable)",
    )
    parser.add_argument(
        "--heat-transfer-coefficient",
        type=float,
        metavar="W_PER_M2_K",
        help="the chamber's, on the cell's surface (default 25: the shipped LG M50 tests' "
        "chamber, measured from the cells' cooling)",
    )
    parser.add_argument("--model", choices=_MODELS, default="spme")
    parser.add_argument("--optimiser", choices=_OPTIMISERS, default="xnes")
    parser.add_argument("--iterations", type=int, default=60, help="at most (default 60)")
    parser.add_argument(
        "--compiled",
        action="store_true",
        help="compile the fit's model with the system C compiler first (a few seconds; each "
        "generation ~3x faster after it; without a compiler it fits uncompiled)",
    )
    parser.add_argument("--out", type=Path, metavar="FILE.toml", help="write the fitted cell")
    parser.add_argument("--name", help="the fitted cell's name")
    parser.add_argument("--html", type=Path, metavar="FILE.html", help="write an HTML report")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _read_tests(sources: list[str], calibration: bool, args: argparse.Namespace):
    from sortie.measurements.reader import read_cell_tests

    tests = []
    for source in sources:
        if source == LGM50:
            try:
                from sortie.measurements.cell_test import DataSet
                from sortie.measurements.lgm50 import lgm50_tests
            except ImportError:
                raise InputError("the shipped LG M50 set is not available in this build") from None
            tests += list(lgm50_tests(DataSet.CALIBRATION if calibration else DataSet.VALIDATION))
            continue
        tests += read_cell_tests(
            Path(source),
            current_sign=None if args.current_sign is None else CurrentSign(args.current_sign),
            ambient_c=args.ambient_c,
            test_columns=args.test_column,
            kind=TestKind(args.kind),
        )
    return tests


def run_calibrate_command(args: argparse.Namespace) -> int:
    from sortie.calibration.cell_file import write_calibrated_cell
    from sortie.calibration.fit import calibrate
    from sortie.calibration.parameters import parse_fit_keys
    from sortie.calibration.report import calibration_html, calibration_json, format_calibration
    from sortie.calibration.validation import check_separate
    from sortie.presets.loader import load_cell

    if args.iterations < 1:
        raise InputError("--iterations must be at least 1")
    for path in (args.out, args.html):
        if path is not None:
            check_writable(path)
    cell = load_cell(args.cell)
    keys = parse_fit_keys(args.fit) if args.fit else None
    tests = _read_tests(args.data, True, args)
    validation = _read_tests(args.validate, False, args)
    check_separate(tests, validation)
    progress = TerminalProgress(f"calibrating {cell.id}", unit="generations")
    try:
        calibration = calibrate(
            cell,
            tests,
            keys,
            model=args.model,
            optimiser=args.optimiser,
            base_reference=str(args.cell),
            max_iterations=args.iterations,
            compiled=args.compiled,
            progress=progress.update,
            **_chamber(args),
        )
    finally:
        progress.close()
    checks = _validate(calibration, validation, args)
    if args.out is not None:
        write_calibrated_cell(args.out, calibration, args.name)
    if args.html is not None:
        write_atomically(args.html, calibration_html(calibration).encode("utf-8"))
    if args.json:
        document = calibration_json(calibration)
        document["cell_file"] = None if args.out is None else str(args.out)
        document["validation_tests"] = [t.name for t in validation]
        document["validation"] = [summary.to_dict() for summary in checks]
        print(json_printable(json.dumps(document, indent=2, ensure_ascii=False)))
        return EXIT_OK
    print(format_calibration(calibration))
    if args.out is not None:
        print(f"\nwrote {args.out}: sortie run --cell {args.out}")
    if checks:
        print("\nvalidation (tests the fit never saw; the fitted cell flown in the chamber):")
        print(_validation_table(checks))
    return EXIT_OK


def _chamber(args: argparse.Namespace) -> dict[str, float]:
    if args.heat_transfer_coefficient is None:
        return {}
    if not 0 < args.heat_transfer_coefficient <= 2000:
        raise InputError("--heat-transfer-coefficient must be above 0 and at most 2000 W/(m2 K)")
    return {"heat_transfer_coefficient_w_per_m2_k": args.heat_transfer_coefficient}


def _validate(calibration, validation, args: argparse.Namespace) -> list:
    """Each validation test flown on the fitted cell (the model of the fit, the chamber of
    the fit): sortie.calibration.validation."""
    from sortie.calibration.fit import DEFAULT_HEAT_TRANSFER_W_PER_M2_K
    from sortie.calibration.validation import validate

    coefficient = _chamber(args).get(
        "heat_transfer_coefficient_w_per_m2_k", DEFAULT_HEAT_TRANSFER_W_PER_M2_K
    )
    return validate(calibration, validation, coefficient)


def _validation_table(checks) -> str:
    from sortie.calibration.validation import validation_table

    return validation_table(checks)
