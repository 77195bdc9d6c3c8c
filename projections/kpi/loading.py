"""Loading and resolving the facts of a span of days."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal

from salesdomain.projections.kpi.lines import _amendment_offsets, _chunks, _split_by_line
from salesdomain.projections.kpi.loaded import _Completion, _Data, _Fact
from sqlalchemy import Table, select
from sqlalchemy.engine import Connection, Engine


def _load(engine: Engine, tables: Mapping[str, Table], start: date, end: date, by: str) -> _Data:
    """The facts with days in ``start``..``end`` (those of version 1 events given their
    owner and customer), bookings of amendments netted, completed orders split by line
    when ``by`` is "product", approved expenses added; and what the figures need
    besides."""
    f = tables["facts"]
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                f.c.day,
                f.c.position,
                f.c.measure,
                f.c.value,
                f.c.currency,
                f.c.rep_id,
                f.c.customer_id,
                f.c.product_code,
                f.c.record_id,
                f.c.revision,
                f.c.amends,
            )
            .where(f.c.day >= start, f.c.day <= end)
            .order_by(f.c.position, f.c.seq)
        ).all()
        completions = _completions(conn, f, end)
        facts = [
            _Fact(
                row.day,
                row.position,
                row.measure,
                Decimal(row.value),
                row.currency,
                row.rep_id,
                row.customer_id,
                row.product_code,
                row.record_id,
            )
            for row in rows
        ]
        facts = _of_version_1_events(conn, tables["records"], facts)
        facts += _amendment_offsets(conn, f, rows)
        if by == "product":
            facts = _split_by_line(conn, tables, facts)
        facts += _expenses(conn, tables["expenses"], start, end)
        teams = _team_history(conn, tables["team_history"])
    by_customer: dict[str, list[_Completion]] = defaultdict(list)
    for customer_id, completion in completions:
        by_customer[customer_id].append(completion)
    facts = _satisfaction_owners(facts, by_customer)
    first = {c: orders[0].order_id for c, orders in by_customer.items()}
    second = {c: orders[1].order_id for c, orders in by_customer.items() if len(orders) > 1}
    return _Data(facts, first, second, teams)


def _completions(conn: Connection, f: Table, end: date) -> list[tuple[str, _Completion]]:
    """Every order completed up to ``end``, in the order they were completed (day, then
    log position), with its customer and owner."""
    rows = conn.execute(
        select(f.c.day, f.c.position, f.c.record_id, f.c.customer_id, f.c.rep_id)
        .where(f.c.measure == "orders_completed", f.c.day <= end)
        .order_by(f.c.day, f.c.position)
    ).all()
    return [
        (row.customer_id, _Completion(row.day, row.position, row.record_id, row.rep_id))
        for row in rows
        if row.customer_id is not None
    ]


_OF_RECORD = frozenset(
    {"visits", "won", "lost", "cancelled", "service_responses", "service_on_time", "satisfaction"}
)
"""The measures whose events name their owner and customer only since version 2 (ADR 29)."""


def _of_version_1_events(conn: Connection, records: Table, facts: list[_Fact]) -> list[_Fact]:
    """Fallback for facts of events recorded before 0.2 (version 1 of
    ``Opportunity.ContactLogged``, ``QuoteAccepted`` and ``Lost``, ``Order.Cancelled``,
    ``ServiceCase.Responded``, ``SatisfactionSurvey.ResponseRecorded`` and
    ``ServiceVisit.Recorded``): they did not name their owner or customer, so their
    facts take them from the record they name (the opportunity, order, service case or
    survey as it was opened). Every event recorded since names both; a survey answer
    has no owner of its own (``_satisfaction_owners``)."""
    wanted = {
        fact.record_id
        for fact in facts
        if fact.measure in _OF_RECORD
        and fact.record_id is not None
        and (fact.rep_id is None or fact.customer_id is None)
    }
    if not wanted:
        return facts
    known = {}
    for chunk in _chunks(sorted(wanted), 500):
        query = select(records.c.record_id, records.c.owner_id, records.c.customer_id)
        for row in conn.execute(query.where(records.c.record_id.in_(chunk))):
            known[row.record_id] = row
    resolved = []
    for fact in facts:
        record = known.get(fact.record_id or "") if fact.measure in _OF_RECORD else None
        if record is not None:
            fact = replace(
                fact,
                rep_id=fact.rep_id or record.owner_id,
                customer_id=fact.customer_id or record.customer_id,
            )
        resolved.append(fact)
    return resolved


def _expenses(conn: Connection, expenses: Table, start: date, end: date) -> list[_Fact]:
    rows = conn.execute(
        select(expenses).where(
            expenses.c.status == "approved",
            expenses.c.incurred_on >= start,
            expenses.c.incurred_on <= end,
        )
    ).all()
    return [
        _Fact(
            row.incurred_on,
            0,
            "sales_expense",
            Decimal(row.amount),
            row.currency,
            row.employee_id,
            None,
            None,
            row.expense_id,
        )
        for row in rows
    ]


def _team_history(conn: Connection, history: Table) -> dict[str, list[tuple[date, int, str]]]:
    teams: dict[str, list[tuple[date, int, str]]] = defaultdict(list)
    for row in conn.execute(select(history)):
        teams[row.employee_id].append((row.effective_on, row.position, row.team))
    for entries in teams.values():
        entries.sort()
    return teams


def _satisfaction_owners(
    facts: list[_Fact], completions: Mapping[str, list[_Completion]]
) -> list[_Fact]:
    """A score not about an order counts for the owner of the customer's latest order
    completed up to that day (the account's owner), if there is one."""
    resolved = []
    for fact in facts:
        if fact.measure == "satisfaction" and fact.rep_id is None and fact.customer_id:
            orders = completions.get(fact.customer_id, [])
            index = bisect.bisect_right([c.day for c in orders], fact.day)
            if index:
                fact = replace(fact, rep_id=orders[index - 1].rep_id)
        resolved.append(fact)
    return resolved
