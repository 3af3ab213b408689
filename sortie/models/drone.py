"""Drones: airframe, propulsion and the pack they carry.

Every coefficient has an editable default with its source:
- figure of merit from the rotor diameter, 0.55 at 6 in to 0.59 at 21 in: fitted on published
  drones, see :func:`default_figure_of_merit` (small rotors reach 0.5-0.7: Leishman,
  Principles of Helicopter Aerodynamics, 2nd ed. 2006, sec. 2.9);
- motor 0.85 and ESC 0.95 efficiency near the hover operating point (Bershadsky, Haviland,
  Johnson, "Electric multirotor propulsion system sizing for performance prediction and
  design optimization", AIAA SciTech 2016-0581: motors 0.8-0.9, ESCs ~0.95);
- equivalent flat-plate area (body drag area C_D x frontal area) scaled with the aircraft,
  f = 0.033 m2 x (mass / 1 kg)^(2/3): see :func:`default_flat_plate_area_m2`;
- rotor tip speed from a hover thrust coefficient of 0.013 (flight_physics.py) unless given;
- wing: Oswald efficiency 0.8, C_Lmax 1.2, propeller efficiency 0.75 (Anderson, Aircraft
  Performance and Design, 1999, ch. 2 and 6: typical small propeller aircraft); C_D0 0.020
  fitted on published fixed wings (:data:`DEFAULT_ZERO_LIFT_DRAG_COEFFICIENT`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator
from pydantic.dataclasses import dataclass

from sortie.cells.chemistry import STRICT

Efficiency = Annotated[float, Field(gt=0.1, le=1.0)]

# Equivalent flat-plate area per kg^(2/3) of a multirotor. Geometric similarity: at one
# density of build, frontal area grows with length^2 ~ mass^(2/3), the exponent of the
# helicopter trend (Prouty, Helicopter Performance, Stability and Control, 1986, ch. 4,
# table 4.3: OH-6A 5.0, UH-1B 19.5, CH-47 43.2 ft2 at 2550, 9500, 33000 lb). Helicopters are
# far cleaner (0.004-0.007 m2/kg^(2/3)), so the coefficient is calibrated on drones: on
# published DJI top speeds and tilt limits, assuming the top speed is reached at the tilt
# limit, where tan(tilt) = D / W and so f = 2 W tan(tilt) / (rho V^2):
#   Phantom 4 Pro   1.375 kg, 20 m/s at 42 deg (sport): f = 0.050 m2 -> 0.040 m2/kg^(2/3)
#   Mavic 2 Pro     0.907 kg, 20 m/s at 35 deg (sport): f = 0.025 m2 -> 0.027
#   Matrice 300 RTK 6.3 kg,   23 m/s, 30 deg (its published P-mode limit; sport mode tilts
#                   at least as far): f >= 0.11 m2 -> >= 0.032
# (specs: dji.com/phantom-4-pro/info, dji.com/mavic-2/info, dji.com/matrice-300/specs).
# These include the rotors' in-plane drag (under 10 % of the total at top speed here, and
# carried by the profile term). Their geometric mean is 0.033. Real bodies spread +-40 %
# around it: give ``flat_plate_area_m2`` when it is known (wind tunnel, or tilt against
# airspeed in a flight log).
FLAT_PLATE_AREA_PER_MASS_M2_PER_KG_2_3 = 0.033


def default_flat_plate_area_m2(mass_kg: float) -> float:
    """f = 0.033 m2 x (m / 1 kg)^(2/3): 0.013 m2 at 0.25 kg, 0.061 m2 at 2.5 kg, 0.115 m2 at
    6.5 kg, 0.24 m2 at 20 kg. For camera and utility multirotors of 0.2-25 kg; a streamlined
    body is cleaner, a big payload box draggier."""
    return FLAT_PLATE_AREA_PER_MASS_M2_PER_KG_2_3 * mass_kg ** (2.0 / 3.0)


# The defaults below are FITTED, not typed: tools/drone_validation.py fits them to the published
# hover and flight times of the drones in sortie/presets/data/validation_drones.toml (least
# squares on the log of model / published time; all other coefficients at their defaults) and
# the README's drone validation table reports each drone's error with the coefficients fitted
# WITHOUT it (leave-one-out). tests/test_drone_validation.py fails when these values and the
# script's all-drone fit disagree beyond rounding: refit, then copy the script's values here.
#
# Figure of merit against rotor diameter, FoM = 0.588 x (D / 0.5 m)^0.058 (fit: 0.588 +- 0.014,
# exponent 0.058 +- 0.035, on 15 multirotors with 0.15-0.53 m rotors): 0.55 for 6-inch folding
# props, 0.56 at 9.4 in, 0.59 at 21 in. Why it falls with size: blade Reynolds numbers scale
# with chord x tip speed, and below ~1e5 the profile drag of small props rises (Bohorquez &
# Pines, "Hover performance of rotor blades at low Reynolds numbers for rotary wing micro air
# vehicles", AIAA 2003; Brandt & Selig, AIAA 2011-1255). It also carries what the fixed motor
# (0.85) and ESC (0.95) efficiencies miss on small motors. Above the table's largest rotors
# it is held at its 0.55 m value (larger rotors do at least as well: errs on the safe side).
FIGURE_OF_MERIT_AT_REFERENCE = 0.588
FIGURE_OF_MERIT_REFERENCE_DIAMETER_M = 0.5
FIGURE_OF_MERIT_DIAMETER_EXPONENT = 0.058
FIGURE_OF_MERIT_LARGEST_FITTED_DIAMETER_M = 0.55
# Zero-lift drag coefficient of a wing, fitted on the table's fixed wings (senseFly eBee, Parrot
# Disco) with the other wing defaults and 15 W avionics: 0.020 (0.022 and 0.019 each alone).
# Two small mapping wings only: give ``zero_lift_drag_coefficient`` for anything else.
DEFAULT_ZERO_LIFT_DRAG_COEFFICIENT = 0.020


def default_figure_of_merit(
    rotor_diameter_m: float,
    at_reference: float = FIGURE_OF_MERIT_AT_REFERENCE,
    exponent: float = FIGURE_OF_MERIT_DIAMETER_EXPONENT,
) -> float:
    """FoM = at_reference x (D / 0.5 m)^exponent, D held at 0.55 m above it: the default of a
    :class:`RotorSet` that gives none (0.549 at 0.152 m, 0.591 from 0.55 m up). The
    coefficients are arguments so that tools/drone_validation.py can fit them."""
    diameter_m = min(rotor_diameter_m, FIGURE_OF_MERIT_LARGEST_FITTED_DIAMETER_M)
    return at_reference * (diameter_m / FIGURE_OF_MERIT_REFERENCE_DIAMETER_M) ** exponent


class AirframeKind(StrEnum):
    MULTIROTOR = "multirotor"
    FIXED_WING = "fixed wing"
    VTOL = "vtol"  # lift rotors for vertical phases, a wing for cruise


@dataclass(config=STRICT)
class RotorSet:
    """Lift rotors. ``flat_plate_area_m2`` is the body's drag area (C_D x frontal area); None
    scales it with the aircraft's mass (:func:`default_flat_plate_area_m2`).
    ``tip_speed_m_per_s`` is the hover tip speed Omega R; None derives it from a typical hover
    thrust coefficient (:func:`sortie.models.flight_physics.hover_tip_speed_m_per_s`).
    ``figure_of_merit`` None: :func:`default_figure_of_merit` of the diameter, resolved where
    it is used (:attr:`resolved_figure_of_merit`), so a changed diameter changes it too."""

    rotor_count: Annotated[int, Field(ge=1, le=32)]
    rotor_diameter_m: Annotated[float, Field(gt=0.02, le=10)]
    figure_of_merit: Annotated[float, Field(gt=0.2, le=0.85)] | None = None
    flat_plate_area_m2: Annotated[float, Field(ge=0, le=10)] | None = None
    tip_speed_m_per_s: Annotated[float, Field(gt=5, le=350)] | None = None

    @property
    def resolved_figure_of_merit(self) -> float:
        """The given figure of merit, or the diameter rule's (:func:`default_figure_of_merit`)."""
        if self.figure_of_merit is not None:
            return self.figure_of_merit
        return default_figure_of_merit(self.rotor_diameter_m)

    def flat_plate_area_at_m2(self, mass_kg: float) -> float:
        """The given flat-plate area, or the mass-scaled default at ``mass_kg``."""
        if self.flat_plate_area_m2 is not None:
            return self.flat_plate_area_m2
        return default_flat_plate_area_m2(mass_kg)


