"""How the ``sortie`` process meets its terminal: what C libraries write to standard error
goes to /dev/null, SIGTERM becomes an exception (so ``finally`` blocks remove half-written
files), a reader that went away (``| head``) ends the output quietly, control characters are
shown as escapes, and every error is one line. :mod:`sortie.cli` parses and dispatches."""

from __future__ import annotations

import contextlib
import os
import select
import sys
from typing import Any, TextIO

from sortie.errors import printable

EXIT_INTERNAL = 3
# 128 + SIGPIPE: what a shell reports for `yes | head -1`'s yes. Not 0: the output was cut
# short, and a script under `set -o pipefail` should learn that from sortie as from any
# other tool (`head` itself reports its own success).
EXIT_BROKEN_PIPE = 141
# Longest error line shown (a message naming a huge value stays readable).
MAX_MESSAGE_CHARS = 600


def quiet_native_stderr() -> None:
    """Send what C libraries (SUNDIALS) write to file descriptor 2 to /dev/null, and keep
    Python's sys.stderr on the terminal: the user sees Sortie's one-line messages only.
    ``SORTIE_DEBUG=1`` keeps everything."""
    if os.environ.get("SORTIE_DEBUG"):
        return
    try:
        terminal = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        return
    sys.stderr = os.fdopen(terminal, "w", buffering=1, encoding="utf-8", errors="replace")


def reader_gone(stream) -> bool:
    """True when ``stream`` is a pipe whose reading end is closed (poll reports an error on
    the writing end); False for terminals, files and open pipes."""
    try:
        poller = select.poll()
        poller.register(stream.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll (Windows), or no descriptor
        return True


def stop_writing() -> int:
    """The reader has gone: point stdout and stderr at /dev/null, so that nothing more is
    written and the interpreter's final flush of what is buffered cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, OSError, ValueError):
            os.dup2(devnull, stream.fileno())
    os.close(devnull)
    return EXIT_BROKEN_PIPE


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that ``finally`` blocks run (a file being
    written is removed, never left half-written). A BaseException: no ``except Exception``
    on the way may swallow it."""


def raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


class PrintableStream:
    """A text stream that shows control characters as escapes (see
    :func:`sortie.errors.printable`): whatever a file holds, nothing reaches the terminal as
    an escape sequence. A carriage return is kept at the start of a write only (a progress
    bar's redraw), never inside text."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        start = len(text) - len(text.lstrip("\r"))
        self._stream.write(text[:start] + printable(text[start:]))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def one_line(message: str) -> str:
    """One line of at most :data:`MAX_MESSAGE_CHARS` (the stream shows control characters
    as escapes)."""
    line = " ".join(message.split())
    if len(line) > MAX_MESSAGE_CHARS:
        line = line[: MAX_MESSAGE_CHARS - 3] + "..."
    return line


def internal_error(error: Exception) -> int:
    print(
        f"sortie: internal error: {one_line(f'{type(error).__name__}: {error}')} "
        "(set SORTIE_DEBUG=1 for the traceback)",
        file=sys.stderr,
    )
    return EXIT_INTERNAL
