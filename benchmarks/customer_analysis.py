"""Benchmark (not a test): the customer and loss analyses (SOP 4.2.1, ADR 51) on a
large store.

    salesdomain demo --scale 100000 --quiet --database-url sqlite:////tmp/c100k.db
    .venv/bin/python -m benchmarks.customer_analysis --db /tmp/c100k.db [--repeat 5]

Brings the customers and prices views up to the log's head (a store made by an older
release rebuilds its outdated views first, timed apart), then times each read over the
whole span of the store's orders (and over its last quarter): ``customer_analysis``,
``customer_ranking`` by revenue and by profit, ``loss_analysis`` and
``pricing_by_competitor``; the median of ``--repeat`` runs after one warm-up, the rows
the views hold, and the process's peak memory.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from salesdomain.adapters.bootstrap import build_system
from salesdomain.projections.customers import customer_analysis, customer_ranking, loss_analysis
from salesdomain.projections.prices.summary import pricing_by_competitor
from sqlalchemy import func, select

from benchmarks import median_ms


def _reads(
    engine: Any, tables: Any, prices: Any, policy: Any, currency: str, since: date, until: date
) -> dict[str, Callable[[], Any]]:
    span: dict[str, date] = {"since": since, "until": until}
    return {
        "customer_analysis": lambda: customer_analysis(
            engine, tables, **span, policy=policy.customers
        ),
        "customer_ranking by revenue": lambda: customer_ranking(
            engine, tables, **span, currency=currency, policy=policy.customers
        ),
        "customer_ranking by profit": lambda: customer_ranking(
            engine, tables, **span, currency=currency, by="profit", policy=policy.customers
        ),
        "loss_analysis": lambda: loss_analysis(engine, tables, **span),
        "pricing_by_competitor": lambda: pricing_by_competitor(
            prices.engine, prices.tables(), **span
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a SQLite file made by demo --scale")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    system = build_system(f"sqlite:///{args.db}")
    try:
        started = time.perf_counter()
        upgraded = system.views.upgrade()
        print(
            f"views upgraded: {sorted(upgraded) or 'none'} in {time.perf_counter() - started:.1f} s"
        )
        system.views.catch_up(only=["customers", "prices"])
        customers, prices = system.views.runner("customers"), system.views.runner("prices")
        engine, tables = customers.engine, customers.tables()
        with engine.connect() as conn:
            head = system.views.log.head()
            sizes = {
                name: conn.execute(select(func.count()).select_from(tables[name])).scalar_one()
                for name in ("customers", "orders", "survey_answers", "losses", "contacts")
            }
            first, last = conn.execute(
                select(
                    func.min(tables["orders"].c.delivered_on),
                    func.max(tables["orders"].c.delivered_on),
                )
            ).one()
        print(f"log head {head:,}; rows: " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()))
        policy = system.app.policy
        currency = policy.currencies.reporting_currency
        for label, since, until in (
            (f"all orders {first}..{last}", first, last),
            (f"last quarter {last - timedelta(days=91)}..{last}", last - timedelta(days=91), last),
        ):
            reads = _reads(engine, tables, prices, policy, currency, since, until)
            print(label)
            for name, read in reads.items():
                print(f"  {name:30} {median_ms(read, args.repeat):9.1f} ms")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory {peak:.0f} MB")
    finally:
        system.close()


if __name__ == "__main__":
    main()
