"""Calibrate a cell: fit a preset (or a cell file) to measured discharges with PyBOP, see the
fit, check it on held-out tests, take the fitted cell into the comparison or save it.

The inputs are drawn here; the fit runs in the script's run (a progress bar follows it) and
its result is kept in the session, so a rerun (a language switch, a click on a download)
never fits again. The results are drawn by :mod:`ui.pages.calibrate_results`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import streamlit as st

from sortie.calibration.fit import DEFAULT_HEAT_TRANSFER_W_PER_M2_K, calibrate
from sortie.calibration.parameters import REGISTRY, FitKey, default_parameters
from sortie.calibration.validation import check_separate, validate
from sortie.cells.cell import Cell
from sortie.measurements.cell_test import CellTest
from sortie.presets import PresetKind, list_presets, load_cell
from sortie.studies.scenario import cell_choice
from ui.guard import USER_ERRORS, user_message
from ui.pages.calibrate_data import LGM50, UPLOAD, lgm50_data, uploaded_data
from ui.pages.calibrate_results import RESULT, show_results
from ui.text.i18n import message, name_of, number, tr
from ui.widgets.number_field import number_field
from ui.widgets.uploads import read_upload

DEFAULT_CELL = "lg-m50-21700-chen2020"
PRESET, FILE = "preset", "file"
# What the shipped calibrated preset was fitted with (the README's command).
LGM50_PARAMETERS = (
    FitKey.POSITIVE_ACTIVE_FRACTION,
    FitKey.POSITIVE_EXCHANGE_CURRENT,
    FitKey.DIFFUSIVITY_ACTIVATION_ENERGY,
)
DEFAULT_MODEL = "spme"  # minutes, not tens of minutes, in the app; the preset used DFN
ITERATIONS_RANGE = (1, 200)
DEFAULT_ITERATIONS = 40
# Two cores shared by every session: one fit at a time (a second waits for the first).
_FITTING = threading.Lock()


@dataclass(frozen=True)
class Inputs:
    """What one fit is made of; ``signature`` tells a kept result whether it is this one's."""

    cell: Cell
    reference: str
    tests: tuple[CellTest, ...]
    validation: tuple[CellTest, ...]
    parameters: tuple[FitKey, ...]
    model: str
    iterations: int
    signature: tuple


def _seed(key: str, value: object) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def _base_cell() -> tuple[Cell, str, str] | None:
    """The base cell, how the cell file names it, and what identifies it (None: a cell file
    is still to come, or it was refused: the page says so)."""
    _seed("calib_base_source", PRESET)
    source = st.radio(
        tr("Base cell", "Ausgangszelle"),
        [PRESET, FILE],
        format_func={
            PRESET: tr("a preset", "eine Vorlage"),
            FILE: tr("a cell file", "eine Zelldatei"),
        }.get,
        key="calib_base_source",
        horizontal=True,
    )
    if source == PRESET:
        cells = {p.id: name_of(p) for p in list_presets(PresetKind.CELL)}
        _seed("calib_cell", DEFAULT_CELL if DEFAULT_CELL in cells else next(iter(cells)))
        cell_id = st.selectbox(
            tr("Preset", "Vorlage"), list(cells), format_func=cells.__getitem__, key="calib_cell"
        )
        return load_cell(cell_id), cell_id, cell_id
    upload = st.file_uploader(
        tr("Cell file (.toml)", "Zelldatei (.toml)"), type=["toml"], key="calib_cell_file"
    )
    if upload is None:
        st.info(tr("Choose a cell file to start from.", "Eine Zelldatei als Ausgang wählen."))
        return None
    try:
        _, cell = cell_choice(upload.name, read_upload(upload))
    except USER_ERRORS as error:
        st.error(user_message(error), icon=":material/error:")
        return None
    return cell, upload.name, upload.file_id


def _parameters(defaults: tuple[FitKey, ...], data_key: tuple) -> tuple[FitKey, ...]:
    """The parameters to fit; the defaults follow the data (a new data choice resets
    them)."""
    if st.session_state.get("calib_keys_for") != data_key[:2]:
        st.session_state["calib_keys_for"] = data_key[:2]
        st.session_state["calib_keys"] = [key.value for key in defaults]
    # The command line's names beside the English labels (``sortie calibrate --fit``).
    labels = {
        key.value: tr(f"{REGISTRY[key].label} ({key.value})", message(REGISTRY[key].label))
        for key in FitKey
    }
    chosen = st.multiselect(
        tr("Parameters to fit", "Anzupassende Parameter"),
        list(labels),
        format_func=labels.__getitem__,
        key="calib_keys",
    )
    return tuple(FitKey(value) for value in chosen)


