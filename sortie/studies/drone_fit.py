"""A drone's coefficients fitted to its own flight log.

Given the take-off mass (asked, never guessed), :func:`fit_drone` fits a drone's figure of
merit, flat-plate drag area and avionics power (rotor-borne flight) and its drag polar
(zero-lift drag coefficient and Oswald efficiency, wing-borne flight) to the measured pack power,
voltage x current, of the log's steady samples, with :func:`scipy.optimize.least_squares` on
the model's electrical power (:mod:`sortie.models.flight_physics`) at each sample's airspeed,
climb rate and air density. Steady samples are those of the hover and cruise phases that
:func:`~sortie.models.log_phases.detect_phases` found, less 2 s (``TRIM_S``) at each end of a
phase (spool-up, braking, the turn into a leg), and the ground samples before arming (the pack
then powers only the avionics and payload: they pin the avionics power down).

Limits, said once here and in each fit's notes:
- the mass is the take-off mass throughout (payload drops are out of scope);
- the motor and ESC efficiencies, the payload power and the propeller efficiency are held at
  the base drone's values: the log's electrical power cannot tell a better rotor from a better
  motor, so the figure of merit and drag are "effective" with the base's efficiencies;
- airspeed is the logged airspeed where there is one, else the ground speed (still air);
- air density from the altitude above the ground (ISA pressure at ``ground_altitude_m`` plus it)
  and the air temperature falling 6.5 K/km from ``ambient_c``, as flight plans fly.

Uncertainties are one standard error from the Jacobian at the optimum: covariance
s^2 (J^T J)^-1 with s^2 the residual variance (sum of squares / (n - p)). They assume
independent samples; a real log's noise is correlated over seconds, so they are lower bounds.
A value whose standard error is more than :data:`MAX_RELATIVE_ERROR` of it is not identified by
the log: it keeps the base's value and the fit is made again without it.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from sortie.defaults import STANDARD_AMBIENT_C
from sortie.errors import InputError
from sortie.models.drone import Drone
from sortie.models.flight_record import FlightRecord
from sortie.models.log_phases import HOVER_SPEED_MAX_M_PER_S
from sortie.studies.drone_file import drone_document, write_drone_file
from sortie.studies.drone_fit_samples import (
    FitSamples,
    SampleKind,
    powers_w,
    steady_samples,
)

# Fewer steady samples than this: refused (a fit of up to 5 values needs a margin over them).
MIN_SAMPLES = 20
# A fitted value whose standard error is above this fraction of it is not identified.
MAX_RELATIVE_ERROR = 0.3
# A phase whose mean power the fitted model misses by more than this is warned about.
PHASE_ERROR_WARNING_PERCENT = 10.0


__all__ = [
    "DroneFit",
    "FitParameter",
    "FittedValue",
    "PhaseFit",
    "drone_document",
    "fit_drone",
    "write_drone_file",
]


class FitParameter(StrEnum):
    """A coefficient the fit can adjust, named by its field path in a drone file."""

    FIGURE_OF_MERIT = "rotors.figure_of_merit"
    FLAT_PLATE_AREA = "rotors.flat_plate_area_m2"
    AVIONICS_POWER = "avionics_power_w"
    ZERO_LIFT_DRAG = "wing.zero_lift_drag_coefficient"
    OSWALD_EFFICIENCY = "wing.oswald_efficiency"


# Bounds: the drone model's own valid ranges (open ends nudged inside).
_BOUNDS = {
    FitParameter.FIGURE_OF_MERIT: (0.201, 0.85),
    FitParameter.FLAT_PLATE_AREA: (0.0, 10.0),
    FitParameter.AVIONICS_POWER: (0.0, 1e5),
    FitParameter.ZERO_LIFT_DRAG: (0.0051, 0.3),
    FitParameter.OSWALD_EFFICIENCY: (0.301, 1.0),
}
# The least a parameter's scale is (a base value of 0 W avionics still moves by watts).
_SCALE_FLOOR = {
    FitParameter.FIGURE_OF_MERIT: 0.1,
    FitParameter.FLAT_PLATE_AREA: 0.01,
    FitParameter.AVIONICS_POWER: 1.0,
    FitParameter.ZERO_LIFT_DRAG: 0.005,
    FitParameter.OSWALD_EFFICIENCY: 0.1,
}
# Dropped first when the log cannot separate values: the ones a user can measure otherwise.
_DROP_ORDER = (
    FitParameter.AVIONICS_POWER,
    FitParameter.OSWALD_EFFICIENCY,
    FitParameter.FLAT_PLATE_AREA,
    FitParameter.ZERO_LIFT_DRAG,
    FitParameter.FIGURE_OF_MERIT,
)


@dataclass(frozen=True)
class FittedValue:
    """One coefficient: the base's value, the value now (fitted, or the base's kept) and its
    standard error (NaN when not fitted); ``reason`` says why it was not fitted."""

    parameter: FitParameter
    base_value: float
    value: float
    standard_error: float
    fitted: bool
    reason: str = ""

    @property
    def status(self) -> str:
        return "fitted" if self.fitted else f"not fitted ({self.reason})"


@dataclass(frozen=True)
class PhaseFit:
    """Measured against model mean pack power over one phase's steady samples."""

    label: str
    start_s: float
    end_s: float
    sample_count: int
    measured_power_w: float
    model_power_w: float

    @property
    def error_percent(self) -> float:
        """(model - measured) / measured: positive when the model draws more."""
        return 100.0 * (self.model_power_w - self.measured_power_w) / self.measured_power_w


