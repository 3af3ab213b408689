"""The Calibrate page's measured data: the shipped LG M50 set (its calibration tests to pick,
its held-out tests to check on) or a user's cycler export (read with the reader's options:
current sign, kind of tests, a test column, the chamber), as (tests to fit, validation tests,
what identifies the choice). A file that cannot be read is one line on the page."""

from __future__ import annotations

import streamlit as st

from sortie.measurements.cell_test import CellTest, DataSet, TestKind
from sortie.measurements.reader import CurrentSign, read_cell_tests
from ui.guard import USER_ERRORS, user_message
from ui.text.i18n import tr
from ui.widgets.number_field import number_field
from ui.widgets.uploads import read_upload

LGM50, UPLOAD = "lgm50", "upload"
AMBIENT_RANGE_C = (-40.0, 80.0)

Data = tuple[tuple[CellTest, ...], tuple[CellTest, ...], tuple]


def _seed(key: str, value: object) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def lgm50_data() -> Data | None:
    from sortie.measurements.lgm50 import lgm50_tests

    calibration = {t.name: t for t in lgm50_tests(DataSet.CALIBRATION)}
    held_out = lgm50_tests(DataSet.VALIDATION)
    chosen = _choose_tests(calibration, "calib_lgm50_tests")
    if not chosen:
        return None
    names = ", ".join(t.name for t in held_out)
    _seed("calib_validate", True)
    check = st.checkbox(
        tr(
            f"Check the fit on the held-out tests ({names})",
            f"Anpassung an den zurückgehaltenen Tests prüfen ({names})",
        ),
        key="calib_validate",
    )
    validation = held_out if check else ()
    return chosen, validation, (LGM50, tuple(t.name for t in chosen), check)


def _choose_tests(tests: dict[str, CellTest], key: str) -> tuple[CellTest, ...]:
    if st.session_state.get(key) is not None and not set(st.session_state[key]) <= set(tests):
        del st.session_state[key]  # a new file: its own tests
    _seed(key, list(tests))
    names = st.multiselect(tr("Tests to fit", "Tests für die Anpassung"), list(tests), key=key)
    if not names:
        st.warning(tr("Pick at least one test.", "Mindestens einen Test wählen."))
    return tuple(tests[name] for name in names)


def _reader_options() -> dict | None:
    """How the cycler files are read (None: a field is out of range, it says so)."""
    signs = {
        CurrentSign.DISCHARGE_POSITIVE.value: tr("discharge positive", "Entladung positiv"),
        CurrentSign.DISCHARGE_NEGATIVE.value: tr(
            "discharge negative (Arbin, BioLogic, Neware)",
            "Entladung negativ (Arbin, BioLogic, Neware)",
        ),
        CurrentSign.FROM_STATE.value: tr(
            "from the state column (Maccor)", "aus der Zustandsspalte (Maccor)"
        ),
    }
    kinds = {
        TestKind.RATE.value: tr("rate tests (constant current)", "Ratentests (konstanter Strom)"),
        TestKind.SLOW_DISCHARGE.value: tr("slow discharge (C/10)", "langsame Entladung (C/10)"),
        TestKind.PULSE.value: tr("pulses", "Pulse"),
        TestKind.DRIVE.value: tr("any other profile", "anderes Profil"),
    }
    left, right = st.columns(2)
    _seed("calib_sign", CurrentSign.DISCHARGE_POSITIVE.value)
    sign = left.radio(
        tr("Current sign in the file", "Stromvorzeichen in der Datei"),
        list(signs),
        format_func=signs.__getitem__,
        key="calib_sign",
    )
    _seed("calib_kind", TestKind.RATE.value)
    kind = right.selectbox(
        tr("What the tests are", "Art der Tests"),
        list(kinds),
        format_func=kinds.__getitem__,
        key="calib_kind",
    )
    column = right.text_input(
        tr(
            "Column that tells tests apart (optional)", "Spalte, die Tests unterscheidet (optional)"
        ),
        key="calib_test_column",
    ).strip()
    _seed("calib_ambient_from_file", False)
    from_file = left.checkbox(
        tr("Ambient from the file's chamber column", "Umgebung aus der Kammerspalte der Datei"),
        key="calib_ambient_from_file",
    )
    ambient = None
    if not from_file:
        _seed("calib_ambient", 25.0)
        ambient = number_field(
            tr("Chamber temperature [°C]", "Kammertemperatur [°C]"),
            key="calib_ambient",
            min_value=AMBIENT_RANGE_C[0],
            max_value=AMBIENT_RANGE_C[1],
            step=1.0,
            container=left,
        )
        if ambient is None:
            return None
    return {
        "current_sign": CurrentSign(sign),
        "ambient_c": ambient,
        "test_columns": [c.strip() for c in column.split(",") if c.strip()],
        "kind": TestKind(kind),
    }


def _read(upload, options: dict, state_key: str) -> tuple[CellTest, ...] | None:
    """The tests of an uploaded file (kept per file and options under ``state_key``: read
    once), or None with the file's one line on the page."""
    key = (upload.file_id, repr(sorted(options.items(), key=lambda item: item[0])))
    kept = st.session_state.setdefault(state_key, {})
    if key not in kept:
        try:
            kept.clear()  # one file's tests at a time
            kept[key] = read_cell_tests(read_upload(upload), name=upload.name, **options)
        except USER_ERRORS as error:
            kept[key] = user_message(error)
    if isinstance(kept[key], str):
        st.error(kept[key], icon=":material/error:")
        return None
    return kept[key]


def uploaded_data() -> Data | None:
    upload = st.file_uploader(
        tr(
            "Cycler export (CSV): tests to fit", "Zyklisierer-Export (CSV): Tests für die Anpassung"
        ),
        type=["csv", "txt"],
        key="calib_csv",
    )
    checks = st.file_uploader(
        tr(
            "Validation tests the fit never sees (CSV, optional)",
            "Validierungstests, die die Anpassung nie sieht (CSV, optional)",
        ),
        type=["csv", "txt"],
        key="calib_validation_csv",
    )
    options = _reader_options()
    if upload is None:
        st.info(
            tr(
                "Upload a CSV with time, current and voltage (temperature if logged).",
                "Eine CSV mit Zeit, Strom und Spannung hochladen (Temperatur, falls gemessen).",
            )
        )
        return None
    if options is None:
        return None
    tests = _read(upload, options, "calib_read")
    if tests is None:
        return None
    chosen = _choose_tests({t.name: t for t in tests}, "calib_upload_tests")
    validation: tuple[CellTest, ...] = ()
    if checks is not None:
        read = _read(checks, options, "calib_read_validation")
        if read is None:
            return None
        validation = read
    if not chosen:
        return None
    signature = (
        UPLOAD,
        upload.file_id,
        None if checks is None else checks.file_id,
        repr(sorted(options.items(), key=lambda item: item[0])),
        tuple(t.name for t in chosen),
    )
    return chosen, validation, signature
