"""Densities of cell construction materials (kg/m3), with sources.

Active-material densities live with each chemistry in the catalogue; these are the
materials every chemistry shares.
"""

# CRC Handbook of Chemistry and Physics, 97th ed. (2016), "Density of metals" (20 °C).
COPPER_DENSITY_KG_PER_M3 = 8960.0
ALUMINIUM_DENSITY_KG_PER_M3 = 2700.0
# Nickel-plated low-carbon steel used for cylindrical cans: 7850-7900 kg/m3
# (EN 10130 DC04 cold-rolled steel, 7850; Ni plating of a few um raises it slightly).
CAN_STEEL_DENSITY_KG_PER_M3 = 7900.0
# Polyolefin separator resin (PE 940-970, PP 900-910 kg/m3; Arora & Zhang, Chem. Rev. 104
# (2004) 4419, "Battery separators"). A porous film weighs (1 - porosity) * this.
SEPARATOR_RESIN_DENSITY_KG_PER_M3 = 950.0
# PVDF binder 1780 kg/m3 (Solvay Solef datasheet) and conductive carbon black ~1800-2000;
# the non-active solid of a coating is mostly these two.
BINDER_AND_CARBON_DENSITY_KG_PER_M3 = 1800.0
# 1 M LiPF6 in EC:EMC (3:7 wt) ~1200-1230 kg/m3 at 25 °C (Logan et al., J. Electrochem.
# Soc. 165 (2018) A21, electrolyte property study).
LIPF6_CARBONATE_ELECTROLYTE_DENSITY_KG_PER_M3 = 1230.0
