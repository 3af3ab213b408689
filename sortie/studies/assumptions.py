"""The assumptions behind one flight, as flown: what a report and ``sortie run --json`` say.

:func:`flight_assumptions` reads them off the flight's setup and its compiled stages (the
cell model and parameter set, the pack's thermal network and the convection of each phase,
where the pack's mass comes from, the interconnect, the air, the limits, the reserve, a
pre-heat), so a report cannot claim a model the flight did not use. Each
:class:`Assumption` has a key, its numbers (JSON-ready) and one sentence in English and one in
German. The HTML report and the command line's JSON both come from here.

No electrochemistry is run: compiling a flight is cheap (masses, powers, air per phase).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from importlib.metadata import version
from typing import Any

from sortie.cells.chemistry import Provenance
from sortie.cells.pack import DEFAULT_MASS_OVERHEAD_FRACTION, PackMassSource
from sortie.errors import SortieError
from sortie.models.drone import AirframeKind
from sortie.models.flight import PREHEAT, CompiledFlight, FlightSetup, compile_flight
from sortie.models.flight_plan import FlightPlan
from sortie.models.mission import Mission, Segment
from sortie.models.pack_thermal import (
    PackNetwork,
    SegmentAir,
    pack_network,
    surface_convection_w_per_m2_k,
)
from sortie.models.settings import ModelKind, limits_c

# Phases listed one by one in a sentence; more are given as a range.
MAX_LISTED_PHASES = 8


class AssumptionKey(StrEnum):
    """One assumption of a flight (its key in JSON)."""

    CELL_MODEL = "cell model"
    CATALOGUE_CAVEATS = "catalogue caveats"
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
        _cell_model(setup),
        _catalogue_caveats(setup),
        _pack(setup),
        _pack_mass(setup),
        _interconnect(setup),
        _thermal(setup, network),
        _convection(setup, network, segments, air),
        _ambient(setup, segments),
        _start_temperature(setup),
        _preheat(setup),
        _temperature_limits(setup),
        _initial_charge(setup),
        _reserve(reserve),
        _atmosphere(setup, compiled),
        _aircraft(setup, compiled),
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


# --- numbers in each language -----------------------------------------------------------------


def _en(value: float, spec: str = "g") -> str:
    return format(value, spec)


def _de(value: float, spec: str = "g") -> str:
    """German decimals: a comma (``0,12``); no thousands separator."""
    return format(value, spec).replace(".", ",")


def _percent(fraction: float) -> tuple[str, str]:
    return f"{100 * fraction:.0f} %", f"{100 * fraction:.0f} %"


def _listed(
    names_en: Sequence[str],
    names_de: Sequence[str],
    values: Sequence[float],
    unit: str,
    spec: str,
) -> tuple[str, str]:
    """'31 W/(m² K) in every phase', 'by phase: take-off 40, hover 41 W/(m² K)' or, for many
    phases, 'from 30 to 41 W/(m² K) over 120 phases'."""
    if len(set(_en(v, spec) for v in values)) == 1:
        return (
            f"{_en(values[0], spec)} {unit} in every phase",
            f"{_de(values[0], spec)} {unit} in jeder Phase",
        )
    if len(values) > MAX_LISTED_PHASES:
        low, high = min(values), max(values)
        return (
            f"from {_en(low, spec)} to {_en(high, spec)} {unit} over {len(values)} phases",
            f"von {_de(low, spec)} bis {_de(high, spec)} {unit} über {len(values)} Phasen",
        )
    en = ", ".join(f"{n} {_en(v, spec)}" for n, v in zip(names_en, values, strict=True))
    de = ", ".join(f"{n} {_de(v, spec)}" for n, v in zip(names_de, values, strict=True))
    return f"by phase: {en} {unit}", f"je Phase: {de} {unit}"


def _names(segments: Sequence[Segment]) -> tuple[list[str], list[str]]:
    return [s.name for s in segments], [s.name_de or s.name for s in segments]


# --- the cell -------------------------------------------------------------------------------

_MODEL_EN = {
    ModelKind.DFN: "Doyle-Fuller-Newman, the reference for verdicts",
    ModelKind.SPME: "single particle model with electrolyte; at about 3C and above it can fail "
    "where DFN completes",
    ModelKind.SPM: "single particle model: reads ~155 mV high and misses ~40 % of the "
    "self-heating at 2C, not for thermal verdicts",
}
_MODEL_DE = {
    ModelKind.DFN: "Doyle-Fuller-Newman, die Referenz für Urteile",
    ModelKind.SPME: "Einteilchenmodell mit Elektrolyt; ab etwa 3C kann es scheitern, wo DFN "
    "durchfliegt",
    ModelKind.SPM: "Einteilchenmodell: zeigt ~155 mV zu viel und unterschätzt die "
    "Eigenerwärmung bei 2C um ~40 %, nicht für thermische Urteile",
}
_PROVENANCE_EN = {
    Provenance.ORIGINAL: "from the parameter set",
    Provenance.SUPPLIED: "supplied by Sortie from the literature",
    Provenance.DERIVED: "derived by Sortie from the design",
}
_PROVENANCE_DE = {
    Provenance.ORIGINAL: "aus dem Parametersatz",
    Provenance.SUPPLIED: "von Sortie aus der Literatur ergänzt",
    Provenance.DERIVED: "von Sortie aus dem Design abgeleitet",
}


def _cell_model(setup: FlightSetup) -> Assumption:
    cell, chemistry, model = setup.cell, setup.cell.chemistry, setup.settings.model
    fidelity = chemistry.fidelity
    pybamm = version("pybamm")
    transport_en = (
        "transport depends on temperature"
        if fidelity.temperature_dependent_transport
        else "transport does NOT depend on temperature (cold flights look too good)"
    )
    transport_de = (
        "Transport temperaturabhängig"
        if fidelity.temperature_dependent_transport
        else "Transport NICHT temperaturabhängig (kalte Flüge wirken zu gut)"
    )
    scaled_en = "; scaled from a lab cell" if fidelity.scaled_from_lab_cell else ""
    scaled_de = "; von einer Laborzelle hochskaliert" if fidelity.scaled_from_lab_cell else ""
    return Assumption(
        AssumptionKey.CELL_MODEL,
        en=f"Cell {cell.name}: PyBaMM {pybamm} {model.value.upper()} ({_MODEL_EN[model]}) with "
        f"the {chemistry.parameter_set} parameter set ({chemistry.name}; {chemistry.reference}); "
        f"{transport_en}; thermal data {_PROVENANCE_EN[fidelity.thermal_data]}, mass data "
        f"{_PROVENANCE_EN[fidelity.mass_data]}{scaled_en}.",
        de=f"Zelle {cell.name}: PyBaMM {pybamm} {model.value.upper()} ({_MODEL_DE[model]}) mit "
        f"dem Parametersatz {chemistry.parameter_set} ({chemistry.name}; {chemistry.reference}); "
        f"{transport_de}; Wärmedaten {_PROVENANCE_DE[fidelity.thermal_data]}, Massendaten "
        f"{_PROVENANCE_DE[fidelity.mass_data]}{scaled_de}.",
        values={
            "cell_id": cell.id,
            "chemistry_id": chemistry.id,
            "model": model.value,
            "pybamm_version": pybamm,
            "parameter_set": chemistry.parameter_set,
            "reference": chemistry.reference,
            "temperature_dependent_transport": fidelity.temperature_dependent_transport,
            "thermal_data": fidelity.thermal_data.value,
            "mass_data": fidelity.mass_data.value,
            "scaled_from_lab_cell": fidelity.scaled_from_lab_cell,
        },
    )


def _catalogue_caveats(setup: FlightSetup) -> Assumption | None:
    """The catalogue's own caveats (written in English only: quoted as they are)."""
    chemistry = setup.cell.chemistry
    caveats = [*chemistry.fidelity.caveats, *setup.cell.budget.warnings]
    if not caveats:
        return None
    quoted = "; ".join(caveats)
    return Assumption(
        AssumptionKey.CATALOGUE_CAVEATS,
        en=f"Caveats for {setup.cell.name}: {quoted}.",
        de=f"Hinweise zu {setup.cell.name} (im Katalog englisch): {quoted}.",
        values={"caveats": caveats},
    )


