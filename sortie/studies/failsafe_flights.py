"""The flights a battery failsafe is sized on (:mod:`sortie.studies.failsafe`), through the
one flight path (:func:`~sortie.models.flight.fly_many`).

At each ambient of :func:`ambient_grid` two flights: the mission as planned, and its
run-out: the mission up to its return leg, then its last phase before the return held until
a cell limit ends it (the voltage cut-off, or the cold limit), with no reserve rule. Both at
the same ambient and settings; the missions of all ambients are solved in one batch, the
run-outs in another.

The return leg is the mission's trailing return, descent and landing phases, or its last
``return_s`` seconds when given; the landing is its trailing descent and landing phases (else
its last phase).
"""

from __future__ import annotations

import dataclasses
import math

from sortie.errors import InputError
from sortie.models.flight import Flight, FlightSetup, Grounded, compile_flight, fly_many
from sortie.models.flight_plan import FlightPlan
from sortie.models.mission import MAX_MISSION_DURATION_S, FlightPhase, Mission
from sortie.studies.failsafe import AmbientFlights, FailsafeResult, PackFacts, Trace
from sortie.studies.failsafe import failsafe_parameters as _parameters

RETURN_PHASES = frozenset({FlightPhase.RETURN, FlightPhase.DESCENT, FlightPhase.LANDING})
LANDING_PHASES = frozenset({FlightPhase.DESCENT, FlightPhase.LANDING})
# Ambients between the nominal and the coldest are flown in steps of this size, so the worst
# case is looked for across the range, not only at its ends.
AMBIENT_STEP_K = 5.0
# The run-out's held phase lasts this many times the pack's energy at the held power: long
# enough for any cell limit to end it first.
RUNOUT_MARGIN = 1.5
# Finer output than a verdict needs: the triggers are read off the run-out.
OUTPUT_POINTS = 1200


def ambient_grid(nominal_c: float, coldest_c: float) -> tuple[float, ...]:
    """The nominal ambient, then every :data:`AMBIENT_STEP_K` below it down to the coldest,
    then the coldest. Raises :class:`InputError` when the coldest is above the nominal."""
    if coldest_c > nominal_c:
        raise InputError(
            f"--coldest-ambient-c {coldest_c:g} is above the nominal ambient {nominal_c:g} °C: "
            "name the coldest air the drone will fly in (at or below --ambient-c)"
        )
    found = [nominal_c]
    step = 1
    while nominal_c - step * AMBIENT_STEP_K > coldest_c + 1e-9:
        found.append(nominal_c - step * AMBIENT_STEP_K)
        step += 1
    if coldest_c < nominal_c:
        found.append(coldest_c)
    return tuple(found)


def nominal_ambient_c(setup: FlightSetup) -> float:
    """The ambient the setup flies at: the settings' override, else the mission's own."""
    if setup.settings.ambient_c is not None:
        return setup.settings.ambient_c
    return setup.mission.ambient_c


def _phases(mission: Mission | FlightPlan) -> list[FlightPhase]:
    parts = mission.phases if isinstance(mission, FlightPlan) else mission.segments
    return [part.phase for part in parts]


def _trailing(phases: list[FlightPhase], kinds: frozenset[FlightPhase]) -> int:
    """Index of the first of the trailing phases of ``kinds`` (len(phases): none)."""
    index = len(phases)
    while index > 0 and phases[index - 1] in kinds:
        index -= 1
    return index


@dataclasses.dataclass(frozen=True)
class Legs:
    """Where the return leg and the landing start, as indices of the plan's phases (or
    segments) and as times of the compiled mission (its pre-heat first)."""

    hold_index: int
    return_start_s: float
    landing_start_s: float
    mission_end_s: float


def legs(setup: FlightSetup, return_s: float | None = None) -> Legs:
    """The legs of ``setup``'s mission (see the module). Raises :class:`InputError` when it
    has no return leg, or nothing before it."""
    compiled = compile_flight(setup)
    offset = 1 if compiled.preheat_s > 0 else 0
    starts = compiled.mission.start_times_s
    end_s = compiled.mission.duration_s
    phases = _phases(setup.mission)
    if return_s is not None:
        flown_s = end_s - compiled.preheat_s
        if return_s >= flown_s:
            raise InputError(
                f"--return-min {return_s / 60:g} is not shorter than the mission "
                f"({flown_s / 60:.1f} min)"
            )
        return_start_s = end_s - return_s
        # The phase the return starts in is the one held in the run-out.
        current = max(i for i, start in enumerate(starts) if start <= return_start_s + 1e-9)
        hold_index = current - offset
    else:
        first = _trailing(phases, RETURN_PHASES)
        if first == len(phases):
            raise InputError(
                f"mission {setup.mission.id} ends with no return, descent or landing phase: "
                "give the return leg's length (--return-min)"
            )
        hold_index = first - 1
        return_start_s = starts[first + offset]
    if hold_index < 0:
        raise InputError(
            f"mission {setup.mission.id} has no phase before its return leg to hold: "
            "give a shorter return leg (--return-min)"
        )
    landing = _trailing(phases, LANDING_PHASES)
    landing = landing if landing < len(phases) else len(phases) - 1
    landing_start_s = max(starts[landing + offset], return_start_s)
    return Legs(hold_index, return_start_s, landing_start_s, end_s)


