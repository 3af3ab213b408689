"""Build the README's measured validation table: cell presets flown on the measured LG M50
discharges, against the measurement.

    python tools/measured_validation.py            # print the table (Markdown)
    python tools/measured_validation.py --write    # replace the table in README.md
    python tools/measured_validation.py --check    # exit 1 when README.md's table is stale

Each preset of PRESETS flies each of the eight constant-current discharges of
sortie/measurements/data/lgm50/ (sortie.measurements.lgm50.rate_tests) on a single cell in a
test chamber at the chamber's temperature, DFN, at the measured current
(sortie.measurements.replay). The chamber's heat transfer coefficient is one value for every
preset and test, from the measured cells' own cooling, not from any preset (see
CHAMBER_HEAT_TRANSFER_COEFFICIENT_W_PER_M2_K). Nothing is tuned per preset.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # run as a script or loaded by a test
from readme_blocks import with_block

from sortie.measurements.lgm50 import (
    CHAMBER_HEAT_TRANSFER_COEFFICIENT_W_PER_M2_K,
    SPLIT,
    rate_tests,
)
from sortie.measurements.replay import chamber_settings
from sortie.measurements.validation_table import (
    TEMPERATURE_RISE_TARGET_K,
    TIME_TO_CUTOFF_TARGET_PERCENT,
    VOLTAGE_RMSE_TARGET_MV,
    MeasuredPreset,
    ValidationRow,
    markdown_table,
    validation_rows,
)
from sortie.models.settings import ModelKind

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START = "<!-- measured-validation:start -->"
END = "<!-- measured-validation:end -->"

# Every preset with measurements, literature sets first (a calibrated preset: one more line).
PRESETS = (
    MeasuredPreset("lg-m50-21700", "`lg-m50-21700` (ORegan2022)"),
    MeasuredPreset("lg-m50-21700-chen2020", "`lg-m50-21700-chen2020` (Chen2020)"),
    MeasuredPreset("lg-m50-21700-calibrated", "`lg-m50-21700-calibrated` (Chen2020, fitted)"),
)
MODEL = ModelKind.DFN


def rows() -> tuple[ValidationRow, ...]:
    settings = chamber_settings(CHAMBER_HEAT_TRANSFER_COEFFICIENT_W_PER_M2_K, MODEL)
    return validation_rows(PRESETS, rate_tests(), SPLIT, settings)


def caption() -> str:
    return (
        f"{MODEL.value.upper()}, a single cell in a test chamber at "
        f"{CHAMBER_HEAT_TRANSFER_COEFFICIENT_W_PER_M2_K:g} W/(m² K), flown at the measured "
        "current. Targets (for a calibrated cell on its validation tests): time to cut-off "
        f"within {TIME_TO_CUTOFF_TARGET_PERCENT:g} %, voltage RMSE under "
        f"{VOLTAGE_RMSE_TARGET_MV:g} mV, temperature rise within {TEMPERATURE_RISE_TARGET_K:g} K."
    )


def table(found: tuple[ValidationRow, ...] | None = None) -> str:
    return f"{caption()}\n\n{markdown_table(rows() if found is None else found)}"


def readme_with_table(readme_text: str, generated: str) -> str:
    return with_block(readme_text, START, END, generated)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="update README.md in place")
    action.add_argument(
        "--check", action="store_true", help="exit 1 when README.md's table is not this one"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    generated = table()
    print(f"{len(PRESETS) * len(rate_tests())} flights in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)  # fmt: skip
    readme = README.read_text()
    if args.write:
        README.write_text(readme_with_table(readme, generated))
    elif args.check:
        if readme_with_table(readme, generated) != readme:
            print(
                "README.md's measured validation table is stale: run "
                "`python tools/measured_validation.py --write`",
                file=sys.stderr,
            )
            return 1
    else:
        print(generated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