# --- the pack -------------------------------------------------------------------------------


def _pack(setup: FlightSetup) -> Assumption:
    pack = setup.pack
    layout = f"{pack.series_count}S{pack.parallel_count}P"
    return Assumption(
        AssumptionKey.PACK,
        en=f"Pack {layout} of {setup.cell.id} ({pack.cell_count} cells): the pack's power is "
        "shared equally by all cells (a balanced pack, equal currents).",
        de=f"Pack {layout} aus {setup.cell.id} ({pack.cell_count} Zellen): Die Leistung des "
        "Packs verteilt sich gleichmäßig auf alle Zellen (balanciert, gleiche Ströme).",
        values={
            "series_count": pack.series_count,
            "parallel_count": pack.parallel_count,
            "cell_count": pack.cell_count,
        },
    )


def _overhead_origin(setup: FlightSetup) -> str:
    """Where the overhead fraction comes from: the drone's pack, Sortie's default, or set."""
    fraction = setup.pack.mass_overhead_fraction
    drone = setup.drone
    if drone is not None and drone.pack_mass_overhead_fraction == fraction:
        return "drone"
    return "default" if fraction == DEFAULT_MASS_OVERHEAD_FRACTION else "set"


_ORIGIN_EN = {"drone": "the drone's value", "default": "Sortie's default", "set": "as set"}
_ORIGIN_DE = {"drone": "Wert der Drohne", "default": "Vorgabe von Sortie", "set": "vorgegeben"}


