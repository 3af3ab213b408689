"""A fitted drone (:class:`~sortie.studies.drone_fit.DroneFit`) as a drone file: the base
drone's fields with the fitted values, each fitted value's source saying the log, the mass, the
ambient and its standard error. Loadable with ``--drone FILE`` and
:func:`sortie.presets.load_drone`."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tomli_w

from sortie.files import write_file
from sortie.presets.cell_files import toml_ready

if TYPE_CHECKING:
    from sortie.studies.drone_fit import DroneFit


def drone_document(fit: DroneFit, drone_id: str) -> dict[str, Any]:
    """The fitted drone as a drone file's document, the fit written into its sources."""
    drone = dataclasses.replace(
        fit.drone,
        id=drone_id,
        name=f"{fit.base.name}, fitted to {fit.source}",
        description=f"{fit.base.description} Coefficients fitted to the flight log {fit.source} "
        f"at {fit.take_off_mass_kg:g} kg take-off mass.",
        name_de=f"{fit.base.name_de}, angepasst an {fit.source}" if fit.base.name_de else "",
        description_de="",
    )
    document = toml_ready(dataclasses.asdict(drone))
    sources = dict(document.get("sources", {}))
    for value in fit.values:
        key = value.parameter.value.split(".")[-1]
        if value.fitted:
            sources[key] = (
                f"fitted to flight log {fit.source} ({fit.take_off_mass_kg:g} kg, "
                f"{fit.ambient_c:g} °C): {value.value:.4g} ± {value.standard_error:.2g} "
                "(one standard error)"
            )
    sources["fit"] = "; ".join(fit.notes)
    document["sources"] = sources
    return document


def write_drone_file(path: Path, fit: DroneFit) -> Path:
    """Write ``fit``'s drone as a drone file at ``path`` (its id the file's stem), loadable
    with ``--drone path`` and :func:`sortie.presets.load_drone`."""
    path = Path(path)
    text = tomli_w.dumps(drone_document(fit, path.stem))
    write_file(path, text.encode("utf-8"), str(path))
    return path
