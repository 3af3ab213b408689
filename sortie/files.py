"""Files Sortie reads and writes, and the limits on what is read.

Reading: regular files only, with a hard byte limit (a named pipe would block, a link to
``/dev/zero`` never ends), and parsed documents nested at most :data:`MAX_NESTING` levels
(deeper input ends Python's recursion in the parsers and in every walk over it).

Writing: whole or not at all. Every file is written to a hidden temporary file in the same
folder (``.writing-<pid>-...``), flushed to disk and renamed over the target, and the folder is
flushed after the rename (on POSIX a rename is on disk only once its folder is): a killed
process, a full disk or a crash leaves either the old file or the new one, never half of one. A
temporary file left by a process that was killed outright (SIGKILL, power loss) is removed by
the next write into that folder. A target that is a symbolic link is refused, not replaced: the
rename would put a plain file where the link was and leave the file it points to as it was.
CSV files get :func:`spreadsheet_safe` text cells.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sortie.errors import FileTooLargeError, InputError

TEMPORARY_PREFIX = ".writing-"
# Deep enough for every document Sortie reads (a cell file is 3 levels deep, a BPX file 5).
MAX_NESTING = 32
# Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV injection");
# tab and carriage return are read as such a start by some of them too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ORPHAN_AGE_S = 60.0
# Read once at import (os.umask can only be read by setting it, which is not thread-safe).
_UMASK = os.umask(0o022)
os.umask(_UMASK)
_OWN_TEMPORARY = re.compile(rf"^{re.escape(TEMPORARY_PREFIX)}(\d+)-")


# --- writing ----------------------------------------------------------------------------------


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (see the module).
    Raises :class:`OSError` (the target untouched) when the folder cannot take the file or
    ``path`` is a symbolic link."""
    folder = path.parent if str(path.parent) else Path(".")
    _refuse_link(path)
    _remove_orphans(folder)
    with tempfile.NamedTemporaryFile(
        dir=folder, prefix=f"{TEMPORARY_PREFIX}{os.getpid()}-", delete=False
    ) as handle:
        try:
            # A temporary file is private (0600); the file it becomes gets the mode a plain
            # open() would give it: the old file's, else the umask's.
            os.fchmod(handle.fileno(), _mode_for(path))
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        except BaseException:
            handle.close()
            os.unlink(handle.name)
            raise
    try:
        _refuse_link(path)  # again: the file may have become a link while it was written
        os.replace(handle.name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise
    _sync_folder(folder)


def _refuse_link(path: Path) -> None:
    """Raise :class:`OSError` (ELOOP) naming what ``path`` links to when it is a symbolic
    link (dangling or not)."""
    if os.path.islink(path):
        raise OSError(
            errno.ELOOP,
            f"{path} is a symbolic link (to {os.readlink(path)}); Sortie replaces a file whole "
            "and does not write through links: name the file itself",
        )


def _sync_folder(folder: Path) -> None:
    """Flush ``folder``'s entries (the rename) to disk. Where a folder cannot be opened or
    flushed (not POSIX; some network file systems answer EINVAL) the rename stands unflushed,
    as it would without this call."""
    try:
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(handle)


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_UMASK


def write_file(path: Path, data: bytes, context: str | None = None) -> None:
    """:func:`write_atomically` for a file a user named: failures (a full disk, a folder that
    went away) as one-line :class:`InputError` s."""
    try:
        write_atomically(path, data)
    except OSError as error:
        raise InputError(
            f"cannot write {context or path}: {error.strerror or error} (the old file, if "
            "any, is unchanged)"
        ) from None


def _remove_orphans(folder: Path) -> None:
    """Delete temporary files of writers that no longer run (killed mid-write): the process
    id in their name is not alive. Those of running writers are left alone."""
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.name[:1] == "."]
    except OSError:
        return  # the write itself will say what is wrong with the folder
    now = time.time()
    for name in names:
        match = _OWN_TEMPORARY.match(name)
        if match is None or _process_alive(int(match[1])):
            continue
        with contextlib.suppress(OSError):
            # A minute old at least: a writer of another machine (a shared folder) has
            # process ids of its own, and is long done by then.
            if now - os.stat(folder / name).st_mtime > ORPHAN_AGE_S:
                os.unlink(folder / name)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, owned by someone else
    return True


