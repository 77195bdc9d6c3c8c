"""The facts of a span added up in the database, by period and group (ADR 37).

One ``GROUP BY`` over the facts whose day is in the span gives, per period, group,
measure and currency, the sum and the count of the facts; a second one, over the
completed orders, the distinct customers served, new and repeat.  What the queries
used to do per fact in Python is in the SQL: the owner and customer of a version 1
event from its record (a join), a score's owner from the customer's latest completed
order (a subquery for the scores that name none), the team a rep was in on the
fact's day (a join with the team history's intervals), a completed order split by its
lines (a join with the lines of the revision in force) and a customer's first and
second completed orders (subqueries by an index on customer and day).  Only signed
amendments are netted in Python: their lines and those of the revisions they replace
are few.  So a request reads in proportion to its answer: rows per period and group,
never the facts one by one.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from salesdomain.projections.kpi.figures import MONEY_MEASURES, PRODUCT_MEASURES, _Tally
from salesdomain.projections.kpi.groups import (
    NO_TEAM,
    OF_CUSTOMER,
    OF_PRODUCT,
    Group,
    Grouping,
    _team_on,
    team_history,
)
from salesdomain.projections.kpi.projection import Kpi
from salesdomain.projections.kpi.rollup import LIMB_COLUMNS, from_limbs
from salesdomain.projections.projection import built_by
from sqlalchemy import (
    ColumnElement,
    FromClause,
    Integer,
    Table,
    and_,
    case,
    cast,
    func,
    literal_column,
    null,
    or_,
    select,
    text,
    tuple_,
)
from sqlalchemy.engine import Connection, Engine

_OF_RECORD = (
    "visits",
    "won",
    "lost",
    "cancelled",
    "service_responses",
    "service_on_time",
    "satisfaction",
)
"""The measures whose events name their owner and customer only since version 2 (ADR
29): their facts take what they lack from their record."""

_PRODUCT_COLUMNS = {"product_name": "name", "specification": "specification"}
"""The columns of the products table the dimensions of a product's name and
specification read."""

_BY_LINE = ("revenue", "profit", "units", "orders_completed")
"""Completed orders' measures, split by the order's lines when told by product."""

_FRACTION_PLACES = 8
"""Places of a figure (``types.figure``), as SQLite keeps it: decimal text."""

_EXACT_TEXT = 1 + 18 + 1 + _FRACTION_PLACES
"""The longest figure whose integer part SQLite reads as a 64-bit integer for sure: a
sign, 18 digits, the point and the places (a sum past 64 bits fails by itself)."""


def _applies(measure: str, by: Grouping) -> bool:
    """Whether a fact of ``measure`` can be told by every dimension of ``by`` (expenses
    have no customer, so no customer, region or industry; only sales and bookings have
    products)."""
    if OF_PRODUCT.intersection(by) and measure not in PRODUCT_MEASURES:
        return False
    return not (OF_CUSTOMER.intersection(by) and measure == "sales_expense")


@dataclass
class _Found:
    """What the facts add up to by (period index, group), and the currencies of the
    money among them (told by the group or not)."""

    by: Grouping
    tallies: dict[tuple[int, Group], _Tally] = field(default_factory=lambda: defaultdict(_Tally))
    currencies: set[str] = field(default_factory=set)
    customers: bool = True
    """Whether the customer counts were read (``CUSTOMER_COUNTS``)."""

    def add(
        self,
        key: tuple[int, Group],
        measure: str,
        currency: str | None,
        value: Decimal,
        count: int,
    ) -> None:
        if measure in MONEY_MEASURES and currency:
            self.currencies.add(currency)
        if _applies(measure, self.by):
            self.tallies[key].add(measure, currency, value, count)


@dataclass(frozen=True)
class _Span:
    """The periods asked for, as the starts of consecutive periods (index 0 the first)
    and the last day; ``by_day``: a period is one day."""

    starts: Sequence[date]
    end: date
    by_day: bool

    @property
    def whole_months(self) -> bool:
        """Whether every period is made of whole calendar months."""
        return (
            not self.by_day
            and all(start.day == 1 for start in self.starts)
            and (self.end + timedelta(days=1)).day == 1
        )

    def index(self, day: date) -> int:
        return bisect.bisect_right(self.starts, day) - 1

    def bucket(self, day: ColumnElement[Any]) -> ColumnElement[Any]:
        """The period of ``day``: the day itself for days (``index`` maps it later),
        else its index, found by halving the periods in a nested ``CASE``."""
        if self.by_day:
            return day
        return self._halves(day, 0, len(self.starts))

    def _halves(self, day: ColumnElement[Any], low: int, high: int) -> ColumnElement[Any]:
        if high - low == 1:
            return literal_column(str(low), Integer)
        middle = (low + high) // 2
        return case(
            (day < self.starts[middle], self._halves(day, low, middle)),
            else_=self._halves(day, middle, high),
        )

    def period(self, bucket: Any) -> int:
        return self.index(bucket) if self.by_day else int(bucket)


def _exact_sum(conn: Connection, value: ColumnElement[Any]) -> list[ColumnElement[Any]]:
    """The columns that add up ``value`` exactly (``_exact_total`` reads them back):
    PostgreSQL sums its ``NUMERIC``; SQLite, which would sum the decimal text as
    doubles, sums the integer parts and the fractions as integers (and gives the
    longest text: an integer part past 64 bits would be cut by ``CAST``)."""
    if conn.dialect.name != "sqlite":
        return [func.sum(value)]
    point = func.instr(value, ".")
    digits = func.substr(value.concat("0" * _FRACTION_PLACES), point + 1, _FRACTION_PLACES)
    fraction = case((point == 0, 0), else_=cast(digits, Integer))
    signed = case((func.substr(value, 1, 1) == "-", -fraction), else_=fraction)
    return [func.sum(cast(value, Integer)), func.sum(signed), func.max(func.length(value))]


def _exact_total(row: Sequence[Any]) -> Decimal:
    if len(row) == 1:
        return Decimal(row[0] or 0)
    whole, fraction, longest = row
    if (longest or 0) > _EXACT_TEXT:
        raise OverflowError("a KPI figure past 18 integer digits cannot be summed exactly here")
    return Decimal(whole or 0) + Decimal(fraction or 0).scaleb(-_FRACTION_PLACES)


def _teams(tables: Mapping[str, Table]) -> FromClause:
    """Each team history entry as an interval of days: from its day (the first entry
    of an employee from any day before) to the next entry's day (the last: on)."""
    h = tables["team_history"]
    order = (h.c.effective_on, h.c.position)
    first = func.row_number().over(partition_by=h.c.employee_id, order_by=order) == 1
    return select(
        h.c.employee_id,
        h.c.team,
        case((first, null()), else_=h.c.effective_on).label("since"),
        func.lead(h.c.effective_on).over(partition_by=h.c.employee_id, order_by=order).label("to"),
    ).subquery("teams")


