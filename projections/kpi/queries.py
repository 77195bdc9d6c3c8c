"""KPIs (SOP 3.3.1, 4.1.2, 4.2.1): facts by day, customer, product and employee, and the
figures, growth and target attainment computed from them.

The pure function turns events into **facts** (one ``Insert`` per fact: the day it
counts on, a measure, a value and the dimensions it belongs to) and **dimension** rows
(mostly ``Upsert``): ``customers`` (name, region, industry), ``employees`` (name, team,
manager) with their ``team_history`` (so a fact counts for the team its rep was in on
its day), ``people`` (names given when acting, for labels without an employee record),
``records`` (each opportunity, order, service case and survey with its customer and
owner; an order with the contract revision it follows), ``order_lines`` (per order and
revision), ``products``, ``targets`` with ``target_figures``, and ``expenses``.  A fact
whose event does not name its customer or owner (a visit, a won or lost opportunity, a
survey response, a service case's answer) names its *record*; queries resolve it there.

Facts (``day`` is the business date where the event has one, else the event's UTC date):

============================  ==========================================================
measure (value)               from
============================  ==========================================================
``bookings`` (amount)         ``Contract.Signed``: one fact per contract line (product),
                              day ``signed_on``, rep = the contract's owner.  A signed
                              amendment counts net: the query subtracts the lines of the
                              revision it replaces, on the amendment's day.
``revenue`` (amount),         ``Order.Completed`` (everything delivered and its receipt
``profit`` (amount - cost),   confirmed): day ``delivered_on`` (the last receipt), rep =
``units`` (quantity),         the order's owner.  By product, the query splits them over
``orders_completed`` (1)      the order's lines (``order_lines``, from ``Order.Entered``
                              and ``Order.ContractAmended``, the revision in force).
(the same four)               ``HistoricalOrder.Imported`` (SOP 4.1.2, orders taken over
                              from another system): day ``delivered_on``, rep = its
                              ``owner_id`` if the file named one.
``cancelled`` (amount)        ``Order.Cancelled``, day of cancellation (not netted from
                              bookings: bookings are what was signed).
``visits`` (1)                ``Opportunity.ContactLogged`` whose channel
                              ``is_visit`` (a visit or online meeting), day
                              ``occurred_on``, rep = the opportunity's owner.
``won`` / ``lost`` (1)        ``Opportunity.QuoteAccepted`` / ``Opportunity.Lost``, rep =
                              the opportunity's owner.
``satisfaction`` (1-5)        each ``SatisfactionSurvey.ResponseRecorded`` (day recorded)
                              and ``ServiceVisit.Recorded`` (day ``visited_on``); rep = the
                              order's owner for a visit about an order, else the owner
                              of the customer's latest completed order up to that day.
``service_responses`` (1),    ``ServiceCase.Responded`` (day ``responded_at``), rep = the
``service_on_time`` (0 or 1)  employee who answered; on time = ``within_time_limit``.
============================  ==========================================================

``sales_expense`` is not a fact row: it is read from ``expenses`` (approved expenses,
on the day they were incurred; ``SalesExpense.Approved`` does not carry that day).

Figures (``kpi_table``, ``kpi_for_employee``) of a period and group:

* sums of the facts above (money only in the report's currency);
* ``customers_served``: distinct customers with an order completed in the period;
* ``new_customers``: customers whose **first completed order** (ever; earliest day,
  then log position) is in the period, credited to that order's owner;
* ``repeat_customers`` (loyalty): customers whose **second** completed order (ever)
  is in the period;
* ``conversion_rate``: won / (won + lost) of the opportunities closed in the period;
* ``sales_expense``: approved sales expenses incurred in the period;
* ``satisfaction``: the average of the scores; ``service_on_time_rate``: on time /
  responses.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    and_,
    func,
    select,
)
from sqlalchemy.engine import Connection, Engine

from projections.changes import Insert, RowChange, Update, Upsert
from projections.projection import Projection, event_name
from projections.types import UtcDateTime

Grain = Literal["day", "month", "quarter", "year"]
GroupBy = Literal["rep", "team", "region", "industry", "product", "total"]

MONEY_MEASURES = frozenset({"revenue", "profit", "bookings", "cancelled", "sales_expense"})
PRODUCT_MEASURES = frozenset(
    {
        "revenue",
        "units",
        "profit",
        "bookings",
        "orders_completed",
        "customers_served",
        "new_customers",
        "repeat_customers",
    }
)
"""The measures that can be told by product; the others are ``None`` by product."""
TARGET_MEASURES = ("revenue", "profit", "units", "new_customers", "visits")
"""The figures a sales target sets (``people.values.TargetFigures``)."""
INDICATOR_ALIASES = {"loyalty": "repeat_customers", "expense_control": "sales_expense"}
"""Names of the KPI system's indicators (``performance.values.Indicator``) that differ
from the measure they are taken from."""

UNASSIGNED = "(unassigned)"
NO_TEAM = "(no team)"
UNKNOWN = "(unknown)"

_CENT = Decimal("0.01")
_RATE = Decimal("0.0001")


# ---- the projection ------------------------------------------------------------------


class Kpi(Projection):
    name = "kpi"

    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        facts = Table(
            f"{prefix}facts",
            metadata,
            Column("position", Integer, primary_key=True),
            Column("seq", Integer, primary_key=True),
            Column("occurred_at", UtcDateTime, nullable=False),
            Column("day", Date, nullable=False),
            Column("measure", String(40), nullable=False),
            Column("value", Numeric(24, 6), nullable=False),
            Column("currency", String(3)),
            Column("rep_id", String(36)),
            Column("customer_id", String(36)),
            Column("product_code", String(32)),
            Column("record_id", String(36)),
            Column("revision", Integer),
            Column("amends", Integer),
        )
        Index(f"{prefix}facts_by_day", facts.c.day)
        Index(f"{prefix}facts_by_record", facts.c.measure, facts.c.record_id)
        customers = Table(
            f"{prefix}customers",
            metadata,
            Column("customer_id", String(36), primary_key=True),
            Column("name", String(300), nullable=False),
            Column("region", String(100), nullable=False),
            Column("industry", String(100), nullable=False),
            Column("registered_at", UtcDateTime, nullable=False),
        )
        employees = Table(
            f"{prefix}employees",
            metadata,
            Column("employee_id", String(36), primary_key=True),
            Column("name", String(200), nullable=False),
            Column("team", String(200), nullable=False),
            Column("manager_id", String(36)),
            Column("active", Boolean, nullable=False),
            Column("left_on", Date),
        )
        team_history = Table(
            f"{prefix}team_history",
            metadata,
            Column("position", Integer, primary_key=True),
            Column("employee_id", String(36), nullable=False),
            Column("team", String(200), nullable=False),
            Column("effective_on", Date, nullable=False),
        )
        people = Table(
            f"{prefix}people",
            metadata,
            Column("employee_id", String(36), primary_key=True),
            Column("name", String(200)),
        )
        records = Table(
            f"{prefix}records",
            metadata,
            Column("record_id", String(36), primary_key=True),
            Column("kind", String(20), nullable=False),
            Column("customer_id", String(36)),
            Column("owner_id", String(36)),
            Column("owner_name", String(200)),
            Column("revision", Integer),
        )
        order_lines = Table(
            f"{prefix}order_lines",
            metadata,
            Column("order_id", String(36), primary_key=True),
            Column("revision", Integer, primary_key=True),
            Column("product_code", String(32), primary_key=True),
            Column("quantity", Numeric(24, 6), nullable=False),
            Column("unit_price", Numeric(24, 6), nullable=False),
            Column("unit_cost", Numeric(24, 6), nullable=False),
            Column("currency", String(3), nullable=False),
        )
        products = Table(
            f"{prefix}products",
            metadata,
            Column("product_code", String(32), primary_key=True),
            Column("name", String(300), nullable=False),
            Column("specification", String(300), nullable=False),
        )
        targets = Table(
            f"{prefix}targets",
            metadata,
            Column("target_id", String(36), primary_key=True),
            Column("subject_kind", String(20), nullable=False),
            Column("employee_id", String(36)),
            Column("team", String(200)),
            Column("period", String(8), nullable=False),
        )
        target_figures = Table(
            f"{prefix}target_figures",
            metadata,
            Column("target_id", String(36), primary_key=True),
            Column("measure", String(40), primary_key=True),
            Column("value", Numeric(24, 6)),
            Column("currency", String(3)),
        )
        expenses = Table(
            f"{prefix}expenses",
            metadata,
            Column("expense_id", String(36), primary_key=True),
            Column("employee_id", String(36), nullable=False),
            Column("incurred_on", Date, nullable=False),
            Column("amount", Numeric(24, 6), nullable=False),
            Column("currency", String(3), nullable=False),
            Column("status", String(12), nullable=False),
        )
        Index(f"{prefix}expenses_by_day", expenses.c.incurred_on)
        return {
            "facts": facts,
            "customers": customers,
            "employees": employees,
            "team_history": team_history,
            "people": people,
            "records": records,
            "order_lines": order_lines,
            "products": products,
            "targets": targets,
            "target_figures": target_figures,
            "expenses": expenses,
        }

    def changes(self, event: Any, position: int) -> list[RowChange]:
        handler = _HANDLERS.get(event_name(event))
        return [] if handler is None else handler(event, position)


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def _utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


class _Facts:
    """Builds the fact rows of one event, numbered in order; every row has every column
    (so the runner sends a batch of facts as one ``executemany``)."""

    def __init__(self, event: Any, position: int) -> None:
        self.event = event
        self.position = position
        self.rows: list[RowChange] = []

    def add(
        self,
        measure: str,
        value: Decimal | int,
        *,
        day: date,
        currency: str | None = None,
        rep: Any = None,
        customer: Any = None,
        product: str | None = None,
        record: Any = None,
        revision: int | None = None,
        amends: int | None = None,
    ) -> None:
        self.rows.append(
            Insert(
                "facts",
                {
                    "position": self.position,
                    "seq": len(self.rows),
                    "occurred_at": self.event.timestamp,
                    "day": day,
                    "measure": measure,
                    "value": Decimal(value),
                    "currency": currency,
                    "rep_id": _id(rep),
                    "customer_id": _id(customer),
                    "product_code": product,
                    "record_id": _id(record),
                    "revision": revision,
                    "amends": amends,
                },
            )
        )


def _record(record_id: Any, kind: str, **values: Any) -> Upsert:
    row = {"kind": kind, "customer_id": None, "owner_id": None, "owner_name": None}
    row.update({"revision": None, **values})
    return Upsert("records", {"record_id": str(record_id)}, row)


def _product(line: Any) -> Upsert:
    return Upsert(
        "products",
        {"product_code": line.product_code},
        {"name": line.product_name, "specification": line.specification},
    )


def _order_lines(order_id: Any, revision: int, lines: Any) -> list[RowChange]:
    changes: list[RowChange] = []
    for line in lines.lines:
        changes.append(
            Upsert(
                "order_lines",
                {
                    "order_id": str(order_id),
                    "revision": revision,
                    "product_code": line.product_code,
                },
                {
                    "quantity": line.quantity,
                    "unit_price": line.unit_price.amount,
                    "unit_cost": line.unit_cost.amount,
                    "currency": line.unit_price.currency,
                },
            )
        )
        changes.append(_product(line))
    return changes


# ---- what each event changes -----------------------------------------------------------


def _customer_registered(event: Any, position: int) -> list[RowChange]:
    return [
        Upsert(
            "customers",
            {"customer_id": str(event.originator_id)},
            {
                "name": event.company_name,
                "region": event.region,
                "industry": event.industry,
                "registered_at": event.timestamp,
            },
        )
    ]


def _acted(event: Any) -> Upsert:
    """The name the acting employee gave (for labels when there is no employee record)."""
    actor = event.actor
    return Upsert("people", {"employee_id": str(actor.employee_id)}, {"name": actor.name or None})


def _opportunity_opened(event: Any, position: int) -> list[RowChange]:
    return [
        _record(
            event.originator_id,
            "opportunity",
            customer_id=str(event.customer_id),
            owner_id=str(event.owner_id),
            owner_name=event.actor.name or None,  # the owner opens the opportunity
        )
    ]


def _contact_logged(event: Any, position: int) -> list[RowChange]:
    if not event.contact.channel.is_visit:
        return []
    facts = _Facts(event, position)
    facts.add("visits", 1, day=event.contact.occurred_on, record=event.originator_id)
    return facts.rows


def _closed(measure: str) -> Callable[[Any, int], list[RowChange]]:
    def changes(event: Any, position: int) -> list[RowChange]:
        facts = _Facts(event, position)
        facts.add(measure, 1, day=_utc_day(event.timestamp), record=event.originator_id)
        return facts.rows

    return changes


def _contract_signed(event: Any, position: int) -> list[RowChange]:
    facts = _Facts(event, position)
    for line in event.terms.lines:
        facts.add(
            "bookings",
            line.unit_price.amount * line.quantity,
            day=event.signed_on,
            currency=line.unit_price.currency,
            rep=event.owner_id,
            customer=event.customer_id,
            product=line.product_code,
            record=event.originator_id,
            revision=event.revision,
            amends=event.amends,
        )
    return [*facts.rows, *(_product(line) for line in event.terms.lines)]


def _order_entered(event: Any, position: int) -> list[RowChange]:
    return [
        _record(
            event.originator_id,
            "order",
            customer_id=str(event.customer_id),
            owner_id=str(event.owner_id),
            revision=event.contract_revision,
        ),
        *_order_lines(event.originator_id, event.contract_revision, event.lines),
    ]


def _order_amended(event: Any, position: int) -> list[RowChange]:
    return [
        Update(
            "records",
            {"record_id": str(event.originator_id)},
            {"revision": event.contract_revision},
        ),
        *_order_lines(event.originator_id, event.contract_revision, event.lines),
    ]


def _completed_order_facts(event: Any, position: int) -> _Facts:
    """Revenue, profit, units and one completed order on the delivery day."""
    facts = _Facts(event, position)
    common: dict[str, Any] = {
        "day": event.delivered_on,
        "rep": event.owner_id,
        "customer": event.customer_id,
        "record": event.originator_id,
    }
    currency = event.amount.currency
    facts.add("revenue", event.amount.amount, currency=currency, **common)
    facts.add("profit", event.amount.amount - event.cost.amount, currency=currency, **common)
    facts.add("units", event.units, **common)
    facts.add("orders_completed", 1, **common)
    return facts


def _order_completed(event: Any, position: int) -> list[RowChange]:
    return _completed_order_facts(event, position).rows


def _order_imported(event: Any, position: int) -> list[RowChange]:
    """A completed order taken over from another system (SOP 4.1.2) counts like an
    ``Order.Completed`` on its delivery day, split by its lines as revision 0."""
    facts = _completed_order_facts(event, position)
    record = _record(
        event.originator_id,
        "order",
        customer_id=str(event.customer_id),
        owner_id=_id(event.owner_id),
        revision=0,
    )
    return [record, *_order_lines(event.originator_id, 0, event.lines), *facts.rows]


def _order_cancelled(event: Any, position: int) -> list[RowChange]:
    facts = _Facts(event, position)
    facts.add(
        "cancelled",
        event.amount.amount,
        day=_utc_day(event.timestamp),
        currency=event.amount.currency,
        record=event.originator_id,
    )
    return facts.rows


def _feedback_received(event: Any, position: int) -> list[RowChange]:
    return [_record(event.originator_id, "service_case", customer_id=str(event.customer_id))]


def _responded(event: Any, position: int) -> list[RowChange]:
    facts = _Facts(event, position)
    common: dict[str, Any] = {
        "day": _utc_day(event.responded_at),
        "rep": event.actor.employee_id,
        "record": event.originator_id,
    }
    facts.add("service_responses", 1, **common)
    facts.add("service_on_time", 1 if event.within_time_limit else 0, **common)
    return [*facts.rows, _acted(event)]


def _survey_started(event: Any, position: int) -> list[RowChange]:
    return [_record(event.originator_id, "survey", customer_id=str(event.customer_id))]


def _survey_response(event: Any, position: int) -> list[RowChange]:
    facts = _Facts(event, position)
    facts.add(
        "satisfaction",
        event.response.satisfaction.value,
        day=_utc_day(event.timestamp),
        record=event.originator_id,
    )
    return facts.rows


def _service_visit(event: Any, position: int) -> list[RowChange]:
    facts = _Facts(event, position)
    facts.add(
        "satisfaction",
        event.work.satisfaction.value,
        day=event.work.visited_on,
        customer=event.customer_id,
        record=event.order_id,
    )
    return facts.rows


def _employee_joined(event: Any, position: int) -> list[RowChange]:
    employee_id = str(event.originator_id)
    return [
        Upsert(
            "employees",
            {"employee_id": employee_id},
            {
                "name": event.name,
                "team": event.team,
                "manager_id": _id(event.manager_id),
                "active": True,
                "left_on": None,
            },
        ),
        Insert(
            "team_history",
            {
                "position": position,
                "employee_id": employee_id,
                "team": event.team,
                "effective_on": event.start_date,
            },
        ),
    ]


def _team_changed(event: Any, position: int) -> list[RowChange]:
    employee_id = str(event.originator_id)
    return [
        Update("employees", {"employee_id": employee_id}, {"team": event.team}),
        Insert(
            "team_history",
            {
                "position": position,
                "employee_id": employee_id,
                "team": event.team,
                "effective_on": event.effective,
            },
        ),
    ]


def _manager_changed(event: Any, position: int) -> list[RowChange]:
    return [
        Update(
            "employees",
            {"employee_id": str(event.originator_id)},
            {"manager_id": _id(event.manager_id)},
        )
    ]


def _employee_left(event: Any, position: int) -> list[RowChange]:
    return [
        Update(
            "employees",
            {"employee_id": str(event.originator_id)},
            {"active": False, "left_on": event.last_day},
        )
    ]


def _target_figures(target_id: Any, figures: Any) -> list[RowChange]:
    values: dict[str, tuple[Decimal | None, str | None]] = {
        "revenue": (figures.revenue.amount, figures.revenue.currency),
        "profit": (
            (figures.profit.amount, figures.profit.currency) if figures.profit else (None, None)
        ),
        "units": (figures.units, None),
        "new_customers": (Decimal(figures.new_customers), None),
        "visits": (Decimal(figures.visits), None),
    }
    return [
        Upsert(
            "target_figures",
            {"target_id": str(target_id), "measure": measure},
            {"value": value, "currency": currency},
        )
        for measure, (value, currency) in values.items()
    ]


def _target_set(event: Any, position: int) -> list[RowChange]:
    subject = event.subject
    return [
        Upsert(
            "targets",
            {"target_id": str(event.originator_id)},
            {
                "subject_kind": subject.kind.value,
                "employee_id": _id(subject.employee_id),
                "team": subject.team or None,
                "period": event.period.code,
            },
        ),
        *_target_figures(event.originator_id, event.figures),
    ]


def _target_revised(event: Any, position: int) -> list[RowChange]:
    return _target_figures(event.originator_id, event.figures)


def _expense_recorded(event: Any, position: int) -> list[RowChange]:
    employee = {"employee_id": str(event.employee_id)}
    return [
        Upsert("people", employee, {"name": event.employee_name or None}),
        Upsert(
            "expenses",
            {"expense_id": str(event.originator_id)},
            {
                "employee_id": str(event.employee_id),
                "incurred_on": event.incurred_on,
                "amount": event.amount.amount,
                "currency": event.amount.currency,
                "status": "recorded",
            },
        ),
    ]


def _expense_decided(status: str) -> Callable[[Any, int], list[RowChange]]:
    def changes(event: Any, position: int) -> list[RowChange]:
        return [Update("expenses", {"expense_id": str(event.originator_id)}, {"status": status})]

    return changes


_HANDLERS: dict[str, Callable[[Any, int], list[RowChange]]] = {
    "Customer.Registered": _customer_registered,
    "Customer.Imported": _customer_registered,
    "HistoricalOrder.Imported": _order_imported,
    "Opportunity.Opened": _opportunity_opened,
    "Opportunity.ContactLogged": _contact_logged,
    "Opportunity.QuoteAccepted": _closed("won"),
    "Opportunity.Lost": _closed("lost"),
    "Contract.Signed": _contract_signed,
    "Order.Entered": _order_entered,
    "Order.ContractAmended": _order_amended,
    "Order.Completed": _order_completed,
    "Order.Cancelled": _order_cancelled,
    "ServiceCase.FeedbackReceived": _feedback_received,
    "ServiceCase.Responded": _responded,
    "SatisfactionSurvey.Started": _survey_started,
    "SatisfactionSurvey.ResponseRecorded": _survey_response,
    "ServiceVisit.Recorded": _service_visit,
    "Employee.Hired": _employee_joined,
    "Employee.Enrolled": _employee_joined,
    "Employee.TeamChanged": _team_changed,
    "Employee.ManagerChanged": _manager_changed,
    "Employee.Left": _employee_left,
    "SalesTarget.Set": _target_set,
    "SalesTarget.Revised": _target_revised,
    "SalesExpense.Recorded": _expense_recorded,
    "SalesExpense.Approved": _expense_decided("approved"),
    "SalesExpense.Rejected": _expense_decided("rejected"),
}


# ---- periods -----------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class ReportPeriod:
    """A day ("2026-03-02"), month ("2026-03"), quarter ("2026-Q1") or year ("2026");
    the month, quarter and year codes are those of sales targets (``people.values.Period``)."""

    start: date
    end: date
    label: str


def report_period(day: date, grain: Grain) -> ReportPeriod:
    """The period of ``grain`` that contains ``day``."""
    if grain == "day":
        return ReportPeriod(day, day, day.isoformat())
    if grain == "month":
        first, months, label = day.month, 1, f"{day.year}-{day.month:02d}"
    elif grain == "quarter":
        quarter = (day.month - 1) // 3 + 1
        first, months, label = 3 * quarter - 2, 3, f"{day.year}-Q{quarter}"
    elif grain == "year":
        first, months, label = 1, 12, f"{day.year}"
    else:
        raise ValueError(f"unknown grain {grain!r}: day, month, quarter or year")
    start = date(day.year, first, 1)
    after = first + months
    end = (date(day.year + 1, 1, 1) if after > 12 else date(day.year, after, 1)) - timedelta(1)
    return ReportPeriod(start, end, label)


def periods_between(since: date, until: date, grain: Grain) -> list[ReportPeriod]:
    """Every period of ``grain`` that overlaps ``since``..``until`` (both included)."""
    if until < since:
        raise ValueError(f"until ({until}) is before since ({since})")
    periods = [report_period(since, grain)]
    while periods[-1].end < until:
        periods.append(report_period(periods[-1].end + timedelta(1), grain))
    return periods


# ---- loading and resolving the facts -----------------------------------------------------


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


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for index in range(0, len(items), size):
        yield items[index : index + size]


def _team_on(
    teams: Mapping[str, list[tuple[date, int, str]]], rep: str | None, day: date
) -> str | None:
    """The team ``rep`` was in on ``day`` (``None`` without a rep)."""
    if rep is None:
        return None
    entries = teams.get(rep)
    if not entries:
        return NO_TEAM
    index = bisect.bisect_right([e[0] for e in entries], day)
    return entries[max(index - 1, 0)][2]


def _currency_of(facts: Iterable[_Fact], currency: str | None) -> str | None:
    if currency is not None:
        return currency
    found = sorted({f.currency for f in facts if f.measure in MONEY_MEASURES and f.currency})
    if len(found) > 1:
        raise ValueError(
            f"the figures are in several currencies ({', '.join(found)}): choose one with currency="
        )
    return found[0] if found else None


# ---- figures -----------------------------------------------------------------------------


@dataclass
class _Tally:
    sums: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    scores: list[Decimal] = field(default_factory=list)
    served: set[str] = field(default_factory=set)
    new: set[str] = field(default_factory=set)
    repeat: set[str] = field(default_factory=set)

    def count(self, fact: _Fact, data: _Data, currency: str | None) -> None:
        if fact.measure == "satisfaction":
            self.scores.append(fact.value)
            return
        if fact.measure in MONEY_MEASURES and fact.currency != currency:
            return
        self.sums[fact.measure] += fact.value
        customer = fact.customer_id
        if fact.measure == "orders_completed" and customer is not None:
            self.served.add(customer)
            if data.first_order.get(customer) == fact.record_id:
                self.new.add(customer)
            if data.second_order.get(customer) == fact.record_id:
                self.repeat.add(customer)

    def figures(self, by: str) -> dict[str, Decimal | None]:
        sums = self.sums
        won, lost = sums["won"], sums["lost"]
        responses = sums["service_responses"]
        figures: dict[str, Decimal | None] = {
            "revenue": sums["revenue"].quantize(_CENT),
            "units": _plain(sums["units"]),
            "profit": sums["profit"].quantize(_CENT),
            "bookings": sums["bookings"].quantize(_CENT),
            "cancelled": sums["cancelled"].quantize(_CENT),
            "orders_completed": _plain(sums["orders_completed"]),
            "customers_served": Decimal(len(self.served)),
            "new_customers": Decimal(len(self.new)),
            "repeat_customers": Decimal(len(self.repeat)),
            "visits": _plain(sums["visits"]),
            "won": _plain(won),
            "lost": _plain(lost),
            "conversion_rate": _ratio(won, won + lost),
            "sales_expense": sums["sales_expense"].quantize(_CENT),
            "satisfaction": (
                (sum(self.scores, Decimal(0)) / len(self.scores)).quantize(_CENT)
                if self.scores
                else None
            ),
            "satisfaction_scores": Decimal(len(self.scores)),
            "service_responses": _plain(responses),
            "service_on_time": _plain(sums["service_on_time"]),
            "service_on_time_rate": _ratio(sums["service_on_time"], responses),
        }
        if by == "product":
            return {m: (v if m in PRODUCT_MEASURES else None) for m, v in figures.items()}
        if by in ("region", "industry"):
            figures["sales_expense"] = None
        return figures


def _applies(measure: str, by: str) -> bool:
    """Whether a fact of ``measure`` can be told by ``by`` (expenses have no customer,
    so no region or industry; only sales and bookings have products)."""
    if by == "product":
        return measure in PRODUCT_MEASURES
    if by in ("region", "industry"):
        return measure != "sales_expense"
    return True


def _plain(value: Decimal) -> Decimal:
    """A quantity without the storage's trailing zeros (100.000000 -> 100)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole).quantize(_RATE) if whole else None


