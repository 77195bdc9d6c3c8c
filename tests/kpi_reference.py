"""The KPI table as it was computed before the figures were added up in the database
(ADR 37): every fact of the span loaded, resolved and tallied in Python one at a time
(``kpi_table_in_python``), the rows then made as the library makes them (``_table``).
Kept, unchanged in substance, as the reference the grouped queries are compared with
(tests/test_kpi_grouped.py): the same rows, field for field."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from salesdomain.projections.kpi.figures import KpiRow
from salesdomain.projections.kpi.grouped import _applies, _Found
from salesdomain.projections.kpi.groups import OF_PRODUCT, Group, Grouping, _team_on, grouping
from salesdomain.projections.kpi.periods import periods_between
from salesdomain.projections.kpi.queries import _employee_figures, _table, _year_earlier
from sqlalchemy import Table, and_, select
from sqlalchemy.engine import Connection, Engine


@dataclass(frozen=True)
class _Fact:
    day: date
    position: int
    measure: str
    value: Decimal
    currency: str | None
    rep_id: str | None
    customer_id: str | None
    product_code: str | None
    record_id: str | None


@dataclass(frozen=True)
class _Completion:
    day: date
    position: int
    order_id: str
    rep_id: str | None


@dataclass
class _Data:
    facts: list[_Fact]
    first_order: dict[str, str]
    """customer -> the order that made it a customer (its first completed order)."""
    second_order: dict[str, str]
    """customer -> its second completed order (it bought again: loyalty)."""
    teams: dict[str, list[tuple[date, int, str]]]
    """employee -> [(effective_on, position, team)], in order."""


def _amendment_offsets(conn: Connection, f: Table, rows: Sequence[Any]) -> list[_Fact]:
    """For each signed amendment, the bookings of the revision it replaces, negated, on
    the amendment's day: bookings count what the amendment adds or removes."""
    amendments = {
        (row.record_id, row.amends): row
        for row in rows
        if row.measure == "bookings" and row.amends is not None
    }
    if not amendments:
        return []
    contracts = sorted({contract for contract, _ in amendments})
    replaced = conn.execute(
        select(f.c.record_id, f.c.revision, f.c.value, f.c.currency, f.c.product_code).where(
            f.c.measure == "bookings", f.c.record_id.in_(contracts)
        )
    ).all()
    offsets = []
    for old in replaced:
        amendment = amendments.get((old.record_id, old.revision))
        if amendment is None:
            continue
        offsets.append(
            _Fact(
                amendment.day,
                amendment.position,
                "bookings",
                -Decimal(old.value),
                old.currency,
                amendment.rep_id,
                amendment.customer_id,
                old.product_code,
                old.record_id,
            )
        )
    return offsets


_BY_LINE = frozenset({"revenue", "profit", "units", "orders_completed"})


def _split_by_line(
    conn: Connection, tables: Mapping[str, Table], facts: list[_Fact]
) -> list[_Fact]:
    """Completed orders' revenue, profit, units and count, one fact per order line (the
    lines of the contract revision the order followed)."""
    order_ids = sorted({f.record_id for f in facts if f.measure in _BY_LINE and f.record_id})
    lines: dict[str, list[Any]] = defaultdict(list)
    ol, r = tables["order_lines"], tables["records"]
    for chunk in _chunks(order_ids, 500):
        for line in conn.execute(
            select(ol)
            .select_from(
                ol.join(r, and_(r.c.record_id == ol.c.order_id, r.c.revision == ol.c.revision))
            )
            .where(ol.c.order_id.in_(chunk))
            .order_by(ol.c.order_id, ol.c.product_code)
        ):
            lines[line.order_id].append(line)
    split: list[_Fact] = []
    for fact in facts:
        order_lines = lines.get(fact.record_id or "") if fact.measure in _BY_LINE else None
        if not order_lines:
            split.append(fact)
            continue
        for line in order_lines:
            quantity, price, cost = (
                Decimal(line.quantity),
                Decimal(line.unit_price),
                Decimal(line.unit_cost),
            )
            value = {
                "revenue": quantity * price,
                "profit": quantity * (price - cost),
                "units": quantity,
                "orders_completed": Decimal(1),
            }[fact.measure]
            split.append(
                _Fact(
                    fact.day,
                    fact.position,
                    fact.measure,
                    value,
                    fact.currency,
                    fact.rep_id,
                    fact.customer_id,
                    line.product_code,
                    fact.record_id,
                )
            )
    return split


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for index in range(0, len(items), size):
        yield items[index : index + size]


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
        if by in OF_PRODUCT:
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