def _joined_team(
    source: FromClause, tables: Mapping[str, Table], rep: Any, day: Any
) -> tuple[FromClause, ColumnElement[Any]]:
    """``source`` joined with the team ``rep`` was in on ``day``, and that team
    (``NO_TEAM`` for a rep without a team history, ``None`` without a rep)."""
    t = _teams(tables)
    joined = source.outerjoin(
        t,
        and_(
            t.c.employee_id == rep,
            or_(t.c.since.is_(None), day >= t.c.since),
            or_(t.c.to.is_(None), day < t.c.to),
        ),
    )
    team = case((rep.is_(None), null()), else_=func.coalesce(t.c.team, NO_TEAM))
    return joined, team


def _resolved(
    tables: Mapping[str, Table],
    start: date,
    end: date,
    people: frozenset[str] | None,
    *,
    unnamed_only: bool = False,
    measure: str | None = None,
) -> FromClause:
    """The facts with days in ``start``..``end`` as the figures count them: a version 1
    event's owner and customer from its record, a score without an owner given the
    owner of the customer's latest order completed up to its day, only those of
    ``people`` (``None``: everyone's); ``unnamed_only``: only the facts that name no
    representative (those the sums leave out); ``measure``: only that measure's facts,
    each resolved once (kept: ``MATERIALIZED``), where SQLite would otherwise work a
    fact's owner and company out again for each use of them (the customer counts'
    statement for a quarter at 1M events: 59 -> 52 ms, ADR 72)."""
    f, r = tables["facts"], tables["records"]
    c = f.alias("completion")
    of_record = f.c.measure.in_(_OF_RECORD)

    def of_its_record(column: ColumnElement[Any]) -> ColumnElement[Any]:
        # a version 1 event's fact names neither: its record's, looked up only then
        found = select(column).where(r.c.record_id == f.c.record_id).correlate(f)
        return case((of_record, found.scalar_subquery()))

    owner = func.coalesce(f.c.rep_id, of_its_record(r.c.owner_id))
    customer = func.coalesce(f.c.customer_id, of_its_record(r.c.customer_id))
    merged = _merges(tables, "merged")
    latest_owner = (
        select(c.c.rep_id)
        .where(c.c.measure == "orders_completed", c.c.customer_id == customer, c.c.day <= f.c.day)
        .order_by(c.c.day.desc(), c.c.position.desc())
        .limit(1)
        .scalar_subquery()
    )
    scored = and_(f.c.measure == "satisfaction", owner.is_(None), customer.is_not(None))
    rep = case((scored, latest_owner), else_=owner)
    query = select(
        f.c.day,
        f.c.position,
        f.c.measure,
        f.c.value,
        f.c.currency,
        rep.label("rep_id"),
        func.coalesce(merged.c.merged_into, customer).label("customer_id"),
        f.c.product_code,
        f.c.record_id,
    ).select_from(f.outerjoin(merged, merged.c.customer_id == customer))
    query = query.where(f.c.day >= start, f.c.day <= end)
    if unnamed_only:
        query = query.where(f.c.rep_id.is_(None))
    if people is not None:
        query = query.where(rep.in_(sorted(people)))
    if measure is not None:
        return query.where(f.c.measure == measure).cte("resolved").prefix_with("MATERIALIZED")
    return query.subquery("resolved")


