"""Issue 23 in a real browser: the compare page opened with ``?lang=de`` flies two cells and
shows no English (verdicts, termination lines, phase names, key figures, plots, caveats), and
its tables, cards and plot ticks write numbers with a decimal comma. Re-uses the server and
browser of ``tests/test_browser.py``."""

from __future__ import annotations

import re

import pytest

from tests.test_browser import (  # noqa: F401 (pytest fixtures, found by their names)
    _open,
    _settle,
    _verdicts,
    app_url,
    browser,
    no_traceback_in_the_server_log,
    server,
)

pytestmark = [pytest.mark.slow, pytest.mark.browser]

LINK = "?lang=de&mission=quad-isr-loiter&cell=lg-m50-21700&cell=nca-18650-power&model=spm"
HEADING = "Zellen auf einer Mission vergleichen"
# What the English page says and a German page must not (verdicts, termination lines, preset
# phases, mission and cell names, key figures, plot titles and legends, caveats).
ENGLISH = (
    "Completed",
    "Stopped",
    "charge left",
    "cell voltage reached",
    "Hardest phase",
    "hover on station",
    "transit out",
    "descent and landing",
    "take-off and climb",
    "Quadcopter ISR loiter",
    "NCA 18650 power cell",
    "Power profile",
    "flight time",
    "Pack mass",
    "Cell voltage",
    "coldest cell",
    "Time [min]",
    "Trade-offs",
    "Model caveats",
    "SPM underestimates",
)
# A number with a decimal point (not inside a name such as "NCA_Kim2011" or an id).
DECIMAL_POINT = re.compile(r"(?<![\w.\-/])\d+\.\d+(?![\w\-/])")
DECIMAL_COMMA = re.compile(r"^\d+,\d+$")


def _english_in(text: str) -> list[str]:
    return [phrase for phrase in ENGLISH if re.search(rf"(?<!\w){re.escape(phrase)}", text)]


def _table_cells(frame) -> list[str]:
    """The cells of a ``st.dataframe`` (the data grid draws on a canvas; its accessible
    table holds the texts it shows)."""
    frame.locator("table td").first.wait_for(state="attached", timeout=60_000)
    return [text.strip() for text in frame.locator("table td").all_text_contents()]


def test_the_compare_page_in_german_shows_no_english_and_decimal_commas(
    browser,  # noqa: F811
    app_url,  # noqa: F811
):
    page = _open(browser, app_url + "/" + LINK, heading=HEADING)
    verdicts = _verdicts(page, 2)
    assert any("Mission erfüllt" in v for v in verdicts), verdicts
    stopped = next(v for v in verdicts if "NCA-18650-Hochstromzelle" in v)
    assert "in der Phase „Schweben über dem Einsatzort“" in stopped, stopped
    page.locator(".js-plotly-plot").nth(1).wait_for(timeout=60_000)
    _settle(page)
    # Open the power profile: its phase table is drawn when its expander opens.
    page.get_by_text("Leistungsprofil: Quadrokopter-Aufklärungsflug").click()
    _settle(page)

    main = page.get_by_test_id("stMain")
    shown = main.inner_text()
    everything = main.text_content()  # closed expanders (the model caveats) too
    assert not _english_in(shown), _english_in(shown)
    assert not _english_in(everything), _english_in(everything)
    assert page.get_by_role("combobox", name="Mission").input_value() == (
        "Quadrokopter-Aufklärungsflug"
    )

    # The verdict cards' figures, e.g. "28,1 min · 44 % · 28,1 °C".
    assert re.search(r"\d+,\d min · \d+ % · \d+,\d °C", shown), shown[:2000]
    # Both tables: German names, every decimal with a comma.
    frames = main.get_by_test_id("stDataFrame")
    texts = {}
    for index in range(frames.count()):
        cells = _table_cells(frames.nth(index))
        texts[index] = cells
        points = [c for c in cells if DECIMAL_POINT.fullmatch(c)]
        assert not points, (index, points)
        assert not [c for c in cells if _english_in(c)], (index, cells)
    cells = [c for found in texts.values() for c in found]
    assert "Schweben über dem Einsatzort" in cells and "Sinkflug und Landung" in cells, cells
    assert "2,48" in cells  # the quadcopter's take-off mass in the phase table
    assert sum(bool(DECIMAL_COMMA.fullmatch(c)) for c in cells) >= 10, cells

    # The comparison plot: German axis titles, phase labels and ticks with a decimal comma.
    plot = page.locator(".js-plotly-plot").nth(1).text_content()
    for german in ("Zellspannung [V]", "Zeit [min]", "Schweben über dem Einsatzort", "Grenze"):
        assert german in plot, plot[:1500]
    assert re.search(r"\d,\d", plot), plot[:1500]
    assert not _english_in(plot), _english_in(plot)
    page.context.close()
