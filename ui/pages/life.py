"""Sortie life: fly the same mission again and again on ageing cells (recharge, turnaround,
storage between campaigns) and see from which sortie on each cell no longer completes it with
its reserve.

The inputs are drawn by :mod:`ui.pages.life_inputs`; the lives run in the script's run, one
cell after the other, with a progress bar; the result is kept in the session, so a rerun (a
language switch, a download) never runs again. The results are drawn by
:mod:`ui.pages.life_results`.
"""

from __future__ import annotations

import logging

import streamlit as st

from sortie.studies.comparison import setup_of
from sortie.studies.life import run_life
from ui.guard import USER_ERRORS
from ui.pages.life_inputs import LifeInputs, inputs
from ui.pages.life_results import RESULT, CellLife, KeptLives, show_results
from ui.text.i18n import tr
from ui.widgets.number_field import blocked_notice

LOG = logging.getLogger("sortie.ui")


def _run(chosen: LifeInputs) -> None:
    """Each cell's life, one after the other (a cell that has none says why, in English: the
    results translate it when they show it); kept in the session."""
    cells = len(chosen.names)
    bar = st.progress(0.0, text=tr("Flying sorties…", "Einsätze werden geflogen…"))
    lives: list[CellLife] = []
    for index, name in enumerate(chosen.names):

        def progress(done: int, total: int, index: int = index, name: str = name) -> None:
            share = (index + (min(done / total, 1.0) if total else 1.0)) / cells
            bar.progress(
                min(share, 1.0),
                text=tr(
                    f"{name}: sortie {done} of {total}",
                    f"{name}: Einsatz {done} von {total}",
                ),
            )

        progress(0, chosen.spec.sorties)
        try:
            result = run_life(setup_of(chosen.scenario, index), chosen.spec, progress)
        except USER_ERRORS as error:
            lives.append(CellLife(name, None, " ".join(str(error).split())))
            continue
        except Exception:  # a solver that gave up on one cell: the others still show
            LOG.exception("life of %s failed", name)
            lives.append(CellLife(name, None, None))
            continue
        lives.append(CellLife(name, result, None))
    bar.empty()
    st.session_state[RESULT] = KeptLives(
        signature=chosen.signature,
        lives=tuple(lives),
        mission_duration_s=chosen.mission_duration_s,
        described=chosen.described,
    )


def render() -> None:
    st.title(tr("Sortie life", "Lebensdauer im Einsatz"))
    st.caption(
        tr(
            "The same mission again and again on ageing cells: after each sortie a recharge "
            "and a turnaround on the ground, storage between campaigns. From which sortie on "
            "does the mission no longer complete with its reserve, and which cell keeps it "
            "longest?",
            "Dieselbe Mission immer wieder auf alternden Zellen: nach jedem Einsatz "
            "Nachladen und Bodenzeit, Lagerung zwischen den Kampagnen. Ab welchem Einsatz "
            "wird die Mission nicht mehr mit ihrer Reserve erfüllt, und welche Zelle hält "
            "am längsten durch?",
        )
    )
    left, right = st.columns([1, 2], gap="large")
    with left:
        chosen, blocked = inputs()
        run = st.button(
            tr("Fly the sorties", "Einsätze fliegen"),
            type="primary",
            width="stretch",
            icon=":material/battery_charging_full:",
            key="life_run",
            disabled=chosen is None,
        )
    with right:
        if blocked:
            blocked_notice()
            return
        if run and chosen is not None:
            _run(chosen)
        kept: KeptLives | None = st.session_state.get(RESULT)
        if kept is None:
            st.info(
                tr(
                    "Choose a mission, cells and the life, then press **Fly the sorties**.",
                    "Mission, Zellen und Lebensdauer wählen, dann **Einsätze fliegen** "
                    "drücken.",
                )
            )
            return
        if chosen is None or kept.signature != chosen.signature:
            st.info(
                tr(
                    "These results are from the last run; the inputs have changed since. "
                    "Press **Fly the sorties** to run again.",
                    "Diese Ergebnisse stammen vom letzten Lauf; die Eingaben haben sich "
                    "seitdem geändert. **Einsätze fliegen** drücken, um neu zu rechnen.",
                )
            )
        show_results(kept)