@dataclass(frozen=True)
class DroneFit:
    """What :func:`fit_drone` found: ``drone`` is the base with the fitted values."""

    source: str
    base: Drone
    drone: Drone
    take_off_mass_kg: float
    ambient_c: float
    ground_altitude_m: float
    values: tuple[FittedValue, ...]
    phases: tuple[PhaseFit, ...]
    sample_count: int
    rms_residual_w: float
    warnings: tuple[str, ...]
    notes: tuple[str, ...]

    def value(self, parameter: FitParameter) -> FittedValue:
        return next(v for v in self.values if v.parameter is parameter)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "base_drone": self.base.id,
            "drone": self.drone.id,
            "take_off_mass_kg": self.take_off_mass_kg,
            "ambient_c": self.ambient_c,
            "ground_altitude_m": self.ground_altitude_m,
            "sample_count": self.sample_count,
            "rms_residual_w": self.rms_residual_w,
            "uncertainty": "one standard error from the Jacobian at the optimum, "
            "s^2 (J^T J)^-1, independent samples assumed (a lower bound)",
            "values": [
                {
                    "parameter": v.parameter.value,
                    "base_value": v.base_value,
                    "value": v.value,
                    "standard_error": None if math.isnan(v.standard_error) else v.standard_error,
                    "fitted": v.fitted,
                    "status": v.status,
                }
                for v in self.values
            ],
            "phases": [
                {
                    "phase": p.label,
                    "start_s": p.start_s,
                    "end_s": p.end_s,
                    "sample_count": p.sample_count,
                    "measured_power_w": p.measured_power_w,
                    "model_power_w": p.model_power_w,
                    "error_percent": p.error_percent,
                }
                for p in self.phases
            ],
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }


