"""Benchmark (not a test): the past on demand.

    .venv/bin/python -m benchmarks.as_of [--events 1000] [--repeat 7]
                                         [--postgres URL | --no-postgres]

1. One employee with ``--events`` events (enrolled, then trainings), written once to
   an application that snapshots employees every ``Employee.SNAPSHOT_INTERVAL`` events
   and once to one that does not; on a SQLite file and on PostgreSQL (a fresh schema,
   dropped afterwards).  Median time of: the record at version n/2 and at its last
   version (``aggregate_at_version``), as of the moment of event n/2 and of the last
   event (``aggregate_as_of``), and ``SalesApplication.load`` for comparison.
2. The demo quarter (``salesdomain demo``) on a SQLite file: median time of every view
   as of mid-quarter and as of its end (``views_as_of``), and of one business case's
   story from the audit view and from the log itself.

    .venv/bin/python -m benchmarks.as_of --store URL --at 2026-06-30T00:00+00:00 [...]

3. Instead, on an existing store (a copy: its views get the tables they lack): the
   pipeline view as of each ``--at``, started from the views' newest usable checkpoint
   (ADR 40) and replayed from the start, its log position and median time (one run of
   the full replay, the mean of ``--repeat-full`` runs, 0: not run).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, ClassVar

import psycopg
from salesdomain.adapters.bootstrap import build_system
from salesdomain.adapters.demo import run_demo
from salesdomain.adapters.store import ensure_schema, parse_database_url
from salesdomain.projections.as_of import views_as_of
from salesdomain.projections.story import case_story, verified_case_story
from sqlalchemy import func, select

from benchmarks import master_key_for_fresh_schemas, median_ms
from benchmarks.employee_load import START, write_employee
from salesdomain import clock
from salesdomain.application import SalesApplication
from salesdomain.past import aggregate_as_of, aggregate_at_version
from salesdomain.people.employee import Employee

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


class WithoutSnapshots(SalesApplication):
    snapshotting_intervals: ClassVar[dict[type, int]] = {}


class Ticking:
    """A clock that moves one second on every reading: each event its own moment."""

    def __init__(self) -> None:
        self.readings = 0

    def __call__(self) -> datetime:
        self.readings += 1
        return START + timedelta(seconds=self.readings)


def aggregate_rows(url: str, events: int, repeat: int) -> list[tuple[str, str, float]]:
    rows = []
    for label, kind in (("snapshots", SalesApplication), ("no snapshots", WithoutSnapshots)):
        config = parse_database_url(url)
        ensure_schema(config)
        app = kind(config.env)
        with clock.simulated(Ticking()):
            employee_id = write_employee(app, events)
        rows += [(label, name, ms) for name, ms in _time_employee(app, employee_id, events, repeat)]
        app.close()
        url = _fresh(url)
    return rows


def _time_employee(
    app: SalesApplication, employee_id: uuid.UUID, events: int, repeat: int
) -> list[tuple[str, float]]:
    history = list(app.events.get(employee_id))
    half, last = history[events // 2 - 1], history[-1]
    found = aggregate_as_of(app, Employee, employee_id, half.timestamp)
    assert found.version == events // 2, found.version
    checks: dict[str, Callable[[], Any]] = {
        "load (latest)": lambda: app.load(Employee, employee_id),
        f"at version {events // 2}": lambda: aggregate_at_version(
            app, Employee, employee_id, events // 2
        ),
        f"at version {events}": lambda: aggregate_at_version(app, Employee, employee_id, events),
        f"as of event {events // 2}'s time": lambda: aggregate_as_of(
            app, Employee, employee_id, half.timestamp
        ),
        f"as of event {events}'s time": lambda: aggregate_as_of(
            app, Employee, employee_id, last.timestamp
        ),
    }
    return [(name, median_ms(work, repeat)) for name, work in checks.items()]


CREATED_SCHEMAS: list[str] = []


def _fresh(url: str) -> str:
    """Another empty store like ``url``: a new SQLite file or PostgreSQL schema."""
    if not url.startswith("postgres"):
        return f"sqlite:///{tempfile.mkdtemp(prefix='as-of-')}/events.db"
    schema = "bench_as_of_" + uuid.uuid4().hex[:8]
    CREATED_SCHEMAS.append(schema)
    return f"{url.split('?', 1)[0]}?schema={schema}"


def _biggest_case(views: Any) -> uuid.UUID:
    entries = views.runner("audit").tables()["entries"]
    with views.engine.connect() as conn:
        row = conn.execute(
            select(entries.c.correlation_id, func.count())
            .where(entries.c.aggregate_type == "Order")
            .group_by(entries.c.correlation_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
    return uuid.UUID(row[0])


def demo_rows(repeat: int) -> tuple[int, list[tuple[str, float]]]:
    path = f"{tempfile.mkdtemp(prefix='as-of-demo-')}/demo.db"
    system = build_system(f"sqlite:///{path}")
    report = run_demo(system, 7)
    report_middle = report.started + (report.finished - report.started) / 2
    app, views = system.app, system.views
    head = app.recorder.max_notification_id() or 0
    middle = report_middle
    case_id = _biggest_case(views)
    assert case_story(app, views, case_id) == verified_case_story(app, case_id)

    def as_of(at: Any) -> Callable[[], None]:
        def work() -> None:
            views_as_of(app, at).close()

        return work

    rows = [
        ("every view as of mid-quarter", median_ms(as_of(middle), repeat)),
        ("every view as of the quarter's end", median_ms(as_of(report.finished), repeat)),
        ("every view rebuilt live (ReadModels.rebuild)", median_ms(views.rebuild, repeat)),
        (
            "story of one case (audit view)",
            median_ms(lambda: case_story(app, views, case_id), repeat),
        ),
        (
            "story of one case (log, verified)",
            median_ms(lambda: verified_case_story(app, case_id), repeat),
        ),
    ]
    system.close()
    return head, rows


def store_rows(url: str, moments: list[datetime], repeat: int, repeat_full: int) -> None:
    system = build_system(url)
    print(f"{'as of':<26} | {'position':>9} | {'from checkpoint ms':>18} | {'full replay ms':>14}")
    try:
        for at in moments:
            with views_as_of(system.views, at, only=["pipeline"]) as past:
                position = past.position

            def started(at: datetime = at) -> None:
                views_as_of(system.views, at, only=["pipeline"]).close()

            def replayed(at: datetime = at) -> None:
                views_as_of(system.app, at, only=["pipeline"]).close()

            fast = median_ms(started, repeat)
            full = "-"
            if repeat_full:
                began = time.perf_counter()
                for _ in range(repeat_full):
                    replayed()
                full = f"{(time.perf_counter() - began) * 1000 / repeat_full:,.0f}"
            print(f"{at.isoformat():<26} | {position:>9,} | {fast:>18,.0f} | {full:>14}")
    finally:
        system.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="an existing store's URL (part 3 only)")
    parser.add_argument("--at", action="append", type=datetime.fromisoformat, default=[])
    parser.add_argument("--repeat-full", type=int, default=1)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--postgres", default=POSTGRES, help="PostgreSQL URL (without schema)")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    if args.store:
        store_rows(args.store, args.at, args.repeat, args.repeat_full)
        return
    stores = {"SQLite": _fresh("sqlite://")}
    master_key_for_fresh_schemas()
    if not args.no_postgres:
        stores["PostgreSQL"] = _fresh(args.postgres)
    print(f"One employee with {args.events:,} events; median of {args.repeat} (ms)")
    print(f"{'store':<10} | {'':<12} | {'query':<28} | {'ms':>8}")
    try:
        for store, url in stores.items():
            for label, name, ms in aggregate_rows(url, args.events, args.repeat):
                print(f"{store:<10} | {label:<12} | {name:<28} | {ms:>8.2f}")
    finally:
        _drop_schemas(args.postgres)
    head, rows = demo_rows(args.repeat)
    print(f"\nDemo quarter on SQLite: {head:,} log positions; median of {args.repeat} (ms)")
    for name, ms in rows:
        print(f"{name:<46} | {ms:>8.2f}")


def _drop_schemas(url: str) -> None:
    if not CREATED_SCHEMAS:
        return
    with psycopg.connect(url, autocommit=True) as conn:
        for schema in CREATED_SCHEMAS:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


if __name__ == "__main__":
    main()
