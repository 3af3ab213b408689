"""The domain's English messages in German (ui.text.messages_de): real messages, made by giving the
domain bad inputs and flying real (cheap, SPM) missions, translate with no English left."""

from __future__ import annotations

import dataclasses
import re

import pytest

from sortie.cells.pack import Pack
from sortie.errors import SortieError
from sortie.models.flight import fly
from sortie.models.flight_plan import compile_plan
from sortie.models.result import SOLVER_NOTE_TEXTS, SolverNote, solver_note_text
from sortie.models.settings import ModelKind, SimulationSettings
from sortie.presets import load_cell, load_drone, load_mission
from sortie.presets.loader import (
    cell_from_data,
    changed,
    changed_cell,
    mission_from_dict,
    parse_toml,
)
from sortie.studies.setup import assemble
from ui.text.messages_de import CATALOGUE, german, german_number

# Words that are German (or the same in both languages) and may stay: units, model and
# parameter-set names, file kinds, and words German shares with English.
NEUTRAL = {
    "in", "an", "so", "am", "um", "bis", "was", "man", "hat", "also", "die", "der", "den",
    "war", "will", "best", "start", "test", "phase", "mission", "format", "design", "plan",
    "name", "rotor", "rotoren", "drone", "material", "model", "modell", "solver", "input",
    "min", "max", "pack", "ah", "wh", "kg", "mm", "ml", "nan", "bpx", "json", "toml", "csv",
    "utf", "ocp", "pybamm", "dfn", "spm", "spme", "sortie", "dask", "layout", "transition",
    "segment", "segments", "cell", "header", "volume", "particle", "or", "und", "text",
    "maximum", "positive", "negative", "standard", "extrapolation", "separator",
}


def _english_words() -> set[str]:
    """Every word of the catalogue's English patterns (the domain's own English)."""
    words: set[str] = set()
    for pattern, _ in CATALOGUE:
        literal = re.sub(r"\(\?P<\w+>[^)]*\)|\\.|\[[^\]]*\]|\(\?:[^)]*\)", " ", pattern)
        words.update(w.lower() for w in re.findall(r"[A-Za-z]{2,}", literal))
    return words - NEUTRAL


ENGLISH_WORDS = _english_words()


def english_left(text: str) -> list[str]:
    """The English words of ``text``; tokens with digits, dots, dashes, underscores or
    slashes are ids, file names or field names and are skipped, and so is quoted text."""
    unquoted = re.sub(r"'[^']*'|„[^“]*“|\([^()]*\.toml\)", " ", text)
    found = []
    for token in unquoted.split():
        word = token.strip(",.;:()[]!?\"'")
        if not word or re.search(r"[\d._/\\-]", word):
            continue
        if word.lower() in ENGLISH_WORDS:
            found.append(word)
    return found


def _raised(action) -> str:
    with pytest.raises(SortieError) as caught:
        action()
    return str(caught.value)


def _real_messages() -> list[str]:
    """Messages the domain really gives, for inputs a visitor can make."""
    plan = load_mission("quad-isr-loiter")
    quad = load_drone("isr-quad")
    wing = load_drone("fixed-wing-isr")
    m50 = load_cell("lg-m50-21700")
    found = [
        _raised(lambda: load_mission("no-such-mission")),
        _raised(lambda: load_cell("no-such-cell")),
        _raised(lambda: parse_toml("a = [", "upload.toml")),
        _raised(lambda: changed(plan, {"phases.2.duration_s": -5.0}, "mission quad-isr-loiter")),
        _raised(lambda: changed(plan, {"phases.1.speed_m_per_s": "fast"}, "invalid input")),
        _raised(lambda: changed(quad, {"payload_kg": -1.0, "rotors.rotor_count": 0}, "drone x")),
        _raised(lambda: changed(quad, {"kind": "balloon"}, "drone x")),
        _raised(lambda: changed(quad, {"colour": "red"}, "drone x")),
        _raised(lambda: compile_plan(load_mission("fixed-wing-patrol"), quad, 900.0)),
        _raised(
            lambda: compile_plan(
                changed(plan, {"phases.2.payload_drop_kg": 3.0}, "plan"), quad, 0.3
            )
        ),
        _raised(lambda: compile_plan(plan, wing, 0.5)),
        _raised(
            lambda: compile_plan(
                changed(load_mission("fixed-wing-patrol"), {"phases.2.speed_m_per_s": 5.0}, "p"),
                wing,
                2.0,
            )
        ),
        _raised(lambda: mission_from_dict({"id": "x", "name": "x", "description": ""}, "my.toml")),
        _raised(
            lambda: mission_from_dict(
                {"id": "x", "name": "x", "description": "", "phases": [{"name": "a"}]}, "my.toml"
            )
        ),
        _raised(lambda: changed_cell(m50, {"positive_electrode_porosity": 1.5}, "cell m50")),
        _raised(lambda: changed_cell(m50, {"format": "99999"}, "cell m50")),
        _raised(lambda: cell_from_data({"id": "x", "name": "x"}, "mine.toml")),
    ]
    # A thin anode: the budget's N/P warning.
    thin = changed_cell(m50, {"negative_electrode_thickness_um": 40.0}, "cell m50")
    found.extend(thin.budget.warnings)
    found.extend(m50.chemistry.fidelity.warnings)
    found.extend(load_cell("sodium-ion-18650").chemistry.fidelity.warnings)
    found.extend(SOLVER_NOTE_TEXTS.values())
    return found


