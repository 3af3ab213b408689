"""What a cell designer edits, the range each edit may take, and what an edit changed.

The designer edits seven fields of a preset (:class:`DesignField`, named by the loader's flat
aliases, ``positive_electrode_thickness_um=72``; names, units and ranges are
in :mod:`sortie.quantities`). Each has a range checked before the cell is
built, so a value out of range is refused in the field's own words, never as a message about
an internal field (a porosity of 0 used to fail as ``positive.active_material_volume_fraction``
because the active fraction gives way to the porosity).

A thicker coating in a stacked pouch can make the stack thicker than the pouch:
:func:`stack_overflow` says so and what the ways out are (fewer layers in the same pouch, or
the same layers in a thicker pouch; for a stated electrode area, the area that fits), each
as loader overrides.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sortie.cells.design import CellDesign, PouchFormat, pair_thickness_um
from sortie.quantities import cell_field


class DesignField(StrEnum):
    """The fields the cell designer shows; values are the loader's flat aliases."""

    POSITIVE_COATING = "positive_electrode_thickness_um"
    NEGATIVE_COATING = "negative_electrode_thickness_um"
    POSITIVE_POROSITY = "positive_electrode_porosity"
    NEGATIVE_POROSITY = "negative_electrode_porosity"
    POSITIVE_PARTICLE_RADIUS = "positive_particle_radius_um"
    NEGATIVE_PARTICLE_RADIUS = "negative_particle_radius_um"
    SEPARATOR = "separator_thickness_um"


# A porosity edit keeps the binder and carbon, so the active material gives way; at least this
# share of the coating stays active (and above a silicon share), or it is no electrode.
MIN_ACTIVE_MATERIAL_VOLUME_FRACTION = 0.05


def _designer_range(field: DesignField) -> tuple[float, float]:
    """The designer's range of ``field`` (sortie.quantities: wide around real cells and inside
    what a design can be built with)."""
    designer = cell_field(field.value).designer_range
    assert designer is not None, f"{field.value}: every designer field has a designer range"
    return designer


def _side(field: DesignField) -> str:
    return field.value.partition("_")[0]


def field_value(design: CellDesign, field: DesignField) -> float:
    """The value ``field`` has in ``design``."""
    if field is DesignField.SEPARATOR:
        return design.separator.thickness_um
    electrode = getattr(design, _side(field))
    if field in (DesignField.POSITIVE_COATING, DesignField.NEGATIVE_COATING):
        return electrode.coating_thickness_um
    if field in (DesignField.POSITIVE_POROSITY, DesignField.NEGATIVE_POROSITY):
        return electrode.porosity
    return electrode.particle_radius_um


def field_range(design: CellDesign, field: DesignField) -> tuple[float, float]:
    """The inclusive range of ``field`` for an edit of ``design`` (the other fields as they
    are). A porosity's top leaves the electrode's binder and carbon and at least
    :data:`MIN_ACTIVE_MATERIAL_VOLUME_FRACTION` of active material above its silicon share,
    rounded down to 0.01."""
    low, high = _designer_range(field)
    if field in (DesignField.POSITIVE_POROSITY, DesignField.NEGATIVE_POROSITY):
        electrode = getattr(design, _side(field))
        room = (
            1.0
            - electrode.inactive_volume_fraction
            - electrode.secondary_active_material_volume_fraction
            - MIN_ACTIVE_MATERIAL_VOLUME_FRACTION
        )
        high = min(high, math.floor(room * 100 + 1e-9) / 100)
    return low, high


def describe_changes(before: CellDesign, after: CellDesign) -> tuple[str, ...]:
    """What differs between two designs of one cell, one phrase each, in the designer's
    words: ``positive coating 72 µm (was 67 µm)``, ``11 cathode layers (was 12)``,
    ``pouch 4.52 mm thick (was 4.40 mm)``."""
    changes = []
    for field in DesignField:
        old, new = field_value(before, field), field_value(after, field)
        if not math.isclose(old, new, rel_tol=1e-12, abs_tol=1e-12):
            shown = cell_field(field.value)
            name = shown.name
            suffix = "" if shown.unit == "-" else f" {shown.unit}"
            changes.append(f"{name} {new:g}{suffix} (was {old:g}{suffix})")
    if after.cathode_layer_count != before.cathode_layer_count:
        changes.append(
            f"{after.cathode_layer_count} cathode layers (was {before.cathode_layer_count})"
        )
    if after.electrode_area_m2 != before.electrode_area_m2 and after.electrode_area_m2:
        was = f"{before.electrode_area_m2:.4f} m²" if before.electrode_area_m2 else "filling it"
        changes.append(f"electrode area {after.electrode_area_m2:.4f} m² (was {was})")
    if isinstance(before.format, PouchFormat) and isinstance(after.format, PouchFormat):
        old_mm, new_mm = before.format.thickness_mm, after.format.thickness_mm
        if not math.isclose(old_mm, new_mm, rel_tol=1e-12):
            changes.append(f"pouch {new_mm:.2f} mm thick (was {old_mm:.2f} mm)")
    return tuple(changes)


