"""Cell designer: change what a cell designer changes, see capacity, mass and energy density."""

from __future__ import annotations

import dataclasses

import streamlit as st
import tomli_w

from sortie.cells.budget import CellBudget
from sortie.cells.cell import Cell
from sortie.cells.design_edits import (
    DesignField,
    StackFix,
    StackOption,
    StackOverflow,
    describe_changes,
    field_range,
    field_value,
    stack_overflow,
)
from sortie.cells.matching import CapacityMatchError, match_capacity
from sortie.errors import SortieError
from sortie.presets import PresetKind, list_presets, load_cell
from sortie.presets.cell_files import cell_document, cell_file_text, matched_cell
from sortie.quantities import cell_field
from sortie.studies.scenario import MAX_CELLS, CellChoice, design_document
from ui.figures.charts import breakdown_figure
from ui.state import session
from ui.text.i18n import fidelity_warnings, language, message, name_of, number, tr
from ui.widgets.number_field import number_field

DEFAULT_CELL = "lg-m50-21700"
# The fields shown in the design panel, in order (labels, units and steps: sortie.quantities).
FIELDS = tuple(DesignField)
# Far above any cell a drone carries; 0 keeps the design's own capacity.
MAX_TARGET_AH = 1000.0


def _apply_pending_design() -> None:
    """A design sent here (from the Design space page): set the widgets before they are
    drawn. Fields the panel does not show are kept as they are in the preset."""
    pending = st.session_state.pop(session.PENDING_DESIGN, None)
    if pending is None:
        return
    preset = pending["preset"]
    st.session_state["design-cell"] = preset
    shown = {field.value for field in FIELDS}
    for alias, value in pending["changes"].items():
        if alias in shown:
            st.session_state[f"{preset}-{alias}"] = float(value)


def _seed(key: str, value: object) -> None:
    """A widget's first value, written to its key before it is drawn. The widgets here take
    no ``value=``/``index=``: Streamlit warns when a widget has a default and its key is also
    set through session state (as a design opened from another page sets them)."""
    if key not in st.session_state:
        st.session_state[key] = value


def _design_inputs(
    base: Cell, cell_id: str
) -> tuple[dict[DesignField, float | None], float | None]:
    """The design fields and the capacity target; None for one that is empty or out of
    range (the field says so under itself, in its own label)."""
    values: dict[DesignField, float | None] = {}
    for field in FIELDS:
        key = f"{cell_id}-{field.value}"
        _seed(key, float(field_value(base.design, field)))
        low, high = field_range(base.design, field)
        shown = cell_field(field.value)
        values[field] = number_field(
            shown.label(language()),
            key=key,
            min_value=low,
            max_value=high,
            step=shown.step,
            format="%.3g",
        )
    _seed(f"{cell_id}-target", 0.0)
    target = number_field(
        tr("Match capacity [Ah] (0: keep)", "Kapazität anpassen [Ah] (0: beibehalten)"),
        key=f"{cell_id}-target",
        min_value=0.0,
        max_value=MAX_TARGET_AH,
        step=0.1,
    )
    return values, target


def _option_label(option: StackOption) -> str:
    layers = option.cathode_layer_count
    if option.fix is StackFix.FEWER_LAYERS:
        pouch = number(option.pouch_thickness_mm, 2)
        return tr(f"{layers} layers in the {pouch} mm pouch", f"{layers} Lagen im {pouch}-mm-Pouch")
    if option.fix is StackFix.THICKER_POUCH:
        pouch = number(option.pouch_thickness_mm, 2)
        return tr(
            f"{layers} layers in a {pouch} mm pouch", f"{layers} Lagen in einem {pouch}-mm-Pouch"
        )
    area = number(option.electrode_area_m2, 4)
    return tr(
        f"{area} m² of electrode (a shorter roll)", f"{area} m² Elektrode (ein kürzerer Wickel)"
    )


def _way_out(
    cell_id: str, overflow: StackOverflow, overrides: dict[str, float]
) -> StackOption | None:
    """The way out the user picks (the first, fewer layers, unless another is chosen), each
    option labelled with what it gives; None when there is none (then the page says why)."""
    if not overflow.options:
        st.error(
            tr(
                f"{message(overflow.message)}: no number of layers fits. Make the coatings "
                "thinner.",
                f"{message(overflow.message)}: keine Lagenzahl passt. Dünnere Schichten wählen.",
            )
        )
        return None
    by_fix = {option.fix.value: option for option in overflow.options}
    key = f"{cell_id}-stack-fix"
    if st.session_state.get(key) not in by_fix:
        st.session_state.pop(key, None)

    def label(fix: str) -> str:
        text = _option_label(by_fix[fix])
        try:
            budget = load_cell(cell_id, {**overrides, **by_fix[fix].overrides}).budget
        except SortieError:
            return text
        capacity = number(budget.capacity_ah, 2)
        return f"{text}: {capacity} Ah, {number(budget.gravimetric_energy_density_wh_per_kg)} Wh/kg"

    # Made now, in the session's language (format_func may be called outside the run).
    labels = {fix: label(fix) for fix in by_fix}

    said = message(overflow.message)
    said = said[:1].upper() + said[1:]  # a sentence here, a clause in the domain's message
    chosen = by_fix[
        st.radio(tr("Way out", "Ausweg"), list(by_fix), format_func=labels.__getitem__, key=key)
    ]
    st.warning(
        tr(
            f"{said}. The figures are for {_option_label(chosen)}.",
            f"{said}. Die Werte gelten für {_option_label(chosen)}.",
        ),
        icon=":material/layers:",
    )
    return chosen


