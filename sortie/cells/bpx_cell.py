"""A checked BPX file as a Sortie cell: a chemistry plus a design.

BPX describes electrochemistry and geometry but carries no material densities, foil
thicknesses or cell format: Sortie assumes layered-oxide / graphite densities and the LG M50's
foils, and shapes a pouch from the file's volume and external surface area. Those assumptions
are stated in the chemistry's fidelity caveats. The nominal voltage is the mean open-circuit
voltage along the file's own stoichiometry window, from its OCP formulas (evaluated here with
a small AST interpreter over the same node types that :func:`check_formula` allows: nothing
from the file is executed).
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from sortie.cells.bpx_formula import BpxError, check_formula
from sortie.cells.bpx_import import BpxCell
from sortie.cells.cell import Cell
from sortie.cells.chemistry import Chemistry, Fidelity, Provenance
from sortie.cells.design import CellDesign, ElectrodeDesign, PouchFormat, SeparatorDesign

# Assumptions where BPX has no data (stated in the fidelity caveats).
ASSUMED_POSITIVE_DENSITY_KG_PER_M3 = 4700.0  # layered oxide (NMC), crystallographic
ASSUMED_NEGATIVE_DENSITY_KG_PER_M3 = 2260.0  # graphite
ASSUMED_ELECTROLYTE_DENSITY_KG_PER_M3 = 1230.0
ASSUMED_POSITIVE_FOIL_UM = 16.0  # LG M50 teardown (Chen et al. 2020)
ASSUMED_NEGATIVE_FOIL_UM = 12.0
ASSUMED_SPECIFIC_HEAT_J_PER_KG_K = 1000.0
POUCH_FOIL_AREAL_MASS_KG_PER_M2 = 0.22
POUCH_TAB_MASS_G = 1.0

_FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "exp": np.exp,
    "tanh": np.tanh,
    "cosh": np.cosh,
}
_BINARY = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
    ast.Pow: np.power,
}


def evaluate_formula(text: str, x: np.ndarray, context: str) -> np.ndarray:
    """Value of a checked BPX formula at ``x`` (no ``eval``: only the allowed node types)."""
    check_formula(text, context)

    def walk(node: ast.AST) -> np.ndarray | float:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return x
        if isinstance(node, ast.UnaryOp):
            value = walk(node.operand)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.BinOp):
            return _BINARY[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return _FUNCTIONS[node.func.id](walk(node.args[0]))
        raise BpxError(f"{context}: cannot evaluate {type(node).__name__}")

    with np.errstate(all="ignore"):
        return np.broadcast_to(walk(ast.parse(text.strip(), mode="eval")), x.shape).astype(float)


def _ocp(value: Any, x: np.ndarray, context: str) -> np.ndarray:
    if isinstance(value, str):
        return evaluate_formula(value, x, context)
    if isinstance(value, dict) and {"x", "y"} <= set(value):
        return np.interp(x, np.asarray(value["x"], float), np.asarray(value["y"], float))
    if isinstance(value, int | float):
        return np.full_like(x, float(value))
    raise BpxError(f"{context}: OCP must be a formula, a table or a number")


def mean_open_circuit_voltage_v(document: dict[str, Any], source: str) -> float:
    """Mean OCV from full to empty along the file's stoichiometry windows."""
    parameters = document["Parameterisation"]
    positive, negative = parameters["Positive electrode"], parameters["Negative electrode"]
    state = np.linspace(0.0, 1.0, 101)
    # Full: positive at its minimum, negative at its maximum stoichiometry.
    y = positive["Minimum stoichiometry"] + state * (
        positive["Maximum stoichiometry"] - positive["Minimum stoichiometry"]
    )
    x = negative["Maximum stoichiometry"] - state * (
        negative["Maximum stoichiometry"] - negative["Minimum stoichiometry"]
    )
    voltage = _ocp(positive["OCP [V]"], y, f"{source}: Positive electrode.OCP [V]") - _ocp(
        negative["OCP [V]"], x, f"{source}: Negative electrode.OCP [V]"
    )
    if not np.all(np.isfinite(voltage)) or not 0.5 < float(np.mean(voltage)) < 5.5:
        raise BpxError(f"{source}: the OCP formulas do not give a cell voltage within 0.5..5.5 V")
    return float(np.mean(voltage))


