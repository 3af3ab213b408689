"""Numbers in each language (German decimals take a comma) and values by phase, as the
assumptions' sentences say them."""

from __future__ import annotations

from collections.abc import Sequence

from sortie.models.mission import Segment

# Phases listed one by one in a sentence; more are given as a range.
MAX_LISTED_PHASES = 8


def en(value: float, spec: str = "g") -> str:
    return format(value, spec)


def de(value: float, spec: str = "g") -> str:
    """German decimals: a comma (``0,12``); no thousands separator."""
    return format(value, spec).replace(".", ",")


def percent(fraction: float) -> tuple[str, str]:
    return f"{100 * fraction:.0f} %", f"{100 * fraction:.0f} %"


def listed(
    names_en: Sequence[str],
    names_de: Sequence[str],
    values: Sequence[float],
    unit: str,
    spec: str,
) -> tuple[str, str]:
    """'31 W/(m² K) in every phase', 'by phase: take-off 40, hover 41 W/(m² K)' or, for many
    phases, 'from 30 to 41 W/(m² K) over 120 phases'."""
    if len(set(en(v, spec) for v in values)) == 1:
        return (
            f"{en(values[0], spec)} {unit} in every phase",
            f"{de(values[0], spec)} {unit} in jeder Phase",
        )
    if len(values) > MAX_LISTED_PHASES:
        low, high = min(values), max(values)
        return (
            f"from {en(low, spec)} to {en(high, spec)} {unit} over {len(values)} phases",
            f"von {de(low, spec)} bis {de(high, spec)} {unit} über {len(values)} Phasen",
        )
    joined_en = ", ".join(f"{n} {en(v, spec)}" for n, v in zip(names_en, values, strict=True))
    joined_de = ", ".join(f"{n} {de(v, spec)}" for n, v in zip(names_de, values, strict=True))
    return f"by phase: {joined_en} {unit}", f"je Phase: {joined_de} {unit}"


def phase_names(segments: Sequence[Segment]) -> tuple[list[str], list[str]]:
    return [s.name for s in segments], [s.name_de or s.name for s in segments]
