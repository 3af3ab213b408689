"""Flying the designs of a design space: one table row per design, whatever happens.

The base of a sweep is resolved once (:func:`resolve_base`, in the caller's process); each
design is the base with its changes (:func:`sortie.studies.setup.apply_changes`), flown
through the one flight chain in a batch (:func:`flown_rows`, in a worker). A design that
cannot be built or cannot fly is a row too, with ``flown`` False and the reason: a sweep
never fails for one design.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sortie.errors import InputError
from sortie.models.flight import Flight, FlightSetup, Grounded, fly_many
from sortie.models.settings import (
    SWEEP_INITIAL_STEP_S,
    SWEEP_RELATIVE_TOLERANCE,
    SWEEP_SUPPRESS_ALGEBRAIC_ERROR,
    SimulationSettings,
)
from sortie.presets.loader import construct
from sortie.studies.design_space import SweepSpec
from sortie.studies.endurance import (
    EnduranceLimit,
    EnduranceResult,
    StationPoint,
    StationSpec,
    station_endurances,
    station_plan,
)
from sortie.studies.setup import apply_changes, resolve_setup

# A summary needs few output samples: every step time and the end are on the grid anyway.
# Each sample costs IDAKLU an interpolation and the output variables (the DFN example:
# ~40 ms a design with 100, ~36 ms with 50, no less with 30; with 50 the same rows as with
# 100 but the pack network's peak temperature, within 0.003 K).
SWEEP_OUTPUT_POINTS = 50

# Why a design has no flight (the first three are fly's NoFlight values).
NOT_FLOWN_REASONS = ("too heavy", "infeasible power", "invalid")

# Every row has these columns after ``design`` and the design's fields, in this order.
ROW_COLUMNS = (
    "flown",
    "not_flown_reason",
    "message",
    "cell_id",
    "series_count",
    "parallel_count",
    "pack_mass_kg",
    "pack_mass_source",
    "pack_mass_overhead_fraction",
    "take_off_mass_kg",
    "pack_energy_wh",
    "interconnect_resistance_ohm",
    "interconnect_loss_wh",
    "capacity_ah",
    "cell_energy_wh",
    "cell_mass_g",
    "cell_volume_ml",
    "gravimetric_energy_density_wh_per_kg",
    "volumetric_energy_density_wh_per_l",
    "endurance_s",
    "mission_duration_s",
    "mission_completed",
    "termination_reason",
    "final_segment",
    "hardest_segment",
    "reserve_state_of_charge",
    "final_state_of_charge",
    "reserve_met",
    "min_cell_voltage_v",
    "max_cell_temperature_c",
    "coldest_cell_temperature_c",
    "max_cell_spread_k",
    "max_enclosure_temperature_c",
    "energy_delivered_wh",
    "mission_gravimetric_energy_density_wh_per_kg",
    "mission_volumetric_energy_density_wh_per_l",
    "limited_by",
    "pack_power_w",
    "speed_m_per_s",
)
_NAN = math.nan
_BOOLEAN = ("flown", "mission_completed", "reserve_met")
TEXT_COLUMNS = (
    "not_flown_reason",
    "message",
    "cell_id",
    "termination_reason",
    "final_segment",
    "hardest_segment",
    "limited_by",
    "pack_mass_source",
)
_WHOLE = ("series_count", "parallel_count")


def row_types(spec: SweepSpec) -> dict[str, str]:
    """The column types of a sweep's table (the same in every part on disk)."""
    types = {"design": "int64"}
    for key, dimension in zip(spec.fields, spec.dimensions, strict=True):
        values = dimension.values or (dimension.start, dimension.stop)
        if all(isinstance(v, bool) for v in values):
            types[key] = "bool"
        elif all(isinstance(v, str) for v in values):
            types[key] = "string"
        elif all(isinstance(v, int) for v in values):
            types[key] = "Int64"
        else:
            types[key] = "float64"
    for column in ROW_COLUMNS:
        if column in _BOOLEAN:
            types[column] = "bool"
        elif column in TEXT_COLUMNS:
            types[column] = "string"
        elif column in _WHOLE:
            types[column] = "Int64"
        else:
            types[column] = "float64"
    return types