def _growth(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    if current is None or previous is None or previous == 0:
        return None
    return ((current - previous) / abs(previous)).quantize(_RATE)


@dataclass(frozen=True)
class KpiRow:
    """The figures of one group in one period (``None``: not applicable, e.g. visits by
    product, or no denominator, e.g. a conversion rate with nothing closed).

    ``growth`` is the relative change of each figure from the same group's previous
    period ((this - previous) / previous; ``None`` where the previous figure is zero or
    missing).  ``target`` holds the target figures set for the group (an employee or a
    team) for this period's code, ``attainment`` the figure / target."""

    period: str
    period_start: date
    period_end: date
    group: str | None
    label: str
    currency: str | None
    revenue: Decimal | None
    units: Decimal | None
    profit: Decimal | None
    bookings: Decimal | None
    cancelled: Decimal | None
    orders_completed: Decimal | None
    customers_served: Decimal | None
    new_customers: Decimal | None
    repeat_customers: Decimal | None
    visits: Decimal | None
    won: Decimal | None
    lost: Decimal | None
    conversion_rate: Decimal | None
    sales_expense: Decimal | None
    satisfaction: Decimal | None
    satisfaction_scores: Decimal | None
    service_responses: Decimal | None
    service_on_time: Decimal | None
    service_on_time_rate: Decimal | None
    growth: Mapping[str, Decimal | None]
    target: Mapping[str, Decimal]
    attainment: Mapping[str, Decimal | None]

    def figures(self) -> dict[str, Decimal | None]:
        """Every measure of the row by name."""
        return {name: getattr(self, name) for name in MEASURES}


MEASURES = tuple(
    f.name
    for f in fields(KpiRow)
    if f.name
    not in {
        "period",
        "period_start",
        "period_end",
        "group",
        "label",
        "currency",
        "growth",
        "target",
        "attainment",
    }
)


@dataclass(frozen=True)
class _Target:
    period: str
    employee_id: str | None
    team: str | None
    figures: dict[str, tuple[Decimal, str | None]]


def _targets(engine: Engine, tables: Mapping[str, Table], codes: Sequence[str]) -> list[_Target]:
    t, tf = tables["targets"], tables["target_figures"]
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.c.target_id, t.c.period, t.c.employee_id, t.c.team, tf.c.measure)
            .add_columns(tf.c.value, tf.c.currency)
            .select_from(t.join(tf, tf.c.target_id == t.c.target_id))
            .where(t.c.period.in_(list(codes)))
        ).all()
    found: dict[str, _Target] = {}
    for row in rows:
        target = found.setdefault(row.target_id, _Target(row.period, row.employee_id, row.team, {}))
        if row.measure in TARGET_MEASURES and row.value is not None and Decimal(row.value) > 0:
            target.figures[row.measure] = (_plain(Decimal(row.value)), row.currency)
    return list(found.values())


