"""Benchmark (not a test): how long a writer waits for SQLite's write lock while views
are rebuilt in the same file, as a command saving its events would (ADR 77).

    .venv/bin/python -m benchmarks.write_lock_wait --db FILE
        [--views conformance,kpi,audit,pipeline] [--every-ms 50]

The store is a SQLite file a ``salesdomain demo --scale N`` made (``benchmarks.rebuild_views
--phase generate`` makes one). Another process rebuilds the views ``--views`` in one
pass (``ReadModels.rebuild``); meanwhile this process takes the write lock every
``--every-ms`` (``BEGIN IMMEDIATE``, then ``COMMIT``) and times each wait. Printed:
how many waits, their p50, p95, p99, longest and mean (ms).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

STARTED_SECONDS = 3.0
"""Waited before the first probe: the other process imports and opens the system."""


def _rebuild(db: Path, views: list[str]) -> subprocess.Popen[bytes]:
    code = (
        "from salesdomain.adapters.bootstrap import build_system\n"
        f"build_system({f'sqlite:///{db}'!r}).views.rebuild({views!r})\n"
    )
    return subprocess.Popen([sys.executable, "-c", code])


def measure(db: Path, views: list[str], every_ms: int) -> list[float]:
    """The seconds each take of the write lock waited while the rebuild ran."""
    rebuilding = _rebuild(db, views)
    time.sleep(STARTED_SECONDS)
    waits = []
    with closing(sqlite3.connect(db, timeout=60, isolation_level=None)) as conn:
        while rebuilding.poll() is None:
            started = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            waits.append(time.perf_counter() - started)
            conn.execute("COMMIT")
            time.sleep(every_ms / 1000)
    if rebuilding.returncode != 0:
        raise SystemExit(f"the rebuild failed (exit {rebuilding.returncode})")
    return waits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--views", default="conformance,kpi,audit,pipeline")
    parser.add_argument("--every-ms", type=int, default=50)
    args = parser.parse_args()
    waits = sorted(measure(args.db, args.views.split(","), args.every_ms))
    if not waits:
        raise SystemExit("the rebuild ended before the first probe: use a larger store")

    def ms(share: float) -> float:
        return waits[int(share * (len(waits) - 1))] * 1000

    print(
        f"{len(waits)} takes of the write lock during the rebuild of {args.views}: wait "
        f"p50 {ms(0.5):.1f} ms, p95 {ms(0.95):.1f} ms, p99 {ms(0.99):.1f} ms, "
        f"longest {waits[-1] * 1000:.1f} ms, mean {statistics.mean(waits) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