def _pack_mass(setup: FlightSetup) -> Assumption:
    pack, budget = setup.pack, setup.cell.budget
    mass_kg, cells_kg = pack.mass_kg(budget), pack.cells_mass_kg(budget)
    # The set fraction as given (not recomputed from the masses: no rounding), or a pinned
    # mass's implied one.
    fraction = (
        pack.mass_overhead_fraction
        if pack.mass_source is PackMassSource.OVERHEAD
        else pack.overhead_fraction(budget)
    )
    values = {
        "source": pack.mass_source.value,
        "pack_mass_kg": mass_kg,
        "cells_mass_kg": cells_kg,
        "overhead_fraction": fraction,
    }
    if pack.mass_source is PackMassSource.PINNED:
        share_en, share_de = _percent(fraction)
        return Assumption(
            AssumptionKey.PACK_MASS,
            en=f"Pack mass {_en(mass_kg, '.3f')} kg as weighed (pinned): the cells "
            f"{_en(cells_kg, '.3f')} kg plus {share_en} for strips, BMS, leads and wrap.",
            de=f"Packmasse {_de(mass_kg, '.3f')} kg wie gewogen (fest vorgegeben): die Zellen "
            f"{_de(cells_kg, '.3f')} kg plus {share_de} für Verbinder, BMS, Kabel und Hülle.",
            values=values,
        )
    origin = _overhead_origin(setup)
    return Assumption(
        AssumptionKey.PACK_MASS,
        en=f"Pack mass {_en(mass_kg, '.3f')} kg = the cells {_en(cells_kg, '.3f')} kg x (1 + "
        f"{_en(fraction)}) for strips, BMS, leads and wrap ({_ORIGIN_EN[origin]}).",
        de=f"Packmasse {_de(mass_kg, '.3f')} kg = die Zellen {_de(cells_kg, '.3f')} kg x (1 + "
        f"{_de(fraction)}) für Verbinder, BMS, Kabel und Hülle ({_ORIGIN_DE[origin]}).",
        values={**values, "overhead_from": origin},
    )


