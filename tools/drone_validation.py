"""Build the README's drone validation table: Sortie's flight physics against published
hover and flight times of commercial drones, with the default coefficients FITTED to these
drones and every error reported LEAVE-ONE-OUT.

    python tools/drone_validation.py            # print the table (Markdown)
    python tools/drone_validation.py --write    # replace the table in README.md

Each drone in sortie/presets/data/validation_drones.toml is flown from its published take-off
mass, rotor count and diameter (or wing area and span) and pack energy. Endurance is
energy-based: usable energy / pack power, with the usable energy a fixed share of the rated Wh
(USABLE_ENERGY_FRACTION), no PyBaMM run. Hover is flown at sea level (ISA, 15 °C), forward
flight at the published test speed or, where none is published, the best-endurance speed.

Three coefficients are fitted (least squares on log(model / published time)): the figure of
merit rule of the rotors (its value at 0.5 m and its diameter exponent, on the multirotors) and
the wings' zero-lift drag coefficient (on the fixed wings); the rest stay at their literature
defaults. The all-drone fit is what Sortie ships (sortie/models/drone.py); the table shows each
drone with those defaults AND with the coefficients fitted without it (leave-one-out: its
airframe's rows all left out, e.g. both Matrice 600 Pro rows), which is the model's test.
"""

from __future__ import annotations

import math
import statistics
import sys
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # run as a script or loaded by a test
from readme_blocks import table_tool, with_block

from sortie.models import drone as drone_model
from sortie.models.atmosphere import air_density_kg_per_m3
from sortie.models.drone import AirframeKind, Drone, RotorSet, Wing
from sortie.models.flight_plan import (
    best_endurance_speed_m_per_s,
    best_range_speed_m_per_s,
    level_pack_power_w,
)
from sortie.presets.loader import DATA_DIR

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START = "<!-- drone-validation:start -->"
END = "<!-- drone-validation:end -->"
TOLERANCE = 0.15
# Share of the rated pack energy (capacity x nominal voltage) flown from 100 % to the
# manufacturer's 0 %: voltage sag at the 0.5-1.5C of these flights costs a few per cent of
# the rated Wh, and the "0 %" of a smart battery is set a little above the cells' cut-off.
USABLE_ENERGY_FRACTION = 0.95
# Battery mass where none is published: it only splits the take-off mass (power depends on
# the take-off mass alone here), so any value gives the same result.
_UNPUBLISHED_BATTERY_SHARE = 0.25
SEA_LEVEL_DENSITY_KG_PER_M3 = air_density_kg_per_m3(0.0)
TIME_KEYS = ("hover_time_min", "flight_time_min")


@dataclass(frozen=True)
class Coefficients:
    """The fitted defaults: the rotors' figure-of-merit rule (value at 0.5 m, diameter
    exponent) and the wings' zero-lift drag coefficient."""

    figure_of_merit_at_reference: float
    figure_of_merit_exponent: float
    zero_lift_drag_coefficient: float


SHIPPED = Coefficients(
    drone_model.FIGURE_OF_MERIT_AT_REFERENCE,
    drone_model.FIGURE_OF_MERIT_DIAMETER_EXPONENT,
    drone_model.DEFAULT_ZERO_LIFT_DRAG_COEFFICIENT,
)
_ROTOR_FIELDS = ("figure_of_merit_at_reference", "figure_of_merit_exponent")
_WING_FIELDS = ("zero_lift_drag_coefficient",)


def load_entries() -> list[dict]:
    return tomllib.loads((DATA_DIR / "validation_drones.toml").read_text())["drone"]


def airframe(entry: dict) -> str:
    """What leave-one-out leaves out: one airframe (all its loadings)."""
    return entry.get("airframe", entry["id"])


