"""The projection: each opportunity's forecast history (its category, expected close,
amount and outcome, each change with its time), its owner's team and the revenue
targets; the rows each event changes (ADR 52)."""

from __future__ import annotations

from typing import Any

from salesdomain.projections.changes import Insert, RowChange, Update, Upsert
from salesdomain.projections.dispatch import Handlers
from salesdomain.projections.projection import Projection, Tables
from salesdomain.projections.types import UtcDateTime, money
from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table, Text

from salesdomain.bounds import NAME_LENGTH
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.opportunities.values import ForecastCategory
from salesdomain.people.employee import Employee
from salesdomain.people.targets import SalesTarget
from salesdomain.values import Money

HANDLERS = Handlers[RowChange]()

OPEN, WON, LOST = "open", "won", "lost"
"""An opportunity's outcome in the ``changes`` rows."""


class Forecast(Projection):
    """Tables: ``deals`` (one row per opportunity: owner, title, when it was opened and
    closed), ``changes`` (one row per event that changes an opportunity's forecast
    category, expected close, amount or outcome, with only what it changed and when; keyed
    by log position, so the forecast as it stood at any moment is a query), ``owners``
    (each salesperson's team) and ``targets`` (the revenue of each sales target)."""

    name = "forecast"
    version = 2
    rebuild_weight = 10
    """Version 2: ``deals`` also holds what the deal's changes left (category, reviewed,
    expected close, amount), so the forecast as it stands now is read, not folded."""

    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        tables = Tables(metadata, prefix)
        deals = tables.add(
            "deals",
            Column("opportunity_id", String(36), primary_key=True),
            Column("title", String(NAME_LENGTH), nullable=False),
            Column("customer_name", String(NAME_LENGTH), nullable=False),
            Column("owner_id", String(36), nullable=False),
            Column("owner_name", Text, nullable=False),  # an actor's name: free text
            Column("opened_at", UtcDateTime, nullable=False),
            Column("closed_at", UtcDateTime),
            Column("outcome", String(8), nullable=False),
            # version 2: the deal as its latest changes left it
            Column("category", String(16), nullable=False),
            Column("reviewed", Boolean, nullable=False),
            Column("expected_close", Date, nullable=False),
            Column("amount", money(), nullable=False),
            Column("currency", String(3), nullable=False),
        )
        changes = tables.add(
            "changes",
            Column("position", Integer, primary_key=True),
            Column("opportunity_id", String(36), nullable=False),
            Column("at", UtcDateTime, nullable=False),
            Column("category", String(16)),
            Column("reviewed", Boolean),
            Column("expected_close", Date),
            Column("amount", money()),
            Column("currency", String(3)),
            Column("outcome", String(8)),
        )
        tables.add(
            "owners",
            Column("employee_id", String(36), primary_key=True),
            Column("team", String(NAME_LENGTH), nullable=False),
            Column("name", Text),  # an employee's name (free text); None: not yet known
        )
        tables.add(
            "targets",
            Column("target_id", String(36), primary_key=True),
            Column("period", String(8), nullable=False),
            Column("employee_id", String(36)),
            Column("team", String(NAME_LENGTH)),
            Column("revenue", money(), nullable=False),
            Column("currency", String(3), nullable=False),
        )
        c, d = changes.c, deals.c
        tables.index("deals_open_by_close", d.outcome, d.expected_close)  # ADR 72
        tables.index("deals_closed_by_time", d.outcome, d.closed_at)
        tables.index("changes_of_deal", c.opportunity_id, c.position)
        tables.index("changes_by_close", c.expected_close, c.opportunity_id)
        tables.index("changes_by_time", c.at)
        return tables.defined

    def changes(self, event: object, position: int) -> list[RowChange]:
        return HANDLERS.changes(event, position)


def _key(event: Opportunity.Event) -> dict[str, str]:
    return {"opportunity_id": str(event.originator_id)}