def _interconnect(setup: FlightSetup) -> Assumption:
    resistance_ohm = setup.pack.interconnect_resistance_ohm
    drone = setup.drone
    if resistance_ohm == 0:
        return Assumption(
            AssumptionKey.INTERCONNECT,
            en="Interconnect ideal: 0 mOhm between the cells and the pack's connector, no loss.",
            de="Verbindungen ideal: 0 mOhm zwischen den Zellen und dem Stecker des Packs, "
            "kein Verlust.",
            values={"resistance_ohm": 0.0},
        )
    from_drone = drone is not None and drone.pack_interconnect_resistance_ohm == resistance_ohm
    milliohm = 1e3 * resistance_ohm
    return Assumption(
        AssumptionKey.INTERCONNECT,
        en=f"Interconnect {_en(milliohm, '.1f')} mOhm for the whole pack (strips, welds, leads, "
        f"connector, BMS switches; {_ORIGIN_EN['drone' if from_drone else 'set']}): its I²R "
        "loss comes from the cells and heats them; the voltage cut-off stays at the cells' own "
        "terminals.",
        de=f"Verbindungen {_de(milliohm, '.1f')} mOhm für den ganzen Pack (Zellverbinder, "
        f"Schweißpunkte, Kabel, Stecker, BMS-Schalter; "
        f"{_ORIGIN_DE['drone' if from_drone else 'set']}): Ihr I²R-Verlust kommt aus den "
        "Zellen und erwärmt sie; die Entladeschlussspannung gilt an den Zellen selbst.",
        values={"resistance_ohm": resistance_ohm, "from_drone": from_drone},
    )


def _thermal(setup: FlightSetup, network: PackNetwork) -> Assumption:
    pack, layout, cell = setup.pack, setup.pack.layout, setup.cell
    grid = f"{network.rows} x {network.columns}"
    spacing_en = (
        "cans touching" if layout.spacing_mm == 0 else f"{_en(layout.spacing_mm)} mm apart"
    )
    spacing_de = (
        "Zellen berühren sich"
        if layout.spacing_mm == 0
        else f"{_de(layout.spacing_mm)} mm Abstand"
    )
    gap = layout.gap_conductivity_w_per_m_k
    enclosure_en = (
        f"an enclosure of {_en(layout.enclosure_mass_kg)} kg"
        if layout.enclosure_mass_kg is not None
        else "an enclosure of the pack's overhead mass"
    )
    enclosure_de = (
        f"eine Hülle von {_de(layout.enclosure_mass_kg)} kg"
        if layout.enclosure_mass_kg is not None
        else "eine Hülle mit der Zusatzmasse des Packs"
    )
    specific = layout.enclosure_specific_heat_j_per_kg_k
    holder_en = (
        f"sealed: {enclosure_en} at {_en(specific)} J/(kg K) between cells and air"
        if layout.sealed
        else "an open frame: the cells meet the air"
    )
    holder_de = (
        f"geschlossen: {enclosure_de} mit {_de(specific)} J/(kg K) zwischen Zellen und Luft"
        if layout.sealed
        else "offener Rahmen: die Zellen stehen in der Luft"
    )
    heat = cell.heat_capacity_j_per_k
    return Assumption(
        AssumptionKey.THERMAL,
        en=f"Thermal: the pack's thermal network, {pack.cell_count} cells on a {grid} grid "
        f"({spacing_en}, gaps conducting {_en(gap)} W/(m K)), {holder_en}. PyBaMM flies the "
        f"mean cell (lumped, {_en(heat, '.0f')} J/K from the cell's mass budget) with the "
        "pack's mean cooling; the network spreads its heat to the hottest and coldest cell.",
        de=f"Thermik: Wärmenetz des Packs, {pack.cell_count} Zellen in einem Raster von {grid} "
        f"({spacing_de}, Spalte leiten {_de(gap)} W/(m K)), {holder_de}. PyBaMM rechnet die "
        f"mittlere Zelle (konzentriert, {_de(heat, '.0f')} J/K aus der Massenbilanz der Zelle) "
        "mit der mittleren Kühlung des Packs; das Netz verteilt ihre Wärme auf die heißeste und "
        "die kälteste Zelle.",
        values={
            "rows": network.rows,
            "columns": network.columns,
            "spacing_mm": layout.spacing_mm,
            "sealed": layout.sealed,
            "gap_conductivity_w_per_m_k": gap,
            "enclosure_mass_kg": layout.enclosure_mass_kg,
            "enclosure_specific_heat_j_per_kg_k": specific,
            "cell_heat_capacity_j_per_k": heat,
        },
    )


