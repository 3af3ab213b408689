"""The Sortie life page in a real browser (issue 26): the two default cells with degradation
data (the LG M50 and the NMC811 power cell, both on OKane2022), a short life (SPM, 4 sorties)
on a pack too small for the mission (6S1P), the key figures per cell and the capacity plot
with both cells and the failure line of a cell that does not complete the mission with its
reserve. Re-uses the server and browser of
``tests/test_browser.py``."""

from __future__ import annotations

import os

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

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_the_life_view_with_two_cells_and_the_failure_line(
    browser,  # noqa: F811
    app_url,  # noqa: F811
):
    page = _open(browser, f"{app_url}/life", heading="Sortie life")
    _settle(page)
    chips = page.get_by_test_id("stMultiSelect").inner_text()
    assert "LG M50" in chips and "NMC811" in chips
    _choose(page, "Cell model", "SPM")
    parallel = page.get_by_label("Cells in parallel (P)", exact=True)
    parallel.fill("1")
    parallel.press("Enter")
    sorties = page.get_by_label("Sorties", exact=True)
    sorties.fill("4")
    sorties.press("Enter")
    _settle(page)
    page.get_by_role("button", name="Fly the sorties").click()
    page.get_by_role("heading", name="Key figures", exact=True).wait_for(timeout=SLOW_S)
    _settle(page)
    plots = page.locator(".js-plotly-plot")
    plots.first.wait_for(timeout=SLOW_S)
    assert plots.count() == 3  # capacity, endurance, charge at landing
    capacity = plots.first
    legend = capacity.locator(".legendtext").all_text_contents()
    assert any("LG M50" in text for text in legend), legend
    assert any("NMC811" in text for text in legend), legend
    # The failure line: a dashed vertical line with its label, in the failing cell's colour.
    labels = capacity.locator(".annotation-text").all_text_contents()
    assert any(text.startswith("fails from") for text in labels), labels
    assert capacity.locator(".shapelayer path").count() >= 1
    main = page.get_by_test_id("stMain").inner_text()
    assert "Mission fails from sortie" in main
    assert "went wrong" not in main and "Traceback" not in main
    if shots := os.environ.get("SORTIE_LIFE_SCREENSHOT"):
        page.screenshot(path=shots, full_page=True)
    page.context.close()
