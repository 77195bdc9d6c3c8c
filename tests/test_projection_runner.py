"""The projection machinery: batches, positions, crashes, races, errors, rebuilds."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any
from uuid import uuid4

import pytest
import salesdomain.projections.statements as statements_module
from freezegun import freeze_time
from salesdomain.projections.audit import AuditTrail
from salesdomain.projections.changes import Insert, RowChange
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.pipeline import Pipeline
from salesdomain.projections.projection import Projection, event_name
from salesdomain.projections.runner import ProjectionRunner, ProjectionStopped
from salesdomain.projections.statements import Statements
from sqlalchemy import Column, MetaData, String, Table, func, select

from tests import builders as b
from tests.projection_helpers import by_position
from tests.threads import at_once

FROZEN = "2026-03-02 09:00:00+00:00"


def _deals(app, count: int = 2) -> None:
    with freeze_time(FROZEN):
        for i in range(count):
            reg = b.register(name=f"Runner Test Company {i}", reg=f"RUNNER{i:06d}")
            for command, actor in b.won_deal(uuid4(), reg):
                app.handle(command, actor)


def _rows(engine, table: Table) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key))]


def _snapshot(runner: ProjectionRunner) -> dict[str, list[tuple[Any, ...]]]:
    return {name: _rows(runner.engine, t) for name, t in runner.tables().items()}


def test_catch_up_processes_the_whole_log_and_reports_no_lag(app, views):
    _deals(app)
    runner = ProjectionRunner(AuditTrail(), views, ApplicationLog(app))
    assert runner.catch_up(batch_size=7) == ApplicationLog(app).head()
    status = runner.status()
    assert status.lag == 0
    assert status.error is None
    audit_rows = _rows(views, runner.tables()["entries"])
    assert len(audit_rows) == sum(1 for _, e in ApplicationLog(app).read(0, 10_000) if e)


def test_a_crash_mid_batch_stores_nothing_of_it_and_a_restart_equals_a_rebuild(
    app, views, monkeypatch
):
    _deals(app)
    runner = ProjectionRunner(Pipeline(), views, ApplicationLog(app))
    runner.catch_up(until=20, batch_size=10)
    calls = {"n": 0}
    real_execute = statements_module.execute

    def crash_after_two(cursor, sql, rows):
        calls["n"] += 1
        if calls["n"] > 2:
            raise KeyboardInterrupt("runner killed mid-batch")
        real_execute(cursor, sql, rows)

    monkeypatch.setattr(statements_module, "execute", crash_after_two)
    with pytest.raises(KeyboardInterrupt):
        runner.run_batch(batch_size=50)
    assert calls["n"] == 3, "the crash came after some of the batch's rows were written"
    assert runner.position() == 20, "a half-applied batch must not move the position"
    monkeypatch.setattr(statements_module, "execute", real_execute)
    restarted = ProjectionRunner(Pipeline(), views, ApplicationLog(app))
    restarted.catch_up()
    incremental = _snapshot(restarted)
    restarted.rebuild()
    assert _snapshot(restarted) == incremental


def test_a_batch_is_written_out_before_the_write_lock_is_taken(store_url, app, views, monkeypatch):
    """ADR 77: a batch's SQL and parameters are worked out before its transaction, so
    SQLite's one write lock (shared with the events of commands being saved) is held
    only while the database works."""
    if not store_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock, one per database file")
    _deals(app)
    runner = ProjectionRunner(AuditTrail(), views, ApplicationLog(app))
    lock_free: list[bool] = []
    prepare = Statements.prepare

    def watched(self: Statements, tables: Any, changes: Any) -> Any:
        other = sqlite3.connect(views.url.database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # takes the write lock, or fails at once
            other.execute("ROLLBACK")
            lock_free.append(True)
        except sqlite3.OperationalError:
            lock_free.append(False)
        finally:
            other.close()
        return prepare(self, tables, changes)

    monkeypatch.setattr(Statements, "prepare", watched)
    runner.catch_up(batch_size=10)
    assert len(lock_free) > 3
    assert all(lock_free), "a batch was prepared while its transaction held the write lock"


def test_several_runners_never_apply_an_event_twice(store_url, app, views):
    if store_url.startswith("memory"):
        pytest.skip("runners in several threads share one in-memory database connection")
    _deals(app, 3)

    def run() -> None:
        ProjectionRunner(AuditTrail(), views, ApplicationLog(app)).catch_up(batch_size=3)

    ProjectionRunner(AuditTrail(), views, ApplicationLog(app))  # create the tables once
    assert at_once(run, [()] * 4) == []
    runner = ProjectionRunner(AuditTrail(), views, ApplicationLog(app))
    positions = [row[0] for row in _rows(views, runner.tables()["entries"])]
    assert len(positions) == len(set(positions))
    assert runner.status().lag == 0
    domain_events = sum(1 for _, e in ApplicationLog(app).read(0, 10_000) if e)
    assert len(positions) == domain_events


class FailsOnQuotes(Projection):
    name = "fails_on_quotes"

    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        return by_position(metadata, prefix, "seen", Column("event", String(80)))

    def changes(self, event: Any, position: int) -> list[RowChange]:
        if event_name(event) == "Opportunity.QuoteIssued":
            raise ValueError("cannot read quotes")
        return [Insert("seen", {"position": position, "event": event_name(event)})]


def test_an_error_stops_that_projection_at_that_event_with_a_report(app, views):
    _deals(app, 1)
    failing = ProjectionRunner(FailsOnQuotes(), views, ApplicationLog(app))
    with pytest.raises(ProjectionStopped) as stopped:
        failing.catch_up(batch_size=100)
    status = failing.status()
    assert status.error_event == "Opportunity.QuoteIssued"
    assert "cannot read quotes" in (status.error or "")
    assert status.position == stopped.value.position - 1
    assert "fails_on_quotes" in str(stopped.value)
    # the events before it were applied; the other projections are not affected
    seen = [row[0] for row in _rows(views, failing.tables()["seen"])]
    assert seen
    assert max(seen) <= status.position < status.error_position
    audit = ProjectionRunner(AuditTrail(), views, ApplicationLog(app))
    assert audit.catch_up() == ApplicationLog(app).head()


def test_rebuild_keeps_serving_the_old_copy_until_it_switches(app, views):
    _deals(app, 1)
    runner = ProjectionRunner(AuditTrail(), views, ApplicationLog(app))
    runner.catch_up()
    before = _snapshot(runner)
    old_table = runner.tables()["entries"]
    generation = runner.rebuild()
    assert generation == 2
    assert runner.active_generation() == 2
    assert _snapshot(runner) == before
    with views.connect() as conn:
        assert not views.dialect.has_table(conn, old_table.name)


def test_catch_up_to_a_commands_position_reads_its_own_writes(app, views):
    _deals(app, 1)
    runner = ProjectionRunner(AuditTrail(), views, ApplicationLog(app))
    runner.catch_up()
    with freeze_time(FROZEN):
        reg = b.register(name="Read Your Writes Ltd", reg="RYW0001")
        result = app.handle(reg, b.ALICE)
    runner.catch_up(until=max(result.positions))
    entries = runner.tables()["entries"]
    with views.connect() as conn:
        count = conn.execute(
            select(func.count())
            .select_from(entries)
            .where(entries.c.aggregate_id == str(result.aggregate_id))
        ).scalar_one()
    assert count == 1


def test_rebuilding_all_views_reads_the_log_once(app, views):
    from salesdomain.projections.read_models import ReadModels

    _deals(app, 2)

    class CountingLog(ApplicationLog):
        reads = 0

        def read(self, after, limit):
            CountingLog.reads += 1
            return super().read(after, limit)

    models = ReadModels(views, CountingLog(app))
    models.catch_up()
    before = _snapshot(models.runner("pipeline"))
    CountingLog.reads = 0
    models.rebuild(page_size=10)
    pages = -(-ApplicationLog(app).head() // 10)
    assert CountingLog.reads <= pages + len(models.runners) * 2  # + each view's final check
    assert _snapshot(models.runner("pipeline")) == before


def test_following_picks_up_new_events_until_stopped(store_url, app, views):
    if store_url.startswith("memory"):
        pytest.skip("the follower thread and the test share one in-memory connection")
    import time

    from salesdomain.projections.read_models import ReadModels

    models = ReadModels(views, ApplicationLog(app), [AuditTrail()])
    stop = threading.Event()
    follower = threading.Thread(target=models.follow, args=(stop, 0.05))
    follower.start()
    try:
        _deals(app, 1)
        head = ApplicationLog(app).head()
        deadline = time.monotonic() + 20
        while models.runner("audit").position() < head and time.monotonic() < deadline:
            time.sleep(0.05)
        assert models.runner("audit").position() == head
    finally:
        stop.set()
        follower.join(timeout=10)
    assert not follower.is_alive()


def test_a_rebuilt_generation_gets_its_lookup_indexes_before_it_serves(app, views):
    from sqlalchemy import inspect

    _deals(app, 1)
    runner = ProjectionRunner(AuditTrail(), views, ApplicationLog(app))
    runner.catch_up()

    def indexes(generation: int) -> set[str]:
        table = runner.tables(generation)["entries"]
        return {index["name"] for index in inspect(views).get_indexes(table.name)}

    defined = {index.name for index in runner.tables(1)["entries"].indexes}
    assert len(defined) == 6  # actor, step, record, case, time, data subject (ADR 13)
    assert indexes(1) == defined
    old, new = runner.start_rebuild()
    runner.catch_up(generation=new)
    assert indexes(new) == set(), "rows are loaded first, indexed once at the end"
    runner.finish_rebuild(old, new)
    assert runner.active_generation() == new
    assert indexes(new) == {name.replace("_g1_", f"_g{new}_") for name in defined}


def test_an_index_the_fold_reads_by_is_made_with_the_generation_being_built(app, views):
    """ADR 74: the conformance view reads each page's deadlines by record while it is
    rebuilt; without that index every page scanned the table (quadratic in history)."""
    from salesdomain.projections.conformance.view import ConformanceView
    from sqlalchemy import inspect

    _deals(app, 1)
    runner = ProjectionRunner(ConformanceView(app.policy), views, ApplicationLog(app))
    runner.catch_up()

    def indexes(generation: int) -> set[str]:
        table = runner.tables(generation)["deadlines"]
        return {index["name"] for index in inspect(views).get_indexes(table.name)}

    old, new = runner.start_rebuild()
    assert indexes(new) == {f"conformance_g{new}_deadlines_record"}
    runner.catch_up(generation=new)
    runner.finish_rebuild(old, new)
    assert len(indexes(new)) == 4, "the others once its rows are in"


def test_an_index_a_release_adds_is_made_on_the_serving_generation_when_it_opens(app, views):
    from sqlalchemy import inspect, text

    _deals(app, 1)
    runner = ProjectionRunner(AuditTrail(), views, ApplicationLog(app))
    runner.catch_up()
    table = runner.tables()["entries"]
    defined = {str(index.name) for index in table.indexes}
    dropped = sorted(defined)[0]  # as if an earlier release had not defined it
    with views.begin() as conn:
        conn.execute(text(f"DROP INDEX {dropped}"))
    ProjectionRunner(AuditTrail(), views, ApplicationLog(app))
    present = {index["name"] for index in inspect(views).get_indexes(table.name)}
    assert present == defined
    assert runner.active_generation() == 1, "its rows kept: no rebuild"
