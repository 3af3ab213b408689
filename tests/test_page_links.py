"""Switching pages through ui.state.page_links (which no page table imports back): the app's pages
as st.navigation has them, and a switch from a page lands on the page named."""

from streamlit.testing.v1 import AppTest


def _app_switching_to_the_designer():
    import streamlit as st

    from ui import navigation
    from ui.state import page_links

    chosen = st.navigation([navigation.page(name) for name in page_links.PAGE_NAMES])
    if st.session_state.pop("go", False):
        page_links.switch_to(page_links.CELL)
    chosen.run()


def test_a_switch_lands_on_the_page_named():
    at = AppTest.from_function(_app_switching_to_the_designer, default_timeout=120)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.title[0].value.startswith("Compare cells")
    at.session_state["go"] = True
    at.run()
    assert not at.exception
    assert at.title[0].value == "Cell designer"
