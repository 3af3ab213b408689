"""Atmosphere and flight power: hand-checked numbers and the shapes physics demands."""

import math

import pytest

from sortie.models import flight_physics as fp
from sortie.models.atmosphere import air_density_kg_per_m3, isa_pressure_pa, isa_temperature_c


def test_isa_table_values():
    # ICAO standard atmosphere tables: sea level 1.2250 kg/m3; 2000 m: 79.50 kPa, 2.0 °C,
    # 1.0065 kg/m3.
    assert air_density_kg_per_m3(0) == pytest.approx(1.2250, abs=1e-4)
    assert air_density_kg_per_m3(2000) == pytest.approx(1.0065, abs=1e-4)
    assert isa_pressure_pa(2000) == pytest.approx(79_495, rel=1e-3)
    assert isa_temperature_c(2000) == pytest.approx(2.0)
    # A hot day is thinner air: 35 °C at sea level.
    assert air_density_kg_per_m3(0, 35.0) == pytest.approx(101_325 / (287.053 * 308.15))
    with pytest.raises(ValueError, match="troposphere"):
        air_density_kg_per_m3(15_000)


def test_ideal_hover_of_a_2kg_quad_on_10_inch_rotors():
    # T = 2 kg x 9.80665 = 19.613 N; A = 4 pi (0.127 m)^2 = 0.20268 m2;
    # P = T^1.5 / sqrt(2 x 1.225 x 0.20268) = 86.86 / 0.70468 = 123.3 W.
    area = fp.rotor_disc_area_m2(4, 0.254)
    assert area == pytest.approx(0.20268, rel=1e-4)
    power = fp.ideal_hover_power_w(fp.weight_n(2.0), 1.225, area)
    assert power == pytest.approx(123.3, abs=0.05)


def test_hover_power_rises_about_ten_percent_at_2000_m():
    area = fp.rotor_disc_area_m2(4, 0.254)
    sea = fp.ideal_hover_power_w(19.6133, air_density_kg_per_m3(0), area)
    high = fp.ideal_hover_power_w(19.6133, air_density_kg_per_m3(2000), area)
    # P ~ rho^-0.5: sqrt(1.2250 / 1.0065) = 1.103.
    assert high / sea == pytest.approx(1.103, abs=0.002)


def test_vertical_climb_and_descent():
    thrust, rho, area = 24.5, 1.225, 0.342
    vh = fp.hover_induced_velocity_m_per_s(thrust, rho, area)
    hover = fp.ideal_hover_power_w(thrust, rho, area)
    assert fp.ideal_axial_power_w(thrust, 0.0, rho, area) == pytest.approx(hover)
    # Climb at Vc = 2 vh: P = T (vh + sqrt(vh^2 + vh^2)) = T vh (1 + sqrt 2).
    assert fp.ideal_axial_power_w(thrust, 2 * vh, rho, area) == pytest.approx(
        thrust * vh * (1 + math.sqrt(2))
    )
    # Slow descent needs less than hover, never below zero; beyond 2 vh it is refused.
    slow = fp.ideal_axial_power_w(thrust, -0.5 * vh, rho, area)
    assert 0.5 * hover < slow < hover
    assert fp.ideal_axial_power_w(thrust, -1.99 * vh, rho, area) >= 0
    with pytest.raises(ValueError, match="windmill"):
        fp.ideal_axial_power_w(thrust, -2.5 * vh, rho, area)


def test_glauert_induced_velocity_limits():
    vh = fp.hover_induced_velocity_m_per_s(24.5, 1.225, 0.342)
    assert fp.forward_induced_velocity_m_per_s(24.5, 0.0, 1.225, 0.342) == pytest.approx(vh)
    fast = fp.forward_induced_velocity_m_per_s(24.5, 30.0, 1.225, 0.342)
    assert fast == pytest.approx(vh**2 / 30.0, rel=0.01)