def _convection(
    setup: FlightSetup,
    network: PackNetwork,
    segments: Sequence[Segment] | None,
    air: SegmentAir | None,
) -> Assumption:
    still = setup.settings.heat_transfer_coefficient_w_per_m2_k
    exposure = network.airflow_exposure
    surface_en = "the enclosure" if network.sealed else "the cells' free surfaces"
    surface_de = "der Hülle" if network.sealed else "den freien Flächen der Zellen"
    values: dict[str, Any] = {"still_air_w_per_m2_k": still, "airflow_exposure": exposure}
    head_en = (
        f"Convection on {surface_en}: still air {_en(still)} W/(m² K) (natural convection "
        "and radiation)"
    )
    head_de = (
        f"Konvektion an {surface_de}: ruhende Luft {_de(still)} W/(m² K) (freie Konvektion "
        "und Strahlung)"
    )
    if segments is None or air is None:
        return Assumption(
            AssumptionKey.CONVECTION,
            en=f"{head_en}; the phases were not flown, so their airflow is not known.",
            de=f"{head_de}; die Phasen wurden nicht geflogen, ihre Anströmung ist unbekannt.",
            values=values,
        )
    coefficients = [
        surface_convection_w_per_m2_k(network, still, speed, density)
        for speed, density in zip(air.airflow_m_per_s, air.air_density_kg_per_m3, strict=True)
    ]
    if not isinstance(setup.mission, FlightPlan):
        return Assumption(
            AssumptionKey.CONVECTION,
            en=f"{head_en} in every segment: a power profile has no airflow at the pack.",
            de=f"{head_de} in jedem Abschnitt: Ein Leistungsprofil hat keine Anströmung am Pack.",
            values=values,
        )
    names_en, names_de = _names(segments)
    listed_en, listed_de = _listed(names_en, names_de, coefficients, "W/(m² K)", ".0f")
    values["by_phase"] = [
        {"phase": segment.name, "airflow_at_pack_m_per_s": speed * exposure, "w_per_m2_k": h}
        for segment, speed, h in zip(segments, air.airflow_m_per_s, coefficients, strict=True)
    ]
    return Assumption(
        AssumptionKey.CONVECTION,
        en=f"{head_en} on the ground; in flight forced convection in the airstream or the "
        f"rotors' downwash, {_percent(exposure)[0]} of it reaching the pack (airflow "
        f"exposure), where that is larger: {listed_en}.",
        de=f"{head_de} am Boden; im Flug erzwungene Konvektion im Fahrtwind oder im "
        f"Rotorabwind, von dem {_percent(exposure)[1]} den Pack erreichen, wo sie größer ist: "
        f"{listed_de}.",
        values=values,
    )


# --- air, temperatures, charge ------------------------------------------------------------