def rows_frame(rows: Sequence[dict[str, Any]], spec: SweepSpec) -> pd.DataFrame:
    """Rows as a table with :func:`row_types` columns, in order (a missing value is NaN)."""
    # Column by column in its type: the same table as DataFrame(rows).astype(types), in a
    # third of the time (~4 ms instead of ~12 for 32 rows: the sweep's process does this
    # for every chunk while its workers fly).
    columns: dict[str, Any] = {}
    for name, dtype in row_types(spec).items():
        values = [row.get(name, _NAN) for row in rows]
        columns[name] = (
            np.array(values, dtype=float) if dtype == "float64" else pd.Series(values, dtype=dtype)
        )
    return pd.DataFrame(columns)


@dataclass(frozen=True)
class SweepBase:
    """What a worker needs to fly designs: the base setup (resolved objects, no file access
    needed except for swapped-in presets), the station (None: fly the mission) and the fixed
    changes every design gets before its own."""

    setup: FlightSetup
    station: StationSpec | None
    changes: dict[str, Any]


def resolve_base(spec: SweepSpec) -> SweepBase:
    """The sweep's base. Raises :class:`InputError` naming what is wrong with it."""
    base = spec.base
    settings = construct(
        SimulationSettings,
        {
            "output_points": SWEEP_OUTPUT_POINTS,
            "relative_tolerance": SWEEP_RELATIVE_TOLERANCE,
            "initial_step_s": SWEEP_INITIAL_STEP_S,
            "suppress_algebraic_error": SWEEP_SUPPRESS_ALGEBRAIC_ERROR,
            **base.settings,
        },
        "base.settings",
    )
    station = None
    mission: Any = base.mission
    if base.station is not None:
        station = StationSpec(
            phase=base.station.phase,
            speed_m_per_s=base.station.speed_m_per_s,
            ground_altitude_m=base.station.ground_altitude_m,
            ambient_c=base.station.ambient_c,
            reserve_state_of_charge=base.station.reserve_state_of_charge,
        )
        mission = station_plan(station, 60.0)  # a stand-in: each point gets its horizon
    setup = resolve_setup(
        mission,
        cell=base.cell,
        drone=base.drone,
        series_count=base.series_count,
        parallel_count=base.parallel_count,
        settings=settings,
    )
    return SweepBase(setup=setup, station=station, changes=dict(base.set))


def flown_rows(base: SweepBase, designs: Sequence[tuple[int, dict[str, Any]]]) -> list[dict]:
    """One row per ``(index, changes)`` design, in order: the design's values, whether and
    how it flew. Designs are flown together (one batch per built model). The task a sweep's
    or an optimisation's workers run (study workers import this module before their
    first task: ``sortie.studies.executors.prepare_study_server``)."""
    setups: list[FlightSetup | InputError] = []
    for _, changes in designs:
        try:
            setups.append(apply_changes(base.setup, {**base.changes, **changes}))
        except InputError as error:
            setups.append(error)
    valid = [s for s in setups if isinstance(s, FlightSetup)]
    if base.station is None:
        flown: list[Any] = list(fly_many(valid))
    else:
        points = [
            StationPoint(s.drone, s.cell, s.pack, base.station, s.settings)  # type: ignore[arg-type]
            for s in valid
        ]
        flown = list(station_endurances(points))
    results = iter(flown)
    rows = []
    for (index, changes), setup in zip(designs, setups, strict=True):
        row: dict[str, Any] = {"design": index, **changes}
        if isinstance(setup, InputError):
            row.update(_not_flown("invalid", str(setup)))
        else:
            row.update(_row(setup, next(results), base.station))
        rows.append(row)
    return rows


