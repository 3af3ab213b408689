"""How to simulate: model fidelity, thermal environment and limits."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field
from pydantic.dataclasses import dataclass

from sortie.cells.chemistry import STRICT

# Natural convection from a cell in still air is 5-25 W/(m2 K) (Incropera et al.,
# Fundamentals of Heat and Mass Transfer, 7th ed., Table 1.1); 10 is the value of the
# Chen2020/ORegan2022 parameter sets. Cells inside a drone pack see less than a bare cell.
DEFAULT_HEAT_TRANSFER_COEFFICIENT_W_PER_M2_K = 10.0
# IDAKLU's relative tolerance: ~23 % faster than 1e-6 with no visible change (design notes).
DEFAULT_RELATIVE_TOLERANCE = 1e-4
# Sweeps and optimisation: another ~30 % faster; endurance, state of charge, minimum voltage and
# peak temperature move by less than 0.1 %, 0.1 mV and 0.01 K (tests/test_sweep.py checks it).
SWEEP_RELATIVE_TOLERANCE = 1e-3
# Sweeps and optimisation: IDA's first step after the start and after every power step. Left
# to IDA it starts at ~0.05 s and needs ~20 steps per segment to reach its stride; 2 s cut the
# steps 17-21 % and the Jacobian evaluations 25-30 % (ISR loiter, 40 DFN and 60 SPMe designs,
# rtol 1e-3), and against an rtol 1e-6 reference the results were as close or closer (SPMe:
# minimum voltage within 1.0 mV instead of 1.3, peak temperature 0.045 K instead of 0.072).
# A step too long for a fast transient fails IDA's error test and is shortened.
SWEEP_INITIAL_STEP_S = 2.0
# Sweeps and optimisation: IDA's local error test on the differential states only (the
# particle and electrolyte concentrations, temperature), not on the algebraic ones
# (potentials, current), which follow from them. The DFN example: 96 -> 87 steps, 31 -> 25
# Jacobians, 9 -> 4 failed error tests a design, ~12 % less time; against Sortie's defaults
# (rtol 1e-4) the results as close (19 designs: minimum voltage within 0.14 mV instead of
# 0.29, peak temperature within 0.023 K instead of 0.013, same verdicts). SUNDIALS
# discourages it for index-1 systems in general (IDASetSuppressAlg): tests/test_sweep.py
# checks the verdicts and figures against the defaults.
SWEEP_SUPPRESS_ALGEBRAIC_ERROR = True
# Typical upper discharge limit of Li-ion cell datasheets (e.g. LG INR21700 M50: 60 °C); the
# chemistry catalogue has each set's own (sortie.cells.chemistry).
DEFAULT_MAX_TEMPERATURE_C = 60.0


class ThermalBoundary(StrEnum):
    """What the cells lose their heat to. PACK: the pack's thermal network (neighbours, the
    enclosure or open frame, convection by flight phase); CHAMBER: each cell alone in a test
    chamber, its own surface to the chamber air at the settings' coefficient (no pack, no
    enclosure, no airflow from the flight): a cell test as a cycler runs it."""

    PACK = "pack"
    CHAMBER = "chamber"


class ModelKind(StrEnum):
    """Electrochemical model. DFN is the default for verdicts (see the design notes:
    SPM reads ~155 mV high and misses ~40 % of the self-heating at 2C)."""

    SPM = "spm"
    SPME = "spme"
    DFN = "dfn"


@dataclass(config=STRICT)
class SimulationSettings:
    """``ambient_c`` None flies each segment at its own ambient; a number overrides them all.
    ``initial_state_of_charge`` is 0..1 of the usable window between the cut-off voltages.

    Thermal: ``thermal_boundary`` is the pack's network (PACK, with
    ``heat_transfer_coefficient_w_per_m2_k`` the still-air value on its outer surface) or a
    single open cell in a test chamber (CHAMBER, that coefficient on the cell's own surface
    throughout). The run stops when any cell of the pack passes ``max_temperature_c`` or falls
    below ``min_temperature_c`` (None: the chemistry's discharge limits, from its datasheet).
    The cells start at ``start_temperature_c`` (None: the first segment's air, a soaked
    pack); a cold-soaked pack may be pre-heated on the ground before take-off with
    ``heater_power_w`` for ``heater_duration_s``, drawn from the pack.

    Solver: ``output_points`` is where results are reported (it does not steer the solver);
    ``relative_tolerance`` is IDAKLU's (sweeps use :data:`SWEEP_RELATIVE_TOLERANCE`, checked
    to keep every verdict); ``initial_step_s`` is IDA's first step at the start and after
    every power step (0: IDA's own choice; sweeps use :data:`SWEEP_INITIAL_STEP_S`);
    ``suppress_algebraic_error`` leaves the algebraic states (potentials, current) out of
    IDA's local error test (sweeps: :data:`SWEEP_SUPPRESS_ALGEBRAIC_ERROR`);
    ``compiled`` compiles the solver's functions to machine code with the system C compiler
    (gcc) first: DFN solves ~2x faster than CasADi's own machine, after a compile of 1-2
    minutes on the first run of a model structure, kept on disk
    (:func:`~sortie.models.compile_cache.compile_cache_folder`):
    pays for big or repeated sweeps (without a compiler it solves uncompiled; PyBaMM logs it).
    """

    model: ModelKind = ModelKind.DFN
    max_temperature_c: Annotated[float, Field(gt=-40, le=150)] | None = None
    min_temperature_c: Annotated[float, Field(ge=-80, lt=60)] | None = None
    ambient_c: Annotated[float, Field(ge=-60, le=80)] | None = None
    start_temperature_c: Annotated[float, Field(ge=-60, le=80)] | None = None
    heater_power_w: Annotated[float, Field(ge=0, le=1e5)] = 0.0
    heater_duration_s: Annotated[float, Field(ge=0, le=24 * 3600)] = 0.0
    heat_transfer_coefficient_w_per_m2_k: Annotated[float, Field(gt=0, le=2000)] = (
        DEFAULT_HEAT_TRANSFER_COEFFICIENT_W_PER_M2_K
    )
    thermal_boundary: ThermalBoundary = ThermalBoundary.PACK
    initial_state_of_charge: Annotated[float, Field(gt=0.01, le=1.0)] = 1.0
    output_points: Annotated[int, Field(ge=20, le=20000)] = 600
    relative_tolerance: Annotated[float, Field(ge=1e-7, le=1e-2)] = DEFAULT_RELATIVE_TOLERANCE
    initial_step_s: Annotated[float, Field(ge=0, le=600)] = 0.0
    suppress_algebraic_error: bool = False
    compiled: bool = False


def limits_c(settings: SimulationSettings, chemistry) -> tuple[float, float]:
    """(lowest, highest) cell temperature of a run: the settings', else the chemistry's."""
    low = settings.min_temperature_c
    high = settings.max_temperature_c
    return (
        chemistry.min_discharge_temperature_c if low is None else low,
        chemistry.max_discharge_temperature_c if high is None else high,
    )
