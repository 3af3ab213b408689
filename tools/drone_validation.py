"""Build the README's drone validation table: Sortie's flight physics against published
hover and flight times of commercial drones.

    python tools/drone_validation.py            # print the table (Markdown)
    python tools/drone_validation.py --write    # replace the table in README.md

Each drone in sortie/presets/data/validation_drones.toml is flown with Sortie's default
coefficients (nothing is tuned per drone): the published take-off mass, rotor count and
diameter (or wing area and span), and the published pack energy. Endurance is energy-based:
usable energy / pack power, with the usable energy a fixed share of the rated Wh
(USABLE_ENERGY_FRACTION), no PyBaMM run. Hover is flown at sea level (ISA, 15 °C), forward
flight at the published test speed or, where none is published, the best-endurance speed.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # run as a script or loaded by a test
from readme_blocks import table_tool, with_block

from sortie.models.drone import AirframeKind, Drone, RotorSet, Wing
from sortie.models.flight_plan import (
    FlightPlan,
    Phase,
    best_endurance_speed_m_per_s,
    best_range_speed_m_per_s,
    phase_powers,
)
from sortie.models.mission import FlightPhase
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
# Battery mass where none is published: it only splits the take-off mass (a wing's power
# depends on the take-off mass alone), so any value gives the same result.
_UNPUBLISHED_BATTERY_SHARE = 0.25


def load_entries() -> list[dict]:
    return tomllib.loads((DATA_DIR / "validation_drones.toml").read_text())["drone"]


def as_drone(entry: dict) -> tuple[Drone, float]:
    """The entry as a Sortie drone with default coefficients, and its battery mass in kg.
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
    else:
        area = entry["wing_area_m2"]
        wing = Wing(wing_area_m2=area, aspect_ratio=entry["wing_span_m"] ** 2 / area)
        cruise = 15.0  # placeholder: every phase below gives its speed or is a loiter
    drone = Drone(
        id=entry["id"],
        name=entry["name"],
        description="validation drone (published specifications, default coefficients)",
        kind=kind,
        series_count=1,
        parallel_count=1,
        airframe_mass_kg=entry["take_off_mass_kg"] - battery_kg,
        cruise_speed_m_per_s=cruise,
        rotors=rotors,
        wing=wing,
    )
    return drone, battery_kg


def _plan(phase: Phase) -> FlightPlan:
    return FlightPlan(id="validation", name="validation", description="", phases=(phase,))


def _endurance_min(energy_wh: float, pack_power_w: float) -> float:
    return USABLE_ENERGY_FRACTION * energy_wh / pack_power_w * 60.0


def rows() -> list[dict]:
    result = []
    for entry in load_entries():
        drone, battery_kg = as_drone(entry)
        mass_kg = entry["take_off_mass_kg"]
        energy_wh = entry["battery_energy_wh"]
        row = {
            "id": entry["id"],
            "name": entry["name"],
            "kind": entry["kind"],
            "take_off_mass_kg": mass_kg,
            "battery_energy_wh": energy_wh,
            "sources": entry["sources"],
            "estimated": entry.get("estimated", []),
            "hover_time_min": entry.get("hover_time_min"),
            "flight_time_min": entry.get("flight_time_min"),
            "model_hover_time_min": None,
            "model_flight_time_min": None,
            "forward_to_hover_power": None,
        }
        loiter = _plan(Phase(name="loiter", phase=FlightPhase.LOITER, duration_s=60))
        best = phase_powers(loiter, drone, battery_kg)[0]
        density = best.air_density_kg_per_m3
        row["best_endurance_speed_m_per_s"] = best_endurance_speed_m_per_s(drone, mass_kg, density)
        row["best_range_speed_m_per_s"] = best_range_speed_m_per_s(drone, mass_kg, density)
        if drone.kind is AirframeKind.MULTIROTOR:
            hover = phase_powers(
                _plan(Phase(name="hover", phase=FlightPhase.HOVER, duration_s=60)),
                drone,
                battery_kg,
            )[0]
            row["model_hover_time_min"] = _endurance_min(energy_wh, hover.pack_power_w)
            row["forward_to_hover_power"] = best.shaft_power_w / hover.shaft_power_w
        speed = entry.get("flight_speed_m_per_s")
        if speed is None:
            flight = best
            row["flight_speed_m_per_s"], row["speed_published"] = best.speed_m_per_s, False
        else:
            cruise = Phase(
                name="cruise", phase=FlightPhase.CRUISE, duration_s=60, speed_m_per_s=speed
            )
            flight = phase_powers(_plan(cruise), drone, battery_kg)[0]
            row["flight_speed_m_per_s"], row["speed_published"] = speed, True
        row["model_flight_time_min"] = _endurance_min(energy_wh, flight.pack_power_w)
        result.append(row)
    return result


def _within(model: float | None, published: float | None) -> bool:
    return model is None or published is None or abs(model / published - 1) <= TOLERANCE


def _time(published: float | None, model: float | None) -> str:
    if published is None:
        return "n/p" if model is None else f"n/p / {model:.0f}"
    assert model is not None
    percent = 100 * (model / published - 1)
    # One decimal where whole per cent would hide which side of the tolerance it is.
    digits = 1 if round(abs(percent)) == round(100 * TOLERANCE) else 0
    return f"{published:.0f} / {model:.0f} ({percent:+.{digits}f} %)"


def verdict(row: dict) -> str:
    misses = [
        name
        for name, ok in (
            ("hover", _within(row["model_hover_time_min"], row["hover_time_min"])),
            ("flight", _within(row["model_flight_time_min"], row["flight_time_min"])),
        )
        if not ok
    ]
    return "yes" if not misses else "no: " + ", ".join(misses)


def table() -> str:
    lines = [
        "| drone | take-off kg | pack Wh | hover min: published / model | "
        "flight min: published / model | flight speed m/s | "
        "forward / hover shaft power at best endurance | best-range speed m/s | within 15 %? |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows():
        speed = f"{r['flight_speed_m_per_s']:.1f}" + ("" if r["speed_published"] else " (best)")
        ratio = r["forward_to_hover_power"]
        lines.append(
            f"| {r['name']} | {r['take_off_mass_kg']:g} | {r['battery_energy_wh']:g} | "
            f"{_time(r['hover_time_min'], r['model_hover_time_min'])} | "
            f"{_time(r['flight_time_min'], r['model_flight_time_min'])} | {speed} | "
            f"{'-' if ratio is None else f'{100 * ratio:.0f} %'} | "
            f"{r['best_range_speed_m_per_s']:.1f} | {verdict(r)} |"
        )
    return "\n".join(lines)


def readme_with_table(readme_text: str, generated: str) -> str:
    return with_block(readme_text, START, END, generated)


def main() -> int:
    return table_tool(__doc__.splitlines()[0], README, START, END, table)


if __name__ == "__main__":
    sys.exit(main())