class StackFix(StrEnum):
    """Ways out of an electrode stack that does not fit its format."""

    FEWER_LAYERS = "fewer layers"  # a pouch: as many layers as it holds
    THICKER_POUCH = "thicker pouch"  # a pouch: every layer, in a pouch made thicker
    SMALLER_AREA = "smaller area"  # a stated electrode area: what the format holds


@dataclass(frozen=True)
class StackOption:
    """One way out: the layer count, pouch thickness or electrode area it gives."""

    fix: StackFix
    cathode_layer_count: int | None = None
    stack_thickness_mm: float | None = None
    pouch_thickness_mm: float | None = None
    electrode_area_m2: float | None = None

    @property
    def overrides(self) -> dict[str, float]:
        """The change as loader overrides (dotted paths), added to the design's edits."""
        if self.fix is StackFix.FEWER_LAYERS:
            return {"cathode_layer_count": self.cathode_layer_count}
        if self.fix is StackFix.THICKER_POUCH:
            return {"format.thickness_mm": self.pouch_thickness_mm}
        return {"electrode_area_m2": self.electrode_area_m2}


@dataclass(frozen=True)
class StackOverflow:
    """An edited design whose electrode stack does not fit its format: the design check's
    words for it, and the ways out (for a pouch fewer layers first, as it keeps the pouch;
    none when nothing fits)."""

    message: str
    options: tuple[StackOption, ...]

    def option(self, fix: StackFix) -> StackOption | None:
        return next((o for o in self.options if o.fix is fix), None)


# A pouch made thicker is rounded up to this (a pouch maker's hundredth of a millimetre).
POUCH_STEP_MM = 0.01
# PouchFormat's limit (thickness_mm < 100).
MAX_POUCH_THICKNESS_MM = 99.99
# The same tolerance as the design's own checks: what they accept fits.
_FITS = 1 + 1e-9


def stack_overflow(design: CellDesign, values: Mapping[DesignField, float]) -> StackOverflow | None:
    """For ``design`` edited to ``values`` (fields not given keep their value): None when the
    edited electrode stack fits the format, else why not and the ways out. Thicker coatings
    or separators make a thicker pair; a wound cell without a stated area winds a shorter
    roll and always fits, so only stacked pouches and stated areas can overflow.

    - A stacked pouch: fewer layers keeps the pouch and gives up capacity; a thicker pouch
      keeps every layer and the clearance the design had around its stack (as capacity
      matching does), rounded up to :data:`POUCH_STEP_MM`.
    - A stated electrode area: the area the format holds at the new pair thickness."""

    def value(field: DesignField) -> float:
        return float(values.get(field, field_value(design, field)))

    pair_um = pair_thickness_um(
        value(DesignField.POSITIVE_COATING),
        value(DesignField.NEGATIVE_COATING),
        value(DesignField.SEPARATOR),
        design.positive_foil_thickness_um,
        design.negative_foil_thickness_um,
    )
    fmt, layers = design.format, design.cathode_layer_count
    if design.electrode_area_m2 is None and isinstance(fmt, PouchFormat) and layers is not None:
        return _pouch_overflow(design, fmt, layers, 1e-3 * pair_um)
    if design.electrode_area_m2 is None:
        return None
    free_m3 = getattr(fmt, "roll_volume_m3", fmt.volume_m3)
    stack_m3 = design.electrode_area_m2 * pair_um * 1e-6
    if stack_m3 <= free_m3 * _FITS:
        return None
    # Rounded down to 1 cm2, so that it fits.
    area_m2 = math.floor(free_m3 / (pair_um * 1e-6) * 1e4) / 1e4
    return StackOverflow(
        f"the electrode stack ({stack_m3 * 1e6:.1f} ml) does not fit in the {fmt.name} format "
        f"({free_m3 * 1e6:.1f} ml free)",
        (StackOption(StackFix.SMALLER_AREA, electrode_area_m2=area_m2),) if area_m2 > 0 else (),
    )


def _pouch_overflow(
    design: CellDesign, fmt: PouchFormat, layers: int, pair_mm: float
) -> StackOverflow | None:
    inside_mm = fmt.inside_thickness_mm
    stack_mm = 2 * layers * pair_mm
    if stack_mm <= inside_mm * _FITS:
        return None
    options = []
    fitting = math.floor(inside_mm * _FITS / (2 * pair_mm))
    if fitting >= 1:
        options.append(
            StackOption(StackFix.FEWER_LAYERS, fitting, 2 * fitting * pair_mm, fmt.thickness_mm)
        )
    clearance_mm = fmt.thickness_mm - design.stack_thickness_mm
    steps = math.ceil((stack_mm + clearance_mm) / POUCH_STEP_MM - 1e-6)
    thicker_mm = round(steps * POUCH_STEP_MM, 2)
    if thicker_mm <= MAX_POUCH_THICKNESS_MM:
        options.append(StackOption(StackFix.THICKER_POUCH, layers, stack_mm, thicker_mm))
    return StackOverflow(
        f"{layers} layers make a {stack_mm:.2f} mm stack; the pouch has {inside_mm:.2f} mm "
        "inside",
        tuple(options),
    )
