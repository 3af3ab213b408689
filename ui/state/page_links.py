"""The app's page names, and switching from one page to another, apart from the page table
(:mod:`ui.navigation`): a page that links to another imports this module, never the table
that imports every page (no module in ``ui/`` imports one that imports it back)."""

from __future__ import annotations

import streamlit as st

COMPARE, CELL, DESIGN_SPACE, CATALOGUE, SHOWROOM, CALIBRATE, LIFE = (
    "compare",
    "cell",
    "design-space",
    "catalogue",
    "showroom",
    "calibrate",
    "life",
)
PAGE_NAMES = (COMPARE, CELL, DESIGN_SPACE, CATALOGUE, SHOWROOM, CALIBRATE, LIFE)

# The pages as the app last made them for ``st.navigation`` (ui.navigation.page), by name.
_made: dict[str, st.Page] = {}


def made(name: str, page: st.Page) -> st.Page:
    """Keep ``page``, the page ``name`` as given to ``st.navigation``, to switch to; returns
    it."""
    _made[name] = page
    return page


def _unused() -> None:
    """The content of a page made only to be switched to (never drawn)."""


def switch_to(name: str) -> None:
    """Go to the page ``name``. A page drawn outside the app (a test renders one page alone)
    switches by the page's url path, which is how Streamlit recognises a page (its script hash
    is the hash of ``url_path``)."""
    page = _made.get(name)
    st.switch_page(page if page is not None else st.Page(_unused, url_path=name))
