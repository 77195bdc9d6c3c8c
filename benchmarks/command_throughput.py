"""Benchmark (not a test): handled commands per second against a raw eventsourcing save.

    .venv/bin/python -m benchmarks.command_throughput [--deals 300] [--url postgresql://...]

For each store it runs, in one process and on a fresh store:
1. raw: eventsourcing saving bare aggregates, one event each (the floor);
2. domain: a realistic mix of SOP commands through ``SalesApplication.handle``:
   per deal register, assess, qualify, open, log a call and a visit, discover and
   prioritise needs, design, confirm feasibility, present, acknowledge, quote,
   negotiate, then accept or mark lost (15 commands).
It prints both rates and the ratio (time per command / time per raw save); the goal
is a ratio of at most 1.5.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from uuid import uuid4

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate

from adapters.bootstrap import bootstrap
from adapters.store import ensure_schema, parse_database_url
from salesdomain import clock
from salesdomain.opportunities import commands as oc
from salesdomain.sop import Role
from tests import builders as b
from tests import people_builders as pb


class Bare(Aggregate):
    class Created(Aggregate.Created):
        name: str


def _stores(urls: list[str]) -> list[str]:
    return urls or [f"sqlite:///{tempfile.mkdtemp()}/bench.db"]


def raw_saves(url: str, count: int) -> float:
    config = parse_database_url(url)
    ensure_schema(config)
    app = Application(env=config.env)
    started = time.perf_counter()
    for i in range(count):
        app.save(Bare._create(Bare.Created, id=uuid4(), name=f"bare {i}"))
    elapsed = time.perf_counter() - started
    app.close()
    return count / elapsed


def deal_commands(i: int) -> list[tuple[object, object]]:
    reg = b.register(name=f"Bench Company {i}", reg=f"BENCH{i:08d}")
    cid = b.customer_id(reg)
    opp = uuid4()
    last = (
        oc.AcceptQuote(opportunity_id=opp, quote_version=1, accepted_by="Li Na")
        if i % 3
        else oc.MarkOpportunityLost(opportunity_id=opp, reason="Lost on price")
    )
    return [
        *b.qualified_customer(reg),
        *b.through_acknowledged(opp, cid),
        (b.quote(opp), b.ALICE),
        (b.negotiate(opp), b.ALICE),
        (last, b.ALICE),
    ]


def domain_commands(url: str, deals: int) -> tuple[float, int]:
    app = bootstrap(url)  # as in production: every actor is checked against the staff
    staff = [
        pb.enrol("Hanna HR", Role.HR),
        pb.enrol("Alice Rep", Role.SALES_REPRESENTATIVE),
        pb.enrol("Pat Production", Role.PRODUCTION),
    ]
    for command, actor in staff:
        app.handle(command, actor)
    work = [step for i in range(deals) for step in deal_commands(i)]
    simulated = clock.SimulatedClock(datetime(2026, 3, 2, 9, tzinfo=UTC))
    started = time.perf_counter()
    with clock.simulated(simulated):
        for command, actor in work:
            app.handle(command, actor)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - started
    app.close()
    return len(work) / elapsed, len(work)


def _fresh(url: str, make: Callable[[str], object]) -> object:
    """Run ``make`` on an empty store: a new schema on PostgreSQL (dropped after)."""
    config = parse_database_url(url)
    if config.kind != "postgres":
        return make(url)
    schema = f"bench_{uuid4().hex[:10]}"
    try:
        return make(f"{url.split('?')[0]}?schema={schema}")
    finally:
        import psycopg

        with psycopg.connect(config.postgres_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=300)
    parser.add_argument("--url", action="append", default=[], help="store URL (repeatable)")
    args = parser.parse_args()
    print(f"{'store':<10} {'raw saves/s':>12} {'commands/s':>12} {'ratio':>7}  commands")
    for url in _stores(args.url):
        kind = parse_database_url(url).kind
        if kind == "sqlite":
            url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
        commands_rate, count = _fresh(url, lambda u: domain_commands(u, args.deals))  # type: ignore[misc]
        raw_rate = _fresh(url, lambda u, n=count: raw_saves(u, n))
        ratio = raw_rate / commands_rate  # type: ignore[operator]
        print(f"{kind:<10} {raw_rate:>12,.0f} {commands_rate:>12,.0f} {ratio:>7.2f}  {count}")


if __name__ == "__main__":
    main()