def _ambient(setup: FlightSetup, segments: Sequence[Segment] | None) -> Assumption:
    set_c = setup.settings.ambient_c
    mission = setup.mission
    plan = isinstance(mission, FlightPlan)
    values: dict[str, Any] = {"set_c": set_c, "mission_c": mission.ambient_c}
    if set_c is not None:
        density_en = ", and the air density follows it" if plan else ""
        density_de = ", die Luftdichte folgt ihr" if plan else ""
        return Assumption(
            AssumptionKey.AMBIENT,
            en=f"Ambient {_en(set_c)} °C in every phase (set for the whole flight{density_en}).",
            de=f"Umgebung {_de(set_c)} °C in jeder Phase (für den ganzen Flug vorgegeben"
            f"{density_de}).",
            values=values,
        )
    if segments is None:
        return Assumption(
            AssumptionKey.AMBIENT,
            en=f"Ambient at the pack: the mission's own, {_en(mission.ambient_c)} °C unless a "
            "phase gives its own.",
            de=f"Umgebung am Pack: die der Mission, {_de(mission.ambient_c)} °C, sofern eine "
            "Phase keine eigene angibt.",
            values=values,
        )
    ambients = _segment_ambients(segments, mission)
    names_en, names_de = _names(segments)
    listed_en, listed_de = _listed(names_en, names_de, ambients, "°C", ".1f")
    values.update(min_c=min(ambients), max_c=max(ambients))
    if plan or len(segments) <= MAX_LISTED_PHASES:
        # Not for a flight log's hundreds of bins: their range says it.
        values["by_phase"] = [
            {"phase": s.name, "ambient_c": a} for s, a in zip(segments, ambients, strict=True)
        ]
    return Assumption(
        AssumptionKey.AMBIENT,
        en=f"Ambient at the pack: the mission's own, {listed_en}.",
        de=f"Umgebung am Pack: die der Mission, {listed_de}.",
        values=values,
    )


def _segment_ambients(
    segments: Sequence[Segment], mission: Mission | FlightPlan
) -> list[float]:
    return [mission.ambient_c if s.ambient_c is None else s.ambient_c for s in segments]


def _start_temperature(setup: FlightSetup) -> Assumption:
    start_c = setup.settings.start_temperature_c
    if start_c is None:
        return Assumption(
            AssumptionKey.START_TEMPERATURE,
            en="The cells start soaked at the air's temperature of the first phase.",
            de="Die Zellen starten durchwärmt mit der Lufttemperatur der ersten Phase.",
            values={"start_c": None},
        )
    return Assumption(
        AssumptionKey.START_TEMPERATURE,
        en=f"The cells start at {_en(start_c)} °C (set: e.g. a cold soak), not at the air's "
        "temperature.",
        de=f"Die Zellen starten mit {_de(start_c)} °C (vorgegeben, z. B. nach Kältelagerung), "
        "nicht mit der Lufttemperatur.",
        values={"start_c": start_c},
    )


def _preheat(setup: FlightSetup) -> Assumption | None:
    settings = setup.settings
    power_w, duration_s = settings.heater_power_w, settings.heater_duration_s
    if power_w <= 0 or duration_s <= 0:
        return None
    energy_wh = power_w * duration_s / 3600.0
    minutes = duration_s / 60.0
    return Assumption(
        AssumptionKey.PREHEAT,
        en=f"Pre-heat: {_en(power_w)} W for {_en(minutes, '.3g')} min on the ground before "
        f"take-off, drawn from the pack ({_en(energy_wh, '.1f')} Wh) and warming it; endurance "
        "counts from take-off.",
        de=f"Vorheizen: {_de(power_w)} W für {_de(minutes, '.3g')} min am Boden vor dem Start, "
        f"aus dem Pack gespeist ({_de(energy_wh, '.1f')} Wh) und ihn wärmend; die Flugzeit "
        "zählt ab dem Start.",
        values={"heater_power_w": power_w, "heater_duration_s": duration_s},
    )


