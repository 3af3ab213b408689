"""The pack's assumptions: its layout (a balanced pack), where its mass comes from, its
interconnect."""

from __future__ import annotations

from sortie.cells.pack import DEFAULT_MASS_OVERHEAD_FRACTION, PackMassSource
from sortie.models.flight import FlightSetup
from sortie.studies.assumptions.item import Assumption, AssumptionKey
from sortie.studies.assumptions.wording import (
    de,
    en,
    percent,
)


def layout(setup: FlightSetup) -> Assumption:
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


def mass(setup: FlightSetup) -> Assumption:
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
        share_en, share_de = percent(fraction)
        return Assumption(
            AssumptionKey.PACK_MASS,
            en=f"Pack mass {en(mass_kg, '.3f')} kg as weighed (pinned): the cells "
            f"{en(cells_kg, '.3f')} kg plus {share_en} for strips, BMS, leads and wrap.",
            de=f"Packmasse {de(mass_kg, '.3f')} kg wie gewogen (fest vorgegeben): die Zellen "
            f"{de(cells_kg, '.3f')} kg plus {share_de} für Verbinder, BMS, Kabel und Hülle.",
            values=values,
        )
    origin = _overhead_origin(setup)
    return Assumption(
        AssumptionKey.PACK_MASS,
        en=f"Pack mass {en(mass_kg, '.3f')} kg = the cells {en(cells_kg, '.3f')} kg x (1 + "
        f"{en(fraction)}) for strips, BMS, leads and wrap ({_ORIGIN_EN[origin]}).",
        de=f"Packmasse {de(mass_kg, '.3f')} kg = die Zellen {de(cells_kg, '.3f')} kg x (1 + "
        f"{de(fraction)}) für Verbinder, BMS, Kabel und Hülle ({_ORIGIN_DE[origin]}).",
        values={**values, "overhead_from": origin},
    )


def interconnect(setup: FlightSetup) -> Assumption:
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
        en=f"Interconnect {en(milliohm, '.1f')} mOhm for the whole pack (strips, welds, leads, "
        f"connector, BMS switches; {_ORIGIN_EN['drone' if from_drone else 'set']}): its I²R "
        "loss comes from the cells and heats them; the voltage cut-off stays at the cells' own "
        "terminals.",
        de=f"Verbindungen {de(milliohm, '.1f')} mOhm für den ganzen Pack (Zellverbinder, "
        f"Schweißpunkte, Kabel, Stecker, BMS-Schalter; "
        f"{_ORIGIN_DE['drone' if from_drone else 'set']}): Ihr I²R-Verlust kommt aus den "
        "Zellen und erwärmt sie; die Entladeschlussspannung gilt an den Zellen selbst.",
        values={"resistance_ohm": resistance_ohm, "from_drone": from_drone},
    )
