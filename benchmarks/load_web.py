"""Load test of the web API (not part of the suite): N clients send SOP commands for a
bounded time to one uvicorn server on PostgreSQL, then every accepted command is looked
up in the event log and the views.

    .venv/bin/python -m benchmarks.load_web [--clients 8] [--seconds 30] [--hot 0]
        [--url postgresql://postgres@127.0.0.1:5432/test]

A fresh schema is created (and dropped after); staff are enrolled and tokens issued
directly, then a server process is started with ``uvicorn --factory`` on a free
loopback port.  Each client (an asyncio task with httpx) runs deals one after another:
register, assess, qualify, open, log a visit, discover and prioritise needs, design,
confirm feasibility (production), present, acknowledge, quote, negotiate, then accept
or mark lost (15 commands).  With ``--hot K`` every client also logs a visit on one of K
shared opportunities after each step, so writers collide on the same records.

Reported: commands/s, latency percentiles, refusals by status; then the check that each
accepted command's events are in the log at the positions the API answered, carrying
its command id, with nothing else recorded, and that the views (audit trail, pipeline)
show them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import psycopg
from salesdomain.adapters.bootstrap import build_system
from salesdomain.adapters.store import parse_database_url
from salesdomain.adapters.web.tokens import TokenStore, employee_actor
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.pipeline import pipeline_as_of

from benchmarks import free_port, master_key_for_fresh_schemas, started
from salesdomain.opportunities import commands as oc
from salesdomain.values import Actor
from tests import builders as b
from tests import people_builders as pb

STAFF = [pb.HANNA, b.ALICE, b.PAT]


def deal(i: int, today: date) -> list[tuple[Any, Actor]]:
    """One deal's 15 commands, dated from ``today`` (the server runs on the real clock)."""
    reg = b.register(name=f"Load Company {i} {uuid4().hex[:6]}", reg=f"LOAD{uuid4().hex[:12]}")
    cid, opp = b.customer_id(reg), uuid4()
    opened = b.open_opportunity(cid, opp).model_copy(
        update={"expected_close": today + timedelta(days=90)}
    )
    quote = b.quote(
        opp, delivery_date=today + timedelta(days=60), valid_until=today + timedelta(days=30)
    )
    last = (
        oc.AcceptQuote(opportunity_id=opp, quote_version=1, accepted_by="Li Na")
        if i % 3
        else oc.MarkOpportunityLost(opportunity_id=opp, reason="Lost on price")
    )
    steps = [*b.qualified_customer(reg), *b.through_acknowledged(opp, cid)]
    steps[3] = (opened, b.ALICE)
    steps[4] = (b.log_visit(opp, on=today), b.ALICE)
    return [*steps, (quote, b.ALICE), (b.negotiate(opp), b.ALICE), (last, b.ALICE)]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    accepted: list[dict[str, Any]] = field(default_factory=list)
    refusals: Counter[str] = field(default_factory=Counter)
    opened: list[UUID] = field(default_factory=list)


async def send(http: httpx.AsyncClient, command: Any, token: str, tally: Tally) -> bool:
    started = time.perf_counter()
    response = await http.post(
        f"/commands/{type(command).__name__}",
        json=command.model_dump(mode="json"),
        headers={"Authorization": f"Bearer {token}"},
    )
    tally.latencies.append(time.perf_counter() - started)
    tally.statuses[response.status_code] += 1
    if response.status_code != 200:
        tally.refusals[f"{response.status_code} {response.json()['error']}"] += 1
        return False
    tally.accepted.append(response.json())
    return True


async def client(
    n: int, base: str, tokens: dict[Actor, str], deadline: float, tally: Tally, hot: list[UUID]
) -> None:
    """Deals one after another; with ``hot`` records, a visit logged on one of them
    after every step (all clients write to the same few records: conflicts)."""
    today, pick = datetime.now(UTC).date(), random.Random(n)
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        i = 0
        while time.monotonic() < deadline:
            for command, actor in deal(n * 1_000_000 + i, today):
                if time.monotonic() >= deadline:
                    return
                if not await send(http, command, tokens[actor], tally):
                    break  # the rest of this deal would be refused too
                if type(command).__name__ == "OpenOpportunity":
                    tally.opened.append(command.opportunity_id)
                if hot:
                    visit = b.log_visit(pick.choice(hot), on=today)
                    await send(http, visit, tokens[b.ALICE], tally)
            i += 1


