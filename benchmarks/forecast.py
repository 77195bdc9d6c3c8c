"""Benchmark (not a test): the forecast and forecast accuracy reads on a large store.

    .venv/bin/salesdomain demo --scale 100000 --quiet --database-url sqlite:////tmp/f100k.db
    .venv/bin/python -m benchmarks.forecast --database-url sqlite:////tmp/f100k.db

Brings the forecast view up to the log's head (the demo has built it already; timed),
then, for every quarter with deals, times ``forecast_table`` at the quarter's start and
at the log's end, and ``forecast_accuracy`` (the quarter replayed from its start and each
week's start) per representative and per team, each as the command line reads it (one
call, views in the same database); prints the rows of the view, the figures and the
peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import time
from datetime import UTC

from salesdomain.adapters.bootstrap import build_system
from salesdomain.projections.forecast import forecast_accuracy, forecast_table
from salesdomain.projections.forecast.moments import start_of
from salesdomain.projections.kpi.periods import periods_between
from sqlalchemy import func, select


def measure(url: str) -> None:
    system = build_system(url)
    started = time.perf_counter()
    system.views.catch_up(only=["forecast"])
    print(f"view caught up        : {time.perf_counter() - started:.1f} s")
    runner = system.views.runner("forecast")
    engine, tables = runner.engine, runner.tables()
    deals, changes = tables["deals"], tables["changes"]
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(deals)).scalar_one()
        rows = conn.execute(select(func.count()).select_from(changes)).scalar_one()
        first, last = conn.execute(select(func.min(changes.c.at), func.max(changes.c.at))).one()
    print(f"deals {count:,}, change rows {rows:,}, {first:%Y-%m-%d} to {last:%Y-%m-%d}")
    end = last.astimezone(UTC)
    currencies = system.app.policy.currencies
    for quarter in periods_between(first.date(), last.date(), "quarter"):
        at_start = start_of(quarter.start)
        for by in ("rep", "team"):
            started = time.perf_counter()
            table = forecast_table(engine, tables, quarter.label, at_start, by=by)
            table_s = time.perf_counter() - started
            started = time.perf_counter()
            forecast_table(engine, tables, quarter.label, end, by=by, currencies=currencies)
            now_s = time.perf_counter() - started
            started = time.perf_counter()
            found = forecast_accuracy(engine, tables, quarter.label, end, by=by)
            accuracy_s = time.perf_counter() - started
            commit = sum(line.commit for line in table.lines)
            won = sum(line.won_amount for line in found.lines)
            weeks = len(found.lines[0].weeks) if found.lines else 0
            print(
                f"{quarter.label} by {by:4}: forecast at start {table_s * 1000:6.0f} ms "
                f"(commit {commit:,.0f}), at end in {currencies.reporting_currency} "
                f"{now_s * 1000:6.0f} ms; accuracy with {weeks} weeks "
                f"{accuracy_s * 1000:6.0f} ms (won {won:,.0f}, "
                f"{len(found.slipped_deals)} slipped)"
            )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory           : {peak_mb:,.0f} MB")
    system.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/f100k.db")
    measure(parser.parse_args().database_url)


if __name__ == "__main__":
    main()
