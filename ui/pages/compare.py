"""Compare cells on a mission: pick a mission and a drone, several cells and a pack, press one
button, read a verdict per cell and see the trade-offs."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from sortie.errors import SortieError
from sortie.studies.comparison import compiled_of
from sortie.studies.scenario import (
    Scenario,
    TradeOff,
    from_query,
    plots_from_query,
    scenario_from_dict,
    scenario_key,
    trade_offs,
)
from ui.figures import charts
from ui.guard import USER_ERRORS, user_message
from ui.pages.compare_inputs import TRADEOFFS, cell_names, inputs, open_plots, share
from ui.state import session
from ui.text.i18n import (
    format_table,
    german_mode,
    language,
    name_of,
    shown_name,
    tr,
)
from ui.widgets import results
from ui.widgets.number_field import blocked_notice


def render() -> None:
    st.title(tr("Compare cells on a mission", "Zellen auf einer Mission vergleichen"))
    _first_visit()
    # Before any widget of this page: a loaded view, an uploaded or designed cell.
    session.apply_pending()
    left, right = st.columns([1, 2], gap="large")
    with left:
        scenario, blocked = inputs()
    with right:
        if blocked:
            # No verdict, not even the last one: it was flown with values no longer shown.
            blocked_notice()
            return
        if scenario is None:
            return
        _profile(scenario)
        compared = st.session_state.get(session.COMPARED)
        if compared is None:
            st.info(
                tr(
                    "Choose a mission and cells, then press **Compare**.",
                    "Mission und Zellen wählen, dann **Vergleichen** drücken.",
                )
            )
            return
        shown = scenario_from_dict(json.loads(compared))
        if scenario_key(scenario) != compared:
            st.info(
                tr(
                    "The inputs changed since this comparison: press **Compare** to update.",
                    "Die Eingaben haben sich geändert: **Vergleichen** drücken.",
                )
            )
        _results(shown, cell_names(shown), scenario)


def _first_visit() -> None:
    """A shared link (or nothing: the default view) sets the inputs once per session."""
    state = st.session_state
    if state.get("compare_ready"):
        return
    state["compare_ready"] = True
    query = {k: st.query_params.get_all(k) for k in st.query_params}
    try:
        plots = plots_from_query(query)
    except SortieError as error:  # the view itself still opens
        st.warning(
            tr(
                f"This link's plots cannot be opened: {error}",
                f"Die Diagramme dieses Links lassen sich nicht öffnen: {user_message(error)}",
            )
        )
        plots = ()
    try:
        shared = from_query(query)
    except SortieError as error:
        st.error(
            tr(
                f"This link cannot be opened: {error}",
                f"Dieser Link lässt sich nicht öffnen: {user_message(error)}",
            )
        )
        shared = None
    if shared is not None:
        try:
            session.apply_scenario(shared, cell_names(shared), plots=plots)
            return
        except USER_ERRORS as error:
            st.error(user_message(error))
    default = scenario_from_dict(session.DEFAULT_SCENARIO)
    session.apply_scenario(default, cell_names(default), compared=False)


def _profile(scenario: Scenario) -> None:
    flown = compiled_of(scenario, 0)
    phases = flown.phase_table()
    compared = st.session_state.get(session.COMPARED) is not None
    title = tr("Power profile", "Leistungsprofil") + f": {_mission_name(flown.mission)}"
    with st.expander(title, expanded=not compared):
        st.plotly_chart(charts.profile_figure(flown.mission, language()), width="stretch")
        if phases is not None:
            # As text (not a Styler): the grid's accessible cells and a copy hold exactly
            # what it shows ("2,48"); a Styler's decimal comma is on the canvas only.
            decimals = _phase_decimals()
            st.dataframe(
                format_table(_phase_display(phases), decimals),
                hide_index=True,
                width="stretch",
                column_config={
                    column: st.column_config.TextColumn(alignment="right") for column in decimals
                },
            )
            st.caption(
                tr(
                    "Masses and powers for the first cell's pack.",
                    "Massen und Leistungen für den Akku der ersten Zelle.",
                )
            )


def _mission_name(mission) -> str:
    """The flown mission's name in the session's language (its own German name, or the one
    the domain gives a name it made, e.g. a flight log's)."""
    name = name_of(mission)
    return shown_name(mission.name) if name == mission.name else name


def _phase_decimals() -> dict[str, int]:
    """Decimals of the phase table's number columns (named in the session's language)."""
    return {
        tr("Duration [s]", "Dauer [s]"): 0,
        tr("Mass [kg]", "Masse [kg]"): 2,
        tr("Altitude [m]", "Höhe [m]"): 0,
        tr("Speed [m/s]", "Geschw. [m/s]"): 1,
        tr("Pack power [W]", "Akkuleistung [W]"): 0,
    }


def _phase_display(phases: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            tr("Phase", "Phase"): phases["phase_de" if german_mode() else "phase"],
            tr("Duration [s]", "Dauer [s]"): phases["duration_s"].round(0),
            tr("Mass [kg]", "Masse [kg]"): phases["mass_kg"].round(2),
            tr("Altitude [m]", "Höhe [m]"): phases["altitude_m"].round(0),
            tr("Speed [m/s]", "Geschw. [m/s]"): phases["speed_m_per_s"].round(1),
            tr("Pack power [W]", "Akkuleistung [W]"): phases["pack_power_w"].round(0),
        }
    )