class _Reading(NamedTuple):
    """One request's connection, tables, periods, grouping and readable people (``None``:
    everyone's), and what it found so far."""

    conn: Connection
    tables: Mapping[str, Table]
    span: _Span
    by: Grouping
    people: frozenset[str] | None
    found: _Found


def _grouping(
    facts: FromClause, tables: Mapping[str, Table], by: Grouping
) -> tuple[FromClause, list[ColumnElement[Any]], list[ColumnElement[Any]]]:
    """The resolved ``facts`` with what the groups need joined, the group of a row in
    each dimension of ``by``, and by a product's dimension the quantity, price and cost
    of the order line a completed order's fact is split into (none for the other
    facts, nor by the other dimensions)."""
    source: FromClause = facts
    groups: list[ColumnElement[Any]] = []
    lines: list[ColumnElement[Any]] = []
    product: ColumnElement[Any] = facts.c.product_code
    if OF_PRODUCT.intersection(by):
        r, ol = tables["records"].alias("ordered"), tables["order_lines"]
        split = and_(r.c.record_id == facts.c.record_id, facts.c.measure.in_(_BY_LINE))
        source = source.outerjoin(r, split).outerjoin(
            ol, and_(ol.c.order_id == r.c.record_id, ol.c.revision == r.c.revision)
        )
        product = case((ol.c.order_id.is_(None), facts.c.product_code), else_=ol.c.product_code)
        lines = [ol.c.quantity, ol.c.unit_price, ol.c.unit_cost]
    if {"product_name", "specification"}.intersection(by):
        p = tables["products"].alias("product_of")
        source = source.outerjoin(p, p.c.product_code == product)
    if {"region", "industry"}.intersection(by):
        cu = tables["customers"].alias("customer_of")
        source = source.outerjoin(cu, cu.c.customer_id == facts.c.customer_id)
    for dim in by:
        if dim == "product":
            groups.append(product)
        elif dim in _PRODUCT_COLUMNS:
            groups.append(p.c[_PRODUCT_COLUMNS[dim]])
        elif dim in ("region", "industry"):
            groups.append(cu.c[dim])
        elif dim == "customer":
            groups.append(facts.c.customer_id)
        elif dim == "rep":
            groups.append(facts.c.rep_id)
        elif dim == "team":
            source, team = _joined_team(source, tables, facts.c.rep_id, facts.c.day)
            groups.append(team)
        elif dim == "total":
            groups.append(null())
        else:
            raise ValueError(f"unknown grouping {dim!r}")
    return source, groups, lines


_SUMMED = ("total", "rep", "team")
"""The groupings the sums by day and month can tell (``rollup``): a fact's customer and
product are not kept there."""


