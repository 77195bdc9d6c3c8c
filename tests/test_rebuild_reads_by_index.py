"""A view being rebuilt finds every row it reads or changes by an index (ADR 74).

A generation being built has its keys, its unique indexes and the indexes marked
``read_while_building``; its other lookup indexes are made once it is complete (ADR
12).  A statement of the rebuild that searched a growing table without an index would
scan it on every page: a rebuild quadratic in the history (the conformance view's
deadlines by record spent most of its 85 s at a year of history so).  This test
watches every statement of a rebuild on SQLite and asks SQLite how it would run each
one that has a ``WHERE``."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from salesdomain.adapters.bootstrap import build_system
from salesdomain.adapters.demo import run_demo
from sqlalchemy import event

WHERE = re.compile(r"\bWHERE\b", re.IGNORECASE)
SCAN = re.compile(r"SCAN (\w+)")


def _scans(database: Path, statements: list[str], generation_tables: re.Pattern[str]) -> set[str]:
    """The tables of the generations being built that a statement scans, with the
    statement's first line."""
    found = set()
    with closing(sqlite3.connect(database)) as probe:
        for sql in statements:
            if not WHERE.search(sql) or sql.lstrip().upper().startswith(("CREATE", "PRAGMA")):
                continue
            for *_, detail in probe.execute(f"EXPLAIN QUERY PLAN {sql}"):
                scanned = SCAN.match(detail)
                if scanned and generation_tables.search(scanned[1]) and "USING" not in detail:
                    found.add(f"{scanned[1]}: {sql.splitlines()[0][:120]}")
    return found


def test_every_statement_of_a_rebuild_searches_by_an_index(tmp_path: Path) -> None:
    database = tmp_path / "events.db"
    with closing(build_system(f"sqlite:///{database}")) as system:
        run_demo(system, 7)
        statements: list[str] = []

        @event.listens_for(system.views.engine, "connect")
        def _watch(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.set_trace_callback(statements.append)

        system.views.engine.dispose()  # every connection from here on is watched
        runners = system.views.runners.values()
        building = {runner: runner.start_rebuild()[1] for runner in runners}
        for runner, generation in building.items():
            runner.catch_up(generation=generation)
        new = {f"_g{generation}_" for generation in building.values()}
        assert len(statements) > 1_000
        scans = _scans(database, statements, re.compile("|".join(sorted(new))))
    assert scans == set()
