"""What the ageing engine takes and gives back: plain data, no PyBaMM.

Which degradation mechanisms a cell has data for is decided here, by the PyBaMM parameter set
of its chemistry, so the catalogue and the app can say it without importing PyBaMM. A cell with
no degradation data gets no mechanisms, and the life study refuses it
(:class:`NoDegradationDataError`) rather than showing a fade made up from generic values.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sortie.cells.cell import Cell
from sortie.errors import InputError
from sortie.models.cell_runs import DesignInputs


class Mechanism(StrEnum):
    """A degradation mechanism of PyBaMM's submodels."""

    SEI = "SEI growth"
    SEI_ON_CRACKS = "SEI on cracks"
    LITHIUM_PLATING = "lithium plating (partially reversible)"
    PARTICLE_CRACKING = "particle cracking"
    LOSS_OF_ACTIVE_MATERIAL = "loss of active material"


class NoDegradationDataError(InputError):
    """The cell's parameter set has no degradation data: no life can be computed."""


@dataclass(frozen=True)
class DegradationSet:
    """A PyBaMM parameter set with degradation data, the mechanisms it has data for and the
    PyBaMM model options that switch them on."""

    parameter_set: str
    mechanisms: tuple[Mechanism, ...]
    source: str
    options: tuple[tuple[str, object], ...]


_OKANE2022 = DegradationSet(
    parameter_set="OKane2022",
    mechanisms=tuple(Mechanism),
    source="OKane2022 (LG M50 21700, degradation fitted to its ageing tests)",
    # The options of PyBaMM's OKane2022 example: the set was fitted with them.
    options=(
        ("SEI", "solvent-diffusion limited"),
        ("SEI porosity change", "true"),
        ("lithium plating", "partially reversible"),
        ("lithium plating porosity change", "true"),
        ("particle mechanics", ("swelling and cracking", "swelling only")),
        ("SEI on cracks", "true"),
        ("loss of active material", "stress-driven"),
    ),
)
# Parameter sets PyBaMM ships with some degradation values that do NOT give a credible life in
# Sortie's sortie cycle (measured on the ISR loiter, SPMe, 1C CCCV recharge): refused with the
# reason rather than shown as fade.
REFUSED_SETS: dict[str, str] = {
    # "ec reaction limited" SEI with the set's rate constant (1e-12 m/s): 6.7 % of the capacity
    # lost on the first sortie, 3.4 % on the second; with PyBaMM's example value (1e-14 m/s)
    # still 0.7 % per sortie (80 % after ~30). The SEI values are not fitted to this cell's
    # ageing, and no value of ours would be either.
    "Mohtat2020": (
        "its SEI values are not fitted to the cell's ageing and lose 0.7-7 % of the capacity "
        "per sortie"
    ),
    # Stress-driven loss of active material only (no SEI data): 2.5e-11 of the positive
    # electrode per sortie, no measurable capacity loss in hundreds of sorties.
    "Ai2020": (
        "it has no SEI data; its stress-driven loss of active material alone loses no "
        "measurable capacity, which would show a cell that does not age"
    ),
}

# The chemistry's parameter set -> the set whose degradation data fly its ageing. The LG M50
# sets without degradation data (ORegan2022, Chen2020) age on OKane2022, the same cell.
DEGRADATION_SETS: dict[str, DegradationSet] = {
    "OKane2022": _OKANE2022,
    "ORegan2022": _OKANE2022,
    "Chen2020": _OKANE2022,
}


def degradation_set(cell: Cell) -> DegradationSet | None:
    """The degradation data for the cell's chemistry (None: it has none)."""
    return DEGRADATION_SETS.get(cell.chemistry.parameter_set)


def require_degradation_set(cell: Cell) -> DegradationSet:
    found = degradation_set(cell)
    if found is None:
        known = ", ".join(sorted({s.parameter_set for s in DEGRADATION_SETS.values()}))
        name = cell.chemistry.parameter_set
        why = f": {REFUSED_SETS[name]}" if name in REFUSED_SETS else " has none"
        raise NoDegradationDataError(
            f"{cell.name}: no degradation data ({name}{why}); "
            f"life is computed only for cells with measured ageing parameters ({known})"
        )
    return found


class RechargeMode(StrEnum):
    CCCV = "cccv"  # constant current at a C-rate, then constant voltage
    POWER = "power"  # constant charger power, then constant voltage


class LifeMesh(StrEnum):
    """The finite-volume mesh a life is solved on. COARSE (the default): 10 points across
    each electrode, 5 across the separator, 10 in each particle (366 states of the DFN with
    OKane2022's mechanisms, against 1,146); PYBAMM_DEFAULT: PyBaMM's 20 everywhere, the
    mesh ``sortie run`` flies. Measured on the ISR loiter (LG M50, OKane2022, DFN), every
    sortie solved: the capacity within 7.5e-7 of the default mesh's after 20 sorties and
    3.8e-5 after 500, a sortie 2.4x faster (``sortie.engine.ageing``)."""

    COARSE = "coarse"
    PYBAMM_DEFAULT = "pybamm-default"


@dataclass(frozen=True)
class RechargeSteps:
    """The recharge in the engine's terms (per cell)."""

    mode: RechargeMode
    c_rate: float
    power_w: float
    voltage_v: float
    cutoff_c_rate: float


@dataclass(frozen=True)
class AgeingSpec:
    """What fixes a built ageing simulation: the degradation set, the model, one sortie
    cycle (mission, recharge, turnaround) and the cell's cooling. Hashable plain data."""

    degradation: DegradationSet
    model: str  # "dfn", "spme" or "spm"
    # Each mission segment: (power W per cell, duration s, ambient K).
    mission: tuple[tuple[float, float, float], ...]
    recharge: RechargeSteps
    turnaround_s: float
    ground_ambient_k: float
    heat_transfer_coefficient_w_per_m2_k: float
    cooling_area_m2: float
    cell_volume_m3: float
    # The cell's own design (coatings, porosities, particles, electrode area, capacity) and a
    # calibrated cell's model changes, laid over the degradation set: None flies the set's
    # own cell.
    design: DesignInputs | None = None
    parameter_changes: tuple[tuple[str, float, float], ...] = ()
    mesh: LifeMesh = LifeMesh.COARSE


@dataclass(frozen=True)
class StorageSteps:
    """A storage period in the engine's terms: bring the cell to a state of charge, rest at
    a temperature, recharge."""

    days: float
    temperature_k: float
    state_of_charge: float


@dataclass(frozen=True)
class Degradation:
    """The degradation state at one moment, from PyBaMM's summary variables (electrode SOH)."""

    capacity_ah: float
    lithium_inventory_loss: float  # 0..1
    negative_active_material_loss: float
    positive_active_material_loss: float
    sei_lithium_ah: float
    plated_lithium_ah: float

    def as_tuple(self) -> tuple[float, ...]:
        return (
            self.capacity_ah,
            self.lithium_inventory_loss,
            self.negative_active_material_loss,
            self.positive_active_material_loss,
            self.sei_lithium_ah,
            self.plated_lithium_ah,
        )


@dataclass(frozen=True)
class SortieOutput:
    """One sortie cycle flown in full: the state at take-off, how the mission went, and the
    state after the recharge and turnaround."""

    before: Degradation
    after: Degradation
    mission_complete: bool  # every segment flown to its end (no cut-off or event)
    endurance_s: float
    energy_wh: float  # per cell, delivered
    discharge_ah: float  # per cell
    peak_temperature_c: float
    resistance_ohm: float
    recharge_s: float
    message: str = ""