def _temperature_limits(setup: FlightSetup) -> Assumption:
    settings, chemistry = setup.settings, setup.cell.chemistry
    low_c, high_c = limits_c(settings, chemistry)
    set_low = settings.min_temperature_c is not None
    set_high = settings.max_temperature_c is not None
    datasheet_en, datasheet_de = "the datasheet's discharge limit", "Entladegrenze laut Datenblatt"
    return Assumption(
        AssumptionKey.TEMPERATURE_LIMITS,
        en=f"Cell temperature limits: the run stops when the hottest cell passes "
        f"{_en(high_c)} °C ({'set' if set_high else datasheet_en}) or the coldest falls below "
        f"{_en(low_c)} °C while discharging ({'set' if set_low else datasheet_en}).",
        de=f"Temperaturgrenzen der Zellen: Der Flug endet, wenn die heißeste Zelle "
        f"{_de(high_c)} °C überschreitet ({'vorgegeben' if set_high else datasheet_de}) oder "
        f"die kälteste beim Entladen unter {_de(low_c)} °C fällt "
        f"({'vorgegeben' if set_low else datasheet_de}).",
        values={"min_c": low_c, "max_c": high_c, "min_set": set_low, "max_set": set_high},
    )


def _initial_charge(setup: FlightSetup) -> Assumption:
    soc = setup.settings.initial_state_of_charge
    percent = f"{_en(100 * soc, '.3g')} %"
    percent_de = f"{_de(100 * soc, '.3g')} %"
    return Assumption(
        AssumptionKey.INITIAL_CHARGE,
        en=f"The pack starts at {percent} state of charge (of the window between the cut-off "
        "voltages; each design's electrode balance from PyBaMM).",
        de=f"Der Pack startet mit {percent_de} Ladezustand (im Fenster zwischen den "
        "Schlussspannungen; Elektrodenbilanz jedes Designs von PyBaMM).",
        values={"initial_state_of_charge": soc},
    )


def _reserve(reserve: float) -> Assumption:
    if reserve <= 0:
        return Assumption(
            AssumptionKey.RESERVE,
            en="No landing reserve: flying the whole profile completes the mission.",
            de="Keine Landereserve: Wer das ganze Profil fliegt, hat die Mission erfüllt.",
            values={"reserve_state_of_charge": 0.0},
        )
    en, de = _percent(reserve)
    return Assumption(
        AssumptionKey.RESERVE,
        en=f"Landing reserve {en} state of charge: a flight counts as completed only when it "
        "lands with at least that.",
        de=f"Landereserve {de} Ladezustand: Ein Flug gilt nur als erfüllt, wenn er mit "
        "mindestens so viel landet.",
        values={"reserve_state_of_charge": reserve},
    )


def _atmosphere(setup: FlightSetup, compiled: CompiledFlight | None) -> Assumption:
    if not isinstance(setup.mission, FlightPlan):
        return Assumption(
            AssumptionKey.ATMOSPHERE,
            en="A power profile: the pack's power is flown as given, without aircraft physics "
            "or air density.",
            de="Ein Leistungsprofil: Die Leistung des Packs wird wie vorgegeben geflogen, ohne "
            "Flugphysik und Luftdichte.",
            values={"flight_plan": False},
        )
    ground_m = setup.mission.ground_altitude_m
    values: dict[str, Any] = {"flight_plan": True, "ground_altitude_m": ground_m}
    densities = [p.air_density_kg_per_m3 for p in compiled.phases] if compiled else []
    density_en = density_de = ""
    if densities:
        low, high = min(densities), max(densities)
        values.update(min_density_kg_per_m3=low, max_density_kg_per_m3=high)
        same = _en(low, ".3f") == _en(high, ".3f")
        density_en = f": {_en(low, '.3f')}" + ("" if same else f" to {_en(high, '.3f')}")
        density_de = f": {_de(low, '.3f')}" + ("" if same else f" bis {_de(high, '.3f')}")
        density_en, density_de = f"{density_en} kg/m³", f"{density_de} kg/m³"
    return Assumption(
        AssumptionKey.ATMOSPHERE,
        en=f"Air density from the ISA pressure at each phase's altitude (ground "
        f"{_en(ground_m)} m above sea level) and the ambient, 6.5 K/km colder with height"
        f"{density_en}; still air, no wind.",
        de=f"Luftdichte aus dem ISA-Normdruck in der Höhe jeder Phase (Boden {_de(ground_m)} m "
        f"über dem Meer) und der Umgebungstemperatur, 6,5 K/km kälter mit der Höhe"
        f"{density_de}; ruhende Luft, kein Wind.",
        values=values,
    )


