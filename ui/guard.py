"""The last line of defence: a page that fails unexpectedly shows one plain sentence and logs
the traceback for the developers, never a stack trace in the browser."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

import streamlit as st
from pydantic import ValidationError

from sortie.errors import SortieError, describe_validation_error
from ui.text.i18n import message, tr

LOG = logging.getLogger("sortie.ui")


# What a user's input can raise on its way through the domain objects: a message for the page.
USER_ERRORS = (SortieError, ValueError)


def user_message(error: Exception) -> str:
    """One line for an error of :data:`USER_ERRORS` (a validation error names its fields), in
    the session's language (the domain's English through :func:`ui.text.i18n.message`)."""
    if isinstance(error, ValidationError):
        return message(describe_validation_error(error, "invalid input"))
    return message(" ".join(str(error).split()))


def guarded(render: Callable[[], None]) -> Callable[[], None]:
    """``render`` with any exception turned into a message: a :class:`SortieError` as its own
    line, anything else as a plain sentence with the traceback in the log. (Streamlit's own
    rerun and stop signals are BaseExceptions and pass through.)"""

    @functools.wraps(render)
    def page() -> None:
        try:
            render()
        except SortieError as error:
            # A user's input the page did not expect to fail here: still a one-line message
            # with nothing to debug, so no traceback in the log (but a line, to find the gap).
            LOG.warning("page %s: %s", render.__module__, error)
            st.error(user_message(error), icon=":material/error:")
        except Exception:
            LOG.exception("page %s failed", render.__module__)
            st.error(
                tr(
                    "Something went wrong here; the details are in the server log. Please try "
                    "other inputs or reload the page.",
                    "Hier ist etwas schiefgegangen; die Details stehen im Server-Log. Bitte "
                    "andere Eingaben versuchen oder die Seite neu laden.",
                ),
                icon=":material/error:",
            )

    return page
