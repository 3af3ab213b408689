"""The measured validation table: cell presets flown on measured tests (:mod:`.replay`), one
row per preset and test, and the Markdown the README shows.

The targets are those the issue sets for a calibrated cell on its validation tests (time to
cut-off within 5 % at every rate up to 2C, voltage RMSE under 30 mV, peak temperature rise
within 3 K); every row says whether it meets them, literature sets included, so a reader
sees where each one stands.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sortie.measurements.cell_test import CellTest, DataSet
from sortie.measurements.replay import ReplaySummary, replay
from sortie.models.result import TerminationReason
from sortie.models.settings import SimulationSettings
from sortie.presets.loader import load_cell

TIME_TO_CUTOFF_TARGET_PERCENT = 5.0
VOLTAGE_RMSE_TARGET_MV = 30.0
TEMPERATURE_RISE_TARGET_K = 3.0
# What a stop on a limit is called in the table.
_LIMIT_WORDS = {
    TerminationReason.TEMPERATURE_LIMIT: "hot limit",
    TerminationReason.COLD_LIMIT: "cold limit",
    TerminationReason.MODEL_LIMIT: "model limit",
    TerminationReason.SOLVER_FAILURE: "solver failed",
}


@dataclass(frozen=True)
class MeasuredPreset:
    """A cell preset (or cell file) in the table and how the table names it."""

    preset_id: str
    label: str


@dataclass(frozen=True)
class ValidationRow:
    """One preset on one test. ``data_set`` None: the test is in neither set."""

    preset: MeasuredPreset
    test_name: str
    data_set: DataSet | None
    summary: ReplaySummary

    @property
    def misses(self) -> tuple[str, ...]:
        """The targets this row misses: ``time``, ``RMSE``, ``rise`` (a time the model could
        not give, having outlasted its flown profile, counts as missed)."""
        s = self.summary
        found = []
        if s.measured_time_to_cutoff_s is not None and (
            s.time_to_cutoff_error_percent is None
            or abs(s.time_to_cutoff_error_percent) > TIME_TO_CUTOFF_TARGET_PERCENT
        ):
            found.append("time")
        if s.voltage_rmse_mv > VOLTAGE_RMSE_TARGET_MV:
            found.append("RMSE")
        if (
            s.temperature_rise_error_k is not None
            and abs(s.temperature_rise_error_k) > TEMPERATURE_RISE_TARGET_K
        ):
            found.append("rise")
        return tuple(found)


def validation_rows(
    presets: Sequence[MeasuredPreset],
    tests: Sequence[CellTest],
    split: Mapping[str, DataSet],
    settings: SimulationSettings,
    *,
    current_matched: bool = True,
) -> tuple[ValidationRow, ...]:
    """Every preset flown on every test (:func:`~sortie.measurements.replay.replay`, with
    ``settings``; their ambient None: each test's), preset by preset in the given order;
    ``split`` names each test's set."""
    rows = []
    for preset in presets:
        cell = load_cell(preset.preset_id)
        for test in tests:
            flown = replay(test, cell, settings, current_matched=current_matched)
            rows.append(ValidationRow(preset, test.name, split.get(test.name), flown.summary))
    return tuple(rows)


HEADER = (
    "| cell preset | test | set | time to cut-off min: measured / model | "
    "energy Wh: measured / model | temperature rise K: measured / model | voltage RMSE mV | "
    "within targets? |"
)


def markdown_table(rows: Sequence[ValidationRow]) -> str:
    """The rows as a Markdown table (the README's block)."""
    lines = [HEADER, "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        s = row.summary
        lines.append(
            f"| {row.preset.label} | {row.test_name} | "
            f"{'-' if row.data_set is None else row.data_set.value} | {time_cell(s)} | "
            f"{energy_cell(s)} | {rise_cell(s)} | {s.voltage_rmse_mv:.0f} | "
            f"{'yes' if not row.misses else 'no: ' + ', '.join(row.misses)} |"
        )
    return "\n".join(lines)


def time_cell(summary: ReplaySummary) -> str:
    """``"58.1 / 56.5 (-2.8 %)"``; a stop on a limit is named, a model that outlasted its
    flown profile is ``"> x"``; ``"-"`` for a test without a cut-off."""
    measured_s = summary.measured_time_to_cutoff_s
    if measured_s is None:
        return "-"
    model_s = summary.model_time_to_cutoff_s
    if model_s is None:
        return f"{measured_s / 60:.1f} / > {summary.model_end_s / 60:.1f}"
    error = f"{summary.time_to_cutoff_error_percent:+.1f} %"
    limit = _LIMIT_WORDS.get(summary.model_termination)
    if limit is not None:
        error += f", {limit}"
    return f"{measured_s / 60:.1f} / {model_s / 60:.1f} ({error})"


def energy_cell(summary: ReplaySummary) -> str:
    return (
        f"{summary.measured_energy_wh:.2f} / {summary.model_energy_wh:.2f} "
        f"({summary.energy_error_percent:+.1f} %)"
    )


def rise_cell(summary: ReplaySummary) -> str:
    if summary.measured_temperature_rise_k is None:
        return f"- / {summary.model_temperature_rise_k:.1f}"
    return (
        f"{summary.measured_temperature_rise_k:.1f} / {summary.model_temperature_rise_k:.1f} "
        f"({summary.temperature_rise_error_k:+.1f} K)"
    )
