"""The explorer in a real browser: seconds from pressing Compare to the first verdict card on
screen, for the default view (three preset cells, DFN, quad ISR loiter).

Starts ``streamlit run app.py`` on a loopback port with its own empty cache and two workers
(as ``tests/test_browser.py`` does, with its helpers), opens Debian's Chromium through
Playwright, and times three rounds, each a new session with another payload so that nothing
is cached: the first on a pool that may still be building its models, then two warm ones.
``tests/test_browser.py::test_first_verdict_of_a_three_cell_comparison`` checks what that
first card shows; this script only measures.

    python benchmarks/bench_browser.py

Prints the times and writes benchmarks/results/browser_first_verdict.txt (not committed).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results"
ROUNDS = (("first", "0.3"), ("warm", "0.35"), ("warm again", "0.4"))


class _Folders:
    """What ``tests.test_browser._running_app`` asks of pytest's ``tmp_path_factory``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def mktemp(self, name: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.root))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from tests.test_browser import (
        CHROMIUM,
        CHROMIUM_ARGS,
        VERDICT,
        _first_verdict_after_click,
        _open,
        _running_app,
        _settle,
        _verdicts,
    )

    times: dict[str, float] = {}
    with (
        tempfile.TemporaryDirectory() as folder,
        _running_app(_Folders(Path(folder))) as server,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for label, payload_kg in ROUNDS:
            page = _open(browser, server.url)
            payload = page.get_by_label("Payload [kg]")
            payload.fill(payload_kg)
            payload.press("Enter")
            _settle(page)
            start = time.perf_counter()
            times[label] = _first_verdict_after_click(page)
            if len(_verdicts(page, 3)) != 3:
                raise SystemExit(f"round {label}: not three verdicts ({VERDICT})")
            print(f"{label}: all three after {time.perf_counter() - start:.2f} s")
            page.context.close()
        browser.close()
    lines = [f"{label}: {seconds:.2f} s" for label, seconds in times.items()]
    print("click to first verdict:\n" + "\n".join(lines))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "browser_first_verdict.txt").write_text(
        "click to first verdict, three preset cells, DFN, quad ISR loiter\n"
        + "\n".join(lines)
        + "\n"
    )


if __name__ == "__main__":
    main()
