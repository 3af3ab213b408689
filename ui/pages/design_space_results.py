"""The Design space page's results: progress while the sweep runs, how it went (designs that
did not fly counted with their reasons), heatmap or curves, the Pareto plot, the best design
picked and taken on to the Cell designer or the comparison, downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sortie.files import spreadsheet_safe_frame
from sortie.studies.design_rows import SweepOutcome, sweep_outcome
from sortie.studies.design_space import SweepSpec
from sortie.studies.ranking import DESIGN_ORDER, Criterion, Ranking, rank_designs
from sortie.studies.result_store import parquet_bytes
from sortie.studies.scenario import CellChoice
from sortie.studies.sweep import BackgroundSweep
from ui.figures.space_charts import (
    FIGURES,
    curves_figure,
    design_text,
    field_label,
    figure_label,
    heatmap_figure,
    number_text,
    pareto_figure,
    reason_label,
    value_text,
)
from ui.state import page_links, session
from ui.text.i18n import language, message, number, styled_table, tr

JOB = "space_job"
# Counts the sweeps of a session: the design choice of one sweep is not carried to the next.
RUN_NUMBER = "space_run_number"


# How many groups of designs that did not fly the status names (the table lists them all).
SHOWN_REASONS = 3



def show_results() -> None:
    job: BackgroundSweep = st.session_state[JOB]
    # Once, before the table: a sweep that was finished then has every row in the table
    # (asked after, a table read while the last rows came in would be ranked as final).
    finished = job.finished
    done, total = job.progress()
    if not finished:
        st.progress(
            done / max(total, 1),
            text=tr(f"{done} of {total} designs flown", f"{done} von {total} Designs geflogen"),
        )
    table = job.table()
    outcome = sweep_outcome(table, job.total)
    if finished:
        _status(job, outcome)
    if outcome.flown:
        _figures(job, table, finished)
    if outcome.not_flown:
        _not_flown_table(list(job.spec.fields), table)
    if not table.empty:
        _downloads(table)
    if finished and st.session_state.get("space_shown") is not job:
        # The last refresh of a finished sweep: draw the whole page once more without polling.
        st.session_state["space_shown"] = job
        st.rerun()



def _designs(numbers: tuple[int, ...], at_most: int = 5) -> str:
    shown = ", ".join(f"#{n}" for n in numbers[:at_most])
    more = len(numbers) - at_most
    return shown + (tr(f" and {more} more", f" und {more} weitere") if more > 0 else "")



def _status(job: BackgroundSweep, outcome: SweepOutcome) -> None:
    """How the finished sweep went, in one line: a success only when every design flew;
    designs that did not fly are counted with their first reasons (the table below lists
    them all)."""
    if job.error:
        st.error(message(job.error))
    lang = language()
    reasons = "; ".join(
        f"{_designs(group.designs)} ({reason_label(group.reason, lang)}): "
        f"{message(group.message)}"
        for group in outcome.not_flown[:SHOWN_REASONS]
    )
    if len(outcome.not_flown) > SHOWN_REASONS:
        more = len(outcome.not_flown) - SHOWN_REASONS
        reasons += tr(f"; {more} more reasons below", f"; {more} weitere Gründe unten")
    unfinished = []
    if job.failed:
        unfinished.append(
            tr(
                f"{len(job.failed)} hit an internal error (see the server log)",
                f"{len(job.failed)} mit internem Fehler (siehe Server-Log)",
            )
        )
    stopped = outcome.missing - len(job.failed)
    if stopped > 0:
        unfinished.append(tr(f"{stopped} were stopped", f"{stopped} angehalten"))
    missing = "".join(f"; {text}" for text in unfinished)
    seconds = f"{number(job.seconds, 1)} s"
    total = outcome.total
    if outcome.rows == 0:
        if not job.error:
            say = st.error if job.failed else st.warning
            say(tr("No design finished", "Kein Design wurde fertig gerechnet") + missing + ".")
        return
    if outcome.flown == 0:
        st.error(
            tr(
                f"None of the {total} designs flew ({seconds}){missing}. {reasons}",
                f"Keines der {total} Designs ist geflogen ({seconds}){missing}. {reasons}",
            ),
            icon=":material/error:",
        )
    elif not outcome.all_flown:
        st.warning(
            tr(
                f"{outcome.flown} of {total} designs flew in {seconds}, "
                f"{outcome.completed} completed the mission; "
                f"{outcome.not_flown_count} could not fly{missing}. {reasons}",
                f"{outcome.flown} von {total} Designs geflogen in {seconds}, "
                f"{outcome.completed} mit erfüllter Mission; "
                f"{outcome.not_flown_count} "
                f"{'konnte' if outcome.not_flown_count == 1 else 'konnten'} nicht fliegen"
                f"{missing}. {reasons}",
            ).rstrip(". ")
            + ".",
            icon=":material/warning:",
        )
    else:
        st.success(
            tr(
                f"{total} designs in {seconds}: {outcome.flown} flown, "
                f"{outcome.completed} completed the mission",
                f"{total} Designs in {seconds}: {outcome.flown} geflogen, "
                f"{outcome.completed} mit erfüllter Mission",
            )
        )



def _figures(job: BackgroundSweep, table: pd.DataFrame, finished: bool) -> None:
    """The chosen figure over the fields, the Pareto plot and (once ``finished``: ``table``
    holds every design) the ranked designs."""
    fields = list(job.spec.fields)
    labels = _figure_labels()
    figure = st.selectbox(
        tr("Figure", "Kennwert"),
        list(labels),
        format_func=labels.__getitem__,
        key="space_figure",
    )
    numeric = [f for f in fields if pd.api.types.is_numeric_dtype(table[f])]
    if len(numeric) >= 2:
        chart = heatmap_figure(table, numeric[0], numeric[1], figure, language())
    else:
        chart = curves_figure(table, fields[0], figure, language())
    st.plotly_chart(chart, width="stretch", key="space_chart")
    _pareto(table)
    if finished:
        _pick(job.spec, table, figure)



def _figure_labels() -> dict[str, str]:
    """Each figure's label in the session's language, taken when the page is drawn (a
    selectbox's ``format_func`` may be called again outside the page's run)."""
    return {f: q.label(language()) for f, q in FIGURES.items()}



def _pareto(table: pd.DataFrame) -> None:
    with st.expander(tr("Pareto plot", "Pareto-Diagramm"), expanded=False):
        columns = st.columns(2)
        labels = _figure_labels()
        options = list(labels)
        x = columns[0].selectbox(
            "x",
            options,
            index=options.index("mission_gravimetric_energy_density_wh_per_kg"),
            format_func=labels.__getitem__,
            key="space_pareto_x",
        )
        y = columns[1].selectbox(
            "y",
            options,
            index=options.index("final_state_of_charge"),
            format_func=labels.__getitem__,
            key="space_pareto_y",
        )
        st.plotly_chart(pareto_figure(table, x, y, language()), width="stretch", key="space_pf")



def _criterion_label(column: str) -> str:
    if column == DESIGN_ORDER:
        return tr("design number", "Designnummer")
    return figure_label(column, language()) if column in FIGURES else column



def _direction(criterion: Criterion) -> str:
    if criterion.more_is_better:
        return tr("more is better", "mehr ist besser")
    return tr("less is better", "weniger ist besser")



def _shown_value(rows: pd.DataFrame, design: int, column: str) -> str:
    value = float(rows.loc[design, column]) * FIGURES[column].scale
    return number_text(value, language())



def _tie_text(ranking: Ranking, rows: pd.DataFrame) -> str:
    """Says that the figure is tied across designs, the tie-breaks in order, and which one
    put the best design first."""
    figure = ranking.figure.column
    best = ranking.best
    assert best is not None
    breaks = tr(", then ", ", dann ").join(
        f"{_criterion_label(c.column)} ({_direction(c)})" for c in ranking.tie_breaks
    )
    value = _shown_value(rows, best, figure)
    tied = len(ranking.tied)
    if ranking.decided_by == DESIGN_ORDER:
        decided = tr(
            "they are equal in those too, so the lowest design number comes first",
            "auch darin sind sie gleich, also kommt die kleinste Designnummer zuerst",
        )
    else:
        column = ranking.decided_by or figure
        label = _criterion_label(column)
        shown = _shown_value(rows, best, column)
        decided = tr(
            f"{label} decided: #{best} has {shown}",
            f"entschieden hat {label}: #{best} mit {shown}",
        )
    return tr(
        f"{_criterion_label(figure)} is tied: {value} for {tied} designs. Ties are broken by "
        f"{breaks}; {decided}.",
        f"{_criterion_label(figure)} ist gleich: {value} bei {tied} Designs. Bei Gleichstand "
        f"entscheidet {breaks}; {decided}.",
    )



def _pick(spec: SweepSpec, table: pd.DataFrame, figure: str) -> None:
    """The designs ranked by ``figure`` (see :func:`sortie.studies.ranking.rank_designs`),
    the best one first; a design that flew can go on to the Cell designer or the
    comparison."""
    lang = language()
    fields = list(spec.fields)
    ranking = rank_designs(table, Criterion(figure, FIGURES[figure].more_is_better))
    rows = table.set_index("design", drop=False)
    labels = {d: design_text(rows.loc[d], fields, figure, lang) for d in ranking.order}
    label = figure_label(figure, lang)
    if ranking.best is not None and rows.loc[ranking.best, "flown"]:
        st.markdown(
            tr(f"**Best design by {label}**: ", f"**Bestes Design nach {label}**: ")
            + labels[ranking.best]
        )
        if ranking.is_tied:
            st.info(_tie_text(ranking, rows), icon=":material/balance:")
    design = st.selectbox(
        tr(f"Design (best first by {label})", f"Design (bestes zuerst nach {label})"),
        list(ranking.order),
        format_func=labels.get,
        key=f"space_design_{st.session_state.get(RUN_NUMBER, 0)}_{figure}",
    )
    row = rows.loc[design]
    if not row["flown"]:
        st.caption(
            tr(
                f"This design did not fly ({reason_label(str(row['not_flown_reason']), lang)}): "
                "nothing to take on.",
                f"Dieses Design ist nicht geflogen "
                f"({reason_label(str(row['not_flown_reason']), lang)}): nichts zu übernehmen.",
            )
            + f" {message(str(row['message']))}"
        )
        return
    cell_changes = {
        f.split(".", 1)[1]: float(row[f])
        for f in fields
        if f.startswith("cell.") and pd.api.types.is_number(row[f])
    }
    columns = st.columns(2)
    base_cell = spec.base.cell
    if not cell_changes or base_cell is None:
        st.caption(
            tr(
                "This sweep changes no cell field: nothing to take to the designer.",
                "Dieser Sweep ändert keine Zellgröße: nichts für den Zelldesigner.",
            )
        )
        return
    if columns[0].button(
        tr("Open in the Cell designer", "Im Zelldesigner öffnen"), key="space_open_designer"
    ):
        session.open_in_designer(base_cell, cell_changes)
        page_links.switch_to(page_links.CELL)
    if columns[1].button(tr("Add to the comparison", "Zum Vergleich hinzufügen"), key="space_add"):
        name = f"{base_cell} #{design}"
        option = session.add_own_cell(name, CellChoice(preset=base_cell, overrides=cell_changes))
        if session.queue_cell(option):
            st.success(tr(f"{name} joins the comparison.", f"{name} kommt in den Vergleich."))
        else:
            st.warning(tr("The comparison is full.", "Der Vergleich ist voll."))



def _not_flown_table(fields: list[str], table: pd.DataFrame) -> None:
    """Every design that did not fly, with its fields by their labels (numbers in the
    session's format) and why, in the session's language."""
    lang = language()
    failed = table[~table["flown"].astype(bool)]
    with st.expander(
        tr(f"Designs that did not fly ({len(failed)})", f"Nicht geflogene Designs ({len(failed)})"),
        expanded=not table["flown"].any(),
    ):
        values = {field_label(f, lang): failed[f] for f in fields}
        frame = pd.DataFrame(
            {
                "#": failed["design"].astype(int),
                **values,
                tr("Reason", "Grund"): failed["not_flown_reason"].map(
                    lambda r: reason_label(str(r), lang)
                ),
                tr("Message", "Meldung"): failed["message"].map(lambda m: message(str(m))),
            }
        )
        decimals = {
            label: _decimals(column)
            for label, column in values.items()
            if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
        }
        st.dataframe(
            styled_table(frame, decimals), hide_index=True, width="stretch", key="space_not_flown"
        )


# Decimals a table shows of a field at most (its values as typed have 4 significant digits).
MAX_TABLE_DECIMALS = 4



def _decimals(values: pd.Series) -> int:
    """The decimals that show every value of a field as :func:`value_text` does (0.5 -> 1,
    70 -> 0), at most :data:`MAX_TABLE_DECIMALS`."""
    places = 0
    for value in values.dropna():
        text = value_text(float(value))
        if "." in text and "e" not in text:
            places = max(places, len(text.split(".")[1]))
    return min(places, MAX_TABLE_DECIMALS)



def _downloads(table: pd.DataFrame) -> None:
    columns = st.columns(2)
    columns[0].download_button(
        tr("Results (Parquet)", "Ergebnisse (Parquet)"),
        lambda: parquet_bytes(table),
        file_name="sortie-design-space.parquet",
        mime="application/octet-stream",
        icon=":material/download:",
        key="space_parquet",
        on_click="ignore",
    )
    columns[1].download_button(
        tr("Results (CSV)", "Ergebnisse (CSV)"),
        # A cell's name or a message may be a user's text: never a spreadsheet formula.
        lambda: spreadsheet_safe_frame(table).to_csv(index=False),
        file_name="sortie-design-space.csv",
        mime="text/csv",
        icon=":material/table:",
        key="space_csv",
        on_click="ignore",
    )
