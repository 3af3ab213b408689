"""Running the ``sortie`` command in this process (fast: no interpreter start, models built
once), with a hard time limit, and the checks its promise for bad input needs."""

from __future__ import annotations

import contextlib
import io
import re
import signal
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sortie import cli

# Anything that acts on a terminal: C0 controls but newline and tab, DEL, C1, bidi controls.
RAW_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


class TimeLimitExceeded(BaseException):
    """A command ran past its time limit (a hang). A BaseException: the command's own
    last-resort ``except Exception`` must not turn it into an exit status."""


@contextlib.contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Raise :class:`TimeLimitExceeded` in the main thread after ``seconds`` (a blocking
    ``open`` of a named pipe is interrupted too)."""

    def expire(signum: int, frame: object) -> None:
        raise TimeLimitExceeded(f"{what}: still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Done:
    status: int
    stdout: str
    stderr: str


def sortie_here(argv: Sequence[str], limit_s: float = 60.0) -> Done:
    """``sortie ARGV`` in this process: exit status and what it printed."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        with time_limit(limit_s, "sortie " + " ".join(argv)[:200]):
            status = cli.run(list(argv))
    finally:
        sys.stdout, sys.stderr = saved
    return Done(status, out.getvalue(), err.getvalue())


def assert_one_clear_line(done: Done, *expected: str) -> str:
    """Exit 2, exactly one line on stderr (``sortie: error: ...``), no traceback, no raw
    control character, and each of ``expected`` in it. Returns the message."""
    assert done.status == 2, (done.status, done.stdout[-300:], done.stderr)
    assert done.stderr.startswith("sortie: error: "), done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.endswith("\n"), done.stderr
    assert "Traceback" not in done.stderr
    assert not RAW_CONTROL.search(done.stderr), repr(done.stderr)
    assert not RAW_CONTROL.search(done.stdout), repr(done.stdout)
    for text in expected:
        assert text in done.stderr, (text, done.stderr)
    return done.stderr.removeprefix("sortie: error: ").rstrip("\n")
