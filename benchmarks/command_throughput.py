"""Benchmark (not a test): handled commands per second against a raw eventsourcing save.

    .venv/bin/python -m benchmarks.command_throughput [--deals 300] [--url postgresql://...]

For each store it runs, in one process, each side on a fresh store of that kind:
1. raw: plain eventsourcing (its own recorder) saving bare aggregates, one event each
   (the floor);
2. domain: a realistic mix of SOP commands through ``SalesApplication.handle``, as
   ``bootstrap`` builds it for production (every actor checked against the staff):
   per deal register, assess, qualify, open, log a call and a visit, discover and
   prioritise needs, design, confirm feasibility, present, acknowledge, quote,
   negotiate, then accept or mark lost (14 commands).
The two sides run in alternating batches of ``--batch`` (as many raw saves as
commands), so that both meet the same load on a shared machine (ADR 11).  It prints
both rates and the ratio (time per command / time per raw save; ADR 26 gives the
latest figures).  ``batch ratios`` gives the lowest, median and highest of the batches;
``cpu ratio`` compares this process's CPU time only (it leaves out waiting for the disk
and the database server, which a loaded machine makes erratic).  The first
``--warmup`` batches of each side run but are not counted: both start cold (imports'
first calls, empty caches, a new file), and the raw side warms up faster, which would
flatter the ratio of a short run (ADR 21).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import uuid4

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from salesdomain.adapters.bootstrap import bootstrap
from salesdomain.adapters.store import ensure_schema, parse_database_url

from benchmarks import master_key_for_fresh_schemas
from salesdomain import clock
from salesdomain.opportunities import commands as oc
from tests import builders as b
from tests import people_builders as pb


class Bare(Aggregate):
    class Created(Aggregate.Created):
        name: str


class RawSaves:
    """eventsourcing as it comes: its own recorder for the store, one event per save."""

    def __init__(self, url: str) -> None:
        config = parse_database_url(url)
        ensure_schema(config)
        env = {k: v for k, v in config.env.items() if k != "APPLICATION_RECORDER_TOPIC"}
        self.app: Application = Application(env=env)
        self.saved = 0

    def run(self, count: int) -> tuple[float, float]:
        started, cpu = time.perf_counter(), time.process_time()
        for i in range(self.saved, self.saved + count):
            self.app.save(Bare._create(Bare.Created, id=uuid4(), name=f"bare {i}"))
        self.saved += count
        return time.perf_counter() - started, time.process_time() - cpu


class DomainCommands:
    def __init__(self, url: str) -> None:
        self.app = bootstrap(url)  # as in production: every actor is checked
        for command, actor in pb.register_of(b.ALICE, b.PAT):
            self.app.handle(command, actor)

    def run(self, steps: list[tuple[object, object]]) -> tuple[float, float]:
        started, cpu = time.perf_counter(), time.process_time()
        for command, actor in steps:
            self.app.handle(command, actor)  # type: ignore[arg-type]
        return time.perf_counter() - started, time.process_time() - cpu


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


@contextmanager
def fresh_store(url: str) -> Iterator[str]:
    """An empty store like ``url``: a new SQLite file, or a new PostgreSQL schema
    (removed after)."""
    config = parse_database_url(url)
    if config.kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="salesdomain-bench-") as directory:
            yield f"sqlite:///{directory}/bench.db"
        return
    if config.kind != "postgres":
        yield url
        return
    schema = f"bench_{uuid4().hex[:10]}"
    try:
        yield f"{url.split('?')[0]}?schema={schema}"
    finally:
        import psycopg

        with psycopg.connect(config.postgres_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@dataclass
class Measured:
    count: int = 0
    raw_time: float = 0.0  # wall-clock seconds
    domain_time: float = 0.0
    raw_cpu: float = 0.0  # this process's CPU seconds (not the database server's)
    domain_cpu: float = 0.0
    ratios: list[float] = field(default_factory=list)  # per batch, wall-clock

    @property
    def ratio(self) -> float:
        return self.domain_time / self.raw_time


def measure(url: str, deals: int, batch: int, warmup: int = 0) -> Measured:
    """Both sides interleaved, batch by batch, each on a fresh store like ``url``; the
    first ``warmup`` batches are not counted."""
    work = [step for i in range(deals) for step in deal_commands(i)]
    result = Measured()
    with fresh_store(url) as domain_url, fresh_store(url) as raw_url:
        domain, raw = DomainCommands(domain_url), RawSaves(raw_url)
        simulated = clock.SimulatedClock(datetime(2026, 3, 2, 9, tzinfo=UTC))
        try:
            with clock.simulated(simulated):
                for number, start in enumerate(range(0, len(work), batch)):
                    steps = work[start : start + batch]
                    spent, cpu = domain.run(steps)
                    raw_spent, raw_cpu = raw.run(len(steps))
                    if number < warmup:
                        continue
                    result.count += len(steps)
                    result.domain_time += spent
                    result.domain_cpu += cpu
                    result.raw_time += raw_spent
                    result.raw_cpu += raw_cpu
                    result.ratios.append(spent / raw_spent)
        finally:
            domain.app.close()
            raw.app.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=300)
    parser.add_argument("--batch", type=int, default=70, help="commands per batch")
    parser.add_argument("--warmup", type=int, default=5, help="batches run first and not counted")
    parser.add_argument("--url", action="append", default=[], help="store URL (repeatable)")
    args = parser.parse_args()
    urls = args.url or ["sqlite:///bench.db"]
    master_key_for_fresh_schemas()
    print(f"{args.deals} deals, batches of {args.batch}, the first {args.warmup} not counted")
    print(
        f"{'store':<10} {'raw saves/s':>12} {'commands/s':>12} {'ratio':>7}  "
        f"{'batch ratios min/median/max':<28} {'cpu ratio':>9}  commands"
    )
    for url in urls:
        kind = parse_database_url(url).kind
        m = measure(url, args.deals, args.batch, args.warmup)
        low, middle, high = min(m.ratios), statistics.median(m.ratios), max(m.ratios)
        spread = f"{low:.2f} / {middle:.2f} / {high:.2f}"
        print(
            f"{kind:<10} {m.count / m.raw_time:>12,.0f} {m.count / m.domain_time:>12,.0f} "
            f"{m.ratio:>7.2f}  {spread:<28} {m.domain_cpu / m.raw_cpu:>9.2f}  {m.count}"
        )


if __name__ == "__main__":
    main()
