"""Sortie: page configuration and navigation only; pages live in ui/."""

import os

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

import streamlit as st

from ui import catalogue_page, cell_page, mission_page

st.set_page_config(page_title="Sortie", page_icon=":material/battery_full:", layout="wide")
st.navigation(
    [
        st.Page(
            mission_page.render,
            title="Fly a mission",
            icon=":material/flight:",
            url_path="mission",
            default=True,
        ),
        st.Page(cell_page.render, title="Cell designer", icon=":material/tune:", url_path="cell"),
        st.Page(
            catalogue_page.render,
            title="Cells and presets",
            icon=":material/battery_full:",
            url_path="catalogue",
        ),
    ]
).run()