def _flown_messages() -> list[str]:
    """Termination messages and warnings of real (SPM) flights: completed, reserve missed,
    a sodium-ion cell past its tables (extrapolation)."""
    settings = SimulationSettings(model=ModelKind.SPM)
    plan = load_mission("quad-isr-loiter")
    drone = load_drone("isr-quad")
    cell = load_cell("lg-m50-21700")
    found = []
    for parallel in (2, 1):
        pack = Pack(series_count=6, parallel_count=parallel)
        setup = assemble(cell, pack, plan, drone, settings)
        summary = fly(setup).result.summary
        found.extend([summary.termination_message, *summary.warnings])
    sodium = assemble(
        load_cell("sodium-ion-18650"),
        Pack(series_count=6, parallel_count=1),
        load_mission("fpv-strike-sprint"),
        load_drone("fpv-strike"),
        settings,
    )
    summary = fly(sodium).result.summary
    found.extend([summary.termination_message, *summary.warnings])
    return found


def test_real_messages_translate_with_no_english_left():
    messages = _real_messages()
    assert len(messages) >= 20
    offenders = {m: (german(m), english_left(german(m))) for m in messages}
    offenders = {m: v for m, v in offenders.items() if v[1]}
    assert not offenders, "\n".join(f"{m}\n  -> {d}  {w}" for m, (d, w) in offenders.items())


@pytest.mark.slow
def test_messages_of_real_flights_translate_with_no_english_left():
    messages = _flown_messages()
    texts = " ".join(messages)
    assert "While solving" not in texts  # PyBaMM's own words never reach a summary
    offenders = [(m, german(m)) for m in messages if english_left(german(m))]
    assert not offenders, offenders


def test_english_word_list_catches_english():
    # The check itself: a message left in English is caught.
    assert english_left("cell voltage reached the cut-off")
    assert not english_left(german("cell voltage reached the cut-off"))


def test_numbers_get_a_decimal_comma_and_names_their_german_name():
    text = german("take-off mass 12.53 kg exceeds the drone's maximum 6.00 kg")
    assert "12,53 kg" in text and "6,00 kg" in text
    assert german_number("1,000,000") == "1 000 000" and german_number("lg-m50") == "lg-m50"
    limit = german("the cell at row 1, column 2 reached 60 °C in 'hover on station'")
    assert "Schweben über dem Einsatzort" in limit


def test_validation_messages_name_fields_by_their_labels():
    text = german(
        "mission quad-isr-loiter: phases.2.duration_s: Input should be greater than 0"
    )
    assert text == "Mission quad-isr-loiter: Phase 3 › Dauer [s]: muss größer als 0 sein"


def test_pybamm_warnings_become_our_sentence():
    raw = "While solving Doyle-Fuller-Newman model extrapolation occurred for ['U_n lower bound']"
    assert solver_note_text(raw) == SOLVER_NOTE_TEXTS[SolverNote.EXTRAPOLATION]
    assert "Extrapolation" in german(raw) and "While" not in german(raw)


def test_solver_warnings_of_a_real_run_are_our_sentences():
    import warnings

    import pybamm

    from sortie.engine.outputs import warning_texts as _warning_texts

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # PyBaMM's own extrapolation warning, as its solvers raise it.
        warnings.warn(
            "While solving SPM extrapolation occurred for ['U_n lower bound']",
            pybamm.SolverWarning,
            stacklevel=1,
        )
    assert _warning_texts(caught) == (SOLVER_NOTE_TEXTS[SolverNote.EXTRAPOLATION],)


def test_a_copy_keeps_working_for_changed_objects():
    plan = load_mission("quad-isr-loiter")
    edited = dataclasses.replace(plan, name="mine")
    assert edited.name_de == plan.name_de


