"""Power an aircraft needs: momentum theory for rotors, a drag polar for wings.

All functions are pure and return power in watts. "Ideal" powers are before rotor/propeller
losses; shaft power divides by the figure of merit (rotors) or propeller efficiency (wings);
electrical power further divides by motor x ESC efficiency and adds avionics and payload.

References: J. G. Leishman, Principles of Helicopter Aerodynamics, 2nd ed., Cambridge (2006),
ch. 2-5 (momentum theory, climb and descent, forward flight); J. D. Anderson, Aircraft
Performance and Design, McGraw-Hill (1999), ch. 5 (drag polar, power required, endurance).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from sortie.models.atmosphere import STANDARD_GRAVITY_M_PER_S2

# Leishman (2006) eq. 2.136: empirical induced velocity in the descent region
# -2 <= Vc/vh <= 0, where momentum theory has no valid solution (vortex ring state).
_DESCENT_FIT = (1.0, -1.125, -1.372, -1.718, -0.655)


def weight_n(mass_kg: float) -> float:
    return mass_kg * STANDARD_GRAVITY_M_PER_S2


def rotor_disc_area_m2(rotor_count: int, rotor_diameter_m: float) -> float:
    """Total disc area of ``rotor_count`` rotors (coaxial pairs count twice: a documented
    simplification, coaxial losses belong in the figure of merit)."""
    return rotor_count * math.pi * rotor_diameter_m**2 / 4


def hover_induced_velocity_m_per_s(
    thrust_n: float, air_density_kg_per_m3: float, rotor_disc_area_m2: float
) -> float:
    """v_h = sqrt(T / (2 rho A))."""
    return math.sqrt(thrust_n / (2 * air_density_kg_per_m3 * rotor_disc_area_m2))


def ideal_hover_power_w(
    thrust_n: float, air_density_kg_per_m3: float, rotor_disc_area_m2: float
) -> float:
    """P = T^1.5 / sqrt(2 rho A). A 2 kg quad on four 10-inch rotors at sea level: 123.3 W."""
    return thrust_n**1.5 / math.sqrt(2 * air_density_kg_per_m3 * rotor_disc_area_m2)


def ideal_axial_power_w(
    thrust_n: float,
    climb_rate_m_per_s: float,
    air_density_kg_per_m3: float,
    rotor_disc_area_m2: float,
) -> float:
    """Ideal power in vertical flight; climb rate positive up, negative in descent.

    Climb: P = T (Vc/2 + sqrt((Vc/2)^2 + vh^2)). Descent down to -2 vh uses Leishman's
    empirical induced-velocity fit; faster descents (windmill brake state) are refused.
    Never negative: rotors do not regenerate here.
    """
    vh = hover_induced_velocity_m_per_s(thrust_n, air_density_kg_per_m3, rotor_disc_area_m2)
    if climb_rate_m_per_s >= 0:
        half = climb_rate_m_per_s / 2
        return thrust_n * (half + math.sqrt(half**2 + vh**2))
    ratio = climb_rate_m_per_s / vh
    if ratio < -2:
        raise ValueError(
            f"descent at {-climb_rate_m_per_s:.1f} m/s is faster than 2 x the hover induced "
            f"velocity ({2 * vh:.1f} m/s): not modelled (windmill brake state)"
        )
    induced = vh * sum(k * ratio**i for i, k in enumerate(_DESCENT_FIT))
    return max(0.0, thrust_n * (climb_rate_m_per_s + induced))


def forward_induced_velocity_m_per_s(
    thrust_n: float,
    airspeed_m_per_s: float,
    air_density_kg_per_m3: float,
    rotor_disc_area_m2: float,
) -> float:
    """Glauert's level-flight induced velocity: v = vh^2 / sqrt(V^2 + v^2), small disc tilt.
    Solved in v^2 (a quadratic), exact."""
    vh = hover_induced_velocity_m_per_s(thrust_n, air_density_kg_per_m3, rotor_disc_area_m2)
    v_sq = airspeed_m_per_s**2
    return math.sqrt((-v_sq + math.sqrt(v_sq**2 + 4 * vh**4)) / 2)


# Induced power factor kappa (non-uniform inflow, tip losses): 1.1-1.2 (Leishman 2006, sec.
# 2.6 and ch. 5). Blade profile power P0 follows from the figure of merit at hover:
# P_ideal / FM = kappa P_ideal + P0.
INDUCED_POWER_FACTOR = 1.15

# Growth of blade profile power with advance ratio: P0 (1 + K mu^2), K = 4.65 (Leishman 2006,
# ch. 5, forward-flight power by the energy method, after Stepniewski & Keys, Rotary-Wing
# Aerodynamics, 1984: simple blade element theory gives K = 3; with the radial and
# reverse-flow regions K = 4.5-4.7). Fitted up to mu ~ 0.35; beyond, it underestimates.
PROFILE_POWER_GROWTH = 4.65

# Hover thrust coefficient in rotor convention, C_T = T / (rho A (Omega R)^2): sets the tip
# speed Omega R (and so the advance ratio mu = V / Omega R) of fixed-pitch props, whose rpm
# is not usually published. Static two-blade propellers of 9-11 inch measure
# C_T,prop = T / (rho n^2 D^4) of about 0.10 (Brandt & Selig, "Propeller performance data at
# low Reynolds numbers", AIAA 2011-1255, UIUC propeller database), i.e. C_T = C_T,prop 4/pi^3
# = 0.013. A DJI Mavic 3 (0.9 kg, 9.4-inch props) then hovers at 55 m/s tip speed
# (4400 rpm), a 6.5 kg quad on 21-inch props at 67 m/s (2400 rpm).
HOVER_THRUST_COEFFICIENT = 0.013


def hover_tip_speed_m_per_s(
    thrust_n: float,
    air_density_kg_per_m3: float,
    rotor_disc_area_m2: float,
    thrust_coefficient: float = HOVER_THRUST_COEFFICIENT,
) -> float:
    """Omega R = sqrt(T / (rho A C_T)) (total thrust and total disc area: per-rotor values give
    the same). For fixed-pitch props whose rpm is unknown; valid for C_T 0.008-0.02."""
    return math.sqrt(thrust_n / (air_density_kg_per_m3 * rotor_disc_area_m2 * thrust_coefficient))


def profile_power_w(hover_profile_power_w: float, advance_ratio: float) -> float:
    """Blade profile power in forward flight, P0 (1 + K mu^2) with K = 4.65 (Leishman 2006,
    ch. 5); mu = V / (Omega R) (small disc tilt). Valid to mu ~ 0.35."""
    return hover_profile_power_w * (1.0 + PROFILE_POWER_GROWTH * advance_ratio**2)


def _climbing_induced_velocity_m_per_s(
    hover_induced_m_per_s: float, airspeed_m_per_s: float, climb_rate_m_per_s: float
) -> float:
    """Momentum theory with forward and climb speed: v = vh^2 / sqrt(V^2 + (Vc + v)^2)
    (Vc >= 0). Reduces to the axial climb solution at V = 0 and to Glauert's in level flight."""
    from scipy.optimize import brentq

    vh = hover_induced_m_per_s

    def residual(v: float) -> float:
        return v * math.hypot(airspeed_m_per_s, climb_rate_m_per_s + v) - vh**2

    return float(brentq(residual, 0.0, vh, xtol=1e-9))


