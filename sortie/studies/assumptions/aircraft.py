"""The aircraft's assumptions: its kind, take-off mass, lift or wing, drive and loads."""

from __future__ import annotations

from typing import Any

from sortie.models.drone import AirframeKind
from sortie.models.flight import CompiledFlight, FlightSetup
from sortie.models.flight_plan import FlightPlan
from sortie.studies.assumptions.item import Assumption, AssumptionKey
from sortie.studies.assumptions.wording import (
    de,
    en,
)

_KIND_DE = {
    AirframeKind.MULTIROTOR: "Multikopter",
    AirframeKind.FIXED_WING: "Starrflügler",
    AirframeKind.VTOL: "Senkrechtstarter",
}


def airframe(setup: FlightSetup, compiled: CompiledFlight | None) -> Assumption | None:
    drone = setup.drone
    if drone is None or not isinstance(setup.mission, FlightPlan):
        return None
    take_off_kg = drone.take_off_mass_kg(setup.pack.mass_kg(setup.cell.budget))
    parts_en, parts_de = [], []
    values: dict[str, Any] = {
        "drone_id": drone.id,
        "kind": drone.kind.value,
        "take_off_mass_kg": take_off_kg,
        "motor_efficiency": drone.motor_efficiency,
        "esc_efficiency": drone.esc_efficiency,
        "avionics_power_w": drone.avionics_power_w,
        "payload_power_w": drone.payload_power_w,
    }
    if drone.rotors is not None:
        rotors = drone.rotors
        values["figure_of_merit"] = rotors.resolved_figure_of_merit
        parts_en.append(
            f"{rotors.rotor_count} rotors of {en(rotors.rotor_diameter_m, '.3g')} m by the "
            f"energy method (Leishman), figure of merit {en(rotors.resolved_figure_of_merit)}"
        )
        parts_de.append(
            f"{rotors.rotor_count} Rotoren mit {de(rotors.rotor_diameter_m, '.3g')} m nach der "
            f"Energiemethode (Leishman), Gütegrad {de(rotors.resolved_figure_of_merit)}"
        )
    if drone.wing is not None:
        wing = drone.wing
        values["propeller_efficiency"] = wing.propeller_efficiency
        parts_en.append(
            f"a wing of {en(wing.wing_area_m2, '.3g')} m² by its drag polar, propeller "
            f"{en(wing.propeller_efficiency)}"
        )
        parts_de.append(
            f"ein Flügel mit {de(wing.wing_area_m2, '.3g')} m² nach seiner Widerstandspolare, "
            f"Propeller {de(wing.propeller_efficiency)}"
        )
    return Assumption(
        AssumptionKey.AIRCRAFT,
        en=f"Aircraft {drone.name} ({drone.kind.value}), take-off mass "
        f"{en(take_off_kg, '.2f')} kg with the pack: {'; '.join(parts_en)}; motor "
        f"{en(drone.motor_efficiency)} x ESC {en(drone.esc_efficiency)}; avionics "
        f"{en(drone.avionics_power_w)} W, payload {en(drone.payload_power_w)} W.",
        de=f"Fluggerät {drone.name_de or drone.name} ({_KIND_DE[drone.kind]}), Startmasse "
        f"{de(take_off_kg, '.2f')} kg mit Pack: {'; '.join(parts_de)}; Motor "
        f"{de(drone.motor_efficiency)} x Regler {de(drone.esc_efficiency)}; Avionik "
        f"{de(drone.avionics_power_w)} W, Nutzlast {de(drone.payload_power_w)} W.",
        values=values,
    )
