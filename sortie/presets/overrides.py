"""``--set`` and ``[changes]``: a ``TARGET.FIELD=VALUE`` read into a target, a dotted path and
a TOML value; a document with dotted paths set; a cell designer's flat field names (aliases)
as dotted paths. :mod:`sortie.presets.loader` applies them to presets and files."""

from __future__ import annotations

import tomllib
from typing import Any

from sortie.errors import InputError, shown_value
from sortie.files import MAX_NESTING, check_nesting

Overrides = dict[str, Any]


def parse_override(text: str) -> tuple[str, str, Any]:
    """``"drone.payload_kg=1.2"`` -> ``("drone", "payload_kg", 1.2)``. The value is read as a
    TOML value (number, boolean, quoted string, array); anything else is a plain string."""
    target_path, separator, raw = text.partition("=")
    target, dot, path = target_path.strip().partition(".")
    if not separator or not dot or not path or not raw.strip():
        raise InputError(f"--set {text!r}: expected TARGET.FIELD=VALUE, e.g. drone.payload_kg=1.2")
    return target, path, parse_value(raw)


def parse_value(raw: str) -> Any:
    """A TOML value (number, boolean, quoted string, array); anything else as plain text.
    A value nested more than :data:`~sortie.files.MAX_NESTING` levels is refused."""
    text = raw.strip()
    try:
        value = tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text
    except RecursionError:
        value = None  # as deep as it gets
    shown = shown_value(text)
    if value is None:
        raise InputError(f"value {shown!r} is nested more than {MAX_NESTING} levels deep")
    check_nesting(value, f"value {shown!r}")
    return value


def apply_overrides(data: dict[str, Any], overrides: Overrides, context: str) -> dict[str, Any]:
    """A copy of ``data`` with each dotted path set (``phases.2.duration_s``: list index 2).
    Missing tables are created; unknown field names are caught by validation afterwards."""
    import copy

    result = copy.deepcopy(data)
    for path, value in overrides.items():
        keys = path.split(".")
        node: Any = result
        for depth, key in enumerate(keys):
            last = depth == len(keys) - 1
            if isinstance(node, list):
                if not key.isdigit() or int(key) >= len(node):
                    raise InputError(
                        f"{context}: --set {path}: '{key}' is not an index below {len(node)}"
                    )
                if last:
                    node[int(key)] = value
                else:
                    node = node[int(key)]
            elif isinstance(node, dict):
                if last:
                    node[key] = value
                elif key not in node and keys[depth + 1].isdigit():
                    # An index into a list that is not there (phases of a power mission).
                    raise InputError(f"{context}: --set {path}: there is no list '{key}'")
                else:
                    node = node.setdefault(key, {})
            else:
                raise InputError(f"{context}: --set {path}: '{keys[depth - 1]}' is a value")
    return result


# Flat names for the fields a cell designer changes (``--set positive_electrode_thickness_um=90``).
CELL_FIELD_ALIASES = {
    "positive_electrode_thickness_um": "positive.coating_thickness_um",
    "negative_electrode_thickness_um": "negative.coating_thickness_um",
    "positive_electrode_porosity": "positive.porosity",
    "negative_electrode_porosity": "negative.porosity",
    "positive_active_material_volume_fraction": "positive.active_material_volume_fraction",
    "negative_active_material_volume_fraction": "negative.active_material_volume_fraction",
    "negative_silicon_volume_fraction": "negative.secondary_active_material_volume_fraction",
    "positive_particle_radius_um": "positive.particle_radius_um",
    "negative_particle_radius_um": "negative.particle_radius_um",
    "separator_thickness_um": "separator.thickness_um",
    "separator_porosity": "separator.porosity",
}


def resolve_cell_overrides(data: dict[str, Any], overrides: Overrides) -> Overrides:
    """Aliases to dotted paths. Changing an electrode's porosity alone keeps its binder and
    carbon fraction, so the active fraction gives way (more porosity, less active material)."""
    resolved: Overrides = {}
    for key, value in overrides.items():
        path = CELL_FIELD_ALIASES.get(key, key)
        resolved[path] = value
        side, _, name = path.partition(".")
        fraction_path = f"{side}.active_material_volume_fraction"
        if (
            name == "porosity"
            and side in ("positive", "negative")
            and fraction_path not in {CELL_FIELD_ALIASES.get(k, k) for k in overrides}
        ):
            electrode = data.get(side, {})
            try:
                inactive = (
                    1.0 - electrode["porosity"] - electrode["active_material_volume_fraction"]
                )
                resolved[fraction_path] = 1.0 - float(value) - max(inactive, 0.0)
            except (KeyError, TypeError, ValueError):
                pass  # validation names what is missing
    return resolved
