"""Loading and resolving the facts of a span of days."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal

from salesdomain.projections.kpi.lines import _amendment_offsets, _split_by_line
from salesdomain.projections.kpi.loaded import _Completion, _Data, _Fact
from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection, Engine


def _load(engine: Engine, tables: Mapping[str, Table], start: date, end: date, by: str) -> _Data:
    """The facts with days in ``start``..``end``, their owner and customer resolved,
    bookings of amendments netted, completed orders split by line when ``by`` is
    "product", approved expenses added; and what the figures need besides."""
    f, r = tables["facts"], tables["records"]
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                f.c.day,
                f.c.position,
                f.c.measure,
                f.c.value,
                f.c.currency,
                func.coalesce(f.c.rep_id, r.c.owner_id).label("rep_id"),
                func.coalesce(f.c.customer_id, r.c.customer_id).label("customer_id"),
                f.c.product_code,
                f.c.record_id,
                f.c.revision,
                f.c.amends,
            )
            .select_from(f.outerjoin(r, r.c.record_id == f.c.record_id))
            .where(f.c.day >= start, f.c.day <= end)
            .order_by(f.c.position, f.c.seq)
        ).all()
        completions = _completions(conn, f, r, end)
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


def _completions(conn: Connection, f: Table, r: Table, end: date) -> list[tuple[str, _Completion]]:
    """Every order completed up to ``end``, in the order they were completed (day, then
    log position), with its customer and owner."""
    rows = conn.execute(
        select(
            f.c.day,
            f.c.position,
            f.c.record_id,
            func.coalesce(f.c.customer_id, r.c.customer_id).label("customer_id"),
            func.coalesce(f.c.rep_id, r.c.owner_id).label("rep_id"),
        )
        .select_from(f.outerjoin(r, r.c.record_id == f.c.record_id))
        .where(f.c.measure == "orders_completed", f.c.day <= end)
        .order_by(f.c.day, f.c.position)
    ).all()
    return [
        (row.customer_id, _Completion(row.day, row.position, row.record_id, row.rep_id))
        for row in rows
        if row.customer_id is not None
    ]


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
