"""The Calibrate page's results: the fitted values, each test's errors, measured against
model plots, the validation tests, and the fitted cell to compare or save."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from sortie.calibration.cell_file import calibrated_document, calibrated_file_text
from sortie.calibration.fit import Calibration, FittedValue
from sortie.calibration.parameters import Place
from sortie.calibration.report import calibration_html
from sortie.presets.cell_files import slug
from sortie.studies.scenario import MAX_CELLS, CellChoice
from ui.figures.calibration_charts import voltage_fit_figure
from ui.state import session
from ui.text.i18n import (
    german_mode,
    language,
    message,
    name_of,
    number,
    reason_text,
    styled_table,
    tr,
)

# The kept fit: {"signature": ..., "calibration": Calibration, "checks": [ReplaySummary]}.
RESULT = "calib_result"


def _g(value: float | None) -> str:
    """Four significant digits, a decimal comma in German; "–" for none."""
    if value is None or not math.isfinite(value):
        return "–"
    text = f"{value:.4g}"
    return text.replace(".", ",") if german_mode() else text


def _note(value: FittedValue) -> str:
    notes = []
    if value.on_bound:
        notes.append(
            tr(
                "on its bound: the best value may lie outside",
                "am Rand: der beste Wert liegt evtl. außerhalb",
            )
        )
    if not value.identifiable:
        notes.append(tr("not identified by these tests", "durch diese Tests nicht bestimmt"))
    if value.place is Place.CONDITION:
        notes.append(
            tr("the test rig's, not in the cell file", "vom Prüfstand, nicht in der Zelldatei")
        )
    return "; ".join(notes)


def _values_table(calibration: Calibration) -> pd.DataFrame:
    return pd.DataFrame(
        {
            tr("Parameter", "Parameter"): [message(v.label) for v in calibration.values],
            tr("Unit", "Einheit"): [v.unit for v in calibration.values],
            tr("Start", "Start"): [_g(v.start) for v in calibration.values],
            tr("Bounds", "Grenzen"): [f"{_g(v.lower)} … {_g(v.upper)}" for v in calibration.values],
            tr("Fitted", "Angepasst"): [_g(v.value) for v in calibration.values],
            tr("± (1 sd)", "± (1 σ)"): [_g(v.standard_error) for v in calibration.values],
            tr("Note", "Hinweis"): [_note(v) for v in calibration.values],
        }
    )


def _optional(value: float | None) -> float:
    return math.nan if value is None or not math.isfinite(value) else float(value)


def _tests_table(calibration: Calibration):
    columns = {
        "rmse": tr("Voltage RMSE [mV]", "Spannungs-RMSE [mV]"),
        "start": tr("RMSE at the start [mV]", "RMSE zu Beginn [mV]"),
        "cutoff": tr("Time to cut-off error [%]", "Fehler Zeit bis Abschaltung [%]"),
        "capacity": tr("Capacity error [%]", "Kapazitätsfehler [%]"),
        "peak": tr("Peak temperature error [K]", "Fehler Spitzentemperatur [K]"),
    }
    frame = pd.DataFrame(
        {
            tr("Test", "Test"): [t.name for t in calibration.tests],
            tr("Ambient [°C]", "Umgebung [°C]"): [t.ambient_c for t in calibration.tests],
            columns["rmse"]: [_optional(t.rmse_mv) for t in calibration.tests],
            columns["start"]: [_optional(t.start_rmse_mv) for t in calibration.tests],
            columns["cutoff"]: [_optional(t.cutoff_time_error_pct) for t in calibration.tests],
            columns["capacity"]: [_optional(t.capacity_error_pct) for t in calibration.tests],
            columns["peak"]: [_optional(t.peak_temperature_error_k) for t in calibration.tests],
        }
    )
    decimals = {tr("Ambient [°C]", "Umgebung [°C]"): 0, **{c: 1 for c in columns.values()}}
    return styled_table(frame, decimals)


def _checks_table(checks: list):
    columns = {
        "rmse": tr("Voltage RMSE [mV]", "Spannungs-RMSE [mV]"),
        "cutoff": tr("Time to cut-off error [%]", "Fehler Zeit bis Abschaltung [%]"),
        "energy": tr("Energy error [%]", "Energiefehler [%]"),
        "rise": tr("Temperature rise error [K]", "Fehler Temperaturanstieg [K]"),
    }
    frame = pd.DataFrame(
        {
            tr("Test", "Test"): [c.test_name for c in checks],
            columns["rmse"]: [_optional(c.voltage_rmse_mv) for c in checks],
            columns["cutoff"]: [_optional(c.time_to_cutoff_error_percent) for c in checks],
            columns["energy"]: [_optional(c.energy_error_percent) for c in checks],
            columns["rise"]: [_optional(c.temperature_rise_error_k) for c in checks],
            tr("Model ended by", "Modell endete durch"): [
                reason_text(c.model_termination) for c in checks
            ],
        }
    )
    return styled_table(frame, dict.fromkeys(columns.values(), 1))


def _to_comparison(calibration: Calibration) -> None:
    base = calibration.base_cell
    label = tr(f"{name_of(base)} (calibrated)", f"{name_of(base)} (kalibriert)")
    choice = CellChoice(document=calibrated_document(calibration))
    if session.queue_cell(session.add_own_cell(label, choice)):
        st.toast(tr(f"{label} is in the comparison", f"{label} ist im Vergleich"))
    else:
        st.toast(
            tr(
                f"The comparison holds {MAX_CELLS} cells: remove one first.",
                f"Der Vergleich hat schon {MAX_CELLS} Zellen: erst eine entfernen.",
            )
        )


def show_results(calibration: Calibration, checks: list) -> None:
    st.subheader(tr("Fitted values", "Angepasste Werte"))
    improvement = calibration.initial_cost_v * 1000, calibration.cost_v * 1000
    st.caption(
        tr(
            f"{calibration.model.upper()}, {calibration.iterations} iterations, "
            f"{calibration.evaluations} evaluations, {number(calibration.seconds)} s; "
            f"cost {number(improvement[0], 1)} → {number(improvement[1], 1)} mV.",
            f"{calibration.model.upper()}, {calibration.iterations} Iterationen, "
            f"{calibration.evaluations} Auswertungen, {number(calibration.seconds)} s; "
            f"Kosten {number(improvement[0], 1)} → {number(improvement[1], 1)} mV.",
        )
    )
    st.dataframe(_values_table(calibration), hide_index=True, width="stretch")
    st.caption(
        tr(
            "± is one standard error from the Gauss-Newton covariance of the voltage residuals "
            "at the optimum (assumes independent residuals: a lower bound).",
            "± ist ein Standardfehler aus der Gauß-Newton-Kovarianz der Spannungsresiduen im "
            "Optimum (unabhängige Residuen angenommen: eine Untergrenze).",
        )
    )
    for value in calibration.values:
        if value.on_bound or not value.identifiable:
            st.warning(f"{message(value.label)}: {_note(value)}", icon=":material/warning:")
    st.subheader(tr("Each test at the fitted values", "Jeder Test mit den angepassten Werten"))
    st.dataframe(_tests_table(calibration), hide_index=True, width="stretch")
    for test in calibration.tests:
        if not math.isfinite(test.rmse_mv):
            st.warning(
                tr(
                    f"{test.name}: the fitted cell does not fly this test.",
                    f"{test.name}: Die angepasste Zelle fliegt diesen Test nicht.",
                ),
            )
    columns = st.columns(2)
    for index, test in enumerate(calibration.tests):
        columns[index % 2].plotly_chart(
            voltage_fit_figure(test, language()), width="stretch", key=f"calib_plot_{index}"
        )
    if checks:
        st.subheader(
            tr(
                "Validation: tests the fit never saw",
                "Validierung: Tests, die die Anpassung nie sah",
            )
        )
        st.caption(
            tr(
                f"The fitted cell flown at each test's measured current in the chamber "
                f"({calibration.model.upper()}); model minus measured.",
                f"Die angepasste Zelle mit dem gemessenen Strom jedes Tests in der Kammer "
                f"geflogen ({calibration.model.upper()}); Modell minus Messung.",
            )
        )
        st.dataframe(_checks_table(checks), hide_index=True, width="stretch")
    _keep(calibration)


def _keep(calibration: Calibration) -> None:
    name = f"{calibration.base_cell.name} calibrated"
    columns = st.columns(3)
    if columns[0].button(
        tr("Add to comparison", "Zum Vergleich hinzufügen"),
        icon=":material/playlist_add:",
        key="calib_add",
        width="stretch",
    ):
        _to_comparison(calibration)
    columns[1].download_button(
        tr("Save the cell file (TOML)", "Zelldatei speichern (TOML)"),
        calibrated_file_text(calibration, name),
        file_name=f"{slug(name)}.toml",
        icon=":material/download:",
        key="calib_save_cell",
        on_click="ignore",
        width="stretch",
    )
    columns[2].download_button(
        tr("Save the fit report (HTML)", "Anpassungsbericht speichern (HTML)"),
        calibration_html(calibration),
        file_name=f"{slug(name)}-fit.html",
        mime="text/html",
        icon=":material/download:",
        key="calib_save_report",
        on_click="ignore",
        width="stretch",
    )
