"""What the flight starts and flies in: the ambient, the cells' temperature at take-off, a
pre-heat, the temperature limits, the charge at take-off and the landing reserve, the air."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sortie.models.flight import CompiledFlight, FlightSetup
from sortie.models.flight_plan import FlightPlan
from sortie.models.mission import Mission, Segment
from sortie.models.settings import limits_c
from sortie.studies.assumptions.item import Assumption, AssumptionKey
from sortie.studies.assumptions.wording import (
    MAX_LISTED_PHASES,
    de,
    en,
    listed,
    percent,
    phase_names,
)


def ambient(setup: FlightSetup, segments: Sequence[Segment] | None) -> Assumption:
    set_c = setup.settings.ambient_c
    mission = setup.mission
    plan = isinstance(mission, FlightPlan)
    values: dict[str, Any] = {"set_c": set_c, "mission_c": mission.ambient_c}
    if set_c is not None:
        density_en = ", and the air density follows it" if plan else ""
        density_de = ", die Luftdichte folgt ihr" if plan else ""
        return Assumption(
            AssumptionKey.AMBIENT,
            en=f"Ambient {en(set_c)} °C in every phase (set for the whole flight{density_en}).",
            de=f"Umgebung {de(set_c)} °C in jeder Phase (für den ganzen Flug vorgegeben"
            f"{density_de}).",
            values=values,
        )
    if segments is None:
        return Assumption(
            AssumptionKey.AMBIENT,
            en=f"Ambient at the pack: the mission's own, {en(mission.ambient_c)} °C unless a "
            "phase gives its own.",
            de=f"Umgebung am Pack: die der Mission, {de(mission.ambient_c)} °C, sofern eine "
            "Phase keine eigene angibt.",
            values=values,
        )
    ambients = _segment_ambients(segments, mission)
    names_en, names_de = phase_names(segments)
    listed_en, listed_de = listed(names_en, names_de, ambients, "°C", ".1f")
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


def _segment_ambients(segments: Sequence[Segment], mission: Mission | FlightPlan) -> list[float]:
    return [mission.ambient_c if s.ambient_c is None else s.ambient_c for s in segments]


def start_temperature(setup: FlightSetup) -> Assumption:
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
        en=f"The cells start at {en(start_c)} °C (set: e.g. a cold soak), not at the air's "
        "temperature.",
        de=f"Die Zellen starten mit {de(start_c)} °C (vorgegeben, z. B. nach Kältelagerung), "
        "nicht mit der Lufttemperatur.",
        values={"start_c": start_c},
    )


def preheat(setup: FlightSetup) -> Assumption | None:
    settings = setup.settings
    power_w, duration_s = settings.heater_power_w, settings.heater_duration_s
    if power_w <= 0 or duration_s <= 0:
        return None
    energy_wh = power_w * duration_s / 3600.0
    minutes = duration_s / 60.0
    return Assumption(
        AssumptionKey.PREHEAT,
        en=f"Pre-heat: {en(power_w)} W for {en(minutes, '.3g')} min on the ground before "
        f"take-off, drawn from the pack ({en(energy_wh, '.1f')} Wh) and warming it; endurance "
        "counts from take-off.",
        de=f"Vorheizen: {de(power_w)} W für {de(minutes, '.3g')} min am Boden vor dem Start, "
        f"aus dem Pack gespeist ({de(energy_wh, '.1f')} Wh) und ihn wärmend; die Flugzeit "
        "zählt ab dem Start.",
        values={"heater_power_w": power_w, "heater_duration_s": duration_s},
    )


def temperature_limits(setup: FlightSetup) -> Assumption:
    settings, chemistry = setup.settings, setup.cell.chemistry
    low_c, high_c = limits_c(settings, chemistry)
    set_low = settings.min_temperature_c is not None
    set_high = settings.max_temperature_c is not None
    datasheet_en, datasheet_de = "the datasheet's discharge limit", "Entladegrenze laut Datenblatt"
    return Assumption(
        AssumptionKey.TEMPERATURE_LIMITS,
        en=f"Cell temperature limits: the run stops when the hottest cell passes "
        f"{en(high_c)} °C ({'set' if set_high else datasheet_en}) or the coldest falls below "
        f"{en(low_c)} °C while discharging ({'set' if set_low else datasheet_en}).",
        de=f"Temperaturgrenzen der Zellen: Der Flug endet, wenn die heißeste Zelle "
        f"{de(high_c)} °C überschreitet ({'vorgegeben' if set_high else datasheet_de}) oder "
        f"die kälteste beim Entladen unter {de(low_c)} °C fällt "
        f"({'vorgegeben' if set_low else datasheet_de}).",
        values={"min_c": low_c, "max_c": high_c, "min_set": set_low, "max_set": set_high},
    )


def initial_charge(setup: FlightSetup) -> Assumption:
    soc = setup.settings.initial_state_of_charge
    percent = f"{en(100 * soc, '.3g')} %"
    percent_de = f"{de(100 * soc, '.3g')} %"
    return Assumption(
        AssumptionKey.INITIAL_CHARGE,
        en=f"The pack starts at {percent} state of charge (of the window between the cut-off "
        "voltages; each design's electrode balance from PyBaMM).",
        de=f"Der Pack startet mit {percent_de} Ladezustand (im Fenster zwischen den "
        "Schlussspannungen; Elektrodenbilanz jedes Designs von PyBaMM).",
        values={"initial_state_of_charge": soc},
    )


def reserve(reserve: float) -> Assumption:
    if reserve <= 0:
        return Assumption(
            AssumptionKey.RESERVE,
            en="No landing reserve: flying the whole profile completes the mission.",
            de="Keine Landereserve: Wer das ganze Profil fliegt, hat die Mission erfüllt.",
            values={"reserve_state_of_charge": 0.0},
        )
    reserve_en, reserve_de = percent(reserve)
    return Assumption(
        AssumptionKey.RESERVE,
        en=f"Landing reserve {reserve_en} state of charge: a flight counts as completed only "
        "when it lands with at least that.",
        de=f"Landereserve {reserve_de} Ladezustand: Ein Flug gilt nur als erfüllt, wenn er mit "
        "mindestens so viel landet.",
        values={"reserve_state_of_charge": reserve},
    )


def atmosphere(setup: FlightSetup, compiled: CompiledFlight | None) -> Assumption:
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
        same = en(low, ".3f") == en(high, ".3f")
        density_en = f": {en(low, '.3f')}" + ("" if same else f" to {en(high, '.3f')}")
        density_de = f": {de(low, '.3f')}" + ("" if same else f" bis {de(high, '.3f')}")
        density_en, density_de = f"{density_en} kg/m³", f"{density_de} kg/m³"
    return Assumption(
        AssumptionKey.ATMOSPHERE,
        en=f"Air density from the ISA pressure at each phase's altitude (ground "
        f"{en(ground_m)} m above sea level) and the ambient, 6.5 K/km colder with height"
        f"{density_en}; still air, no wind.",
        de=f"Luftdichte aus dem ISA-Normdruck in der Höhe jeder Phase (Boden {de(ground_m)} m "
        f"über dem Meer) und der Umgebungstemperatur, 6,5 K/km kälter mit der Höhe"
        f"{density_de}; ruhende Luft, kein Wind.",
        values=values,
    )
