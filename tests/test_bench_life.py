"""The life benchmark's extrapolation counts the plain loop's build and first cycle once."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from bench_life import extrapolated_s, first_and_per_cycle_s


def test_the_first_cycle_holds_the_build_and_the_rest_are_averaged():
    # 25 s to the end of cycle 1 (imports, build, first cycle), then 2 s, 4 s, 3 s.
    first_s, per_cycle_s = first_and_per_cycle_s(10.0, [35.0, 37.0, 41.0, 44.0])
    assert first_s == pytest.approx(25.0)
    assert per_cycle_s == pytest.approx(3.0)


def test_the_build_is_not_multiplied_by_the_extrapolation():
    # The old rule (wall time x 500 / 4 = 44 s x 125) counted the 25-s build 125 times.
    assert extrapolated_s(25.0, 3.0, 500) == pytest.approx(25.0 + 3.0 * 499)
    assert extrapolated_s(25.0, 3.0, 1) == pytest.approx(25.0)


def test_one_cycle_gives_no_per_cycle_time():
    with pytest.raises(ValueError, match="two cycles"):
        first_and_per_cycle_s(0.0, [5.0])


def test_the_plain_loop_solves_at_the_engine_tolerances():
    # The benchmark's plain loop takes SOLVER_RTOL/SOLVER_ATOL; the engine must solve at them.
    from sortie.engine.ageing import SOLVER_ATOL, SOLVER_RTOL, _solver

    engine = _solver()
    assert (engine.rtol, engine.atol) == (SOLVER_RTOL, SOLVER_ATOL) == (1e-5, 1e-7)


def test_the_largest_difference_is_sortie_by_sortie_on_the_new_capacity():
    from bench_life import largest_relative_difference

    # Sortie 2 is 0.03 Ah off on a 5 Ah cell (6e-3), the last one not at all.
    ours, plain = [4.99, 4.95, 4.97], [4.99, 4.98, 4.97]
    assert largest_relative_difference(ours, plain, 5.0) == pytest.approx(6e-3)
    with pytest.raises(ValueError, match="same sorties"):
        largest_relative_difference([4.99], [4.99, 4.98], 5.0)


def test_the_sortie_time_skips_the_build_and_the_settling_sortie():
    from bench_life_cycle import per_sortie_s

    # Sorties end at 10, 12, 13, 14.5 s from 0: the first two (10 s, 2 s) are skipped.
    assert per_sortie_s([10.0, 12.0, 13.0, 14.5], 0.0) == pytest.approx(1.25)
    with pytest.raises(ValueError, match="more than 2"):
        per_sortie_s([10.0, 12.0], 0.0)
