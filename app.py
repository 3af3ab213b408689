"""Sortie: page configuration and navigation only; pages live in ui/."""

import os

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

import streamlit as st

from ui import navigation
from ui.state.session import keep_inputs
from ui.text.i18n import language_switch


def main() -> None:
    st.set_page_config(page_title="Sortie", page_icon=":material/battery_full:", layout="wide")
    language_switch()
    keep_inputs()
    if st.query_params.get("mode") == "showroom":
        # Kiosk: the showroom alone, nothing to edit.
        st.navigation([navigation.page(navigation.SHOWROOM)], position="hidden").run()
        return
    st.navigation([navigation.page(name) for name in navigation.MENU]).run()


# Streamlit runs this file as __main__; importing it (a test, a tool) does not start the app.
if __name__ == "__main__":
    main()