def as_drone(entry: dict, coefficients: Coefficients | None = None) -> tuple[Drone, float]:
    """The entry as a Sortie drone, and its battery mass in kg. ``coefficients`` None: Sortie's
    own defaults (nothing given, as a new user's drone file); else the given fitted values.
    The pack layout fields are placeholders: endurance here is energy-based."""
    battery_kg = entry.get(
        "battery_mass_kg", _UNPUBLISHED_BATTERY_SHARE * entry["take_off_mass_kg"]
    )
    kind = AirframeKind(entry["kind"])
    rotors = wing = None
    cruise = None
    if kind is AirframeKind.MULTIROTOR:
        rotors = RotorSet(
            rotor_count=entry["rotor_count"], rotor_diameter_m=entry["rotor_diameter_m"]
        )
        if coefficients is not None:
            fom = drone_model.default_figure_of_merit(
                entry["rotor_diameter_m"],
                coefficients.figure_of_merit_at_reference,
                coefficients.figure_of_merit_exponent,
            )
            rotors = replace(rotors, figure_of_merit=min(max(fom, 0.21), 0.85))
    else:
        area = entry["wing_area_m2"]
        wing = Wing(wing_area_m2=area, aspect_ratio=entry["wing_span_m"] ** 2 / area)
        if coefficients is not None:
            wing = replace(
                wing,
                zero_lift_drag_coefficient=min(
                    max(coefficients.zero_lift_drag_coefficient, 0.006), 0.3
                ),
            )
        cruise = 15.0  # placeholder: every flight below gives its speed or is a loiter
    drone = Drone(
        id=entry["id"],
        name=entry["name"],
        description="validation drone (published specifications)",
        kind=kind,
        series_count=1,
        parallel_count=1,
        airframe_mass_kg=entry["take_off_mass_kg"] - battery_kg,
        cruise_speed_m_per_s=cruise,
        rotors=rotors,
        wing=wing,
    )
    return drone, battery_kg


def _endurance_min(energy_wh: float, pack_power_w: float) -> float:
    return USABLE_ENERGY_FRACTION * energy_wh / pack_power_w * 60.0


def flight_speed_m_per_s(entry: dict, drone: Drone) -> float:
    """The published test speed, or the best-endurance speed where none is published."""
    published = entry.get("flight_speed_m_per_s")
    if published is not None:
        return published
    return best_endurance_speed_m_per_s(
        drone, entry["take_off_mass_kg"], SEA_LEVEL_DENSITY_KG_PER_M3
    )


def model_times_min(entry: dict, coefficients: Coefficients | None = None) -> dict[str, float]:
    """Model hover and flight time for each time the entry publishes."""
    drone, _ = as_drone(entry, coefficients)
    mass_kg = entry["take_off_mass_kg"]
    speeds = {"hover_time_min": 0.0}
    times = {}
    for key in TIME_KEYS:
        if entry.get(key) is None:
            continue
        speed = speeds[key] if key in speeds else flight_speed_m_per_s(entry, drone)
        power = level_pack_power_w(drone, mass_kg, SEA_LEVEL_DENSITY_KG_PER_M3, speed)
        times[key] = _endurance_min(entry["battery_energy_wh"], power)
    return times


def _log_errors(entries: list[dict], coefficients: Coefficients) -> list[float]:
    return [
        math.log(model / entry[key])
        for entry in entries
        for key, model in model_times_min(entry, coefficients).items()
    ]


def _fit_fields(
    entries: list[dict], start: Coefficients, fields: tuple[str, ...]
) -> tuple[Coefficients, list[float]]:
    """Least squares of the log errors over ``fields``; the standard errors from the Jacobian
    (residual variance x (J^T J)^-1). No entries: ``start`` unchanged, no errors."""
    import numpy as np
    from scipy.optimize import least_squares

    if not entries:
        return start, [math.nan] * len(fields)

    def with_values(values) -> Coefficients:
        return replace(start, **dict(zip(fields, (float(v) for v in values), strict=True)))

    found = least_squares(
        lambda values: _log_errors(entries, with_values(values)),
        [getattr(start, name) for name in fields],
        x_scale="jac",
    )
    dof = len(found.fun) - len(fields)
    if dof > 0:
        jacobian = found.jac
        covariance = np.linalg.pinv(jacobian.T @ jacobian) * float(found.fun @ found.fun) / dof
        errors = [float(math.sqrt(max(v, 0.0))) for v in np.diag(covariance)]
    else:
        errors = [math.nan] * len(fields)
    return with_values(found.x), errors


