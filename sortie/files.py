"""Files Sortie writes: whole or not at all.

Every file is written to a hidden temporary file in the same folder, flushed to disk and
renamed over the target: a killed process, a full disk or a crash leaves either the old file
or the new one, never half of one.
"""

from __future__ import annotations

import os
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
