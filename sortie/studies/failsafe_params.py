"""Parameter files the ground stations load, from :class:`~sortie.studies.failsafe.
FailsafeParameter` values.

- QGroundControl (PX4) ``.params``: ``#`` comment lines (``# Onboard parameters for Vehicle
  1``, ..., ``# Vehicle-Id Component-Id Name Value Type``), then one tab-separated line per
  parameter: vehicle id, component id, name, value, MAV_PARAM_TYPE (6 INT32, 9 REAL32).
  Readers tell the types apart by a decimal point, so a REAL32 value always has one and an
  INT32 none (QGroundControl's own files; mavros ``mavros/param.py`` QGroundControlParam).
- Mission Planner (ArduPilot) ``.param``: ``#`` comment lines, then ``NAME,VALUE`` per line,
  CRLF line ends (Mission Planner's own files; mavros ``MissionPlannerParam``).
"""

from __future__ import annotations

from collections.abc import Sequence

from sortie.studies.failsafe import FailsafeParameter, ParamType, Stack

QGC_SUFFIX = ".params"
MISSION_PLANNER_SUFFIX = ".param"
# The autopilot's MAVLink system and component ids in a file saved from a single vehicle.
VEHICLE_ID = 1
COMPONENT_ID = 1


def _number(value: float, param_type: ParamType) -> str:
    if param_type is ParamType.INT32:
        return str(round(value))
    text = f"{value:.6f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _comment_lines(title: str, notes: Sequence[str]) -> list[str]:
    return [f"# {title}", *(f"# {note}" for note in notes)]


def qgc_params_text(parameters: Sequence[FailsafeParameter], notes: Sequence[str] = ()) -> str:
    """A QGroundControl ``.params`` file of the PX4 ``parameters`` (others are left out)."""
    lines = [
        "# Onboard parameters for Vehicle 1",
        "#",
        "# Stack: PX4 Pro",
        *(f"# {note}" for note in notes),
        "#",
        "# Vehicle-Id Component-Id Name Value Type",
    ]
    for parameter in parameters:
        if parameter.stack is not Stack.PX4:
            continue
        kind = parameter.spec.param_type
        fields = (VEHICLE_ID, COMPONENT_ID, parameter.name, _number(parameter.value, kind), kind)
        lines.append("\t".join(str(int(f)) if isinstance(f, ParamType) else str(f) for f in fields))
    return "\n".join(lines) + "\n"


def mission_planner_param_text(
    parameters: Sequence[FailsafeParameter], notes: Sequence[str] = ()
) -> str:
    """A Mission Planner ``.param`` file of the ArduPilot ``parameters`` (others left out)."""
    lines = _comment_lines("Battery failsafe for ArduPilot, written by Sortie", notes)
    for parameter in parameters:
        if parameter.stack is Stack.ARDUPILOT:
            lines.append(f"{parameter.name},{_number(parameter.value, parameter.spec.param_type)}")
    return "\r\n".join(lines) + "\r\n"
