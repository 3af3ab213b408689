"""Which column of a cycler export holds what, and in which unit.

A header field is split into a name and a unit in any of the spellings cyclers write:
``name [unit]``, ``name (unit)``, ``name(unit)`` (Arbin, Neware, Maccor, PEC), ``name/unit``
(BioLogic EC-Lab), ``name_unit`` (Sortie, the LG M50 files) or a name that carries its unit
(Maccor's ``Amps``, ``Volts``). Names and units are matched case-insensitively, with ``_`` and
``.`` read as spaces.

Spellings were taken from the column maps of cellpy (jepegit/cellpy, MIT:
``readers/instruments/arbin_sql_csv.py``, ``configurations/maccor_txt_*.py``,
``configurations/neware_txt_*.py``, ``biologics_mpr.py``) and from real exports in its
``testdata/`` (a Maccor ``.txt`` of WMG, a Neware ``.csv``): Arbin ``Test_Time(s)``,
``Step_Time(s)``, ``Current(A)``, ``Voltage(V)``, ``Aux_Temperature_1(C)``; Maccor ``TestTime``
(``0d 04:51:15.85``), ``StepTime``, ``Amps``, ``Volts``, ``State`` (C/D/R) or ``Test Time (sec)``,
``Current (A)``, ``Voltage (V)``; Neware ``Total Time`` / ``Cumulative Time`` (``hh:mm:ss``),
``Time`` (the step's time there), ``Current(mA)``, ``Voltage(V)``, ``Step Type``
(``CC DChg``, ``Rest``), ``T1(°C)``; BioLogic ``time/s``, ``I/mA``, ``<I>/mA``, ``Ewe/V``,
``Ecell/V``, ``Temperature/°C``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass


class Quantity(enum.Enum):
    TIME = "time"
    STEP_TIME = "step time"  # restarts every step: recognised so it is never taken for time
    CURRENT = "current"
    VOLTAGE = "voltage"
    TEMPERATURE = "temperature"  # the cell's (surface) temperature
    AMBIENT = "ambient temperature"  # chamber or air
    STATE = "state"  # charge / discharge / rest per row (Maccor State, Neware Step Type)


# Text times ("1d 02:03:04.5", "02:03:04", "03:04.5") have no unit in their header, or one
# like Neware's "h:min:s.ms": read as durations.
DURATION = "duration"

# name (normalised) -> (quantity, rank, unit the name implies); rank 0 is preferred, so a
# Neware "Total Time" wins over its step "Time", BioLogic "Ecell" over "Ewe" (the working
# electrode against a reference in a three-electrode cell) and "I" over "<I>" (a mean).
_NAMES: dict[str, tuple[Quantity, int, str | None]] = {
    "test time": (Quantity.TIME, 0, None),
    "testtime": (Quantity.TIME, 0, None),
    "total time": (Quantity.TIME, 0, None),
    "cumulative time": (Quantity.TIME, 0, None),
    "test": (Quantity.TIME, 0, None),
    "time": (Quantity.TIME, 1, None),
    "t": (Quantity.TIME, 1, None),
    "elapsed time": (Quantity.TIME, 1, None),
    "run time": (Quantity.TIME, 1, None),
    "prog time": (Quantity.TIME, 1, None),
    "program time": (Quantity.TIME, 1, None),
    "step time": (Quantity.STEP_TIME, 0, None),
    "steptime": (Quantity.STEP_TIME, 0, None),
    "relative time": (Quantity.STEP_TIME, 0, None),
    "current": (Quantity.CURRENT, 0, None),
    "i": (Quantity.CURRENT, 0, None),
    "cur": (Quantity.CURRENT, 0, None),
    "amps": (Quantity.CURRENT, 0, "a"),
    "<i>": (Quantity.CURRENT, 1, None),
    "voltage": (Quantity.VOLTAGE, 0, None),
    "volts": (Quantity.VOLTAGE, 0, "v"),
    "cell voltage": (Quantity.VOLTAGE, 0, None),
    "terminal voltage": (Quantity.VOLTAGE, 0, None),
    "ecell": (Quantity.VOLTAGE, 0, None),
    "u": (Quantity.VOLTAGE, 0, None),
    "v": (Quantity.VOLTAGE, 0, None),
    "ewe": (Quantity.VOLTAGE, 1, None),
    "temperature": (Quantity.TEMPERATURE, 0, None),
    "temp": (Quantity.TEMPERATURE, 0, None),
    "cell temperature": (Quantity.TEMPERATURE, 0, None),
    "cell temp": (Quantity.TEMPERATURE, 0, None),
    "surface temperature": (Quantity.TEMPERATURE, 0, None),
    "chamber temperature": (Quantity.AMBIENT, 0, None),
    "chamber temp": (Quantity.AMBIENT, 0, None),
    "ambient temperature": (Quantity.AMBIENT, 0, None),
    "ambient temp": (Quantity.AMBIENT, 0, None),
    "ambient": (Quantity.AMBIENT, 0, None),
    "state": (Quantity.STATE, 0, ""),
    "step type": (Quantity.STATE, 0, ""),
    "md": (Quantity.STATE, 0, ""),  # Maccor's mode column in some exports (C/D/R)
}
# Names by pattern: several thermocouples on one cell ("cell_temp_mid_C") and auxiliary
# channels ("Aux_Temperature_1(C)", Neware "T1") tie at their rank, so the caller must choose.
_PATTERNS: tuple[tuple[re.Pattern[str], Quantity, int], ...] = (
    (re.compile(r"^cell temp(erature)? \w+$"), Quantity.TEMPERATURE, 0),
    (re.compile(r"^(aux )?temperature \d+$"), Quantity.TEMPERATURE, 1),
    (re.compile(r"^t\d+$"), Quantity.TEMPERATURE, 1),
)

# unit (normalised) -> (factor, offset) to seconds, amperes, volts, degrees Celsius.
UNITS: dict[Quantity, dict[str, tuple[float, float]]] = {
    Quantity.TIME: {
        **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), (1.0, 0.0)),
        "ms": (1e-3, 0.0),
        **dict.fromkeys(("min", "mins", "minute", "minutes"), (60.0, 0.0)),
        **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), (3600.0, 0.0)),
    },
    Quantity.CURRENT: {
        **dict.fromkeys(("a", "amp", "amps"), (1.0, 0.0)),
        "ma": (1e-3, 0.0),
        **dict.fromkeys(("ua", "µa", "μa"), (1e-6, 0.0)),
    },
    Quantity.VOLTAGE: {**dict.fromkeys(("v", "volt", "volts"), (1.0, 0.0)), "mv": (1e-3, 0.0)},
    Quantity.TEMPERATURE: {
        **dict.fromkeys(("c", "°c", "degc", "deg c", "celsius", "℃"), (1.0, 0.0)),
        "k": (1.0, -273.15),
    },
}
UNITS[Quantity.STEP_TIME] = UNITS[Quantity.TIME]
UNITS[Quantity.AMBIENT] = UNITS[Quantity.TEMPERATURE]
EXAMPLES = {
    Quantity.TIME: "'time [s]', 'Test_Time(s)', 'time/s', 'Total Time' (hh:mm:ss)",
    Quantity.CURRENT: "'current [A]', 'Current(mA)', 'I/mA', 'Amps'",
    Quantity.VOLTAGE: "'voltage [V]', 'Voltage(V)', 'Ewe/V', 'Volts'",
    Quantity.TEMPERATURE: "'temperature [°C]', 'Temperature/°C', 'cell_temp_C'",
    Quantity.AMBIENT: "'chamber_temp_C', 'ambient temperature [°C]'",
    Quantity.STATE: "'State' (C/D/R), 'Step Type' (CC DChg, Rest)",
}

_BRACKETED = re.compile(r"^(?P<name>.+?)\s*(?:\[(?P<u1>[^\]]*)\]|\((?P<u2>[^)]*)\))$")
_SLASHED = re.compile(r"^(?P<name>[^/]+?)\s*/\s*(?P<unit>[^/]+)$")
_SUFFIXED = re.compile(r"^(?P<name>.+)_(?P<unit>[a-zµμ°]+)$")


@dataclass(frozen=True)
class Column:
    """One header field that names a known quantity."""

    index: int
    header: str  # as written, spaces trimmed
    quantity: Quantity
    rank: int
    unit: str | None  # normalised; None when the header gives none; DURATION for text times

    @property
    def conversion(self) -> tuple[float, float] | None:
        """(factor, offset) to the SI-ish unit (s, A, V, °C); None if the unit is unknown."""
        if self.unit is None or self.unit == DURATION:
            return None
        return UNITS.get(self.quantity, {}).get(self.unit)


def classify(fields: Sequence[str]) -> list[Column]:
    """The header fields that name a known quantity, in file order."""
    columns = []
    for index, field in enumerate(fields):
        column = classify_field(index, field)
        if column is not None:
            columns.append(column)
    return columns


def classify_field(index: int, field: str) -> Column | None:
    """The quantity and unit one header field names, or None."""
    header = field.strip()
    text = " ".join(header.lower().split())
    # (name, unit, split at an underscore) to try, the split spellings first.
    candidates: list[tuple[str, str | None, bool]] = []
    if match := _BRACKETED.match(text):
        candidates.append((match["name"], (match["u1"] or match["u2"] or "").strip(), False))
    elif match := _SLASHED.match(text):
        candidates.append((match["name"], match["unit"].strip(), False))
    elif match := _SUFFIXED.match(text):
        candidates.append((match["name"], match["unit"], True))
    candidates.append((text, None, False))
    for name, unit, underscore in candidates:
        found = _lookup(_normal_name(name))
        if found is None:
            continue
        quantity, rank, implied = found
        known = UNITS.get(quantity, {})
        # A "name_unit" split counts only with one of the quantity's units: "cell_temp_mid"
        # is no "cell temp" in unit "mid", and "test_time" no "test" in unit "time".
        if underscore and unit not in known:
            continue
        if implied is not None:
            if unit is not None:
                continue  # "Amps (mA)", "State [V]": no header we know
            unit = implied or None
        elif unit is not None and unit not in known and ":" in unit:
            unit = DURATION  # Neware's "Relative Time(h:min:s.ms)"
        return Column(index, header, quantity, rank, unit or None)
    return None


def _normal_name(name: str) -> str:
    return " ".join(name.replace("_", " ").replace(".", " ").split())


def _lookup(name: str) -> tuple[Quantity, int, str | None] | None:
    if name in _NAMES:
        return _NAMES[name]
    for pattern, quantity, rank in _PATTERNS:
        if pattern.match(name):
            return quantity, rank, None
    return None
