"""Benchmark (not a test): the results by two dimensions, growth year on year and market
share (SOP 4.2.1, ADR 50) on a large store, against the KPI table by one dimension.

    salesdomain demo --scale 100000 --quiet --database-url sqlite:////tmp/a100k.db
    .venv/bin/python -m benchmarks.analyses --database-url sqlite:////tmp/a100k.db
        [--repeat 5] [--grain month]

The KPI view is brought up to the log's head first (its time printed apart: a store
built by an older release rebuilds it).  Then each query over every period of
``--grain`` from the first fact's day to the last, ``--repeat`` times in this process:
printed the median and the slowest (ms), the rows answered, and at the end the peak
resident memory of the process.  Every KPI table now reads the year before its span as
well (growth against the same period of the previous year): the one-dimension rows are
the baseline the pairs are compared with.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from collections.abc import Callable, Sized
from typing import Any

from salesdomain.adapters.bootstrap import build_system
from salesdomain.projections.kpi import kpi_in_reporting_currency, kpi_table, market_share
from sqlalchemy import func, select


def _timed(work: Callable[[], Sized], repeat: int) -> tuple[float, float, int]:
    timings, rows = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        rows = len(work())
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), max(timings), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--grain", default="month", choices=("day", "month", "quarter", "year"))
    args = parser.parse_args()
    system = build_system(args.database_url)
    started = time.perf_counter()
    system.views.catch_up(only=("kpi",))
    print(f"KPI view caught up in {time.perf_counter() - started:,.1f} s")
    runner = system.views.runner("kpi")
    engine, tables = runner.engine, runner.tables()
    facts = tables["facts"]
    with engine.connect() as conn:
        first, last, count = conn.execute(
            select(func.min(facts.c.day), func.max(facts.c.day), func.count())
        ).one()
    print(f"{count:,} facts from {first} to {last}, by {args.grain}")
    span: dict[str, Any] = {"grain": args.grain, "since": first, "until": last}
    currency = system.app.policy.currencies.reporting_currency
    table: dict[str, Any] = {**span, "several": currency}
    queries: list[tuple[str, Callable[[], Sized]]] = [
        (f"kpi by {by}", lambda by=by: kpi_table(engine, tables, by=by, **table))
        for by in ("total", "rep", "product", "customer")
    ]
    queries += [
        (
            f"kpi by {by} and {then_by}",
            lambda by=by, then_by=then_by: kpi_table(
                engine, tables, by=by, then_by=then_by, **table
            ),
        )
        for by, then_by in (
            ("rep", "product"),
            ("team", "product"),
            ("region", "customer"),
            ("industry", "specification"),
        )
    ]
    currencies = system.app.policy.currencies
    queries.append(
        (
            "reporting currency by rep and product",
            lambda: kpi_in_reporting_currency(
                engine, tables, by="rep", then_by="product", currencies=currencies, **span
            ),
        )
    )
    queries += [
        (
            f"market share by {by}",
            lambda by=by: market_share(engine, tables, by=by, since=first, until=last),
        )
        for by in ("region", "industry", "product")
    ]
    print(f"{'query':<42} {'median ms':>10} {'max ms':>10} {'rows':>7}")
    for label, work in queries:
        median, slowest, rows = _timed(work, args.repeat)
        print(f"{label:<42} {median:>10,.0f} {slowest:>10,.0f} {rows:>7,}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak_mb:,.0f} MB")
    system.close()


if __name__ == "__main__":
    main()