def _names(engine: Engine, tables: Mapping[str, Table]) -> dict[str, str]:
    """Employees' names: from the employee records, else as they were given when they
    opened an opportunity, answered a service case or recorded an expense."""
    p, e, r = tables["people"], tables["employees"], tables["records"]
    with engine.connect() as conn:
        owners = select(r.c.owner_id, r.c.owner_name).where(r.c.owner_name.is_not(None))
        names = {row.owner_id: row.owner_name for row in conn.execute(owners.distinct())}
        names.update({row.employee_id: row.name for row in conn.execute(select(p)) if row.name})
        names.update({row.employee_id: row.name for row in conn.execute(select(e))})
    return names


def _labeller(engine: Engine, tables: Mapping[str, Table], by: str) -> Callable[[str | None], str]:
    if by == "total":
        return lambda key: "Total"
    if by == "rep":
        names = _names(engine, tables)
        return lambda key: UNASSIGNED if key is None else names.get(key, key)
    if by == "product":
        p = tables["products"]
        with engine.connect() as conn:
            products = {row.product_code: row.name for row in conn.execute(select(p))}
        return lambda key: UNKNOWN if key is None else f"{products.get(key, key)} ({key})"
    if by == "team":
        return lambda key: UNASSIGNED if key is None else key
    return lambda key: UNKNOWN if key is None else key


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
    if by in ("region", "industry"):
        c = tables["customers"]
        with engine.connect() as conn:
            attribute = {row.customer_id: getattr(row, by) for row in conn.execute(select(c))}
        return lambda fact: attribute.get(fact.customer_id or "")
    raise ValueError(f"unknown grouping {by!r}: rep, team, region, industry, product or total")


