"""Every default Sortie fills in when a user leaves a choice open, named once, with its source.

This module imports nothing from Sortie, so every layer (``cells``, ``models``, ``studies``,
the command line and ``ui``) can use it. The one place that turns a user's choices into a
:class:`~sortie.models.flight.FlightSetup` is :mod:`sortie.studies.setup`; it applies these.
Change a default here and every front end follows.
"""

from __future__ import annotations

# --- ambients ------------------------------------------------------------------------------

# Air temperature of the International Standard Atmosphere at sea level, 15 °C (288.15 K;
# ISO 2533:1975, ICAO Doc 7488). The ambient of a flight plan, of endurance on station and of
# `sortie endurance` when none is given: a standard day, not a lab.
STANDARD_AMBIENT_C = 15.0

# Room temperature at which cells are rated: datasheets commonly state capacity and rate
# capability at 25 °C, and the measured LG M50 discharges Sortie is checked against were run
# in a 25 °C chamber. (IEC 61960-3, the performance standard for portable lithium cells,
# tests at room temperature, 20 ± 5 °C, a band that holds 25 °C.)
# The ambient of rating discharges (`sortie cell show --rate`, the explorer's Ragone curve).
RATING_AMBIENT_C = 25.0

# A power profile (a bench or flight-log profile, no aircraft) without its own ambient is
# flown as a bench test is: at the rating ambient.
PROFILE_AMBIENT_C = RATING_AMBIENT_C

# --- the pack as built ---------------------------------------------------------------------

# Interconnects, BMS, wiring, balance leads and shrink/housing as a share of cell mass.
# An editable assumption: 0.12 means cells are 89 % of the pack mass, within the 85-92 %
# seen for small hand-built drone packs (nickel strip, no structural housing). Automotive
# packs are much heavier per cell (Löbberding et al., World Electr. Veh. J. 11 (2020) 77).
# A drone's ``pack_mass_overhead_fraction`` replaces it for the pack that drone carries.
PACK_MASS_OVERHEAD_FRACTION = 0.12

# Whole-pack resistance of what lies between the cells and the pack's connector, in series
# with the cells: strips and welds, bus bars, main leads, the connector, BMS switches.
# 0 is an ideal interconnect (Sortie's results before this field existed); no default fits
# all builds, so give the pack's own (measured: pack resistance minus series / parallel x
# the cell's; or estimated: R = resistivity x length / cross-section, with nickel
# 69.3 nOhm m and copper 16.8 nOhm m at 20 °C, CRC Handbook of Chemistry and Physics,
# "Electrical resistivity of pure metals"). For example one 25 mm link of 0.15 x 8 mm pure
# nickel strip is 1.4 mOhm and 2 x 10 cm of 12 AWG copper lead (3.31 mm2) 1.0 mOhm.
# A drone's ``pack_interconnect_resistance_ohm`` replaces it for the pack that drone carries.
PACK_INTERCONNECT_RESISTANCE_OHM = 0.0

# --- the landing reserve -------------------------------------------------------------------

# The state of charge an aircraft lands with, for a flight plan and for endurance on station:
# a 20 % reserve is the common rule for lithium-ion drone packs (it keeps the last minutes
# above the knee of the discharge curve and leaves margin for a go-around). A mission's
# ``reserve_state_of_charge``, `sortie endurance --reserve` and sweep files change it. (A bare
# power profile has no reserve: 0.)
LANDING_RESERVE_STATE_OF_CHARGE = 0.2
