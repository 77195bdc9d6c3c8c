"""Benchmark (not a test): the time and CPU each read of the dashboard costs.

    .venv/bin/python -m benchmarks.dashboard_parts --database-url sqlite:///.../year-1000000.db
        [--at 2029-01-01T00:00:00+00:00] [--period 2026-Q4] [--as sales_manager] [--repeat 5]

The store's views as they stand (no catching up). A person of role ``--as`` reads, as of
``--at`` (default: now), the dashboard for ``--period`` (default: the period ``--at``
falls in). Printed: the median wall-clock and CPU milliseconds of ``--repeat`` runs
each of:
- the dashboard's four reads (pipeline, forecast, KPIs, breaches) and the whole page;
- the pipeline's figures and the board.

SQLite works in this process, so on SQLite its CPU counts the database's work and is
spared other work on the machine; PostgreSQL works in its own process, so there the
wall-clock time is the one to read (on a quiet machine).

The demo's generator stamps events up to two years ahead. A store it made reads "now"
inside its history, where the pipeline's totals and the forecast's deals as they stand
do not answer (ADR 72). ``--at`` after the last event reads as a live store does.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from salesdomain.adapters.bootstrap import build_system
from salesdomain.adapters.web import dashboard_tables as parts
from salesdomain.adapters.web.breaches import conformance_breaches
from salesdomain.adapters.web.dashboard import dashboard
from salesdomain.adapters.web.dashboard_model import Dashboard, chosen, narrowed
from salesdomain.projections.access import reader_of, staff_directory
from salesdomain.projections.pipeline import pipeline_board, pipeline_figures

from salesdomain.access import Role
from salesdomain.clock import now
from salesdomain.people.employee import Employee


def timed_ms(work: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """The median wall-clock and CPU milliseconds of ``repeat`` runs, after one to warm
    up."""
    work()
    wall, cpu = [], []
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        work()
        cpu.append((time.process_time() - used) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--at", type=datetime.fromisoformat, default=None)
    parser.add_argument("--period", default=None, help="a month or quarter")
    parser.add_argument("--as", dest="role", default="sales_manager")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    at: datetime = args.at or now()
    role = Role(args.role)
    system = build_system(args.database_url)
    try:
        kpi, pipeline = system.views.runner("kpi"), system.views.runner("pipeline")
        staff = staff_directory(kpi.engine, kpi.tables())
        person = next(
            (
                m
                for m in staff
                if m.active and role in system.app.load(Employee, UUID(m.employee_id)).roles
            ),
            None,
        )
        if person is None:
            raise SystemExit(f"nobody in the store holds the role {role.value}")
        reader = reader_of(kpi.engine, kpi.tables(), person.employee_id, role)
        choice = chosen(args.period, None, None, at.date())
        scope = narrowed(reader, staff, choice)
        breaches = conformance_breaches(system)
        page = Dashboard(choice, at, "", teams=[], reps=[])
        policy = system.app.policy
        probabilities, quiet = policy.stage_probability, policy.stale_after_days
        reads: dict[str, Callable[[], Any]] = {
            "dashboard: pipeline": lambda: parts.pipeline(system, reader, choice, at, page),
            "dashboard: forecast": lambda: parts.forecast(system, scope, choice, at, page),
            "dashboard: KPIs": lambda: parts.kpis(system, scope, choice, page),
            "dashboard: breaches": lambda: parts.breaches(
                system, scope, choice, at, breaches, page
            ),
            "dashboard: the whole page": lambda: dashboard(system, reader, choice, at, breaches),
            "pipeline figures": lambda: pipeline_figures(
                pipeline.engine, pipeline.tables(), probabilities, at,
                reader=reader, stale_after_days=quiet,
            ),
            "board": lambda: pipeline_board(
                pipeline.engine, pipeline.tables(), probabilities, at,
                reader=reader, stale_after_days=quiet,
            ),
        }  # fmt: skip
        print(f"{role.value}, {choice.code}, as of {at.isoformat()}")
        print(f"{'read':<28} {'wall ms':>9} {'CPU ms':>8}")
        for name, read in reads.items():
            wall, cpu = timed_ms(read, args.repeat)
            print(f"{name:<28} {wall:>9.1f} {cpu:>8.1f}")
    finally:
        system.close()


if __name__ == "__main__":
    main()
