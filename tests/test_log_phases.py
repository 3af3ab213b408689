"""Phases found in a flight log (sortie.models.log_phases), on profiles checked by hand."""

import numpy as np
import pytest

from sortie.errors import InputError
from sortie.models.flight_log import FlightLog, log_to_mission
from sortie.models.log_phases import FLIGHT_HEIGHT_MIN_M, MIN_PHASE_S, LogPhase, detect_phases
from sortie.models.mission import FlightPhase as P


def profile():
    """A 1 Hz flight from a field 50 m above sea level, by hand:
    0-9 s on the ground; 10-29 s climbing at 2 m/s (altitude 50 + 2 (t - 9)); 30-44 s cruising
    at 90 m and 12 m/s, with a 1 s blip of +0.8 m/s at 37 s; 45-49 s hovering (0.5 m/s);
    50-59 s descending at 4 m/s (altitude 90 - 4 (t - 49)); landed from 60 s to 100 s."""
    time_s = np.arange(101.0)
    altitude_m = np.full(101, 50.0)
    climb_m_per_s = np.zeros(101)
    speed_m_per_s = np.zeros(101)
    landed = np.ones(101, dtype=bool)
    landed[10:60] = False
    climbing = (time_s >= 10) & (time_s < 30)
    altitude_m[climbing] = 50 + 2 * (time_s[climbing] - 9)
    climb_m_per_s[climbing] = 2.0
    altitude_m[30:50] = 90.0
    speed_m_per_s[30:45] = 12.0
    climb_m_per_s[37] = 0.8
    speed_m_per_s[45:50] = 0.5
    descending = (time_s >= 50) & (time_s < 60)
    altitude_m[descending] = 90 - 4 * (time_s[descending] - 49)
    climb_m_per_s[descending] = -4.0
    return time_s, altitude_m, climb_m_per_s, speed_m_per_s, landed


def spans(phases):
    return [(p.phase, p.start_s, p.end_s) for p in phases]


def test_a_whole_flight_by_hand():
    # Take-off ends at 11 s, the first sample 3 m above the field (54 m); the landing starts
    # after 58 s, the last sample 3 m above it (54 m); the 1 s blip is merged into the cruise;
    # the hover holds exactly MIN_PHASE_S (5 s) and stays.
    assert spans(detect_phases(*profile())) == [
        (P.GROUND, 0, 10),
        (P.TAKEOFF, 10, 11),
        (P.CLIMB, 11, 30),
        (P.CRUISE, 30, 45),
        (P.HOVER, 45, 50),
        (P.DESCENT, 50, 59),
        (P.LANDING, 59, 60),
        (P.GROUND, 60, 100),
    ]
    assert MIN_PHASE_S == 5.0


def test_a_hover_shorter_than_the_minimum_joins_its_longer_neighbour():
    time_s, altitude_m, climb, speed, landed = profile()
    speed[45] = 12.0  # the hover is now 46-49 s: 4 s, into the cruise (15 s) before it
    phases = spans(detect_phases(time_s, altitude_m, climb, speed, landed))
    assert (P.CRUISE, 30, 50) in phases
    assert all(p != P.HOVER for p, _, _ in phases)


def test_a_log_that_never_flew_is_one_ground_phase():
    time_s = np.linspace(0, 6, 21)
    zeros = np.zeros(21)
    phases = detect_phases(time_s, zeros, zeros, zeros, np.ones(21, dtype=bool))
    assert spans(phases) == [(P.GROUND, 0, 6)]


def test_a_hop_is_take_off_to_its_top_and_landing_from_there():
    time_s = np.arange(8.0)
    altitude_m = np.array([0, 0, 0.5, 1.0, 1.2, 0.6, 0, 0])  # never 3 m up: top at 4 s
    landed = np.array([1, 1, 0, 0, 0, 0, 1, 1], dtype=bool)
    zeros = np.zeros(8)
    assert spans(detect_phases(time_s, altitude_m, zeros, zeros, landed)) == [
        (P.GROUND, 0, 2),
        (P.TAKEOFF, 2, 4),
        (P.LANDING, 4, 6),
        (P.GROUND, 6, 7),
    ]


