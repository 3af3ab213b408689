"""Air density from altitude and air temperature (ICAO standard atmosphere, troposphere).

Pressure follows the ISA lapse-rate law; density uses the actual air temperature when given
(a hot day at altitude is thinner air than ISA). Reference: ICAO Doc 7488/3, Manual of the
ICAO Standard Atmosphere (1993): T0 = 288.15 K, p0 = 101 325 Pa, L = 0.0065 K/m,
R = 287.053 J/(kg K), g0 = 9.80665 m/s2.
"""

from __future__ import annotations

SEA_LEVEL_TEMPERATURE_K = 288.15
SEA_LEVEL_PRESSURE_PA = 101_325.0
LAPSE_RATE_K_PER_M = 0.0065
GAS_CONSTANT_J_PER_KG_K = 287.053
STANDARD_GRAVITY_M_PER_S2 = 9.80665
SEA_LEVEL_DENSITY_KG_PER_M3 = SEA_LEVEL_PRESSURE_PA / (
    GAS_CONSTANT_J_PER_KG_K * SEA_LEVEL_TEMPERATURE_K
)  # 1.2250
TROPOPAUSE_ALTITUDE_M = 11_000.0
KELVIN_OFFSET = 273.15


def isa_temperature_c(altitude_m: float) -> float:
    """ISA air temperature at a geopotential altitude (valid -500 .. 11 000 m)."""
    _check_altitude(altitude_m)
    return SEA_LEVEL_TEMPERATURE_K - LAPSE_RATE_K_PER_M * altitude_m - KELVIN_OFFSET


def isa_pressure_pa(altitude_m: float) -> float:
    """ISA static pressure (valid -500 .. 11 000 m)."""
    _check_altitude(altitude_m)
    exponent = STANDARD_GRAVITY_M_PER_S2 / (GAS_CONSTANT_J_PER_KG_K * LAPSE_RATE_K_PER_M)
    ratio = 1.0 - LAPSE_RATE_K_PER_M * altitude_m / SEA_LEVEL_TEMPERATURE_K
    return SEA_LEVEL_PRESSURE_PA * ratio**exponent


def air_density_kg_per_m3(altitude_m: float, air_temperature_c: float | None = None) -> float:
    """Density at ``altitude_m`` (ISA pressure) and ``air_temperature_c`` (ISA if None).

    Sea level ISA: 1.2250 kg/m3; 2000 m ISA: 1.0065 kg/m3.
    """
    temperature_c = (
        isa_temperature_c(altitude_m) if air_temperature_c is None else air_temperature_c
    )
    if not -90.0 < temperature_c < 70.0:
        raise ValueError(f"air temperature {temperature_c:g} °C is outside -90..70 °C")
    return isa_pressure_pa(altitude_m) / (GAS_CONSTANT_J_PER_KG_K * (temperature_c + KELVIN_OFFSET))


def _check_altitude(altitude_m: float) -> None:
    if not -500.0 <= altitude_m <= TROPOPAUSE_ALTITUDE_M:
        raise ValueError(f"altitude {altitude_m:g} m is outside -500..11000 m (troposphere)")