def _settings() -> tuple[str, int | None]:
    models = {
        "spm": tr(
            "SPM (fastest, ~10 s; reads high at high rates)",
            "SPM (am schnellsten, ~10 s; liest bei hohen Raten zu hoch)",
        ),
        "spme": tr("SPMe (1-2 minutes)", "SPMe (1-2 Minuten)"),
        "dfn": tr("DFN (most faithful, many minutes)", "DFN (am genauesten, viele Minuten)"),
    }
    left, right = st.columns(2)
    _seed("calib_model", DEFAULT_MODEL)
    model = left.selectbox(
        tr("Model", "Modell"), list(models), format_func=models.__getitem__, key="calib_model"
    )
    left.caption(
        tr(
            "The shipped calibrated LG M50 preset was fitted with DFN (40 iterations).",
            "Die mitgelieferte kalibrierte LG-M50-Vorlage wurde mit DFN angepasst "
            "(40 Iterationen).",
        )
    )
    _seed("calib_iterations", DEFAULT_ITERATIONS)
    iterations = number_field(
        tr("Iterations (at most)", "Iterationen (höchstens)"),
        key="calib_iterations",
        min_value=ITERATIONS_RANGE[0],
        max_value=ITERATIONS_RANGE[1],
        integer=True,
        container=right,
    )
    return model, iterations


def _inputs() -> Inputs | None:
    st.subheader(tr("1. The cell to start from", "1. Die Ausgangszelle"))
    base = _base_cell()
    st.subheader(tr("2. The measurements", "2. Die Messungen"))
    sources = {
        LGM50: tr("LG M50 rate tests (shipped, WMG)", "LG-M50-Ratentests (mitgeliefert, WMG)"),
        UPLOAD: tr("my cycler export (CSV)", "mein Zyklisierer-Export (CSV)"),
    }
    _seed("calib_data", LGM50)
    source = st.radio(
        tr("Measured data", "Messdaten"),
        list(sources),
        format_func=sources.__getitem__,
        key="calib_data",
        horizontal=True,
    )
    data = lgm50_data() if source == LGM50 else uploaded_data()
    st.subheader(tr("3. The fit", "3. Die Anpassung"))
    if data is None:
        return None
    tests, validation, data_key = data
    defaults = LGM50_PARAMETERS if source == LGM50 else default_parameters(tests)
    parameters = _parameters(defaults, data_key)
    model, iterations = _settings()
    if base is None or iterations is None:
        return None
    if not parameters:
        st.warning(tr("Pick at least one parameter.", "Mindestens einen Parameter wählen."))
        return None
    cell, reference, cell_key = base
    signature = (cell_key, data_key, parameters, model, iterations)
    return Inputs(
        cell, reference, tests, tuple(validation), parameters, model, iterations, signature
    )


def _fit(inputs: Inputs) -> None:
    """Fit, check on the validation tests, keep the result (or the one line that says why
    not) in the session."""
    bar = st.progress(0.0, text=tr("Fitting…", "Anpassung läuft…"))

    def progress(done: int, total: int) -> None:
        share = min(done / total, 1.0) if total else 1.0
        bar.progress(
            share,
            text=tr(
                f"Fitting: generation {done} of {total}",
                f"Anpassung: Generation {done} von {total}",
            ),
        )

    try:
        check_separate(inputs.tests, inputs.validation)
        with _FITTING:
            calibration = calibrate(
                inputs.cell,
                inputs.tests,
                inputs.parameters,
                model=inputs.model,
                base_reference=inputs.reference,
                max_iterations=inputs.iterations,
                progress=progress,
            )
            if inputs.validation:
                bar.progress(
                    1.0,
                    text=tr(
                        "Checking on the validation tests…", "Prüfung an den Validierungstests…"
                    ),
                )
            checks = validate(calibration, inputs.validation, DEFAULT_HEAT_TRANSFER_W_PER_M2_K)
    except USER_ERRORS as error:
        bar.empty()
        st.session_state.pop(RESULT, None)
        st.error(user_message(error), icon=":material/error:")
        return
    bar.empty()
    st.session_state[RESULT] = {
        "signature": inputs.signature,
        "calibration": calibration,
        "checks": checks,
    }


def render() -> None:
    st.title(tr("Calibrate a cell", "Zelle kalibrieren"))
    st.caption(
        tr(
            "Fit a cell's parameters to measured discharges (PyBOP on Sortie's models), check "
            "the fit on tests it never saw, and fly the fitted cell.",
            "Parameter einer Zelle an gemessene Entladungen anpassen (PyBOP auf den Modellen "
            "von Sortie), die Anpassung an nie gesehenen Tests prüfen und die angepasste Zelle "
            "fliegen.",
        )
    )
    inputs = _inputs()
    if inputs is not None:
        tests = len(inputs.tests)
        st.caption(
            tr(
                f"{tests} test(s), {len(inputs.parameters)} parameter(s), "
                f"{number(inputs.iterations)} iterations at most.",
                f"{tests} Test(s), {len(inputs.parameters)} Parameter, höchstens "
                f"{number(inputs.iterations)} Iterationen.",
            )
        )
        if st.button(
            tr("Fit", "Anpassen"), type="primary", icon=":material/tune:", key="calib_fit"
        ):
            _fit(inputs)
    kept = st.session_state.get(RESULT)
    if kept is None:
        return
    if inputs is None or kept["signature"] != inputs.signature:
        st.info(
            tr(
                "These results are from the last fit; the inputs have changed since. Press "
                "Fit to fit again.",
                "Diese Ergebnisse stammen von der letzten Anpassung; die Eingaben haben sich "
                "seitdem geändert. „Anpassen“ drücken, um neu anzupassen.",
            )
        )
    show_results(kept["calibration"], kept["checks"])
