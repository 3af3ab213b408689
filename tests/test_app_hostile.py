"""The hostile corpus in the app (Streamlit's AppTest, the real pages and engine): every file
through every uploader that takes its kind, and through a shared link (``view=``) made of it.
Each ends in a plain message on the page; no exception, no traceback in the log, and the page
still works for the next visitor's input. The real server gets the same in test_browser.py."""

from __future__ import annotations

import base64
import json
import logging
import tomllib
import zlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_hostile import HOSTILE

APP = Path(__file__).resolve().parents[1] / "app.py"
TIMEOUT_S = 300
# Uploaders by what they take: (page, key, radio to set first).
UPLOADERS = {
    "mission": ("compare", "mission_upload", ("mission_source", "own")),
    "cell": ("compare", "cell_upload", None),
    "view": ("compare", "view_upload", None),
    "sweep": ("space", "space_file", ("space_source", "file")),
}
TAKES = {".toml": ["mission", "cell", "sweep"], ".csv": ["mission"], ".json": ["cell", "view"]}
CORPUS = sorted(path.name for path in HOSTILE.iterdir())


def _space_page() -> None:
    from ui.pages import design_space

    design_space.render()


def _page(page: str) -> AppTest:
    if page == "space":
        return AppTest.from_function(_space_page, default_timeout=TIMEOUT_S)
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)


@pytest.fixture
def no_tracebacks(caplog):
    caplog.set_level(logging.WARNING)
    yield
    logged = [r for r in caplog.records if r.exc_info]
    assert not logged, [r.getMessage() for r in logged]


def _plain_errors(at: AppTest) -> list[str]:
    """The page's error messages: each one line, none the guard's 'something went wrong'."""
    assert not at.exception, at.exception
    messages = [e.value for e in at.error]
    for message in messages:
        assert "\n" not in message and "went wrong" not in message, message
        assert "Traceback" not in message
    return messages


@pytest.mark.parametrize(
    "name, uploader",
    [(name, uploader) for name in CORPUS for uploader in TAKES[Path(name).suffix]],
)
def test_every_hostile_file_through_every_uploader(name, uploader, no_tracebacks):
    page, key, radio = UPLOADERS[uploader]
    at = _page(page).run()
    if radio is not None:
        at.radio(key=radio[0]).set_value(radio[1]).run()
    data = (HOSTILE / name).read_bytes()
    at.file_uploader(key=key).set_value((name, data, "application/octet-stream")).run()
    errors = _plain_errors(at)
    assert any(name in message for message in errors), errors
    at.run()  # the next rerun: still a plain page
    _plain_errors(at)


def _packed(text: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(text, 9)).decode("ascii")


def _link_of(name: str) -> str:
    """A ``view`` parameter made of the file: its content where a scenario holds such a
    document (a mission, a cell, a BPX file, a view's scenario), else the raw bytes."""
    data = (HOSTILE / name).read_bytes()
    scenario = {"mission": {"preset": "quad-isr-loiter"}, "cells": [{"preset": "lg-m50-21700"}]}
    try:
        if name.endswith(".toml"):
            document = tomllib.loads(data.decode("utf-8"))
            if name.startswith("cell-"):
                scenario["cells"] = [{"document": document}]
            else:
                scenario["mission"] = {"document": document}
        elif name.startswith("bpx-"):
            scenario["cells"] = [{"bpx": data.decode("utf-8")}]
        elif name.startswith("view-"):
            scenario = json.loads(data)["scenario"]
        else:
            return _packed(data)
    except (ValueError, RecursionError):  # not TOML or JSON at all: the bytes as they are
        return _packed(data)
    return _packed(json.dumps(scenario).encode())


def _bomb(link_chars: int) -> str:
    """Zeros compressed into a ``view`` parameter of about ``link_chars`` characters (deflate
    packs about 1000 bytes of zeros into one: 1.3 MB of link hold 1 GiB)."""
    zeros = zlib.compressobj(9)
    chunks, packed_bytes = [], 0
    while packed_bytes * 4 / 3 < link_chars:
        chunk = zeros.compress(bytes(1 << 20))
        chunks.append(chunk)
        packed_bytes += len(chunk)
    chunks.append(zeros.flush())
    return base64.urlsafe_b64encode(b"".join(chunks)).decode("ascii")


LINKS = {
    **{f"file {name}": (lambda name=name: _link_of(name)) for name in CORPUS},
    # Under Streamlit's own 512 k character limit: ~0.4 GB once inflated.
    "decompression bomb": lambda: _bomb(500_000),
    # Short enough to be read, inflating far beyond the cap.
    "small bomb": lambda: _packed(bytes(40_000_000)),
    "deep JSON": lambda: _packed(b"[" * 100_000 + b"]" * 100_000),
    "not base64": lambda: "%%%not base64%%%",
}


def test_a_link_above_streamlits_own_limit_is_dropped_and_the_page_works(no_tracebacks):
    """1.3 MB of link (1 GiB inflated): Streamlit drops a query string that long itself."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params["view"] = _bomb(1_300_000)
    at.run()
    _plain_errors(at)
    assert at.title[0].value == "Compare cells on a mission"


@pytest.mark.parametrize("label", sorted(LINKS))
def test_every_hostile_link_is_a_plain_message(label, no_tracebacks):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params["view"] = LINKS[label]()
    at.run()
    errors = _plain_errors(at)
    assert errors, "the link was taken as it is"
    # The page goes on: a preset comparison still draws its inputs.
    assert at.title[0].value == "Compare cells on a mission"