def runout_setup(setup: FlightSetup, hold_index: int) -> FlightSetup:
    """``setup`` flying its mission up to phase ``hold_index``, then that phase held until a
    cell limit (no reserve rule)."""
    compiled = compile_flight(setup)
    offset = 1 if compiled.preheat_s > 0 else 0
    power_w = compiled.mission.segments[hold_index + offset].power_w
    if power_w <= 0:
        raise InputError(
            f"the phase before the return leg draws no power ({power_w:g} W): nothing to hold"
        )
    energy_wh = setup.cell.budget.energy_wh * setup.pack.cell_count
    # The mission's whole duration bounds what is flown before the held phase.
    room_s = MAX_MISSION_DURATION_S - compiled.mission.duration_s - 1.0
    hold_s = min(RUNOUT_MARGIN * energy_wh * 3600.0 / power_w, room_s)
    mission = setup.mission
    if isinstance(mission, FlightPlan):
        held = dataclasses.replace(
            mission.phases[hold_index],
            name=f"{mission.phases[hold_index].name} (held)",
            duration_s=hold_s,
            distance_m=None,
            altitude_change_m=None,
            climb_rate_m_per_s=0.0,
            payload_drop_kg=0.0,
        )
        runout = dataclasses.replace(
            mission,
            id=f"{mission.id}-runout",
            phases=(*mission.phases[: hold_index + 1], held),
            reserve_state_of_charge=0.0,
        )
    else:
        segment = mission.segments[hold_index]
        held = dataclasses.replace(segment, name=f"{segment.name} (held)", duration_s=hold_s)
        runout = dataclasses.replace(
            mission,
            id=f"{mission.id}-runout",
            segments=(*mission.segments[: hold_index + 1], held),
            reserve_state_of_charge=0.0,
        )
    return dataclasses.replace(setup, mission=runout)


def _at(setup: FlightSetup, ambient_c: float) -> FlightSetup:
    settings = dataclasses.replace(
        setup.settings, ambient_c=ambient_c, output_points=OUTPUT_POINTS
    )
    return dataclasses.replace(setup, settings=settings)


def _trace(flight: Flight) -> Trace:
    frame = flight.result.timeseries
    return Trace.of(frame.index.to_numpy(), frame["pack_voltage_v"], frame["pack_current_a"])


def _flown(found: Flight | Grounded, what: str) -> Flight:
    if isinstance(found, Grounded):
        raise InputError(f"{what}: {found.message}")
    return found


def failsafe_for(
    setup: FlightSetup,
    coldest_ambient_c: float,
    full_cell_voltage_v: float,
    return_s: float | None = None,
) -> FailsafeResult:
    """The failsafe parameters of ``setup`` flown from its nominal ambient down to
    ``coldest_ambient_c`` (``full_cell_voltage_v``: the chemistry's full cell at rest, see
    :func:`sortie.engine.voltage_limits.cell_voltage_window_v`). Raises
    :class:`InputError` (one line) when the mission cannot be flown at an ambient."""
    ambients = ambient_grid(nominal_ambient_c(setup), coldest_ambient_c)
    found_legs = legs(setup, return_s)
    runout = runout_setup(setup, found_legs.hold_index)
    missions = fly_many([_at(setup, ambient) for ambient in ambients])
    runouts = fly_many([_at(runout, ambient) for ambient in ambients])
    cases = []
    for ambient, mission_found, runout_found in zip(ambients, missions, runouts, strict=True):
        flight = _flown(mission_found, f"at {ambient:g} °C")
        if flight.result.timeseries.index[-1] < found_legs.mission_end_s - 1e-6:
            summary = flight.summary
            raise InputError(
                f"at {ambient:g} °C the mission stops in '{summary.final_segment}' "
                f"({summary.termination_reason.value}): no return leg to size a failsafe on; "
                "a bigger pack or a warmer --coldest-ambient-c"
            )
        held = _flown(runout_found, f"run-out at {ambient:g} °C")
        cases.append(
            AmbientFlights(
                ambient_c=ambient,
                mission=_trace(flight),
                runout=_trace(held),
                return_start_s=found_legs.return_start_s,
                landing_start_s=found_legs.landing_start_s,
                mission_end_s=found_legs.mission_end_s,
                runout_ending=held.summary.termination_reason.value,
            )
        )
    nominal = _flown(missions[0], "nominal")
    pack = PackFacts(
        series_count=setup.pack.series_count,
        parallel_count=setup.pack.parallel_count,
        cell_capacity_ah=setup.cell.budget.capacity_ah,
        model_capacity_ah=_model_capacity_ah(nominal, setup),
        full_cell_voltage_v=full_cell_voltage_v,
        reserve_state_of_charge=setup.mission.reserve_state_of_charge,
        initial_state_of_charge=setup.settings.initial_state_of_charge,
        chemistry_id=setup.cell.chemistry.id,
    )
    steps = compile_flight(setup).mission.start_times_s[1:]
    return _parameters(pack, cases, steps)


def _model_capacity_ah(flight: Flight, setup: FlightSetup) -> float:
    """One cell's capacity the flight counts its state of charge against: charge drawn over
    state of charge spent (the electrode balance's, close to the budget's)."""
    frame = flight.result.timeseries
    trace = _trace(flight)
    spent = setup.settings.initial_state_of_charge - float(frame["state_of_charge"].iloc[-1])
    per_cell_ah = trace.end_mah / 1000.0 / setup.pack.parallel_count
    if spent <= 0 or not math.isfinite(per_cell_ah):
        return setup.cell.budget.capacity_ah
    return per_cell_ah / spent
