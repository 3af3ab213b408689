"""Where a parameter set limits a cell, the catalogue says so, and the numbers it gives are true.

The sodium-ion 18650 stops early on drone missions because of the Chayambuka2022 set itself
(a 3 mAh lab cell's electrolyte and hard carbon), not because Sortie scales it to an 18650:
the scaled cell flies exactly like the unscaled set at the same power per electrode area.
The rate capabilities quoted in chemistries.toml are re-measured in plain PyBaMM here.
"""

import json
import tempfile
import warnings
from dataclasses import asdict

import numpy as np
import pybamm
import pytest
from pydantic import ValidationError

from sortie.cells.chemistry import MAX_CARD_NOTE_CHARS, Chemistry
from sortie.models.flight import fly
from sortie.models.mission import Mission, Segment
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.presets import chemistries, load_cell
from sortie.presets.loader import load_chemistry
from sortie.studies.setup import assemble, built_pack

SODIUM_ID = "nvpf-hc-chayambuka2022"
SET_LIMITED = {SODIUM_ID, "lfp-gr-prada2013"}


def test_set_limited_chemistries_carry_a_card_note_in_both_languages():
    noted = {c.id for c in chemistries().values() if c.card_note_en}
    assert noted == SET_LIMITED
    for chemistry_id in SET_LIMITED:
        chemistry = load_chemistry(chemistry_id)
        for language in ("en", "de"):
            note = chemistry.card_note(language)
            assert 20 < len(note) <= MAX_CARD_NOTE_CHARS
            assert "\n" not in note
        assert chemistry.card_note("en") != chemistry.card_note("de")
    assert load_chemistry("lfp-gr-aboutenergy2022").card_note("de") == ""


def _with(chemistry: Chemistry, **changes) -> Chemistry:
    return Chemistry(**{**asdict(chemistry), **changes})


@pytest.mark.parametrize(
    "changes",
    [
        {"card_note_en": "only English"},
        {"card_note_en": "two\nlines", "card_note_de": "zwei Zeilen"},
        {"card_note_en": "x" * (MAX_CARD_NOTE_CHARS + 1), "card_note_de": "kurz"},
    ],
    ids=["one language", "two lines", "too long"],
)
def test_card_notes_are_checked(changes):
    with pytest.raises(ValidationError):
        _with(load_chemistry("lfp-gr-aboutenergy2022"), **changes)
    with pytest.raises(ValueError, match="language"):
        load_chemistry(SODIUM_ID).card_note("fr")


# --- the numbers behind the notes and caveats (plain PyBaMM, 25 °C) -------------------------

_BPX_SCRATCH = tempfile.TemporaryDirectory(prefix="sortie-test-bpx-")


def _set_values(chemistry: Chemistry) -> pybamm.ParameterValues:
    if chemistry.bpx_json is None:
        values = pybamm.ParameterValues(chemistry.parameter_set)
    else:
        previous, tempfile.tempdir = tempfile.tempdir, _BPX_SCRATCH.name
        try:
            values = pybamm.ParameterValues.create_from_bpx_obj(json.loads(chemistry.bpx_json))
        finally:
            tempfile.tempdir = previous
    values.update(chemistry.parameter_supplement, check_already_exists=False)
    values.set_initial_state(1.0)
    return values


def _catalogue_capacity_ah(chemistry: Chemistry, values: pybamm.ParameterValues) -> float:
    """The catalogue's capacity (positive electrode over its C/20 window) for the set's cell."""
    from sortie.cells.budget import FARADAY_C_PER_MOL

    window = chemistry.positive_stoichiometry_at_empty - chemistry.positive_stoichiometry_at_full
    area_m2 = values["Electrode height [m]"] * values["Electrode width [m]"]
    return float(
        FARADAY_C_PER_MOL
        * chemistry.positive_max_concentration_mol_per_m3
        * values["Positive electrode active material volume fraction"]
        * values["Positive electrode thickness [m]"]
        * window
        * area_m2
        / 3600
    )


