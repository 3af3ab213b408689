"""Checking a fitted cell on tests the fit never saw: each validation test flown on the cell
as its file loads it (:func:`~sortie.calibration.cell_file.fitted_cell`), with the fit's
model and the fit's chamber, by :func:`sortie.measurements.replay.replay` (the measured
validation's own path). Used by ``sortie calibrate --validate`` and the app's Calibrate
page."""

from __future__ import annotations

from collections.abc import Sequence

from sortie.calibration.fit import DEFAULT_HEAT_TRANSFER_W_PER_M2_K, Calibration
from sortie.errors import InputError
from sortie.measurements.cell_test import CellTest


def check_separate(calibration_tests: Sequence[CellTest], validation: Sequence[CellTest]) -> None:
    """Raise InputError when a test is in both sets (a check on the training set proves
    nothing)."""
    shared = sorted({t.name for t in calibration_tests} & {t.name for t in validation})
    if shared:
        raise InputError(f"tests in both the calibration and the validation set: {shared}")


def validate(
    calibration: Calibration,
    validation: Sequence[CellTest],
    heat_transfer_coefficient_w_per_m2_k: float = DEFAULT_HEAT_TRANSFER_W_PER_M2_K,
) -> list:
    """Each test of ``validation`` flown on the fitted cell: a ReplaySummary per test, in
    order (none for no tests)."""
    if not validation:
        return []
    from sortie.calibration.cell_file import fitted_cell
    from sortie.measurements.replay import chamber_settings, replay
    from sortie.models.settings import ModelKind

    cell = fitted_cell(calibration)
    settings = chamber_settings(heat_transfer_coefficient_w_per_m2_k, ModelKind(calibration.model))
    return [replay(test, cell, settings).summary for test in validation]


def validation_table(checks: Sequence) -> str:
    """The checks as a terminal table: RMSE, time to cut-off, energy and temperature rise."""
    lines = [f"{'test':<24}{'RMSE mV':>9}{'cut-off':>10}{'energy':>9}{'rise':>9}"]
    for check in checks:
        cutoff = check.time_to_cutoff_error_percent
        rise = check.temperature_rise_error_k
        lines.append(
            f"{check.test_name:<24}{check.voltage_rmse_mv:>9.1f}"
            f"{'-' if cutoff is None else f'{cutoff:+.1f}%':>10}"
            f"{check.energy_error_percent:>+8.1f}%"
            f"{'-' if rise is None else f'{rise:+.1f} K':>9}"
        )
    return "\n".join(lines)


__all__ = ["check_separate", "validate", "validation_table"]
