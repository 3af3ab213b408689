"""Showing a comparison: verdicts as they arrive, key figures side by side, overlaid plots,
trade-offs (Ragone, ambient sweep) and exports. Used by the compare page and the showroom."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from sortie.errors import SortieError
from sortie.models.result import MissionSummary, TerminationReason
from sortie.presets import chemistries
from sortie.studies.comparison import (
    CellFlight,
    Outcome,
    ambient_task,
    cell_of,
    compiled_of,
    fly_task,
    mission_demand,
    pack_size,
    rating_task,
    same_mass_target,
    temperature_limit_c,
)
from sortie.studies.scenario import PackSizing, Scenario, TradeOff, trade_offs
from ui.figures import charts, export
from ui.figures.key_figures import key_figures_text
from ui.text.i18n import (
    language,
    message,
    number,
    phase_text,
    reason_text,
    shown_name,
    tr,
)


def _minutes(seconds: float) -> str:
    return f"{number(seconds / 60, 1)} min"


def verdict(summary: MissionSummary) -> tuple[bool, str]:
    """(completed, one sentence) in the session's language, built from the summary's fields
    (not its English message)."""
    reserve = 100 * summary.reserve_state_of_charge
    landed = 100 * summary.final_state_of_charge
    if summary.mission_completed:
        if reserve == 0:
            return True, tr(
                f"Completed with {landed:.0f} % charge left (no reserve required)",
                f"Mission erfüllt, {landed:.0f} % Ladung übrig (keine Reserve verlangt)",
            )
        return True, tr(
            f"Completed with {landed:.0f} % charge left (reserve {reserve:.0f} %)",
            f"Mission erfüllt, {landed:.0f} % Ladung übrig (Reserve {reserve:.0f} %)",
        )
    reason = summary.termination_reason
    flown = _minutes(summary.endurance_s)
    total = _minutes(summary.mission_duration_s)
    kind = phase_text(summary.final_phase)
    phase = f"{summary.final_segment} ({kind})"
    # German: the phase's own name; its kind only with a user's own name (a preset's
    # German phase names say what they are).
    segment = shown_name(summary.final_segment)
    own_name = segment == summary.final_segment and kind.lower() not in segment.lower()
    phase_de = f"„{segment}“" + (f" ({kind})" if own_name else "")
    if reason is TerminationReason.END_OF_PROFILE:
        return False, tr(
            f"Flew the whole mission but landed with {landed:.0f} %, below the {reserve:.0f} % "
            "reserve",
            f"Mission geflogen, aber mit {landed:.0f} % gelandet, unter der Reserve von "
            f"{reserve:.0f} %",
        )
    return False, tr(
        f"Stopped: {reason_text(reason)} in phase '{phase}' after {flown} of {total}",
        f"Abbruch: {reason_text(reason)} in der Phase {phase_de} nach {flown} von {total}",
    )


def card(
    container, name: str, outcome: Outcome, big: bool = False, plain_errors: bool = False
) -> None:
    """One cell's verdict with its three most telling figures. ``plain_errors`` hides a
    failure's details (showroom)."""
    with container:
        if not outcome.ok:
            detail = (
                tr("No result for this cell.", "Für diese Zelle gibt es kein Ergebnis.")
                if plain_errors
                else message(outcome.error)
            )
            st.error(f"**{name}**\n\n{detail}", icon=":material/error:")
            return
        summary = outcome.value.summary
        completed, sentence = verdict(summary)
        text = f"### {name}\n\n{sentence}" if big else f"**{name}**\n\n{sentence}"
        if completed:
            st.success(text, icon=":material/check_circle:")
        else:
            st.error(text, icon=":material/cancel:")
        if (
            not completed
            and not plain_errors
            and summary.termination_reason is not TerminationReason.END_OF_PROFILE
        ):
            st.caption(message(summary.termination_message))
        # One line of figures: three st.metric columns do not fit a card's width.
        figures = (
            f"{_minutes(summary.endurance_s)} · "
            f"{100 * summary.final_state_of_charge:.0f} % · "
            f"{number(summary.max_cell_temperature_c, 1)} °C"
        )
        legend = tr(
            "flight time · charge left · peak temperature",
            "Flugzeit · Restladung · max. Temperatur",
        )
        if big:
            st.markdown(f"#### {figures}\n\n{legend}")
        else:
            st.markdown(f"**{figures}**  \n:gray[{legend}]")
        note = _card_note(summary.chemistry_id)
        if note:
            st.markdown(f":gray[:material/info: {note}]")


def _card_note(chemistry_id: str) -> str:
    """The one plain line a parameter set that limits its cell asks for (sodium-ion's lab-cell
    data, Prada2013's slow LFP); empty for the others and for BPX files."""
    chemistry = chemistries().get(chemistry_id)
    return chemistry.card_note(language().value) if chemistry else ""


