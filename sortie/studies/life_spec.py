"""What a life study repeats: the recharge between sorties, the turnaround on the ground, the
storage between campaigns, and how the run is accelerated. Frozen, checked when built.

``parse_recharge`` reads what a user types (``"1C CCCV to 4.2 V"``, ``"0.5C"``, ``"120 W"``
or a preset name) into a :class:`Recharge`."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from sortie.cells.cell import Cell
from sortie.errors import InputError
from sortie.models.ageing_runs import LifeMesh, Mechanism, RechargeMode, degradation_set

__all__ = [
    "RECHARGE_PRESETS",
    "LifeMesh",
    "LifeSpec",
    "Recharge",
    "RechargeMode",
    "Storage",
    "degradation_mechanisms",
    "degradation_source",
    "parse_recharge",
]

MAX_SORTIES = 5000


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise InputError(message)


def _finite(value: float) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


@dataclass(frozen=True)
class Recharge:
    """How the pack is recharged between sorties: constant current at ``c_rate`` of the new
    cell (CCCV) or the charger's constant pack power (POWER), then constant voltage at
    ``voltage_v`` per cell until the current falls to ``cutoff_c_rate``."""

    mode: RechargeMode = RechargeMode.CCCV
    c_rate: float = 1.0
    charger_power_w: float | None = None
    voltage_v: float = 4.2
    cutoff_c_rate: float = 0.05

    def __post_init__(self) -> None:
        _check(_finite(self.c_rate) and 0 < self.c_rate <= 6, "recharge: C-rate must be 0..6")
        _check(
            _finite(self.voltage_v) and 3.0 <= self.voltage_v <= 4.5,
            "recharge: voltage must be 3.0..4.5 V",
        )
        _check(
            _finite(self.cutoff_c_rate) and 0 < self.cutoff_c_rate < self.c_rate,
            "recharge: the CV cut-off current must be above 0 and below the charging current",
        )
        if self.mode is RechargeMode.POWER:
            power = self.charger_power_w
            _check(
                power is not None and _finite(power) and power > 0,
                "recharge: a charger power must be above 0 W",
            )

    def describe(self) -> str:
        if self.mode is RechargeMode.POWER:
            return f"{self.charger_power_w:g} W charger, CV to {self.voltage_v:g} V"
        return f"{self.c_rate:g}C CCCV to {self.voltage_v:g} V"


RECHARGE_PRESETS: dict[str, Recharge] = {
    "gentle": Recharge(c_rate=0.5),
    "standard": Recharge(c_rate=1.0),
    "fast": Recharge(c_rate=2.0),
}

_C_RATE = re.compile(
    r"^\s*(?P<rate>\d+(\.\d+)?|\.\d+)\s*c(\s+cc-?cv)?(\s+to\s+(?P<v>[\d.]+)\s*v)?\s*$"
)
_POWER = re.compile(r"^\s*(?P<w>\d+(\.\d+)?)\s*w(\s+cv)?(\s+to\s+(?P<v>[\d.]+)\s*v)?\s*$")
_FORMS = '"1C CCCV to 4.2 V", "0.5C", "120 W" (charger power) or ' + ", ".join(RECHARGE_PRESETS)


def parse_recharge(text: str) -> Recharge:
    """A recharge from its text (case-insensitive). Raises :class:`InputError` naming the
    accepted forms."""
    key = text.strip().lower()
    if key in RECHARGE_PRESETS:
        return RECHARGE_PRESETS[key]
    rate = _C_RATE.match(key)
    if rate:
        voltage = float(rate["v"]) if rate["v"] else 4.2
        return Recharge(c_rate=float(rate["rate"]), voltage_v=voltage)
    power = _POWER.match(key)
    if power:
        voltage = float(power["v"]) if power["v"] else 4.2
        return Recharge(
            mode=RechargeMode.POWER, charger_power_w=float(power["w"]), voltage_v=voltage
        )
    raise InputError(f"recharge {text!r} not understood: use {_FORMS}")


@dataclass(frozen=True)
class Storage:
    """Storage between campaigns: the pack is brought to ``state_of_charge``, kept for
    ``days`` at ``temperature_c`` and recharged. ``every_sorties``: after every K sorties;
    None: once, after half the sorties."""

    days: float
    temperature_c: float = 20.0
    state_of_charge: float = 0.5
    every_sorties: int | None = None

    def __post_init__(self) -> None:
        _check(_finite(self.days) and 0 < self.days <= 3650, "storage: days must be 0..3650")
        _check(
            _finite(self.temperature_c) and -40 <= self.temperature_c <= 70,
            "storage: temperature must be -40..70 °C",
        )
        _check(
            _finite(self.state_of_charge) and 0.05 <= self.state_of_charge <= 1,
            "storage: state of charge must be 0.05..1",
        )
        _check(
            self.every_sorties is None or self.every_sorties >= 1,
            "storage: every_sorties must be at least 1",
        )

    def after_sorties(self, sorties: int) -> tuple[int, ...]:
        """The sorties after which a storage period comes (never after the last)."""
        if self.every_sorties is None:
            half = math.ceil(sorties / 2)
            return (half,) if half < sorties else ()
        return tuple(range(self.every_sorties, sorties, self.every_sorties))


@dataclass(frozen=True)
class LifeSpec:
    """A life: ``sorties`` times mission, recharge, turnaround (``ground_temperature_c`` on the
    ground, None: the mission's first ambient), with storage between campaigns.

    Acceleration: cycle jumping (``accelerate``, :mod:`sortie.studies.life_jumps`): the cell
    state is stepped across sorties at its per-sortie rate, at most ``max_jump_sorties`` at
    once, each jump sized so that its capacity error stays below ``tolerance`` of half the
    capacity it steps over (a rate change of ``tolerance`` across it) or 0.02 % of the
    capacity, whichever is larger; a jump off by more than twice that is taken back and
    retried shorter. ``report_every``: table rows every k-th sortie (and the first, last and
    first failing). ``mesh``: the mesh the sorties are solved on (:class:`LifeMesh`: coarse
    by default, PyBaMM's own for a check)."""

    sorties: int = 100
    recharge: Recharge = field(default_factory=Recharge)
    turnaround_s: float = 1800.0
    ground_temperature_c: float | None = None
    storage: Storage | None = None
    report_every: int = 1
    accelerate: bool = True
    tolerance: float = 0.1
    max_jump_sorties: int = 50
    mesh: LifeMesh = LifeMesh.COARSE

    def __post_init__(self) -> None:
        _check(
            isinstance(self.sorties, int) and 1 <= self.sorties <= MAX_SORTIES,
            f"sorties must be 1..{MAX_SORTIES}",
        )
        _check(
            _finite(self.turnaround_s) and 0 <= self.turnaround_s <= 7 * 86400,
            "turnaround must be 0..10080 minutes",
        )
        ground = self.ground_temperature_c
        _check(
            ground is None or (_finite(ground) and -40 <= ground <= 60),
            "ground temperature must be -40..60 °C",
        )
        _check(self.report_every >= 1, "report every k-th sortie: k must be at least 1")
        _check(_finite(self.tolerance) and 0 < self.tolerance <= 1, "tolerance must be 0..1")
        _check(self.max_jump_sorties >= 1, "the longest jump must be at least 1 sortie")
        _check(
            isinstance(self.mesh, LifeMesh),
            f"mesh must be one of {', '.join(m.value for m in LifeMesh)}",
        )


def _cell(cell: Cell | str) -> Cell:
    if isinstance(cell, Cell):
        return cell
    from sortie.presets.loader import load_cell

    return load_cell(cell)


def degradation_mechanisms(cell: Cell | str) -> tuple[Mechanism, ...]:
    """The degradation mechanisms the cell (or cell preset id) has data for; empty: none, and
    a life study refuses it."""
    found = degradation_set(_cell(cell))
    return () if found is None else found.mechanisms


def degradation_source(cell: Cell | str) -> str | None:
    """Where the cell's degradation data come from (None: it has none)."""
    found = degradation_set(_cell(cell))
    return None if found is None else found.source