def kpi_table(
    engine: Engine,
    tables: Mapping[str, Table],
    *,
    grain: Grain,
    by: GroupBy,
    since: date,
    until: date,
    currency: str | None = None,
) -> list[KpiRow]:
    """The KPIs of every period of ``grain`` that overlaps ``since``..``until`` (both
    included; each period is reported whole), one row per group ``by`` that has a fact
    or a target in the period (``by="total"``: one row per period, empty ones too).

    Money figures are those in ``currency``; if it is not given, the one currency of the
    facts (a ``ValueError`` if there are several).  Rows come ordered by period, then
    label."""
    periods = periods_between(since, until, grain)
    previous = report_period(periods[0].start - timedelta(1), grain)
    data = _load(engine, tables, previous.start, periods[-1].end, by)
    currency = _currency_of(data.facts, currency)
    group_of = _grouper(engine, tables, by, data)
    label_of = _labeller(engine, tables, by)
    everything = [previous, *periods]
    starts = [p.start for p in everything]
    tallies: dict[tuple[int, str | None], _Tally] = defaultdict(_Tally)
    for fact in data.facts:
        if not _applies(fact.measure, by):
            continue
        index = bisect.bisect_right(starts, fact.day) - 1
        if index >= 0:
            tallies[(index, group_of(fact))].count(fact, data, currency)
    targets = _targets(engine, tables, [p.label for p in periods]) if grain != "day" else []
    rows = []
    for index, period in enumerate(periods, start=1):
        groups = {group for (i, group) in tallies if i == index}
        period_targets = [t for t in targets if t.period == period.label]
        if by == "rep":
            groups |= {t.employee_id for t in period_targets if t.employee_id}
        elif by == "team":
            named = {g.casefold() for g in groups if g is not None}
            groups |= {t.team for t in period_targets if t.team and t.team.casefold() not in named}
        elif by == "total":
            groups = {None}
        for group in groups:
            figures = tallies.get((index, group), _Tally()).figures(by)
            before = tallies.get((index - 1, group), _Tally()).figures(by)
            target = _target_for(period_targets, by, group)
            rows.append(
                KpiRow(
                    period=period.label,
                    period_start=period.start,
                    period_end=period.end,
                    group=group,
                    label=label_of(group),
                    currency=currency,
                    **figures,
                    growth={m: _growth(figures[m], before[m]) for m in MEASURES},
                    target={m: value for m, (value, _) in target.items()},
                    attainment={
                        m: _attainment(figures[m], value, unit, m, currency)
                        for m, (value, unit) in target.items()
                    },
                )
            )
    return sorted(rows, key=lambda row: (row.period_start, row.label))


