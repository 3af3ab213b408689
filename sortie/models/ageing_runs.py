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
_MOHTAT2020 = DegradationSet(
    parameter_set="Mohtat2020",
    mechanisms=(Mechanism.SEI,),
    source="Mohtat2020 (NMC532 pouch, SEI only; no plating or cracking data)",
    options=(("SEI", "ec reaction limited"), ("SEI porosity change", "true")),
)
_AI2020 = DegradationSet(
    parameter_set="Ai2020",
    mechanisms=(Mechanism.PARTICLE_CRACKING, Mechanism.LOSS_OF_ACTIVE_MATERIAL),
    source="Ai2020 (LCO pouch, particle cracking and stress-driven loss of active material; "
    "its SEI values are PyBaMM's generic ones, so SEI is left out)",
    options=(
        ("particle mechanics", "swelling and cracking"),
        ("loss of active material", "stress-driven"),
    ),
)

# The chemistry's parameter set -> the set whose degradation data fly its ageing. The LG M50
# sets without degradation data (ORegan2022, Chen2020) age on OKane2022, the same cell.
DEGRADATION_SETS: dict[str, DegradationSet] = {
    "OKane2022": _OKANE2022,
    "ORegan2022": _OKANE2022,
    "Chen2020": _OKANE2022,
    "Mohtat2020": _MOHTAT2020,
    "Ai2020": _AI2020,
}


def degradation_set(cell: Cell) -> DegradationSet | None:
    """The degradation data for the cell's chemistry (None: it has none)."""
    return DEGRADATION_SETS.get(cell.chemistry.parameter_set)


def require_degradation_set(cell: Cell) -> DegradationSet:
    found = degradation_set(cell)
    if found is None:
        known = ", ".join(sorted({s.parameter_set for s in DEGRADATION_SETS.values()}))
        raise NoDegradationDataError(
            f"{cell.name}: no degradation data ({cell.chemistry.parameter_set} has none); "
            f"life is computed only for cells with measured ageing parameters ({known})"
        )
    return found


class RechargeMode(StrEnum):
    CCCV = "cccv"  # constant current at a C-rate, then constant voltage
    POWER = "power"  # constant charger power, then constant voltage


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