def fit_drone(
    record: FlightRecord,
    base: Drone,
    take_off_mass_kg: float,
    ambient_c: float = STANDARD_AMBIENT_C,
    ground_altitude_m: float = 0.0,
) -> DroneFit:
    """Fit ``base``'s coefficients to ``record`` flown at ``take_off_mass_kg`` (see the
    module). Raises :class:`InputError` (one line) for a mass that is not finite, at or below
    the base's empty (airframe) mass; a log without steady hover or cruise samples, or with
    fewer than :data:`MIN_SAMPLES`; and when nothing can be identified."""
    label = record.source
    _check_mass(base, take_off_mass_kg)
    samples, notes = steady_samples(record, base, ambient_c, ground_altitude_m)
    if not np.any(samples.kind != SampleKind.GROUND):
        found = ", ".join(sorted({p.phase.value for p in record.phases})) or "none"
        raise InputError(
            f"{label}: no steady hover or cruise segment to fit (phases found: {found})"
        )
    if len(samples) < MIN_SAMPLES:
        raise InputError(
            f"{label}: {len(samples)} steady sample(s) in hover, cruise and on the ground "
            f"disarmed; a fit needs at least {MIN_SAMPLES}"
        )
    candidates, reasons = _candidates(base, samples)
    warnings: list[str] = []
    if base.max_takeoff_mass_kg is not None and take_off_mass_kg > base.max_takeoff_mass_kg:
        warnings.append(
            f"take-off mass {take_off_mass_kg:g} kg is above the base drone's maximum "
            f"({base.max_takeoff_mass_kg:g} kg)"
        )
    while True:
        if not candidates:
            raise InputError(f"{label}: the log identifies none of the drone's coefficients")
        values, errors, rms_w, at_bound = _least_squares(
            base, samples, take_off_mass_kg, candidates
        )
        unidentified = [
            p for p in candidates if not errors[p] <= MAX_RELATIVE_ERROR * max(abs(values[p]), 1e-9)
        ]
        if not unidentified:
            break
        dropped = next(p for p in _DROP_ORDER if p in unidentified)
        candidates = [p for p in candidates if p is not dropped]
        reasons[dropped] = _unidentified_reason(dropped, values[dropped], errors[dropped])
    for parameter in at_bound:
        low, high = _BOUNDS[parameter]
        warnings.append(
            f"{parameter.value} = {values[parameter]:.4g} is at its bound "
            f"({low:g}..{high:g}): the model does not fit this log well there"
        )
    drone = _with_values(base, values)
    fitted_values = []
    for parameter in _parameters_of(base):
        base_value = _value_of(base, parameter, take_off_mass_kg)
        fitted = parameter in candidates
        fitted_values.append(
            FittedValue(
                parameter,
                base_value,
                values[parameter] if fitted else base_value,
                errors[parameter] if fitted else math.nan,
                fitted,
                reasons.get(parameter, ""),
            )
        )
    model_w = powers_w(drone, samples, take_off_mass_kg)
    phases = tuple(
        PhaseFit(
            label_,
            start_s,
            end_s,
            int(np.count_nonzero(samples.phase_index == index)),
            float(np.mean(samples.power_w[samples.phase_index == index])),
            float(np.mean(model_w[samples.phase_index == index])),
        )
        for index, (label_, start_s, end_s) in enumerate(samples.phases)
        if np.any(samples.phase_index == index)
    )
    warnings.extend(
        f"the model misses the {p.label} from {p.start_s:.0f} s by {p.error_percent:+.0f} % "
        "of its mean power"
        for p in phases
        if abs(p.error_percent) > PHASE_ERROR_WARNING_PERCENT
    )
    return DroneFit(
        source=label,
        base=base,
        drone=drone,
        take_off_mass_kg=take_off_mass_kg,
        ambient_c=ambient_c,
        ground_altitude_m=ground_altitude_m,
        values=tuple(fitted_values),
        phases=phases,
        sample_count=len(samples),
        rms_residual_w=rms_w,
        warnings=tuple(warnings),
        notes=(
            *notes,
            f"mass {take_off_mass_kg:g} kg throughout (payload drops are not modelled)",
            "the drone file keeps the base's airframe, payload and pack: it flies at its own "
            "take-off mass, not necessarily the log's",
            f"held at the base's values: motor {base.motor_efficiency:g} and ESC "
            f"{base.esc_efficiency:g} efficiency, payload power {base.payload_power_w:g} W"
            + (
                f", propeller efficiency {base.wing.propeller_efficiency:g}"
                if base.wing is not None
                else ""
            ),
        ),
    )


def _check_mass(base: Drone, take_off_mass_kg: float) -> None:
    if not math.isfinite(take_off_mass_kg) or take_off_mass_kg <= 0:
        raise InputError(f"take-off mass {take_off_mass_kg:g} kg: give a mass above 0")
    if take_off_mass_kg <= base.airframe_mass_kg:
        raise InputError(
            f"take-off mass {take_off_mass_kg:g} kg is not above the base drone {base.id}'s "
            f"empty mass ({base.airframe_mass_kg:g} kg without pack and payload)"
        )


def _parameters_of(drone: Drone) -> list[FitParameter]:
    found = []
    if drone.rotors is not None:
        found += [FitParameter.FIGURE_OF_MERIT, FitParameter.FLAT_PLATE_AREA]
    found.append(FitParameter.AVIONICS_POWER)
    if drone.wing is not None:
        found += [FitParameter.ZERO_LIFT_DRAG, FitParameter.OSWALD_EFFICIENCY]
    return found


def _candidates(
    drone: Drone, samples: FitSamples
) -> tuple[list[FitParameter], dict[FitParameter, str]]:
    """The values this log can speak to, and why the others are not fitted."""
    rotor = samples.kind == SampleKind.ROTOR
    forward = rotor & (samples.airspeed_m_per_s >= HOVER_SPEED_MAX_M_PER_S)
    wing = samples.kind == SampleKind.WING
    reasons = {}
    if drone.rotors is not None and not rotor.any():
        reasons[FitParameter.FIGURE_OF_MERIT] = "no rotor-borne hover or cruise"
    if drone.rotors is not None and not forward.any():
        reasons[FitParameter.FLAT_PLATE_AREA] = (
            "no forward flight" if drone.wing is None else "no forward flight on the rotors"
        )
    if drone.wing is not None and not wing.any():
        reasons[FitParameter.ZERO_LIFT_DRAG] = "no wing-borne flight"
        reasons[FitParameter.OSWALD_EFFICIENCY] = "no wing-borne flight"
    return [p for p in _parameters_of(drone) if p not in reasons], reasons