def multirotor_forward_shaft_power_w(
    mass_kg: float,
    airspeed_m_per_s: float,
    climb_rate_m_per_s: float,
    air_density_kg_per_m3: float,
    rotor_disc_area_m2: float,
    figure_of_merit: float,
    flat_plate_area_m2: float,
    tip_speed_m_per_s: float | None = None,
) -> float:
    """Shaft power of a multirotor in hover, climb, descent and forward flight.

    The energy method of helicopter performance (Leishman 2006, ch. 5):
    P = kappa T v_i + P0 (1 + K mu^2) + D V + W Vc, never below zero.
    - induced: thrust balances weight and body drag D = 1/2 rho V^2 f; climbing, v_i from
      momentum theory with forward and climb speed (Glauert's v = vh^2 / sqrt(V^2 + v^2) in
      level flight); descending, Leishman's empirical fit (vortex-ring region), scaled down
      with forward speed as Glauert's level-flight value is;
    - profile: P0 from the figure of merit at hover, growing as 1 + 4.65 mu^2 with the advance
      ratio mu = V / tip speed (``tip_speed_m_per_s`` None: from the hover thrust coefficient,
      :func:`hover_tip_speed_m_per_s`);
    - parasite D V = 1/2 rho V^3 f with f the equivalent flat-plate area; climb W Vc.
    Continuous in V and Vc; falling induced and rising profile and parasite power give a
    best-endurance speed. Hover at V = Vc = 0 equals ideal hover power / figure of merit.
    Valid for small disc tilt and mu up to ~0.35 (about 20 m/s for a 60 m/s tip speed).
    """
    weight = weight_n(mass_kg)
    drag_n = 0.5 * air_density_kg_per_m3 * airspeed_m_per_s**2 * flat_plate_area_m2
    thrust = math.hypot(weight, drag_n)
    kappa = min(INDUCED_POWER_FACTOR, 1.0 / figure_of_merit)
    hover_ideal_w = ideal_hover_power_w(weight, air_density_kg_per_m3, rotor_disc_area_m2)
    hover_profile_w = hover_ideal_w * (1.0 / figure_of_merit - kappa)
    if tip_speed_m_per_s is None:
        tip_speed_m_per_s = hover_tip_speed_m_per_s(
            weight, air_density_kg_per_m3, rotor_disc_area_m2
        )
    profile_w = profile_power_w(hover_profile_w, airspeed_m_per_s / tip_speed_m_per_s)
    vh = hover_induced_velocity_m_per_s(thrust, air_density_kg_per_m3, rotor_disc_area_m2)
    if climb_rate_m_per_s >= 0:
        induced = _climbing_induced_velocity_m_per_s(vh, airspeed_m_per_s, climb_rate_m_per_s)
    else:
        ratio = climb_rate_m_per_s / vh
        if ratio < -2:
            raise ValueError(
                f"descent at {-climb_rate_m_per_s:.1f} m/s is faster than 2 x the hover induced "
                f"velocity ({2 * vh:.1f} m/s): not modelled (windmill brake state)"
            )
        descent_fit = vh * sum(k * ratio**i for i, k in enumerate(_DESCENT_FIT))
        level = forward_induced_velocity_m_per_s(
            thrust, airspeed_m_per_s, air_density_kg_per_m3, rotor_disc_area_m2
        )
        induced = descent_fit * level / vh
    power = (
        kappa * thrust * induced
        + profile_w
        + drag_n * airspeed_m_per_s
        + weight * climb_rate_m_per_s
    )
    return max(power, 0.0)


