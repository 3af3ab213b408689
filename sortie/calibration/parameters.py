"""What a calibration can fit: a small registry, each entry with its bounds, scale and where
its value goes (a cell file's design field, a PyBaMM parameter of the model, or a condition
of the tests), and the defaults by what the tests can identify (:class:`TestKind`).

- Design fields (active material fractions, particle radii) are written to the fitted cell
  file as ``[changes]`` and mean there exactly what they meant in the fit.
- Model factors and activation energies change a PyBaMM parameter of the chemistry (a
  factor on the set's value or function; an extra Arrhenius term). A cell file cannot carry
  them yet (a cell names a catalogue chemistry): the report lists them, the cell file says so.
- Conditions of the tests (heat transfer in the chamber, a series contact resistance of the
  rig) are fitted so that the cell's own values are not bent to fit the rig.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sortie.errors import InputError
from sortie.measurements.cell_test import CellTest, TestKind
from sortie.models.current_runs import FittedParameter, Modifier


class Place(StrEnum):
    """Where a fitted value goes."""

    DESIGN = "design"  # a cell design field: written to the cell file
    MODEL = "model"  # a PyBaMM parameter of the chemistry
    CONDITION = "condition"  # of the test rig (chamber, contacts): not the cell's


class FitKey(StrEnum):
    POSITIVE_ACTIVE_FRACTION = "positive-active-fraction"
    NEGATIVE_ACTIVE_FRACTION = "negative-active-fraction"
    POSITIVE_PARTICLE_RADIUS = "positive-particle-radius"
    NEGATIVE_PARTICLE_RADIUS = "negative-particle-radius"
    POSITIVE_DIFFUSIVITY = "positive-diffusivity"
    NEGATIVE_DIFFUSIVITY = "negative-diffusivity"
    POSITIVE_EXCHANGE_CURRENT = "positive-exchange-current"
    NEGATIVE_EXCHANGE_CURRENT = "negative-exchange-current"
    ELECTROLYTE_CONDUCTIVITY = "electrolyte-conductivity"
    DIFFUSIVITY_ACTIVATION_ENERGY = "diffusivity-activation-energy"
    EXCHANGE_CURRENT_ACTIVATION_ENERGY = "exchange-current-activation-energy"
    CONTACT_RESISTANCE = "contact-resistance"
    HEAT_TRANSFER = "heat-transfer"


@dataclass(frozen=True)
class Fittable:
    """One fittable value. Design values: ``design_path`` (the cell file's dotted path) in
    the design's unit; the bounds are factors on the base cell's value (``relative``).
    Model values: ``pybamm`` (the modified parameters, one value for all). Bounds and start
    are absolute unless ``relative``."""

    key: FitKey
    label: str
    unit: str
    place: Place
    lower: float
    upper: float
    log_scale: bool
    start: float | None = None  # None: the base cell's value (design) or 1 (a factor)
    relative: bool = False
    design_path: str | None = None
    pybamm: tuple[FittedParameter, ...] = ()


def _factor(name: str) -> FittedParameter:
    return FittedParameter(name, Modifier.FACTOR)


def _energy(name: str) -> FittedParameter:
    return FittedParameter(name, Modifier.ACTIVATION_ENERGY)


_D_N, _D_P = "Negative particle diffusivity [m2.s-1]", "Positive particle diffusivity [m2.s-1]"
_J_N = "Negative electrode exchange-current density [A.m-2]"
_J_P = "Positive electrode exchange-current density [A.m-2]"

REGISTRY: dict[FitKey, Fittable] = {
    f.key: f
    for f in (
        Fittable(
            FitKey.POSITIVE_ACTIVE_FRACTION,
            "positive active material volume fraction",
            "",
            Place.DESIGN,
            0.7,
            1.3,
            False,
            relative=True,
            design_path="positive.active_material_volume_fraction",
        ),
        Fittable(
            FitKey.NEGATIVE_ACTIVE_FRACTION,
            "negative active material volume fraction",
            "",
            Place.DESIGN,
            0.7,
            1.3,
            False,
            relative=True,
            design_path="negative.active_material_volume_fraction",
        ),
        Fittable(
            FitKey.POSITIVE_PARTICLE_RADIUS,
            "positive particle radius",
            "um",
            Place.DESIGN,
            0.3,
            3.0,
            True,
            relative=True,
            design_path="positive.particle_radius_um",
        ),
        Fittable(
            FitKey.NEGATIVE_PARTICLE_RADIUS,
            "negative particle radius",
            "um",
            Place.DESIGN,
            0.3,
            3.0,
            True,
            relative=True,
            design_path="negative.particle_radius_um",
        ),
        Fittable(
            FitKey.POSITIVE_DIFFUSIVITY,
            "positive particle diffusivity (factor)",
            "x",
            Place.MODEL,
            0.05,
            20.0,
            True,
            pybamm=(_factor(_D_P),),
        ),
        Fittable(
            FitKey.NEGATIVE_DIFFUSIVITY,
            "negative particle diffusivity (factor)",
            "x",
            Place.MODEL,
            0.05,
            20.0,
            True,
            pybamm=(_factor(_D_N),),
        ),
        Fittable(
            FitKey.POSITIVE_EXCHANGE_CURRENT,
            "positive exchange-current density (factor)",
            "x",
            Place.MODEL,
            0.05,
            20.0,
            True,
            pybamm=(_factor(_J_P),),
        ),
        Fittable(
            FitKey.NEGATIVE_EXCHANGE_CURRENT,
            "negative exchange-current density (factor)",
            "x",
            Place.MODEL,
            0.05,
            20.0,
            True,
            pybamm=(_factor(_J_N),),
        ),
        Fittable(
            FitKey.ELECTROLYTE_CONDUCTIVITY,
            "electrolyte conductivity (factor)",
            "x",
            Place.MODEL,
            0.1,
            10.0,
            True,
            pybamm=(_factor("Electrolyte conductivity [S.m-1]"),),
        ),
        Fittable(
            FitKey.DIFFUSIVITY_ACTIVATION_ENERGY,
            "extra activation energy of both particle diffusivities",
            "J/mol",
            Place.MODEL,
            -40e3,
            80e3,
            False,
            start=0.0,
            pybamm=(_energy(_D_N), _energy(_D_P)),
        ),
        Fittable(
            FitKey.EXCHANGE_CURRENT_ACTIVATION_ENERGY,
            "extra activation energy of both exchange-current densities",
            "J/mol",
            Place.MODEL,
            -40e3,
            80e3,
            False,
            start=0.0,
            pybamm=(_energy(_J_N), _energy(_J_P)),
        ),
        Fittable(
            FitKey.CONTACT_RESISTANCE,
            "series contact resistance (rig and tabs)",
            "Ohm",
            Place.CONDITION,
            1e-5,
            0.1,
            True,
            start=1e-3,
        ),
        Fittable(
            FitKey.HEAT_TRANSFER,
            "heat transfer coefficient to the chamber",
            "W/m2/K",
            Place.CONDITION,
            1.0,
            200.0,
            True,
            start=10.0,
        ),
    )
}

# What each kind of test can identify (the list): capacity and electrode balance from
# a slow discharge; transport from rate tests; kinetics and resistance from pulses.
_BY_KIND: dict[TestKind, tuple[FitKey, ...]] = {
    TestKind.SLOW_DISCHARGE: (FitKey.POSITIVE_ACTIVE_FRACTION, FitKey.NEGATIVE_ACTIVE_FRACTION),
    TestKind.OCV: (FitKey.POSITIVE_ACTIVE_FRACTION, FitKey.NEGATIVE_ACTIVE_FRACTION),
    TestKind.RATE: (FitKey.NEGATIVE_DIFFUSIVITY, FitKey.POSITIVE_DIFFUSIVITY),
    TestKind.PULSE: (FitKey.NEGATIVE_EXCHANGE_CURRENT, FitKey.CONTACT_RESISTANCE),
    TestKind.DRIVE: (FitKey.NEGATIVE_DIFFUSIVITY, FitKey.NEGATIVE_EXCHANGE_CURRENT),
}


def default_parameters(tests: Sequence[CellTest]) -> tuple[FitKey, ...]:
    """The parameters the tests can identify, in the registry's order: by kind, plus the
    diffusivities' activation energy when the tests span more than 10 K of ambient, plus the
    chamber's heat transfer when a cell temperature was logged."""
    wanted: set[FitKey] = set()
    for test in tests:
        wanted.update(_BY_KIND[test.kind])
    ambients = [test.ambient_c for test in tests]
    if ambients and max(ambients) - min(ambients) > 10.0:
        wanted.add(FitKey.DIFFUSIVITY_ACTIVATION_ENERGY)
    if any(test.temperature_c is not None for test in tests):
        wanted.add(FitKey.HEAT_TRANSFER)
    return tuple(key for key in REGISTRY if key in wanted)


def parse_fit_keys(names: Sequence[str]) -> tuple[FitKey, ...]:
    """``--fit`` names to keys; an unknown name raises InputError listing the known ones."""
    keys = []
    for name in names:
        try:
            keys.append(FitKey(name))
        except ValueError:
            known = ", ".join(k.value for k in FitKey)
            raise InputError(
                f"--fit {name!r}: not a fittable parameter (choose from {known})"
            ) from None
    return tuple(dict.fromkeys(keys))
