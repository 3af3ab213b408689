"""Ready-made chemistries, formats, cells, drones and missions (TOML data) and their loader."""

from sortie.presets.loader import (
    PresetInfo,
    PresetKind,
    chemistries,
    list_presets,
    load_cell,
    load_drone,
    load_mission,
)

__all__ = [
    "PresetInfo",
    "PresetKind",
    "chemistries",
    "list_presets",
    "load_cell",
    "load_drone",
    "load_mission",
]
