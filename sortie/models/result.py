"""Results of a mission run: a time series indexed by ``time_s`` and a small summary."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from sortie.cells.pack import PackMassSource
from sortie.models.mission import FlightPhase
from sortie.models.settings import ModelKind


class TerminationReason(StrEnum):
    """Why a run ended. Only END_OF_PROFILE is a completed mission."""

    END_OF_PROFILE = "end of profile"
    VOLTAGE_CUTOFF = "voltage cut-off"
    TEMPERATURE_LIMIT = "temperature limit"
    # A cell of the pack below its minimum discharge temperature (a cold-soaked start).
    COLD_LIMIT = "cold limit"
    # The model left its range of validity (e.g. electrolyte depleted, particle stoichiometry
    # at its limit): the cell cannot carry the load, but no voltage cut-off was reached.
    MODEL_LIMIT = "model limit"
    SOLVER_FAILURE = "solver failure"


class SolverNote(StrEnum):
    """What a PyBaMM warning means for a verdict. A run's summary carries the sentence of
    :data:`SOLVER_NOTE_TEXTS`, never PyBaMM's own text ("While solving Doyle-Fuller-Newman
    model extrapolation occurred for [...]"), so a front end can show and translate it."""

    # An input left the range of a parameter table (an OCP, a rate constant, the electrolyte
    # conductivity) and PyBaMM extrapolated it.
    EXTRAPOLATION = "extrapolation"
    # A run came back as a partial solution (the solver stopped before the end).
    PARTIAL_SOLUTION = "partial solution"
    # Any other solver warning (kept out of the summary by the chain, but never raw).
    SOLVER_WARNING = "solver warning"


SOLVER_NOTE_TEXTS = {
    SolverNote.EXTRAPOLATION: (
        "The model left its valid range (extrapolation of a parameter table) during the run; "
        "treat the verdict with care."
    ),
    SolverNote.PARTIAL_SOLUTION: (
        "The solver stopped early and returned a partial solution; treat the verdict with care."
    ),
    SolverNote.SOLVER_WARNING: "The solver warned during the run; treat the verdict with care.",
}


def solver_note(pybamm_text: str) -> SolverNote:
    """The kind of a PyBaMM warning, from its text."""
    lowered = pybamm_text.lower()
    if "extrapolat" in lowered:
        return SolverNote.EXTRAPOLATION
    if "partial" in lowered:
        return SolverNote.PARTIAL_SOLUTION
    return SolverNote.SOLVER_WARNING


def solver_note_text(pybamm_text: str) -> str:
    """Our sentence for a PyBaMM warning (see :class:`SolverNote`)."""
    return SOLVER_NOTE_TEXTS[solver_note(pybamm_text)]


TIMESERIES_COLUMNS = (
    "segment",
    "phase",
    "pack_power_w",
    "cell_power_w",
    "cell_voltage_v",
    "pack_voltage_v",
    "cell_current_a",
    "pack_current_a",
    "cell_temperature_c",
    "hottest_cell_temperature_c",
    "coldest_cell_temperature_c",
    "enclosure_temperature_c",
    "ambient_temperature_c",
    "state_of_charge",
)