def minimum_power_speed_m_per_s(
    power_w: Callable[[float], float], min_speed_m_per_s: float, max_speed_m_per_s: float
) -> float:
    """Best-endurance speed: the airspeed of least power in [min, max] (bounded search; the
    curves here have one minimum)."""
    from scipy.optimize import minimize_scalar

    found = minimize_scalar(
        power_w,
        bounds=(min_speed_m_per_s, max_speed_m_per_s),
        method="bounded",
        options={"xatol": 1e-3},
    )
    return float(found.x)


def minimum_energy_per_distance_speed_m_per_s(
    power_w: Callable[[float], float], min_speed_m_per_s: float, max_speed_m_per_s: float
) -> float:
    """Best-range speed in still air: the airspeed of least power / speed (energy per metre)
    in [min, max], min above 0. Pass the pack power (with avionics and payload): power that
    does not depend on speed pushes the best-range speed up."""
    if min_speed_m_per_s <= 0:
        raise ValueError("the best-range search needs a lowest speed above 0")
    return minimum_power_speed_m_per_s(
        lambda speed: power_w(speed) / speed, min_speed_m_per_s, max_speed_m_per_s
    )


def multirotor_best_endurance_speed_m_per_s(
    mass_kg: float,
    air_density_kg_per_m3: float,
    rotor_disc_area_m2: float,
    figure_of_merit: float,
    flat_plate_area_m2: float,
    max_speed_m_per_s: float = 40.0,
    tip_speed_m_per_s: float | None = None,
) -> float:
    """Airspeed of minimum shaft power in level flight (bounded search, 0..max)."""

    def power(speed: float) -> float:
        return multirotor_forward_shaft_power_w(
            mass_kg,
            speed,
            0.0,
            air_density_kg_per_m3,
            rotor_disc_area_m2,
            figure_of_merit,
            flat_plate_area_m2,
            tip_speed_m_per_s,
        )

    return minimum_power_speed_m_per_s(power, 0.0, max_speed_m_per_s)


