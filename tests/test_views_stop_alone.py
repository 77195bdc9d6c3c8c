"""A view the database refuses an event's rows stops alone (issue 13): at that event,
with the view, the event's position and type and the error in its status row, which
every process reads; the other views and the writes go on; a rebuild after the fix
makes it serve again.  A database that cannot be reached stops no view."""

from __future__ import annotations

import sqlite3
from typing import Any, ClassVar
from uuid import uuid4

import psycopg
import pytest
import salesdomain.projections.statements as statements_module
from freezegun import freeze_time
from salesdomain.adapters.store import parse_database_url
from salesdomain.adapters.views import view_engine
from salesdomain.projections.audit import AuditTrail
from salesdomain.projections.changes import Insert, RowChange
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.projection import Projection, event_name
from salesdomain.projections.read_models import ReadModels
from salesdomain.projections.runner import ProjectionStopped
from salesdomain.projections.types import UtcDateTime
from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    create_engine,
    select,
)
from sqlalchemy.exc import OperationalError

from tests import builders as b
from tests.projection_helpers import by_position

FROZEN = "2026-03-02 09:00:00+00:00"
POISON = "Opportunity.QuoteIssued"


class RefusedQuotes(Projection):
    """Writes one row per event; a quote's row has no ``event`` (NOT NULL), so the
    database refuses it when the batch is written, on every store."""

    name = "refused"
    fixed: ClassVar[bool] = False

    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        return by_position(metadata, prefix, "seen", Column("event", String(80), nullable=False))

    def changes(self, event: Any, position: int) -> list[RowChange]:
        name = event_name(event)
        refused = name == POISON and not self.fixed
        return [Insert("seen", {"position": position, "event": None if refused else name})]


class RefusedAtCommit(Projection):
    """A quote's row repeats a key whose uniqueness PostgreSQL checks at COMMIT."""

    name = "refused_at_commit"

    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        kind = Column("kind", String(80), nullable=False)
        unique = UniqueConstraint("kind", deferrable=True, initially="DEFERRED")
        return by_position(metadata, prefix, "seen", kind, unique)

    def changes(self, event: Any, position: int) -> list[RowChange]:
        kind = "quote" if event_name(event) == POISON else f"{position}"
        return [Insert("seen", {"position": position, "kind": kind})]


class NaiveTimes(Projection):
    """A quote's time given without a zone: refused by the column type (a Python error
    while the rows are bound)."""

    name = "naive_times"

    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        at = Column("at", UtcDateTime, nullable=False)
        return by_position(metadata, prefix, "times", at, Column("naive", DateTime))

    def changes(self, event: Any, position: int) -> list[RowChange]:
        at = (
            event.timestamp.replace(tzinfo=None) if event_name(event) == POISON else event.timestamp
        )
        return [Insert("times", {"position": position, "at": at, "naive": None})]


class NulInItsError(Projection):
    """Raises an error whose text quotes a NUL byte."""

    name = "nul_error"

    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        return {}

    def changes(self, event: Any, position: int) -> list[RowChange]:
        if event_name(event) == POISON:
            raise ValueError("cannot show 'a\x00b'")
        return []


def _deal(app: Any) -> None:
    with freeze_time(FROZEN):
        reg = b.register(name=f"Stop Alone {uuid4().hex[:6]}", reg=uuid4().hex[:12])
        for command, actor in b.won_deal(uuid4(), reg):
            app.handle(command, actor)


def _quote_position(app: Any) -> int:
    log = ApplicationLog(app)
    return next(p for p, e in log.read(0, 10_000) if e is not None and event_name(e) == POISON)


def _seen(models: ReadModels, name: str) -> list[int]:
    table = models.runner(name).tables()["seen"]
    with models.engine.connect() as conn:
        return [row[0] for row in conn.execute(select(table.c.position))]


@pytest.fixture(autouse=True)
def _unfixed() -> Any:
    RefusedQuotes.fixed = False
    yield
    RefusedQuotes.fixed = False


