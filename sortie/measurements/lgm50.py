"""The shipped LG M50 measurements as CellTests, and their calibration/validation split.

Measurements of the LG M50 21700 cell by WMG (University of Warwick), published by Dhammika
Widanage in the repository WDWidanage/Simscape-Battery-Library (commit a3842b91,
``Examples/parameterEstimation_TECMD/Data/LGM50_5Ah_{RateTest,Pulse,OCV}.mat``) under the MIT
licence (copy in ``data/lgm50/LICENSE``: keep it, and the attribution, with any copy of these
files). The same files are in pybop-team/PyBOP (``examples/data/LG_M50_ECM/data/``). Related
paper: the TECMD model of Fan et al. (2022), linked from that repository's README. Converted
from MATLAB to CSV, values unchanged; long series thinned (``data/lgm50/README.md``).

Test names: ``"{chamber}C-{rate}"`` for the discharges (``"25C-2C"``, ``"45C-0.1C"``),
``"{chamber}C-pulse"`` for a temperature's pulse sequence, ``"{chamber}C-pulse-{block}"``
for one block of it (``"25C-pulse-SoC9"``).
"""

from __future__ import annotations

import functools
import importlib.resources
import io
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

import numpy as np
import pandas as pd

from sortie.measurements.cell_test import CellTest, DataSet, TestKind
from sortie.measurements.reader import CurrentSign, read_cell_tests
from sortie.measurements.series import cell_test_from_series

DATA_FOLDER = "data/lgm50"
RATE_FILE = "rate_test_25C_45C.csv"
PULSE_FILE = "hppc_pulses.csv"
OCV_FILE = "ocv_25C.csv"
NOMINAL_CAPACITY_AH = 5.0  # 1C = 5 A (the README)
SOURCE = "LG M50, WMG (University of Warwick), MIT licence"
# The WMG chamber's coefficient on the can. Not given with the data: taken from the measured
# cells' own cooling in the rests after the six discharges that heated them by more than 3 K.
# Fitting T = T_end + dT exp(-t / tau) to each whole rest gives tau = 407-655 s (25 °C: 0.5C
# 535 s, 1C 491, 2C 655; 45 °C: 0.5C 543, 1C 607, 1.5C 407), so h = C / (tau A) = 19-31
# W/(m2 K) with the catalogue's heat capacity of the cell (67.5 J/K) and its can's surface
# (53.5 cm2); median 23.4 (the calibration tests' rests alone: 23.6), rounded to 25. Natural
# convection and radiation from a 21 mm can at these temperature differences give ~10-13:
# the chamber's fan adds the rest. One value for every preset and test, chosen before any
# preset was flown on it.
CHAMBER_HEAT_TRANSFER_COEFFICIENT_W_PER_M2_K = 25.0

# Declared once. The fit sees the 25 °C discharges at the lowest, a middle and the highest
# rate (0.1C: capacity and electrode balance; 0.5C and 2C: transport and kinetics) and one
# 45 °C discharge (1.5C: the temperature dependence). The validation holds what the fit never
# sees: 1C at 25 °C (a rate between fitted ones) and 0.1C, 0.5C and 1C at 45 °C (the other
# temperature at rates it was not fitted at). The pulse tests are in neither set: between
# their blocks the tester discharged and rested the cell for hours, which the file does not
# hold, so a pulse sequence flown as one series starts each block at the wrong charge (fit
# them block by block, each from its own rest voltage, with pulse_blocks and ocv_curve).
SPLIT: Mapping[str, DataSet] = MappingProxyType(
    {
        "25C-0.1C": DataSet.CALIBRATION,
        "25C-0.5C": DataSet.CALIBRATION,
        "25C-2C": DataSet.CALIBRATION,
        "45C-1.5C": DataSet.CALIBRATION,
        "25C-1C": DataSet.VALIDATION,
        "45C-0.1C": DataSet.VALIDATION,
        "45C-0.5C": DataSet.VALIDATION,
        "45C-1C": DataSet.VALIDATION,
    }
)


@dataclass(frozen=True)
class OcvCurve:
    """Open-circuit voltage against state of charge (0..1, rising), the mean of the source's
    cells at 25 °C, with the mean hysteresis (V) at each point."""

    state_of_charge: np.ndarray
    ocv_v: np.ndarray
    hysteresis_v: np.ndarray
    source: str = SOURCE

    def __post_init__(self) -> None:
        for key in ("state_of_charge", "ocv_v", "hysteresis_v"):
            frozen = np.array(getattr(self, key), dtype=float, copy=True)
            frozen.setflags(write=False)
            object.__setattr__(self, key, frozen)


def lgm50_tests(data_set: DataSet) -> tuple[CellTest, ...]:
    """The tests of one role in :data:`SPLIT`, in its order."""
    by_name = {test.name: test for test in (*rate_tests(), *pulse_tests())}
    return tuple(by_name[name] for name, role in SPLIT.items() if role is data_set)


