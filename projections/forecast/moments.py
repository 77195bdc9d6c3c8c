"""Each opportunity as it stood at given moments: as it stands on its ``deals`` row
when no change is later than the moments (the forecast now), else folded from the
forecast view's ``changes`` rows (read for one period's deals only, never the whole
log)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal, NamedTuple

from salesdomain.projections.access import sales_readable
from salesdomain.projections.forecast.projection import OPEN, WON
from sqlalchemy import Select, String, Table, and_, case, func, literal, or_, select, type_coerce
from sqlalchemy.engine import Engine

from salesdomain.access import Reader
from salesdomain.opportunities.values import ForecastCategory

NO_TEAM = "(no team)"
"""The team of a deal whose owner is on no team in the view."""


class DealThen(NamedTuple):
    """An opportunity as it stood at a moment: what the forecast counts of it (a named
    tuple: the forecast builds one per deal of the period, thousands per request at a
    year of history, where a frozen dataclass cost five times as long to make)."""

    opportunity_id: str
    title: str
    customer_name: str
    owner_id: str
    owner_name: str
    team: str
    category: ForecastCategory
    reviewed: bool
    """Whether the category standing then was the manager's review."""
    expected_close: date
    amount: Decimal
    currency: str
    outcome: str
    """``open``, ``won`` or ``lost``."""
    closed_on: date | None
    """The UTC day it was won or lost."""


def start_of(day: date) -> datetime:
    """The first moment of ``day`` (UTC)."""
    return datetime.combine(day, time(), UTC)


def deals_at(
    engine: Engine,
    tables: Mapping[str, Table],
    start: date,
    end: date,
    moments: Sequence[datetime],
    reader: Reader | None,
) -> list[list[DealThen]]:
    """For each of ``moments``, every deal of the period ``start``..``end`` as it stood
    then: those whose expected close ever lay in the period and those won in it (other
    deals count for nothing in it).  A deal is as its changes stamped at or before the
    moment left it; one opened later is not there.

    Moments at or after the latest change the view holds (the forecast now) read each
    deal as it stands (``deals``); earlier ones fold the deals' ``changes`` up to them."""
    if after_every_change(engine, tables, min(moments)):
        now = [
            _then(row, row._mapping, row.closed_at)
            for row in _current(engine, tables, start, end, reader)
        ]
        return [list(now) for _ in moments]
    rows = _rows(engine, tables, start, end, max(moments), reader)
    order = sorted(range(len(moments)), key=lambda n: moments[n])
    found: list[list[DealThen]] = [[] for _ in moments]
    for deal_rows in _by_deal(rows):
        for n, then in zip(order, _folded(deal_rows, [moments[n] for n in order]), strict=True):
            if then is not None:
                found[n].append(then)
    return found


def after_every_change(engine: Engine, tables: Mapping[str, Table], moment: datetime) -> bool:
    """Whether no change the view holds is stamped after ``moment``."""
    changes = tables["changes"]
    with engine.connect() as conn:
        latest = conn.execute(select(func.max(changes.c.at))).scalar_one_or_none()
    return latest is None or latest <= moment


By = Literal["rep", "team", "company"]
COMPANY = "company"


class Counted(NamedTuple):
    """What one deal adds to a forecast line: its group (id and name), currency and
    measure (``won``, or the category of an open deal), and the amount."""

    group: str
    name: str
    currency: str
    measure: str
    amount: Decimal


def counted_now(
    engine: Engine,
    tables: Mapping[str, Table],
    start: date,
    end: date,
    reader: Reader | None,
    by: By,
) -> list[Counted]:
    """What the deals the forecast of the period ``start``..``end`` counts add to it as
    they stand now (a moment after every change, ``deals_at``), by ``by``: those open
    and expected to close in it (by category) and those won in it, found by the indexes
    of their outcome (ADR 72), not among every deal whose expected close ever lay in the
    period; their columns read as stored, not as a ``DealThen`` each (3,500 deals of a
    quarter at a year of history: 72 -> 15 ms)."""
    d, owners = tables["deals"].c, tables["owners"]
    counted = or_(
        and_(d.outcome == OPEN, d.expected_close.between(start, end)),
        and_(d.outcome == WON, *_won_within(d.closed_at, start, end)),
    )
    team = func.coalesce(owners.c.team, NO_TEAM)
    group, name = {
        "rep": (d.owner_id, d.owner_name),
        "team": (team, team),
        "company": (literal(COMPANY), literal(COMPANY)),
    }[by]
    query = (
        select(
            group,
            name,
            d.currency,
            case((d.outcome == WON, "won"), else_=d.category),
            type_coerce(d.amount, String),  # the stored text (SQLite) or NUMERIC
        )
        .select_from(tables["deals"].outerjoin(owners, owners.c.employee_id == d.owner_id))
        .where(counted)
    )
    query = query.where(sales_readable(d.owner_id, reader))
    with engine.connect() as conn:
        return [
            Counted(group, name, currency, measure, Decimal(amount))
            for group, name, currency, measure, amount in conn.execute(query).all()
        ]