def _unidentified_reason(parameter: FitParameter, value: float, error: float) -> str:
    relative = error / max(abs(value), 1e-9)
    spread = f"±{100 * relative:.0f} %" if relative < 10 else "±more than 1000 %"
    hint = ""
    if parameter is FitParameter.AVIONICS_POWER:
        hint = "; log the drone powered but disarmed on the ground to pin it down"
    return f"this log cannot separate it from the other values ({spread}){hint}"


def _value_of(drone: Drone, parameter: FitParameter, mass_kg: float) -> float:
    if parameter is FitParameter.AVIONICS_POWER:
        return drone.avionics_power_w
    if parameter is FitParameter.FIGURE_OF_MERIT:
        return drone.rotors.resolved_figure_of_merit
    if parameter is FitParameter.FLAT_PLATE_AREA:
        return drone.rotors.flat_plate_area_at_m2(mass_kg)
    if parameter is FitParameter.ZERO_LIFT_DRAG:
        return drone.wing.zero_lift_drag_coefficient
    return drone.wing.oswald_efficiency


def _with_values(drone: Drone, values: dict[FitParameter, float]) -> Drone:
    """``drone`` with ``values`` set (validated, as a drone file would be)."""
    rotor_changes = {
        p.value.split(".")[1]: v for p, v in values.items() if p.value.startswith("rotors.")
    }
    wing_changes = {
        p.value.split(".")[1]: v for p, v in values.items() if p.value.startswith("wing.")
    }
    changes: dict[str, Any] = {}
    if rotor_changes:
        changes["rotors"] = dataclasses.replace(drone.rotors, **rotor_changes)
    if wing_changes:
        changes["wing"] = dataclasses.replace(drone.wing, **wing_changes)
    if FitParameter.AVIONICS_POWER in values:
        changes["avionics_power_w"] = values[FitParameter.AVIONICS_POWER]
    return dataclasses.replace(drone, **changes)


def _least_squares(
    base: Drone, samples: FitSamples, mass_kg: float, parameters: list[FitParameter]
) -> tuple[dict[FitParameter, float], dict[FitParameter, float], float, list[FitParameter]]:
    """Fitted values, their standard errors (inf where the Jacobian is singular), the rms
    residual [W] and the values that ended on a bound. Parameters are scaled by their base
    values so that each moves by ~1."""
    from scipy.optimize import least_squares

    scales = np.array([max(abs(_value_of(base, p, mass_kg)), _SCALE_FLOOR[p]) for p in parameters])
    low = np.array([_BOUNDS[p][0] for p in parameters]) / scales
    high = np.array([_BOUNDS[p][1] for p in parameters]) / scales
    start = np.clip([_value_of(base, p, mass_kg) for p in parameters] / scales, low, high)
    # Strictly inside the bounds, as least_squares requires.
    start = np.minimum(np.maximum(start, low + 1e-6 * (high - low)), high - 1e-6 * (high - low))

    def residuals(x: np.ndarray) -> np.ndarray:
        drone = _with_values(base, dict(zip(parameters, x * scales, strict=True)))
        return powers_w(drone, samples, mass_kg) - samples.power_w

    result = least_squares(residuals, start, bounds=(low, high), method="trf", x_scale=1.0)
    jacobian = result.jac
    degrees = max(len(samples) - len(parameters), 1)
    variance_w2 = float(np.sum(result.fun**2)) / degrees
    singular = np.linalg.svd(jacobian, compute_uv=False)
    if singular[-1] <= 1e-10 * singular[0]:
        covariance = np.full((len(parameters), len(parameters)), np.inf)
    else:
        covariance = variance_w2 * np.linalg.inv(jacobian.T @ jacobian)
    values = dict(zip(parameters, (result.x * scales).tolist(), strict=True))
    errors = dict(
        zip(parameters, (np.sqrt(np.abs(np.diag(covariance))) * scales).tolist(), strict=True)
    )
    at_bound = [p for p, active in zip(parameters, result.active_mask, strict=True) if active]
    return values, errors, math.sqrt(float(np.mean(result.fun**2))), at_bound
