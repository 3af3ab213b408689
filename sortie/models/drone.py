"""Drones as far as the mission engine needs them: the pack they carry.

Airframe physics (momentum theory, drag polars, mass feedback) is its own issue; here a
drone names its default pack layout and cell so that ``sortie run --drone`` flies the mission
on the pack that aircraft carries.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from pydantic.dataclasses import dataclass

from sortie.cells.chemistry import STRICT


@dataclass(config=STRICT)
class Drone:
    id: str
    name: str
    description: str
    series_count: Annotated[int, Field(ge=1, le=400)]
    parallel_count: Annotated[int, Field(ge=1, le=400)]
    cell: str | None = None
    airframe_mass_kg: Annotated[float, Field(gt=0, le=5000)] | None = None
    payload_kg: Annotated[float, Field(ge=0, le=5000)] = 0.0
    sources: dict[str, str] = Field(default_factory=dict)
