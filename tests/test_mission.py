import numpy as np
import pytest
from pydantic import ValidationError

from sortie.models.mission import Mission, Segment, mission_from_time_series
from tests.conftest import constant_mission


def test_times_energy_and_segment_lookup():
    mission = constant_mission((60, 100), (120, 200), (30, 50), ambient_c=10)
    assert mission.duration_s == 210
    assert mission.start_times_s == (0.0, 60.0, 180.0)
    assert mission.energy_wh == pytest.approx((6000 + 24000 + 1500) / 3600)
    # A step time belongs to the segment that ends there (the solver's left-hand value).
    assert list(mission.segment_index_at(np.array([0, 59.9, 60, 60.001, 180, 180.5, 210]))) == [
        0,
        0,
        0,
        1,
        1,
        2,
        2,
    ]
    assert mission.segment_ambients_c() == (10, 10, 10)
    assert mission.segment_ambients_c(override_c=-5) == (-5, -5, -5)


def test_segment_ambient_overrides_mission_ambient():
    mission = Mission(
        id="m",
        name="m",
        description="",
        ambient_c=20,
        segments=(
            Segment(name="a", duration_s=10, power_w=1),
            Segment(name="b", duration_s=10, power_w=1, ambient_c=-10),
        ),
    )
    assert mission.segment_ambients_c() == (20, -10)


@pytest.mark.parametrize(
    ("segment", "field"),
    [
        ({"duration_s": -1, "power_w": 10}, "duration_s"),
        ({"duration_s": 0, "power_w": 10}, "duration_s"),
        ({"duration_s": 10, "power_w": -3}, "power_w"),
        ({"duration_s": 10, "power_w": 3, "phase": "teleport"}, "phase"),
    ],
)
def test_bad_segments_are_named(segment, field):
    with pytest.raises(ValidationError, match=field):
        Segment(name="x", **segment)


def test_empty_mission_is_refused():
    with pytest.raises(ValidationError, match="at least one segment"):
        Mission(id="m", name="m", description="", segments=())


def test_time_series_holds_each_sample():
    mission = mission_from_time_series("log", "log", [0, 10, 30, 40], [100, 200, 50, 0])
    assert [s.duration_s for s in mission.segments] == [10, 20, 10]
    assert [s.power_w for s in mission.segments] == [100, 200, 50]
    assert mission.energy_wh == pytest.approx((1000 + 4000 + 500) / 3600)
    with pytest.raises(ValueError, match="increasing"):
        mission_from_time_series("log", "log", [0, 10, 10], [1, 2, 3])