def render() -> None:
    st.title(tr("Cell designer", "Zelldesigner"))
    _apply_pending_design()
    # Labels made here, not in format_func: Streamlit (and AppTest) may call it outside the
    # script run, where the session's language is not at hand.
    cells = {p.id: name_of(p) for p in list_presets(PresetKind.CELL)}
    _seed("design-cell", DEFAULT_CELL if DEFAULT_CELL in cells else next(iter(cells)))
    cell_id = st.selectbox(
        tr("Start from", "Ausgangszelle"),
        list(cells),
        format_func=cells.__getitem__,
        key="design-cell",
    )
    base = load_cell(cell_id)
    left, right = st.columns([1, 2])
    with left:
        values, target = _design_inputs(base, cell_id)
    with right:
        if target is None or any(value is None for value in values.values()):
            st.info(
                tr(
                    "The figures show again once every field holds a number in its range.",
                    "Die Werte erscheinen wieder, sobald jedes Feld eine Zahl im Bereich hat.",
                ),
                icon=":material/block:",
            )
            return
        edits = {field: float(v) for field, v in values.items() if v is not None}
        overrides: dict[str, float] = {
            field.value: value
            for field, value in edits.items()
            if value != field_value(base.design, field)
        }
        overflow = stack_overflow(base.design, edits)
        if overflow is not None:
            option = _way_out(cell_id, overflow, overrides)
            if option is None:
                return
            overrides = {**overrides, **option.overrides}
        try:
            cell = load_cell(cell_id, overrides)
            edited = cell
            if target > 0:
                matched = dataclasses.replace(
                    cell, design=match_capacity(cell.design, cell.chemistry, target)
                )
                cell = _matched(base, edited, matched, target)
        except (SortieError, CapacityMatchError) as error:
            st.error(message(str(error)))
            return
        if target > 0:
            st.markdown(f"**{name_of(cell)}**")
        changes = describe_changes(base.design, edited.design)
        if changes:
            st.caption(
                tr("Changed from the preset: ", "Geändert gegenüber der Vorlage: ")
                + ", ".join(message(change) for change in changes)
            )
        budget = cell.budget
        _figures(budget, base.budget)
        st.caption(_geometry(cell))
        st.subheader(tr("Mass budget", "Massenbilanz"))
        st.plotly_chart(
            breakdown_figure({k: 1e3 * v for k, v in budget.component_mass_kg.items()}, language()),
            width="stretch",
        )
        for warning in budget.warnings:
            st.warning(message(warning))
        for warning in fidelity_warnings(cell.fidelity):
            st.warning(warning)
        if target > 0:
            _keep_matched(base, cell, target, changes)
        elif overrides:
            _keep(cell_id, cell, overrides)


def _figures(budget: CellBudget, reference: CellBudget) -> None:
    """The six key figures of the design, each with its change from the preset it started
    from, in the session's number format."""
    # (label, unit, decimals, value of this design, value of the preset it started from)
    figures = (
        (tr("Capacity", "Kapazität"), "Ah", 2, budget.capacity_ah, reference.capacity_ah),
        (tr("Energy", "Energie"), "Wh", 1, budget.energy_wh, reference.energy_wh),
        (tr("N/P ratio", "N/P-Verhältnis"), "", 2, budget.np_ratio, reference.np_ratio),
        (tr("Mass", "Masse"), "g", 1, budget.mass_g, reference.mass_g),
        (
            tr("Gravimetric", "Gravimetrisch"),
            "Wh/kg",
            0,
            budget.gravimetric_energy_density_wh_per_kg,
            reference.gravimetric_energy_density_wh_per_kg,
        ),
        (
            tr("Volumetric", "Volumetrisch"),
            "Wh/L",
            0,
            budget.volumetric_energy_density_wh_per_l,
            reference.volumetric_energy_density_wh_per_l,
        ),
    )
    for start in (0, 3):
        row = st.columns(3)
        for column, (label, unit, decimals, value, before) in zip(
            row, figures[start : start + 3], strict=True
        ):
            change = round(value - before, decimals)
            # The sign leads (st.metric colours the delta by it); none where the change
            # rounds to nothing at the shown precision.
            delta = f"{'+' if change > 0 else ''}{number(change, decimals)} {unit}".strip()
            column.metric(
                label,
                f"{number(value, decimals)} {unit}".strip(),
                delta=delta if change else None,
                delta_color="off" if label == tr("Mass", "Masse") else "normal",
            )


