"""Battery failsafe settings for PX4 and ArduPilot from flown missions (pure computation).

The flights come from :mod:`sortie.studies.failsafe_flights`: at each ambient from the
nominal one down to the coldest the user names, the mission as planned and a *run-out* (the
mission up to its return leg, then its last phase before the return held until a cell limit
ends it). From those:

- three trigger levels, each the point where a leg can still be flown and the pack arrives
  with its landing reserve, or, where a cell limit comes first (the cold), with the charge
  the run-out could still give:

  * RETURN: the whole return leg (return, descent, landing) is still ahead;
  * LAND: only the descent and landing are still ahead;
  * WARN: :data:`WARNING_LEAD_S` of the held phase before RETURN (time to turn around);

  each read as the charge still in the pack (mAh and fraction of the rated capacity, what
  the flight controller counts) and as the pack's loaded voltage at that point of the
  run-out (what a voltage failsafe sees while the aircraft flies its held phase). The worst
  ambient wins (the most charge, the highest voltage): one setting safe from the nominal
  ambient down to the coldest, so a colder coldest ambient never lowers it.
- the pack's resistance from the voltage steps between phases of different power.

Stack mapping (the stacks' own words): PX4's ``BAT_CRIT_THR`` "commonly will trigger RTL"
and ``BAT_EMERGEN_THR`` "commonly will trigger landing", so they are RETURN and LAND and
``BAT_LOW_THR`` (a warning) is WARN; ArduPilot's ``BATT_LOW_*`` act with ``BATT_FS_LOW_ACT``
(RTL, typically) and ``BATT_CRT_*`` with ``BATT_FS_CRT_ACT`` (Land), so they are RETURN and
LAND. Parameter files: :mod:`sortie.studies.failsafe_params`; the parameters as the stacks
document them: :mod:`sortie.studies.failsafe_specs`.

Why one module of ~535 lines: it is one idea, the chain from flown traces to the values a
flight controller gets, each value's reason written beside the number it explains.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from sortie.errors import InputError
from sortie.studies.failsafe_specs import (
    SPECS,
    FailsafeParameter,
    ParameterSpec,
    ParamType,
    Stack,
    check_range,
)

__all__ = [
    "SPECS",
    "AmbientFlights",
    "FailsafeParameter",
    "FailsafeResult",
    "Level",
    "PackFacts",
    "ParamType",
    "ParameterSpec",
    "Stack",
    "Trace",
    "check_range",
    "failsafe_parameters",
]

# How long before the return trigger the warning comes: a minute of the held phase, time for
# an operator to see it and end the task before the aircraft turns around by itself.
WARNING_LEAD_S = 60.0
# A step between phases counts for the resistance when the pack current changes by at least
# this fraction of the larger of the two currents (smaller steps drown in the relaxation).
MIN_CURRENT_STEP_FRACTION = 0.1

class Level(StrEnum):
    """A trigger point (see the module)."""

    WARN = "warn"
    RETURN = "return"
    LAND = "land"


@dataclass(frozen=True)
class Trace:
    """A flown result reduced to what the failsafe needs, on its output grid: time from the
    start [s], charge drawn from the pack [mAh], pack voltage [V] and current [A]."""

    time_s: np.ndarray
    discharged_mah: np.ndarray
    pack_voltage_v: np.ndarray
    pack_current_a: np.ndarray

    @classmethod
    def of(cls, time_s, pack_voltage_v, pack_current_a) -> Trace:
        time = np.asarray(time_s, dtype=float)
        current = np.asarray(pack_current_a, dtype=float)
        drawn = np.concatenate(
            [[0.0], np.cumsum(np.diff(time) * 0.5 * (current[1:] + current[:-1]))]
        )
        return cls(time, drawn / 3.6, np.asarray(pack_voltage_v, dtype=float), current)

    @property
    def end_mah(self) -> float:
        return float(self.discharged_mah[-1])

    def discharged_at_mah(self, time_s: float) -> float:
        return float(np.interp(time_s, self.time_s, self.discharged_mah))

    def time_at_s(self, discharged_mah: float) -> float:
        """When ``discharged_mah`` had been drawn (the charge only grows while flying)."""
        return float(np.interp(discharged_mah, self.discharged_mah, self.time_s))

    def voltage_at_v(self, discharged_mah: float) -> float:
        return float(np.interp(self.time_at_s(discharged_mah), self.time_s, self.pack_voltage_v))

    def current_at_a(self, discharged_mah: float) -> float:
        return float(np.interp(self.time_at_s(discharged_mah), self.time_s, self.pack_current_a))


@dataclass(frozen=True)
class AmbientFlights:
    """The flights at one ambient. ``return_start_s`` and ``landing_start_s``: where the
    return leg and its descent and landing begin in the mission; ``mission_end_s`` its end
    (same clock as the traces: a pre-heat on the ground comes first)."""

    ambient_c: float
    mission: Trace
    runout: Trace
    return_start_s: float
    landing_start_s: float
    mission_end_s: float
    # What ended the run-out ("voltage cut-off", "cold limit", ...).
    runout_ending: str


@dataclass(frozen=True)
class PackFacts:
    """The pack as the flight controller must know it. ``cell_capacity_ah`` is the cell's
    rated capacity (Sortie's cell budget); ``model_capacity_ah``: one string's capacity the
    flights count their state of charge against (the electrode balance's)."""

    series_count: int
    parallel_count: int
    cell_capacity_ah: float
    model_capacity_ah: float
    full_cell_voltage_v: float
    reserve_state_of_charge: float
    initial_state_of_charge: float
    chemistry_id: str

    @property
    def capacity_mah(self) -> float:
        """The pack's rated capacity: parallel strings add capacity, series cells add voltage."""
        return 1000.0 * self.parallel_count * self.cell_capacity_ah

    @property
    def reserve_discharged_mah(self) -> float:
        """Charge drawn when the pack is down to its landing reserve."""
        soc = self.initial_state_of_charge - self.reserve_state_of_charge
        return 1000.0 * self.parallel_count * self.model_capacity_ah * soc


@dataclass(frozen=True)
class Trigger:
    """A trigger level at the ambient where it is highest (the worst case)."""

    level: Level
    ambient_c: float
    remaining_mah: float
    remaining_fraction: float
    pack_voltage_v: float
    # What the floor was at that ambient: "reserve" or the run-out's ending.
    floor: str
    # Where the voltage is highest (the charge and the voltage may peak at different ambients).
    voltage_ambient_c: float = math.nan


@dataclass(frozen=True)
class FailsafeResult:
    pack: PackFacts
    ambients_c: tuple[float, ...]
    triggers: dict[Level, Trigger]
    pack_resistance_ohm: float | None
    arm_pack_voltage_v: float
    parameters: tuple[FailsafeParameter, ...]
    warnings: tuple[str, ...] = ()

    def for_stack(self, stack: Stack) -> tuple[FailsafeParameter, ...]:
        return tuple(p for p in self.parameters if p.stack is stack)

    def value(self, name: str) -> float:
        return next(p.value for p in self.parameters if p.name == name)

    def to_dict(self) -> dict:
        return {
            "capacity_mah": self.pack.capacity_mah,
            "series_count": self.pack.series_count,
            "parallel_count": self.pack.parallel_count,
            "ambients_c": list(self.ambients_c),
            "pack_resistance_ohm": self.pack_resistance_ohm,
            "triggers": {
                level.value: {
                    "ambient_c": t.ambient_c,
                    "remaining_mah": t.remaining_mah,
                    "remaining_fraction": t.remaining_fraction,
                    "pack_voltage_v": t.pack_voltage_v,
                    "floor": t.floor,
                    "voltage_ambient_c": t.voltage_ambient_c,
                }
                for level, t in self.triggers.items()
            },
            "parameters": [p.to_dict() for p in self.parameters],
            "warnings": list(self.warnings),
        }


def pack_resistance_ohm(trace: Trace, step_times_s: Sequence[float]) -> float | None:
    """The pack's resistance from its voltage steps: -dV/dI between the last sample before
    and the first after each change of power (the median over the steps whose current
    changes by :data:`MIN_CURRENT_STEP_FRACTION` or more). It holds the ohmic drop and the
    polarisation of the first seconds (one output interval), as a flight controller's
    filtered voltage sees it. None when no step qualifies (one power level)."""
    found = []
    for step_s in step_times_s:
        before = int(np.searchsorted(trace.time_s, step_s, side="left")) - 1
        after = int(np.searchsorted(trace.time_s, step_s, side="right"))
        if before < 0 or after >= len(trace.time_s):
            continue
        d_current = trace.pack_current_a[after] - trace.pack_current_a[before]
        larger = max(abs(trace.pack_current_a[after]), abs(trace.pack_current_a[before]))
        if larger <= 0 or abs(d_current) < MIN_CURRENT_STEP_FRACTION * larger:
            continue
        resistance = -(trace.pack_voltage_v[after] - trace.pack_voltage_v[before]) / d_current
        if resistance > 0:
            found.append(resistance)
    return float(np.median(found)) if found else None


def _floor_mah(pack: PackFacts, flights: AmbientFlights) -> tuple[float, str]:
    """The charge drawn at which the pack must be on the ground: its reserve, or earlier
    where a cell limit comes first (cold: the voltage sags to the cut-off before the reserve).
    The run-out shows where holding the phase before the return ends; the mission itself
    shows that its own return, at its own power, still lands: the later of the two is the
    limit (a mission whose held phase would end in the cut-off right after its planned
    turn-back is sized on that turn-back)."""
    reserve = pack.reserve_discharged_mah
    mission_end = flights.mission.discharged_at_mah(flights.mission_end_s)
    limit = max(flights.runout.end_mah, mission_end)
    if limit < reserve:
        if flights.runout.end_mah >= mission_end:
            return limit, f"{flights.runout_ending} of the held phase"
        return limit, f"landing as planned ({flights.runout_ending} if held longer)"
    return reserve, f"{100 * pack.reserve_state_of_charge:.0f} % reserve"


def _flown_at(flights: AmbientFlights, drawn_mah: float) -> Trace:
    """Where the pack is read when ``drawn_mah`` is drawn: in the run-out (the phase before
    the return held: one power for every trigger, so their voltages keep the order of their
    charges), past its end on the mission's return leg (the power it then flies). On a
    return leg flown at less power than the held phase the pack reads higher, and a voltage
    trigger fires later than its charge: the charge triggers (mAh, fraction) are the
    primary ones."""
    if drawn_mah <= flights.runout.end_mah:
        return flights.runout
    return flights.mission


def _voltage_at_v(flights: AmbientFlights, drawn_mah: float) -> float:
    """The loaded pack voltage when ``drawn_mah`` is drawn (see :func:`_flown_at`)."""
    return _flown_at(flights, drawn_mah).voltage_at_v(drawn_mah)


def _rested_at_v(flights: AmbientFlights, drawn_mah: float, resistance_ohm: float) -> float:
    """The pack voltage compensated for its load (V + I R) when ``drawn_mah`` is drawn."""
    trace = _flown_at(flights, drawn_mah)
    return trace.voltage_at_v(drawn_mah) + resistance_ohm * trace.current_at_a(drawn_mah)


def _leg_mah(flights: AmbientFlights, start_s: float) -> float:
    mission = flights.mission
    return mission.discharged_at_mah(flights.mission_end_s) - mission.discharged_at_mah(start_s)


def trigger_at(pack: PackFacts, flights: AmbientFlights, level: Level) -> Trigger:
    """``level`` at one ambient. Raises :class:`InputError` when the pack cannot fly the
    leg and keep its floor even from the start."""
    floor_mah, floor = _floor_mah(pack, flights)
    start_s = flights.landing_start_s if level is Level.LAND else flights.return_start_s
    drawn_mah = floor_mah - _leg_mah(flights, start_s)
    if drawn_mah <= 0:
        raise InputError(
            f"at {flights.ambient_c:g} °C this pack cannot fly the "
            f"{'landing' if level is Level.LAND else 'return leg'} and keep its {floor} even "
            "from a full charge: a bigger pack, a shorter return or a warmer coldest ambient"
        )
    if level is Level.WARN:
        warn_s = max(0.0, flights.runout.time_at_s(drawn_mah) - WARNING_LEAD_S)
        drawn_mah = flights.runout.discharged_at_mah(warn_s)
    remaining = pack.capacity_mah - drawn_mah
    return Trigger(
        level=level,
        ambient_c=flights.ambient_c,
        remaining_mah=remaining,
        remaining_fraction=remaining / pack.capacity_mah,
        pack_voltage_v=_voltage_at_v(flights, drawn_mah),
        floor=floor,
        voltage_ambient_c=flights.ambient_c,
    )


def worst_trigger(pack: PackFacts, cases: Sequence[AmbientFlights], level: Level) -> Trigger:
    """``level`` at the ambient that needs it earliest: the most charge left and, apart,
    the highest voltage (a voltage trigger safe at every ambient flown)."""
    found = [trigger_at(pack, case, level) for case in cases]
    by_charge = max(found, key=lambda t: t.remaining_mah)
    by_voltage = max(found, key=lambda t: t.pack_voltage_v)
    return Trigger(
        level=level,
        ambient_c=by_charge.ambient_c,
        remaining_mah=by_charge.remaining_mah,
        remaining_fraction=by_charge.remaining_fraction,
        pack_voltage_v=by_voltage.pack_voltage_v,
        floor=by_charge.floor,
        voltage_ambient_c=by_voltage.ambient_c,
    )


def arm_pack_voltage_v(
    pack: PackFacts, cases: Sequence[AmbientFlights], resistance_ohm: float
) -> tuple[float, float]:
    """(rested pack voltage [V], ambient [°C]) below which the whole mission cannot be flown
    and keep the floor at the worst ambient: the run-out's voltage, compensated for its load
    (V + I R, as a pack at rest on the ground reads), where the charge still needed for the
    whole mission is left."""
    best = (-math.inf, math.nan)
    for case in cases:
        floor_mah, floor = _floor_mah(pack, case)
        drawn_mah = floor_mah - case.mission.discharged_at_mah(case.mission_end_s)
        if drawn_mah < 0:
            raise InputError(
                f"at {case.ambient_c:g} °C the mission cannot be flown with its {floor} even "
                "from a full charge: a bigger pack, a shorter mission or a warmer coldest ambient"
            )
        rested = _rested_at_v(case, drawn_mah, resistance_ohm)
        best = max(best, (rested, case.ambient_c))
    return best


def _ceil(value: float, step: float) -> float:
    """Up to the stack's step (a failsafe rounded up fires earlier, never later)."""
    return round(math.ceil(value / step - 1e-9) * step, 6)


def _floor(value: float, step: float) -> float:
    return round(math.floor(value / step + 1e-9) * step, 6)


def _raised_to_minimum(name: str, fraction: float, reason: str) -> FailsafeParameter:
    """A PX4 threshold: rounded up to 0.01 and raised to its documented minimum (earlier is
    safe); above its maximum is refused by :func:`check_range`."""
    low, high = SPECS[name].minimum, SPECS[name].maximum
    value = _ceil(fraction, 0.01)
    if name == "BAT_LOW_THR" and high is not None and value > high:
        # A warning only: at PX4's maximum it comes later than its lead, still before the
        # return trigger (BAT_CRIT_THR, checked against the same maximum, stays below it).
        return FailsafeParameter(
            name, high, f"{reason}; {value:.2f} lowered to PX4's documented maximum {high:g}"
        )
    if low is not None and value < low:
        return FailsafeParameter(
            name, low, f"{reason}; {value:.2f} raised to PX4's documented minimum {low:g}"
        )
    return FailsafeParameter(name, value, reason)


def _level_text(trigger: Trigger, what: str) -> str:
    return (
        f"{what} at {trigger.ambient_c:g} °C (the worst ambient flown), arriving with the "
        f"{trigger.floor}: {trigger.remaining_mah:.0f} mAh left"
    )


def failsafe_parameters(
    pack: PackFacts, cases: Sequence[AmbientFlights], step_times_s: Sequence[float]
) -> FailsafeResult:
    """Every parameter of both stacks, with its reason (see the module). ``cases``: the
    flights at each ambient, the nominal one first; ``step_times_s``: where the nominal
    mission changes power (for the resistance)."""
    if not cases:
        raise InputError("no flights to size the failsafe on")
    series = pack.series_count
    warn, back, land = (worst_trigger(pack, cases, level) for level in Level)
    resistance = pack_resistance_ohm(cases[0].mission, step_times_s)
    nominal = cases[0]
    per_cell_ohm = None if resistance is None else resistance / series
    arm_v, arm_ambient = arm_pack_voltage_v(pack, cases, resistance or 0.0)
    # V_EMPTY: the load-compensated cell voltage (PX4 adds R_INTERNAL x current to the cell
    # voltage before it maps V_EMPTY..V_CHARGED to 0..1) where the nominal run-out reaches
    # the floor, so PX4's voltage estimate reads 0 % at the landing reserve, not at the
    # cut-off: near empty PX4 weighs the voltage more, and it then pulls toward the reserve.
    floor_mah, floor = _floor_mah(pack, nominal)
    empty_v = _rested_at_v(nominal, floor_mah, resistance or 0.0) / series
    capacity_mah = _floor(pack.capacity_mah, 1.0)
    ambients = ", ".join(f"{c.ambient_c:g}" for c in cases)
    parameters = [
        FailsafeParameter(
            "BAT1_N_CELLS",
            float(series),
            f"{series} cells in series ({series}S{pack.parallel_count}P)",
        ),
        FailsafeParameter(
            "BAT1_V_CHARGED",
            _floor(pack.full_cell_voltage_v, 0.01),
            f"a full cell at rest: {pack.chemistry_id}'s open-circuit voltage at 100 % "
            "(with R_INTERNAL set PX4 compensates the load, so the rested value applies)",
        ),
        FailsafeParameter(
            "BAT1_V_EMPTY",
            _ceil(empty_v, 0.01),
            f"the load-compensated cell voltage at the {floor} at {nominal.ambient_c:g} °C: "
            "PX4's voltage estimate reads empty where the flight must be on the ground",
        ),
        FailsafeParameter(
            "BAT1_R_INTERNAL",
            -1.0 if per_cell_ohm is None else round(per_cell_ohm, 4),
            "the mission has one power level: no step to measure; -1 uses BAT1_V_LOAD_DROP"
            if per_cell_ohm is None
            else (
                f"pack resistance {1000 * resistance:.1f} mOhm (-dV/dI at the mission's power "
                f"steps, {nominal.ambient_c:g} °C) / {series} in series: PX4 multiplies it by "
                "the pack current and adds it to each cell's voltage (battery.cpp)"
            ),
        ),
        FailsafeParameter(
            "BAT1_CAPACITY",
            capacity_mah,
            f"rated capacity: {pack.parallel_count} parallel x {1000 * pack.cell_capacity_ah:.0f} "
            "mAh (Sortie's cell budget); PX4 counts the remaining fraction against it",
        ),
        _raised_to_minimum(
            "BAT_LOW_THR",
            warn.remaining_fraction,
            _level_text(warn, f"warning {WARNING_LEAD_S:.0f} s before the return trigger"),
        ),
        _raised_to_minimum(
            "BAT_CRIT_THR",
            back.remaining_fraction,
            _level_text(back, "return (RTL): the whole return leg is still ahead"),
        ),
        _raised_to_minimum(
            "BAT_EMERGEN_THR",
            land.remaining_fraction,
            _level_text(land, "land now: the descent and landing are still ahead"),
        ),
        FailsafeParameter(
            "BATT_CAPACITY",
            capacity_mah,
            f"rated capacity: {pack.parallel_count} parallel x {1000 * pack.cell_capacity_ah:.0f} "
            "mAh (Sortie's cell budget)",
        ),
        FailsafeParameter(
            "BATT_LOW_VOLT",
            _ceil(back.pack_voltage_v, 0.01),
            f"the loaded pack voltage (raw, BATT_FS_VOLTSRC 0) while holding the last phase "
            f"before the return, where the return leg plus the {back.floor} is left; highest "
            f"at {back.voltage_ambient_c:g} °C of {ambients} °C: set BATT_FS_LOW_ACT to RTL",
        ),
        FailsafeParameter(
            "BATT_CRT_VOLT",
            _ceil(land.pack_voltage_v, 0.01),
            f"the loaded pack voltage where only the descent and landing plus the {land.floor} "
            f"are left; highest at {land.voltage_ambient_c:g} °C of {ambients} °C: set "
            "BATT_FS_CRT_ACT to Land",
        ),
        FailsafeParameter(
            "BATT_LOW_MAH",
            _ceil(back.remaining_mah, 50.0),
            _level_text(back, "return (RTL): the whole return leg is still ahead")
            + " (rounded up to 50 mAh)",
        ),
        FailsafeParameter(
            "BATT_CRT_MAH",
            _ceil(land.remaining_mah, 50.0),
            _level_text(land, "land now: the descent and landing are still ahead")
            + " (rounded up to 50 mAh)",
        ),
        FailsafeParameter(
            "BATT_ARM_VOLT",
            _ceil(arm_v, 0.01),
            f"the rested pack voltage (load-compensated, V + I x R) below which the whole "
            f"mission cannot be flown and keep its reserve at {arm_ambient:g} °C (the worst "
            "ambient flown): refuse to arm below it",
        ),
    ]
    parameters = _ordered_thresholds(parameters)
    for parameter in parameters:
        check_range(parameter)
    warnings = _warnings(pack, parameters, arm_v)
    return FailsafeResult(
        pack=pack,
        ambients_c=tuple(c.ambient_c for c in cases),
        triggers={Level.WARN: warn, Level.RETURN: back, Level.LAND: land},
        pack_resistance_ohm=resistance,
        arm_pack_voltage_v=arm_v,
        parameters=tuple(parameters),
        warnings=warnings,
    )


def _ordered_thresholds(parameters: list[FailsafeParameter]) -> list[FailsafeParameter]:
    """PX4 needs LOW above CRIT above EMERGEN ("This has to be higher than the critical
    threshold"): where rounding or the minima made two equal, the upper one goes up 0.01."""
    by_name = {p.name: p for p in parameters}
    for upper, lower in (("BAT_CRIT_THR", "BAT_EMERGEN_THR"), ("BAT_LOW_THR", "BAT_CRIT_THR")):
        if by_name[upper].value <= by_name[lower].value:
            raised = round(by_name[lower].value + 0.01, 2)
            by_name[upper] = FailsafeParameter(
                upper,
                raised,
                f"{by_name[upper].reason}; raised to {raised:.2f} to stay above {lower}",
            )
    return [by_name[p.name] for p in parameters]


def _warnings(
    pack: PackFacts, parameters: Sequence[FailsafeParameter], arm_v: float
) -> tuple[str, ...]:
    found = []
    values = {p.name: p.value for p in parameters}
    full_pack_v = pack.full_cell_voltage_v * pack.series_count
    if arm_v > full_pack_v:
        found.append(
            f"BATT_ARM_VOLT {arm_v:.2f} V is above a full pack at rest ({full_pack_v:.2f} V): "
            "the mission needs more than this pack holds at the worst ambient"
        )
    if values["BATT_CRT_VOLT"] >= values["BATT_LOW_VOLT"]:
        found.append("BATT_CRT_VOLT is not below BATT_LOW_VOLT: the landing leg draws more "
                     "than the return before it; check the mission's phases")
    return tuple(found)
