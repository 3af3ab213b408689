"""What Sortie's fields and figures are called, in which unit, over which range, and which way
is better: the one place for them. The command line, the optimiser, sweeps and every page read
them here; pages only draw.

- A *field* is an input a user sweeps or designs, named by its change key
  (``cell.positive_electrode_thickness_um``, ``pack.series_count``, ``settings.ambient_c``):
  labels in English and German, its unit, the range an input of it accepts (inclusive, and
  inside what the cell, pack, drone or settings accept when built, so that a range typed there
  cannot make every design invalid; tests/test_quantities.py builds the objects at both ends),
  the cell designer's narrower range where the designer shows it, and how a sweep's default
  range follows from the base design's value.
- A *figure* is a column of a sweep's (or an optimisation's) table
  (``sortie.studies.design_rows.ROW_COLUMNS``) as shown: labels, the factor from the column's
  unit to the shown one (seconds as minutes, fractions as %), and which way is better.
- Model labels: the electrochemical models' names, the same in both languages.

Pure data: no PyBaMM, no Streamlit, nothing else of Sortie's.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Direction(StrEnum):
    """Which way of a figure is better (the Pareto front's and the ranking's direction, the
    optimiser's goal when a file gives none)."""

    MORE = "more is better"
    LESS = "less is better"

    @property
    def more_is_better(self) -> bool:
        return self is Direction.MORE


class SweepRange(StrEnum):
    """How a sweep's default range follows from the base design's value ``v`` and a field's
    ``sweep`` pair ``(a, b)``; the result is then held inside the field's accepted range."""

    FACTORS = "factors"  # v * a to v * b (0 to b when v is 0)
    AROUND = "around"  # v - a to v + b
    FIXED = "fixed"  # a to b, whatever v is
    COUNT = "count"  # a to max(a + 1, v * b): whole numbers


def _label(text: str, unit: str) -> str:
    return f"{text} [{unit}]"


@dataclass(frozen=True)
class InputField:
    """A field a user sweeps or designs (see the module notes). ``unit`` is as shown (``µm``,
    ``-`` for a fraction or a count); ``low_value``/``high_value`` the accepted range (in the
    field's unit, inclusive); ``designer_range`` the cell designer's range (None: not in the
    designer); ``step`` an input's step."""

    key: str
    en: str
    de: str
    unit: str
    low_value: float
    high_value: float
    sweep: SweepRange
    sweep_pair: tuple[float, float]
    step: float = 1.0
    designer_range: tuple[float, float] | None = None

    @property
    def whole(self) -> bool:
        """A count: whole numbers only."""
        return self.key.endswith("_count")

    @property
    def name(self) -> str:
        """The field's name in running English text (``positive coating``)."""
        return self.en[:1].lower() + self.en[1:]

    def label(self, lang: str) -> str:
        """``Positive coating [µm]`` (``lang`` ``"en"``), ``Kathodenschicht [µm]`` (``"de"``)."""
        return _label(self.de if lang == "de" else self.en, self.unit)

    def default_range(self, value: float) -> tuple[float, float]:
        """A sweep's range around the base design's ``value`` (see :class:`SweepRange`),
        inside the accepted range."""
        a, b = self.sweep_pair
        if self.sweep is SweepRange.FACTORS:
            low, high = value * a, value * b if value else b
        elif self.sweep is SweepRange.AROUND:
            low, high = value - a, value + b
        elif self.sweep is SweepRange.FIXED:
            low, high = a, b
        else:
            low, high = a, max(a + 1, b * value)
        return self.clamped(low), self.clamped(high)

    def clamped(self, value: float) -> float:
        return min(max(value, self.low_value), self.high_value)


@dataclass(frozen=True)
class Figure:
    """A figure of a design's row as shown (see the module notes)."""

    column: str
    en: str
    de: str
    unit: str
    direction: Direction
    scale: float = 1.0

    @property
    def more_is_better(self) -> bool:
        return self.direction.more_is_better

    def label(self, lang: str) -> str:
        return _label(self.de if lang == "de" else self.en, self.unit)

    def shown(self, value: float) -> float:
        """``value`` (in the column's unit) in the unit the figure is shown in."""
        return value * self.scale

    def text(self, value: float, decimals: int = 1) -> str:
        """``value`` as the terminal shows it, in the shown unit ("12.5 min")."""
        return f"{self.shown(value):.{decimals}f} {self.unit}".rstrip(" -")


# Coatings, separators and particles: the cell accepts coatings and separators above 1 um
# (below 1000 um, a separator below 200 um), particle radii of 0.005 to 100 um, porosities
# strictly between 0 and 1 (sortie.cells.design). The designer's ranges are wide around real
# cells (coatings 20-150 um, porosities 0.2-0.5, particles 0.05-15 um, separators 7-30 um).
# Pack counts, payload and ambient: the pack's, the scenario's and the settings' bounds.
_FIELDS = (
    InputField(
        "cell.positive_electrode_thickness_um", "Positive coating", "Kathodenschicht", "µm",
        5.0, 900.0, SweepRange.FACTORS, (0.7, 1.3), 1.0, (5.0, 500.0),
    ),
    InputField(
        "cell.negative_electrode_thickness_um", "Negative coating", "Anodenschicht", "µm",
        5.0, 900.0, SweepRange.FACTORS, (0.7, 1.3), 1.0, (5.0, 500.0),
    ),
    InputField(
        "cell.positive_electrode_porosity", "Positive porosity", "Porosität Kathode", "-",
        0.05, 0.9, SweepRange.AROUND, (0.07, 0.07), 0.01, (0.05, 0.8),
    ),
    InputField(
        "cell.negative_electrode_porosity", "Negative porosity", "Porosität Anode", "-",
        0.05, 0.9, SweepRange.AROUND, (0.07, 0.07), 0.01, (0.05, 0.8),
    ),
    InputField(
        "cell.positive_particle_radius_um", "Positive particle radius",
        "Partikelradius Kathode", "µm", 0.01, 50.0, SweepRange.FACTORS, (0.5, 1.5), 0.1,
        (0.01, 50.0),
    ),
    InputField(
        "cell.negative_particle_radius_um", "Negative particle radius",
        "Partikelradius Anode", "µm", 0.01, 50.0, SweepRange.FACTORS, (0.5, 1.5), 0.1,
        (0.01, 50.0),
    ),
    InputField(
        "cell.separator_thickness_um", "Separator", "Separator", "µm",
        5.0, 150.0, SweepRange.FACTORS, (0.7, 1.3), 1.0, (5.0, 100.0),
    ),
    InputField(
        "pack.parallel_count", "Cells in parallel", "Zellen parallel", "-",
        1, 400, SweepRange.COUNT, (1.0, 2.0),
    ),
    InputField(
        "pack.series_count", "Cells in series", "Zellen in Reihe", "-",
        1, 400, SweepRange.COUNT, (1.0, 2.0),
    ),
    InputField(
        "drone.payload_kg", "Payload", "Nutzlast", "kg",
        0.0, 5000.0, SweepRange.FACTORS, (0.0, 3.0), 0.1,
    ),
    InputField(
        "settings.ambient_c", "Ambient", "Umgebungstemperatur", "°C",
        -60.0, 80.0, SweepRange.FIXED, (-20.0, 40.0),
    ),
)  # fmt: skip
FIELDS: dict[str, InputField] = {f.key: f for f in _FIELDS}

_FIGURES = (
    Figure("endurance_s", "Endurance", "Flugzeit", "min", Direction.MORE, 1 / 60),
    Figure(
        "final_state_of_charge", "Charge left at landing", "Restladung bei Landung", "%",
        Direction.MORE, 100.0,
    ),
    Figure(
        "mission_gravimetric_energy_density_wh_per_kg", "Wh/kg on the mission",
        "Wh/kg auf der Mission", "Wh/kg", Direction.MORE,
    ),
    Figure(
        "mission_volumetric_energy_density_wh_per_l", "Wh/L on the mission",
        "Wh/L auf der Mission", "Wh/L", Direction.MORE,
    ),
    Figure(
        "gravimetric_energy_density_wh_per_kg", "Rated cell energy density",
        "Nenn-Energiedichte der Zelle", "Wh/kg", Direction.MORE,
    ),
    Figure(
        "max_cell_temperature_c", "Peak cell temperature", "Max. Zelltemperatur", "°C",
        Direction.LESS,
    ),
    Figure("min_cell_voltage_v", "Minimum cell voltage", "Min. Zellspannung", "V", Direction.MORE),
    Figure("pack_mass_kg", "Pack mass", "Akkumasse", "kg", Direction.LESS),
    Figure("take_off_mass_kg", "Take-off mass", "Abflugmasse", "kg", Direction.LESS),
    Figure("capacity_ah", "Cell capacity", "Zellkapazität", "Ah", Direction.MORE),
)  # fmt: skip
FIGURES: dict[str, Figure] = {f.column: f for f in _FIGURES}

# Model names are the same in every language (the pages' help texts explain them), by
# ``sortie.models.settings.ModelKind`` (a StrEnum: its members look these up). Keyed by value,
# so that this module imports nothing of Sortie's and any layer may read it.
MODEL_LABELS: dict[str, str] = {"dfn": "DFN", "spme": "SPMe", "spm": "SPM"}


def cell_field(alias: str) -> InputField:
    """The field of a cell's flat alias (``positive_electrode_thickness_um``)."""
    return FIELDS[f"cell.{alias}"]