def _not_flown(reason: str, message: str) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(ROW_COLUMNS, _NAN)
    row.update(
        flown=False,
        not_flown_reason=reason,
        message=message,
        cell_id="",
        pack_mass_source="",
        termination_reason="",
        final_segment="",
        hardest_segment="",
        mission_completed=False,
        reserve_met=False,
        limited_by="",
    )
    return row


def _setup_figures(setup: FlightSetup) -> dict[str, Any]:
    budget = setup.cell.budget
    pack_mass_kg = setup.pack.mass_kg(budget)
    return {
        "cell_id": setup.cell.id,
        "series_count": setup.pack.series_count,
        "parallel_count": setup.pack.parallel_count,
        "pack_mass_kg": pack_mass_kg,
        "pack_mass_source": setup.pack.mass_source.value,
        "pack_mass_overhead_fraction": setup.pack.overhead_fraction(budget),
        "interconnect_resistance_ohm": setup.pack.interconnect_resistance_ohm,
        "take_off_mass_kg": (
            setup.drone.take_off_mass_kg(pack_mass_kg) if setup.drone is not None else _NAN
        ),
        "pack_energy_wh": setup.pack.energy_wh(budget),
        "capacity_ah": budget.capacity_ah,
        "cell_energy_wh": budget.energy_wh,
        "cell_mass_g": budget.mass_g,
        "cell_volume_ml": budget.volume_ml,
        "gravimetric_energy_density_wh_per_kg": budget.gravimetric_energy_density_wh_per_kg,
        "volumetric_energy_density_wh_per_l": budget.volumetric_energy_density_wh_per_l,
    }


def _row(
    setup: FlightSetup, found: Flight | Grounded | EnduranceResult, station: StationSpec | None
) -> dict[str, Any]:
    if isinstance(found, EnduranceResult):
        return _station_row(setup, found, station)
    if isinstance(found, Grounded):
        row = _not_flown(found.reason.value, found.message)
        row.update(_setup_figures(setup))
        return row
    summary = found.summary
    row = dict.fromkeys(ROW_COLUMNS, _NAN)
    row.update(_setup_figures(setup))
    row.update(
        flown=True,
        not_flown_reason="",
        message=summary.termination_message,
        endurance_s=summary.endurance_s,
        mission_duration_s=summary.mission_duration_s,
        mission_completed=summary.mission_completed,
        termination_reason=summary.termination_reason.value,
        final_segment=summary.final_segment,
        hardest_segment=summary.hardest_segment,
        reserve_state_of_charge=summary.reserve_state_of_charge,
        final_state_of_charge=summary.final_state_of_charge,
        reserve_met=summary.reserve_met,
        min_cell_voltage_v=summary.min_cell_voltage_v,
        max_cell_temperature_c=summary.max_cell_temperature_c,
        coldest_cell_temperature_c=summary.coldest_cell_temperature_c,
        max_cell_spread_k=summary.max_cell_spread_k,
        max_enclosure_temperature_c=summary.max_enclosure_temperature_c,
        energy_delivered_wh=summary.energy_delivered_wh,
        interconnect_loss_wh=summary.interconnect_loss_wh,
        mission_gravimetric_energy_density_wh_per_kg=(
            summary.mission_gravimetric_energy_density_wh_per_kg
        ),
        mission_volumetric_energy_density_wh_per_l=summary.mission_volumetric_energy_density_wh_per_l,
        limited_by="",
    )
    return row