@dataclass(frozen=True)
class MissionSummary:
    """What a run achieved. Temperatures in °C; energies at the pack terminals (the cells
    delivered ``interconnect_loss_wh`` more, lost in the pack's interconnect). Typed (enums)
    until :meth:`to_dict`, the form for JSON and exports.

    ``pack_mass_source`` says whether ``pack_mass_kg`` is the cells plus the overhead or a
    pinned (weighed) mass; ``pack_mass_overhead_fraction`` is the overhead used (implied by a
    pinned mass).

    Temperatures are the pack's (sortie.models.pack_thermal): ``max_cell_temperature_c`` is
    the hottest cell's peak, at ``hottest_cell_position`` ("row 2, column 3");
    ``coldest_cell_temperature_c`` the lowest any cell saw; ``max_cell_spread_k`` the largest
    difference between the hottest and the coldest cell; the enclosure's peak is NaN for an
    open frame. ``endurance_s`` and ``mission_duration_s`` count from take-off: a pre-heat on
    the ground (``preheat_s``, ``preheat_energy_wh`` from the pack) comes before."""

    cell_id: str
    chemistry_id: str
    mission_id: str
    model: ModelKind
    endurance_s: float
    mission_duration_s: float
    mission_completed: bool
    termination_reason: TerminationReason
    termination_message: str
    final_segment: str
    final_phase: FlightPhase
    hardest_segment: str
    reserve_state_of_charge: float
    reserve_met: bool
    min_cell_voltage_v: float
    max_cell_temperature_c: float
    hottest_cell_position: str
    coldest_cell_temperature_c: float
    max_cell_spread_k: float
    max_enclosure_temperature_c: float
    start_temperature_c: float
    preheat_s: float
    preheat_energy_wh: float
    energy_delivered_wh: float
    final_state_of_charge: float
    series_count: int
    parallel_count: int
    pack_mass_kg: float
    pack_mass_source: PackMassSource
    pack_mass_overhead_fraction: float
    pack_energy_wh: float
    interconnect_resistance_ohm: float
    interconnect_loss_wh: float
    capacity_ah: float
    energy_wh: float
    mass_g: float
    volume_ml: float
    gravimetric_energy_density_wh_per_kg: float
    volumetric_energy_density_wh_per_l: float
    mission_gravimetric_energy_density_wh_per_kg: float
    mission_volumetric_energy_density_wh_per_l: float
    warnings: tuple[str, ...]

    def to_dict(self) -> dict:
        """JSON-ready dict (enums as their values)."""
        data = asdict(self)
        for key in ("model", "termination_reason", "final_phase", "pack_mass_source"):
            data[key] = data[key].value
        data["warnings"] = list(self.warnings)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> MissionSummary:
        """The summary of :meth:`to_dict` (e.g. a reloaded view), typed again."""
        fields = dict(data)
        fields["model"] = ModelKind(fields["model"])
        fields["termination_reason"] = TerminationReason(fields["termination_reason"])
        fields["final_phase"] = FlightPhase(fields["final_phase"])
        fields["warnings"] = tuple(fields.get("warnings", ()))
        fields.setdefault("mission_volumetric_energy_density_wh_per_l", float("nan"))
        # Views saved before packs said how they were built: cells + overhead, ideal wiring.
        fields["pack_mass_source"] = PackMassSource(
            fields.get("pack_mass_source", PackMassSource.OVERHEAD.value)
        )
        fields.setdefault("pack_mass_overhead_fraction", float("nan"))
        fields.setdefault("interconnect_resistance_ohm", 0.0)
        fields.setdefault("interconnect_loss_wh", 0.0)
        # Views saved before the pack thermal model: one cell, no spread, no pre-heat.
        fields.setdefault("hottest_cell_position", "")
        for key in ("coldest_cell_temperature_c", "max_enclosure_temperature_c"):
            fields.setdefault(key, float("nan"))
        fields.setdefault("start_temperature_c", float("nan"))
        for key in ("max_cell_spread_k", "preheat_s", "preheat_energy_wh"):
            fields.setdefault(key, 0.0)
        return cls(**{k: v for k, v in fields.items() if k in _SUMMARY_FIELDS})


@dataclass(frozen=True, eq=False)
class MissionResult:
    """``timeseries`` has the :data:`TIMESERIES_COLUMNS`, indexed by ``time_s``
    (``cell_temperature_c`` is the pack's mean cell, the one PyBaMM flies; the hottest and
    coldest cells and the enclosure are the pack network's).

    The run keeps its samples as arrays (``time_s``, ``columns``: each column as long as
    ``time_s``) and makes the DataFrame on first use: a sweep's worker only needs the summary,
    and then never imports pandas (~0.5 s of its start, see ``sortie.deferred_imports``)."""

    time_s: np.ndarray
    columns: Mapping[str, Sequence[Any]]
    summary: MissionSummary
    # Each cell's temperature [°C] on the pack's grid (rows x columns; NaN where no cell
    # sits) when the hottest cell peaked; None when nothing was flown.
    pack_field_c: np.ndarray | None = None

    def __post_init__(self) -> None:
        if tuple(self.columns) != TIMESERIES_COLUMNS:
            raise ValueError(f"columns must be {TIMESERIES_COLUMNS}, not {tuple(self.columns)}")

    @functools.cached_property
    def timeseries(self) -> pd.DataFrame:
        return pd.DataFrame(dict(self.columns), index=pd.Index(self.time_s, name="time_s"))

    @property
    def mission_completed(self) -> bool:
        return self.summary.mission_completed


_SUMMARY_FIELDS = frozenset(MissionSummary.__dataclass_fields__)
