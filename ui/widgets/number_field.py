"""A number field whose value either takes effect or blocks the run with a message.

Streamlit's ``number_input(min_value=..., max_value=...)`` checks the range in the browser: a
value outside it stays in a red-outlined field while the script keeps the previous value, so a
page would go on to show a verdict for a number it no longer shows. Here the widget takes any
number, and the range is checked on the server: a value outside it is said under the field, in
the field's own label, and the caller gets None (and must not run).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.text.i18n import number, tr


def number_field(
    label: str,
    *,
    key: str,
    min_value: float,
    max_value: float,
    integer: bool = False,
    step: float | None = None,
    container: Any = None,
    **widget: Any,
) -> float | int | None:
    """The field's value, or None (with an error under the field) when it is empty or outside
    ``min_value``..``max_value`` (both inclusive). ``integer`` fields return an ``int``; a
    fraction typed into one is refused, not rounded. ``widget`` goes to ``st.number_input``
    (``help``, ``disabled``, ``format``...). The session state under ``key`` keeps what the
    user typed, so the field never jumps back to an older value."""
    where = st if container is None else container
    if integer:
        step = 1 if step is None else int(step)
        current = st.session_state.get(key)
        if isinstance(current, float) and current.is_integer():
            st.session_state[key] = int(current)
    value = where.number_input(label, step=step, key=key, **widget)
    if widget.get("disabled"):
        return value
    decimals = 0 if integer else _decimals(min_value, max_value)
    if value is None:
        where.error(tr(f"{label}: enter a number.", f"{label}: bitte eine Zahl eingeben."))
        return None
    if not min_value <= value <= max_value:
        low, high = number(min_value, decimals), number(max_value, decimals)
        where.error(
            tr(
                f"{label}: {number(value, decimals)} is outside {low} to {high}; "
                "nothing is computed until it is in range.",
                f"{label}: {number(value, decimals)} liegt außerhalb von {low} bis {high}; "
                "gerechnet wird erst wieder mit einem Wert im Bereich.",
            ),
            icon=":material/block:",
        )
        return None
    return int(value) if integer else float(value)


def _decimals(*values: float) -> int:
    """Enough decimals to print the bounds exactly (0.05 -> 2)."""
    places = 0
    for value in values:
        text = f"{value:.6f}".rstrip("0")
        places = max(places, len(text.split(".")[1]) if "." in text else 0)
    return places


def blocked_notice() -> None:
    """What a page shows instead of results while a number field is out of its range."""
    st.warning(
        tr(
            "Nothing is computed until the marked inputs are valid.",
            "Gerechnet wird erst, wenn die markierten Eingaben gültig sind.",
        ),
        icon=":material/block:",
    )
