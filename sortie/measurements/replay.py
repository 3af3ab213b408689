"""Fly a measured cell test on a model cell and compare: the figures of every fit report and of
the README's measured validation table.

The test is flown by the one flight chain (:func:`sortie.studies.setup.assemble` and
:func:`sortie.models.flight.fly`) on a 1S1P pack of the cell, as a flight log of its power,
at the test's ambient (the settings' thermal boundary: a test chamber by default).

Sortie's models are driven by power; a cycler drives a cell by current. Flown as the measured
power V x I, the model draws I x V_measured / V_model: its own voltage error goes into its
current (5-7 % RMS for the LG M50 presets at 0.5-2C), and where a model outlasts the test the
power held after the measured end (the cut-off voltage times the current) draws too little
current. Both move the time to cut-off by several per cent (Chen2020 at 25 °C, 0.5C: +8.5 %
flown as measured power, +4.7 % at the measured current). So by default the replay matches
the current: it flies again with the power I_measured x V_model of the pass before (from the
second correction on, half way between the two: the voltage falls steeply at the cut-off, and
undamped passes swing about the answer there), until the model's current is the measured one
within :data:`CURRENT_TOLERANCE_PERCENT` RMS and its discharged charge changes by less than
:data:`CHARGE_TOLERANCE_PERCENT` between passes, at most ``max_passes`` flights. Every pass
after the first re-solves the same built model (the same segments), so it costs a solve, not
a build. ``current_matched=False`` flies the measured power once.

Tests that run to a cut-off (:attr:`TestKind.RATE`, :attr:`TestKind.SLOW_DISCHARGE`) are
flown to the end of their discharge and on, at the test's last current, for
``extension_fraction`` of its length, so a model that holds out longer shows by how much; the
rest after the cut-off is not flown. Other tests are flown whole (rests at zero power);
they have no time to cut-off. Charging is not flown: a test that charges is refused.

Temperatures: the model cell starts soaked at the ambient (the chamber) unless the settings
give a start temperature, and the measured rise is counted from the cell's own first reading
(WMG's thermocouples read 0.4-2.5 K below the chamber set point at rest): rises compare
self-heating, not thermocouple offsets. The model's temperature is its lumped (mean) cell's,
the measurement a surface thermocouple's: at 2C a 21700's centre runs a few kelvin above its
can.

Why one module of ~460 lines: it is one idea, a test flown as it was run: the profile, the
current-matching passes and the comparison share the test's times and cut-off.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sortie.cells.cell import Cell
from sortie.errors import InputError
from sortie.measurements.cell_test import CellTest, TestKind
from sortie.models.flight import Flight, fly
from sortie.models.flight_log import FlightLog, log_to_mission
from sortie.models.result import TerminationReason
from sortie.models.settings import (
    DEFAULT_HEAT_TRANSFER_COEFFICIENT_W_PER_M2_K,
    ModelKind,
    SimulationSettings,
    ThermalBoundary,
)
from sortie.studies.setup import assemble, built_pack

# A discharge sample carries more than this share of the test's largest current: the end of
# a discharge is the last such sample (a cycler's rest logs 0 A, its CV tail is a charge).
DISCHARGE_CURRENT_SHARE = 0.05
# Below this share of the largest current a sample is at rest (a cycler logs a few mA).
REST_CURRENT_SHARE = 1e-3
# A last discharge sample further than this from the discharge's current is a merged step.
HELD_CURRENT_TOLERANCE = 0.05
# The flown profile in this many constant-power segments unless a bin is given: a constant
# current's power changes slowly (bins keep the energy exactly), and every segment is a
# solver restart.
DEFAULT_SEGMENTS = 100
# A model that outlasts a test to cut-off is flown on for this share of its length.
DEFAULT_EXTENSION_FRACTION = 0.3
# Samples of the extension (its power follows the model's voltage from the second pass on).
EXTENSION_SAMPLES = 40
# Current matching: stop when the model's current is the target within this (RMS over the
# flown time) and its discharged charge moved by less than this between the last two passes.
CURRENT_TOLERANCE_PERCENT = 1.0
CHARGE_TOLERANCE_PERCENT = 0.3
DEFAULT_MAX_PASSES = 6
# From the second correction on, the next voltage guess is this share of the model's voltage
# and the rest the guess before (see the module's docstring).
DAMPING = 0.5
# Output points of the flown model (the solver's steps are its own; this is where the
# comparison reads it: ~4 s apart over a 2C test and its extension).
OUTPUT_POINTS = 600
# Endings on a limit rather than at the voltage cut-off or the end of the profile.
LIMIT_ENDINGS = (
    TerminationReason.TEMPERATURE_LIMIT,
    TerminationReason.COLD_LIMIT,
    TerminationReason.MODEL_LIMIT,
    TerminationReason.SOLVER_FAILURE,
)
_TO_CUTOFF = (TestKind.RATE, TestKind.SLOW_DISCHARGE)


def chamber_settings(
    heat_transfer_coefficient_w_per_m2_k: float = DEFAULT_HEAT_TRANSFER_COEFFICIENT_W_PER_M2_K,
    model: ModelKind = ModelKind.DFN,
) -> SimulationSettings:
    """A single open cell in a test chamber with the given coefficient on its surface."""
    return SimulationSettings(
        model=model,
        thermal_boundary=ThermalBoundary.CHAMBER,
        heat_transfer_coefficient_w_per_m2_k=heat_transfer_coefficient_w_per_m2_k,
        output_points=OUTPUT_POINTS,
    )


@dataclass(frozen=True)
class ReplaySummary:
    """Measured against model for one test on one cell.

    Times to cut-off are None for a test that does not run to one (a pulse, a drive cycle);
    the model's is the time it stopped (at its cut-off or on a limit: ``model_termination``
    says which), None when it outlasted the flown profile. Discharged charge and energy are
    counted up to each one's end (the test's end of discharge, the model's stop). Rises are
    peak minus start (the measured cell's first reading, the model's start temperature);
    None without a measured temperature. Errors are model minus measured (relative ones in
    per cent of the measured). ``voltage_rmse_mv`` is over the measured samples up to
    ``compared_until_s``, the earlier of the two ends; ``model_end_s`` is where the model's
    run ended, for any reason. ``current_mismatch_percent`` is the
    model's current against the flown target (the measured one, held on after a cut-off
    test's end) RMS over the model's run; ``passes`` the flights it took."""

    test_name: str
    cell_name: str
    model: ModelKind
    thermal_boundary: ThermalBoundary
    heat_transfer_coefficient_w_per_m2_k: float
    ambient_c: float
    compared_until_s: float
    model_end_s: float
    voltage_rmse_mv: float
    measured_time_to_cutoff_s: float | None
    model_time_to_cutoff_s: float | None
    time_to_cutoff_error_percent: float | None
    measured_discharged_ah: float
    model_discharged_ah: float
    discharged_ah_error_percent: float
    measured_energy_wh: float
    model_energy_wh: float
    energy_error_percent: float
    measured_temperature_rise_k: float | None
    model_temperature_rise_k: float
    temperature_rise_error_k: float | None
    model_termination: TerminationReason
    current_matched: bool
    current_mismatch_percent: float
    passes: int

    @property
    def model_stopped_on_limit(self) -> bool:
        """The model stopped on a limit (too hot or cold, out of its range, the solver)
        rather than at the voltage cut-off or the end of the flown profile."""
        return self.model_termination in LIMIT_ENDINGS

    def to_dict(self) -> dict:
        """JSON-ready (enums as their values, the limit flag included)."""
        data = dataclasses.asdict(self)
        for key in ("model", "thermal_boundary", "model_termination"):
            data[key] = data[key].value
        data["model_stopped_on_limit"] = self.model_stopped_on_limit
        return data


@dataclass(frozen=True, eq=False)
class Replay:
    """A flown test. ``timeseries`` is indexed by ``time_s`` (the measured samples and the
    model's output times): ``measured_current_a``, ``measured_voltage_v``,
    ``measured_temperature_c`` (linear between samples, NaN outside the test or without a
    temperature), ``model_current_a``, ``model_voltage_v``, ``model_temperature_c`` (NaN
    outside the model's run), ``voltage_error_mv`` (model minus measured) and
    ``measured_sample`` (True on the test's own samples). ``flight`` is the last pass."""

    timeseries: pd.DataFrame
    summary: ReplaySummary
    flight: Flight


@dataclass(frozen=True)
class _Profile:
    """What is flown: target current and a voltage guess on the flown times."""

    time_s: np.ndarray
    current_a: np.ndarray
    measured_end_s: float  # end of the measured part (the discharge, or the test)


def _discharge_end(test: CellTest) -> tuple[int, int, float]:
    """(the last sample at the discharge's current, the sample where it ends, that current).

    A reader merges the rows of the stamp where the current steps to 0 into one sample that
    keeps the charge (WMG's 2C cut-off: 0.36 A, 1C: 0.42 A): such a sample ends the discharge
    but is no current the cell ran at. The current is the median over the last tenth of the
    discharge (a constant current's own value)."""
    current, time_s = test.current_a, test.time_s
    largest = float(np.max(current))
    if largest <= 0:
        raise InputError(f"{test.name}: no discharge in the test (no positive current)")
    strong = np.flatnonzero(current > DISCHARGE_CURRENT_SHARE * largest)
    last = int(strong[-1])
    recent = strong[time_s[strong] >= time_s[last] - 0.1 * (time_s[last] - time_s[0])]
    held_a = float(np.median(current[recent]))
    if last > 0 and abs(current[last] / held_a - 1) > HELD_CURRENT_TOLERANCE:
        return last - 1, last, held_a
    after = last + 1
    if after < len(current) and current[after] > REST_CURRENT_SHARE * largest:
        return last, after, held_a
    return last, last, held_a


def _profile(test: CellTest, extension_fraction: float) -> tuple[_Profile, np.ndarray]:
    """The flown profile and the voltage of the first pass on its times."""
    time_s = test.time_s - test.time_s[0]
    if test.kind in _TO_CUTOFF:
        # Flown at the discharge's current to its last full sample, then on at that current
        # (a merged last sample's mean current is not a current the cell ran at).
        last, end, held_a = _discharge_end(test)
        measured_end_s = float(time_s[end])
        time_s, current = time_s[: last + 1], test.current_a[: last + 1]
        voltage = test.voltage_v[: last + 1]
        if extension_fraction > 0:
            steps = np.arange(1, EXTENSION_SAMPLES + 1) / EXTENSION_SAMPLES
            extra_s = time_s[-1] + extension_fraction * measured_end_s * steps
            time_s = np.concatenate([time_s, extra_s])
            current = np.concatenate([current, np.full(EXTENSION_SAMPLES, held_a)])
            voltage = np.concatenate([voltage, np.full(EXTENSION_SAMPLES, voltage[-1])])
    else:
        current, voltage = test.current_a, test.voltage_v
        measured_end_s = float(time_s[-1])
    charging = np.flatnonzero(current < -DISCHARGE_CURRENT_SHARE * float(np.max(current)))
    if len(charging):
        raise InputError(
            f"{test.name}: the test charges at {time_s[charging[0]]:g} s; a replay flies "
            "discharges and rests only"
        )
    # Rests log a few mA either way: no power.
    current = np.maximum(current, 0.0)
    return _Profile(time_s, current, measured_end_s), np.asarray(voltage, dtype=float)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "test"


def _fly(
    test: CellTest,
    cell: Cell,
    settings: SimulationSettings,
    profile: _Profile,
    voltage_v: np.ndarray,
    bin_s: float,
) -> Flight:
    log = FlightLog(profile.time_s, profile.current_a * voltage_v, source=test.name)
    mission = log_to_mission(
        log,
        mission_id=_slug(test.name),
        name=f"cell test {test.name}",
        bin_s=bin_s,
        ambient_c=test.ambient_c,
    )
    return fly(assemble(cell, built_pack(1, 1), mission, None, settings))


def _model_series(flight: Flight) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    result = flight.result
    columns = {
        "current_a": np.asarray(result.columns["cell_current_a"], dtype=float),
        "voltage_v": np.asarray(result.columns["cell_voltage_v"], dtype=float),
        "temperature_c": np.asarray(result.columns["cell_temperature_c"], dtype=float),
    }
    return np.asarray(result.time_s, dtype=float), columns


def _on(time_s: np.ndarray, at_s: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` (on ``time_s``) at ``at_s``, linear; NaN outside ``time_s``."""
    found = np.interp(at_s, time_s, values)
    found[(at_s < time_s[0]) | (at_s > time_s[-1])] = np.nan
    return found


def _mismatch_percent(profile: _Profile, flight: Flight) -> float:
    model_time_s, model = _model_series(flight)
    flown = profile.time_s <= model_time_s[-1]
    target = profile.current_a[flown]
    moving = target > 0
    if not np.any(moving):
        return 0.0
    model_a = np.interp(profile.time_s[flown][moving], model_time_s, model["current_a"])
    # RMS over time, not over samples: a cycler logs the first instants of a step densely
    # (WMG's 45 °C 1C test: a sample at 0.1 s, the current still ramping), and the flown
    # power, averaged into bins, cannot follow them; weighted per sample they would hold the
    # mismatch above tolerance however well the rest matches.
    weights = np.gradient(profile.time_s)[flown][moving]
    squares = (model_a / target[moving] - 1) ** 2
    return float(100 * np.sqrt(np.sum(weights * squares) / np.sum(weights)))


def _next_voltage(profile: _Profile, flight: Flight, guess_v: np.ndarray, damped: bool):
    """The model's voltage on the flown times (after its stop: its last value), blended with
    the guess before when ``damped``."""
    model_time_s, model = _model_series(flight)
    voltage = np.interp(profile.time_s, model_time_s, model["voltage_v"])
    return DAMPING * voltage + (1 - DAMPING) * guess_v if damped else voltage


def _charge_ah(time_s: np.ndarray, current_a: np.ndarray) -> float:
    return float(np.trapezoid(current_a, time_s) / 3600.0)


def _model_charge_ah(flight: Flight) -> float:
    time_s, model = _model_series(flight)
    return _charge_ah(time_s, model["current_a"])


def _error_percent(model: float, measured: float) -> float:
    return 100.0 * (model / measured - 1.0) if measured else math.nan


def replay(
    test: CellTest,
    cell: Cell,
    settings: SimulationSettings | None = None,
    *,
    current_matched: bool = True,
    extension_fraction: float = DEFAULT_EXTENSION_FRACTION,
    bin_s: float | None = None,
    max_passes: int = DEFAULT_MAX_PASSES,
) -> Replay:
    """Fly ``test`` on ``cell`` (a 1S1P pack) and compare (see the module's docstring).

    ``settings`` None: a single cell in a test chamber at the default coefficient, DFN
    (:func:`chamber_settings`); their ambient None: the test's. ``bin_s`` None: the flown
    time in :data:`DEFAULT_SEGMENTS` segments (pulses need a bin shorter than a pulse).
    Raises :class:`InputError` for a test that charges or never discharges, and what
    :func:`~sortie.models.flight.fly` raises for a power the cell cannot give at all."""
    settings = settings or chamber_settings()
    if settings.ambient_c is None:
        settings = dataclasses.replace(settings, ambient_c=test.ambient_c)
    if max_passes < 1:
        raise InputError(f"max_passes must be at least 1, got {max_passes}")
    profile, guess_v = _profile(test, extension_fraction)
    bin_s = bin_s or float(profile.time_s[-1]) / DEFAULT_SEGMENTS
    flight = _fly(test, cell, settings, profile, guess_v, bin_s)
    passes, mismatch = 1, _mismatch_percent(profile, flight)
    charge = _model_charge_ah(flight)
    while current_matched and passes < max_passes:
        guess_v = _next_voltage(profile, flight, guess_v, damped=passes > 1)
        next_flight = _fly(test, cell, settings, profile, guess_v, bin_s)
        passes += 1
        next_charge = _model_charge_ah(next_flight)
        moved = abs(_error_percent(next_charge, charge))
        flight, charge = next_flight, next_charge
        mismatch = _mismatch_percent(profile, flight)
        if mismatch <= CURRENT_TOLERANCE_PERCENT and moved <= CHARGE_TOLERANCE_PERCENT:
            break
    return _compared(test, cell, settings, profile, flight, current_matched, mismatch, passes)


def _compared(
    test: CellTest,
    cell: Cell,
    settings: SimulationSettings,
    profile: _Profile,
    flight: Flight,
    current_matched: bool,
    mismatch: float,
    passes: int,
) -> Replay:
    measured_time_s = test.time_s - test.time_s[0]
    model_time_s, model = _model_series(flight)
    summary_of_run = flight.summary
    model_end_s = float(model_time_s[-1])
    measured_end_s = profile.measured_end_s
    until_s = min(measured_end_s, model_end_s)
    # The measured discharge: up to its end (a cut-off test's rest is not compared).
    upto = measured_time_s <= measured_end_s
    compared = measured_time_s <= until_s
    model_voltage_v = np.interp(measured_time_s[compared], model_time_s, model["voltage_v"])
    rmse_mv = float(
        1000 * np.sqrt(np.mean((model_voltage_v - test.voltage_v[compared]) ** 2))
    )
    to_cutoff = test.kind in _TO_CUTOFF
    termination = summary_of_run.termination_reason
    model_cutoff_s = (
        model_end_s if to_cutoff and termination is not TerminationReason.END_OF_PROFILE else None
    )
    measured_cutoff_s = measured_end_s if to_cutoff else None
    measured_ah = _charge_ah(measured_time_s[upto], test.current_a[upto])
    model_ah = _charge_ah(model_time_s, model["current_a"])
    measured_wh = float(
        np.trapezoid(test.current_a[upto] * test.voltage_v[upto], measured_time_s[upto]) / 3600
    )
    model_wh = float(np.trapezoid(model["current_a"] * model["voltage_v"], model_time_s) / 3600)
    start_c = summary_of_run.start_temperature_c
    model_rise_k = float(np.max(model["temperature_c"]) - start_c)
    measured_rise_k = None
    if test.temperature_c is not None:
        measured_rise_k = float(np.max(test.temperature_c[upto]) - test.temperature_c[0])
    summary = ReplaySummary(
        test_name=test.name,
        cell_name=cell.name,
        model=settings.model,
        thermal_boundary=settings.thermal_boundary,
        heat_transfer_coefficient_w_per_m2_k=settings.heat_transfer_coefficient_w_per_m2_k,
        ambient_c=float(settings.ambient_c if settings.ambient_c is not None else test.ambient_c),
        compared_until_s=until_s,
        model_end_s=model_end_s,
        voltage_rmse_mv=rmse_mv,
        measured_time_to_cutoff_s=measured_cutoff_s,
        model_time_to_cutoff_s=model_cutoff_s,
        time_to_cutoff_error_percent=(
            _error_percent(model_cutoff_s, measured_cutoff_s)
            if model_cutoff_s is not None and measured_cutoff_s is not None
            else None
        ),
        measured_discharged_ah=measured_ah,
        model_discharged_ah=model_ah,
        discharged_ah_error_percent=_error_percent(model_ah, measured_ah),
        measured_energy_wh=measured_wh,
        model_energy_wh=model_wh,
        energy_error_percent=_error_percent(model_wh, measured_wh),
        measured_temperature_rise_k=measured_rise_k,
        model_temperature_rise_k=model_rise_k,
        temperature_rise_error_k=(
            None if measured_rise_k is None else model_rise_k - measured_rise_k
        ),
        model_termination=termination,
        current_matched=current_matched,
        current_mismatch_percent=mismatch,
        passes=passes,
    )
    return Replay(_timeseries(test, measured_time_s, model_time_s, model), summary, flight)


def _timeseries(
    test: CellTest,
    measured_time_s: np.ndarray,
    model_time_s: np.ndarray,
    model: dict[str, np.ndarray],
) -> pd.DataFrame:
    time_s = np.union1d(measured_time_s, model_time_s)
    temperature = (
        _on(measured_time_s, time_s, test.temperature_c)
        if test.temperature_c is not None
        else np.full(len(time_s), np.nan)
    )
    frame = pd.DataFrame(
        {
            "measured_current_a": _on(measured_time_s, time_s, test.current_a),
            "measured_voltage_v": _on(measured_time_s, time_s, test.voltage_v),
            "measured_temperature_c": temperature,
            "model_current_a": _on(model_time_s, time_s, model["current_a"]),
            "model_voltage_v": _on(model_time_s, time_s, model["voltage_v"]),
            "model_temperature_c": _on(model_time_s, time_s, model["temperature_c"]),
            "measured_sample": np.isin(time_s, measured_time_s),
        },
        index=pd.Index(time_s, name="time_s"),
    )
    frame.insert(
        6, "voltage_error_mv", 1000 * (frame["model_voltage_v"] - frame["measured_voltage_v"])
    )
    return frame