def _station_row(
    setup: FlightSetup, found: EnduranceResult, station: StationSpec | None
) -> dict[str, Any]:
    """A point on station: its figures up to the end of the endurance (the reserve or the cell
    limit), not to the end of the flown horizon."""
    assert station is not None
    if not found.limited_by.flown:
        reason = {
            EnduranceLimit.TOO_HEAVY: "too heavy",
            EnduranceLimit.TOO_MUCH_POWER: "infeasible power",
        }.get(found.limited_by, "invalid")
        row = _not_flown(reason, found.message)
        row.update(_setup_figures(setup), limited_by=found.limited_by.value)
        return row
    assert found.result is not None
    series = found.result.timeseries
    held = series[series.index <= found.endurance_s]
    summary = found.result.summary
    cells = setup.pack.cell_count
    # Constant pack power on station: energy = power x time.
    energy_wh = found.pack_power_w * found.endurance_s / 3600.0
    at_reserve = found.limited_by is EnduranceLimit.RESERVE
    row = dict.fromkeys(ROW_COLUMNS, _NAN)
    row.update(_setup_figures(setup))
    row.update(
        flown=True,
        not_flown_reason="",
        message=found.message,
        endurance_s=found.endurance_s,
        # Held station until the reserve rule, not stopped early by a cell limit.
        mission_completed=at_reserve,
        termination_reason=(
            EnduranceLimit.RESERVE.value if at_reserve else summary.termination_reason.value
        ),
        final_segment=summary.final_segment,
        hardest_segment=summary.hardest_segment,
        reserve_state_of_charge=station.reserve_state_of_charge,
        final_state_of_charge=(
            station.reserve_state_of_charge if at_reserve else summary.final_state_of_charge
        ),
        reserve_met=at_reserve,
        min_cell_voltage_v=float(held["cell_voltage_v"].min()),
        max_cell_temperature_c=float(held["hottest_cell_temperature_c"].max()),
        coldest_cell_temperature_c=float(held["coldest_cell_temperature_c"].min()),
        max_cell_spread_k=float(
            (held["hottest_cell_temperature_c"] - held["coldest_cell_temperature_c"]).max()
        ),
        energy_delivered_wh=energy_wh,
        # At constant power the interconnect's loss grows with the time flown.
        interconnect_loss_wh=summary.interconnect_loss_wh
        * min(1.0, found.endurance_s / max(summary.endurance_s, 1e-9)),
        mission_gravimetric_energy_density_wh_per_kg=energy_wh / cells / setup.cell.budget.mass_kg,
        mission_volumetric_energy_density_wh_per_l=(
            energy_wh / cells / setup.cell.budget.volume_ml * 1e3
        ),
        limited_by=found.limited_by.value,
        pack_power_w=found.pack_power_w,
        speed_m_per_s=found.speed_m_per_s,
    )
    return row


@dataclass(frozen=True)
class NotFlownGroup:
    """Designs that did not fly for the same reason with the same message."""

    reason: str
    message: str
    designs: tuple[int, ...]


@dataclass(frozen=True)
class SweepOutcome:
    """How a sweep's designs fared: ``total`` designs asked for, ``rows`` of them in the table
    (the rest were stopped or hit an internal error), how many flew and completed the mission,
    and the ones that did not fly, grouped by reason and message in the order of their first
    design."""

    total: int
    rows: int
    flown: int
    completed: int
    not_flown: tuple[NotFlownGroup, ...]

    @property
    def not_flown_count(self) -> int:
        return sum(len(group.designs) for group in self.not_flown)

    @property
    def missing(self) -> int:
        return self.total - self.rows

    @property
    def all_flown(self) -> bool:
        return self.flown == self.total


def sweep_outcome(table: pd.DataFrame, total: int) -> SweepOutcome:
    """The outcome of a sweep table (:func:`rows_frame` columns) of ``total`` designs."""
    flown = table["flown"].astype(bool)
    groups: dict[tuple[str, str], list[int]] = {}
    for _, row in table[~flown].sort_values("design").iterrows():
        key = (str(row["not_flown_reason"]), str(row["message"]))
        groups.setdefault(key, []).append(int(row["design"]))
    return SweepOutcome(
        total=total,
        rows=len(table),
        flown=int(flown.sum()),
        completed=int((flown & table["mission_completed"].astype(bool)).sum()),
        not_flown=tuple(
            NotFlownGroup(reason, message, tuple(designs))
            for (reason, message), designs in groups.items()
        ),
    )