def fly_all(
    scenario: Scenario, names: Sequence[str], big: bool = False, plain_errors: bool = False
) -> list[Outcome]:
    """Fly every cell in the shared pool; each verdict card appears as its cell finishes."""
    tasks = [fly_task(scenario, i) for i in range(len(scenario.cells))]
    # Rows of up to three cards; four cells as two by two.
    columns = st.columns(min(len(tasks), 3) if len(tasks) != 4 else 2)
    slots = [columns[i % len(columns)].empty() for i in range(len(tasks))]
    outcomes: list[Outcome | None] = [None] * len(tasks)
    cached = [st_runner().cached(task) for task in tasks]
    progress = None
    if any(c is None for c in cached):
        progress = st.progress(
            0.0,
            text=tr(
                "Flying the mission on each cell...", "Die Mission wird mit jeder Zelle geflogen..."
            ),
        )
    for done, (index, outcome) in enumerate(st_runner().as_completed(tasks), start=1):
        outcomes[index] = outcome
        card(slots[index].container(), names[index], outcome, big, plain_errors)
        if progress is not None:
            progress.progress(
                done / len(tasks),
                text=tr(f"{done} of {len(tasks)} cells flown", f"{done} von {len(tasks)} Zellen"),
            )
    if progress is not None:
        progress.empty()
    return [o for o in outcomes if o is not None]


def st_runner():
    from ui.state.session import runner

    return runner()


def sizing_note(scenario: Scenario, names: Sequence[str]) -> str | None:
    """With same-pack-mass sizing, one sentence: the target mass, where it comes from, and
    the pack each cell got; None with same-layout sizing (or when no pack can be sized)."""
    if scenario.pack_sizing is not PackSizing.SAME_MASS:
        return None
    try:
        reference = same_mass_target(scenario)
        packs = [pack_size(scenario, i) for i in range(len(scenario.cells))]
    except SortieError:
        return None  # the inputs say why
    layout = f"{reference.series_count}S{reference.parallel_count}P"
    each = "; ".join(
        f"{name} {p.series_count}S{p.parallel_count}P, {number(p.mass_kg, 2)} kg"
        for name, p in zip(names, packs, strict=True)
    )
    target = number(reference.mass_kg, 2)
    return tr(
        f"Same pack mass: every pack is sized to {target} kg, the mass of the first cell's "
        f"{layout} pack; P is chosen per cell to come closest to it: {each}.",
        f"Gleiche Akkumasse: Jeder Akku wird auf {target} kg ausgelegt, die Masse des "
        f"{layout}-Akkus der ersten Zelle; P wird je Zelle so gewählt, dass ihr Akku dieser "
        f"Masse am nächsten kommt: {each}.",
    )


def comparison(
    scenario: Scenario, names: Sequence[str], outcomes: Sequence[Outcome]
) -> list[tuple[str, Any]]:
    """Key figures, overlaid plots and warnings; returns the figures (for the report)."""
    flights = [(n, o.value) for n, o in zip(names, outcomes, strict=True) if o.ok]
    note = sizing_note(scenario, names)
    if note:
        st.caption(note)
    table = key_figures_text(names, outcomes)
    if not table.empty:
        st.dataframe(table, width="stretch")
    if not flights:
        return []
    reserve = flights[0][1].summary.reserve_state_of_charge
    figure = charts.comparison_figure(
        [(n, f.timeseries) for n, f in flights],
        temperature_limit_c(scenario),
        language(),
        reserve,
    )
    st.plotly_chart(figure, width="stretch")
    _pack_fields(flights)
    warnings = sorted({message(w) for _, f in flights for w in f.summary.warnings})
    if warnings:
        with st.expander(
            tr(f"Model caveats ({len(warnings)})", f"Modellhinweise ({len(warnings)})")
        ):
            for warning in warnings:
                st.warning(warning)
    return [(tr("Mission on each cell", "Mission mit jeder Zelle"), figure)]


def _pack_fields(flights: Sequence[tuple[str, CellFlight]]) -> None:
    """Each pack's cells on their grid when its hottest cell peaked (the pack thermal model:
    the hottest cell, its position, the spread)."""
    shown = [(n, f) for n, f in flights if f.pack_field_c is not None]
    if not shown:
        return
    with st.expander(tr("Temperatures across each pack", "Temperaturen im Akku"), expanded=False):
        st.caption(
            tr(
                "Every cell of the pack at the moment its hottest cell peaked; the curves "
                "above show the hottest (solid) and the coldest cell (dotted).",
                "Jede Zelle des Akkus im Moment, in dem die heißeste Zelle ihr Maximum hatte; "
                "die Kurven oben zeigen die heißeste (durchgezogen) und die kälteste Zelle "
                "(gepunktet).",
            )
        )
        columns = st.columns(min(len(shown), 3))
        for index, (name, flight) in enumerate(shown):
            summary = flight.summary
            with columns[index % len(columns)]:
                st.plotly_chart(
                    charts.pack_field_figure(flight.pack_field_c, name, language()),
                    width="stretch",
                    key=f"pack_field_{index}",
                )
                st.caption(
                    tr(
                        f"hottest {number(summary.max_cell_temperature_c, 1)} °C at "
                        f"{summary.hottest_cell_position}; spread "
                        f"{number(summary.max_cell_spread_k, 1)} K",
                        f"heißeste {number(summary.max_cell_temperature_c, 1)} °C, "
                        f"{_position_de(summary.hottest_cell_position)}; Spreizung "
                        f"{number(summary.max_cell_spread_k, 1)} K",
                    )
                )


