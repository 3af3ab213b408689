"""Files Sortie reads and writes.

Reading: regular files only, with a hard byte limit (a named pipe would block, a link to
``/dev/zero`` never ends). Writing: whole or not at all. Every file is written to a hidden
temporary file in the same folder, flushed to disk and renamed over the target: a killed
process, a full disk or a crash leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

TEMPORARY_PREFIX = ".writing-"


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (see the module)."""
    with tempfile.NamedTemporaryFile(
        dir=path.parent, prefix=TEMPORARY_PREFIX, delete=False
    ) as handle:
        try:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        except BaseException:
            handle.close()
            os.unlink(handle.name)
            raise
    os.replace(handle.name, path)


def read_regular_file(path: Path, max_bytes: int, context: str | None = None) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``, read with that hard limit whatever
    the file claims (a link to ``/dev/zero`` has size 0 and never ends). Named pipes, devices
    and folders are refused without blocking. Raises :class:`~sortie.errors.InputError`."""
    from sortie.errors import InputError

    label = context or str(path)
    try:
        # Non-blocking: opening a named pipe for reading would wait for a writer.
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise InputError(f"{label}: cannot read ({error.strerror})") from None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise InputError(f"{label}: not a regular file (only regular files are read)")
        os.set_blocking(handle, True)
        chunks, total = [], 0
        while total <= max_bytes:
            chunk = os.read(handle, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as error:
        raise InputError(f"{label}: cannot read ({error.strerror})") from None
    finally:
        os.close(handle)
    if total > max_bytes:
        raise InputError(f"{label}: too large (limit {max_bytes:,} bytes)")
    return b"".join(chunks)


def check_writable(path: Path, context: str | None = None) -> None:
    """Refuse before any work what :func:`write_atomically` could not do: a missing folder, or
    a target that exists and is not a regular file (a pipe, a device, a folder)."""
    from sortie.errors import InputError

    label = context or str(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"cannot write {label}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise InputError(f"cannot write {label}: folder {folder} is not writable")
    if path.exists() and not path.is_file():
        raise InputError(
            f"cannot write {label}: not a regular file (only regular files are written)"
        )