def _reopened(store_url: str, views: Engine) -> Engine:
    """The views' database as another process opens it (memory: the same engine)."""
    return views if store_url.startswith("memory") else view_engine(parse_database_url(store_url))


def test_a_view_the_database_refuses_stops_alone_at_that_event(store_url, app, views):
    # Given a log with a quote, and a view whose row for it the database refuses
    _deal(app)
    quote = _quote_position(app)
    models = ReadModels(views, ApplicationLog(app), [AuditTrail(), RefusedQuotes()])

    # When the views catch up (in one batch)
    reached = models.catch_up(batch_size=500)

    # Then that view stops at the quote, saying which view, which event and why
    stopped = models.stopped["refused"]
    assert (stopped.name, stopped.position, stopped.event) == ("refused", quote, POISON)
    assert "null" in stopped.reason.lower()  # NOT NULL refused: the driver's words
    status = {s.name: s for s in models.status()}["refused"]
    assert status.stopped
    assert (status.error_position, status.error_event) == (quote, POISON)
    assert status.position == reached["refused"] == max(_seen(models, "refused"))
    assert status.position < quote
    # ... the events before it are applied, and the other view went on to the head
    head = ApplicationLog(app).head()
    assert reached["audit"] == head
    assert "audit" not in models.stopped
    assert not {s.name: s for s in models.status()}["audit"].stopped

    # And the writes go on, and the other view follows them; this one stays stopped
    _deal(app)
    again = models.catch_up()
    assert again["audit"] == ApplicationLog(app).head() > head
    assert models.stopped["refused"].position == quote

    # And another process (or this one, restarted) knows it stopped, and where
    other = _reopened(store_url, views)
    restarted = ReadModels(other, ApplicationLog(app), [AuditTrail(), RefusedQuotes()])
    assert set(restarted.stopped) == {"refused"}
    assert restarted.stopped["refused"].position == quote
    assert restarted.stopped["refused"].reason == stopped.reason
    if other is not views:
        other.dispose()


def test_a_fixed_view_serves_again_after_a_rebuild(app, views):
    # Given a view stopped on the quote
    _deal(app)
    models = ReadModels(views, ApplicationLog(app), [AuditTrail(), RefusedQuotes()])
    models.catch_up()
    assert "refused" in models.stopped

    # When its cause is fixed and it is rebuilt
    RefusedQuotes.fixed = True
    generations = models.rebuild(["refused"])

    # Then the new generation serves every event and the stop is gone
    assert generations == {"refused": 2}
    assert "refused" not in models.stopped
    status = {s.name: s for s in models.status()}["refused"]
    assert (status.generation, status.stopped, status.lag) == (2, False, 0)
    assert status.error is None
    assert _quote_position(app) in _seen(models, "refused")


def test_a_rebuild_that_stops_again_keeps_the_old_copy_serving(app, views):
    _deal(app)
    models = ReadModels(views, ApplicationLog(app), [AuditTrail(), RefusedQuotes()])
    models.catch_up()
    before = _seen(models, "refused")

    generations = models.rebuild()

    assert set(generations) == {"audit"}
    assert models.stopped["refused"].event == POISON
    status = {s.name: s for s in models.status()}["refused"]
    assert status.generation == 1
    assert _seen(models, "refused") == before
    assert not any(t.startswith("refused_g2_") for t in _tables(views))


def test_a_value_the_column_type_refuses_stops_the_view(app, views):
    _deal(app)
    models = ReadModels(views, ApplicationLog(app), [NaiveTimes()])

    models.catch_up()

    stopped = models.stopped["naive_times"]
    assert (stopped.position, stopped.event) == (_quote_position(app), POISON)
    assert "timezone-aware" in stopped.reason


def test_an_error_quoting_a_nul_byte_is_recorded(app, views):
    _deal(app)
    models = ReadModels(views, ApplicationLog(app), [NulInItsError()])

    models.catch_up()

    status = models.status()[0]
    assert status.error == "ValueError: cannot show 'a\\x00b'"