def _sums(read: _Reading) -> None:
    """Add the facts' sums and counts by period, group, measure and currency (by
    product, completed orders by their lines' product, quantity and prices): by total,
    representative or team from the sums kept as facts are recorded, and the facts that
    name no representative; by the others, or from a view built before the sums were
    kept (it serves until rebuilt), from every fact."""
    conn, tables, span, by, people, found = read
    summed = len(by) == 1 and by[0] in _SUMMED and built_by(tables, Kpi) >= Kpi.SUMS_SINCE
    if summed:
        _summed(read)
    facts = _resolved(tables, span.starts[0], span.end, people, unnamed_only=summed)
    source, groups, lines = _grouping(facts, tables, by)
    width = len(groups)
    keys = [
        span.bucket(facts.c.day).label("bucket"),
        *(group.label(f"grp_{n}") for n, group in enumerate(groups)),
        facts.c.measure,
        facts.c.currency,
        *(line.label(f"line_{index}") for index, line in enumerate(lines)),
    ]
    inner = select(*keys, facts.c.value).select_from(source).subquery("keyed")
    grouped = [inner.c[key.name] for key in keys]
    totals = _exact_sum(conn, inner.c.value)
    query = select(*grouped, func.count(), *totals).group_by(*grouped)
    for row in conn.execute(query):
        bucket, group_key = row[0], tuple(row[1 : 1 + width])
        measure, currency = row[1 + width : 3 + width]
        after = 3 + width
        line, count = row[after : after + len(lines)], row[after + len(lines)]
        if line and line[0] is not None:
            value = count * _line_value(measure, *line)
        else:
            value = _exact_total(row[after + 1 + len(lines) :])
        found.add((span.period(bucket), group_key), measure, currency, value, count)


def _summed(read: _Reading) -> None:
    """Add the sums of the facts that name their representative: by month when every
    period asked for is made of whole months (and the team is not asked: a change of
    team takes effect on a day), else by day."""
    conn, tables, span, (by,), people, found = read
    s = tables["sums_by_month" if span.whole_months and by != "team" else "sums_by_day"]
    group: ColumnElement[Any] = null()
    source: FromClause = s
    if by == "rep":
        group = s.c.rep_id
    elif by == "team":
        source, group = _joined_team(s, tables, s.c.rep_id, s.c.day)
    keys = [span.bucket(s.c.day).label("bucket"), group.label("grp"), s.c.measure, s.c.currency]
    parts = [s.c[part] for part in LIMB_COLUMNS]
    inner = select(*keys, s.c.facts, *parts).select_from(source)
    inner = inner.where(s.c.day >= span.starts[0], s.c.day <= span.end)
    if people is not None:
        inner = inner.where(s.c.rep_id.in_(sorted(people)))
    keyed = inner.subquery("summed")
    grouped = [keyed.c[key.name] for key in keys]
    totals = [func.sum(keyed.c.facts), *(func.sum(keyed.c[part]) for part in LIMB_COLUMNS)]
    for bucket, group_key, measure, currency, count, *summed in conn.execute(
        select(*grouped, *totals).group_by(*grouped)
    ):
        key = (span.period(bucket), (group_key,))
        found.add(key, measure, currency or None, from_limbs(summed), count)


def _line_value(measure: str, quantity: Decimal, price: Decimal, cost: Decimal) -> Decimal:
    """One order line's share of a completed order's ``measure``."""
    return {
        "revenue": quantity * price,
        "profit": quantity * (price - cost),
        "units": quantity,
        "orders_completed": Decimal(1),
    }[measure]


