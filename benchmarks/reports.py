"""Benchmark (not a test): the sales reports (ADR 56).

    .venv/bin/python -m benchmarks.reports [--scale N] [--store URL] [--repeat 3]

On the demo's quarter (``--scale N``: then about N more simulated events) in a fresh
SQLite file, or on an existing store (``--store URL``, a copy: its views are brought up
to date first), the median time and the peak memory (``tracemalloc``, Python objects
only) of: the quarterly report's model as the views stand (``sales_report``), as they
stood at mid-quarter (rebuilt aside from a checkpoint, ADR 40), as a sales manager may
see it, and its HTML and PDF (``render``).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from salesdomain.adapters.bootstrap import build_system
from salesdomain.adapters.demo import run_demo
from salesdomain.adapters.reports.render import render
from salesdomain.projections.access import reader_of
from salesdomain.projections.reports import sales_report

from salesdomain.sop import Role

MID_QUARTER = datetime(2026, 2, 15, tzinfo=UTC)


def measured(work: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """The median seconds of ``repeat`` runs and the peak MiB traced over one."""
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=None)
    parser.add_argument("--store", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.store or f"sqlite:///{folder}/reports.db"
        system = build_system(url)
        try:
            if args.store is None:
                run_demo(system, 7, scale=args.scale)
            system.views.catch_up()
            app, views = system.app, system.views
            head = app.recorder.max_notification_id() or 0
            kpi = views.runner("kpi")
            manager_id = next(
                row.employee_id
                for row in kpi.engine.connect().execute(kpi.tables()["employees"].select())
                if row.name == "Mia Chen"
            )
            manager = reader_of(kpi.engine, kpi.tables(), manager_id, Role.SALES_MANAGER)
            report = sales_report(app, views, "quarterly", "2026-Q1")
            cases: dict[str, Callable[[], Any]] = {
                "model, as the views stand": lambda: sales_report(
                    app, views, "quarterly", "2026-Q1"
                ),
                "model, as of mid-quarter": lambda: sales_report(
                    app, views, "quarterly", "2026-Q1", as_of=MID_QUARTER
                ),
                "model, as a sales manager sees it": lambda: sales_report(
                    app, views, "quarterly", "2026-Q1", reader=manager
                ),
                "HTML with charts": lambda: render(report, "html"),
                "PDF": lambda: render(report, "pdf"),
            }
            print(f"{head:,} log positions ({url.split('?')[0]})")
            print(f"{'':36} {'median s':>9} {'peak MiB':>9}")
            for name, work in cases.items():
                seconds, peak = measured(work, args.repeat)
                print(f"{name:36} {seconds:9.2f} {peak:9.1f}")
        finally:
            system.close()


if __name__ == "__main__":
    main()