@pytest.mark.postgres
def test_a_view_postgresql_refuses_at_commit_stops_alone(postgres_schema_url):
    from tests.conftest import make_app

    app = make_app(postgres_schema_url)
    views = view_engine(parse_database_url(postgres_schema_url))
    try:
        _deal(app)
        _deal(app)  # a second quote repeats the key checked at commit
        log = ApplicationLog(app).read(0, 10_000)
        quotes = [p for p, e in log if e and event_name(e) == POISON]
        models = ReadModels(views, ApplicationLog(app), [AuditTrail(), RefusedAtCommit()])

        reached = models.catch_up()

        stopped = models.stopped["refused_at_commit"]
        assert (stopped.position, stopped.event) == (quotes[1], POISON)
        assert "UniqueViolation" in stopped.reason or "IntegrityError" in stopped.reason
        before = [p for p, e in log if e and p < quotes[1]]
        assert _seen(models, "refused_at_commit") == before  # the first quote's too
        assert before[-1] == reached["refused_at_commit"]
        assert reached["audit"] == ApplicationLog(app).head()
    finally:
        views.dispose()
        app.close()


def test_a_database_that_cannot_be_reached_stops_no_view(store_url, app, views):
    # Given views, and a database that goes away while a batch is written (the error
    # comes as SQLAlchemy's OperationalError, whatever the store and wherever it came)
    _deal(app)
    engine = views
    if store_url.startswith("postgres"):
        cut: Any = _terminating_the_session()
    elif store_url.startswith("sqlite"):  # another process holds the file's write lock
        engine = create_engine(views.url, connect_args={"timeout": 0.2})
        cut = _locked(parse_database_url(store_url).env["SQLITE_DBNAME"])
    else:
        cut = _refusing_as_locked()
    models = ReadModels(engine, ApplicationLog(app), [AuditTrail()])
    # When the views catch up
    with cut, pytest.raises(OperationalError):
        models.catch_up()

    # Then the error reached the caller, and no view stopped
    assert models.stopped == {}
    assert not any(s.stopped for s in models.status())
    # And once the database is back the view catches up
    assert models.catch_up()["audit"] == ApplicationLog(app).head()
    if engine is not views:
        engine.dispose()


class _locked:
    """While active, another connection holds the SQLite file's write lock."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __enter__(self) -> None:
        self.holder = sqlite3.connect(self.path, isolation_level=None)
        self.holder.execute("BEGIN IMMEDIATE")

    def __exit__(self, *exc: object) -> None:
        self.holder.execute("ROLLBACK")
        self.holder.close()


class _terminating_the_session:
    """While active, writing a batch first ends the PostgreSQL session that writes it
    (as a server restart or a network cut does)."""

    def __enter__(self) -> None:
        self.real = statements_module.execute

        def cut(cursor: Any, sql: str, rows: list[Any]) -> None:
            from tests.conftest import POSTGRES_URL

            pid = cursor.connection.info.backend_pid
            with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            self.real(cursor, sql, rows)

        statements_module.execute = cut

    def __exit__(self, *exc: object) -> None:
        statements_module.execute = self.real


class _refusing_as_locked:
    """While active, writing a batch fails as SQLite does when another process holds
    the database's lock past the timeout."""

    def __enter__(self) -> None:
        self.real = statements_module.execute

        def locked(cursor: Any, sql: str, rows: list[Any]) -> None:
            raise sqlite3.OperationalError("database is locked")

        statements_module.execute = locked

    def __exit__(self, *exc: object) -> None:
        statements_module.execute = self.real


def _tables(engine: Engine) -> list[str]:
    from sqlalchemy import inspect

    return inspect(engine).get_table_names()


def test_stopped_error_names_the_view_the_event_and_the_reason() -> None:
    stopped = ProjectionStopped("kpi", 42, "Customer.Registered", ValueError("too long"))
    assert str(stopped) == (
        "projection kpi stopped at position 42 (Customer.Registered): ValueError: too long"
    )
    assert stopped.reason == "ValueError: too long"
    assert ProjectionStopped("kpi", 42, "Customer.Registered", stopped.reason).args == stopped.args
