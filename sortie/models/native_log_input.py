"""Reading a flight controller's log file without trusting it: the bytes from a path or an
upload under a hard size limit, a cap on the samples of any one quantity, and the parsers'
own prints kept off the terminal (:func:`quiet`). Shared by the PX4 and ArduPilot readers."""

from __future__ import annotations

import contextlib
import io
import os
import pathlib
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from sortie.errors import FileTooLargeError, InputError
from sortie.files import read_regular_file
from sortie.models import dataflash_format
from sortie.models.flight_log import one_line

# Flight controllers write tens of MB per hour; a day's log is well under this. The app's
# upload limit is far smaller (.streamlit/config.toml).
MAX_NATIVE_LOG_BYTES = 256_000_000
# As many samples of one quantity as a CSV log may have rows (flight_log_csv.MAX_LOG_ROWS):
# 2 million battery samples are 55 h at 10 Hz.
MAX_LOG_SAMPLES = 2_000_000


def read_log_bytes(
    source: str | pathlib.Path | bytes, name: str | None, kind: str
) -> tuple[str, bytes]:
    """The label for messages and the bytes of a log given as a path or as raw bytes (an
    upload), read with :data:`MAX_NATIVE_LOG_BYTES` as a hard limit."""
    if isinstance(source, bytes | bytearray):
        label = one_line(name or f"<{kind}>")
        data = bytes(source)
        if len(data) > MAX_NATIVE_LOG_BYTES:
            raise _too_large(label, len(data))
        return label, data
    path = pathlib.Path(source)
    label = one_line(name or path.name or str(path))
    try:
        return label, read_regular_file(path, MAX_NATIVE_LOG_BYTES, label)
    except FileTooLargeError as error:
        raise _too_large(label, error.size_bytes) from None


def _too_large(label: str, size_bytes: int | None) -> InputError:
    size = f"{size_bytes:,} bytes" if size_bytes is not None else "more"
    return InputError(
        f"{label}: file too large ({size}; at most {MAX_NATIVE_LOG_BYTES:,}): cut the log to "
        "the flight first"
    )


@dataclass(frozen=True)
class LogStart:
    """How a log format's files begin, for the check every reader makes before parsing."""

    name: str  # with its article, as in a sentence: "a PX4 ULog"
    start: bytes  # what the file must begin with
    start_text: str  # the same, in words
    min_bytes: int
    min_bytes_text: str  # what those bytes are: "its header alone"
    suffix: str  # the file name suffix that picks this reader
    looks_like: bytes  # the shortest start that tells this format from the others


def check_start(label: str, data: bytes, expected: LogStart, others: tuple[LogStart, ...]) -> None:
    """Refuse ``data`` unless it begins like ``expected``; if it begins like one of
    ``others``, say which reader to use."""
    if len(data) < expected.min_bytes:
        raise InputError(
            f"{label}: {len(data)} bytes, too short to be {expected.name} "
            f"({expected.min_bytes_text} is {expected.min_bytes})"
        )
    if not data.startswith(expected.start):
        hint = next(
            (
                f"; it looks like {other.name}: name it {other.suffix}"
                for other in others
                if data.startswith(other.looks_like)
            ),
            "",
        )
        raise InputError(
            f"{label}: not {expected.name} (it does not start with {expected.start_text}){hint}"
        )


# PX4 ULog file format: "ULog" and a fixed sequence, then a version byte and the 8-byte start
# time, 16 bytes of header.
ULOG_START = LogStart(
    name="a PX4 ULog",
    start=b"ULog\x01\x12\x35",
    start_text="'ULog' and the ULog magic bytes",
    min_bytes=16,
    min_bytes_text="its header alone",
    suffix=".ulg",
    looks_like=b"ULog",
)
# ArduPilot DataFlash: the first message is the format message's own format (FMT).
DATAFLASH_START = LogStart(
    name="an ArduPilot DataFlash log",
    start=dataflash_format.HEADER + bytes([dataflash_format.FMT_TYPE]),
    start_text="a format message, bytes A3 95 80",
    min_bytes=dataflash_format.FMT_LENGTH,
    min_bytes_text="its first message alone",
    suffix=".bin",
    looks_like=dataflash_format.HEADER,
)


# One parse at a time may silence the process's stderr (see quiet): two overlapping ones
# would restore each other's silenced descriptor.
_QUIET = threading.Lock()


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Keep a parser's prints ("File corruption detected", "bad header") off the terminal: a
    broken log is reported as one line by the reader, and ``--json`` output must stay JSON.
    Compiled code may write to file descriptor 2 itself, so that is pointed at the null
    device too. Process-wide while it lasts (as ``sys.stdout`` is): other threads'
    output to stderr in that time is lost, and one parse runs at a time."""
    with _QUIET:
        saved = _silence_stderr_descriptor()
        try:
            with (
                contextlib.redirect_stdout(io.StringIO()),
                contextlib.redirect_stderr(io.StringIO()),
            ):
                yield
        finally:
            if saved is not None:
                os.dup2(saved, 2)
                os.close(saved)


def _silence_stderr_descriptor() -> int | None:
    """Point descriptor 2 at the null device; return a copy of the old one (None where the
    process has no descriptor 2 to silence)."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:
        return None
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
    finally:
        os.close(null)
    return saved


def check_count(label: str, what: str, count: int) -> None:
    if count > MAX_LOG_SAMPLES:
        raise InputError(
            f"{label}: {count:,} {what} samples, more than {MAX_LOG_SAMPLES:,}: cut the log to "
            "the flight first"
        )
