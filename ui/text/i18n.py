"""English and German. Texts are written in both languages where they are used: ``tr(en, de)``.

The language lives in the session (``st.session_state["lang"]``), starts from the URL's
``lang`` parameter, and is switched in the sidebar. Everything the explorer composes itself is
translated with ``tr``; domain objects (presets) give their German texts through
:func:`localized` and friends, domain messages (errors, termination messages, warnings) through
:func:`message` (:mod:`ui.text.messages_de`), numbers through :func:`number` and
:func:`format_table` / :func:`styled_table`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import StrEnum

import pandas as pd
import streamlit as st

from sortie.cells.chemistry import Chemistry, Fidelity
from sortie.models.flight_log import phase_word
from sortie.models.mission import FlightPhase
from sortie.models.result import TerminationReason
from ui.text import messages_de


class Language(StrEnum):
    EN = "en"
    DE = "de"


LANGUAGE_NAMES = {Language.EN: "English", Language.DE: "Deutsch"}
STATE_KEY = "lang"


def language() -> Language:
    if STATE_KEY not in st.session_state:
        requested = st.query_params.get(STATE_KEY, Language.EN.value)
        st.session_state[STATE_KEY] = (
            requested if requested in Language._value2member_map_ else Language.EN.value
        )
    return Language(st.session_state[STATE_KEY])


def tr(english: str, german: str) -> str:
    """The text in the session's language."""
    return german if language() is Language.DE else english


def language_switch() -> None:
    """The sidebar's language choice; kept in the URL so a shared link keeps it."""
    language()
    st.sidebar.radio(
        "Language / Sprache",
        [lang.value for lang in Language],
        format_func=lambda v: LANGUAGE_NAMES[Language(v)],
        key=STATE_KEY,
        horizontal=True,
    )
    if st.session_state[STATE_KEY] == Language.EN.value:
        st.query_params.pop(STATE_KEY, None)
    else:
        st.query_params[STATE_KEY] = st.session_state[STATE_KEY]


_REASONS_DE = {
    TerminationReason.END_OF_PROFILE: "Mission vollständig geflogen",
    TerminationReason.VOLTAGE_CUTOFF: "Entladeschlussspannung erreicht",
    TerminationReason.TEMPERATURE_LIMIT: "Temperaturgrenze überschritten",
    TerminationReason.COLD_LIMIT: "Zelle unter ihrer Mindesttemperatur",
    TerminationReason.MODEL_LIMIT: "Gültigkeitsgrenze des Modells erreicht",
    TerminationReason.SOLVER_FAILURE: "Rechnung abgebrochen (Solver)",
}
# One German name per phase, kept where the log sentences' words are (messages_de has no
# Streamlit, so it cannot import this module).
_PHASES_DE = {p: messages_de.LOG_PHASE_WORDS_DE[phase_word(p)] for p in FlightPhase}


def reason_text(reason: str) -> str:
    value = TerminationReason(reason)
    return _REASONS_DE[value] if language() is Language.DE else value.value


def phase_text(phase: str) -> str:
    try:
        value = FlightPhase(phase)
    except ValueError:
        return phase
    return _PHASES_DE[value] if language() is Language.DE else value.value


def number(value: float, decimals: int = 0) -> str:
    """Decimal comma in German."""
    text = f"{value:,.{decimals}f}"
    if language() is Language.DE:
        text = text.replace(",", " ").replace(".", ",")
    return text


# --- German texts of domain objects and messages ------------------------------------------
# Pages call these instead of reading ``.name`` / ``.description`` / a message directly.


def german_mode() -> bool:
    return language() is Language.DE


def localized(obj: object, field: str = "name") -> str:
    """``obj.<field>`` in the session's language: in German ``obj.<field>_de`` where the
    object has a non-empty one (presets do; a user's file may not), else the English."""
    english = str(getattr(obj, field, "") or "")
    if german_mode():
        german = getattr(obj, f"{field}_de", "")
        if german:
            return str(german)
        if field == "name" and english:
            return messages_de.name_de(english)
    return english


def name_of(obj: object) -> str:
    """The name of a mission, flight plan, drone, cell, chemistry or preset entry."""
    return localized(obj, "name")


def description_of(obj: object) -> str:
    """The description of a mission, flight plan, drone, cell or preset entry."""
    return localized(obj, "description")


def phase_name(item: object) -> str:
    """The name of a segment, phase or flown phase (or an English segment name, e.g. from a
    time series' ``segment`` column) in the session's language."""
    if isinstance(item, str):
        return messages_de.name_de(item) if german_mode() else item
    return localized(item, "name")


def segment_names(mission: object) -> list[str]:
    """Each segment's name of a mission in the session's language (plot labels)."""
    return [phase_name(segment) for segment in getattr(mission, "segments", ())]


def fidelity_notes(chemistry: Chemistry) -> str:
    """A chemistry's fidelity notes in the session's language."""
    fidelity = chemistry.fidelity
    if german_mode() and fidelity.notes_de:
        return fidelity.notes_de
    return fidelity.notes


def fidelity_warnings(fidelity: Fidelity) -> tuple[str, ...]:
    """Fidelity warnings (a chemistry's, or a cell's as flown) in the session's language."""
    return fidelity.warnings_de if german_mode() else fidelity.warnings


def message(text: str) -> str:
    """A domain message (an error's line, a termination message, a warning or note) in the
    session's language (see :mod:`ui.text.messages_de`)."""
    return messages_de.german(text) if german_mode() else text


def format_name(name: str) -> str:
    """A cell format's name ("pouch 56 x 52 x 6.5 mm", "PHEV2 prismatic") in the session's
    language."""
    return messages_de.format_name_de(name) if german_mode() else name


def format_value(value: object, decimals: int) -> str:
    """One table cell: a number with ``decimals`` places (decimal comma in German), anything
    else (text, NaN as "–") as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if math.isnan(value):
        return "–"
    return number(float(value), decimals)


def format_table(frame: pd.DataFrame, decimals_by_column: Mapping[str, int]) -> pd.DataFrame:
    """A copy of ``frame`` with the named columns as text in the session's number format
    (``{"Mass [kg]": 2}`` -> "2,48" in German). For ``st.table``, markdown and exports; for
    ``st.dataframe`` prefer :func:`styled_table`, which keeps the numbers (and sorting)."""
    shown = frame.copy()
    for column, decimals in decimals_by_column.items():
        if column in shown.columns:
            shown[column] = [format_value(value, decimals) for value in shown[column]]
    return shown


def styled_table(frame: pd.DataFrame, decimals_by_column: Mapping[str, int]):
    """``frame`` as a pandas Styler that shows the named columns with their decimals in the
    session's number format; ``st.dataframe`` shows a Styler's display values and still
    sorts by the numbers. (Streamlit's own ``column_config`` "localized" format follows the
    browser's locale, not the session's language.)"""
    german = german_mode()
    styler = frame.style
    for column, decimals in decimals_by_column.items():
        if column in frame.columns:
            styler = styler.format(
                precision=decimals,
                decimal="," if german else ".",
                thousands=" " if german else ",",
                na_rep="–",
                subset=[column],
            )
    return styler


# --- appended for the compare page --------------------------------------------------------


def shown_name(english: str) -> str:
    """A name as a summary, a time series or a flight holds it (in English: a preset's
    mission, phase or cell, a segment the domain made such as "sample 3" or a flight log's
    "log 0-10 s") in the session's language; a user's own name stays as it is."""
    return messages_de.segment_name_de(english) if german_mode() else english
