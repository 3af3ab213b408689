"""Reading an ArduPilot DataFlash log: seconds for a built log of about 2 million messages.

The log is built from the format's description by ``tests/dataflash_builder.py`` (the test
suite's 120 s copter flight at a high rate: two BAT instances, BARO and GPS per step) and
read three ways: :func:`sortie.models.dataflash_format.scan` alone (finding the messages),
decoding the columns the flight-log reader wants, and the whole
:func:`sortie.models.flight_log_dataflash.read_dataflash` (with the record and its phases).

    python benchmarks/bench_dataflash.py [--messages 2000000]

Prints the times and writes benchmarks/results/dataflash_read.txt (not committed).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results"
# Messages per step of copter_flight: BAT x 2, BARO, GPS.
MESSAGES_PER_STEP = 4
FLIGHT_S = 120


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2_000_000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from sortie.models.dataflash_format import scan
    from sortie.models.flight_log_dataflash import COLUMNS, read_dataflash
    from tests.dataflash_builder import copter_flight

    rate_hz = max(1, round(args.messages / MESSAGES_PER_STEP / FLIGHT_S))
    started = time.perf_counter()
    data = copter_flight(rate_hz=rate_hz).data()
    built_s = time.perf_counter() - started
    log = scan(data)
    lines = [
        f"built log: {len(log.starts):,} messages, {len(data):,} bytes "
        f"({rate_hz} Hz, built in {built_s:.1f} s)"
    ]
    for what, action in (
        ("scan (message boundaries)", lambda: scan(data)),
        ("scan + decode the wanted columns", lambda: _decode(scan(data), COLUMNS)),
        ("read_dataflash (record and phases)", lambda: read_dataflash(data, name="big.bin")),
    ):
        times_s = []
        for _ in range(3):
            started = time.perf_counter()
            action()
            times_s.append(time.perf_counter() - started)
        best_s = min(times_s)
        lines.append(
            f"{what}: best of 3 {best_s:.2f} s ({len(log.starts) / best_s / 1e6:.2f} M messages/s)"
        )
    text = "\n".join(lines)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "dataflash_read.txt").write_text(text + "\n")


def _decode(log, columns) -> None:
    for name, wanted in columns.items():
        if log.count(name):
            log.columns(name, wanted)


if __name__ == "__main__":
    main()
