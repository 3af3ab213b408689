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

import streamlit as st

from sortie.errors import SortieError
from sortie.models.settings import ModelKind
from sortie.presets import PresetKind, list_presets
from sortie.quantities import MODEL_LABELS
from sortie.studies.design_space import SweepSpec, parse_sweep_spec, spec_from_dict
from sortie.studies.setup import current_value, resolve_setup
from sortie.studies.sweep import BackgroundSweep
from ui.figures.space_charts import (
    FIELDS,
)
from ui.guard import USER_ERRORS, user_message
from ui.pages.design_space_results import JOB, RUN_NUMBER, show_results
from ui.state import session
from ui.text.i18n import language, name_of, tr
from ui.widgets.number_field import number_field
from ui.widgets.uploads import read_upload

# A sweep in the shared app must leave the pool to the other visitors soon.
MAX_APP_DESIGNS = 400
MAX_COUNT = 40
# Cells in series or in parallel (as a sweep's base takes them).
SERIES, PARALLEL = FIELDS["pack.series_count"], FIELDS["pack.parallel_count"]
NO_FIELD = "-"


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
        st.fragment(show_results, run_every=None if job.finished else 1.0)()
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
    return parse_sweep_spec(text, upload.name)


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




