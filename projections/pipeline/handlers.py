"""What each event changes in the pipeline tables: the handlers, by event class.

An opportunity's stage is the one its events say they entered (``stage_entered``, SOP
2.1-2.3): the domain decides it when it records the event (ADR 29); an event that
enters no stage (a revised quote, a later negotiation round) changes no stage here.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from salesdomain.projections.changes import Insert, Raise, RowChange, Update, Upsert
from salesdomain.projections.dispatch import Handlers
from salesdomain.projections.pipeline.ranks import RANK, units

from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.opportunities.stages import Stage
from salesdomain.people.employee import Employee
from salesdomain.prospecting.customer import Customer
from salesdomain.values import Money

HANDLERS = Handlers[RowChange]()

Entering: TypeAlias = (
    Opportunity.Opened
    | Opportunity.NeedsDiscovered
    | Opportunity.SolutionDesigned
    | Opportunity.SolutionPresented
    | Opportunity.QuoteIssued
    | Opportunity.NegotiationRoundRecorded
    | Opportunity.QuoteAccepted
    | Opportunity.Lost
)
"""The events that may move an opportunity's stage."""


@HANDLERS.on(Employee.Hired, Employee.Enrolled, Employee.TeamChanged)
def _owner_team(
    event: Employee.Hired | Employee.Enrolled | Employee.TeamChanged, position: int
) -> list[RowChange]:
    """The team of a person who may own opportunities (the team an opportunity counts for)."""
    return [Upsert("owners", {"employee_id": str(event.originator_id)}, {"team": event.team})]


def _key(event: Opportunity.Event) -> dict[str, str]:
    return {"opportunity_id": str(event.originator_id)}


def _amount(event: Opportunity.Event, position: int, value: Money) -> Insert:
    return Insert(
        "amounts",
        {
            **_key(event),
            "position": position,
            "amount": value.amount,
            "currency": value.currency,
            "at": event.timestamp,
        },
    )


def _stage(event: Entering, position: int, stage: Stage) -> Insert:
    at = event.timestamp
    return Insert(
        "stages", {**_key(event), "position": position, "stage": stage.value, "entered_at": at}
    )


def _entered(event: Entering, position: int, **values: Any) -> list[RowChange]:
    """The stage the event entered, if any: the opportunity's row says so (closed if the
    stage is) and keeps the furthest funnel stage reached (needs may be discovered
    again: a stage can be entered after a later one), and the stage's history gains the
    entry."""
    stage, at = event.stage_entered, event.timestamp
    if stage is None:
        return []
    row: dict[str, Any] = {"stage": stage.value, "stage_entered_at": at}
    if not stage.is_open:
        row["closed_at"] = at
    row.update(values)
    changes: list[RowChange] = [Update("opportunities", _key(event), row)]
    if stage in RANK:
        changes.append(Raise("opportunities", _key(event), {"furthest": RANK[stage]}))
    return [*changes, _stage(event, position, stage)]


@HANDLERS.on(Opportunity.Opened)
def _opened(event: Opportunity.Opened, position: int) -> list[RowChange]:
    value, at = event.estimated_value, event.timestamp
    opened = {
        "title": event.title,
        "customer_id": str(event.customer_id),
        "customer_name": event.customer_name,
        "region": event.region,
        "industry": event.industry,
        "owner_id": str(event.owner_id),
        "owner_name": event.owner_name,
        "stage": event.stage_entered.value,
        "amount": value.amount,
        "amount_units": units(value.amount),
        "currency": value.currency,
        "amount_set_at": at,
        "opened_at": at,
        "expected_close": event.expected_close,
        "stage_entered_at": at,
        "furthest": RANK.get(event.stage_entered),
    }
    return [
        Upsert("opportunities", _key(event), opened),
        _amount(event, position, value),
        _stage(event, position, event.stage_entered),
    ]


@HANDLERS.on(
    Opportunity.NeedsDiscovered,
    Opportunity.SolutionDesigned,
    Opportunity.SolutionPresented,
    Opportunity.NegotiationRoundRecorded,
)
def _moved(
    event: Opportunity.NeedsDiscovered
    | Opportunity.SolutionDesigned
    | Opportunity.SolutionPresented
    | Opportunity.NegotiationRoundRecorded,
    position: int,
) -> list[RowChange]:
    return _entered(event, position)


@HANDLERS.on(Opportunity.QuoteIssued, Opportunity.QuoteAccepted)
def _priced(
    event: Opportunity.QuoteIssued | Opportunity.QuoteAccepted, position: int
) -> list[RowChange]:
    """The opportunity's amount becomes the quote's (a first quote enters the quoted
    stage, an accepted one the won stage)."""
    values = {
        "amount": event.amount.amount,
        "amount_units": units(event.amount.amount),
        "currency": event.amount.currency,
        "amount_set_at": event.timestamp,
        "quote_version": event.quote_version,
    }
    return [
        Update("opportunities", _key(event), values),
        _amount(event, position, event.amount),
        *_entered(event, position),
    ]


@HANDLERS.on(Opportunity.Lost)
def _lost(event: Opportunity.Lost, position: int) -> list[RowChange]:
    return _entered(event, position, lost_reason=event.reason, competitor=event.competitor)


@HANDLERS.on(Opportunity.EstimatedValueRevised)
def _estimate(event: Opportunity.EstimatedValueRevised, position: int) -> list[RowChange]:
    """A revised estimate is the opportunity's amount (it is revised before any quote)."""
    value = event.estimated_value
    values = {
        "amount": value.amount,
        "amount_units": units(value.amount),
        "currency": value.currency,
        "amount_set_at": event.timestamp,
    }
    return [Update("opportunities", _key(event), values), _amount(event, position, value)]


@HANDLERS.on(Opportunity.ExpectedCloseRevised)
def _close(event: Opportunity.ExpectedCloseRevised, position: int) -> list[RowChange]:
    """The expected close now, and the revision kept with the day it replaced (the
    expected close at an earlier moment)."""
    at, day = event.timestamp, event.expected_close
    revised = {"expected_close": day, "expected_close_revised_at": at}
    kept = {"position": position, "expected_close": day, "previous": event.previous, "at": at}
    return [
        Update("opportunities", _key(event), revised),
        Insert("closes", {**_key(event), **kept}),
    ]


@HANDLERS.on(Opportunity.ContactLogged)
def _contact(event: Opportunity.ContactLogged, position: int) -> list[RowChange]:
    """A contact or visit: the day it happened, known from when it was logged."""
    happened = {"position": position, "occurred_on": event.contact.occurred_on}
    return [Insert("contacts", {**_key(event), **happened, "at": event.timestamp})]


@HANDLERS.on(Customer.MergedInto)
def _merged(event: Customer.MergedInto, position: int) -> list[RowChange]:
    """The customer's deals count under the record it was merged into from now on."""
    survivor = {"survivor_id": str(event.survivor_id), "survivor_name": event.survivor_name}
    row = {"customer_id": str(event.originator_id), **survivor, "at": event.timestamp}
    return [Insert("merges", row)]