def test_a_take_off_the_altitude_does_not_show_is_the_land_detector_on_a_spool_up():
    # PX4's land detector says "in the air" for 2 s while the motors spin up; the vehicle
    # never gets FLIGHT_HEIGHT_MIN_M (1 m) above the ground: it stays on the ground.
    time_s = np.arange(8.0)
    altitude_m = np.array([0.5, 0.5, 0.9, 1.3, 1.2, 0.6, 0.5, 0.5])  # 0.8 m above at most
    landed = np.array([1, 1, 0, 0, 0, 0, 1, 1], dtype=bool)
    zeros = np.zeros(8)
    assert FLIGHT_HEIGHT_MIN_M == 1.0
    assert spans(detect_phases(time_s, altitude_m, zeros, zeros, landed)) == [(P.GROUND, 0, 7)]


def test_a_log_that_starts_in_the_air_has_no_take_off_and_unknowns_are_level_cruise():
    time_s = np.arange(20.0)
    nan = np.full(20, np.nan)
    landed = np.zeros(20, dtype=bool)
    assert spans(detect_phases(time_s, nan, nan, nan, landed)) == [(P.CRUISE, 0, 19)]
    altitude_m = np.linspace(100, 81, 20)  # 1 m/s down, never near a ground
    climb = np.full(20, -1.0)
    assert spans(detect_phases(time_s, altitude_m, climb, nan, landed)) == [(P.DESCENT, 0, 19)]


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda a: a.update(time_s=np.array([0.0])), "at least 2 samples"),
        (lambda a: a.update(landed=np.ones(3, dtype=bool)), "one value per time"),
        (lambda a: a.update(time_s=np.array([0.0, 2.0, 1.0, 3.0])), "strictly increasing"),
    ],
)
def test_bad_series_are_one_line(change, expected):
    arrays = {
        "time_s": np.arange(4.0),
        "altitude_m": np.zeros(4),
        "climb_rate_m_per_s": np.zeros(4),
        "horizontal_speed_m_per_s": np.zeros(4),
        "landed": np.ones(4, dtype=bool),
    }
    change(arrays)
    with pytest.raises(InputError, match=expected):
        detect_phases(**arrays)


def test_a_log_with_phases_flies_them_and_says_so():
    time_s, altitude_m, climb, speed, landed = profile()
    phases = detect_phases(time_s, altitude_m, climb, speed, landed)
    power_w = np.where(landed, 20.0, 400.0)
    log = FlightLog(time_s=time_s, power_w=power_w, source="f.ulg", phases=phases)
    mission = log_to_mission(log, mission_id="f", name="f", bin_s=10.0)
    # Each 10 s bin takes the phase it overlaps most: 10-20 s is 1 s take-off, 9 s climb.
    assert [s.phase for s in mission.segments] == [
        P.GROUND, P.CLIMB, P.CLIMB, P.CRUISE, P.CRUISE, P.DESCENT, P.GROUND, P.GROUND,
        P.GROUND, P.GROUND,
    ]
    assert mission.segments[1].name == "log 10-20 s (climb)"
    assert "take-off 10-11 s" in mission.sources["flight log phases"]
    assert mission.energy_wh == pytest.approx(log.energy_wh)


def test_a_csv_log_without_phases_flies_as_before():
    log = FlightLog(time_s=np.arange(30.0), power_w=np.full(30, 100.0), source="f.csv")
    mission = log_to_mission(log, mission_id="f", name="f")
    assert [s.name for s in mission.segments] == ["log 0-10 s", "log 10-20 s", "log 20-29 s"]
    assert {s.phase for s in mission.segments} == {P.CRUISE}
    assert "flight log phases" not in mission.sources


@pytest.mark.parametrize(
    "phases, expected",
    [
        ((LogPhase(P.GROUND, 0, 10),), "phases must cover the log"),
        ((LogPhase(P.GROUND, 0, 10), LogPhase(P.CLIMB, 12, 29)), "phases must cover the log"),
    ],
)
def test_phases_that_do_not_cover_the_log_are_refused(phases, expected):
    with pytest.raises(InputError, match=expected):
        FlightLog(time_s=np.arange(30.0), power_w=np.ones(30), source="f", phases=phases)
