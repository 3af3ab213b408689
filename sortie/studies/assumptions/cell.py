"""The cell's assumptions: the model and parameter set it is flown with, and the caveats of a
catalogue cell."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import version

from sortie.cells.chemistry import Provenance
from sortie.models.flight import FlightSetup
from sortie.models.mission import Segment
from sortie.models.settings import ModelKind
from sortie.studies.assumptions.item import Assumption, AssumptionKey
from sortie.studies.assumptions.wording import de, en

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


def model(setup: FlightSetup) -> Assumption:
    cell, chemistry, model = setup.cell, setup.cell.chemistry, setup.settings.model
    fidelity = cell.fidelity
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


def catalogue_caveats(setup: FlightSetup) -> Assumption | None:
    """The catalogue's own caveats (written in English only: quoted as they are)."""
    caveats = [*setup.cell.fidelity.caveats, *setup.cell.budget.warnings]
    if not caveats:
        return None
    quoted = "; ".join(caveats)
    return Assumption(
        AssumptionKey.CATALOGUE_CAVEATS,
        en=f"Caveats for {setup.cell.name}: {quoted}.",
        de=f"Hinweise zu {setup.cell.name} (im Katalog englisch): {quoted}.",
        values={"caveats": caveats},
    )


def calibrated_range(setup: FlightSetup, segments: Sequence[Segment] | None) -> Assumption | None:
    """A calibrated cell's range (what its measurements covered) against this flight: its
    ambients and its highest cell power as an energy rate (cell power / cell energy, about
    the C-rate). Beyond the range the flight is extrapolated: said, not refused. None for a
    cell that was not calibrated."""
    covered = setup.cell.design.calibrated_range
    if covered is None:
        return None
    values: dict = {
        "fitted_to": covered.fitted_to,
        "max_c_rate": covered.max_c_rate,
        "min_ambient_c": covered.min_ambient_c,
        "max_ambient_c": covered.max_ambient_c,
    }
    range_en = (
        f"up to {en(covered.max_c_rate)}C, {en(covered.min_ambient_c)} to "
        f"{en(covered.max_ambient_c)} °C"
    )
    range_de = (
        f"bis {de(covered.max_c_rate)}C, {de(covered.min_ambient_c)} bis "
        f"{de(covered.max_ambient_c)} °C"
    )
    beyond_en, beyond_de = [], []
    if segments:
        cells = setup.pack.series_count * setup.pack.parallel_count
        rate = max(s.power_w for s in segments) / cells / setup.cell.budget.energy_wh
        ambients = [
            setup.settings.ambient_c
            if setup.settings.ambient_c is not None
            else setup.mission.ambient_c
            if s.ambient_c is None
            else s.ambient_c
            for s in segments
        ]
        values.update(
            flight_max_c_rate=round(rate, 2), flight_ambients_c=[min(ambients), max(ambients)]
        )
        if rate > covered.max_c_rate:
            beyond_en.append(f"about {en(rate, '.1f')}C at its peak")
            beyond_de.append(f"etwa {de(rate, '.1f')}C in der Spitze")
        if min(ambients) < covered.min_ambient_c or max(ambients) > covered.max_ambient_c:
            low, high = min(ambients), max(ambients)
            span_en = en(low) if low == high else f"{en(low)} to {en(high)}"
            span_de = de(low) if low == high else f"{de(low)} bis {de(high)}"
            beyond_en.append(f"{span_en} °C ambient")
            beyond_de.append(f"{span_de} °C Umgebung")
    values["beyond"] = bool(beyond_en)
    verdict_en = (
        f" This flight goes beyond it ({', '.join(beyond_en)}): extrapolated."
        if beyond_en
        else " This flight stays inside it."
        if segments
        else ""
    )
    verdict_de = (
        f" Dieser Flug geht darüber hinaus ({', '.join(beyond_de)}): extrapoliert."
        if beyond_de
        else " Dieser Flug bleibt darin."
        if segments
        else ""
    )
    return Assumption(
        AssumptionKey.CALIBRATED_RANGE,
        en=f"{setup.cell.name} is calibrated to measurements ({covered.fitted_to}): "
        f"{range_en}.{verdict_en}",
        de=f"{setup.cell.name} ist an Messungen kalibriert ({covered.fitted_to}): "
        f"{range_de}.{verdict_de}",
        values=values,
    )
