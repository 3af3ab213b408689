"""Design space: sweep one or two fields of a cell, pack or flight over a mission, watch the
results arrive, read the heatmap or curves and the Pareto plot, and take a design on to the
Cell designer or the comparison.

The sweep runs in the server's shared worker pool (never in the page's thread); the page
polls it every second while it runs.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from sortie.errors import InputError, SortieError
from sortie.files import spreadsheet_safe_frame
from sortie.models.settings import ModelKind
from sortie.presets import PresetKind, list_presets, load_mission
from sortie.presets.loader import parse_toml, require_preset
from sortie.studies.design_space import SweepSpec, spec_from_dict
from sortie.studies.result_store import parquet_bytes
from sortie.studies.scenario import CellChoice
from sortie.studies.setup import change_key, current_value, resolve_setup
from sortie.studies.sweep import BackgroundSweep
from ui import session
from ui.guard import USER_ERRORS, user_message
from ui.i18n import language, tr
from ui.space_charts import FIELDS, FIGURES, curves_figure, heatmap_figure, pareto_figure
from ui.uploads import read_upload

# A sweep in the shared app must leave the pool to the other visitors soon.
MAX_APP_DESIGNS = 400
MAX_COUNT = 40
JOB = "space_job"
NO_FIELD = "-"
# Range of a field around the base design: (low factor, high factor) or absolute (low, high).
_RELATIVE = {"thickness": (0.7, 1.3), "radius": (0.5, 1.5), "payload": (0.0, 3.0)}


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
    source = st.radio(
        tr("Designs from", "Designs aus"),
        ["fields", "file"],
        format_func=lambda s: {
            "fields": tr("fields I choose", "gewählten Größen"),
            "file": tr("a sweep file (TOML)", "einer Sweep-Datei (TOML)"),
        }[s],
        horizontal=True,
        key="space_source",
    )
    try:
        spec = _from_file() if source == "file" else _from_fields()
    except USER_ERRORS as error:
        st.error(user_message(error))
        return None
    if spec is None:
        return None
    count = len(spec.designs())
    st.caption(tr(f"{count} designs", f"{count} Designs"))
    if count > MAX_APP_DESIGNS:
        st.warning(
            tr(
                f"At most {MAX_APP_DESIGNS} designs here; run bigger sweeps with "
                "`sortie sweep FILE --out results.parquet`.",
                f"Hier höchstens {MAX_APP_DESIGNS} Designs; größere Sweeps mit "
                "`sortie sweep DATEI --out ergebnisse.parquet`.",
            )
        )
        return None
    job: BackgroundSweep | None = st.session_state.get(JOB)
    running = job is not None and not job.finished
    columns = st.columns(2)
    if columns[0].button(
        tr("Run sweep", "Sweep starten"),
        type="primary",
        icon=":material/grid_on:",
        disabled=running,
        width="stretch",
        key="space_run",
    ):
        st.session_state[JOB] = BackgroundSweep(spec, session.runner().executor())
        st.rerun()
    if running and columns[1].button(tr("Stop", "Anhalten"), key="space_stop", width="stretch"):
        job.stop()
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
    for number, dimension in enumerate(dimensions if isinstance(dimensions, list) else []):
        field = dimension.get("field") if isinstance(dimension, dict) else None
        kind = _swap_kind(field)
        values = dimension.get("values") if kind is not None else None
        for value in values if isinstance(values, list) else ():
            require_preset(kind, value, f"{context}: dimensions.{number}.values")


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
    presets = {p.id: p.name for p in list_presets(kind)}
    ids = list(presets)
    index = ids.index(default) if default in presets else 0
    return st.selectbox(label, ids, index=index, format_func=presets.get, key=key)


def _from_fields() -> SweepSpec | None:
    mission_id = _preset_select(
        PresetKind.MISSION, tr("Mission", "Mission"), "space_mission", "quad-isr-loiter"
    )
    plan = load_mission(mission_id)
    base_setup = resolve_setup(mission_id)
    cell_id = _preset_select(PresetKind.CELL, tr("Cell", "Zelle"), "space_cell", base_setup.cell.id)
    columns = st.columns(3)
    series = columns[0].number_input(
        "S", 1, 400, value=base_setup.pack.series_count, key=f"space_s_{mission_id}"
    )
    parallel = columns[1].number_input(
        "P", 1, 400, value=base_setup.pack.parallel_count, key=f"space_p_{mission_id}"
    )
    model = columns[2].selectbox(
        tr("Model", "Modell"),
        [ModelKind.DFN.value, ModelKind.SPME.value, ModelKind.SPM.value],
        format_func=lambda m: {"dfn": "DFN", "spme": "SPMe", "spm": "SPM"}[m],
        key="space_model",
    )
    base = {
        "mission": mission_id,
        "cell": cell_id,
        "series_count": int(series),
        "parallel_count": int(parallel),
        "settings": {"model": model},
    }
    setup = resolve_setup(
        mission_id, cell=cell_id, series_count=int(series), parallel_count=int(parallel)
    )
    dimensions = []
    first = _dimension(tr("First field", "Erste Größe"), "space_field_1", setup, required=True)
    dimensions.append(first)
    second = _dimension(tr("Second field", "Zweite Größe"), "space_field_2", setup, required=False)
    if second is not None:
        if second["field"] == first["field"]:
            st.warning(tr("Choose two different fields.", "Zwei verschiedene Größen wählen."))
            return None
        dimensions.append(second)
    del plan
    return spec_from_dict(
        {"name": tr("Design space", "Entwurfsraum"), "base": base, "dimensions": dimensions},
        "design space",
    )


def _default_range(field: str, value: float) -> tuple[float, float]:
    name = field.rsplit(".", 1)[-1]
    if "porosity" in name:
        return max(0.05, value - 0.07), min(0.9, value + 0.07)
    if name == "ambient_c":
        return -20.0, 40.0
    for word, (low, high) in _RELATIVE.items():
        if word in name:
            return value * low, value * high if value else high
    if name.endswith("_count"):
        return 1.0, max(2.0, 2.0 * value)
    return value * 0.8, value * 1.2


def _dimension(label: str, key: str, setup, required: bool) -> dict[str, Any] | None:
    options = list(FIELDS) if required else [NO_FIELD, *FIELDS]
    default = "cell.positive_electrode_thickness_um" if required else NO_FIELD
    field = st.selectbox(
        label,
        options,
        index=options.index(default),
        format_func=lambda f: "–" if f == NO_FIELD else FIELDS[f].label(language()),
        key=key,
    )
    if field == NO_FIELD:
        return None
    value = current_value(setup, field)
    value = float(value) if value is not None else 20.0
    low, high = _default_range(field, value)
    whole = field.endswith("_count")
    columns = st.columns(3)
    suffix = f"{key}_{field}_{setup.cell.id}"
    if whole:
        start = columns[0].number_input(
            tr("from", "von"), 1, 400, value=int(low), key=f"{suffix}_from"
        )
        stop = columns[1].number_input(tr("to", "bis"), 1, 400, value=int(high), key=f"{suffix}_to")
        columns[2].caption(tr("every whole number", "jede ganze Zahl"))
        return {"field": field, "start": int(start), "stop": int(max(start, stop))}
    start = columns[0].number_input(
        tr("from", "von"), value=float(round(low, 4)), key=f"{suffix}_from", format="%.4g"
    )
    stop = columns[1].number_input(
        tr("to", "bis"), value=float(round(high, 4)), key=f"{suffix}_to", format="%.4g"
    )
    count = columns[2].number_input(
        tr("steps", "Stufen"), 2, MAX_COUNT, value=8, key=f"{suffix}_count"
    )
    return {"field": field, "start": float(start), "stop": float(stop), "count": int(count)}


# --- results -----------------------------------------------------------------------------------


def _results() -> None:
    job: BackgroundSweep = st.session_state[JOB]
    done, total = job.progress()
    if not job.finished:
        st.progress(
            done / max(total, 1),
            text=tr(f"{done} of {total} designs flown", f"{done} von {total} Designs geflogen"),
        )
    elif job.error:
        st.error(job.error)
    table = job.table()
    if table.empty:
        if job.finished:
            st.warning(tr("No design finished.", "Kein Design wurde fertig."))
        return
    if job.finished:
        st.success(
            tr(
                f"{len(table)} designs in {job.seconds:.1f} s: {int(table['flown'].sum())} "
                f"flown, {int(table['mission_completed'].sum())} completed the mission",
                f"{len(table)} Designs in {job.seconds:.1f} s: {int(table['flown'].sum())} "
                f"geflogen, {int(table['mission_completed'].sum())} mit erfüllter Mission",
            )
        )
    fields = list(job.spec.fields)
    figure = st.selectbox(
        tr("Figure", "Kennwert"),
        list(FIGURES),
        format_func=lambda f: FIGURES[f].label(language()),
        key="space_figure",
    )
    numeric = [f for f in fields if pd.api.types.is_numeric_dtype(table[f])]
    if len(numeric) >= 2:
        chart = heatmap_figure(table, numeric[0], numeric[1], figure, language())
    else:
        chart = curves_figure(table, fields[0], figure, language())
    st.plotly_chart(chart, width="stretch", key="space_chart")
    _pareto(table)
    _pick(job.spec, table, figure)
    _downloads(table)
    if job.finished and st.session_state.get("space_shown") is not job:
        # The last refresh of a finished sweep: draw the whole page once more without polling.
        st.session_state["space_shown"] = job
        st.rerun()


def _pareto(table: pd.DataFrame) -> None:
    with st.expander(tr("Pareto plot", "Pareto-Diagramm"), expanded=False):
        columns = st.columns(2)
        options = list(FIGURES)
        x = columns[0].selectbox(
            "x",
            options,
            index=options.index("mission_gravimetric_energy_density_wh_per_kg"),
            format_func=lambda f: FIGURES[f].label(language()),
            key="space_pareto_x",
        )
        y = columns[1].selectbox(
            "y",
            options,
            index=options.index("final_state_of_charge"),
            format_func=lambda f: FIGURES[f].label(language()),
            key="space_pareto_y",
        )
        st.plotly_chart(pareto_figure(table, x, y, language()), width="stretch", key="space_pf")


def _design_label(row: pd.Series, fields: list[str], figure: str) -> str:
    values = ", ".join(f"{f.split('.', 1)[-1]}={_short(row[f])}" for f in fields)
    shown = row[figure] * FIGURES[figure].scale
    figure_text = "–" if not row["flown"] or math.isnan(shown) else f"{shown:.3g}"
    return f"#{int(row['design'])}: {values} → {figure_text}"


def _short(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _pick(spec: SweepSpec, table: pd.DataFrame, figure: str) -> None:
    fields = list(spec.fields)
    ranked = table.sort_values(
        ["flown", figure], ascending=[False, not FIGURES[figure].more_is_better]
    )
    labels = {int(r["design"]): _design_label(r, fields, figure) for _, r in ranked.iterrows()}
    design = st.selectbox(
        tr("Design", "Design"), list(labels), format_func=labels.get, key="space_design"
    )
    row = table.set_index("design").loc[design]
    if not row["flown"]:
        st.caption(row["message"])
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
                "Dieser Sweep ändert keine Zellgröße: nichts für den Designer.",
            )
        )
        return
    if columns[0].button(
        tr("Open in the Cell designer", "Im Zelldesigner öffnen"), key="space_open_designer"
    ):
        from ui import navigation  # the pages import this page

        session.open_in_designer(base_cell, cell_changes)
        st.switch_page(navigation.page(navigation.CELL))
    if columns[1].button(tr("Add to the comparison", "Zum Vergleich hinzufügen"), key="space_add"):
        name = f"{base_cell} #{design}"
        option = session.add_own_cell(name, CellChoice(preset=base_cell, overrides=cell_changes))
        if session.queue_cell(option):
            st.success(tr(f"{name} joins the comparison.", f"{name} kommt in den Vergleich."))
        else:
            st.warning(tr("The comparison is full.", "Der Vergleich ist voll."))


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
