"""A sweep's results on disk: a folder of Parquet parts that grows as designs finish.

``results.parquet/`` holds ``_sweep.json`` (which sweep this is: its fingerprint, design count
and fields) and one ``part-*.parquet`` per finished chunk. A part is written to a hidden
temporary file and renamed, so a killed process or a full disk leaves no half-written part
and never touches a finished one; resuming reads which designs are done and adds parts for the
rest. ``pandas.read_parquet(folder)`` reads the whole table (files starting with ``_`` or
``.`` are not data).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sortie.errors import InputError
from sortie.files import read_regular_file, write_atomically

MANIFEST = "_sweep.json"
_PART_GLOB = "part-*.parquet"
# A part holds one chunk (at most sortie.studies.sweep.MAX_CHUNK rows: tens of kB); the
# manifest holds the sweep, whose file is at most 1 MB but is written indented (a value a line).
# Both limits leave room many times over and still stop a link to /dev/zero.
MAX_PART_BYTES = 16_000_000
MAX_MANIFEST_BYTES = 32_000_000
# Parsing a damaged part ends in one of these (pyarrow's own, or its ValueError/OSError kin).
_PARQUET_ERRORS = (pa.ArrowException, ValueError, OSError, KeyError)


class ResultStore:
    """The results folder of one sweep. ``resume`` False refuses a folder that already holds
    results; True accepts only results of the same sweep (same fingerprint)."""

    def __init__(self, folder: Path, manifest: dict[str, Any], resume: bool) -> None:
        self.folder = folder
        if folder.exists() and not folder.is_dir():
            raise InputError(f"--out {folder}: exists and is not a results folder")
        found = self._manifest()
        if found is not None or self.parts():
            if not resume:
                raise InputError(
                    f"--out {folder} holds results already: add --resume to finish that sweep, "
                    "or choose another --out"
                )
            if found is None or found.get("fingerprint") != manifest["fingerprint"]:
                raise InputError(
                    f"--out {folder} holds the results of another sweep (the file or its seed "
                    "changed): choose another --out"
                )
        # Temporary files left by killed writers are not removed here: another process may be
        # writing into this folder right now. write_atomically removes those of dead writers
        # (sortie.files._remove_orphans) at every write, the manifest's or a part's.
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if found is None:
                write_atomically(folder / MANIFEST, json.dumps(manifest, indent=2).encode())
        except OSError as error:
            raise InputError(f"--out {folder}: cannot write ({error.strerror})") from None

    def _manifest(self) -> dict[str, Any] | None:
        """The manifest, None when there is none. Anything else at its name (a pipe, a link to
        a device, a damaged file) is an :class:`InputError`, never replaced."""
        path = self.folder / MANIFEST
        if not (path.exists() or path.is_symlink()):
            return None
        try:
            data = read_regular_file(path, MAX_MANIFEST_BYTES, str(path))
        except InputError as error:
            raise InputError(f"{error}; choose another --out") from None
        try:
            found = json.loads(data.decode("utf-8"))
        except (ValueError, RecursionError):  # RecursionError: nested too deep to parse
            found = None
        if not isinstance(found, dict):
            raise InputError(f"{path}: not the manifest of a sweep (damaged); choose another --out")
        return found

    def parts(self) -> list[Path]:
        return sorted(self.folder.glob(_PART_GLOB)) if self.folder.is_dir() else []

    def done(self) -> set[int]:
        """Designs already in a part."""
        found: set[int] = set()
        for part in self.parts():
            found.update(int(d) for d in _read_part(part, ["design"])["design"])
        return found

    def write(self, frame: pd.DataFrame) -> Path:
        """Add one part (rows of finished designs)."""
        first = int(frame["design"].min())
        path = self.folder / f"part-{first:07d}-{uuid.uuid4().hex[:8]}.parquet"
        write_atomically(path, parquet_bytes(frame))
        return path

    def read(self) -> pd.DataFrame:
        """Every finished row, by design."""
        parts = self.parts()
        if not parts:
            return pd.DataFrame()
        frame = pd.concat([_read_part(p) for p in parts], ignore_index=True)
        return frame.sort_values("design", ignore_index=True)


# pyarrow runs here in the calling thread only and starts no thread of its own: after
# pandas.read_parquet(BytesIO) (pyarrow's thread pools, fed from a Python file object) a
# process can abort at exit while the pools are torn down (apache/arrow#34314, #50482):
# `sortie sweep --resume` over a bad part printed its error and then died of SIGABRT in 3 of
# 30 runs (0 of 60 since; tests/test_sweep.py counts the threads). A part is tens of kB:
# threads gain nothing.


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` (without its index) as the bytes of one Parquet file (snappy, as pandas
    writes it)."""
    table = pa.Table.from_pandas(frame, preserve_index=False, nthreads=1)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="snappy")
    return sink.getvalue().to_pybytes()


def frame_from_parquet(data: bytes, columns: list[str] | None = None) -> pd.DataFrame:
    """The table in the Parquet file ``data`` (``columns`` only, if given). Raises pyarrow's
    errors for bytes that are no Parquet file."""
    # ParquetFile, not read_table: read_table goes through the datasets layer, which starts
    # an I/O thread even with use_threads=False.
    table = pq.ParquetFile(pa.BufferReader(data), pre_buffer=False).read(
        columns=columns, use_threads=False, use_pandas_metadata=True
    )
    return table.to_pandas(use_threads=False)


def _read_part(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """One part (``columns`` only, if given). A part that is no regular file of at most
    :data:`MAX_PART_BYTES` (a pipe, a link to a device) or no Parquet table with a ``design``
    column is a one-line :class:`InputError` naming it."""
    advice = "remove it to resume, or start again without --resume in another --out"
    try:
        data = read_regular_file(path, MAX_PART_BYTES, str(path))
    except InputError as error:
        raise InputError(f"{error}; {advice}") from None
    try:
        frame = frame_from_parquet(data, columns)
        if "design" not in frame.columns:
            raise KeyError("no design column")
        return frame
    except _PARQUET_ERRORS as error:
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:120]
        raise InputError(f"{path}: not a Parquet part of a sweep ({reason}); {advice}") from None
