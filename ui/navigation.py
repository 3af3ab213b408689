"""The app's pages, made once, so that pages can switch to each other (``st.switch_page``
needs the very page ``st.navigation`` was given). Pages switch through
:mod:`ui.state.page_links`, which holds the pages' names: no page imports this module."""

from __future__ import annotations

import functools

import streamlit as st

from ui.guard import guarded
from ui.pages import calibrate, catalogue, cell_designer, compare, design_space, life, showroom
from ui.state import page_links
from ui.state.page_links import (
    CALIBRATE,
    CATALOGUE,
    CELL,
    COMPARE,
    DESIGN_SPACE,
    LIFE,
    SHOWROOM,
)

__all__ = [
    "CALIBRATE",
    "CATALOGUE",
    "CELL",
    "COMPARE",
    "DESIGN_SPACE",
    "LIFE",
    "MENU",
    "SHOWROOM",
    "page",
]

# The app's menu, in order (app.py draws it).
MENU = (COMPARE, CELL, DESIGN_SPACE, CALIBRATE, LIFE, CATALOGUE, SHOWROOM)


@functools.cache
def _render(name: str):
    """The page's guarded render function: one object per page for the server's life, which
    is how ``st.switch_page`` recognises the page."""
    return guarded(
        {
            COMPARE: compare.render,
            CELL: cell_designer.render,
            DESIGN_SPACE: design_space.render,
            CATALOGUE: catalogue.render,
            SHOWROOM: showroom.render,
            CALIBRATE: calibrate.render,
            LIFE: life.render,
        }[name]
    )


_ICONS = {
    COMPARE: ":material/flight:",
    CELL: ":material/tune:",
    DESIGN_SPACE: ":material/grid_on:",
    CATALOGUE: ":material/battery_full:",
    SHOWROOM: ":material/slideshow:",
    CALIBRATE: ":material/query_stats:",
    LIFE: ":material/battery_charging_full:",
}


def page(name: str) -> st.Page:
    """The page ``name``, titled in the session's language."""
    from ui.text.i18n import tr

    titles = {
        COMPARE: tr("Compare cells", "Zellen vergleichen"),
        CELL: tr("Cell designer", "Zelldesigner"),
        DESIGN_SPACE: tr("Design space", "Entwurfsraum"),
        CATALOGUE: tr("Cells and presets", "Zellen und Vorlagen"),
        SHOWROOM: "Showroom",
        CALIBRATE: tr("Calibrate a cell", "Zelle kalibrieren"),
        LIFE: tr("Sortie life", "Lebensdauer im Einsatz"),
    }
    made = st.Page(
        _render(name),
        title=titles[name],
        icon=_ICONS[name],
        url_path=name,
        default=name == COMPARE,
    )
    return page_links.made(name, made)
