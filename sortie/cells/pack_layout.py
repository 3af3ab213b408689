"""How a pack's cells sit: a grid of rows x columns, the gap between neighbours, and what
holds them (a sealed wrap or box, or an open frame in the air).

Pure data; the heat flow through it is :mod:`sortie.models.pack_thermal`.
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import Field, model_validator
from pydantic.dataclasses import dataclass

from sortie.cells.chemistry import STRICT

# Still air at 300 K (Incropera et al., Fundamentals of Heat and Mass Transfer, 7th ed.,
# Table A.4): what fills the gaps between cells unless a potting or foam is named.
AIR_CONDUCTIVITY_W_PER_M_K = 0.0263
# Mixed overhead (nickel strip 444, copper 385, PVC/ABS wrap and holders ~1300-1500
# J/(kg K); Incropera Tables A.1, A.3): the heat capacity of what surrounds the cells.
DEFAULT_ENCLOSURE_SPECIFIC_HEAT_J_PER_KG_K = 1000.0
# Share of the aircraft's air or propwash speed that reaches the pack's surface: a pack
# strapped under the frame or in a vented bay. 0: sealed inside the airframe (natural
# convection only); 1: in the free stream. An editable assumption.
DEFAULT_AIRFLOW_EXPOSURE = 0.5


@dataclass(config=STRICT)
class PackLayout:
    """``rows`` x ``columns`` positions (None: the nearest square that holds the cells);
    ``spacing_mm`` between neighbouring cans (0: touching, as glued drone packs are);
    ``sealed``: the cells are wrapped or boxed (heat leaves through the enclosure), else an
    open frame (each cell's free surface, and its gaps when they are wide enough for air to
    pass, meets the air). ``gap_conductivity_w_per_m_k`` is what fills the gaps (air;
    ~0.2 for a potting foam)."""

    rows: Annotated[int, Field(ge=1, le=400)] | None = None
    columns: Annotated[int, Field(ge=1, le=400)] | None = None
    spacing_mm: Annotated[float, Field(ge=0, le=50)] = 0.0
    sealed: bool = True
    gap_conductivity_w_per_m_k: Annotated[float, Field(gt=0, le=50)] = AIR_CONDUCTIVITY_W_PER_M_K
    enclosure_mass_kg: Annotated[float, Field(ge=0, le=1000)] | None = None
    enclosure_specific_heat_j_per_kg_k: Annotated[float, Field(gt=0, le=5000)] = (
        DEFAULT_ENCLOSURE_SPECIFIC_HEAT_J_PER_KG_K
    )
    airflow_exposure: Annotated[float, Field(ge=0, le=1)] = DEFAULT_AIRFLOW_EXPOSURE

    @model_validator(mode="after")
    def _check(self) -> PackLayout:
        if (self.rows is None) != (self.columns is None):
            raise ValueError("give both rows and columns, or neither")
        return self

    def grid(self, cell_count: int) -> tuple[int, int]:
        """(rows, columns) for ``cell_count`` cells; raises ValueError when they do not fit."""
        if self.rows is not None and self.columns is not None:
            if self.rows * self.columns < cell_count:
                raise ValueError(
                    f"a {self.rows} x {self.columns} layout holds {self.rows * self.columns} "
                    f"cells, not {cell_count}"
                )
            return self.rows, self.columns
        columns = math.ceil(math.sqrt(cell_count))
        return math.ceil(cell_count / columns), columns