def _customers(read: _Reading) -> None:
    """The distinct customers with an order completed in each period and group, and
    those of them whose first (new) or second (repeat) completed order ever it was
    (earliest day, then log position); a record merged into another counts as that one
    (its orders are that company's, ADR 47)."""
    conn, tables, span, by, people, found = read
    facts = _resolved(tables, span.starts[0], span.end, people, measure="orders_completed")
    source, groups, _ = _grouping(facts, tables, by)
    labelled = [group.label(f"grp_{n}") for n, group in enumerate(groups)]
    orders = (
        select(
            span.bucket(facts.c.day).label("bucket"),
            *labelled,
            facts.c.customer_id.label("customer"),
            _orders_before(tables, facts).label("before"),
        )
        .select_from(source)
        .where(facts.c.measure == "orders_completed", facts.c.customer_id.is_not(None))
        .cte("served_orders")
        .prefix_with("MATERIALIZED")  # each order's earlier ones counted once
    )
    customer = orders.c.customer
    inner = select(
        *(c for c in orders.c if c.name != "before"),
        case((orders.c.before == 0, customer)).label("new"),
        case((orders.c.before == 1, customer)).label("again"),
    ).subquery("served")
    grouped = [inner.c.bucket, *(inner.c[group.name] for group in labelled)]
    query = select(
        *grouped,
        func.count(inner.c.customer.distinct()),
        func.count(inner.c.new.distinct()),
        func.count(inner.c.again.distinct()),
    ).group_by(*grouped)
    for row in conn.execute(query):
        bucket, group_key = row[0], tuple(row[1 : len(grouped)])
        served, new, repeat = row[len(grouped) :]
        tally = found.tallies[(span.period(bucket), group_key)]
        tally.served, tally.new, tally.repeat = served, new, repeat


def _merges(tables: Mapping[str, Table], name: str) -> FromClause:
    """The customer records merged into another (ADR 47) and the record each was merged
    into: a handful beside the tens of thousands of customers, found by their index and
    kept (``MATERIALIZED``), so that a fact's company is a look-up among them, not a
    join with every customer (PostgreSQL hashed all 43,000 for each use, ADR 73)."""
    c = tables["customers"]
    merged = select(c.c.customer_id, c.c.merged_into).where(c.c.merged_into.is_not(None))
    return merged.cte(name).prefix_with("MATERIALIZED")


def _orders_before(tables: Mapping[str, Table], order: FromClause) -> ColumnElement[Any]:
    """How many completed orders of the company ``order``'s ``customer_id`` names came
    before it (earlier day, or the same day and an earlier log position), counted up to
    two (0: its first order, 1: its second): its own, and those of the records merged
    into it (ADR 47).  Each is a search of the company's orders in their index, stopped
    at two, instead of numbering every order of the companies served: the customer
    counts of a quarter's 3,500 orders at a year of history went from 50-80 to 24-35 ms
    on SQLite (ADR 73).  The two are searched apart: one search of both made SQLite scan
    every completed order."""
    f, merged = tables["facts"], _merges(tables, "merged_before")

    def up_to_two(e: FromClause, *of_company: ColumnElement[bool]) -> ColumnElement[Any]:
        earlier = tuple_(e.c.day, e.c.position) < tuple_(order.c.day, order.c.position)
        found = select(e.c.position).where(e.c.measure == "orders_completed", earlier)
        found = found.correlate(order)
        two = found.where(*of_company).limit(2).subquery()
        return select(func.count()).select_from(two).scalar_subquery()

    own, of_merged = f.alias("earlier_own"), f.alias("earlier_merged")
    return up_to_two(own, own.c.customer_id == order.c.customer_id) + up_to_two(
        of_merged,
        of_merged.c.customer_id == merged.c.customer_id,
        merged.c.merged_into == order.c.customer_id,
    )


def _expenses(read: _Reading) -> None:
    """Approved sales expenses by the period they were incurred in and the employee
    (by rep), the employee's team then (by team), or in one group (the others: an
    expense has no customer or product, so they count only for the currency)."""
    conn, tables, span, by, people, found = read
    e = tables["expenses"]
    source: FromClause = e
    groups: list[ColumnElement[Any]] = []
    for dim in by:
        if dim == "rep":
            groups.append(e.c.employee_id)
        elif dim == "team":
            source, team = _joined_team(source, tables, e.c.employee_id, e.c.incurred_on)
            groups.append(team)
        else:
            groups.append(null())
    labelled = [group.label(f"grp_{n}") for n, group in enumerate(groups)]
    keys = [span.bucket(e.c.incurred_on).label("bucket"), *labelled, e.c.currency]
    inner = select(*keys, e.c.amount).select_from(source)
    inner = inner.where(
        e.c.status == "approved", e.c.incurred_on >= span.starts[0], e.c.incurred_on <= span.end
    )
    if people is not None:
        inner = inner.where(e.c.employee_id.in_(sorted(people)))
    keyed = inner.subquery("spent")
    grouped = [keyed.c[key.name] for key in keys]
    query = select(*grouped, func.count(), *_exact_sum(conn, keyed.c.amount)).group_by(*grouped)
    width = len(labelled)
    for row in conn.execute(query):
        bucket, group_key = row[0], tuple(row[1 : 1 + width])
        currency, count = row[1 + width : 3 + width]
        key = (span.period(bucket), group_key)
        found.add(key, "sales_expense", currency, _exact_total(row[3 + width :]), count)