def fit(entries: list[dict], start: Coefficients = SHIPPED) -> tuple[Coefficients, dict]:
    """The coefficients fitted to ``entries`` (rotor rule on the multirotors, wing drag on the
    fixed wings; a class without entries keeps ``start``) and their standard errors."""
    multirotors = [e for e in entries if e["kind"] == AirframeKind.MULTIROTOR.value]
    wings = [e for e in entries if e["kind"] == AirframeKind.FIXED_WING.value]
    fitted, rotor_errors = _fit_fields(multirotors, start, _ROTOR_FIELDS)
    fitted, wing_errors = _fit_fields(wings, fitted, _WING_FIELDS)
    names = _ROTOR_FIELDS + _WING_FIELDS
    return fitted, dict(zip(names, rotor_errors + wing_errors, strict=True))


def rows() -> list[dict]:
    entries = load_entries()
    left_out = {
        name: fit([e for e in entries if airframe(e) != name])[0]
        for name in dict.fromkeys(airframe(e) for e in entries)
    }
    result = []
    for entry in entries:
        drone, _ = as_drone(entry)
        mass_kg = entry["take_off_mass_kg"]
        density = SEA_LEVEL_DENSITY_KG_PER_M3
        default_times = model_times_min(entry)
        loo_times = model_times_min(entry, left_out[airframe(entry)])
        row = {
            "id": entry["id"],
            "name": entry["name"],
            "kind": entry["kind"],
            "airframe": airframe(entry),
            "take_off_mass_kg": mass_kg,
            "battery_energy_wh": entry["battery_energy_wh"],
            "sources": entry["sources"],
            "estimated": entry.get("estimated", []),
            "left_out_coefficients": left_out[airframe(entry)],
            "forward_to_hover_power": None,
            "best_endurance_speed_m_per_s": best_endurance_speed_m_per_s(
                drone, mass_kg, density
            ),
            "best_range_speed_m_per_s": best_range_speed_m_per_s(drone, mass_kg, density),
            "flight_speed_m_per_s": flight_speed_m_per_s(entry, drone),
            "speed_published": entry.get("flight_speed_m_per_s") is not None,
        }
        for key in TIME_KEYS:
            stem = key.removesuffix("_time_min")
            row[key] = entry.get(key)
            row[f"model_{key}"] = default_times.get(key)
            row[f"loo_{stem}_time_min"] = loo_times.get(key)
        if drone.kind is AirframeKind.MULTIROTOR:
            hover = level_pack_power_w(drone, mass_kg, density, 0.0)
            best = level_pack_power_w(
                drone, mass_kg, density, row["best_endurance_speed_m_per_s"]
            )
            constant_w = drone.avionics_power_w + drone.payload_power_w
            row["forward_to_hover_power"] = (best - constant_w) / (hover - constant_w)
        result.append(row)
    return result


def errors(rows_: list[dict], prefix: str = "loo") -> list[tuple[str, str, float]]:
    """(drone, hover/flight, model / published - 1) of every published time; ``prefix``
    "loo" for leave-one-out, "model" for Sortie's shipped defaults."""
    found = []
    for row in rows_:
        for key in TIME_KEYS:
            stem = key.removesuffix("_time_min")
            model = row[f"loo_{stem}_time_min"] if prefix == "loo" else row[f"model_{key}"]
            if row[key] is not None:
                found.append((row["name"], stem, model / row[key] - 1))
    return found


def _within(model: float | None, published: float | None) -> bool:
    return model is None or published is None or abs(model / published - 1) <= TOLERANCE


def _percent(model: float, published: float) -> str:
    percent = 100 * (model / published - 1)
    # One decimal where whole per cent would hide which side of the tolerance it is.
    digits = 1 if round(abs(percent)) == round(100 * TOLERANCE) else 0
    return f"{percent:+.{digits}f} %"


def _time(published: float | None, default: float | None, loo: float | None) -> str:
    if published is None:
        return "n/p" if default is None else f"n/p / {default:.0f}"
    assert default is not None and loo is not None
    return (
        f"{published:.0f} / {default:.0f} ({_percent(default, published)}) / "
        f"{loo:.0f} ({_percent(loo, published)})"
    )


