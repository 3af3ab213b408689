"""The Calibrate page in a real browser (issue 22): upload a cycler export, fit it (SPM, a few
iterations), see the measured against model plots, add the fitted cell to the comparison and
find it on the Compare page. Re-uses the server and browser of ``tests/test_browser.py``."""

from __future__ import annotations

import re

import pytest

from tests.test_browser import (  # noqa: F401 (pytest fixtures, found by their names)
    SLOW_S,
    _choose,
    _open,
    _settle,
    app_url,
    browser,
    no_traceback_in_the_server_log,
    server,
)
from tests.test_calibrate_page import small_discharge_csv

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CALIBRATED = "LG M50 21700 (NMC811, Chen2020) (calibrated)"


def test_upload_fit_see_the_plots_and_compare_the_fitted_cell(
    browser,  # noqa: F811
    app_url,  # noqa: F811
    tmp_path,
):
    export = tmp_path / "m50-2c.csv"
    export.write_bytes(small_discharge_csv())
    page = _open(browser, f"{app_url}/calibrate", heading="Calibrate a cell")
    _settle(page)
    page.get_by_text("my cycler export (CSV)", exact=True).click()
    _settle(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(export)
    page.get_by_text("m50-2c.csv", exact=True).first.wait_for(timeout=60_000)
    _settle(page)
    _choose(page, "Model", "SPM (fastest, ~10 s; reads high at high rates)")
    iterations = page.get_by_label("Iterations (at most)")
    iterations.fill("5")
    iterations.press("Enter")
    _settle(page)
    page.get_by_role("button", name="Fit", exact=True).click()
    page.get_by_role("heading", name="Fitted values", exact=True).wait_for(timeout=SLOW_S)
    _settle(page)
    page.locator(".js-plotly-plot").first.wait_for(timeout=SLOW_S)
    assert page.locator(".js-plotly-plot").count() == 1  # one test, one plot
    main = page.get_by_test_id("stMain").inner_text()
    assert "went wrong" not in main and "Traceback" not in main
    assert page.get_by_role("button", name="Save the cell file (TOML)").count() == 1

    page.get_by_role("button", name="Add to comparison").click()
    page.get_by_text(f"{CALIBRATED} is in the comparison").wait_for()
    page.get_by_role("link", name="Compare cells").click()
    page.get_by_role("heading", name="Compare cells on a mission").wait_for()
    _settle(page)
    chips = page.get_by_test_id("stMultiSelect")
    chips.get_by_text(CALIBRATED, exact=True).wait_for()
    assert re.search(r"ORegan2022", chips.inner_text())  # the default view is still there
    page.context.close()
