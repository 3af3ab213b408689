"""Design space: sweep one or two fields of a cell, pack or flight over a mission, watch the
results arrive, read the heatmap or curves and the Pareto plot, and take a design on to the
Cell designer or the comparison.

The sweep runs in the server's shared worker pool (never in the page's thread); the page
polls it every second while it runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from sortie.errors import InputError, SortieError
from sortie.files import spreadsheet_safe_frame
from sortie.models.settings import ModelKind
from sortie.presets import PresetKind, list_presets
from sortie.presets.loader import parse_toml, require_preset
from sortie.quantities import MODEL_LABELS
from sortie.studies.design_rows import SweepOutcome, sweep_outcome
from sortie.studies.design_space import SweepSpec, spec_from_dict
from sortie.studies.ranking import DESIGN_ORDER, Criterion, Ranking, rank_designs
from sortie.studies.result_store import parquet_bytes
from sortie.studies.scenario import CellChoice
from sortie.studies.setup import change_key, current_value, resolve_setup
from sortie.studies.sweep import BackgroundSweep
from ui import page_links, session
from ui.guard import USER_ERRORS, user_message
from ui.i18n import language, message, name_of, number, styled_table, tr
from ui.number_field import number_field
from ui.space_charts import (
    FIELDS,
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
from ui.uploads import read_upload

# A sweep in the shared app must leave the pool to the other visitors soon.
MAX_APP_DESIGNS = 400
MAX_COUNT = 40
# Cells in series or in parallel (as a sweep's base takes them).
SERIES, PARALLEL = FIELDS["pack.series_count"], FIELDS["pack.parallel_count"]
JOB = "space_job"
# Counts the sweeps of a session: the design choice of one sweep is not carried to the next.
RUN_NUMBER = "space_run_number"
NO_FIELD = "-"
# How many groups of designs that did not fly the status names (the table lists them all).
SHOWN_REASONS = 3


def render() -> None:
    st.title(tr("Design space", "Entwurfsraum"))
    left, right = st.columns([1, 2], gap="large")
    with left:
        spec = _inputs()
    with right:
        job: BackgroundSweep | None = st.session_state.get(JOB)
        if job is None:
            st.info(
                tr(
                    "Choose a mission, a cell and one or two fields, then press **Run sweep**.",
                    "Mission, Zelle und ein oder zwei Größen wählen, dann **Sweep starten**.",
                )
            )
            return
        st.fragment(_results, run_every=None if job.finished else 1.0)()
    del spec


def _inputs() -> SweepSpec | None:
    """The sweep's inputs, their design count and the Run button; the sweep to run, or None
    while nothing can run (the button is then disabled and a message says why)."""
    sources = {
        "fields": tr("fields I choose", "selbst gewählten Größen"),
        "file": tr("a sweep file (TOML)", "einer Sweep-Datei (TOML)"),
    }
    source = st.radio(
        tr("Designs from", "Designs aus"),
        list(sources),
        format_func=sources.__getitem__,
        horizontal=True,
        key="space_source",
    )
    spec: SweepSpec | None = None
    count: int | None = None
    blocked: str | None = None
    try:
        if source == "file":
            spec = _from_file()
            if spec is None:
                blocked = tr(
                    "Upload a sweep file to run it.", "Zum Starten eine Sweep-Datei hochladen."
                )
        else:
            spec, count, blocked = _from_fields()
        if spec is not None:
            count = len(spec.designs())
    except USER_ERRORS as error:
        st.error(user_message(error))
        spec = None
        blocked = tr("Nothing to run: see the message above.", "Nichts zu rechnen: siehe oben.")
    if count is not None:
        st.caption(
            tr(f"{count} designs", f"{count} Designs")
            if count != 1
            else tr("1 design", "1 Design")
        )
        if count > MAX_APP_DESIGNS:
            st.warning(
                tr(
                    f"At most {MAX_APP_DESIGNS} designs here; run bigger sweeps with "
                    "`sortie sweep FILE --out results.parquet`.",
                    f"Hier höchstens {MAX_APP_DESIGNS} Designs; größere Sweeps mit "
                    "`sortie sweep DATEI --out ergebnisse.parquet`.",
                )
            )
            blocked = blocked or tr(
                f"More than {MAX_APP_DESIGNS} designs.", f"Mehr als {MAX_APP_DESIGNS} Designs."
            )
    if blocked is not None:
        spec = None
    job: BackgroundSweep | None = st.session_state.get(JOB)
    running = job is not None and not job.finished
    columns = st.columns(2)
    if columns[0].button(
        tr("Run sweep", "Sweep starten"),
        type="primary",
        icon=":material/grid_on:",
        disabled=running or spec is None,
        width="stretch",
        key="space_run",
    ):
        assert spec is not None  # the button is disabled without one
        st.session_state[RUN_NUMBER] = st.session_state.get(RUN_NUMBER, 0) + 1
        st.session_state[JOB] = BackgroundSweep(spec, session.runner().executor())
        st.rerun()
    if running and columns[1].button(tr("Stop", "Anhalten"), key="space_stop", width="stretch"):
        job.stop()
    if blocked is not None:
        st.caption(tr(f"Not ready to run: {blocked}", f"Noch nicht startbereit: {blocked}"))
    return spec


def _from_file() -> SweepSpec | None:
    upload = st.file_uploader(tr("Sweep file", "Sweep-Datei"), type=["toml"], key="space_file")
    if upload is None:
        st.caption(
            tr(
                "A sweep file as for `sortie sweep` (presets only, no file paths).",
                "Eine Sweep-Datei wie für `sortie sweep` (nur Vorlagen, keine Dateipfade).",
            )
        )
        return None
    data = read_upload(upload)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SortieError(f"{upload.name}: not UTF-8 text") from None
    document = parse_toml(text, upload.name)
    _presets_only(document, upload.name)
    return spec_from_dict(document, upload.name)


# What a sweep names by reference: a preset here, or a file on the command line.
_REFERENCES = {"mission": PresetKind.MISSION, "cell": PresetKind.CELL, "drone": PresetKind.DRONE}


def _presets_only(document: dict, context: str) -> None:
    """An uploaded sweep names presets only: a path in it (``mission = "/etc/passwd"``, a
    cell dimension over files, a swap in ``[base.set]``) would read a file of the server."""
    base = document.get("base")
    if isinstance(base, dict):
        for key, kind in _REFERENCES.items():
            if key in base:
                require_preset(kind, base[key], f"{context}: base.{key}")
        changes = base.get("set")
        for key, value in changes.items() if isinstance(changes, dict) else ():
            kind = _swap_kind(key)
            if kind is not None:
                require_preset(kind, value, f"{context}: base.set.{key}")
    dimensions = document.get("dimensions")
    for index, dimension in enumerate(dimensions if isinstance(dimensions, list) else []):
        field = dimension.get("field") if isinstance(dimension, dict) else None
        kind = _swap_kind(field)
        values = dimension.get("values") if kind is not None else None
        for value in values if isinstance(values, list) else ():
            require_preset(kind, value, f"{context}: dimensions.{index}.values")


def _swap_kind(key: object) -> PresetKind | None:
    """The preset kind a change key swaps (``cell``, `` cell. ``), None for a field change;
    spelt as the sweep will read it (:func:`change_key`), so no spelling walks around it."""
    if not isinstance(key, str):
        return None
    try:
        canonical = change_key(key)
    except InputError:
        return None  # the sweep itself refuses it, by name
    return _REFERENCES.get(canonical)


def _preset_select(kind: PresetKind, label: str, key: str, default: str | None) -> str:
    presets = {p.id: name_of(p) for p in list_presets(kind)}
    ids = list(presets)
    index = ids.index(default) if default in presets else 0
    return st.selectbox(label, ids, index=index, format_func=presets.get, key=key)


def _from_fields() -> tuple[SweepSpec | None, int | None, str | None]:
    """The sweep the fields describe, the number of designs as typed (None: not known), and
    why nothing can run (None: the sweep can run). A number out of its range blocks the run
    with a message under its field (never a silent fall-back to the previous value)."""
    mission_id = _preset_select(
        PresetKind.MISSION, tr("Mission", "Mission"), "space_mission", "quad-isr-loiter"
    )
    base_setup = resolve_setup(mission_id)
    cell_id = _preset_select(PresetKind.CELL, tr("Cell", "Zelle"), "space_cell", base_setup.cell.id)
    columns = st.columns(3)
    series = number_field(
        "S",
        key=f"space_s_{mission_id}",
        min_value=SERIES.low_value,
        max_value=SERIES.high_value,
        integer=True,
        container=columns[0],
        value=base_setup.pack.series_count,
    )
    parallel = number_field(
        "P",
        key=f"space_p_{mission_id}",
        min_value=PARALLEL.low_value,
        max_value=PARALLEL.high_value,
        integer=True,
        container=columns[1],
        value=base_setup.pack.parallel_count,
    )
    model = columns[2].selectbox(
        tr("Model", "Modell"),
        [ModelKind.DFN.value, ModelKind.SPME.value, ModelKind.SPM.value],
        format_func=lambda m: MODEL_LABELS[ModelKind(m)],
        key="space_model",
    )
    # The fields' current values from the pack as typed (the drone's while S or P is out of
    # range: the run is blocked then anyway).
    setup = resolve_setup(
        mission_id, cell=cell_id, series_count=series, parallel_count=parallel
    )
    first = _dimension(tr("First field", "Erste Größe"), "space_field_1", setup, required=True)
    second = _dimension(tr("Second field", "Zweite Größe"), "space_field_2", setup, required=False)
    typed = [d for d in (first, second) if d is not None]
    counts = [d.count for d in typed]
    count = math.prod(c for c in counts if c is not None) if None not in counts else None
    blocked = None
    if series is None or parallel is None or any(d.dimension is None for d in typed):
        blocked = tr(
            "a number above is missing or out of its range.",
            "eine Zahl oben fehlt oder liegt außerhalb ihres Bereichs.",
        )
    if second is not None and first is not None and second.field == first.field:
        st.warning(tr("Choose two different fields.", "Zwei verschiedene Größen wählen."))
        blocked = tr("the two fields are the same.", "beide Größen sind gleich.")
    if blocked is not None:
        return None, count, blocked
    base = {
        "mission": mission_id,
        "cell": cell_id,
        "series_count": series,
        "parallel_count": parallel,
        "settings": {"model": model},
    }
    spec = spec_from_dict(
        {
            "name": tr("Design space", "Entwurfsraum"),
            "base": base,
            "dimensions": [d.dimension for d in typed],
        },
        tr("design space", "Entwurfsraum"),
    )
    return spec, count, None


@dataclass(frozen=True)
class _TypedDimension:
    """A dimension as typed: ``dimension`` for the sweep (None while a number of it is out
    of range) and ``count``, its number of values as typed (None when not known)."""

    field: str
    dimension: dict[str, Any] | None
    count: int | None


def _typed_whole(key: str) -> int | None:
    """What is typed in a number field, as a whole number (None: empty or not a number)."""
    value = st.session_state.get(key)
    if not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return int(value)


def _dimension(label: str, key: str, setup, required: bool) -> _TypedDimension | None:
    labels = {f: q.label(language()) for f, q in FIELDS.items()}
    if not required:
        labels = {NO_FIELD: "–", **labels}
    options = list(labels)
    default = "cell.positive_electrode_thickness_um" if required else NO_FIELD
    field = st.selectbox(
        label,
        options,
        index=options.index(default),
        format_func=labels.__getitem__,
        key=key,
    )
    if field == NO_FIELD:
        return None
    value = current_value(setup, field)
    value = float(value) if value is not None else 20.0
    quantity = FIELDS[field]
    low, high = quantity.default_range(value)
    whole = quantity.whole
    columns = st.columns(3)
    suffix = f"{key}_{field}_{setup.cell.id}"
    bounds = {"min_value": quantity.low_value, "max_value": quantity.high_value}
    if whole:
        start = number_field(
            tr("from", "von"),
            key=f"{suffix}_from",
            integer=True,
            container=columns[0],
            value=int(low),
            **bounds,
        )
        stop = number_field(
            tr("to", "bis"),
            key=f"{suffix}_to",
            integer=True,
            container=columns[1],
            value=int(high),
            **bounds,
        )
        columns[2].caption(tr("every whole number", "jede ganze Zahl"))
        typed_from, typed_to = _typed_whole(f"{suffix}_from"), _typed_whole(f"{suffix}_to")
        count = None
        if typed_from is not None and typed_to is not None:
            count = max(0, typed_to - typed_from + 1)
        if start is not None and stop is not None and stop < start:
            columns[1].error(
                tr(
                    f"to: {stop} is below from ({start}); nothing is computed until it is not.",
                    f"bis: {stop} liegt unter von ({start}); gerechnet wird erst, wenn bis "
                    "nicht mehr unter von liegt.",
                ),
                icon=":material/block:",
            )
            stop = None
        if start is None or stop is None:
            return _TypedDimension(field, None, count)
        return _TypedDimension(field, {"field": field, "start": start, "stop": stop}, count)
    start = number_field(
        tr("from", "von"),
        key=f"{suffix}_from",
        container=columns[0],
        value=float(round(low, 4)),
        format="%.4g",
        **bounds,
    )
    stop = number_field(
        tr("to", "bis"),
        key=f"{suffix}_to",
        container=columns[1],
        value=float(round(high, 4)),
        format="%.4g",
        **bounds,
    )
    steps = number_field(
        tr("steps", "Stufen"),
        key=f"{suffix}_count",
        min_value=2,
        max_value=MAX_COUNT,
        integer=True,
        container=columns[2],
        value=8,
    )
    count = _typed_whole(f"{suffix}_count")
    if start is None or stop is None or steps is None:
        return _TypedDimension(field, None, count)
    dimension = {"field": field, "start": start, "stop": stop, "count": steps}
    return _TypedDimension(field, dimension, count)


# --- results -----------------------------------------------------------------------------------


def _results() -> None:
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
