"""English and German. Texts are written in both languages where they are used: ``tr(en, de)``.

The language lives in the session (``st.session_state["lang"]``), starts from the URL's
``lang`` parameter, and is switched in the sidebar. Domain messages (a solver's or a file's
one-line error) stay in English; everything the explorer composes itself is translated.
"""

from __future__ import annotations

from enum import StrEnum

import streamlit as st

from sortie.models.mission import FlightPhase
from sortie.models.result import TerminationReason


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
_PHASES_DE = {
    FlightPhase.GROUND: "Boden",
    FlightPhase.TAKEOFF: "Start",
    FlightPhase.CLIMB: "Steigflug",
    FlightPhase.TRANSIT: "Anflug",
    FlightPhase.CRUISE: "Reiseflug",
    FlightPhase.LOITER: "Kreisen",
    FlightPhase.HOVER: "Schweben",
    FlightPhase.DASH: "Sprint",
    FlightPhase.TRANSITION: "Transition",
    FlightPhase.PAYLOAD_RELEASE: "Nutzlastabwurf",
    FlightPhase.RETURN: "Rückflug",
    FlightPhase.DESCENT: "Sinkflug",
    FlightPhase.LANDING: "Landung",
    FlightPhase.TEST: "Test",
}


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
