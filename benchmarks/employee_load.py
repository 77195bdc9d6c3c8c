"""Benchmark (not a test): loading a long-lived employee, with and without snapshots.

    .venv/bin/python -m benchmarks.employee_load [--sizes 10 10000] [--repeat 7] [--url URL]

An employee's history grows for years (trainings, reviews, pay changes).  For each
size it writes one employee with that many events (enrolled, then periodic training
records) to a fresh store (a SQLite file unless ``--url`` names another), once on a
``SalesApplication`` that takes no snapshots and once on one that snapshots every
``Employee.SNAPSHOT_INTERVAL`` events, and prints the median time to load it
(``SalesApplication.load``, which always reads the store).  It also checks that the
state restored from a snapshot equals the replayed one.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from typing import ClassVar
from uuid import UUID, uuid4

from eventsourcing.application import project_aggregate
from salesdomain.adapters.store import ensure_schema, parse_database_url

from salesdomain import clock
from salesdomain.application import SalesApplication
from salesdomain.people.employee import SNAPSHOT_INTERVAL, Employee
from salesdomain.sop import Role
from salesdomain.values import Actor
from tests.people_builders import long_serving_employee

START = datetime(2026, 3, 2, 9, tzinfo=UTC)
HR = Actor(employee_id=uuid4(), role=Role.HR, name="Benchmark HR")
BATCH = 500


class SnapshottingApplication(SalesApplication):
    snapshotting_intervals: ClassVar[dict[type, int]] = {Employee: SNAPSHOT_INTERVAL}


class PlainApplication(SalesApplication):
    """``SalesApplication`` snapshots employees itself: this one never does."""

    snapshotting_intervals: ClassVar[dict[type, int]] = {}


def write_employee(app: SalesApplication, events: int) -> UUID:
    """An employee with ``events`` events: enrolled, then trainings; saved in batches."""
    return long_serving_employee(
        app, events - 1, hr=HR, start_date=date(2000, 1, 3), today=lambda: START.date(), batch=BATCH
    )


def median_load_ms(app: SalesApplication, employee_id: UUID, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        app.load(Employee, employee_id)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def measure(url: str, kind: type[SalesApplication], events: int, repeat: int) -> tuple[float, int]:
    config = parse_database_url(url)
    ensure_schema(config)
    app = kind(config.env)
    employee_id = write_employee(app, events)
    app.load(Employee, employee_id)  # warm up (imports, connection, statement cache)
    elapsed = median_load_ms(app, employee_id, repeat)
    snapshots = len(list(app.snapshots.get(employee_id))) if app.snapshots else 0
    if snapshots:
        restored = app.load(Employee, employee_id)
        replayed = project_aggregate(None, app.events.get(employee_id))
        assert vars(restored) == vars(replayed), "snapshot state differs from the replayed one"
        assert restored.training_count == events - 1
    app.close()
    return elapsed, snapshots


def _fresh_url(base: str | None, label: str) -> str:
    if base:
        return base
    return f"sqlite:///{tempfile.mkdtemp(prefix=f'employee-{label}-')}/events.db"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 10_000])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--url", help="a store URL (default: a fresh SQLite file per run)")
    args = parser.parse_args()
    rows = []
    with clock.simulated(clock.SimulatedClock(START)):
        for size in args.sizes:
            plain, _ = measure(_fresh_url(args.url, "plain"), PlainApplication, size, args.repeat)
            snap, count = measure(
                _fresh_url(args.url, "snap"), SnapshottingApplication, size, args.repeat
            )
            rows.append((size, plain, snap, count))
    print(f"Employee load time (median of {args.repeat}), snapshot every {SNAPSHOT_INTERVAL}")
    print(f"{'events':>8} | {'no snapshots':>13} | {'snapshots':>10} | {'stored':>6} | speed-up")
    print(f"{'-' * 8}-+-{'-' * 13}-+-{'-' * 10}-+-{'-' * 6}-+---------")
    for size, plain, snap, count in rows:
        print(
            f"{size:>8,} | {plain:>10.2f} ms | {snap:>7.2f} ms | {count:>6} | {plain / snap:>6.1f}x"
        )


if __name__ == "__main__":
    main()