def _geometry(cell: Cell) -> str:
    """One line on the electrodes: area, jelly roll or layers, areal capacity."""
    design, budget = cell.design, cell.budget
    area = f"{number(budget.electrode_area_m2, 4)} m²"
    geometry = tr(f"Electrode area {area}", f"Elektrodenfläche {area}")
    if design.jelly_roll_length_m:
        roll = f"{number(1e3 * design.jelly_roll_length_m)} mm"
        geometry += tr(f", jelly roll {roll}", f", Wickel {roll}")
    if design.winding_turns:
        turns = number(design.winding_turns, 1)
        geometry += tr(f", {turns} turns", f", {turns} Windungen")
    if design.cathode_layer_count:
        layers = design.cathode_layer_count
        geometry += tr(f", {layers} cathode layers", f", {layers} Kathodenlagen")
    areal = f"{number(budget.areal_capacity_mah_per_cm2, 2)} mAh/cm²"
    return geometry + tr(f"; areal capacity {areal}", f"; Flächenkapazität {areal}")


def _to_comparison(label: str, choice: CellChoice) -> None:
    # Queued, not written: the compare page selects it before drawing its widgets (and after
    # its first-visit default, which would otherwise replace it).
    if session.queue_cell(session.add_own_cell(label, choice)):
        st.toast(tr(f"{label} is in the comparison", f"{label} ist im Vergleich"))
    else:
        st.toast(
            tr(
                f"The comparison holds {MAX_CELLS} cells: remove one first.",
                f"Der Vergleich hat schon {MAX_CELLS} Zellen: erst eine entfernen.",
            )
        )


def _matched(base: Cell, edited: Cell, matched: Cell, target_ah: float) -> Cell:
    """The capacity match of ``edited`` (``base`` with the page's changes), named and
    described for what it is (see :func:`sortie.presets.cell_files.matched_cell`): an edited
    design says "(edited)" in its name and its description lists the changes (its electrodes
    are not the preset's)."""
    return matched_cell(edited, matched, target_ah, describe_changes(base.design, edited.design))


def _keep_matched(base: Cell, matched: Cell, target_ah: float, changes: tuple[str, ...]) -> None:
    """The cell you buy: the matched design as a full cell file (it holds the match), for the
    comparison or to download."""
    edits = f" with {', '.join(changes)}" if changes else ""
    document = cell_document(
        matched,
        name=matched.name,
        description=matched.design.description,
        derived_from=f"{base.id}{edits} matched to {target_ah:g} Ah",
        cell_id=matched.id,
    )
    choice = CellChoice(document=document)
    columns = st.columns(2)
    if columns[0].button(
        tr("Add to the comparison", "Zum Vergleich hinzufügen"),
        icon=":material/playlist_add:",
        key="add_matched_to_comparison",
        width="stretch",
    ):
        _to_comparison(name_of(matched), choice)
    columns[1].download_button(
        tr("Save the matched cell (TOML)", "Angepasste Zelle speichern (TOML)"),
        cell_file_text(document),
        file_name=f"{document['id']}.toml",
        icon=":material/download:",
        key="save_matched",
        on_click="ignore",
        width="stretch",
    )


def _keep(cell_id: str, cell: Cell, overrides: dict[str, float]) -> None:
    """Put the edited design into the comparison (labelled in the session's language), or
    save it as a cell file (named in English, with its German name beside it)."""
    choice = CellChoice(preset=cell_id, overrides=overrides)
    label = f"{name_of(cell)} ({tr('edited', 'geändert')})"
    document = design_document(choice, f"{cell.name} (edited)")
    if cell.name_de:
        document["name_de"] = f"{cell.name_de} (geändert)"
    columns = st.columns(2)
    if columns[0].button(
        tr("Add to the comparison", "Zum Vergleich hinzufügen"),
        icon=":material/playlist_add:",
        key="add_to_comparison",
        width="stretch",
    ):
        _to_comparison(label, choice)
    columns[1].download_button(
        tr("Save this design (TOML)", "Design speichern (TOML)"),
        tomli_w.dumps(document),
        file_name=f"{cell_id}-custom.toml",
        icon=":material/download:",
        key="save_design",
        on_click="ignore",
        width="stretch",
    )