@functools.cache
def rate_tests() -> tuple[CellTest, ...]:
    """The eight constant-current discharges (25 °C: 0.1, 0.5, 1, 2C; 45 °C: 0.1, 0.5, 1,
    1.5C), each with the rest after it. Ambient = the chamber; temperature = the mid-can
    thermocouple (the only one every test has). Kind SLOW_DISCHARGE at 0.1C, else RATE."""
    tests = read_cell_tests(
        _data(RATE_FILE),
        name=RATE_FILE,
        current_sign=CurrentSign.DISCHARGE_NEGATIVE,
        test_columns=("chamber_temp_C", "c_rate"),
        ambient_column="chamber_temp_C",
        temperature_column="cell_temp_mid_C",
        kind=TestKind.RATE,
    )
    renamed = []
    for test in tests:
        rate = test.name.rsplit("c_rate=", 1)[1]
        slow = float(rate.removesuffix("C")) <= 0.1
        renamed.append(
            replace(
                test,
                name=f"{test.ambient_c:g}C-{rate}",
                kind=TestKind.SLOW_DISCHARGE if slow else TestKind.RATE,
                source=f"{SOURCE}: {RATE_FILE}",
                notes=(f"{rate} discharge to 2.5 V, then rest; mid-can thermocouple", *test.notes),
            )
        )
    return tuple(renamed)


@functools.cache
def pulse_tests() -> tuple[CellTest, ...]:
    """One test per chamber temperature (0, 10, 25, 45 °C): its nine pulse blocks (SoC9 to
    SoC1, each a ~10 s discharge pulse and ~10 s rest) as one series over the program time.

    Between two blocks the tester discharged the cell by a tenth and let it rest for hours;
    the file does not hold that, so a gap between blocks is NOT a rest at 0 A (the notes say
    so): simulate each block from its own state of charge (:func:`pulse_blocks`)."""
    frame = _pulse_frame()
    tests = []
    for chamber_c, rows in frame.groupby("chamber_temp_C", sort=True):
        gaps_h = np.diff(rows.groupby("soc_label", sort=False)["prog_time_s"].min()) / 3600
        labels = rows["soc_label"].unique()
        notes = (
            f"{len(labels)} blocks (pulse and rest) {', '.join(labels)}; "
            f"the cell was discharged and rested between blocks ({gaps_h.min():.1f}-"
            f"{gaps_h.max():.1f} h apart) and the file does not hold that: a gap is no rest",
        )
        tests.append(_pulse_test(f"{chamber_c:g}C-pulse", rows, notes))
    return tuple(tests)


@functools.cache
def pulse_blocks() -> tuple[CellTest, ...]:
    """Each pulse block (a pulse and the rest after it, with the one rest sample before it)
    as its own test, named ``"25C-pulse-SoC9"``, in the file's order."""
    frame = _pulse_frame()
    return tuple(
        _pulse_test(f"{chamber_c:g}C-pulse-{label}", rows, ())
        for (chamber_c, label), rows in frame.groupby(["chamber_temp_C", "soc_label"], sort=False)
    )


@functools.cache
def ocv_curve() -> OcvCurve:
    frame = pd.read_csv(io.BytesIO(_data(OCV_FILE)))
    return OcvCurve(
        state_of_charge=frame["soc_percent"].to_numpy(dtype=float) / 100.0,
        ocv_v=frame["mean_ocv_V"].to_numpy(dtype=float),
        hysteresis_v=frame["mean_hysteresis_V"].to_numpy(dtype=float),
    )


def _data(file_name: str) -> bytes:
    return (
        importlib.resources.files("sortie.measurements")
        .joinpath(DATA_FOLDER)
        .joinpath(file_name)
        .read_bytes()
    )


@functools.cache
def _pulse_frame() -> pd.DataFrame:
    """The pulse file with its known quirk repaired: the first sample(s) of each pulse step
    log 0 A while the voltage has already dropped; they get the step's pulse current."""
    frame = pd.read_csv(io.BytesIO(_data(PULSE_FILE)))
    step = frame.groupby(["chamber_temp_C", "soc_label", "step"], sort=False)["current_A"]
    pulse_a = step.transform(lambda current: _first_nonzero(current.to_numpy()))
    # Rows of a pulse step logged at 0 A before the step's first nonzero current.
    before_first = step.transform(lambda current: np.cumsum(current.to_numpy() != 0) == 0)
    repaired = before_first.astype(bool) & (pulse_a != 0)
    frame["current_A"] = frame["current_A"].where(~repaired, pulse_a)
    frame["repaired"] = repaired
    return frame


def _first_nonzero(current_a: np.ndarray) -> float:
    nonzero = np.flatnonzero(current_a)
    return float(current_a[nonzero[0]]) if len(nonzero) else 0.0


def _pulse_test(name: str, rows: pd.DataFrame, notes: tuple[str, ...]) -> CellTest:
    repaired = int(rows["repaired"].sum())
    if repaired:
        notes = (
            *notes,
            f"{repaired} sample(s) at a pulse's start logged 0 A with the voltage already "
            "dropped (a quirk of the source): given the pulse current",
        )
    data_rows = rows.index.to_numpy()
    return cell_test_from_series(
        name,
        rows["prog_time_s"].to_numpy(dtype=float),
        -rows["current_A"].to_numpy(dtype=float),  # the file counts discharge negative
        rows["voltage_V"].to_numpy(dtype=float),
        ambient_c=float(rows["chamber_temp_C"].iloc[0]),
        kind=TestKind.PULSE,
        temperature_c=rows["cell_temp_C"].to_numpy(dtype=float),
        source=f"{SOURCE}: {PULSE_FILE}",
        notes=notes,
        locate=lambda i: f"{PULSE_FILE}: row {data_rows[i] + 1}",
        time_header="prog_time_s",
    )
