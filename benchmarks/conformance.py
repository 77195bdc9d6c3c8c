"""Benchmark (not a test): a conformance review of a large log against the raw read rate.

    .venv/bin/python -m benchmarks.conformance --events 200000 [--db /tmp/conformance-log.db]

The log is generated as ``benchmarks.rebuild_views`` does (opportunity histories through
the domain model, by actors not on the staff register, so every command is also an
employment finding: a worst case for the findings kept).  Then, in this process:
raw read + decode of the whole log in pages of 1,000, and ``conformance_report`` over the
whole log (which reads and decodes it again); prints events/second of both, their
ratio, the breaches found and the peak resident memory.  Then the dashboard's tracked
review (``TrackedReview``): its first call (the whole log), and a call after one more
deal was logged, which folds only the new events.
"""

from __future__ import annotations

import argparse
import resource
import time
from datetime import UTC, date, datetime
from pathlib import Path

from salesdomain.adapters.bootstrap import bootstrap
from salesdomain.projections.conformance import conformance_report, read_log
from salesdomain.projections.conformance.tracked import TrackedReview

from benchmarks.command_throughput import deal_commands
from benchmarks.rebuild_views import generate
from salesdomain import clock
from salesdomain.policy import SalesPolicy

LATER = datetime(2100, 1, 1, tzinfo=UTC)


def measure(db: Path) -> None:
    app = bootstrap(f"sqlite:///{db}")
    started = time.perf_counter()
    head = sum(1 for _ in read_log(app))
    raw_seconds = time.perf_counter() - started
    started = time.perf_counter()
    report = conformance_report(
        app, SalesPolicy(), date(2000, 1, 1), date(2100, 1, 1), datetime(2100, 1, 1, tzinfo=UTC)
    )
    review_seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"log: {head:,} notifications ({report.events_reviewed:,} events) in {db}")
    print(f"raw read+decode   : {head / raw_seconds:10,.0f} /s ({raw_seconds:.1f} s)")
    print(f"conformance report: {head / review_seconds:10,.0f} /s ({review_seconds:.1f} s)")
    print(f"ratio             : {raw_seconds / review_seconds:.2f}")
    print(f"breaches          : {len(report.breaches):,}; steps counted: {report.steps[0]}...")
    print(f"peak memory       : {peak_mb:,.0f} MB")
    tracked = TrackedReview(app, SalesPolicy())
    started = time.perf_counter()
    tracked.time_limit_breaches(LATER)
    first_seconds = time.perf_counter() - started
    writer = bootstrap(f"sqlite:///{db}", verify_actors=False)  # the log's actors are not staff
    with clock.simulated(clock.SimulatedClock(datetime(2026, 3, 2, 9, tzinfo=UTC))):
        for command, actor in deal_commands(10**7 + head):  # one more deal, 14 commands
            writer.handle(command, actor)  # type: ignore[arg-type]
    writer.close()
    started = time.perf_counter()
    tracked.time_limit_breaches(LATER)
    again_ms = (time.perf_counter() - started) * 1000
    print(
        f"tracked review    : first call {first_seconds:.1f} s; "
        f"after one more deal {again_ms:.1f} ms"
    )
    app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/salesdomain-conformance-log.db"))
    args = parser.parse_args()
    generate(args.db, args.events)
    measure(args.db)


if __name__ == "__main__":
    main()