def fixed_wing_shaft_power_w(
    mass_kg: float,
    airspeed_m_per_s: float,
    climb_rate_m_per_s: float,
    air_density_kg_per_m3: float,
    wing_area_m2: float,
    aspect_ratio: float,
    oswald_efficiency: float,
    zero_lift_drag_coefficient: float,
    propeller_efficiency: float,
) -> float:
    """Shaft power of a fixed wing: (D V + W Vc) / eta_prop, drag polar
    C_D = C_D0 + C_L^2 / (pi e AR), lift = weight (small climb angles)."""
    weight = weight_n(mass_kg)
    dynamic_pressure = 0.5 * air_density_kg_per_m3 * airspeed_m_per_s**2
    lift_coefficient = weight / (dynamic_pressure * wing_area_m2)
    drag_coefficient = zero_lift_drag_coefficient + lift_coefficient**2 / (
        math.pi * oswald_efficiency * aspect_ratio
    )
    drag_n = dynamic_pressure * wing_area_m2 * drag_coefficient
    return (drag_n * airspeed_m_per_s + weight * climb_rate_m_per_s) / propeller_efficiency


def stall_speed_m_per_s(
    mass_kg: float, air_density_kg_per_m3: float, wing_area_m2: float, max_lift_coefficient: float
) -> float:
    return math.sqrt(
        2 * weight_n(mass_kg) / (air_density_kg_per_m3 * wing_area_m2 * max_lift_coefficient)
    )


def fixed_wing_best_endurance_speed_m_per_s(
    mass_kg: float,
    air_density_kg_per_m3: float,
    wing_area_m2: float,
    aspect_ratio: float,
    oswald_efficiency: float,
    zero_lift_drag_coefficient: float,
) -> float:
    """Minimum-power speed: C_L = sqrt(3 C_D0 pi e AR) (Anderson 1999, sec. 5.14)."""
    lift_coefficient = math.sqrt(
        3 * zero_lift_drag_coefficient * math.pi * oswald_efficiency * aspect_ratio
    )
    return math.sqrt(
        2 * weight_n(mass_kg) / (air_density_kg_per_m3 * wing_area_m2 * lift_coefficient)
    )


def electrical_power_w(
    shaft_power_w: float,
    motor_efficiency: float,
    esc_efficiency: float,
    avionics_power_w: float,
    payload_power_w: float,
) -> float:
    """Pack power: shaft / (motor x ESC) + avionics + payload."""
    return shaft_power_w / (motor_efficiency * esc_efficiency) + avionics_power_w + payload_power_w
