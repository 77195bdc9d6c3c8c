"""Row changes compiled once and run on the DBAPI cursor write exactly what SQLAlchemy
Core statements built change by change write (every store), and folding same-row
changes never changes the result."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from salesdomain.projections.changes import Add, Insert, RowChange, Update, Upsert, coalesce
from salesdomain.projections.statements import Statements
from salesdomain.projections.types import UtcDateTime, sqlite_utc_text
from sqlalchemy import (
    Column,
    Date,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    create_engine,
    select,
    text,
)

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SHANGHAI = timezone(timedelta(hours=8))


def _tables(prefix: str) -> dict[str, Table]:
    metadata = MetaData()
    deals = Table(
        f"{prefix}deals",
        metadata,
        Column("deal_id", String(36), primary_key=True),
        Column("stage", String(30)),
        Column("amount", Numeric(18, 2)),
        Column("closes_on", Date),
        Column("changed_at", UtcDateTime),
        Column("rounds", Integer, nullable=False, default=0, server_default="0"),
    )
    stock = Table(
        f"{prefix}stock",
        metadata,
        Column("product", String(20), primary_key=True),
        Column("site", String(20), primary_key=True),
        Column("passed", Numeric(18, 3), nullable=False, default=0, server_default="0"),
        Column("shipped", Numeric(18, 3), nullable=False, default=0, server_default="0"),
    )
    return {"deals": deals, "stock": stock}


CHANGES: list[RowChange] = [
    Insert(
        "deals",
        {
            "deal_id": "a",
            "stage": "contact",
            "amount": Decimal("10.50"),
            "closes_on": date(2026, 5, 1),
            "changed_at": T0,
        },
    ),
    Update("deals", {"deal_id": "a"}, {"stage": "quoted"}),
    Update(
        "deals",
        {"deal_id": "a"},
        {"amount": Decimal("12.25"), "changed_at": T0.astimezone(SHANGHAI)},
    ),
    Upsert("deals", {"deal_id": "b"}, {"stage": "contact", "changed_at": T0}),
    Update("deals", {"deal_id": "b"}, {"rounds": 2}),
    Upsert("deals", {"deal_id": "b"}, {"stage": "won"}),
    Upsert("deals", {"deal_id": "c"}),
    Upsert("deals", {"deal_id": "c"}),
    Update("deals", {"deal_id": "missing"}, {"stage": "lost"}),
    Update("deals", {"deal_id": "a"}, {"deal_id": "a2"}),
    Update("deals", {"deal_id": "a"}, {"stage": "never seen: a was renamed"}),
    Add("stock", {"product": "RK-3", "site": "east"}, {"passed": Decimal("5")}),
    Add("stock", {"product": "RK-3", "site": "east"}, {"passed": Decimal("2.5")}),
    Add("stock", {"product": "RK-3", "site": "east"}, {"shipped": Decimal("4")}),
    Add("stock", {"product": "RK-9", "site": "west"}, {"shipped": Decimal("1")}),
]


def _reference(conn: Any, table: Table, change: RowChange) -> None:
    """The change as a SQLAlchemy Core statement of its own (what the runner did before)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    match = [table.c[col] == value for col, value in getattr(change, "key", {}).items()]
    if isinstance(change, Insert):
        conn.execute(table.insert().values(**change.values))
    elif isinstance(change, Update):
        conn.execute(table.update().where(*match).values(**change.values))
    elif isinstance(change, Upsert):
        statement = insert(table).values(**change.key, **change.values)
        if change.values:
            set_ = {col: statement.excluded[col] for col in change.values}
            statement = statement.on_conflict_do_update(index_elements=list(change.key), set_=set_)
        else:
            statement = statement.on_conflict_do_nothing(index_elements=list(change.key))
        conn.execute(statement)
    else:
        statement = insert(table).values(**change.key, **change.amounts)
        set_ = {col: table.c[col] + statement.excluded[col] for col in change.amounts}
        conn.execute(statement.on_conflict_do_update(index_elements=list(change.key), set_=set_))


def _contents(conn: Any, tables: dict[str, Table]) -> dict[str, list[tuple[Any, ...]]]:
    return {
        name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key))]
        for name, t in tables.items()
    }


