"""The assumptions behind one flight, as flown: what a report and ``sortie run --json`` say.

:func:`flight_assumptions` reads them off the flight's setup and its compiled stages (the
cell model and parameter set, the pack's thermal network and the convection of each phase,
where the pack's mass comes from, the interconnect, the air, the limits, the reserve, a
pre-heat), so a report cannot claim a model the flight did not use. Each
:class:`Assumption` has a key, its numbers (JSON-ready) and one sentence in English and one in
German. The HTML report and the command line's JSON both come from here.

The items live by topic: :mod:`.cell` (model, parameter set), :mod:`.pack` (layout, mass,
interconnect), :mod:`.thermal` (network, convection), :mod:`.conditions` (air, temperatures,
charge, reserve), :mod:`.aircraft`; :mod:`.item` is one assumption, :mod:`.wording` the numbers
in each language.

No electrochemistry is run: compiling a flight is cheap (masses, powers, air per phase).
"""

from __future__ import annotations

from collections.abc import Sequence

from sortie.errors import SortieError
from sortie.models.flight import PREHEAT, CompiledFlight, FlightSetup, compile_flight
from sortie.models.flight_plan import FlightPlan
from sortie.models.mission import Mission, Segment
from sortie.models.pack_thermal import SegmentAir, pack_network
from sortie.studies.assumptions import aircraft, cell, conditions, pack, thermal
from sortie.studies.assumptions.item import Assumption, AssumptionKey


def flight_assumptions(
    flight: CompiledFlight | FlightSetup, reserve_state_of_charge: float | None = None
) -> tuple[Assumption, ...]:
    """The assumptions of a flight as flown. A :class:`FlightSetup` is compiled here; one
    that cannot be compiled (too heavy, a phase its aircraft cannot fly) still gets every
    assumption that does not need the flown phases. ``reserve_state_of_charge`` replaces the
    mission's reserve (an endurance question reads its reserve off the flight instead)."""
    compiled = flight if isinstance(flight, CompiledFlight) else _compiled(flight)
    setup = flight.setup if isinstance(flight, CompiledFlight) else flight
    network = pack_network(setup.pack, setup.cell)
    segments, air = _flown_segments(setup, compiled)
    reserve = (
        _reserve_of(setup.mission) if reserve_state_of_charge is None else reserve_state_of_charge
    )
    found = [
        cell.model(setup),
        cell.catalogue_caveats(setup),
        cell.calibrated_range(setup, segments),
        pack.layout(setup),
        pack.mass(setup),
        pack.interconnect(setup),
        thermal.model(setup, network),
        thermal.convection(setup, network, segments, air),
        conditions.ambient(setup, segments),
        conditions.start_temperature(setup),
        conditions.preheat(setup),
        conditions.temperature_limits(setup),
        conditions.initial_charge(setup),
        conditions.reserve(reserve),
        conditions.atmosphere(setup, compiled),
        aircraft.airframe(setup, compiled),
    ]
    return tuple(item for item in found if item is not None)


def _compiled(setup: FlightSetup) -> CompiledFlight | None:
    try:
        return compile_flight(setup)
    except (SortieError, ValueError):  # too heavy, a phase it cannot fly, an invalid flight
        return None


def _reserve_of(mission: Mission | FlightPlan) -> float:
    return mission.reserve_state_of_charge


def _flown_segments(
    setup: FlightSetup, compiled: CompiledFlight | None
) -> tuple[tuple[Segment, ...] | None, SegmentAir | None]:
    """The segments flown after take-off and the air at the pack in each (a pre-heat on the
    ground is its own assumption); None when the flight could not be compiled."""
    if compiled is None:
        if isinstance(setup.mission, Mission):
            return setup.mission.segments, SegmentAir.still(len(setup.mission.segments))
        return None, None
    segments, air = compiled.mission.segments, compiled.air
    assert air is not None
    skip = 1 if compiled.preheat_s > 0 and segments[0].name == PREHEAT else 0
    return segments[skip:], SegmentAir(
        air.airflow_m_per_s[skip:], air.air_density_kg_per_m3[skip:], air.heater_w[skip:]
    )


def merged_texts(flights: Sequence[tuple[str, Sequence[Assumption]]], language: str) -> list[str]:
    """The assumptions of several flights (a comparison: ``(name, assumptions)`` per cell) as
    sentences: one where every flight has the same, else one per flight, named."""
    order: list[AssumptionKey] = []
    for _, items in flights:
        order.extend(item.key for item in items if item.key not in order)
    found: list[str] = []
    for key in order:
        texts = [
            (name, item.text(language))
            for name, items in flights
            for item in items
            if item.key is key
        ]
        distinct = list(dict.fromkeys(text for _, text in texts))
        if len(distinct) == 1 and len(texts) == len(flights):
            found.append(distinct[0])
        else:
            # The cell model's sentence names its cell already.
            found.extend(
                text if key is AssumptionKey.CELL_MODEL else f"{name}: {text}"
                for name, text in texts
            )
    return found
