"""One assumption of a flight: its key, its numbers and one sentence in English and one in
German."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class AssumptionKey(StrEnum):
    """One assumption of a flight (its key in JSON)."""

    CELL_MODEL = "cell model"
    CATALOGUE_CAVEATS = "catalogue caveats"
    CALIBRATED_RANGE = "calibrated range"
    PACK = "pack"
    PACK_MASS = "pack mass"
    INTERCONNECT = "interconnect"
    THERMAL = "thermal model"
    CONVECTION = "convection"
    AMBIENT = "ambient"
    START_TEMPERATURE = "start temperature"
    PREHEAT = "pre-heat"
    TEMPERATURE_LIMITS = "temperature limits"
    INITIAL_CHARGE = "initial charge"
    RESERVE = "reserve"
    ATMOSPHERE = "atmosphere"
    AIRCRAFT = "aircraft"


class Language(StrEnum):
    EN = "en"
    DE = "de"


@dataclass(frozen=True)
class Assumption:
    """``values``: the numbers behind the sentences (JSON-ready: numbers, strings, booleans,
    None, lists and tables of them). ``en`` and ``de``: the same sentence in each language."""

    key: AssumptionKey
    en: str
    de: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def text(self, language: str) -> str:
        """The sentence in ``language`` ("en" or "de"; anything else: English)."""
        return self.de if language == Language.DE.value else self.en

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``key``, ``values``, ``en``, ``de``."""
        return {"key": self.key.value, "values": dict(self.values), "en": self.en, "de": self.de}
