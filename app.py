"""Sortie: page configuration and navigation only; pages live in ui/."""

import os

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

import streamlit as st

from ui import catalogue_page, cell_page, compare_page, showroom_page
from ui.guard import guarded
from ui.i18n import language_switch, tr
from ui.session import keep_inputs


def main() -> None:
    st.set_page_config(page_title="Sortie", page_icon=":material/battery_full:", layout="wide")
    language_switch()
    keep_inputs()
    showroom = st.Page(
        guarded(showroom_page.render),
        title="Showroom",
        icon=":material/slideshow:",
        url_path="showroom",
    )
    if st.query_params.get("mode") == "showroom":
        # Kiosk: the showroom alone, nothing to edit.
        st.navigation([showroom], position="hidden").run()
    else:
        st.navigation(
            [
                st.Page(
                    guarded(compare_page.render),
                    title=tr("Compare cells", "Zellen vergleichen"),
                    icon=":material/flight:",
                    url_path="compare",
                    default=True,
                ),
                st.Page(
                    guarded(cell_page.render),
                    title=tr("Cell designer", "Zelldesigner"),
                    icon=":material/tune:",
                    url_path="cell",
                ),
                st.Page(
                    guarded(catalogue_page.render),
                    title=tr("Cells and presets", "Zellen und Vorlagen"),
                    icon=":material/battery_full:",
                    url_path="catalogue",
                ),
                showroom,
            ]
        ).run()


# Streamlit runs this file as __main__; importing it (a test, a tool) does not start the app.
if __name__ == "__main__":
    main()
