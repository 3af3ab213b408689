"""The battery parameters of PX4 and ArduPilot Sortie writes, as each stack documents them
(name, unit, range, type, source), and a value with its reason
(:class:`FailsafeParameter`). The computation: :mod:`sortie.studies.failsafe`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

from sortie.errors import InputError

PX4_PARAMETERS_URL = "https://docs.px4.io/main/en/advanced_config/parameter_reference.html"
PX4_BATTERY_YAML = "PX4-Autopilot src/lib/battery/module.yaml"
PX4_THRESHOLDS_SOURCE = (
    "PX4-Autopilot generated parameters (BAT_LOW_THR/BAT_CRIT_THR/BAT_EMERGEN_THR, "
    "@min 0.12/0.05/0.03 @max 0.5, unit norm); " + PX4_PARAMETERS_URL
)
PX4_BATTERY_CPP = "PX4-Autopilot src/lib/battery/battery.cpp (estimateStateOfCharge)"
ARDUPILOT_PARAMS_URL = "https://ardupilot.org/copter/docs/parameters.html#batt-parameters"
ARDUPILOT_SOURCE = (
    "ArduPilot libraries/AP_BattMonitor/AP_BattMonitor_Params.cpp; " + ARDUPILOT_PARAMS_URL
)


class Stack(StrEnum):
    PX4 = "px4"
    ARDUPILOT = "ardupilot"


class ParamType(IntEnum):
    """MAVLink's MAV_PARAM_TYPE codes a QGroundControl ``.params`` file names."""

    INT32 = 6
    REAL32 = 9


@dataclass(frozen=True)
class ParameterSpec:
    """One parameter as the stack documents it: unit, range (None: none documented) and
    where that is written."""

    name: str
    stack: Stack
    unit: str
    minimum: float | None
    maximum: float | None
    param_type: ParamType
    source: str


def _px4(name: str, unit: str, low: float | None, high: float | None, kind: ParamType, src: str):
    return ParameterSpec(name, Stack.PX4, unit, low, high, kind, src)


def _ap(name: str, unit: str):
    # ArduPilot documents units and increments for these, no range; 0 disables each.
    return ParameterSpec(name, Stack.ARDUPILOT, unit, 0.0, None, ParamType.REAL32, ARDUPILOT_SOURCE)


SPECS: dict[str, ParameterSpec] = {
    spec.name: spec
    for spec in (
        # module.yaml: enum 1..16 ("1S Battery" .. "16S Battery"), default 0 (unknown).
        _px4("BAT1_N_CELLS", "", 1, 16, ParamType.INT32, PX4_BATTERY_YAML),
        # module.yaml: "Full cell voltage", unit V, no range.
        _px4("BAT1_V_CHARGED", "V", None, None, ParamType.REAL32, PX4_BATTERY_YAML),
        # module.yaml: "Empty cell voltage", unit V, no range.
        _px4("BAT1_V_EMPTY", "V", None, None, ParamType.REAL32, PX4_BATTERY_YAML),
        # module.yaml: "per cell internal resistance", Ohm, -1.0 .. 0.2 (-1: use V_LOAD_DROP).
        _px4("BAT1_R_INTERNAL", "Ohm", -1.0, 0.2, ParamType.REAL32, PX4_BATTERY_YAML),
        # module.yaml: mAh, -1 .. 100000.
        _px4("BAT1_CAPACITY", "mAh", -1.0, 100000.0, ParamType.REAL32, PX4_BATTERY_YAML),
        # Ranges of the current generated parameter list; older releases had narrower maxima
        # (battery_params_common.c: LOW 0.4 or 0.5, CRIT 0.1 or 0.25, EMERGEN 0.07 or 0.1).
        _px4("BAT_LOW_THR", "norm", 0.12, 0.5, ParamType.REAL32, PX4_THRESHOLDS_SOURCE),
        _px4("BAT_CRIT_THR", "norm", 0.05, 0.5, ParamType.REAL32, PX4_THRESHOLDS_SOURCE),
        _px4("BAT_EMERGEN_THR", "norm", 0.03, 0.5, ParamType.REAL32, PX4_THRESHOLDS_SOURCE),
        _ap("BATT_CAPACITY", "mAh"),
        _ap("BATT_LOW_VOLT", "V"),
        _ap("BATT_CRT_VOLT", "V"),
        _ap("BATT_LOW_MAH", "mAh"),
        _ap("BATT_CRT_MAH", "mAh"),
        _ap("BATT_ARM_VOLT", "V"),
    )
}
PX4_ORDER = tuple(name for name, spec in SPECS.items() if spec.stack is Stack.PX4)
ARDUPILOT_ORDER = tuple(name for name, spec in SPECS.items() if spec.stack is Stack.ARDUPILOT)


@dataclass(frozen=True)
class FailsafeParameter:
    """A value for the flight controller, with why it is what it is."""

    name: str
    value: float
    reason: str

    @property
    def spec(self) -> ParameterSpec:
        return SPECS[self.name]

    @property
    def stack(self) -> Stack:
        return self.spec.stack

    @property
    def unit(self) -> str:
        return self.spec.unit

    def to_dict(self) -> dict:
        spec = self.spec
        return {
            "name": self.name,
            "stack": spec.stack.value,
            "value": self.value,
            "unit": spec.unit,
            "minimum": spec.minimum,
            "maximum": spec.maximum,
            "reason": self.reason,
            "source": spec.source,
        }



def check_range(parameter: FailsafeParameter) -> None:
    """Raises :class:`InputError` when a value is outside its stack's documented range."""
    spec = parameter.spec
    low, high = spec.minimum, spec.maximum
    if (low is not None and parameter.value < low) or (high is not None and parameter.value > high):
        bounds = f"{'-inf' if low is None else f'{low:g}'}.."
        bounds += "inf" if high is None else f"{high:g}"
        raise InputError(
            f"{spec.name} = {parameter.value:g} {spec.unit} is outside {spec.stack.value}'s "
            f"documented range {bounds} ({spec.source}): {parameter.reason}"
        )