def test_multirotor_has_a_best_endurance_speed():
    area = fp.rotor_disc_area_m2(4, 0.33)

    def power(speed):
        return fp.multirotor_forward_shaft_power_w(2.5, speed, 0.0, 1.225, area, 0.65, 0.03)

    speeds = [float(v) for v in range(0, 31)]
    powers = [power(v) for v in speeds]
    best = speeds[powers.index(min(powers))]
    assert 5 < best < 20
    assert powers[0] == pytest.approx(fp.ideal_hover_power_w(fp.weight_n(2.5), 1.225, area) / 0.65)
    assert powers[-1] > powers[0]  # parasitic power wins at speed


def test_fixed_wing_worked_example():
    # 10 kg, 20 m/s, sea level, S = 1 m2, AR 10, e 0.8, C_D0 0.03, eta_prop 0.75:
    # q = 245 Pa; C_L = 98.0665 / 245 = 0.40027; C_Di = C_L^2 / (pi 0.8 10) = 0.0063748;
    # D = 245 x 0.0363748 = 8.9118 N; P = D V / eta = 178.24 / 0.75 = 237.65 W.
    power = fp.fixed_wing_shaft_power_w(10.0, 20.0, 0.0, 1.225, 1.0, 10.0, 0.8, 0.03, 0.75)
    assert power == pytest.approx(237.65, abs=0.01)
    # Climbing at 1 m/s adds W Vc / eta = 98.07 / 0.75 = 130.76 W.
    climbing = fp.fixed_wing_shaft_power_w(10.0, 20.0, 1.0, 1.225, 1.0, 10.0, 0.8, 0.03, 0.75)
    assert climbing - power == pytest.approx(130.76, abs=0.01)


def test_fixed_wing_best_endurance_speed_is_the_minimum_power_speed():
    # C_L* = sqrt(3 x 0.03 x pi x 0.8 x 10) = 1.5040 -> V* = sqrt(2 W / (rho S C_L*)) = 10.32 m/s.
    best = fp.fixed_wing_best_endurance_speed_m_per_s(10.0, 1.225, 1.0, 10.0, 0.8, 0.03)
    assert best == pytest.approx(10.318, abs=0.001)

    def power(speed):
        return fp.fixed_wing_shaft_power_w(10.0, speed, 0.0, 1.225, 1.0, 10.0, 0.8, 0.03, 0.75)

    assert power(best) < power(best - 0.5)
    assert power(best) < power(best + 0.5)


def test_electrical_power():
    assert fp.electrical_power_w(200.0, 0.8, 0.95, 15.0, 5.0) == pytest.approx(200 / 0.76 + 20)


def test_multirotor_power_is_continuous_and_keeps_profile_power():
    area = fp.rotor_disc_area_m2(4, 0.33)

    def power(speed, climb):
        return fp.multirotor_forward_shaft_power_w(2.5, speed, climb, 1.13, area, 0.65, 0.03)

    for climb in (-2.0, 0.0, 3.0):
        assert power(1e-6, climb) == pytest.approx(power(0.0, climb), rel=1e-6)
    # Profile power P0 = P_ideal (1/FM - kappa) stays in forward flight (and grows): at 10 m/s
    # the shaft power is at least P0 + parasitic, and the saving against hover is below the
    # ideal one.
    ideal = fp.ideal_hover_power_w(fp.weight_n(2.5), 1.13, area)
    profile = ideal * (1 / 0.65 - fp.INDUCED_POWER_FACTOR)
    parasitic = 0.5 * 1.13 * 10.0**3 * 0.03
    assert power(10.0, 0.0) > profile + parasitic
    assert 0.7 < power(10.0, 0.0) / power(0.0, 0.0) < 0.85
    # Climbing costs more than hovering by at least the climb work W Vc.
    assert power(0.0, 3.0) - power(0.0, 0.0) > 0.5 * fp.weight_n(2.5) * 3.0