def check_writable(path: Path, context: str | None = None) -> None:
    """Refuse before any work what :func:`write_atomically` could not do: a missing or
    unwritable folder (tried for real: permissions do not stop root, a read-only file system
    does), a target that is a symbolic link, or one that exists and is not a regular file (a
    pipe, a device, a folder)."""
    label = context or str(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"cannot write {label}: folder {folder} does not exist")
    try:
        _refuse_link(path)
    except OSError as error:
        raise InputError(f"cannot write {label}: {error.strerror}") from None
    if path.exists() and not path.is_file():
        raise InputError(
            f"cannot write {label}: not a regular file (only regular files are written)"
        )
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f"{TEMPORARY_PREFIX}{os.getpid()}-"):
            pass
    except OSError as error:
        raise InputError(
            f"cannot write {label}: folder {folder} is not writable ({error.strerror or error})"
        ) from None


# --- reading ----------------------------------------------------------------------------------


def read_regular_file(path: Path, max_bytes: int, context: str | None = None) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``, read with that hard limit whatever
    the file claims (a link to ``/dev/zero`` has size 0 and never ends). Named pipes, devices
    and folders are refused without blocking. Raises :class:`~sortie.errors.InputError`
    (:class:`~sortie.errors.FileTooLargeError` above the limit)."""
    label = context or str(path)
    try:
        # Non-blocking: opening a named pipe for reading would wait for a writer.
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise InputError(f"{label}: file not found") from None
    except OSError as error:
        raise InputError(f"{label}: cannot read the file ({error.strerror or error})") from None
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode):
            raise InputError(f"{label}: not a regular file (only regular files are read)")
        if status.st_size > max_bytes:
            raise FileTooLargeError(label, max_bytes, status.st_size)
        os.set_blocking(handle, True)
        chunks, total = [], 0
        while total <= max_bytes:
            chunk = os.read(handle, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as error:
        raise InputError(f"{label}: cannot read the file ({error.strerror or error})") from None
    finally:
        os.close(handle)
    if total > max_bytes:
        raise FileTooLargeError(label, max_bytes)
    return b"".join(chunks)


def check_nesting(value: Any, context: str, max_depth: int = MAX_NESTING) -> None:
    """Refuse a parsed document (dicts and lists) nested deeper than ``max_depth`` levels,
    walking it without recursion."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Iterable[Any] = node.values()
        elif isinstance(node, list | tuple):
            children = node
        else:
            continue
        if depth >= max_depth:
            raise InputError(f"{context}: nested more than {max_depth} levels deep")
        stack.extend((child, depth + 1) for child in children)


# --- CSV --------------------------------------------------------------------------------------


def spreadsheet_safe(text: str) -> str:
    """``text`` that a spreadsheet shows instead of running: a leading ``'`` before a formula
    start (see :data:`FORMULA_STARTS`)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def spreadsheet_safe_frame(frame):
    """A copy of a DataFrame whose text cells are :func:`spreadsheet_safe` (numbers untouched:
    a negative number is a number, not a formula)."""
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    def safe(cell: Any) -> Any:
        return spreadsheet_safe(cell) if isinstance(cell, str) else cell

    copy = frame.copy()
    for column in copy.columns:
        dtype = copy[column].dtype
        if not (is_numeric_dtype(dtype) or is_bool_dtype(dtype)):
            copy[column] = copy[column].map(safe)
    if not is_numeric_dtype(copy.index.dtype):
        copy.index = copy.index.map(safe)
    return copy