def _pouch_from_volume(volume_m3: float, surface_m2: float | None, name: str) -> PouchFormat:
    """A square pouch with this volume (and surface area, if given: 2 l^2 + 4 l t = A)."""
    side_m = volume_m3 ** (1 / 3)
    if surface_m2 is not None:
        # 2 l^3 - A l + 4 V = 0: the larger positive root is the flat pouch.
        roots = [
            r.real
            for r in np.roots([2.0, 0.0, -surface_m2, 4 * volume_m3])
            if abs(r.imag) < 1e-12 and r.real > 0
        ]
        flat = [r for r in roots if volume_m3 / r**2 <= r]
        if flat:
            side_m = max(flat)
    thickness_m = volume_m3 / side_m**2
    return PouchFormat(
        name=name,
        length_mm=1e3 * side_m,
        width_mm=1e3 * side_m,
        thickness_mm=1e3 * thickness_m,
        pouch_foil_areal_mass_kg_per_m2=POUCH_FOIL_AREAL_MASS_KG_PER_M2,
        tab_mass_g=POUCH_TAB_MASS_G,
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "cell"


def _temperature_dependent(document: dict[str, Any]) -> bool:
    found = False
    for section in document["Parameterisation"].values():
        if isinstance(section, dict):
            for key, value in section.items():
                if "activation energy" in key and isinstance(value, int | float) and value > 0:
                    found = True
    return found


def cell_from_bpx(bpx: BpxCell) -> Cell:
    """Chemistry and design of a checked BPX file (see the module docstring)."""
    if bpx.positive_material_count > 1 or bpx.negative_material_count > 1:
        raise BpxError(f"{bpx.source}: blended electrodes are not supported yet")
    if bpx.cell_volume_m3 is None:
        raise BpxError(f"{bpx.source}: the Cell section needs 'Volume [m3]' for the mass budget")
    document = bpx.bpx
    parameters = document["Parameterisation"]
    positive, negative = parameters["Positive electrode"], parameters["Negative electrode"]
    slug = _slug(bpx.title)
    chemistry = Chemistry(
        id=f"bpx-{slug}",
        name=f"{bpx.title} (BPX)",
        parameter_set="BPX",
        reference=f"BPX file {bpx.source}",
        positive_material="from BPX",
        negative_material="from BPX",
        nominal_voltage_v=mean_open_circuit_voltage_v(document, bpx.source),
        positive_max_concentration_mol_per_m3=positive["Maximum concentration [mol.m-3]"],
        positive_stoichiometry_at_full=positive["Minimum stoichiometry"],
        positive_stoichiometry_at_empty=positive["Maximum stoichiometry"],
        negative_max_concentration_mol_per_m3=negative["Maximum concentration [mol.m-3]"],
        positive_active_density_kg_per_m3=ASSUMED_POSITIVE_DENSITY_KG_PER_M3,
        negative_active_density_kg_per_m3=ASSUMED_NEGATIVE_DENSITY_KG_PER_M3,
        electrolyte_density_kg_per_m3=ASSUMED_ELECTROLYTE_DENSITY_KG_PER_M3,
        specific_heat_j_per_kg_k=bpx.specific_heat_j_per_kg_k or ASSUMED_SPECIFIC_HEAT_J_PER_KG_K,
        fidelity=Fidelity(
            temperature_dependent_transport=_temperature_dependent(document),
            thermal_data=(
                Provenance.ORIGINAL if bpx.specific_heat_j_per_kg_k else Provenance.SUPPLIED
            ),
            mass_data=Provenance.SUPPLIED,
            notes=bpx.description,
            caveats=(
                "BPX carries no material densities, foils or format: Sortie assumes "
                "layered-oxide/graphite densities, 16/12 um foils and a square pouch of the "
                "file's volume",
                *bpx.warnings,
            ),
        ),
        bpx_json=bpx.bpx_json,
    )
    design = CellDesign(
        id=f"bpx-{slug}",
        name=bpx.title,
        description=f"imported from {bpx.source}",
        chemistry=chemistry.id,
        format=_pouch_from_volume(
            bpx.cell_volume_m3, bpx.external_surface_area_m2, f"pouch from {bpx.source}"
        ),
        positive=ElectrodeDesign(
            coating_thickness_um=bpx.positive_thickness_um,
            porosity=bpx.positive_porosity,
            active_material_volume_fraction=min(
                bpx.positive_active_material_volume_fraction, 1 - bpx.positive_porosity
            ),
            particle_radius_um=bpx.positive_particle_radius_um,
        ),
        negative=ElectrodeDesign(
            coating_thickness_um=bpx.negative_thickness_um,
            porosity=bpx.negative_porosity,
            active_material_volume_fraction=min(
                bpx.negative_active_material_volume_fraction, 1 - bpx.negative_porosity
            ),
            particle_radius_um=bpx.negative_particle_radius_um,
        ),
        separator=SeparatorDesign(
            thickness_um=bpx.separator_thickness_um, porosity=bpx.separator_porosity
        ),
        positive_foil_thickness_um=ASSUMED_POSITIVE_FOIL_UM,
        negative_foil_thickness_um=ASSUMED_NEGATIVE_FOIL_UM,
        electrode_area_m2=bpx.electrode_area_m2,
        reference_data={
            "source": f"BPX file {bpx.source}",
            "capacity_ah": bpx.nominal_capacity_ah,
            "mass_g": None if bpx.cell_mass_kg is None else 1e3 * bpx.cell_mass_kg,
        },
        sources={"design": f"BPX file {bpx.source}"},
    )
    if not math.isfinite(chemistry.nominal_voltage_v):
        raise BpxError(f"{bpx.source}: no nominal voltage")
    return Cell(design=design, chemistry=chemistry)