def test_forward_flight_power_of_a_2kg_quad_by_hand_at_three_speeds():
    # 2 kg quad, four 10-inch rotors, sea level, FM 0.65, f = 0.05 m2, default tip speed.
    # By hand (rho = 1.225, kappa = 1.15, K = 4.65, C_T = 0.013):
    #   W = 19.6133 N, A = 4 pi 0.127^2 = 0.202683 m2, vh^2 = W / (2 rho A) = 39.497,
    #   P_ideal = W vh = 123.263 W, hover 123.263 / 0.65 = 189.64 W,
    #   P0 = 123.263 (1/0.65 - 1.15) = 47.883 W,
    #   tip speed = sqrt(W / (rho A C_T)) = sqrt(6076.5) = 77.952 m/s.
    #   At V: D = 1/2 rho V^2 f, T = sqrt(W^2 + D^2), vhT^2 = T / (2 rho A),
    #   v^2 = (-V^2 + sqrt(V^4 + 4 vhT^4)) / 2, mu = V / 77.952,
    #   P = 1.15 T v + P0 (1 + 4.65 mu^2) + D V.
    #   V =  5: D = 0.7656, T = 19.6282, v = 5.3811, mu = 0.06414:
    #           121.466 + 48.799 + 3.828 = 174.09 W
    #   V = 10: D = 3.0625, T = 19.8510, v = 3.7438, mu = 0.12828:
    #            85.466 + 51.547 + 30.625 = 167.64 W
    #   V = 15: D = 6.8906, T = 20.7885, v = 2.7453, mu = 0.19243:
    #            65.632 + 56.128 + 103.359 = 225.12 W
    area = fp.rotor_disc_area_m2(4, 0.254)
    assert fp.hover_tip_speed_m_per_s(fp.weight_n(2.0), 1.225, area) == pytest.approx(
        77.952, abs=1e-3
    )
    for speed, expected in ((5.0, 174.09), (10.0, 167.64), (15.0, 225.12)):
        power = fp.multirotor_forward_shaft_power_w(2.0, speed, 0.0, 1.225, area, 0.65, 0.05)
        assert power == pytest.approx(expected, abs=0.01), speed
    hover = fp.multirotor_forward_shaft_power_w(2.0, 0.0, 0.0, 1.225, area, 0.65, 0.05)
    assert hover == pytest.approx(189.64, abs=0.01)


def test_profile_power_grows_with_advance_ratio():
    # P0 (1 + 4.65 mu^2): 10 W at mu = 0.2 -> 10 x 1.186 = 11.86 W.
    assert fp.profile_power_w(10.0, 0.0) == 10.0
    assert fp.profile_power_w(10.0, 0.2) == pytest.approx(11.86)
    # A given (slower) tip speed raises the advance ratio and so the profile power.
    area = fp.rotor_disc_area_m2(4, 0.254)
    default = fp.multirotor_forward_shaft_power_w(2.0, 10.0, 0.0, 1.225, area, 0.65, 0.05)
    slow_tip = fp.multirotor_forward_shaft_power_w(
        2.0, 10.0, 0.0, 1.225, area, 0.65, 0.05, tip_speed_m_per_s=50.0
    )
    # Profile 47.883 (1 + 4.65 (10/50)^2) = 56.789 W instead of 51.547 W: +5.242 W.
    assert slow_tip - default == pytest.approx(5.242, abs=0.005)


def test_best_range_speed_minimises_energy_per_metre():
    # P = 100 + 0.25 V^2: P / V = 100 / V + 0.25 V, least at V = sqrt(100 / 0.25) = 20 m/s,
    # while the least power is at the lowest speed allowed.
    def power(speed):
        return 100.0 + 0.25 * speed**2

    assert fp.minimum_energy_per_distance_speed_m_per_s(power, 0.5, 50.0) == pytest.approx(
        20.0, abs=0.01
    )
    assert fp.minimum_power_speed_m_per_s(power, 3.0, 50.0) == pytest.approx(3.0, abs=0.01)
    with pytest.raises(ValueError, match="above 0"):
        fp.minimum_energy_per_distance_speed_m_per_s(power, 0.0, 50.0)
