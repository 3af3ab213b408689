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

from sortie.errors import InputError
from sortie.files import TEMPORARY_PREFIX, write_atomically

MANIFEST = "_sweep.json"
_PART_GLOB = "part-*.parquet"


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
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for stale in folder.glob(f"{TEMPORARY_PREFIX}*"):
                stale.unlink()  # left by a killed writer
            if found is None:
                write_atomically(folder / MANIFEST, json.dumps(manifest, indent=2).encode())
        except OSError as error:
            raise InputError(f"--out {folder}: cannot write ({error.strerror})") from None

    def _manifest(self) -> dict[str, Any] | None:
        path = self.folder / MANIFEST
        if not path.is_file():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise InputError(f"{path}: damaged; choose another --out") from None

    def parts(self) -> list[Path]:
        return sorted(self.folder.glob(_PART_GLOB)) if self.folder.is_dir() else []

    def done(self) -> set[int]:
        """Designs already in a part."""
        found: set[int] = set()
        for part in self.parts():
            found.update(int(d) for d in pd.read_parquet(part, columns=["design"])["design"])
        return found

    def write(self, frame: pd.DataFrame) -> Path:
        """Add one part (rows of finished designs)."""
        first = int(frame["design"].min())
        path = self.folder / f"part-{first:07d}-{uuid.uuid4().hex[:8]}.parquet"
        write_atomically(path, frame.to_parquet(index=False))
        return path

    def read(self) -> pd.DataFrame:
        """Every finished row, by design."""
        parts = self.parts()
        if not parts:
            return pd.DataFrame()
        frame = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
        return frame.sort_values("design", ignore_index=True)
