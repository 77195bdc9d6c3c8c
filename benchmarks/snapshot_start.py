"""Benchmark (not a test): a system's start with many snapshots stored (ADR 38).

    .venv/bin/python -m benchmarks.snapshot_start --url sqlite:////path/to/a/copy.db
        [--records N]

Writes to the store: use a copy.  It takes a snapshot of every record of a snapshotted
kind (at most ``--records``), at its current version, as if every record had grown past
its interval; then starts the system (``bootstrap``) three times and prints how long
each start took: the first replays every new snapshot's events (what every start did
before ADR 38), the next ones only check the MACs of snapshots already found equal to
their events.  ``chain verify``'s check, which replays every snapshot, is timed last.
"""

from __future__ import annotations

import argparse
import time

from eventsourcing.application import project_aggregate
from salesdomain.adapters.bootstrap import bootstrap
from salesdomain.adapters.snapshots import check_snapshots
from salesdomain.projections.log import ApplicationLog

from salesdomain.application import SalesApplication


def snapshot_every_record(app: SalesApplication, most: int) -> int:
    """A snapshot of each record of a snapshotted kind that has none at its version."""
    assert app.snapshots is not None
    log = ApplicationLog(app)
    ids = dict.fromkeys(e.originator_id for _, e in log.read(0, log.head()) if e is not None)
    taken = 0
    for record_id in ids:
        if taken >= most:
            break
        record = project_aggregate(None, app.events.get(record_id))
        if type(record) not in app.snapshotting_intervals:
            continue
        if record.version % app.snapshotting_intervals[type(record)]:
            app.take_snapshot(record_id)
            taken += 1
    return taken


def timed_start(url: str) -> float:
    started = time.perf_counter()
    app = bootstrap(url)
    elapsed = time.perf_counter() - started
    app.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="a copy of a store (it is written to)")
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    app = bootstrap(args.url)
    started = time.perf_counter()
    taken = snapshot_every_record(app, args.records)
    print(f"{taken:,} snapshots taken in {time.perf_counter() - started:.1f} s")
    app.close()
    for n in (1, 2, 3):
        print(f"start {n}: {timed_start(args.url):.2f} s")
    app = bootstrap(args.url)
    started = time.perf_counter()
    bad = check_snapshots(app, discard=False)
    print(f"chain verify's snapshot check: {time.perf_counter() - started:.2f} s, {len(bad)} bad")
    app.close()


if __name__ == "__main__":
    main()
