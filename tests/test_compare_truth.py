"""Issue 23: the compare page's answers are the truth about what it shows. The ambient sweep
flies each point at its own ambient; an out-of-range number blocks the run (no verdict from a
value the page no longer shows); a shared link without S and P opens unchanged; trade-off
plots open as they were shared; a same-mass comparison states its target mass."""

from __future__ import annotations

import base64
import json

import numpy as np
from streamlit.testing.v1 import AppTest

from sortie.studies.comparison import ambient_endurance
from sortie.studies.scenario import mission_document, scenario_from_dict
from tests.test_app import app

STALE = "The inputs changed since this comparison"


def verdicts(at: AppTest) -> list[str]:
    """The verdict cards (success or error boxes naming a cell)."""
    return [e.value for e in at.success] + [
        e.value for e in at.error if "Completed" in e.value or "Stopped" in e.value
    ]


def figures(at: AppTest) -> list[dict]:
    """Every plotly chart on the page as its JSON spec."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def values(data) -> list[float]:
    """A trace's x or y: a list, or plotly's typed array (``{"dtype", "bdata"}``)."""
    if isinstance(data, dict):
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).tolist()
    return list(data)


def _power_log_document() -> dict:
    log = "time [s],power [W]\n" + "".join(f"{t},{40 + t % 20}\n" for t in range(0, 600, 5))
    return mission_document("log.csv", log.encode())


# --- 1. the ambient sweep flies each point at its own ambient ----------------------------------


def test_ambient_sweep_with_a_set_ambient_differs_across_ambients_on_station():
    """The scenario's ambient (-10 °C) used to override every station's: nine equal points."""
    scenario = scenario_from_dict(
        {
            "mission": {"preset": "fpv-strike-sprint"},
            "cells": [{"preset": "lg-m50-21700"}],
            "model": "spm",
            "ambient_c": -10.0,
        }
    )
    rows = ambient_endurance(scenario, 0)
    endurance = {r["ambient_c"]: r["endurance_s"] for r in rows}
    assert len({round(v, 3) for v in endurance.values()}) > 3, endurance
    # ORegan2022 is temperature dependent: the cold end flies shorter than room temperature.
    assert endurance[-30.0] < endurance[20.0], endurance


def test_ambient_sweep_of_a_power_profile_with_a_set_ambient_differs_across_ambients():
    scenario = scenario_from_dict(
        {
            "mission": {"document": _power_log_document()},
            "cells": [{"preset": "lg-m50-21700"}],
            "series_count": 1,
            "parallel_count": 1,
            "model": "spm",
            "ambient_c": -10.0,
        }
    )
    rows = ambient_endurance(scenario, 0)
    assert {r["measure"] for r in rows} == {"profile"}
    endurance = {r["ambient_c"]: r["endurance_s"] for r in rows}
    assert len({round(v, 3) for v in endurance.values()}) > 3, endurance


def test_the_ambient_plot_is_not_flat_when_the_page_sets_an_ambient():
    at = app(mission="fpv-strike-sprint", cell="lg-m50-21700", model="spm", ambient="-10").run()
    assert not at.exception
    assert at.checkbox(key="ambient_on").value
    before = len(at.get("plotly_chart"))
    at.button(key="ambient_sweep").click().run()
    assert not at.exception
    charts = figures(at)
    assert len(charts) == before + 1
    sweep = charts[-1]["data"][0]
    assert values(sweep["x"]) == [-30, -20, -10, 0, 10, 20, 30, 40, 50]
    minutes = values(sweep["y"])
    assert len({round(y, 3) for y in minutes if y == y}) > 3, minutes


# --- 2. a number out of range blocks the run, with a message; a valid one takes effect ---------


def _charge_left(verdict: str) -> str:
    return verdict.split("Completed with ", 1)[1].split(" %", 1)[0]


def _blocked(at: AppTest, label: str) -> None:
    """The page names the field, shows no verdict and no results, and Compare is off."""
    assert not at.exception
    assert any(label in e.value and "outside" in e.value for e in at.error), [
        e.value for e in at.error
    ]
    assert not verdicts(at), verdicts(at)
    assert not any("Trade-offs" in h.value for h in at.subheader)
    assert any("Nothing is computed" in w.value for w in at.warning)
    assert at.button(key="compare").disabled


def test_out_of_range_numbers_block_the_run_and_a_valid_payload_takes_effect():
    at = app(mission="quad-isr-loiter", cell="lg-m50-21700", model="spm").run()
    assert not at.exception
    (first,) = verdicts(at)
    assert "Completed with" in first
    at.number_input(key="payload").set_value(1000000.0).run()
    _blocked(at, "Payload [kg]")
    at.number_input(key="payload").set_value(-5.0).run()
    _blocked(at, "Payload [kg]")
    # A valid payload flies at once with Compare, and the verdict follows it.
    at.number_input(key="payload").set_value(1.5).run()
    assert not at.exception
    at.button(key="compare").click().run()
    assert not at.exception
    (heavier,) = verdicts(at)
    assert not any("outside" in e.value for e in at.error)
    assert heavier != first
    if "Completed with" in heavier:
        assert int(_charge_left(heavier)) < int(_charge_left(first)), (first, heavier)
    assert at.query_params["payload"] in ("1.5", ["1.5"])


def test_zero_cells_in_series_blocks_the_run():
    at = app(mission="quad-isr-loiter", cell="lg-m50-21700", model="spm").run()
    assert verdicts(at)
    at.number_input(key="series").set_value(0).run()
    _blocked(at, "Cells in series (S)")
    at.number_input(key="series").set_value(6).run()
    at.number_input(key="parallel").set_value(401).run()
    _blocked(at, "Cells in parallel (P)")


# --- 3. a link without S and P opens as it was shared ------------------------------------------


def test_a_link_without_series_and_parallel_is_not_stale_on_opening():
    at = app(mission="quad-isr-loiter", cell="lg-m50-21700", model="spm").run()
    assert not at.exception
    assert verdicts(at)
    assert at.number_input(key="series").value == 6
    assert at.number_input(key="parallel").value == 2
    assert not any(STALE in i.value for i in at.info), [i.value for i in at.info]
    # A link that spells the drone's own drone and payload is the same view.
    at = app(
        mission="quad-isr-loiter",
        cell="lg-m50-21700",
        model="spm",
        drone="isr-quad",
        payload="0.25",
    ).run()
    assert verdicts(at)
    assert not any(STALE in i.value for i in at.info), [i.value for i in at.info]


# --- 4. trade-off plots open as they were shared -----------------------------------------------

RAGONE_HEADING = "Ragone plot at 25 °C"
AMBIENT_HEADING = "Endurance across ambient temperature"


def _headings(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def test_a_link_with_plots_opens_them_and_an_opened_plot_joins_the_link():
    at = app(
        mission="fpv-strike-sprint", cell="lg-m50-21700", model="spm", plots="ragone,ambient"
    ).run()
    assert not at.exception
    assert verdicts(at)
    shown = _headings(at)
    assert f"**{RAGONE_HEADING}**" in shown and f"**{AMBIENT_HEADING}**" in shown, shown
    assert at.query_params["plots"] in ("ragone,ambient", ["ragone,ambient"])

    at = app(mission="fpv-strike-sprint", cell="lg-m50-21700", model="spm").run()
    assert "plots" not in at.query_params
    at.button(key="ragone").click().run()
    assert not at.exception
    assert at.query_params["plots"] in ("ragone", ["ragone"])


def test_a_damaged_plots_parameter_is_a_plain_message_and_the_view_still_opens():
    at = app(mission="fpv-strike-sprint", cell="lg-m50-21700", model="spm", plots="pie").run()
    assert not at.exception
    assert verdicts(at)
    assert any("pie" in w.value for w in [*at.warning, *at.error])


def test_a_view_file_with_plots_opens_them():
    from ui.widgets import results

    scenario = scenario_from_dict(
        {
            "mission": {"preset": "fpv-strike-sprint"},
            "cells": [{"preset": "lg-m50-21700"}],
            "model": "spm",
        }
    )
    text = results.view_json(scenario, ["M50"], [None], ["ambient"])
    assert json.loads(text)["plots"] == ["ambient"]
    at = app().run()
    at.file_uploader(key="view_upload").set_value(
        ("sortie-view.json", text.encode(), "application/json")
    ).run()
    assert not at.exception
    assert verdicts(at)
    shown = _headings(at)
    assert f"**{AMBIENT_HEADING}**" in shown and f"**{RAGONE_HEADING}**" not in shown, shown


# --- 5. the same-mass target is stated ---------------------------------------------------------


def test_same_pack_mass_states_the_target_and_each_cells_pack():
    at = app(
        mission="quad-isr-loiter",
        cell=["lg-m50-21700", "nca-18650-power"],
        model="spm",
        sizing="mass",
    ).run()
    assert not at.exception
    assert verdicts(at)
    assert "first cell" in at.number_input(key="parallel").label
    notes = [c.value for c in at.caption] + [i.value for i in at.info]
    stated = [n for n in notes if "same pack mass" in n.lower() and "kg" in n]
    # Once with the inputs, once with the results.
    assert len(stated) >= 2, notes
    for note in stated:
        assert "6S2P" in note and "LG M50" in note and "NCA 18650" in note, note
    # The relabelled field keeps its value both ways; same layout: the plain P label.
    at.number_input(key="parallel").set_value(3).run()
    at.radio(key="sizing").set_value("same layout").run()
    assert "first cell" not in at.number_input(key="parallel").label
    assert at.number_input(key="parallel").value == 3
    at.radio(key="sizing").set_value("same mass").run()
    assert at.number_input(key="parallel").value == 3
    # The note with the inputs follows them at once (the results' note stays with the
    # results, which the page marks as out of date).
    assert any("first cell's 6S3P pack" in c.value for c in at.caption), [
        c.value for c in at.caption
    ]
    assert any(STALE in i.value for i in at.info)


def test_a_link_with_an_ambient_the_slider_cannot_show_is_a_plain_message():
    """-45 °C is a valid scenario but not on the page's slider (-30..50): it used to end in
    "Something went wrong"; now it says why and opens the default view."""
    at = app(mission="quad-isr-loiter", cell="lg-m50-21700", model="spm", ambient="-45").run()
    assert not at.exception
    assert not any("went wrong" in e.value for e in at.error)
    assert any("-45 °C is outside" in e.value for e in at.error), [e.value for e in at.error]
    assert not verdicts(at)
    # A fraction of a degree is shown, and flown, as the slider's whole degree.
    at = app(mission="quad-isr-loiter", cell="lg-m50-21700", model="spm", ambient="12.4").run()
    assert at.slider(key="ambient").value == 12
    assert verdicts(at)
    assert not any(STALE in i.value for i in at.info)
    assert at.query_params["ambient"] in ("12", ["12"])
