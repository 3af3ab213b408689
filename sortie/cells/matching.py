"""Capacity matching: scale a design to the capacity of the cell an integrator actually buys.

Stacked pouch cells change their layer count; wound cells (cylindrical, prismatic) change how
much of the can the jelly roll fills; a design with a fixed electrode area scales that area.
The electrodes themselves are not touched, so loadings, N/P and rate behaviour stay.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from pydantic import ValidationError

from sortie.cells.budget import cell_budget
from sortie.cells.chemistry import Chemistry
from sortie.cells.design import CellDesign, PouchFormat
from sortie.errors import describe_validation_error

# Below this the can is mostly empty: not a wound cell anyone builds.
MIN_FILL_FACTOR = 0.3


class CapacityMatchError(ValueError):
    """The target cannot be reached within the format."""


def match_capacity(design: CellDesign, chemistry: Chemistry, target_ah: float) -> CellDesign:
    """A copy of ``design`` whose capacity is ``target_ah`` (pouch: the nearest whole layer
    count). Raises :class:`CapacityMatchError` when it does not fit the format."""
    if target_ah <= 0:
        raise CapacityMatchError("the target capacity must be positive")
    current_ah = cell_budget(design, chemistry).capacity_ah
    ratio = target_ah / current_ah
    note = f"matched to {target_ah:g} Ah (was {current_ah:.3f} Ah)"
    sources = {**design.sources, "capacity matching": note}
    try:
        if design.electrode_area_m2 is not None:
            return dataclasses.replace(
                design, electrode_area_m2=design.electrode_area_m2 * ratio, sources=sources
            )
        if design.cathode_layer_count is not None:
            layers = max(1, round(design.cathode_layer_count * ratio))
            achieved_ah = current_ah * layers / design.cathode_layer_count
            if abs(achieved_ah / target_ah - 1) > 0.25:
                raise CapacityMatchError(
                    f"{target_ah:g} Ah: the nearest whole layer count gives {achieved_ah:.2f} Ah"
                )
            # The pouch follows its stack: same clearance around the stack as before.
            assert isinstance(design.format, PouchFormat)
            clearance_mm = design.format.thickness_mm - design.stack_thickness_mm
            stack_mm = 2 * layers * design.pair_thickness_m * 1e3
            pouch = dataclasses.replace(design.format, thickness_mm=stack_mm + clearance_mm)
            return dataclasses.replace(
                design, cathode_layer_count=layers, format=pouch, sources=sources
            )
        fill = design.jelly_roll_fill_factor * ratio
        if fill < MIN_FILL_FACTOR:
            raise CapacityMatchError(
                f"{target_ah:g} Ah fills only {fill:.0%} of the {design.format.name} can: "
                "choose a smaller format"
            )
        if fill > 1.0:
            # A fill of 1e300 is no percentage worth printing.
            needed = f"{fill:.0%} of" if fill < 10 else f"{fill:.3g} times"
            raise CapacityMatchError(
                f"{target_ah:g} Ah needs {needed} the {design.format.name} can for this "
                "electrode design: use thicker electrodes or a larger format"
            )
        return dataclasses.replace(design, jelly_roll_fill_factor=fill, sources=sources)
    except ValidationError as error:  # the matched format is validated again (its limits)
        detail = describe_validation_error(error, design.format.name)
        raise CapacityMatchError(f"{target_ah:g} Ah does not fit: {detail}") from None
    except ValueError as error:  # the matched design is validated again (stack fits, ...)
        if isinstance(error, CapacityMatchError):
            raise
        raise CapacityMatchError(f"{target_ah:g} Ah does not fit: {error}") from None


def matched_description(
    original_name: str,
    original_id: str,
    changes: Sequence[str],
    target_ah: float,
    capacity_ah: float,
    mass_g: float,
) -> str:
    """The description of a capacity match of ``original`` after the design ``changes`` (in
    words, as :func:`sortie.cells.design_edits.describe_changes` gives them): a match itself
    leaves the electrodes as they are, so without changes they are the original's."""
    edits = f"with {', '.join(changes)}" if changes else "with its electrodes unchanged"
    return (
        f"{original_name} ({original_id}) {edits}, matched to {target_ah:g} Ah: "
        f"{capacity_ah:.3f} Ah, {mass_g:.1f} g"
    )