def verdict(row: dict) -> str:
    misses = [
        name
        for name, ok in (
            ("hover", _within(row["loo_hover_time_min"], row["hover_time_min"])),
            ("flight", _within(row["loo_flight_time_min"], row["flight_time_min"])),
        )
        if not ok
    ]
    return "yes" if not misses else "no: " + ", ".join(misses)


def _geometry(entry: dict) -> str:
    if entry["kind"] == AirframeKind.MULTIROTOR.value:
        return f"{entry['rotor_count']} x {entry['rotor_diameter_m']:g} m"
    return f"wing {entry['wing_area_m2']:g} m2, {entry['wing_span_m']:g} m span"


def summary(rows_: list[dict]) -> str:
    """The fitted coefficients and the bias of the leave-one-out errors, below the table."""
    fitted, standard = fit(load_entries())
    loo = errors(rows_)
    worst = max(loo, key=lambda item: item[2])
    safest = min(loo, key=lambda item: item[2])
    shipped = errors(rows_, "model")
    drones = len({r["airframe"] for r in rows_})
    return (
        f"Leave-one-out over {len(loo)} published times of {drones} airframes: median "
        f"{100 * statistics.median(e for _, _, e in loo):+.1f} %, most optimistic "
        f"{100 * worst[2]:+.1f} % ({worst[0]}, {worst[1]}), most pessimistic "
        f"{100 * safest[2]:+.1f} % ({safest[0]}, {safest[1]}); with the shipped defaults "
        f"(fitted on all) median {100 * statistics.median(e for _, _, e in shipped):+.1f} %, "
        f"most optimistic {100 * max(e for _, _, e in shipped):+.1f} %.\n\n"
        f"Fitted on all drones (the defaults in `sortie/models/drone.py`): figure of merit "
        f"{fitted.figure_of_merit_at_reference:.3f} ± "
        f"{standard['figure_of_merit_at_reference']:.3f} x (rotor diameter / 0.5 m)^"
        f"({fitted.figure_of_merit_exponent:.3f} ± {standard['figure_of_merit_exponent']:.3f}), "
        f"wing C_D0 {fitted.zero_lift_drag_coefficient:.4f} ± "
        f"{standard['zero_lift_drag_coefficient']:.4f} (two wings only); "
        f"motor 0.85, ESC 0.95, avionics 15 W, flat-plate area 0.033 m2 x (kg)^(2/3), "
        f"propeller 0.75, Oswald 0.8 at their literature values."
    )


def table() -> str:
    entries = {e["id"]: e for e in load_entries()}
    lines = [
        "| drone | take-off kg | pack Wh | rotors / wing | "
        "hover min: published / defaults / leave-one-out | "
        "flight min: published / defaults / leave-one-out | flight speed m/s | "
        "forward / hover shaft power at best endurance | best-range speed m/s | "
        "leave-one-out within 15 %? |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    rows_ = rows()
    for r in rows_:
        speed = f"{r['flight_speed_m_per_s']:.1f}" + ("" if r["speed_published"] else " (best)")
        ratio = r["forward_to_hover_power"]
        lines.append(
            f"| {r['name']} | {r['take_off_mass_kg']:g} | {r['battery_energy_wh']:g} | "
            f"{_geometry(entries[r['id']])} | "
            f"{_time(r['hover_time_min'], r['model_hover_time_min'], r['loo_hover_time_min'])} | "
            f"{_time(r['flight_time_min'], r['model_flight_time_min'], r['loo_flight_time_min'])}"
            " | "
            f"{speed} | {'-' if ratio is None else f'{100 * ratio:.0f} %'} | "
            f"{r['best_range_speed_m_per_s']:.1f} | {verdict(r)} |"
        )
    return "\n".join(lines) + "\n\n" + summary(rows_)


def readme_with_table(readme_text: str, generated: str) -> str:
    return with_block(readme_text, START, END, generated)


def main() -> int:
    return table_tool(__doc__.splitlines()[0], README, START, END, table)


if __name__ == "__main__":
    sys.exit(main())
