"""The sign of the current: how a file counts it, turned into discharge-positive and checked
against a state column (Maccor ``State``, Neware ``Step Type``) where the file has one."""

from __future__ import annotations

import enum

import numpy as np

from sortie.errors import InputError
from sortie.measurements.columns import Column
from sortie.measurements.table import Table, cell_texts, where

# Below this a current counts as a rest when checked against a state column (A).
STATE_ZERO_CURRENT_A = 1e-3


class CurrentSign(enum.Enum):
    """How a file counts current."""

    DISCHARGE_POSITIVE = "discharge-positive"  # Sortie, PyBaMM
    DISCHARGE_NEGATIVE = "discharge-negative"  # Arbin, BioLogic, Neware, the LG M50 files
    FROM_STATE = "from-state"  # a magnitude, signed by a state column (Maccor text exports)


class _State(enum.Enum):
    DISCHARGE = 1
    CHARGE = -1
    OTHER = 0


def states_of(table: Table, column: Column) -> np.ndarray:
    """Each row's state: discharge, charge or other, from Maccor's C/D/R and Neware's
    'CC DChg', 'CCCV Chg', 'Rest'."""
    states = np.zeros(len(table.lines), dtype=int)
    for i, text in enumerate(cell_texts(table, column)):
        word = text.lower()
        if word == "d" or "dchg" in word or "dischg" in word or "discharg" in word:
            states[i] = _State.DISCHARGE.value
        elif word == "c" or "chg" in word or "charg" in word:
            states[i] = _State.CHARGE.value
    return states


def signed_current(
    table: Table,
    column: Column,
    current_a: np.ndarray,
    sign: CurrentSign | None,
    state: Column | None,
    states: np.ndarray | None,
) -> np.ndarray:
    """The current with discharge positive, checked against the state column if any."""
    if sign is CurrentSign.FROM_STATE:
        assert state is not None and states is not None
        other = (states == _State.OTHER.value) & (np.abs(current_a) > STATE_ZERO_CURRENT_A)
        if other.any():
            row = int(np.argmax(other))
            raise InputError(
                f"{where(table, row)}, column '{state.header}': "
                f"'{cell_texts(table, state)[row]}' is neither charge nor discharge, but the "
                f"current is {current_a[row]:g} A"
            )
        return np.abs(current_a) * states
    signed = -current_a if sign is CurrentSign.DISCHARGE_NEGATIVE else current_a
    if states is not None:
        assert state is not None
        for expected in (_State.DISCHARGE.value, _State.CHARGE.value):
            rows = (states == expected) & (np.abs(signed) > STATE_ZERO_CURRENT_A)
            wrong = rows & (np.sign(signed) != expected)
            # Most rows of a step the wrong way round: the sign convention is wrong (a row at
            # a step's edge may log the previous step's current, so one alone proves nothing).
            if wrong.sum() > rows.sum() / 2:
                row = int(np.argmax(wrong))
                flag = sign.name if sign else "not given (discharge-positive)"
                raise InputError(
                    f"{where(table, row)}, column "
                    f"'{column.header}': current {current_a[row]:g} A in a "
                    f"'{cell_texts(table, state)[row]}' step ('{state.header}') has the wrong sign "
                    f"for current_sign {flag}; pass the right CurrentSign (FROM_STATE if the "
                    "file writes the current's magnitude)"
                )
    return signed


