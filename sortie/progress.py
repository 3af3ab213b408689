"""Progress of long work on the command line: a bar on a terminal, plain lines otherwise
(logs and CI read lines, not carriage returns)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

# Plain lines at most this often, and at every tenth of the work.
LINE_INTERVAL_S = 10.0


class TerminalProgress:
    """``update(done, total)`` as designs finish; ``close()`` at the end."""

    def __init__(self, label: str, unit: str = "designs", stream: TextIO | None = None) -> None:
        self.label = label
        self.unit = unit
        self.stream = stream or sys.stderr
        self._bar = None
        self._start = time.perf_counter()
        self._last_line = -LINE_INTERVAL_S
        self._last_tenth = -1
        self._interactive = self.stream.isatty()

    def update(self, done: int, total: int) -> None:
        if self._interactive:
            from tqdm import tqdm

            if self._bar is None:
                self._bar = tqdm(
                    total=total, desc=self.label, unit=self.unit.rstrip("s"), file=self.stream
                )
            self._bar.update(done - self._bar.n)
            return
        elapsed = time.perf_counter() - self._start
        tenth = 10 * done // max(total, 1)
        due = elapsed - self._last_line >= LINE_INTERVAL_S
        if done == total or tenth > self._last_tenth or due:
            self._last_tenth, self._last_line = tenth, elapsed
            share = 100 * done / max(total, 1)
            print(
                f"{self.label}: {done}/{total} {self.unit} ({share:.0f} %) after {elapsed:.1f} s",
                file=self.stream,
                flush=True,
            )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
