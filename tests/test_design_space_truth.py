"""The Design space page tells the truth (issue 23): a sweep whose designs fail says so and
offers no failed design; the best design is ranked with stated tie-breaks; designs are named
by their fields' labels; a number out of range blocks the run and says why.

Unit tests on the ranking, the outcome and the labels; AppTest runs of the real page with
tiny SPM sweeps (or sweeps whose designs are refused before any solve)."""

from __future__ import annotations

import concurrent.futures as cf
import time
from concurrent.futures.process import BrokenProcessPool

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from sortie.studies.design_rows import ROW_COLUMNS, sweep_outcome
from sortie.studies.design_space import spec_from_dict
from sortie.studies.ranking import DESIGN_ORDER, Criterion, rank_designs
from sortie.studies.sweep import BackgroundSweep
from ui.figures import space_charts
from ui.text.i18n import Language

TIMEOUT_S = 300
THICKNESS = "cell.positive_electrode_thickness_um"
ENDURANCE = Criterion("endurance_s")


def _row(design: int, **values) -> dict:
    row = dict.fromkeys(ROW_COLUMNS, np.nan)
    row.update(
        design=design,
        flown=True,
        mission_completed=True,
        not_flown_reason="",
        message="mission completed",
    )
    row.update(values)
    return row


def _tied_table() -> pd.DataFrame:
    """Four designs that complete the mission in the same time (a tie), one that stops early,
    one that cannot be built: the charge left at landing separates the completed ones."""
    return pd.DataFrame(
        [
            _row(0, **{THICKNESS: 52.0}, endurance_s=1683.3, final_state_of_charge=0.35,
                 gravimetric_energy_density_wh_per_kg=224.0),
            _row(1, **{THICKNESS: 74.5}, endurance_s=1683.3, final_state_of_charge=0.44,
                 gravimetric_energy_density_wh_per_kg=274.0),
            _row(2, **{THICKNESS: 97.0}, endurance_s=1683.3, final_state_of_charge=0.31,
                 gravimetric_energy_density_wh_per_kg=250.0),
            _row(3, **{THICKNESS: 120.0}, endurance_s=1683.3 * (1 + 1e-9),
                 final_state_of_charge=0.43, gravimetric_energy_density_wh_per_kg=260.0),
            _row(4, **{THICKNESS: 30.0}, endurance_s=1200.0, final_state_of_charge=0.0,
                 mission_completed=False, message="cut-off"),
            _row(5, **{THICKNESS: 1e9}, flown=False, mission_completed=False,
                 not_flown_reason="invalid", message="coating too thick"),
        ]
    )


# --- ranking -------------------------------------------------------------------------------


def test_a_tied_figure_is_ranked_by_the_stated_tie_breaks():
    ranking = rank_designs(_tied_table(), ENDURANCE)
    # Completed first (tied on endurance: charge left, then rated Wh/kg), then the design
    # that stopped early, then the one that could not be built.
    assert ranking.order == (1, 3, 0, 2, 4, 5)
    assert ranking.best == 1
    assert ranking.is_tied and ranking.tied == (1, 3, 0, 2)
    assert ranking.decided_by == "final_state_of_charge"
    assert [c.column for c in ranking.tie_breaks] == [
        "final_state_of_charge",
        "gravimetric_energy_density_wh_per_kg",
    ]


def test_the_second_tie_break_and_the_design_number_decide_when_the_first_ties():
    table = _tied_table()
    table.loc[table["design"] == 3, "final_state_of_charge"] = 0.44
    table.loc[table["design"] == 1, "gravimetric_energy_density_wh_per_kg"] = 250.0
    ranking = rank_designs(table, ENDURANCE)
    assert ranking.order[:2] == (3, 1)  # equal charge left: 260 Wh/kg beats 250
    assert ranking.decided_by == "gravimetric_energy_density_wh_per_kg"
    table.loc[table["design"] == 3, "gravimetric_energy_density_wh_per_kg"] = 250.0
    ranking = rank_designs(table, ENDURANCE)
    assert ranking.order[:2] == (1, 3) and ranking.decided_by == DESIGN_ORDER


