import os
import tempfile

import pytest

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
# A fresh result cache per test run: every explorer test solves for real.
os.environ["SORTIE_CACHE_DIR"] = tempfile.mkdtemp(prefix="sortie-test-cache-")
# The showroom precomputation would compete with the tests for the two cores.
os.environ["SORTIE_PRECOMPUTE_SHOWROOM"] = "0"

from sortie.cells.pack import Pack
from sortie.models.mission import FlightPhase, Mission, Segment


def constant_mission(
    *segments: tuple[float, float], ambient_c: float = 25.0, mission_id: str = "test"
) -> Mission:
    """Mission from (duration_s, pack_power_w) pairs."""
    return Mission(
        id=mission_id,
        name=mission_id,
        description="test profile",
        segments=tuple(
            Segment(name=f"segment {i + 1}", duration_s=d, power_w=p, phase=FlightPhase.TEST)
            for i, (d, p) in enumerate(segments)
        ),
        ambient_c=ambient_c,
    )


@pytest.fixture
def single_cell() -> Pack:
    return Pack(series_count=1, parallel_count=1)