def _won_within(closed_at: Any, start: date, end: date) -> tuple[Any, Any]:
    return closed_at >= start_of(start), closed_at < start_of(end + timedelta(days=1))


def _of_period(
    tables: Mapping[str, Table],
    start: date,
    end: date,
    reader: Reader | None,
    state: Sequence[Any],
    source: Any,
    deal_id: Any,
    chosen_deals: Any = None,
) -> Select[Any]:
    """The ``state`` columns of ``source`` beside each deal's owner, title and customer,
    for the deals of the period (whose expected close ever lay in it, and those won in
    it; ``chosen_deals``: those of that condition instead) that ``reader`` may read
    (``deal_id``: the deal's column in ``source``)."""
    c, d, owners = tables["changes"].c, tables["deals"].c, tables["owners"]
    if chosen_deals is None:
        closing_in = select(c.opportunity_id).where(c.expected_close.between(start, end))
        won_in = select(d.opportunity_id).where(
            d.outcome == WON, *_won_within(d.closed_at, start, end)
        )
        chosen_deals = or_(deal_id.in_(closing_in), deal_id.in_(won_in))
    chosen = (
        select(*state, d.title, d.customer_name, d.owner_id, d.owner_name, owners.c.team)
        .select_from(source.outerjoin(owners, owners.c.employee_id == d.owner_id))
        .where(chosen_deals)
    )
    return chosen.where(sales_readable(d.owner_id, reader))


def _current(
    engine: Engine,
    tables: Mapping[str, Table],
    start: date,
    end: date,
    reader: Reader | None,
    chosen_deals: Any = None,
) -> list[Any]:
    """Each deal of the period (``chosen_deals``: of that condition) as its row holds it
    now, by deal."""
    deals = tables["deals"]
    d = deals.c
    state = [
        d.opportunity_id,
        *(d[column] for column in _STATE),
        d.outcome,
        case((d.outcome == OPEN, None), else_=d.closed_at).label("closed_at"),
    ]
    chosen = _of_period(tables, start, end, reader, state, deals, d.opportunity_id, chosen_deals)
    with engine.connect() as conn:
        return list(conn.execute(chosen.order_by(d.opportunity_id)).all())


def _rows(
    engine: Engine,
    tables: Mapping[str, Table],
    start: date,
    end: date,
    latest: datetime,
    reader: Reader | None,
) -> list[Any]:
    """Every change stamped by ``latest`` of each deal of the period, by deal, in the
    order recorded."""
    changes, deals = tables["changes"], tables["deals"]
    c = changes.c
    state = [c.opportunity_id, c.at, *(c[column] for column in _STATE), c.outcome]
    source = changes.join(deals, deals.c.opportunity_id == c.opportunity_id)
    chosen = _of_period(tables, start, end, reader, state, source, c.opportunity_id)
    with engine.connect() as conn:
        ordered = chosen.where(c.at <= latest).order_by(c.opportunity_id, c.position)
        return list(conn.execute(ordered).all())  # fetched at once: tens of thousands


def _by_deal(rows: Iterable[Any]) -> Iterable[list[Any]]:
    current: list[Any] = []
    for row in rows:
        if current and row.opportunity_id != current[0].opportunity_id:
            yield current
            current = []
        current.append(row)
    if current:
        yield current


_STATE = ("category", "reviewed", "expected_close", "amount", "currency")


def _folded(rows: Sequence[Any], moments: Sequence[datetime]) -> list[DealThen | None]:
    """The deal as its rows left it at each of ``moments`` (in time order): one pass over
    its rows, which follow the opportunity's events, stamped in the order recorded."""
    state: dict[str, Any] = {}
    closed_at: datetime | None = None
    then: DealThen | None = None
    found: list[DealThen | None] = []
    n = 0
    for moment in moments:
        changed = False
        while n < len(rows) and rows[n].at <= moment:
            row = rows[n]
            n += 1
            changed = True
            for column in _STATE:
                value = getattr(row, column)
                if value is not None:
                    state[column] = value
            if row.outcome is not None:
                state["outcome"] = row.outcome
                closed_at = None if row.outcome == OPEN else row.at
        if changed and "outcome" in state:
            then = _then(rows[0], state, closed_at)
        found.append(then)
    return found


def _then(first: Any, state: Mapping[str, Any], closed_at: datetime | None) -> DealThen:
    return DealThen(
        opportunity_id=first.opportunity_id,
        title=first.title,
        customer_name=first.customer_name,
        owner_id=first.owner_id,
        owner_name=first.owner_name,
        team=first.team or NO_TEAM,
        category=ForecastCategory(state["category"]),
        reviewed=bool(state["reviewed"]),
        expected_close=state["expected_close"],
        amount=Decimal(state["amount"]),
        currency=state["currency"],
        outcome=state["outcome"],
        closed_on=None if closed_at is None else closed_at.astimezone(UTC).date(),
    )
