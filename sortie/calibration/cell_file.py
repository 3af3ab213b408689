"""A calibration as a cell file: the base preset as the template, the fitted design values
as ``[changes]``, the fitted model values as ``[[model_parameters]]`` (a factor or an added
activation energy on a PyBaMM parameter of the chemistry, multiplied into any the base
already has), the range the tests covered as ``[calibrated_range]``, and a header and
``[sources]`` saying what it was fitted to. It loads wherever a cell file does
(``sortie run --cell FILE``, the app, sweeps). The test rig's conditions (chamber heat
transfer, contact resistance of the fixture) are fitted but not the cell's: the header lists
them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sortie.calibration.fit import Calibration
from sortie.calibration.parameters import REGISTRY, Place
from sortie.errors import InputError
from sortie.files import write_atomically
from sortie.models.current_runs import Modifier
from sortie.presets.cell_files import cell_document, cell_file_text, slug
from sortie.presets.loader import PresetKind, changed_cell, list_presets


def coverage(calibration: Calibration) -> str:
    """The tests, rates and temperatures the fit saw, in one line."""
    capacity_ah = calibration.base_cell.budget.capacity_ah
    rates = sorted({abs(t.mean_current_a) / capacity_ah for t in calibration.tests})
    ambients = sorted({t.ambient_c for t in calibration.tests})
    names = ", ".join(t.name for t in calibration.tests)
    return (
        f"{len(calibration.tests)} tests ({names}); rates {rates[0]:.2g}-{rates[-1]:.2g}C; "
        f"ambient {ambients[0]:g}-{ambients[-1]:g} °C"
    )


def not_carried(calibration: Calibration) -> list[str]:
    """Fitted values the cell file does not hold: the rig's conditions, not the cell's."""
    return [
        f"{v.key.value} = {v.value:.4g} {v.unit}".rstrip()
        for v in calibration.values
        if v.place is Place.CONDITION
    ]


def model_parameters(calibration: Calibration) -> list[dict[str, Any]]:
    """The cell file's ``[[model_parameters]]``: the base cell's changes with the fitted
    factors multiplied in and the fitted activation energies added, one entry per PyBaMM
    name (to 6 significant digits: what the file holds is the cell described here)."""
    merged = {
        c.name: [c.factor, c.activation_energy_j_per_mol]
        for c in calibration.base_cell.design.model_parameters
    }
    for value in calibration.values:
        if value.place is not Place.MODEL:
            continue
        for parameter in REGISTRY[value.key].pybamm:
            entry = merged.setdefault(parameter.pybamm_name, [1.0, 0.0])
            if parameter.modifier is Modifier.FACTOR:
                entry[0] *= value.value
            else:
                entry[1] += value.value
    return [
        {"name": name, "factor": float(f"{factor:.6g}"), "activation_energy_j_per_mol": round(e, 1)}
        for name, (factor, e) in sorted(merged.items())
    ]


def calibrated_range(calibration: Calibration) -> dict[str, Any]:
    """The cell file's ``[calibrated_range]``: the highest rate and the ambients the tests
    covered (use beyond is flagged, see sortie.cells.design.CalibratedRange)."""
    capacity_ah = calibration.base_cell.budget.capacity_ah
    rates = [abs(t.mean_current_a) / capacity_ah for t in calibration.tests]
    ambients = [t.ambient_c for t in calibration.tests]
    return {
        "fitted_to": coverage(calibration),
        "max_c_rate": round(max(rates), 2),
        "min_ambient_c": min(ambients),
        "max_ambient_c": max(ambients),
    }


def calibrated_document(
    calibration: Calibration, name: str | None = None
) -> dict[str, Any]:
    """The cell file's document (see the module's docstring)."""
    base = calibration.base_cell
    name = name or f"{base.name} calibrated"
    description = f"{base.name} fitted to measurements: {coverage(calibration)}"
    fitted_to = f"sortie calibrate ({calibration.model}): {coverage(calibration)}"
    sources = {"calibration": fitted_to}
    unwritten = not_carried(calibration)
    if unwritten:
        sources["calibration_not_in_this_file"] = "; ".join(unwritten)
    changes = calibration.design_changes
    calibrated = {
        "model_parameters": model_parameters(calibration),
        "calibrated_range": calibrated_range(calibration),
    }
    presets = {info.id for info in list_presets(PresetKind.CELL)}
    if base.id in presets:
        return {
            "template_of": base.id,
            "id": slug(name),
            "name": name,
            "description": description,
            "changes": changes,
            **calibrated,
            "sources": {"derived_from": f"{base.id} calibrated", **sources},
        }
    cell = changed_cell(base, changes, calibration.base_reference)
    document = cell_document(
        cell, name, description, derived_from=f"{calibration.base_reference} calibrated"
    )
    document.update(calibrated)
    document["sources"] = {**document.get("sources", {}), **sources}
    return document


def calibrated_file_text(calibration: Calibration, name: str | None = None) -> str:
    """The cell file's text, with a comment header (what, how, and what is not in it)."""
    header = [
        "# A calibrated cell (sortie calibrate). Loads with: sortie run --cell THIS_FILE.toml",
        f"# Fitted to: {coverage(calibration)}",
        f"# Model: {calibration.model}; optimiser: {calibration.optimiser}; "
        f"voltage RMSE {calibration.cost_v * 1000 / max(len(calibration.tests), 1):.1f} mV "
        "per test (mean)",
        "# Use beyond these rates and temperatures is extrapolation.",
    ]
    unwritten = not_carried(calibration)
    if unwritten:
        header.append("# Fitted but not the cell's (the test rig), so not in this file:")
        header += [f"#   {line}" for line in unwritten]
    return "\n".join(header) + "\n\n" + cell_file_text(calibrated_document(calibration, name))


def write_calibrated_cell(path: Path, calibration: Calibration, name: str | None = None) -> None:
    """Write atomically (a killed write never leaves half a file)."""
    if path.exists() and not path.is_file():
        raise InputError(f"cannot write {path}: not a regular file")
    if not path.resolve().parent.is_dir():
        raise InputError(f"cannot write {path}: folder {path.parent} does not exist")
    try:
        write_atomically(path, calibrated_file_text(calibration, name).encode("utf-8"))
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror}") from None


def fitted_cell(calibration: Calibration):
    """The fitted cell as Sortie will load it from the file."""
    from sortie.presets.loader import cell_from_data

    return cell_from_data(calibrated_document(calibration), "calibrated cell")


__all__ = [
    "calibrated_document",
    "calibrated_file_text",
    "calibrated_range",
    "coverage",
    "fitted_cell",
    "model_parameters",
    "not_carried",
    "write_calibrated_cell",
]
