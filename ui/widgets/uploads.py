"""Uploaded files: refused above a size cap before anything parses them."""

from __future__ import annotations

from sortie.errors import SortieError
from ui.text.i18n import number, tr

# Uploads larger than this are refused before parsing (server-wide cap: .streamlit/config.toml).
MAX_UPLOAD_BYTES = 5_000_000


def read_upload(upload) -> bytes:
    if upload.size > MAX_UPLOAD_BYTES:
        raise SortieError(
            tr(
                f"{upload.name}: {upload.size:,} bytes is too large (limit {MAX_UPLOAD_BYTES:,})",
                f"{upload.name}: {number(upload.size)} Bytes sind zu groß "
                f"(Grenze {number(MAX_UPLOAD_BYTES)})",
            )
        )
    return upload.getvalue()