def test_compiled_changes_write_what_core_statements_write(app, views) -> None:
    compiled, reference = _tables("compiled_"), _tables("reference_")
    for tables in (compiled, reference):
        next(iter(tables.values())).metadata.create_all(views)
    with views.begin() as conn:
        Statements(views.dialect).apply_all(conn, compiled, CHANGES)
    with views.begin() as conn:
        for change in CHANGES:
            _reference(conn, reference[change.table], change)
    with views.connect() as conn:
        assert _contents(conn, compiled) == _contents(conn, reference)
        stored = {
            name: conn.execute(text(f"SELECT * FROM {t.name} ORDER BY 1, 2")).all()
            for name, t in compiled.items()
        }
        expected = {
            name: conn.execute(text(f"SELECT * FROM {t.name} ORDER BY 1, 2")).all()
            for name, t in reference.items()
        }
    assert stored == expected, "the stored forms (e.g. SQLite's text of times) are the same"
    assert len(stored["deals"]) == 3
    assert len(stored["stock"]) == 2


def test_a_failing_change_leaves_the_transaction_to_roll_back_everything(app, views) -> None:
    tables = _tables("failing_")
    tables["deals"].metadata.create_all(views)
    duplicate = Insert("deals", {"deal_id": "a", "changed_at": T0})
    driver_refusal = views.dialect.loaded_dbapi.IntegrityError
    with pytest.raises(driver_refusal), views.begin() as conn:
        Statements(views.dialect).apply_all(conn, tables, [CHANGES[0], CHANGES[3], duplicate])
    with views.connect() as conn:
        assert _contents(conn, tables) == {"deals": [], "stock": []}


def test_on_postgresql_a_page_of_changes_is_sent_in_one_pipeline(app, views, monkeypatch) -> None:
    """ADR 74: psycopg's pipeline mode sends the statements without waiting for each
    answer (a view's rebuild had waited a round trip per statement)."""
    if views.dialect.name != "postgresql":
        pytest.skip("pipeline mode is psycopg's, for PostgreSQL")
    import psycopg
    from psycopg import pq

    tables = _tables("piped_")
    tables["deals"].metadata.create_all(views)
    modes: list[Any] = []
    execute = psycopg.Cursor.execute

    def watched(cursor: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        if "piped_" in str(query):  # not the pool's ping
            modes.append(cursor.connection.pgconn.pipeline_status)
        return execute(cursor, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", watched)
    with views.begin() as conn:
        Statements(views.dialect).apply_all(conn, tables, CHANGES)
    assert modes, "single-row changes are executed"
    assert set(modes) == {pq.PipelineStatus.ON}


def test_same_row_changes_fold_into_one_and_nothing_else_does() -> None:
    folded = coalesce([c for c in CHANGES if c.table == "deals"])
    assert folded[0] == CHANGES[0], "an Insert is never merged with what follows"
    assert folded[1] == Update(
        "deals",
        {"deal_id": "a"},
        {"stage": "quoted", "amount": Decimal("12.25"), "changed_at": T0.astimezone(SHANGHAI)},
    )
    assert folded[2] == Upsert(
        "deals", {"deal_id": "b"}, {"stage": "won", "changed_at": T0, "rounds": 2}
    )
    assert folded[3] == Upsert("deals", {"deal_id": "c"})
    assert folded[4:] == CHANGES[8:11], "other rows and renamed keys stay one by one"
    assert coalesce([CHANGES[1], CHANGES[3], CHANGES[2]]) == [CHANGES[1], CHANGES[3], CHANGES[2]]
    update_then_upsert = [Update("deals", {"deal_id": "b"}, {"rounds": 1}), CHANGES[3]]
    assert coalesce(update_then_upsert) == update_then_upsert


@pytest.mark.parametrize(
    "moment",
    [
        T0,
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2025, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
        datetime(2026, 1, 1, 7, 0, 0, 1, tzinfo=SHANGHAI),
        datetime(1999, 6, 15, 12, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
        datetime(987, 6, 15, 12, tzinfo=UTC),
    ],
)
def test_times_are_stored_on_sqlite_as_sqlalchemy_stores_them(moment: datetime) -> None:
    dialect = create_engine("sqlite://").dialect
    sqlalchemy_own = UtcDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert sqlalchemy_own is not None
    assert isinstance(sqlalchemy_own(moment), str)
    assert sqlite_utc_text(moment) == sqlalchemy_own(moment)


def test_naive_times_are_refused_in_bulk_writes_too() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sqlite_utc_text(datetime(2026, 3, 2, 9, 30))
    assert sqlite_utc_text(None) is None
