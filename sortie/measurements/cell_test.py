"""One measured cell test: a time series of current, voltage and temperature.

This is the contract between the readers (cycler files in) and everything that uses
measurements (calibration, the validation table, the app's Calibrate page).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np


class TestKind(enum.Enum):
    """What a test can identify; the calibration picks default parameters by it."""

    __test__ = False  # not a pytest class

    SLOW_DISCHARGE = "slow-discharge"  # C/10 or slower: capacity, electrode balance
    RATE = "rate"  # constant-current discharge faster than C/10: transport, kinetics
    PULSE = "pulse"  # pulses with rests: resistance, reaction rates, diffusivities
    OCV = "ocv"  # open-circuit voltage against state of charge
    DRIVE = "drive"  # any other profile (a flight, a drive cycle)


class DataSet(enum.Enum):
    """Which role a test plays: a fit never sees a validation test."""

    CALIBRATION = "calibration"
    VALIDATION = "validation"


@dataclass(frozen=True)
class CellTest:
    """One measured test on one cell.

    ``current_a`` is positive for discharge (PyBaMM's and Sortie's convention; readers flip
    a cycler's sign where asked). Times start at 0 and never decrease; repeated stamps are
    merged by the reader. ``temperature_c`` is the cell's surface temperature where it was
    logged (else ``None``); ``ambient_c`` is the chamber or air temperature the test ran in.
    Arrays are read-only copies: nothing downstream can change a measurement.
    """

    __test__ = False  # not a pytest class

    name: str
    time_s: np.ndarray
    current_a: np.ndarray
    voltage_v: np.ndarray
    ambient_c: float
    kind: TestKind
    temperature_c: np.ndarray | None = None
    source: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        arrays = {"time_s": self.time_s, "current_a": self.current_a, "voltage_v": self.voltage_v}
        if self.temperature_c is not None:
            arrays["temperature_c"] = self.temperature_c
        n = len(self.time_s)
        if n < 2:
            raise ValueError(f"{self.name}: a test needs at least 2 samples, got {n}")
        for key, values in arrays.items():
            frozen = np.array(values, dtype=float, copy=True)
            if frozen.shape != (n,):
                raise ValueError(f"{self.name}: {key} has {frozen.size} samples, time has {n}")
            frozen.setflags(write=False)
            object.__setattr__(self, key, frozen)
        if np.any(np.diff(self.time_s) < 0):
            raise ValueError(f"{self.name}: time goes backwards")

    @property
    def duration_s(self) -> float:
        return float(self.time_s[-1] - self.time_s[0])

    @property
    def discharged_ah(self) -> float:
        """Charge taken out (trapezoid rule on the current), Ah; charge counts negative."""
        return float(np.trapezoid(self.current_a, self.time_s) / 3600.0)