def _change(event: Opportunity.Event, position: int, **changed: Any) -> list[RowChange]:
    """The change as a row of its own (the forecast at any moment) and on the deal (the
    forecast now)."""
    return [
        Insert("changes", {**_key(event), "position": position, "at": event.timestamp, **changed}),
        Update("deals", _key(event), changed),
    ]


def _amount(value: Money) -> dict[str, Any]:
    return {"amount": value.amount, "currency": value.currency}


@HANDLERS.on(Opportunity.Opened)
def _opened(event: Opportunity.Opened, position: int) -> list[RowChange]:
    deal = {
        "title": event.title,
        "customer_name": event.customer_name,
        "owner_id": str(event.owner_id),
        "owner_name": event.owner_name,
        "opened_at": event.timestamp,
        "outcome": OPEN,
    }
    opened = {
        "category": ForecastCategory.PIPELINE.value,
        "reviewed": False,
        "expected_close": event.expected_close,
        "outcome": OPEN,
        **_amount(event.estimated_value),
    }
    return [Upsert("deals", _key(event), deal | opened), *_change(event, position, **opened)]


@HANDLERS.on(Opportunity.ForecastCategorised, Opportunity.ForecastReviewed)
def _categorised(
    event: Opportunity.ForecastCategorised | Opportunity.ForecastReviewed, position: int
) -> list[RowChange]:
    reviewed = isinstance(event, Opportunity.ForecastReviewed)
    return _change(event, position, category=event.category.value, reviewed=reviewed)


@HANDLERS.on(Opportunity.ExpectedCloseRevised)
def _close(event: Opportunity.ExpectedCloseRevised, position: int) -> list[RowChange]:
    return _change(event, position, expected_close=event.expected_close)


@HANDLERS.on(Opportunity.EstimatedValueRevised)
def _estimate(event: Opportunity.EstimatedValueRevised, position: int) -> list[RowChange]:
    return _change(event, position, **_amount(event.estimated_value))


@HANDLERS.on(Opportunity.QuoteIssued)
def _quoted(event: Opportunity.QuoteIssued, position: int) -> list[RowChange]:
    return _change(event, position, **_amount(event.amount))


@HANDLERS.on(Opportunity.QuoteAccepted)
def _won(event: Opportunity.QuoteAccepted, position: int) -> list[RowChange]:
    closed = {"closed_at": event.timestamp, "outcome": WON}
    return [
        Update("deals", _key(event), closed),
        *_change(event, position, outcome=WON, **_amount(event.amount)),
    ]


@HANDLERS.on(Opportunity.Lost)
def _lost(event: Opportunity.Lost, position: int) -> list[RowChange]:
    closed = {"closed_at": event.timestamp, "outcome": LOST}
    return [Update("deals", _key(event), closed), *_change(event, position, outcome=LOST)]


@HANDLERS.on(Employee.Hired, Employee.Enrolled, Employee.TeamChanged)
def _owner_team(
    event: Employee.Hired | Employee.Enrolled | Employee.TeamChanged, position: int
) -> list[RowChange]:
    """The team a salesperson's deals count for (as the pipeline's, the team now)."""
    row: dict[str, Any] = {"team": event.team}
    if not isinstance(event, Employee.TeamChanged):
        row["name"] = event.name
    return [Upsert("owners", {"employee_id": str(event.originator_id)}, row)]


@HANDLERS.on(SalesTarget.Set)
def _target_set(event: SalesTarget.Set, position: int) -> list[RowChange]:
    subject = event.subject
    row = {
        "period": event.period.code,
        "employee_id": None if subject.employee_id is None else str(subject.employee_id),
        "team": subject.team or None,
        **_revenue(event.figures.revenue),
    }
    return [Upsert("targets", {"target_id": str(event.originator_id)}, row)]


@HANDLERS.on(SalesTarget.Revised)
def _target_revised(event: SalesTarget.Revised, position: int) -> list[RowChange]:
    key = {"target_id": str(event.originator_id)}
    return [Update("targets", key, _revenue(event.figures.revenue))]


def _revenue(value: Money) -> dict[str, Any]:
    return {"revenue": value.amount, "currency": value.currency}