def test_a_figure_that_separates_the_designs_decides_alone_in_its_direction():
    table = _tied_table()
    table["max_cell_temperature_c"] = [41.0, 39.0, 38.0, 45.0, 30.0, np.nan]
    ranking = rank_designs(table, Criterion("max_cell_temperature_c", more_is_better=False))
    # The coolest completed design first; the early stop is not "best" for being coolest.
    assert ranking.order == (2, 1, 0, 3, 4, 5)
    assert not ranking.is_tied and ranking.decided_by is None
    # The figure itself is not its own tie-break.
    table.loc[table["design"] == 3, "final_state_of_charge"] = 0.44
    by_charge = rank_designs(table, Criterion("final_state_of_charge"))
    assert [c.column for c in by_charge.tie_breaks] == ["gravimetric_energy_density_wh_per_kg"]
    assert by_charge.order[:2] == (1, 3) and by_charge.decided_by == (
        "gravimetric_energy_density_wh_per_kg"
    )


def test_an_empty_table_has_no_best_design():
    ranking = rank_designs(_tied_table().iloc[0:0], ENDURANCE)
    assert ranking.order == () and ranking.best is None and not ranking.is_tied


# --- outcome and labels --------------------------------------------------------------------


def test_the_outcome_counts_the_designs_that_did_not_fly_with_their_reasons():
    table = _tied_table()
    extra = _row(6, **{THICKNESS: 2e9}, flown=False, mission_completed=False,
                 not_flown_reason="invalid", message="coating too thick")
    table = pd.concat([table, pd.DataFrame([extra])], ignore_index=True)
    outcome = sweep_outcome(table, total=8)
    assert (outcome.total, outcome.rows, outcome.flown, outcome.completed) == (8, 7, 5, 4)
    assert outcome.not_flown_count == 2 and outcome.missing == 1 and not outcome.all_flown
    (group,) = outcome.not_flown
    assert (group.reason, group.message, group.designs) == ("invalid", "coating too thick", (5, 6))


@pytest.mark.parametrize(
    "lang, label, shown, height",
    [
        (Language.EN, "Positive coating [µm]", "74.5 → 28.1", "cell format height [mm]"),
        (Language.DE, "Kathodenschicht [µm]", "74,5 → 28,1", "Zelle › Format › Höhe [mm]"),
    ],
)
def test_a_design_is_described_by_its_fields_labels(lang, label, shown, height):
    table = _tied_table()
    flown = space_charts.design_text(table.iloc[1], [THICKNESS], "endurance_s", lang)
    assert flown == f"#1: {label} = {shown}"  # a decimal comma in German
    failed = space_charts.design_text(table.iloc[5], [THICKNESS], "endurance_s", lang)
    assert "positive_electrode" not in failed and label in failed
    assert ("not flown: invalid design" if lang is Language.EN else "ungültiges Design") in failed
    # A field without a prepared label (a sweep file may vary any) still reads as words.
    assert space_charts.field_label("cell.format.height_mm", lang) == height
    # A key the German catalogue does not know either: the key in words.
    assert space_charts.field_label("cell.foo_mm", lang) == "cell foo [mm]"


