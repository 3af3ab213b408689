"""Drones: airframe, propulsion and the pack they carry.

Every coefficient has an editable default with its source:
- figure of merit 0.65: small rotors reach 0.5-0.7 (Leishman, Principles of Helicopter
  Aerodynamics, 2nd ed. 2006, sec. 2.9; measured UAV props ~0.6-0.7);
- motor 0.85 and ESC 0.95 efficiency near the hover operating point (Bershadsky, Haviland,
  Johnson, "Electric multirotor propulsion system sizing for performance prediction and
  design optimization", AIAA SciTech 2016-0581: motors 0.8-0.9, ESCs ~0.95);
- equivalent flat-plate area 0.03 m2 for a 2-3 kg multirotor (frontal area ~0.03 m2 x C_D ~1);
- wing: Oswald efficiency 0.8, C_D0 0.03, C_Lmax 1.2, propeller efficiency 0.75 (Anderson,
  Aircraft Performance and Design, 1999, ch. 2 and 6: typical small propeller aircraft).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator
from pydantic.dataclasses import dataclass

from sortie.cells.chemistry import STRICT

Efficiency = Annotated[float, Field(gt=0.1, le=1.0)]


class AirframeKind(StrEnum):
    MULTIROTOR = "multirotor"
    FIXED_WING = "fixed wing"
    VTOL = "vtol"  # lift rotors for vertical phases, a wing for cruise


@dataclass(config=STRICT)
class RotorSet:
    """Lift rotors. ``flat_plate_area_m2`` is the body's drag area (C_D x frontal area)."""

    rotor_count: Annotated[int, Field(ge=1, le=32)]
    rotor_diameter_m: Annotated[float, Field(gt=0.02, le=10)]
    figure_of_merit: Annotated[float, Field(gt=0.2, le=0.85)] = 0.65
    flat_plate_area_m2: Annotated[float, Field(ge=0, le=10)] = 0.03


@dataclass(config=STRICT)
class Wing:
    wing_area_m2: Annotated[float, Field(gt=0.01, le=100)]
    aspect_ratio: Annotated[float, Field(gt=1, le=40)]
    oswald_efficiency: Annotated[float, Field(gt=0.3, le=1.0)] = 0.8
    zero_lift_drag_coefficient: Annotated[float, Field(gt=0.005, le=0.3)] = 0.03
    max_lift_coefficient: Annotated[float, Field(gt=0.3, le=3.0)] = 1.2
    propeller_efficiency: Efficiency = 0.75


@dataclass(config=STRICT)
class Drone:
    """``airframe_mass_kg`` is everything but the pack and the payload (structure, motors,
    ESCs, avionics). ``max_takeoff_mass_kg`` None means no thrust limit is checked."""

    id: str
    name: str
    description: str
    kind: AirframeKind
    series_count: Annotated[int, Field(ge=1, le=400)]
    parallel_count: Annotated[int, Field(ge=1, le=400)]
    airframe_mass_kg: Annotated[float, Field(gt=0, le=5000)]
    cell: str | None = None
    payload_kg: Annotated[float, Field(ge=0, le=5000)] = 0.0
    avionics_power_w: Annotated[float, Field(ge=0, le=1e5)] = 15.0
    payload_power_w: Annotated[float, Field(ge=0, le=1e5)] = 0.0
    motor_efficiency: Efficiency = 0.85
    esc_efficiency: Efficiency = 0.95
    cruise_speed_m_per_s: Annotated[float, Field(gt=0, le=150)] | None = None
    max_takeoff_mass_kg: Annotated[float, Field(gt=0, le=10000)] | None = None
    rotors: RotorSet | None = None
    wing: Wing | None = None
    sources: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> Drone:
        needs_rotors = self.kind in (AirframeKind.MULTIROTOR, AirframeKind.VTOL)
        needs_wing = self.kind in (AirframeKind.FIXED_WING, AirframeKind.VTOL)
        if needs_rotors and self.rotors is None:
            raise ValueError(f"a {self.kind.value} drone needs a [rotors] table")
        if needs_wing and self.wing is None:
            raise ValueError(f"a {self.kind.value} drone needs a [wing] table")
        if needs_wing and self.cruise_speed_m_per_s is None:
            raise ValueError(f"a {self.kind.value} drone needs cruise_speed_m_per_s")
        return self

    def take_off_mass_kg(self, pack_mass_kg: float) -> float:
        return self.airframe_mass_kg + self.payload_kg + pack_mass_kg
