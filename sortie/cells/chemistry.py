"""Chemistries: one PyBaMM parameter set plus the facts Sortie needs around it.

A chemistry says where its electrochemistry comes from (``parameter_set`` and ``reference``),
how far it can be trusted (:class:`Fidelity`), the densities the mass budget needs, and any
PyBaMM parameters that the published set lacks and Sortie supplies (``parameter_supplement``,
each with a source in ``sources``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import ConfigDict, Field, model_validator
from pydantic.dataclasses import dataclass

from sortie.cells.materials import ALUMINIUM_DENSITY_KG_PER_M3, COPPER_DENSITY_KG_PER_M3

STRICT = ConfigDict(extra="forbid", frozen=True)

Positive = Annotated[float, Field(gt=0)]
# A card line: one line, short enough for a showroom card in large type.
MAX_CARD_NOTE_CHARS = 160
CardNote = Annotated[str, Field(max_length=MAX_CARD_NOTE_CHARS, pattern=r"^[^\n\r\t]*$")]


class FoilMetal(StrEnum):
    """Current-collector metal."""

    ALUMINIUM = "aluminium"
    COPPER = "copper"

    @property
    def density_kg_per_m3(self) -> float:
        if self is FoilMetal.COPPER:
            return COPPER_DENSITY_KG_PER_M3
        return ALUMINIUM_DENSITY_KG_PER_M3


class Provenance(StrEnum):
    """Where a group of numbers comes from."""

    ORIGINAL = "original"  # from the published parameter set
    SUPPLIED = "supplied"  # added by Sortie from the cited sources
    DERIVED = "derived"  # computed by Sortie from the design (e.g. heat capacity from mass)


# The flags' plain-language warnings, (English, German): the German is for the explorer's
# German mode (ui.text.i18n), the English for the CLI, exports and logs.
NO_TEMPERATURE_DEPENDENCE = (
    "no temperature dependence in transport: cold missions look too good",
    "Transportgrößen ohne Temperaturabhängigkeit: Kalte Missionen sehen zu gut aus",
)
THERMAL_DATA_SUPPLIED = (
    "thermal data supplied from the literature, not from the parameter set",
    "Thermische Daten aus der Literatur ergänzt, nicht aus dem Parametersatz",
)
SCALED_FROM_LAB_CELL = (
    "scaled from a lab cell to a commercial format",
    "Von einer Laborzelle auf ein kommerzielles Format hochskaliert",
)


@dataclass(config=STRICT)
class Fidelity:
    """Honest flags shown next to every result that uses this chemistry. ``notes_de`` and
    ``caveats_de`` are the German texts (empty: none given; else one caveat for each)."""

    temperature_dependent_transport: bool
    thermal_data: Provenance
    mass_data: Provenance
    scaled_from_lab_cell: bool = False
    notes: str = ""
    caveats: tuple[str, ...] = ()
    notes_de: str = ""
    caveats_de: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Fidelity:
        if self.caveats_de and len(self.caveats_de) != len(self.caveats):
            raise ValueError("caveats_de needs one German text for each caveat")
        return self

    def _warnings(self, german: bool) -> tuple[str, ...]:
        index = 1 if german else 0
        found = []
        if not self.temperature_dependent_transport:
            found.append(NO_TEMPERATURE_DEPENDENCE[index])
        if self.thermal_data is Provenance.SUPPLIED:
            found.append(THERMAL_DATA_SUPPLIED[index])
        if self.scaled_from_lab_cell:
            found.append(SCALED_FROM_LAB_CELL[index])
        found.extend(self.caveats_de if german and self.caveats_de else self.caveats)
        return tuple(found)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Plain-language caveats for the UI and CLI."""
        return self._warnings(german=False)

    @property
    def warnings_de(self) -> tuple[str, ...]:
        """:attr:`warnings` in German (a caveat without a German text stays English)."""
        return self._warnings(german=True)


@dataclass(config=STRICT)
class Chemistry:
    """A catalogue entry. Densities in kg/m3; voltages in V; concentrations in mol/m3.

    Stoichiometries are the positive electrode's lithium (or sodium) filling at 100 % and 0 %
    state of charge; capacity follows from them and the design (see :mod:`sortie.cells.budget`).
    A two-phase negative electrode (graphite + silicon) names its secondary phase's maximum
    concentration and density.
    """

    id: str
    name: str
    parameter_set: str
    reference: str
    positive_material: str
    negative_material: str
    nominal_voltage_v: Annotated[float, Field(gt=0.5, lt=5.0)]
    positive_max_concentration_mol_per_m3: Positive
    positive_stoichiometry_at_full: Annotated[float, Field(ge=0, lt=1)]
    positive_stoichiometry_at_empty: Annotated[float, Field(gt=0, le=1)]
    negative_max_concentration_mol_per_m3: Positive
    positive_active_density_kg_per_m3: Positive
    negative_active_density_kg_per_m3: Positive
    electrolyte_density_kg_per_m3: Positive
    specific_heat_j_per_kg_k: Annotated[float, Field(gt=300, lt=3000)]
    fidelity: Fidelity
    # Discharge temperature range of the cell's datasheet (sources: sources.temperature_limits;
    # -20..60 °C is the common Li-ion range, e.g. LG INR21700 M50 and Samsung INR18650-25R).
    min_discharge_temperature_c: Annotated[float, Field(ge=-80, lt=40)] = -20.0
    max_discharge_temperature_c: Annotated[float, Field(gt=30, le=150)] = 60.0
    positive_foil: FoilMetal = FoilMetal.ALUMINIUM
    negative_foil: FoilMetal = FoilMetal.COPPER
    negative_secondary_max_concentration_mol_per_m3: Positive | None = None
    negative_secondary_active_density_kg_per_m3: Positive | None = None
    model_options: dict[str, Any] = Field(default_factory=dict)
    parameter_supplement: dict[str, float] = Field(default_factory=dict)
    # A user's cell or a catalogue BPX file: the checked BPX document (JSON text) replaces a
    # named parameter set.
    bpx_json: str | None = Field(default=None, repr=False)
    sources: dict[str, str] = Field(default_factory=dict)
    # One plain line for a showroom card where the parameter set itself limits the cell
    # (a visitor must not read a set's limit as the chemistry's), in English and German.
    card_note_en: CardNote = ""
    card_note_de: CardNote = ""
    # The German name (empty: none given, e.g. a user's BPX cell).
    name_de: str = ""

    @model_validator(mode="after")
    def _check(self) -> Chemistry:
        if self.positive_stoichiometry_at_empty <= self.positive_stoichiometry_at_full:
            raise ValueError("positive_stoichiometry_at_empty must exceed ..._at_full")
        secondary = (
            self.negative_secondary_max_concentration_mol_per_m3,
            self.negative_secondary_active_density_kg_per_m3,
        )
        if (secondary[0] is None) != (secondary[1] is None):
            raise ValueError("a secondary negative phase needs both its concentration and density")
        if bool(self.card_note_en) != bool(self.card_note_de):
            raise ValueError("a card note needs both card_note_en and card_note_de")
        return self

    def card_note(self, language: str) -> str:
        """The card line in ``language`` ("en" or "de"); empty when the set needs none."""
        if language not in ("en", "de"):
            raise ValueError(f"no card note language {language!r} (en, de)")
        return self.card_note_en if language == "en" else self.card_note_de

    @property
    def has_secondary_negative_phase(self) -> bool:
        return self.negative_secondary_max_concentration_mol_per_m3 is not None