@pytest.mark.parametrize("lang", list(Language))
def test_hover_texts_name_the_fields_and_the_figure(lang):
    table = _tied_table()
    x_label = space_charts.field_label(THICKNESS, lang)
    curves = space_charts.curves_figure(table, THICKNESS, "endurance_s", lang)
    assert x_label in curves.data[0].hovertemplate
    assert space_charts.figure_label("endurance_s", lang) in curves.data[0].hovertemplate
    assert all(x_label in trace.hovertemplate for trace in curves.data)
    assert "positive_electrode" not in str(curves.to_dict())
    grid = pd.DataFrame(
        [_row(i, **{THICKNESS: x, "cell.positive_electrode_porosity": y}, endurance_s=1000.0)
         for i, (x, y) in enumerate((x, y) for x in (60.0, 70.0) for y in (0.3, 0.4))]
    )
    heatmap = space_charts.heatmap_figure(
        grid, THICKNESS, "cell.positive_electrode_porosity", "endurance_s", lang
    )
    assert x_label in heatmap.data[0].hovertemplate
    assert space_charts.field_label("cell.positive_electrode_porosity", lang) in (
        heatmap.data[0].hovertemplate
    )


def test_designs_that_did_not_fly_are_never_drawn_at_a_value():
    """Not a 0-min marker (nor one at the bottom of the curve): a strip of their own."""
    table = _tied_table()
    failed = pd.DataFrame(
        [_row(i, **{THICKNESS: x}, flown=False, mission_completed=False,
              not_flown_reason="invalid", message="no") for i, x in enumerate((0.0, 5e8, 1e9))]
    )
    for sweep in (table, failed):
        figure = space_charts.curves_figure(sweep, THICKNESS, "endurance_s", Language.EN)
        marks = [t for t in figure.data if (t.name or "").startswith("not flown")]
        assert marks and all(t.yaxis == "y2" for t in marks)
        on_values = [t for t in figure.data if t.yaxis in (None, "y")]
        drawn = [float(y) for t in on_values for y in t.y]
        assert 0.0 not in drawn
        assert figure.layout.yaxis2.ticktext == ("not flown",)
        assert figure.layout.yaxis.domain[0] > figure.layout.yaxis2.domain[1]
    # The flight that stopped early is ringed at its own endurance, not at the bottom.
    figure = space_charts.curves_figure(table, THICKNESS, "endurance_s", Language.EN)
    (ring,) = [t for t in figure.data if t.name == "mission not completed"]
    assert list(ring.y) == pytest.approx([1200.0 / 60])


# --- the page ------------------------------------------------------------------------------


def _space_page():
    from ui.pages import design_space

    design_space.render()


def _page(lang: str = "en") -> AppTest:
    at = AppTest.from_function(_space_page, default_timeout=TIMEOUT_S)
    at.session_state["lang"] = lang
    return at.run()


def _finish(at: AppTest) -> AppTest:
    """Run the sweep started on the page to its end, and the page's last refreshes."""
    deadline = time.monotonic() + TIMEOUT_S
    while True:
        assert not at.exception, at.exception
        job = at.session_state.get("space_job")
        if job is not None and job.finished:
            break
        assert time.monotonic() < deadline, "the sweep did not finish"
        time.sleep(0.3)
        at.run()
    at.run()
    assert not at.exception, at.exception
    return at


def _sweep_file(dimension: str) -> bytes:
    return (
        '[base]\nmission = "quad-isr-loiter"\ncell = "lg-m50-21700"\n'
        'settings = { model = "spm" }\n\n'
        f'[[dimensions]]\nfield = "{THICKNESS}"\n{dimension}\n'
    ).encode()


def _run_file(at: AppTest, dimension: str) -> AppTest:
    at.radio(key="space_source").set_value("file").run()
    at.file_uploader(key="space_file").set_value(
        ("sweep.toml", _sweep_file(dimension), "application/toml")
    ).run()
    at.button(key="space_run").click().run()
    return _finish(at)


def _design_box(at: AppTest):
    (box,) = [s for s in at.selectbox if s.key and s.key.startswith("space_design")]
    return box