def _delivered_fraction(chemistry_id: str, model: str, c_rate: float) -> float:
    """Share of the catalogue capacity a constant-current discharge at ``c_rate`` delivers."""
    chemistry = load_chemistry(chemistry_id)
    values = _set_values(chemistry)
    capacity_ah = _catalogue_capacity_ah(chemistry, values)
    values["Current function [A]"] = c_rate * capacity_ah
    models = {"spme": pybamm.lithium_ion.SPMe, "dfn": pybamm.lithium_ion.DFN}
    end_s = 1.3 * 3600 / c_rate
    simulation = pybamm.Simulation(
        models[model](options={"thermal": "isothermal"}),
        parameter_values=values,
        solver=pybamm.IDAKLUSolver(),
    )
    with warnings.catch_warnings():
        # Chayambuka2022 extrapolates its tables at the end of a discharge (see its caveats).
        warnings.simplefilter("ignore")
        solution = simulation.solve([0, end_s], t_interp=np.linspace(0, end_s, 300))
    assert solution.termination == "event: Minimum voltage [V]"
    return float(solution["Discharge capacity [A.h]"].entries[-1]) / capacity_ah


@pytest.mark.slow
@pytest.mark.parametrize(
    ("chemistry_id", "model", "c_rate", "fraction"),
    [
        # chemistries.toml, nvpf-hc-chayambuka2022 caveats
        (SODIUM_ID, "dfn", 1.0, 0.74),
        (SODIUM_ID, "dfn", 2.0, 0.44),
        (SODIUM_ID, "dfn", 3.0, 0.20),
        (SODIUM_ID, "spme", 2.0, 0.33),
        # lfp-gr-prada2013 caveats and card note
        ("lfp-gr-prada2013", "spme", 1.0, 0.84),
        ("lfp-gr-prada2013", "spme", 3.0, 0.58),
        ("lfp-gr-prada2013", "dfn", 3.0, 0.58),
        # lfp-gr-aboutenergy2022 notes and sources
        ("lfp-gr-aboutenergy2022", "spme", 1.0, 0.954),
        ("lfp-gr-aboutenergy2022", "spme", 3.0, 0.845),
        ("lfp-gr-aboutenergy2022", "dfn", 1.0, 0.954),
        ("lfp-gr-aboutenergy2022", "dfn", 3.0, 0.844),
    ],
)
def test_quoted_rate_capability_is_what_pybamm_gives(chemistry_id, model, c_rate, fraction):
    assert _delivered_fraction(chemistry_id, model, c_rate) == pytest.approx(fraction, abs=0.01)


@pytest.mark.slow
def test_sodium_ion_18650_flies_like_its_lab_cell_at_the_same_power_per_area():
    """The ISR showroom flight per cell (6S4P, 3.3-4.4C): take-off, then transit."""
    cell = load_cell("sodium-ion-18650")
    segments = ((33.3, 13.875), (200.0, 10.297))
    mission = Mission(
        id="isr-per-cell",
        name="ISR take-off and transit, one cell",
        description="",
        segments=tuple(
            Segment(name=f"s{i}", duration_s=d, power_w=p) for i, (d, p) in enumerate(segments)
        ),
    )
    settings = SimulationSettings(model=ModelKind.DFN)
    flown = fly(assemble(cell, built_pack(1, 1), mission, settings=settings)).summary
    assert flown.termination_reason == "voltage cut-off"

    values = pybamm.ParameterValues("Chayambuka2022")
    values.set_initial_state(1.0)
    per_area = (
        values["Electrode height [m]"]
        * values["Electrode width [m]"]
        / (cell.budget.electrode_area_m2)
    )
    experiment = pybamm.Experiment(
        [f"Discharge at {p * per_area:.6g} W for {d} seconds or until 2.0 V" for d, p in segments]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lab = pybamm.Simulation(
            pybamm.lithium_ion.DFN(), parameter_values=values, experiment=experiment
        ).solve()
    assert flown.endurance_s == pytest.approx(lab.t[-1], rel=0.02)
    # It stops with most of its charge left: the set's rate limit, not an empty cell.
    assert flown.final_state_of_charge > 0.8
