"""Cell designer: change what a cell designer changes, see capacity, mass and energy density."""

from __future__ import annotations

import dataclasses

import streamlit as st
import tomli_w

from sortie.cells.matching import CapacityMatchError, match_capacity
from sortie.errors import SortieError
from sortie.presets import PresetKind, list_presets, load_cell
from sortie.presets.cell_files import cell_file_text, matched_cell, matched_cell_document
from sortie.studies.scenario import MAX_CELLS, CellChoice, design_document
from ui import session
from ui.charts import breakdown_figure
from ui.i18n import language, tr

DEFAULT_CELL = "lg-m50-21700"
# (alias, English label, German label, step) of the fields shown in the design panel.
FIELDS = (
    ("positive_electrode_thickness_um", "Positive coating [µm]", "Kathodenschicht [µm]", 1.0),
    ("negative_electrode_thickness_um", "Negative coating [µm]", "Anodenschicht [µm]", 1.0),
    ("positive_electrode_porosity", "Positive porosity [-]", "Porosität Kathode [-]", 0.01),
    ("negative_electrode_porosity", "Negative porosity [-]", "Porosität Anode [-]", 0.01),
    (
        "positive_particle_radius_um",
        "Positive particle radius [µm]",
        "Partikelradius Kathode [µm]",
        0.1,
    ),
    (
        "negative_particle_radius_um",
        "Negative particle radius [µm]",
        "Partikelradius Anode [µm]",
        0.1,
    ),
    ("separator_thickness_um", "Separator [µm]", "Separator [µm]", 1.0),
)


def _current(cell, alias: str) -> float:
    side, _, rest = alias.partition("_")
    design = cell.design
    if side == "separator":
        return design.separator.thickness_um
    electrode = getattr(design, side)
    if rest.endswith("thickness_um"):
        return electrode.coating_thickness_um
    if rest.endswith("porosity"):
        return electrode.porosity
    return electrode.particle_radius_um


def _apply_pending_design() -> None:
    """A design sent here (from the Design space page): set the widgets before they are
    drawn. Fields the panel does not show are kept as they are in the preset."""
    pending = st.session_state.pop(session.PENDING_DESIGN, None)
    if pending is None:
        return
    preset = pending["preset"]
    st.session_state["design-cell"] = preset
    shown = {alias for alias, *_ in FIELDS}
    for alias, value in pending["changes"].items():
        if alias in shown:
            st.session_state[f"{preset}-{alias}"] = float(value)