def _position_de(position: str) -> str:
    return position.replace("row", "Reihe").replace("column", "Spalte")


def _run_with_progress(tasks: list, text: str) -> list[Outcome]:
    outcomes: list[Outcome | None] = [None] * len(tasks)
    bar = st.progress(0.0, text=text)
    for done, (index, outcome) in enumerate(st_runner().as_completed(tasks), start=1):
        outcomes[index] = outcome
        bar.progress(done / len(tasks), text=f"{text} {done}/{len(tasks)}")
    bar.empty()
    return [o for o in outcomes if o is not None]


def ragone(scenario: Scenario, names: Sequence[str]):
    """Ragone curves of the cells with each cell's mission demand; None when none ran."""
    tasks = [rating_task(scenario, i) for i in range(len(scenario.cells))]
    outcomes = _run_with_progress(tasks, tr("Rating the cells...", "Zellen werden vermessen..."))
    points = pd.DataFrame([row for o in outcomes if o.ok for row in o.value])
    for o in outcomes:
        if not o.ok:
            st.warning(message(o.error))
    demand = [_demand(scenario, i) for i in range(len(scenario.cells))]
    if points.empty:
        return None
    return charts.ragone_figure(points, demand, names, language())


def _demand(scenario: Scenario, cell_index: int) -> dict[str, float] | None:
    """The mission's demand on this cell, or None when its aircraft cannot fly it (e.g. too
    heavy to take off: the cell's verdict card says so already)."""
    try:
        return mission_demand(compiled_of(scenario, cell_index))
    except SortieError:
        return None


def ambient_sweep(scenario: Scenario, names: Sequence[str]):
    """Endurance against ambient temperature for each cell; None when none ran."""
    tasks = [ambient_task(scenario, i) for i in range(len(scenario.cells))]
    outcomes = _run_with_progress(
        tasks, tr("Flying from -30 to +50 °C...", "Flüge von -30 bis +50 °C...")
    )
    for outcome in outcomes:
        if not outcome.ok:
            st.warning(message(outcome.error))
    rows = pd.DataFrame([row for o in outcomes if o.ok for row in o.value])
    if rows.empty:
        return None
    measure = "station" if (rows["measure"] == "station").any() else "profile"
    return charts.ambient_figure(rows, names, measure, language())


def flights_of(outcomes: Sequence[Outcome]) -> list[CellFlight | None]:
    return [o.value if o.ok else None for o in outcomes]


def view_json(
    scenario: Scenario,
    names: Sequence[str],
    flights: Sequence[CellFlight | None],
    plots: Sequence[str] = (),
) -> str:
    """The reloadable view (:func:`ui.figures.export.view_json`) with the trade-off ``plots`` that
    are open (``"plots": ["ragone", "ambient"]``): reloading it opens them again."""
    document = json.loads(export.view_json(scenario, names, flights))
    document["plots"] = [t.value for t in trade_offs(list(plots), "plots")]
    return json.dumps(document, indent=2, allow_nan=False)


def exports(
    scenario: Scenario,
    names: Sequence[str],
    outcomes: Sequence[Outcome],
    figures: list[tuple[str, Any]],
    plots: Sequence[TradeOff] = (),
) -> None:
    """Download buttons: CSV, JSON view (with the open trade-off ``plots``), HTML report.
    Files are made when clicked (the report inlines plotly.js, ~4 MB), from values taken
    now: the callables run off the script thread and must not touch the session."""
    flights = flights_of(outcomes)
    plots = list(plots)
    chemistries = {}
    for i in range(len(scenario.cells)):
        chemistry = cell_of(scenario, i).chemistry
        chemistries[chemistry.id] = chemistry
    table = key_figures_text(names, outcomes)
    lang = language().value
    notes = export.assumptions(scenario, list(chemistries.values()), language=lang)
    title = "Sortie: " + next((shown_name(f.mission_name) for f in flights if f), "")
    figures = list(figures)
    columns = st.columns(3)
    columns[0].download_button(
        tr("Time series (CSV)", "Zeitreihen (CSV)"),
        lambda: export.timeseries_csv(names, flights),
        file_name="sortie-timeseries.csv",
        mime="text/csv",
        icon=":material/table:",
        key="download_csv",
        on_click="ignore",
    )
    columns[1].download_button(
        tr("View (JSON, reloadable)", "Ansicht (JSON, ladbar)"),
        lambda: view_json(scenario, names, flights, plots),
        file_name="sortie-view.json",
        mime="application/json",
        icon=":material/data_object:",
        key="download_json",
        on_click="ignore",
    )
    columns[2].download_button(
        tr("Report (HTML)", "Bericht (HTML)"),
        lambda: export.html_report(title, table, figures, notes, language=lang),
        file_name="sortie-report.html",
        mime="text/html",
        icon=":material/description:",
        key="download_html",
        on_click="ignore",
    )
