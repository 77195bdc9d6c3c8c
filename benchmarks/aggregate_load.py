"""Benchmark (not a test): loading long-lived records cold, with and without snapshots.

    .venv/bin/python -m benchmarks.aggregate_load [--kinds opportunity customer order]
        [--sizes 10 10000] [--repeat 7] [--url URL]

For each kind and size it writes one record with that many events to a fresh store (a
SQLite file unless ``--url`` names another), once on a ``SalesApplication`` that takes
no snapshots and once on one that snapshots every ``SNAPSHOT_INTERVAL`` events, and
prints the median time to load it (``SalesApplication.load``, which always reads the
store: a cold load).  It also checks that the record restored from its snapshot equals
the one replayed from its events, type for type (ADR 38).

* opportunity: opened, then contacts logged (SOP 2.1.3), one a day;
* customer: registered and qualified, then assessed again and again, a contact person
  added every tenth event;
* order: entered from a won deal's signed contract, then coordination tasks assigned
  (SOP 2.5.1), one an event.

``benchmarks.employee_load`` measures employees the same way.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar
from uuid import UUID, uuid4

from eventsourcing.application import project_aggregate
from salesdomain.adapters.store import ensure_schema, parse_database_url

from salesdomain import clock
from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.application import SalesApplication
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.orders.order import Order
from salesdomain.policy import SalesPolicy
from salesdomain.prospecting.customer import Customer
from salesdomain.prospecting.values import (
    Assessment,
    ContactPerson,
    ContactPersons,
    Level,
    SourceChannel,
)
from salesdomain.sop import Role
from salesdomain.values import Actor
from tests import builders as b
from tests.builders import PAT, long_running_opportunity
from tests.order_builders import entered_order, order_of

START = datetime(2026, 3, 2, 9, tzinfo=UTC)
REP = Actor(employee_id=uuid4(), role=Role.SALES_REPRESENTATIVE, name="Benchmark Rep")
BATCH = 500
Writer = Callable[[SalesApplication, int], UUID]


class SnapshottingApplication(SalesApplication):
    """Snapshots every kind of record that can grow (``SalesApplication``'s own)."""


class PlainApplication(SalesApplication):
    """An application that never snapshots."""

    snapshotting_intervals: ClassVar[dict[type, int]] = {}


def evidence(command: str) -> Evidence:
    return Evidence(REP, uuid4(), command)


def saved_in_batches(app: SalesApplication, record: SopAggregate, events: int, add: Any) -> UUID:
    """``record`` with ``add(record, n)`` called until it has ``events`` events, saved
    every ``BATCH`` events."""
    while record.version < events:
        add(record, record.version)
        if len(record.pending_events) >= BATCH:
            app.save(record)
    app.save(record)
    return record.id


def qualified_customer(name: str) -> Customer:
    customer = Customer.register(
        evidence("RegisterProspect"),
        company_name=name,
        registration_number=f"REG-{uuid4().hex[:12]}",
        region="East China",
        industry="Machinery",
        source_channel=SourceChannel.TRADE_SHOW,
        contacts=ContactPersons(people=(ContactPerson(name="Chen Wei"),)),
    )
    customer.assess(evidence("AssessProspect"), ASSESSMENT)
    customer.qualify(evidence("QualifyProspect"), "Budget approved", policy=SalesPolicy())
    return customer


ASSESSMENT = Assessment(
    need_intent=Level.HIGH, purchasing_power=Level.MEDIUM, decision_process="Plant manager"
)


def write_opportunity(app: SalesApplication, events: int) -> UUID:
    """An opportunity opened, then a contact logged a day until it has ``events``."""
    return long_running_opportunity(app, events - 1, rep=REP, batch=BATCH)


def write_customer(app: SalesApplication, events: int) -> UUID:
    """A customer registered and qualified, then assessed again until it has ``events``,
    a contact person added every tenth event."""
    customer = qualified_customer(f"Long Standing Customer {uuid4().hex[:8]}")

    def grow(record: Customer, n: int) -> None:
        if n % 10 == 0:
            record.add_contact_person(evidence("AddContactPerson"), ContactPerson(name=f"P{n}"))
        else:
            record.assess(evidence("AssessProspect"), ASSESSMENT)

    return saved_in_batches(app, customer, events, grow)


def write_order(app: SalesApplication, events: int) -> UUID:
    """An order entered from a won deal's signed contract (its commands), then a
    coordination task assigned again and again until it has ``events``."""
    opp_id, contract_id = uuid4(), uuid4()
    for command, actor in entered_order(opp_id, contract_id):
        app.handle(command, actor)
    order = app.repository.get(order_of(contract_id))

    def task(record: Order, n: int) -> None:
        record.assign_task(
            Evidence(b.ALICE, uuid4(), "AssignCoordinationTask"),
            owner=PAT,
            description=f"Task {n}",
            due_on=None,
            policy=app.policy,
            today=START.date(),
        )

    return saved_in_batches(app, order, events, task)


KINDS: dict[str, tuple[type[SopAggregate], Writer]] = {
    "opportunity": (Opportunity, write_opportunity),
    "customer": (Customer, write_customer),
    "order": (Order, write_order),
}


def median_load_ms(
    app: SalesApplication, kind: type[SopAggregate], record_id: UUID, repeat: int
) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        app.load(kind, record_id)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def measure(
    url: str,
    application: type[SalesApplication],
    kind: type[SopAggregate],
    write: Writer,
    events: int,
    repeat: int,
) -> tuple[float, int]:
    """The median cold load time of a ``kind`` record of ``events`` events written by
    ``write``, and how many snapshots it has."""
    config = parse_database_url(url)
    ensure_schema(config)
    app = application(config.env, verify_actors=False)  # commands by the test company
    record_id = write(app, events)
    loaded = app.load(kind, record_id)  # warm up (imports, connection, statement cache)
    assert loaded.version == events, (loaded.version, events)
    elapsed = median_load_ms(app, kind, record_id, repeat)
    snapshots = len(list(app.snapshots.get(record_id))) if app.snapshots else 0
    if snapshots:
        restored = app.load(kind, record_id)
        replayed = project_aggregate(None, app.events.get(record_id))
        assert restored.version == replayed.version
        assert vars(restored) == vars(replayed), "snapshot state differs from the replayed one"
        assert {n: type(v) for n, v in vars(restored).items()} == {
            n: type(v) for n, v in vars(replayed).items()
        }, "snapshot state has other types than the replayed one"
    app.close()
    return elapsed, snapshots


def fresh_url(base: str | None, label: str) -> str:
    if base:
        return base
    return f"sqlite:///{tempfile.mkdtemp(prefix=f'load-{label}-')}/events.db"


def compare(
    kind: type[SopAggregate],
    write: Writer,
    sizes: list[int],
    repeat: int,
    url: str | None,
    snapshotting: type[SalesApplication] = SnapshottingApplication,
) -> None:
    """Measure ``kind`` at each size with and without snapshots and print the table."""
    rows = []
    with clock.simulated(clock.SimulatedClock(START)):
        for size in sizes:
            label = kind.__name__.lower()
            plain, _ = measure(fresh_url(url, label), PlainApplication, kind, write, size, repeat)
            snap, count = measure(fresh_url(url, label), snapshotting, kind, write, size, repeat)
            rows.append((size, plain, snap, count))
    interval = snapshotting.snapshotting_intervals.get(kind)
    print(f"{kind.__name__} load time (median of {repeat}), snapshot every {interval}")
    print(f"{'events':>8} | {'no snapshots':>13} | {'snapshots':>10} | {'stored':>6} | speed-up")
    print(f"{'-' * 8}-+-{'-' * 13}-+-{'-' * 10}-+-{'-' * 6}-+---------")
    for size, plain, snap, count in rows:
        print(
            f"{size:>8,} | {plain:>10.2f} ms | {snap:>7.2f} ms | {count:>6} | {plain / snap:>6.1f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", nargs="+", choices=sorted(KINDS), default=sorted(KINDS))
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 10_000])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--url", help="a store URL (default: a fresh SQLite file per run)")
    args = parser.parse_args()
    for name in args.kinds:
        kind, write = KINDS[name]
        compare(kind, write, args.sizes, args.repeat, args.url)


if __name__ == "__main__":
    main()