def render() -> None:
    st.title(tr("Cell designer", "Zelldesigner"))
    _apply_pending_design()
    cells = {p.id: p for p in list_presets(PresetKind.CELL)}
    cell_id = st.selectbox(
        tr("Start from", "Ausgangszelle"),
        list(cells),
        format_func=lambda i: cells[i].name,
        index=list(cells).index(DEFAULT_CELL) if DEFAULT_CELL in cells else 0,
        key="design-cell",
    )
    base = load_cell(cell_id)
    left, right = st.columns([1, 2])
    overrides = {}
    with left:
        for alias, english, german, step in FIELDS:
            value = st.number_input(
                tr(english, german),
                value=float(_current(base, alias)),
                step=step,
                format="%.3g",
                key=f"{cell_id}-{alias}",
            )
            if value != _current(base, alias):
                overrides[alias] = value
        target = st.number_input(
            tr("Match capacity [Ah] (0: keep)", "Kapazität anpassen [Ah] (0: beibehalten)"),
            min_value=0.0,
            value=0.0,
            step=0.1,
            key=f"{cell_id}-target",
        )
    with right:
        try:
            cell = load_cell(cell_id, overrides)
            edited = cell
            if target > 0:
                matched = dataclasses.replace(
                    cell, design=match_capacity(cell.design, cell.chemistry, target)
                )
                cell = matched_cell(edited, matched, target)
        except (SortieError, CapacityMatchError) as error:
            st.error(str(error))
            return
        if target > 0:
            st.markdown(f"**{cell.name}**")
        budget, reference = cell.budget, base.budget
        # (label, unit, format, value of this design, value of the preset it started from)
        figures = (
            (tr("Capacity", "Kapazität"), "Ah", ".2f", budget.capacity_ah, reference.capacity_ah),
            (tr("Energy", "Energie"), "Wh", ".1f", budget.energy_wh, reference.energy_wh),
            (tr("N/P ratio", "N/P-Verhältnis"), "", ".2f", budget.np_ratio, reference.np_ratio),
            (tr("Mass", "Masse"), "g", ".1f", budget.mass_g, reference.mass_g),
            (
                tr("Gravimetric", "Gravimetrisch"),
                "Wh/kg",
                ".0f",
                budget.gravimetric_energy_density_wh_per_kg,
                reference.gravimetric_energy_density_wh_per_kg,
            ),
            (
                tr("Volumetric", "Volumetrisch"),
                "Wh/L",
                ".0f",
                budget.volumetric_energy_density_wh_per_l,
                reference.volumetric_energy_density_wh_per_l,
            ),
        )
        for start in (0, 3):
            row = st.columns(3)
            for column, (label, unit, spec, value, before) in zip(
                row, figures[start : start + 3], strict=True
            ):
                change = value - before
                column.metric(
                    label,
                    f"{value:{spec}} {unit}".strip(),
                    # No delta where the change rounds to nothing at the shown precision.
                    delta=f"{change:+{spec}} {unit}".strip() if float(f"{change:{spec}}") else None,
                    delta_color="off" if label == tr("Mass", "Masse") else "normal",
                )
        design = cell.design
        geometry = f"Electrode area {budget.electrode_area_m2:.4f} m²"
        if design.jelly_roll_length_m:
            geometry += f", jelly roll {1e3 * design.jelly_roll_length_m:.0f} mm"
        if design.winding_turns:
            geometry += f", {design.winding_turns:.1f} turns"
        if design.cathode_layer_count:
            geometry += f", {design.cathode_layer_count} cathode layers"
        st.caption(geometry + f"; areal capacity {budget.areal_capacity_mah_per_cm2:.2f} mAh/cm²")
        st.subheader(tr("Mass budget", "Massenbilanz"))
        st.plotly_chart(
            breakdown_figure({k: 1e3 * v for k, v in budget.component_mass_kg.items()}, language()),
            width="stretch",
        )
        for warning in (*budget.warnings, *cell.chemistry.fidelity.warnings):
            st.warning(warning)
        if target > 0:
            _keep_matched(edited, cell, target)
        elif overrides:
            _keep(cell_id, cell.name, overrides)


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


def _keep_matched(edited, matched, target_ah: float) -> None:
    """The cell you buy: the matched design as a full cell file (it holds the match), for the
    comparison or to download."""
    document = matched_cell_document(edited, matched, target_ah)
    choice = CellChoice(document=document)
    columns = st.columns(2)
    if columns[0].button(
        tr("Add to the comparison", "Zum Vergleich hinzufügen"),
        icon=":material/playlist_add:",
        key="add_matched_to_comparison",
        width="stretch",
    ):
        _to_comparison(matched.name, choice)
    columns[1].download_button(
        tr("Save the matched cell (TOML)", "Angepasste Zelle speichern (TOML)"),
        cell_file_text(document),
        file_name=f"{document['id']}.toml",
        icon=":material/download:",
        key="save_matched",
        on_click="ignore",
        width="stretch",
    )


def _keep(cell_id: str, name: str, overrides: dict[str, float]) -> None:
    """Put the edited design into the comparison, or save it as a cell file."""
    choice = CellChoice(preset=cell_id, overrides=overrides)
    label = f"{name} ({tr('edited', 'geändert')})"
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
        tomli_w.dumps(design_document(choice, label)),
        file_name=f"{cell_id}-custom.toml",
        icon=":material/download:",
        key="save_design",
        on_click="ignore",
        width="stretch",
    )
