"""Benchmark (not a test): ``records_page`` for every list (ADR 59, 66) on a large store.

    export SALESDOMAIN_DATABASE_URL=sqlite:////tmp/recs200k.db
    .venv/bin/salesdomain demo --scale 200000 --quiet
    .venv/bin/python -m benchmarks.records_lists --db /tmp/recs200k.db [--repeat 5]

The lists' views are caught up first (not timed; a view whose version went up is rebuilt
then).  For each list, in its default order (newest first; employees by name) and by
name, and filtered by the owner of its newest row where it has owners: the first page
and the 10th (nine cursors followed, the 10th page timed), 50 rows a page, as the
administrator.  Prints the rows the list holds and the fastest milliseconds of
``--repeat`` rounds.

``--without-list-indexes`` first drops, in the store given, the indexes ADR 66 added
(run it on a copy: the figures before them, on the same views).
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from salesdomain.adapters.bootstrap import build_system
from salesdomain.projections.records import LISTS, RecordFilter, Sort, records_page
from sqlalchemy import func, select


def best_ms(call: Callable[[], Any], repeat: int) -> float:
    """The fastest of ``repeat`` calls, in milliseconds (on a busy machine the fastest
    is the query's own cost; the median carries the other work's)."""
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    return min(seconds) * 1000


def _timed(
    engine: Any,
    tables: Any,
    kind: str,
    now: datetime,
    sort: Sort | None,
    filters: RecordFilter | None,
    repeat: int,
) -> str:
    """The first and the 10th page's best milliseconds, as the table prints them."""

    def page(cursor: str | None) -> Any:
        at = None if cursor else now
        return records_page(
            engine, tables, kind, at, sort=sort, filters=filters, limit=50, cursor=cursor
        )

    cursor = None
    for _ in range(9):
        cursor = page(cursor).next_cursor
        if cursor is None:
            break
    first = best_ms(lambda: page(None), repeat)
    tenth = "-" if cursor is None else f"{best_ms(lambda: page(cursor), repeat):.1f}"
    return f"{first:>12.1f} {tenth:>13}"


ADDED = re.compile(
    r"_g[0-9]+_(customers_by_(time|owner_time)|opportunities_by_(name|owner|customer)"
    r"|orders_by_\w+|cases_by_(time|name|order|customer)|appraisals_by_(time|name|employee)"
    r"|contracts_by_\w+|candidates_by_\w+|employees_by_name|roles_by_role)$"
)
"""The names of the indexes ADR 66 added (after the view's generation prefix)."""


def _drop_list_indexes(engine: Any) -> None:
    with engine.begin() as conn:
        names = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'")
        dropped = [name for (name,) in names if ADDED.search(name)]
        for name in dropped:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
    print(f"dropped {len(dropped)} indexes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a store `demo --scale` made")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--without-list-indexes", action="store_true")
    args = parser.parse_args()
    system = build_system(f"sqlite:///{args.db}")
    views = sorted({listed.view for listed in LISTS.values()})
    started = time.perf_counter()
    system.views.catch_up(only=views)
    print(f"views {', '.join(views)} caught up in {time.perf_counter() - started:.1f} s")
    if args.without_list_indexes:
        _drop_list_indexes(system.views.engine)
    now = datetime.now(UTC)
    print(f"{'list':<14} {'order':<12} {'rows':>8} {'1st page ms':>12} {'10th page ms':>13}")
    for kind, listed in LISTS.items():
        runner = system.views.runner(listed.view)
        engine, tables = runner.engine, runner.tables()
        with engine.connect() as conn:
            count = conn.execute(select(func.count()).select_from(tables[listed.table])).scalar()
        first = records_page(engine, tables, kind, now, limit=1)
        owner = first.rows[0].owner_id if first.rows and listed.owner_id else None
        orders: list[tuple[str, Sort | None, RecordFilter | None]] = [
            ("default", None, None),
            ("name", Sort.NAME, None),
        ]
        if owner is not None:
            orders.append(("owner", None, RecordFilter(owner_id=owner)))
        for label, sort, filters in orders:
            timings = _timed(engine, tables, kind, now, sort, filters, args.repeat)
            print(f"{kind:<14} {label:<12} {count:>8,} {timings}")


if __name__ == "__main__":
    main()
