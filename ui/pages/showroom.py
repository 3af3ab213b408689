"""Showroom: a few curated scenarios, large type, instant answers from the precomputed cache,
nothing to edit and no error details. ``?mode=showroom`` shows this page alone (kiosk)."""

from __future__ import annotations

import streamlit as st

from sortie.studies.comparison import cell_of, temperature_limit_c
from sortie.studies.scenario import showcases
from ui.figures import charts
from ui.text.i18n import language, name_of, number, tr
from ui.widgets import results

# Projector-sized type for everything on this page.
LARGE_TYPE = """
<style>
.stApp p, .stApp li, .stApp label, .stApp button { font-size: 1.35rem !important; }
.stApp h1 { font-size: 3.2rem !important; }
.stApp h3 { font-size: 2.0rem !important; }
[data-testid="stMetricValue"] { font-size: 2.6rem !important; }
</style>
"""


def render() -> None:
    st.html(LARGE_TYPE)
    st.title(tr("Which cell flies this mission?", "Welche Zelle fliegt diese Mission?"))
    shows = {show.id: show for show in showcases()}
    lang = language().value
    chosen = st.pills(
        tr("Scenario", "Szenario"),
        list(shows),
        format_func=lambda i: shows[i].title[lang],
        default=next(iter(shows)),
        key="showcase",
    )
    if chosen is None:
        return
    show = shows[chosen]
    st.markdown(f"### {show.title[lang]}")
    st.write(show.story[lang])
    scenario = show.scenario
    # Short names for large type: the parameter set in brackets is for the catalogue.
    names = [name_of(cell_of(scenario, i)).split(" (")[0] for i in range(len(scenario.cells))]
    outcomes = results.fly_all(scenario, names, big=True, plain_errors=True)
    flights = [(n, o.value) for n, o in zip(names, outcomes, strict=True) if o.ok]
    if not flights:
        return
    _winner(flights)
    figure = charts.comparison_figure(
        [(n, f.timeseries) for n, f in flights],
        temperature_limit_c(scenario),
        language(),
        flights[0][1].summary.reserve_state_of_charge,
    )
    figure.update_layout(font={"size": 20}, height=1200)
    st.plotly_chart(figure, width="stretch", key=f"show-{chosen}")


def _winner(flights) -> None:
    """The headline: the cell that completes with the most charge left (or flies longest)."""

    def score(item):
        summary = item[1].summary
        return (
            summary.mission_completed,
            summary.final_state_of_charge,
            summary.endurance_s,
        )

    name, flight = max(flights, key=score)
    summary = flight.summary
    if summary.mission_completed:
        st.success(
            tr(
                f"## Best: {name}, lands with {number(100 * summary.final_state_of_charge)} % "
                "charge left",
                f"## Am besten: {name}, landet mit {number(100 * summary.final_state_of_charge)}"
                " % Restladung",
            ),
            icon=":material/emoji_events:",
        )
    else:
        st.warning(
            tr(
                "## No cell completes this mission: see why below.",
                "## Keine Zelle schafft diese Mission: Gründe unten.",
            ),
            icon=":material/warning:",
        )
