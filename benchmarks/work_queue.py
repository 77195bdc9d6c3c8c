"""Benchmark (not a test): the work queue (``due_for``, ADR 53) on a large store.

    .venv/bin/salesdomain demo --scale 100000 --quiet --database-url sqlite:////tmp/w100k.db
    .venv/bin/python -m benchmarks.work_queue --db /tmp/w100k.db [--repeat 5]

On the store the demo generated (views caught up, as ``views follow`` keeps them), in
this process: the conformance and pipeline views are caught up first (not timed), then
each active employee's queue as at the newest event ("now": the views as they stand),
each manager's with their team's, and a representative's as of a past moment (the
conformance view built aside from its newest checkpoint, ADR 40).  Prints the time per
call (median and slowest of ``--repeat`` rounds), the items found, the open deadlines
the view holds and the peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID

from salesdomain.adapters.bootstrap import build_system
from salesdomain.projections.conformance.codec import loads
from salesdomain.projections.conformance.view import NAME, reading
from salesdomain.projections.workqueue import DueItem, due_for
from sqlalchemy import func, select

from salesdomain.sop import Role


def timed(call: Callable[[], list[DueItem]], repeat: int) -> tuple[float, float, list[DueItem]]:
    """Median and slowest seconds of ``repeat`` calls, and the last answer."""
    seconds: list[float] = []
    found: list[DueItem] = []
    for _ in range(repeat):
        started = time.perf_counter()
        found = call()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), max(seconds), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a store `demo --scale` made")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    system = build_system(f"sqlite:///{args.db}")
    started = time.perf_counter()
    system.views.catch_up(only=(NAME, "pipeline"))
    print(f"views caught up in {time.perf_counter() - started:.1f} s")
    runner = system.views.runner(NAME)
    tables = runner.tables()
    with runner.engine.connect() as conn:
        staff = reading.staff_register(conn, tables)
        meta = {n: loads(v) for n, v in conn.execute(select(tables["meta"]))}
        deadlines = tables["deadlines"]
        open_count = conn.execute(
            select(func.count()).where(deadlines.c.status == "open")
        ).scalar_one()
    now = meta["newest"]
    print(f"log position {meta['position']:,}, {meta['events']:,} events folded, newest {now}")
    print(f"open deadlines in the conformance view: {open_count:,}; staff {len(staff)}")
    policy = system.app.policy
    events_of = system.app.events.get

    def queue(employee: UUID, at: datetime, team: bool = False) -> Callable[[], list[DueItem]]:
        return lambda: due_for(
            system.views, policy, employee, at, team=team, events_of=events_of, as_recorded=True
        )

    print(f"{'whose queue':<44} {'items':>6} {'median ms':>10} {'max ms':>8}")
    for member in sorted(staff.values(), key=lambda m: m.name):
        if not member.active:
            continue
        team = bool({Role.SALES_MANAGER, Role.SALES_DIRECTOR} & member.roles)
        median, worst, found = timed(queue(member.employee_id, now, team), args.repeat)
        label = f"{member.name} ({', '.join(sorted(r.value for r in member.roles))})"
        label += " + team" if team else ""
        print(f"{label:<44} {len(found):>6} {median * 1000:>10.1f} {worst * 1000:>8.1f}")
    rep = next(m for m in staff.values() if Role.SALES_REPRESENTATIVE in m.roles and m.active)
    past = now - timedelta(days=90)
    median, worst, found = timed(queue(rep.employee_id, past), max(1, args.repeat // 2))
    print(
        f"{rep.name} as of {past:%Y-%m-%d} (view built aside): {len(found)} items, "
        f"median {median:.1f} s, max {worst:.1f} s"
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak_mb:,.0f} MB")
    system.close()


if __name__ == "__main__":
    main()
