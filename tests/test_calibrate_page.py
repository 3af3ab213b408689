"""The Calibrate page (AppTest): it opens in both languages, a short SPM fit on an uploaded
cycler export shows the fitted values, the plots and the downloads, a broken file is one line,
and the fitted cell joins the Compare page's cells."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from sortie.measurements.lgm50 import rate_tests

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_S = 300
FITTED = ["positive-active-fraction", "negative-diffusivity"]


def small_discharge_csv(rows: int = 150) -> bytes:
    """The shipped LG M50 2C discharge at 25 °C (and its rest), thinned to ``rows`` rows: a
    cycler export as a user uploads it (discharge positive, °C)."""
    test = next(t for t in rate_tests() if t.name == "25C-2C")
    chosen = np.unique(np.linspace(0, len(test.time_s) - 1, rows).astype(int))
    lines = ["Time [s],Current [A],Voltage [V],Temperature [°C]"]
    for i in chosen:
        lines.append(
            f"{test.time_s[i]:.1f},{test.current_a[i]:.4f},{test.voltage_v[i]:.4f},"
            f"{test.temperature_c[i]:.2f}"
        )
    return ("\n".join(lines) + "\n").encode()


BROKEN_CSV = b"Time [s],Current [A],Voltage [V]\n0,5,4.1\n10,five,4.0\n20,5,3.9\n"


def _render() -> None:
    from ui.pages import calibrate

    calibrate.render()


def _page(lang: str = "en") -> AppTest:
    at = AppTest.from_function(_render, default_timeout=TIMEOUT_S)
    at.session_state["lang"] = lang
    return at


def _upload(at: AppTest, data: bytes, name: str = "discharge.csv") -> AppTest:
    at.radio(key="calib_data").set_value("upload").run()
    at.file_uploader(key="calib_csv").set_value((name, data, "text/csv")).run()
    return at


def fitted_page(lang: str = "en") -> AppTest:
    """The page after a 2-parameter, 5-iteration SPM fit to the uploaded discharge."""
    at = _upload(_page(lang).run(), small_discharge_csv())
    at.multiselect(key="calib_keys").set_value(FITTED).run()
    at.selectbox(key="calib_model").set_value("spm").run()
    at.number_input(key="calib_iterations").set_value(5).run()
    at.button(key="calib_fit").click().run()
    return at


@pytest.mark.parametrize(
    ("lang", "title", "fit"),
    [("en", "Calibrate a cell", "Fit"), ("de", "Zelle kalibrieren", "Anpassen")],
)
def test_the_page_opens_with_the_shipped_lgm50_set_and_the_readme_parameters(lang, title, fit):
    at = _page(lang).run()
    assert not at.exception and not at.error
    assert at.title[0].value == title
    assert at.button(key="calib_fit").label == fit
    assert at.multiselect(key="calib_lgm50_tests").value == [
        "25C-0.1C",
        "25C-0.5C",
        "25C-2C",
        "45C-1.5C",
    ]
    assert at.multiselect(key="calib_keys").value == [
        "positive-active-fraction",
        "positive-exchange-current",
        "diffusivity-activation-energy",
    ]
    assert at.selectbox(key="calib_model").value == "spme"
    assert at.selectbox(key="calib_cell").value == "lg-m50-21700-chen2020"


def test_an_upload_takes_the_registry_defaults_for_its_kind():
    at = _upload(_page().run(), small_discharge_csv())
    assert not at.exception and not at.error
    # A rate test with a logged temperature: the diffusivities and the chamber's heat transfer.
    assert at.multiselect(key="calib_keys").value == [
        "positive-diffusivity",
        "negative-diffusivity",
        "heat-transfer",
    ]
    assert at.multiselect(key="calib_upload_tests").value == ["discharge.csv"]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_broken_csv_is_one_line_on_the_page(lang):
    at = _upload(_page(lang).run(), BROKEN_CSV, "broken.csv")
    assert not at.exception
    assert len(at.error) == 1
    line = at.error[0].value
    assert "broken.csv" in line and "\n" not in line
    assert "Traceback" not in line
    assert "calib_fit" not in [b.key for b in at.button]  # nothing to fit
    said = {"en": "'five' is not a number", "de": "'five' ist keine Zahl"}[lang]
    assert line.endswith(said), line


def test_iterations_out_of_range_block_the_fit():
    at = _page().run()
    at.number_input(key="calib_iterations").set_value(0).run()
    assert any("Iterations" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "calib_fit"]


@pytest.mark.slow
def test_a_short_fit_shows_values_plots_downloads_and_joins_the_comparison():
    at = fitted_page()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    values, tests = at.dataframe[0].value, at.dataframe[1].value
    assert list(values["Parameter"]) == [
        "positive active material volume fraction",
        "negative particle diffusivity (factor)",
    ]
    assert {"Start", "Bounds", "Fitted", "± (1 sd)", "Note"} <= set(values.columns)
    assert list(tests["Test"]) == ["discharge.csv"]
    assert np.isfinite(tests["Voltage RMSE [mV]"][0]) and tests["Voltage RMSE [mV]"][0] < 200
    assert len(at.get("plotly_chart")) == 1
    downloads = [d.proto.label for d in at.get("download_button")]
    assert downloads == ["Save the cell file (TOML)", "Save the fit report (HTML)"]
    # A rerun shows the kept fit and does not fit again.
    kept = at.session_state["calib_result"]["calibration"]
    at.run()
    assert at.session_state["calib_result"]["calibration"] is kept
    assert len(at.dataframe) == 2
    # Add to comparison: the fitted cell is queued and the Compare page selects it.
    at.button(key="calib_add").click().run()
    own = at.session_state["own_cells"]
    (option,) = [key for key, entry in own.items() if "calibrated" in entry["name"]]
    assert at.session_state["pending_cells"] == [option]
    document = own[option]["choice"]["document"]
    assert document["template_of"] == "lg-m50-21700-chen2020"
    assert "positive.active_material_volume_fraction" in document["changes"]
    # The app, in this session, opens on the Compare page with the fitted cell selected.
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    app.session_state["own_cells"] = own
    app.session_state["pending_cells"] = [option]
    app.run()
    assert not app.exception
    assert app.multiselect(key="cells").value[-1] == option


@pytest.mark.slow
def test_the_lgm50_fit_is_checked_on_the_held_out_tests():
    """The shipped set: one calibration test fitted, the four held-out tests flown on the
    fitted cell (sortie.calibration.validation, as ``sortie calibrate --validate``)."""
    at = _page().run()
    at.multiselect(key="calib_lgm50_tests").set_value(["25C-0.5C"]).run()
    at.multiselect(key="calib_keys").set_value(["positive-active-fraction"]).run()
    at.selectbox(key="calib_model").set_value("spm").run()
    at.number_input(key="calib_iterations").set_value(3).run()
    at.button(key="calib_fit").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert [s.value for s in at.subheader][-1] == "Validation: tests the fit never saw"
    checks = at.dataframe[2].value
    assert list(checks["Test"]) == ["25C-1C", "45C-0.1C", "45C-0.5C", "45C-1C"]
    assert checks["Voltage RMSE [mV]"].between(0, 300).all()
    kept = at.session_state["calib_result"]["checks"]
    assert [c.model.value for c in kept] == ["spm"] * 4