_KIND_DE = {
    AirframeKind.MULTIROTOR: "Multikopter",
    AirframeKind.FIXED_WING: "Starrflügler",
    AirframeKind.VTOL: "Senkrechtstarter",
}


def _aircraft(setup: FlightSetup, compiled: CompiledFlight | None) -> Assumption | None:
    drone = setup.drone
    if drone is None or not isinstance(setup.mission, FlightPlan):
        return None
    take_off_kg = drone.take_off_mass_kg(setup.pack.mass_kg(setup.cell.budget))
    parts_en, parts_de = [], []
    values: dict[str, Any] = {
        "drone_id": drone.id,
        "kind": drone.kind.value,
        "take_off_mass_kg": take_off_kg,
        "motor_efficiency": drone.motor_efficiency,
        "esc_efficiency": drone.esc_efficiency,
        "avionics_power_w": drone.avionics_power_w,
        "payload_power_w": drone.payload_power_w,
    }
    if drone.rotors is not None:
        rotors = drone.rotors
        values["figure_of_merit"] = rotors.figure_of_merit
        parts_en.append(
            f"{rotors.rotor_count} rotors of {_en(rotors.rotor_diameter_m, '.3g')} m by the "
            f"energy method (Leishman), figure of merit {_en(rotors.figure_of_merit)}"
        )
        parts_de.append(
            f"{rotors.rotor_count} Rotoren mit {_de(rotors.rotor_diameter_m, '.3g')} m nach der "
            f"Energiemethode (Leishman), Gütegrad {_de(rotors.figure_of_merit)}"
        )
    if drone.wing is not None:
        wing = drone.wing
        values["propeller_efficiency"] = wing.propeller_efficiency
        parts_en.append(
            f"a wing of {_en(wing.wing_area_m2, '.3g')} m² by its drag polar, propeller "
            f"{_en(wing.propeller_efficiency)}"
        )
        parts_de.append(
            f"ein Flügel mit {_de(wing.wing_area_m2, '.3g')} m² nach seiner Widerstandspolare, "
            f"Propeller {_de(wing.propeller_efficiency)}"
        )
    return Assumption(
        AssumptionKey.AIRCRAFT,
        en=f"Aircraft {drone.name} ({drone.kind.value}), take-off mass "
        f"{_en(take_off_kg, '.2f')} kg with the pack: {'; '.join(parts_en)}; motor "
        f"{_en(drone.motor_efficiency)} x ESC {_en(drone.esc_efficiency)}; avionics "
        f"{_en(drone.avionics_power_w)} W, payload {_en(drone.payload_power_w)} W.",
        de=f"Fluggerät {drone.name_de or drone.name} ({_KIND_DE[drone.kind]}), Startmasse "
        f"{_de(take_off_kg, '.2f')} kg mit Pack: {'; '.join(parts_de)}; Motor "
        f"{_de(drone.motor_efficiency)} x Regler {_de(drone.esc_efficiency)}; Avionik "
        f"{_de(drone.avionics_power_w)} W, Nutzlast {_de(drone.payload_power_w)} W.",
        values=values,
    )


def merged_texts(
    flights: Sequence[tuple[str, Sequence[Assumption]]], language: str
) -> list[str]:
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