def _designer_messages() -> list[str]:
    """What the cell designer and capacity matching really say: the design changes of real
    edits (a thicker coating, fewer layers, a thicker pouch, a smaller stated area), the stack
    that does not fit, and targets that do not fit."""
    from sortie.cells.design_edits import DesignField, describe_changes, stack_overflow
    from sortie.cells.matching import CapacityMatchError, match_capacity

    pouch = load_cell("nmc532-pouch-mohtat2020")
    lfp = load_cell("lfp-18650-2ah")
    m50 = load_cell("lg-m50-21700")
    found = []
    overflow = stack_overflow(pouch.design, {DesignField.POSITIVE_COATING: 72.0})
    found.append(overflow.message)
    for option in overflow.options:
        edited = load_cell(pouch.id, {"positive_electrode_thickness_um": 72.0, **option.overrides})
        found.extend(describe_changes(pouch.design, edited.design))
    area = stack_overflow(lfp.design, {DesignField.POSITIVE_COATING: 150.0})
    found.append(area.message)
    smaller = load_cell(
        lfp.id, {"positive_electrode_thickness_um": 150.0, **area.options[0].overrides}
    )
    found.extend(describe_changes(lfp.design, smaller.design))
    porous = load_cell(m50.id, {"negative_electrode_porosity": 0.3, "separator_thickness_um": 9})
    found.extend(describe_changes(m50.design, porous.design))
    for target_ah in (100.0, 0.5, -1.0, 1e6):
        try:
            match_capacity(m50.design, m50.chemistry, target_ah)
        except CapacityMatchError as error:
            found.append(str(error))
    pouch_format = load_cell("lco-pouch-ai2020")
    try:
        match_capacity(pouch_format.design, pouch_format.chemistry, 0.01)
    except CapacityMatchError as error:
        found.append(str(error))
    return found


def _flight_log_messages() -> list[str]:
    """A flight log's notes and errors: repeated time stamps merged, a gap, power logged as
    negative."""
    from sortie.errors import InputError
    from sortie.models.flight_log_csv import read_flight_log

    rows = "\n".join(f"{t},{100 + t}" for t in (0, 1, 1, 2, 3, 3, 4, 5, 6, 7))
    merged = read_flight_log(f"time_s,power_w\n{rows}\n".encode(), name="log.csv")
    single = read_flight_log(b"time_s,power_w\n0,100\n1,100\n1,120\n2,100\n", name="one.csv")
    found = [*merged.notes, *single.notes]
    for text in (
        "time_s,power_w\n" + "\n".join(f"{t},100" for t in (*range(20), 500)) + "\n",
        "time_s,power_w\n" + "\n".join(f"{t},-100" for t in range(10)) + "\n",
    ):
        with pytest.raises(InputError) as caught:
            read_flight_log(text.encode(), name="bad.csv")
        found.append(str(caught.value))
    return found


def test_designer_and_flight_log_messages_translate_with_no_english_left():
    messages = _designer_messages() + _flight_log_messages()
    assert len(messages) >= 16, messages
    untranslated = [m for m in messages if german(m) == m]
    assert not untranslated, untranslated
    # "Pouch" is the German word too.
    offenders = {m: german(m) for m in messages if set(english_left(german(m))) - {"Pouch"}}
    left = re.compile(
        r"\b(?:coating|was|layers|pouch|thick|area|repeated|merged|gap|steps|power|"
        r"flip|needs|fills|times|of the|does not fit)\b"
    )
    offenders.update({m: german(m) for m in messages if left.search(german(m))})
    assert not offenders, "\n".join(f"{m}\n  -> {d}" for m, d in offenders.items())


def test_design_changes_read_as_the_designer_labels_them():
    assert german("positive coating 72 µm (was 67 µm)") == "Kathodenschicht 72 µm (vorher 67 µm)"
    assert german("negative porosity 0.3 (was 0.25)") == "Porosität Anode 0,3 (vorher 0,25)"
    assert german("11 cathode layers (was 12)") == "11 Kathodenlagen (vorher 12)"
    assert german("pouch 4.52 mm thick (was 4.40 mm)") == "Pouch 4,52 mm dick (vorher 4,40 mm)"
    assert german("electrode area 0.0650 m² (was 0.0896 m²)") == (
        "Elektrodenfläche 0,0650 m² (vorher 0,0896 m²)"
    )


def test_format_names_in_german():
    from ui.text.messages_de import format_name_de

    assert format_name_de("pouch 56 x 52 x 6.5 mm") == "Pouch 56 × 52 × 6,5 mm"
    assert format_name_de("PHEV2 prismatic") == "PHEV2 (prismatisch)"
    assert format_name_de("21700") == "21700" and format_name_de("SLPB 75106100") == (
        "SLPB 75106100"
    )


def test_a_negative_log_hint_is_not_the_solver_hint():
    text = german(
        "log.csv, row 3: negative power -5 W; regeneration (charging in flight) is not "
        "supported; most rows are negative: if the log counts discharge as negative, flip the "
        "sign"
    )
    assert "SPMe" not in text and "Vorzeichen umkehren" in text