# The first sweep of a test run starts the app's worker pool (~30-60 s on 2 busy cores).
@pytest.mark.slow
def test_a_sweep_where_every_design_fails_says_so_and_offers_none():
    at = _run_file(_page(), "start = 0.0\nstop = 1e9\ncount = 3")
    assert not at.success, [s.value for s in at.success]
    (error,) = at.error
    assert "None of the 3 designs flew" in error.value
    assert "#0" in error.value and "invalid design" in error.value
    assert "coating_thickness_um" in error.value  # the first reason, as the cell says it
    assert not at.get("plotly_chart")  # no markers at 0 min for designs with no endurance
    assert not [s for s in at.selectbox if s.key and s.key.startswith("space_design")]
    assert not [b for b in at.button if b.key == "space_open_designer"]
    table = at.dataframe[0].value
    assert "Positive coating [µm]" in table.columns and len(table) == 3


# The first sweep of a test run starts the app's worker pool (~30-60 s on 2 busy cores).
@pytest.mark.slow
def test_a_sweep_where_some_designs_fail_warns_and_opens_only_what_flew():
    at = _run_file(_page(), "values = [0.5, 70.0, 2000.0]")
    assert not at.success
    (warning,) = [w for w in at.warning if "could not fly" in w.value]
    assert warning.value.startswith("1 of 3 designs flew")
    assert "2 could not fly" in warning.value
    # Each with the first reason the cell gives (too thin, too thick).
    assert "#0 (invalid design)" in warning.value and "greater than 1" in warning.value
    assert "#2 (invalid design)" in warning.value and "less than 1000" in warning.value
    box = _design_box(at)
    assert box.value == 1  # the one that flew is the best, and can be taken on
    assert at.button(key="space_open_designer")
    box.set_value(2).run()
    assert not [b for b in at.button if b.key in ("space_open_designer", "space_add")]
    assert any("did not fly" in c.value for c in at.caption)


# The first sweep of a test run starts the app's worker pool (~30-60 s on 2 busy cores).
@pytest.mark.slow
def test_the_best_design_is_ranked_by_the_tie_breaks_and_the_page_says_so():
    """Every design of the default thickness sweep completes the 28.1-min mission: the
    figure ties, the charge left at landing decides, and the page names fields by label."""
    at = _page()
    at.selectbox(key="space_model").set_value("spm")
    [steps] = [n for n in at.number_input if n.key and n.key.endswith("_count")]
    steps.set_value(3)
    at.run()
    at.button(key="space_run").click().run()
    at = _finish(at)
    assert "3 designs in" in at.success[0].value
    table = at.session_state["space_job"].table()
    completed = table[table["mission_completed"]]
    assert completed["endurance_s"].nunique() == 1  # the tie this is about
    most_charge = int(completed.loc[completed["final_state_of_charge"].idxmax(), "design"])
    box = _design_box(at)
    assert box.value == most_charge
    assert all("Positive coating [µm] = " in option for option in box.options)
    assert not any("positive_electrode" in option for option in box.options)
    (tie,) = at.info
    assert "Endurance [min] is tied: 28.1 for 3 designs" in tie.value
    assert "Charge left at landing [%] decided" in tie.value
    best = next(m.value for m in at.markdown if "Best design by Endurance" in m.value)
    assert f"#{most_charge}: Positive coating [µm]" in best
    # The same results in German: labels and the tie statement too.
    at.session_state["lang"] = "de"
    at.run()
    box = _design_box(at)
    assert all("Kathodenschicht [µm] = " in option for option in box.options)
    assert "Flugzeit [min] ist gleich" in at.info[0].value
    assert "entschieden hat Restladung bei Landung [%]" in at.info[0].value


# --- numbers out of range ------------------------------------------------------------------


def _captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def _field(at: AppTest, ending: str):
    (field,) = [n for n in at.number_input if n.key and n.key.endswith(ending)]
    return field