@dataclass(config=STRICT)
class Wing:
    wing_area_m2: Annotated[float, Field(gt=0.01, le=100)]
    aspect_ratio: Annotated[float, Field(gt=1, le=40)]
    oswald_efficiency: Annotated[float, Field(gt=0.3, le=1.0)] = 0.8
    zero_lift_drag_coefficient: Annotated[float, Field(gt=0.005, le=0.3)] = (
        DEFAULT_ZERO_LIFT_DRAG_COEFFICIENT
    )
    max_lift_coefficient: Annotated[float, Field(gt=0.3, le=3.0)] = 1.2
    propeller_efficiency: Efficiency = 0.75


@dataclass(config=STRICT)
class Drone:
    """``airframe_mass_kg`` is everything but the pack and the payload (structure, motors,
    ESCs, avionics). ``max_takeoff_mass_kg`` None means no thrust limit is checked.

    The pack it carries: ``series_count`` x ``parallel_count`` of ``cell``, built with
    ``pack_mass_overhead_fraction`` of the cells' mass for strips, BMS, leads and wrap and
    ``pack_interconnect_resistance_ohm`` outside the cells (None: the defaults of
    :class:`sortie.cells.pack.Pack`). A pack's own values (``--set pack.*``) come first.
    ``name_de`` and ``description_de`` are the German texts (empty: none given)."""

    id: str
    name: str
    description: str
    kind: AirframeKind
    series_count: Annotated[int, Field(ge=1, le=400)]
    parallel_count: Annotated[int, Field(ge=1, le=400)]
    airframe_mass_kg: Annotated[float, Field(gt=0, le=5000)]
    cell: str | None = None
    pack_mass_overhead_fraction: Annotated[float, Field(ge=0, lt=2)] | None = None
    pack_interconnect_resistance_ohm: Annotated[float, Field(ge=0, le=10)] | None = None
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
    name_de: str = ""
    description_de: str = ""

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