def _grouper(
    engine: Engine, tables: Mapping[str, Table], by: str, data: _Data
) -> Callable[[_Fact], str | None]:
    if by == "total":
        return lambda fact: None
    if by == "rep":
        return lambda fact: fact.rep_id
    if by == "team":
        return lambda fact: (
            None if fact.rep_id is None else _team_on(data.teams, fact.rep_id, fact.day)
        )
    if by == "product":
        return lambda fact: fact.product_code
    if by == "customer":
        merged = _merged(engine, tables)
        return lambda fact: merged.get(fact.customer_id or "", fact.customer_id)
    if by in ("product_name", "specification"):
        p = tables["products"]
        with engine.connect() as conn:
            column = "name" if by == "product_name" else by
            attribute = {row.product_code: getattr(row, column) for row in conn.execute(select(p))}
        return lambda fact: attribute.get(fact.product_code or "")
    if by in ("region", "industry"):
        c = tables["customers"]
        with engine.connect() as conn:
            attribute = {row.customer_id: getattr(row, by) for row in conn.execute(select(c))}
        return lambda fact: attribute.get(fact.customer_id or "")
    raise ValueError(f"unknown grouping {by!r}: rep, team, region, industry, product or total")


def _merged(engine: Engine, tables: Mapping[str, Table]) -> dict[str, str]:
    c = tables["customers"]
    with engine.connect() as conn:
        rows = conn.execute(select(c.c.customer_id, c.c.merged_into)).all()
    return {row.customer_id: row.merged_into for row in rows if row.merged_into}


def _found(data: _Data, by: Grouping, starts: Sequence[date], group_of: Any) -> _Found:
    """What the facts add up to by period and group, tallied one fact at a time."""
    found = _Found(by)
    customers: dict[tuple[int, Group], list[set[str]]] = defaultdict(lambda: [set(), set(), set()])
    for fact in data.facts:
        key = (bisect.bisect_right(starts, fact.day) - 1, group_of(fact))
        found.add(key, fact.measure, fact.currency, fact.value, 1)
        customer = fact.customer_id
        if (
            fact.measure == "orders_completed"
            and customer is not None
            and _applies(fact.measure, by)
        ):
            served, new, repeat = customers[key]
            served.add(customer)
            if data.first_order.get(customer) == fact.record_id:
                new.add(customer)
            if data.second_order.get(customer) == fact.record_id:
                repeat.add(customer)
    for key, (served, new, repeat) in customers.items():
        tally = found.tallies[key]
        tally.served, tally.new, tally.repeat = len(served), len(new), len(repeat)
    return found


def kpi_table_in_python(engine: Engine, tables: Mapping[str, Table], **args: Any) -> list[KpiRow]:
    """``kpi_table(engine, tables, **args)`` from every fact of the span loaded and
    tallied in Python."""
    grain, reader = args["grain"], args.get("reader")
    dims = grouping(args["by"], args.get("then_by"))
    periods = periods_between(args["since"], args["until"], grain)
    read = periods_between(_year_earlier(periods[0].start), periods[-1].end, grain)
    product = "product" if OF_PRODUCT.intersection(dims) else "total"
    data = _load(engine, tables, read[0].start, periods[-1].end, product)
    people = None if reader is None else reader.sales
    if people is not None and ("team" not in dims or "rep" in dims):
        data = replace(data, facts=[f for f in data.facts if f.rep_id in people])
    starts = [p.start for p in read]
    groupers = [_grouper(engine, tables, dim, data) for dim in dims]
    found = _found(data, dims, starts, lambda fact: tuple(of(fact) for of in groupers))
    first = len(read) - len(periods)
    return _table(engine, tables, grain, dims, read, first, found, args.get("currency"), reader)


def kpi_for_employee_in_python(
    engine: Engine, tables: Mapping[str, Table], employee_id: str, *span: date, currency: str
) -> dict[str, Decimal]:
    """``kpi_for_employee`` from every fact of the span (its first and last day) loaded
    in Python."""
    data = _load(engine, tables, span[0], span[1], "rep")
    mine = replace(data, facts=[f for f in data.facts if f.rep_id == employee_id])
    found = _found(mine, ("rep",), [span[0]], lambda fact: (fact.rep_id,))
    return _employee_figures(found, employee_id, currency)
