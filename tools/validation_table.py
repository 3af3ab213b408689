"""Build the README's validation table: Sortie's cell model against public datasheets.

    python tools/validation_table.py            # print the table (Markdown)
    python tools/validation_table.py --write    # replace the table in README.md

Each comparison (sortie/presets/data/validation.toml) takes a catalogue design, puts it in the
datasheet cell's format if asked, matches its capacity to the datasheet's, and compares mass,
volume and energy. Datasheet energy is the stated Wh, or capacity x nominal voltage.
"""

from __future__ import annotations

import math
import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # run as a script or loaded by a test
from readme_blocks import table_tool, with_block

from sortie.cells.budget import cell_budget
from sortie.cells.matching import match_capacity
from sortie.presets.loader import DATA_DIR, load_cell

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START = "<!-- validation-table:start -->"
END = "<!-- validation-table:end -->"
TOLERANCE = 0.10


def _datasheet_volume_ml(reference: dict) -> float | None:
    if "diameter_mm" in reference and "height_mm" in reference:
        return math.pi / 4 * reference["diameter_mm"] ** 2 * reference["height_mm"] / 1000
    if all(k in reference for k in ("length_mm", "width_mm", "thickness_mm")):
        return reference["length_mm"] * reference["width_mm"] * reference["thickness_mm"] / 1000
    return None


def _delta(model: float, datasheet: float | None) -> str:
    if datasheet is None:
        return "n/a"
    return f"{100 * (model / datasheet - 1):+.0f} %"


def rows() -> list[dict]:
    references = tomllib.loads((DATA_DIR / "reference_cells.toml").read_text())
    comparisons = tomllib.loads((DATA_DIR / "validation.toml").read_text())["comparison"]
    result = []
    for comparison in comparisons:
        reference = references[comparison["reference"]]
        overrides = {"format": comparison["format"]} if "format" in comparison else {}
        cell = load_cell(comparison["cell"], overrides)
        design = match_capacity(cell.design, cell.chemistry, reference["nominal_capacity_ah"])
        budget = cell_budget(design, cell.chemistry)
        sheet_energy = reference.get(
            "energy_wh", reference["nominal_capacity_ah"] * reference["nominal_voltage_v"]
        )
        sheet_mass = reference.get("mass_g")
        result.append(
            {
                "name": reference["name"],
                "kind": ("high-power " if reference.get("high_power") else "")
                + reference["format"],
                "design": comparison["cell"]
                + (f" in {comparison['format']}" if "format" in comparison else ""),
                "capacity_ah": reference["nominal_capacity_ah"],
                "sheet_mass_g": sheet_mass,
                "model_mass_g": budget.mass_g,
                "sheet_volume_ml": _datasheet_volume_ml(reference),
                "model_volume_ml": budget.volume_ml,
                "sheet_energy_wh": sheet_energy,
                "model_energy_wh": budget.energy_wh,
                "sheet_wh_per_kg": sheet_energy / sheet_mass * 1000 if sheet_mass else None,
                "model_wh_per_kg": budget.gravimetric_energy_density_wh_per_kg,
                "fill": design.jelly_roll_fill_factor
                if design.cathode_layer_count is None and design.electrode_area_m2 is None
                else None,
                "note": comparison.get("note", ""),
                "source": reference["source"],
            }
        )
    return result


def _within(model: float, sheet: float | None) -> bool:
    return sheet is None or abs(model / sheet - 1) <= TOLERANCE


def table() -> str:
    lines = [
        "| datasheet cell | type | Sortie design | Ah | mass g: sheet / model | "
        "energy Wh: sheet / model | Wh/kg: sheet / model | volume ml: sheet / model | "
        "within 10 %? |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows():
        mass_ok = _within(r["model_mass_g"], r["sheet_mass_g"])
        energy_ok = _within(r["model_wh_per_kg"], r["sheet_wh_per_kg"])
        verdict = (
            "yes"
            if mass_ok and energy_ok
            else (
                "no: "
                + ", ".join(
                    name for name, ok in (("mass", mass_ok), ("Wh/kg", energy_ok)) if not ok
                )
            )
        )
        sheet_mass = f"{r['sheet_mass_g']:.1f}" if r["sheet_mass_g"] else "n/a"
        sheet_wh_kg = f"{r['sheet_wh_per_kg']:.0f}" if r["sheet_wh_per_kg"] else "n/a"
        sheet_volume = f"{r['sheet_volume_ml']:.1f}" if r["sheet_volume_ml"] else "n/a"
        lines.append(
            f"| {r['name']} | {r['kind']} | `{r['design']}` | {r['capacity_ah']:g} | "
            f"{sheet_mass} / {r['model_mass_g']:.1f} "
            f"({_delta(r['model_mass_g'], r['sheet_mass_g'])}) | "
            f"{r['sheet_energy_wh']:.1f} / {r['model_energy_wh']:.1f} | "
            f"{sheet_wh_kg} / {r['model_wh_per_kg']:.0f} "
            f"({_delta(r['model_wh_per_kg'], r['sheet_wh_per_kg'])}) | "
            f"{sheet_volume} / {r['model_volume_ml']:.1f} | {verdict} |"
        )
    return "\n".join(lines)


def readme_with_table(readme_text: str, generated: str) -> str:
    return with_block(readme_text, START, END, generated)


def main() -> int:
    return table_tool(__doc__.splitlines()[0], README, START, END, table)


if __name__ == "__main__":
    sys.exit(main())