def _serve(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SALESDOMAIN_DATABASE_URL": url}
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "--factory"),
            "salesdomain.adapters.web.app:app_from_environment",
            *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
        ],
        env=env,
    )
    return started(server, port, 60)


def _percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def run(url: str, clients: int, seconds: float, hot_count: int) -> None:
    system = build_system(url)
    for command, actor in pb.register_of(*STAFF):
        system.app.handle(command, actor)
    hot = []
    for i in range(hot_count):
        steps = deal(-1 - i, datetime.now(UTC).date())[:4]  # up to the opened opportunity
        for command, actor in steps:
            system.app.handle(command, actor)
        hot.append(steps[-1][0].opportunity_id)
    store = TokenStore(system.store)
    tokens = {
        p: store.issue(employee_actor(system.app, p.employee_id, p.role)).secret for p in STAFF
    }
    setup_head = ApplicationLog(system.app).head()
    port = free_port()
    server = _serve(url, port)
    tally = Tally(opened=list(hot))
    try:
        deadline = time.monotonic() + seconds
        started = time.perf_counter()
        base = f"http://127.0.0.1:{port}"

        async def everyone() -> None:
            await asyncio.gather(
                *(client(n, base, tokens, deadline, tally, hot) for n in range(clients))
            )

        asyncio.run(everyone())
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    _report(tally, clients, elapsed)
    _verify(system, tally, setup_head)
    system.close()


def _report(tally: Tally, clients: int, elapsed: float) -> None:
    sent = len(tally.latencies)
    print(f"clients {clients}, {elapsed:.1f} s, {sent} requests, {len(tally.accepted)} accepted")
    print(f"throughput: {len(tally.accepted) / elapsed:.1f} accepted commands/s")
    lat = tally.latencies
    print(
        f"latency ms: p50 {_percentile(lat, 50):.1f}  p95 {_percentile(lat, 95):.1f}  "
        f"p99 {_percentile(lat, 99):.1f}  max {max(lat) * 1000:.1f}"
    )
    print(f"statuses: {dict(sorted(tally.statuses.items()))}")
    if tally.refusals:
        print(f"refusals: {dict(tally.refusals)}")


def _verify(system: Any, tally: Tally, setup_head: int) -> None:
    log = ApplicationLog(system.app)
    head = log.head()
    events = {}
    for position, event in log.read(setup_head, head - setup_head + 1):
        if event is not None:
            events[position] = event
    answered = 0
    for answer in tally.accepted:
        for recorded in answer["events"]:
            event = events[recorded["position"]]
            assert str(event.originator_id) == recorded["aggregate_id"], recorded
            assert event.originator_version == recorded["version"], recorded
            # its own command's id, or (a named policy's follow-up) the cause it names
            assert str(event.command_id) == answer["command_id"] or event.causation_id, recorded
            answered += 1
    assert answered == len(events), f"{len(events) - answered} events nobody was told of"
    started = time.perf_counter()
    system.views.catch_up()
    catch_up = time.perf_counter() - started
    audit = system.views.runner("audit")
    with audit.engine.connect() as conn:
        table = audit.tables()["entries"]
        in_audit = {row.position for row in conn.execute(table.select())}
    assert set(events) <= in_audit, "accepted events missing from the audit trail"
    pipeline = system.views.runner("pipeline")
    rows = pipeline_as_of(
        pipeline.engine,
        pipeline.tables(),
        system.app.policy.stage_probability,
        datetime.now(UTC),
    )
    assert {UUID(r.opportunity_id) for r in rows} == set(tally.opened)
    print(
        f"verified: {len(tally.accepted)} accepted commands, {answered} events at the answered "
        f"positions with their command ids, none unaccounted for; views caught up in "
        f"{catch_up:.1f} s and show every event (audit) and all {len(tally.opened)} "
        "opportunities (pipeline)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument(
        "--hot", type=int, default=0, help="shared opportunities every client also writes to"
    )
    args = parser.parse_args()
    config = parse_database_url(args.url)
    if config.kind != "postgres":
        raise SystemExit("the load test runs on PostgreSQL: --url postgresql://...")
    schema = f"load_{uuid4().hex[:10]}"
    master_key_for_fresh_schemas()  # before the server process starts: it inherits it
    try:
        run(f"{args.url.split('?')[0]}?schema={schema}", args.clients, args.seconds, args.hot)
    finally:
        with psycopg.connect(config.postgres_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


if __name__ == "__main__":
    main()