def _target_for(
    targets: Sequence[_Target], by: str, group: str | None
) -> dict[str, tuple[Decimal, str | None]]:
    if group is None:
        return {}
    for target in targets:
        if by == "rep" and target.employee_id == group:
            return target.figures
        if by == "team" and target.team and target.team.casefold() == group.casefold():
            return target.figures
    return {}


def _attainment(
    actual: Decimal | None, target: Decimal, unit: str | None, measure: str, currency: str | None
) -> Decimal | None:
    if actual is None or (measure in MONEY_MEASURES and unit != currency):
        return None
    return _ratio(actual, target)


def kpi_for_employee(
    engine: Engine,
    tables: Mapping[str, Table],
    employee_id: Any,
    period_start: date,
    period_end: date,
    *,
    currency: str | None = None,
) -> dict[str, Decimal]:
    """An employee's figures for ``period_start``..``period_end`` (both included): what an
    appraisal's actuals are taken from.  Keys are the measures of ``KpiRow`` plus the
    KPI system's indicator names where they differ (``loyalty`` = repeat customers,
    ``expense_control`` = approved sales expenses); a figure without a value in the
    period (a conversion rate with nothing closed, satisfaction without scores) is
    left out."""
    data = _load(engine, tables, period_start, period_end, "rep")
    mine = [f for f in data.facts if f.rep_id == str(employee_id)]
    currency = _currency_of(mine, currency)
    tally = _Tally()
    for fact in mine:
        tally.count(fact, data, currency)
    figures = tally.figures("rep")
    for alias, measure in INDICATOR_ALIASES.items():
        figures[alias] = figures[measure]
    return {name: value for name, value in figures.items() if value is not None}