def test_steps_out_of_range_block_the_run_and_the_count_follows_what_was_typed():
    at = _page()
    assert "8 designs" in _captions(at)
    assert not at.button(key="space_run").disabled
    _field(at, "_count").set_value(100000).run()
    assert not at.exception
    assert "8 designs" not in _captions(at)
    assert "100000 designs" in _captions(at)
    assert any("steps: 100000 is outside 2 to 40" in e.value.replace(",", "") for e in at.error)
    assert at.button(key="space_run").disabled
    assert any("Not ready to run" in c for c in _captions(at))
    _field(at, "_count").set_value(5).run()
    assert "5 designs" in _captions(at) and not at.error
    assert not at.button(key="space_run").disabled


@pytest.mark.parametrize(
    "ending, value, message",
    [
        ("_from", 0.0, "from: 0 is outside 5 to 900"),
        ("_to", 1e9, "to: 1000000000 is outside 5 to 900"),
        ("space_s_quad-isr-loiter", 1000, "S: 1000 is outside 1 to 400"),
        ("space_p_quad-isr-loiter", 0, "P: 0 is outside 1 to 400"),
    ],
)
def test_every_number_out_of_range_blocks_the_run(ending, value, message):
    at = _page()
    _field(at, ending).set_value(value).run()
    assert not at.exception
    assert any(message in e.value.replace(",", "") for e in at.error), [e.value for e in at.error]
    assert at.button(key="space_run").disabled


def test_a_whole_number_range_that_runs_backwards_blocks_the_run():
    at = _page()
    at.selectbox(key="space_field_1").set_value("pack.parallel_count").run()
    _field(at, "_from").set_value(3).run()
    _field(at, "_to").set_value(2).run()
    assert any("to: 2 is below from (3)" in e.value for e in at.error)
    assert at.button(key="space_run").disabled
    assert "0 designs" in _captions(at)
    _field(at, "_to").set_value(4).run()
    assert "2 designs" in _captions(at) and not at.button(key="space_run").disabled


# --- designs lost to an internal error -----------------------------------------------------


class _DeadWorkers(cf.Executor):
    """A pool whose workers die on every task (as a killed process pool does)."""

    def submit(self, fn, /, *args, **kwargs):
        future: cf.Future = cf.Future()
        future.set_exception(BrokenProcessPool("a worker died"))
        return future


def test_designs_lost_to_an_internal_error_are_counted_not_hidden():
    spec = spec_from_dict(
        {
            "base": {"mission": "quad-isr-loiter", "cell": "lg-m50-21700"},
            "dimensions": [{"field": THICKNESS, "values": [60.0, 70.0, 80.0]}],
        }
    )
    job = BackgroundSweep(spec, _DeadWorkers())
    deadline = time.monotonic() + 60
    while not job.finished:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert job.failed == (0, 1, 2) and job.table().empty
    at = AppTest.from_function(_space_page, default_timeout=TIMEOUT_S)
    at.session_state["space_job"] = job
    at.run()
    assert not at.exception and not at.success
    assert any("3 hit an internal error" in e.value for e in at.error), at.error


class _BrokenPool(cf.Executor):
    """A pool that cannot take a task at all (a bug of ours, not a design's)."""

    def submit(self, fn, /, *args, **kwargs):
        raise RuntimeError("no pool")


def test_a_sweep_that_fails_whole_says_so_in_german():
    spec = spec_from_dict(
        {
            "base": {"mission": "quad-isr-loiter", "cell": "lg-m50-21700"},
            "dimensions": [{"field": THICKNESS, "values": [60.0, 70.0]}],
        }
    )
    job = BackgroundSweep(spec, _BrokenPool())
    deadline = time.monotonic() + 60
    while not job.finished:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert job.error == "internal error (RuntimeError); see the server log"
    at = AppTest.from_function(_space_page, default_timeout=TIMEOUT_S)
    at.session_state["lang"] = "de"
    at.session_state["space_job"] = job
    at.run()
    assert not at.exception
    shown = [e.value for e in at.error] + [w.value for w in at.warning]
    assert "interner Fehler (RuntimeError); siehe Server-Log" in shown, shown
    assert not any("internal error" in text for text in shown)