def _requested_plots(key: str) -> set[TradeOff]:
    """The trade-off plots a link or a view asked to open with the comparison ``key`` (asked
    once: taken from the session)."""
    requested = st.session_state.pop(session.REQUESTED_PLOTS, None)
    if not requested or requested.get("scenario") != key:
        return set()
    return set(trade_offs(requested.get("plots", []), "plots"))


def _results(scenario: Scenario, names: list[str], inputs: Scenario) -> None:
    """The comparison of ``scenario`` (the one last compared); ``inputs`` is the scenario the
    inputs spell now (the address bar shares it, with the plots open for it)."""
    outcomes = results.fly_all(scenario, names)
    figures = results.comparison(scenario, names, outcomes)
    st.subheader(tr("Trade-offs", "Zielkonflikte"))
    key = scenario_key(scenario)
    store = st.session_state.setdefault(TRADEOFFS, {})
    requested = _requested_plots(key)
    columns = st.columns(2)
    ragone = columns[0].button(
        tr("Ragone plot", "Ragone-Diagramm"),
        icon=":material/scatter_plot:",
        key="ragone",
        width="stretch",
    )
    sweep = columns[1].button(
        tr("Endurance from -30 to +50 °C", "Flugzeit von -30 bis +50 °C"),
        icon=":material/thermostat:",
        key="ambient_sweep",
        width="stretch",
    )
    if ragone or (TradeOff.RAGONE in requested and (TradeOff.RAGONE, key) not in store):
        store[(TradeOff.RAGONE.value, key)] = results.ragone(scenario, names)
    if sweep or (TradeOff.AMBIENT in requested and (TradeOff.AMBIENT, key) not in store):
        store[(TradeOff.AMBIENT.value, key)] = results.ambient_sweep(scenario, names)
    for kind, heading in (
        (TradeOff.RAGONE, tr("Ragone plot at 25 °C", "Ragone-Diagramm bei 25 °C")),
        (
            TradeOff.AMBIENT,
            tr("Endurance across ambient temperature", "Flugzeit über der Umgebungstemperatur"),
        ),
    ):
        figure = store.get((kind.value, key))
        if figure is not None:
            st.markdown(f"**{heading}**")
            st.plotly_chart(figure, width="stretch")
            figures.append((heading, figure))
    if ragone or sweep or requested:
        share(inputs, open_plots(inputs))  # the address bar was written before the click
    st.subheader(tr("Export and share", "Export und Teilen"))
    results.exports(scenario, names, outcomes, figures, open_plots(scenario))
    st.caption(
        tr(
            "The address bar holds this view: copy it to share.",
            "Die Adresszeile enthält diese Ansicht: zum Teilen kopieren.",
        )
    )
