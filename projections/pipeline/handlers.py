"""What each event changes in the pipeline tables: the handlers, by event class.

An opportunity's stage follows the events that move it (SOP 2.1-2.3): opened, needs
discovered, solution designed and presented, the first quote, the first negotiation
round, won (quote accepted) or lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from salesdomain.projections.changes import Insert, RowChange, Update, Upsert
from salesdomain.projections.dispatch import Handlers

from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.opportunities.stages import Stage
from salesdomain.people.employee import Employee
from salesdomain.values import Money

HANDLERS = Handlers[RowChange]()


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


def _stage(event: Opportunity.Event, position: int, stage: Stage) -> Insert:
    at = event.timestamp
    return Insert(
        "stages", {**_key(event), "position": position, "stage": stage.value, "entered_at": at}
    )


def _entered(
    stage: Stage, event: Opportunity.Event, position: int, **values: Any
) -> list[RowChange]:
    """The opportunity enters ``stage``: its row says so (closed if the stage is), and the
    stage's history gains the entry."""
    at = event.timestamp
    row: dict[str, Any] = {"stage": stage.value, "stage_entered_at": at}
    if not stage.is_open:
        row["closed_at"] = at
    row.update(values)
    return [Update("opportunities", _key(event), row), _stage(event, position, stage)]


def _enters(stage: Stage) -> Callable[[Opportunity.Event, int], list[RowChange]]:
    def changes(event: Opportunity.Event, position: int) -> list[RowChange]:
        return _entered(stage, event, position)

    return changes


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
        "owner_name": event.actor.name,
        "stage": Stage.CONTACT.value,
        "amount": value.amount,
        "currency": value.currency,
        "opened_at": at,
        "expected_close": event.expected_close,
        "stage_entered_at": at,
    }
    return [
        Upsert("opportunities", _key(event), opened),
        _amount(event, position, value),
        _stage(event, position, Stage.CONTACT),
    ]


HANDLERS.on(Opportunity.NeedsDiscovered)(_enters(Stage.NEEDS_ANALYSIS))
HANDLERS.on(Opportunity.SolutionDesigned)(_enters(Stage.SOLUTION_DESIGN))
HANDLERS.on(Opportunity.SolutionPresented)(_enters(Stage.SOLUTION_PRESENTED))


def _priced(
    event: Opportunity.QuoteIssued | Opportunity.QuoteAccepted, position: int
) -> list[RowChange]:
    """The opportunity's amount becomes the quote's."""
    values = {
        "amount": event.amount.amount,
        "currency": event.amount.currency,
        "quote_version": event.quote_version,
    }
    return [
        Update("opportunities", _key(event), values),
        _amount(event, position, event.amount),
    ]


@HANDLERS.on(Opportunity.QuoteIssued)
def _quote_issued(event: Opportunity.QuoteIssued, position: int) -> list[RowChange]:
    """A first quote enters the quoted stage; a revised one only changes the amount."""
    entered = _entered(Stage.QUOTED, event, position) if event.supersedes is None else []
    return [*_priced(event, position), *entered]


@HANDLERS.on(Opportunity.NegotiationRoundRecorded)
def _negotiated(event: Opportunity.NegotiationRoundRecorded, position: int) -> list[RowChange]:
    """The first round enters negotiation."""
    return _entered(Stage.NEGOTIATION, event, position) if event.round_number == 1 else []


@HANDLERS.on(Opportunity.QuoteAccepted)
def _won(event: Opportunity.QuoteAccepted, position: int) -> list[RowChange]:
    return [*_priced(event, position), *_entered(Stage.WON, event, position)]


@HANDLERS.on(Opportunity.Lost)
def _lost(event: Opportunity.Lost, position: int) -> list[RowChange]:
    why = {"lost_reason": event.reason, "competitor": event.competitor}
    return _entered(Stage.LOST, event, position, **why)
