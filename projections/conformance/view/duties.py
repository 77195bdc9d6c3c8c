"""The recurring duties' share of the conformance view (ADR 39, 49): what the review's
``DutyBook`` remembers, kept in two tables.

``duty_spans``: one row per team and per person, the spans of days it existed and, for
a team, the roles its members held in it (JSON, read by ``codec``); a page loads them
all, as it loads the staff register, since a staff event may begin or end a team's
span.  ``duty_days``: one row per duty, team or person, and day the duty was done; a
page only adds rows, and a report reads those of the year before its period and the
period itself (no period of a cadence is longer).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from salesdomain.projections.changes import RowChange, Upsert
from salesdomain.projections.conformance.codec import dumps, loads
from salesdomain.projections.conformance.duty_book import DutyBook, Subject
from salesdomain.projections.projection import Tables
from sqlalchemy import Column, Date, String, Table, Text, select
from sqlalchemy.engine import Connection

LONGEST_PERIOD = timedelta(days=366)
"""A year, the longest period of a cadence (``salesdomain.duties.Cadence``)."""


def define(t: Tables) -> None:
    t.add(
        "duty_spans",
        Column("scope", String(8), primary_key=True),
        Column("subject", Text, primary_key=True),
        Column("spans", Text, nullable=False),
        Column("roles", Text, nullable=False),
    )
    days = t.add(
        "duty_days",
        Column("duty", String(32), primary_key=True),
        Column("scope", String(8), primary_key=True),
        Column("subject", Text, primary_key=True),
        Column("day", Date, primary_key=True),
    )
    t.index("duty_days_day", days.c.day)


def load_spans(conn: Connection, tables: dict[str, Table]) -> DutyBook:
    """The spans of every team and person (no day done: a page only adds those)."""
    table = tables["duty_spans"]
    book = DutyBook()
    for scope, subject, spans, roles in conn.execute(
        select(table.c.scope, table.c.subject, table.c.spans, table.c.roles)
    ):
        _load(book, (scope, subject), spans, roles)
    return book


def _load(book: DutyBook, key: Subject, spans: str, roles: str) -> None:
    """Put into ``book`` one ``duty_spans`` row: its subject's spans and a team's roles
    (as ``changes`` writes them)."""
    book.spans[key] = loads(spans)
    if held := loads(roles):
        book.roles[key] = set(held)


def load_for_period(
    conn: Connection, tables: dict[str, Table], period_start: date, period_end: date
) -> DutyBook:
    """The spans, and the days done that a period ending within the report's can hold."""
    book = load_spans(conn, tables)
    days = tables["duty_days"]
    since = period_start - LONGEST_PERIOD
    book.done = {
        (duty, scope, subject, day)
        for duty, scope, subject, day in conn.execute(
            select(days.c.duty, days.c.scope, days.c.subject, days.c.day).where(
                days.c.day.between(since, period_end)
            )
        )
    }
    return book


def changes(book: DutyBook) -> list[RowChange]:
    """The spans that changed in a page, and the days done it recorded."""
    found: list[RowChange] = [
        Upsert(
            "duty_spans",
            {"scope": scope, "subject": subject},
            {
                "spans": dumps(book.spans.get((scope, subject), [])),
                "roles": dumps(sorted(book.roles.get((scope, subject), ()))),
            },
        )
        for scope, subject in sorted(book.changed)
    ]
    found += [
        Upsert("duty_days", {"duty": duty, "scope": scope, "subject": subject, "day": day})
        for duty, scope, subject, day in sorted(book.done)
    ]
    return found


def spans_of(
    conn: Connection, tables: dict[str, Table], subjects: Iterable[tuple[str, str]]
) -> DutyBook:
    """The spans and a team's roles of these subjects only (the work queue's)."""
    table = tables["duty_spans"]
    book = DutyBook()
    for scope, subject in sorted(set(subjects)):
        for spans, roles in conn.execute(
            select(table.c.spans, table.c.roles).where(
                table.c.scope == scope, table.c.subject == subject
            )
        ):
            _load(book, (scope, subject), spans, roles)
    return book


def done_between(
    conn: Connection,
    tables: dict[str, Table],
    duty: str,
    subject: tuple[str, str],
    first: date,
    last: date,
) -> bool:
    """Whether the history records ``duty`` done by ``subject`` on a day ``first`` to
    ``last`` (both included)."""
    days = tables["duty_days"]
    scope, name = subject
    query = (
        select(days.c.day)
        .where(
            days.c.duty == duty,
            days.c.scope == scope,
            days.c.subject == name,
            days.c.day.between(first, last),
        )
        .limit(1)
    )
    return conn.execute(query).first() is not None
