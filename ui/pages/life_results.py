"""The Sortie life page's results: the key figures per cell (the first failing sortie, the
capacity at the end, the endurance lost), capacity, endurance and charge at landing against
the sortie with each cell's failure line, the per-sortie table, the exports, and how the life
was computed (acceleration and assumptions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from sortie.presets.cell_files import slug
from sortie.studies.life import LifeResult
from ui.figures.life_charts import (
    LifeLine,
    capacity_figure,
    display_table,
    endurance_figure,
    endurance_loss,
    landing_figure,
    life_csv,
    life_json,
)
from ui.pages.life_inputs import mechanisms_text
from ui.text.i18n import language, message, number, styled_table, tr

# The kept run (a KeptLives) in the session.
RESULT = "life_result"
# Key figures side by side, at most this many in a row.
CARDS_PER_ROW = 3


@dataclass(frozen=True)
class CellLife:
    """One cell's outcome: its life, or why it has none (``error`` in the domain's English;
    None with no result: an unexpected failure, logged)."""

    name: str
    result: LifeResult | None
    error: str | None


@dataclass(frozen=True)
class KeptLives:
    signature: str
    lives: tuple[CellLife, ...]
    mission_duration_s: float
    described: dict[str, Any]


def _percent(fraction: float, decimals: int = 1) -> str:
    return f"{number(100.0 * fraction, decimals)} %"


def _card(life: CellLife) -> None:
    st.markdown(f"**{life.name}**")
    if life.result is None:
        st.warning(
            message(life.error)
            if life.error
            else tr(
                "Its life could not be computed (the solver gave up); the details are in the "
                "server log.",
                "Ihre Lebensdauer ließ sich nicht berechnen (der Löser gab auf); die Details "
                "stehen im Server-Log.",
            ),
            icon=":material/block:",
        )
        return
    summary, table = life.result.summary, life.result.table
    failing = summary.first_failing_sortie
    st.metric(
        tr("Mission fails from sortie", "Mission scheitert ab Einsatz"),
        str(failing)
        if failing is not None
        else tr(
            f"never within {number(summary.sorties)}", f"nie in {number(summary.sorties)}"
        ),
    )
    if failing is not None:
        st.caption(message(summary.failing_reason))
    st.metric(
        tr("Capacity at the end", "Kapazität am Ende"),
        _percent(summary.capacity_relative_end),
        delta=_percent(summary.capacity_relative_end - 1.0),
    )
    st.metric(
        tr("Endurance lost", "Verlorene Flugzeit"),
        _percent(endurance_loss(table)),
        help=tr(
            "Time flown on the last sortie against the first. A completed sortie flies the "
            "mission's whole length, so this grows only once the cell cannot finish it; the "
            "charge left at landing shows the margin shrinking before.",
            "Geflogene Zeit im letzten Einsatz gegenüber dem ersten. Ein erfüllter Einsatz "
            "fliegt die ganze Mission, daher wächst sie erst, wenn die Zelle sie nicht mehr "
            "schafft; die Restladung bei der Landung zeigt, wie die Marge vorher schrumpft.",
        ),
    )
    landing = table["landing_state_of_charge"]
    st.caption(
        tr(
            f"Charge at landing {_percent(landing.iloc[0])} → {_percent(landing.iloc[-1])} "
            f"(reserve {_percent(summary.reserve_state_of_charge, 0)}).",
            f"Ladung bei Landung {_percent(landing.iloc[0])} → {_percent(landing.iloc[-1])} "
            f"(Reserve {_percent(summary.reserve_state_of_charge, 0)}).",
        )
    )
    if summary.calendar_capacity_loss_relative > 0:
        st.caption(
            tr(
                f"Lost in storage: {_percent(summary.calendar_capacity_loss_relative, 2)}; "
                f"flying and recharging: {_percent(summary.cycling_capacity_loss_relative, 2)}.",
                f"Im Lager verloren: {_percent(summary.calendar_capacity_loss_relative, 2)}; "
                f"durch Fliegen und Laden: "
                f"{_percent(summary.cycling_capacity_loss_relative, 2)}.",
            )
        )
    st.caption(
        tr("Mechanisms: ", "Mechanismen: ")
        + mechanisms_text(summary.mechanisms)
        + tr(
            f". {summary.simulated_sorties} of {number(summary.sorties)} sorties solved in "
            f"full, {number(summary.wall_time_s)} s.",
            f". {summary.simulated_sorties} von {number(summary.sorties)} Einsätzen voll "
            f"gerechnet, {number(summary.wall_time_s)} s.",
        )
    )


def _key_figures(lives: tuple[CellLife, ...]) -> None:
    for start in range(0, len(lives), CARDS_PER_ROW):
        row = lives[start : start + CARDS_PER_ROW]
        for column, life in zip(st.columns(CARDS_PER_ROW), row, strict=False):
            with column.container(border=True):
                _card(life)


def _charts(lines: list[LifeLine], kept: KeptLives, reserve: float) -> None:
    lang = language()
    st.markdown(f"**{tr('Capacity', 'Kapazität')}**")
    st.plotly_chart(capacity_figure(lines, lang), width="stretch", key="life_capacity")
    st.caption(
        tr(
            "Filled markers: sorties solved in full; open markers: stepped over by cycle "
            "jumping. Dashed vertical line: the first sortie that no longer completes the "
            "mission with its reserve, in the cell's colour.",
            "Gefüllte Marker: voll gerechnete Einsätze; offene Marker: durch Zyklensprung "
            "übersprungen. Gestrichelte senkrechte Linie: der erste Einsatz, der die Mission "
            "nicht mehr mit ihrer Reserve erfüllt, in der Farbe der Zelle.",
        )
    )
    columns = st.columns(2)
    with columns[0]:
        st.markdown(f"**{tr('Endurance', 'Flugzeit')}**")
        st.plotly_chart(
            endurance_figure(lines, kept.mission_duration_s, lang),
            width="stretch",
            key="life_endurance",
        )
    with columns[1]:
        st.markdown(f"**{tr('Charge left at landing', 'Restladung bei der Landung')}**")
        st.plotly_chart(
            landing_figure(lines, reserve, lang), width="stretch", key="life_landing"
        )


def _tables(lines: list[LifeLine]) -> None:
    st.subheader(tr("Every sortie", "Jeder Einsatz"))
    for tab, line in zip(st.tabs([line.name for line in lines]), lines, strict=True):
        shown, decimals = display_table(line.table, language())
        tab.dataframe(styled_table(shown, decimals), hide_index=True, width="stretch")


def _exports(kept: KeptLives, lines: list[LifeLine]) -> None:
    st.subheader(tr("Export", "Export"))
    summaries = [
        (
            life.name,
            life.result.summary.to_dict()
            if life.result is not None
            else {"error": life.error or "the solver gave up"},
        )
        for life in kept.lives
    ]
    name = slug("-".join(line.name for line in lines)) or "life"
    columns = st.columns(2)
    columns[0].download_button(
        tr("Every sortie (CSV)", "Jeder Einsatz (CSV)"),
        life_csv(lines),
        file_name=f"sortie-life-{name}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="life_csv",
        on_click="ignore",
        width="stretch",
    )
    columns[1].download_button(
        tr("Summary (JSON)", "Zusammenfassung (JSON)"),
        life_json(summaries, kept.described),
        file_name=f"sortie-life-{name}.json",
        mime="application/json",
        icon=":material/download:",
        key="life_json",
        on_click="ignore",
        width="stretch",
    )


def _how(kept: KeptLives) -> None:
    with st.expander(tr("Acceleration and assumptions", "Beschleunigung und Annahmen")):
        for life in kept.lives:
            if life.result is None:
                continue
            summary = life.result.summary
            st.markdown(f"**{life.name}** ({summary.model.upper()})")
            st.write(tr("Acceleration: ", "Beschleunigung: ") + message(summary.acceleration))
            st.markdown("\n".join(f"- {message(text)}" for text in summary.assumptions))
            for warning in summary.warnings:
                st.warning(message(warning))


def show_results(kept: KeptLives) -> None:
    st.subheader(tr("Key figures", "Kennzahlen"))
    _key_figures(kept.lives)
    flown = [life for life in kept.lives if life.result is not None]
    if not flown:
        return
    lines = [
        LifeLine(life.name, life.result.table, life.result.summary.first_failing_sortie)
        for life in flown
    ]
    _charts(lines, kept, flown[0].result.summary.reserve_state_of_charge)
    _tables(lines)
    _exports(kept, lines)
    _how(kept)