def _amendments(read: _Reading) -> None:
    """Net the bookings of each signed amendment in the span: the lines of the revision
    it replaces, taken off on the amendment's day, for its owner and customer."""
    conn, tables, span, by, people, found = read
    f = tables["facts"]
    signed = conn.execute(
        select(f.c.day, f.c.rep_id, f.c.customer_id, f.c.record_id, f.c.amends)
        .where(f.c.measure == "bookings", f.c.amends.is_not(None))
        .where(f.c.day >= span.starts[0], f.c.day <= span.end)
        .order_by(f.c.position, f.c.seq)
    ).all()
    amendments = {(row.record_id, row.amends): row for row in signed}
    if not amendments:
        return
    contracts = sorted({contract for contract, _ in amendments})
    replaced = conn.execute(
        select(f.c.record_id, f.c.revision, f.c.value, f.c.currency, f.c.product_code).where(
            f.c.measure == "bookings", f.c.record_id.in_(contracts)
        )
    ).all()
    customers = [row.customer_id for row in signed]
    group_of = [_offset_grouper(conn, tables, dim, customers) for dim in by]
    for old in replaced:
        amendment = amendments.get((old.record_id, old.revision))
        if amendment is None or (people is not None and amendment.rep_id not in people):
            continue
        group = tuple(of(amendment, old.product_code) for of in group_of)
        key = (span.index(amendment.day), group)
        found.add(key, "bookings", old.currency, -Decimal(old.value), 1)


def _offset_grouper(
    conn: Connection, tables: Mapping[str, Table], by: str, customers: Sequence[str | None]
) -> Any:
    """The group of an amendment's offset (by its row and the replaced line's product)."""
    if by == "rep":
        return lambda row, product: row.rep_id
    if by == "product":
        return lambda row, product: product
    if by == "customer":
        cu = tables["customers"]
        merged = conn.execute(select(cu.c.customer_id, cu.c.merged_into)).all()
        survivor = {row.customer_id: row.merged_into for row in merged if row.merged_into}
        return lambda row, product: survivor.get(row.customer_id, row.customer_id)
    if by in ("product_name", "specification"):
        p = tables["products"]
        column = p.c[_PRODUCT_COLUMNS[by]].label("attribute")
        found_products = conn.execute(select(p.c.product_code, column))
        attributes = {row.product_code: row.attribute for row in found_products}
        return lambda row, product: attributes.get(product)
    if by == "team":
        history = team_history(conn, tables)
        return lambda row, product: _team_on(history, row.rep_id, row.day)
    if by in ("region", "industry"):
        cu = tables["customers"]
        wanted = sorted({c for c in customers if c is not None})
        found = conn.execute(
            select(cu.c.customer_id, cu.c[by].label("attribute")).where(
                cu.c.customer_id.in_(wanted)
            )
        )
        attribute = {row.customer_id: row.attribute for row in found}
        return lambda row, product: attribute.get(row.customer_id or "")
    return lambda row, product: None


def _tallies(
    engine: Engine,
    tables: Mapping[str, Table],
    starts: Sequence[date],
    end: date,
    *,
    by: Grouping,
    by_day: bool,
    people: frozenset[str] | None,
    customers: bool = True,
) -> _Found:
    """What the facts (and approved expenses) with days from ``starts[0]`` to ``end``
    add up to, by period (the index of its start in ``starts``) and group ``by``, money
    in every currency; only those of ``people`` when given; the customer counts only
    with ``customers``."""
    span = _Span(starts, end, by_day)
    found = _Found(by, customers=customers)
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # PostgreSQL prices the subqueries high and compiles the query (JIT): 0.7-1 s
            # on a year of facts that it then reads in 30 ms.  Off for this transaction.
            conn.execute(text("SET LOCAL jit = off"))
        read = _Reading(conn, tables, span, by, people, found)
        _sums(read)
        if customers:
            _customers(read)
        _expenses(read)
        _amendments(read)
    return found
