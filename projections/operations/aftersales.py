"""What each event changes, after-sales (SOP 2.6.1): service cases, their deadlines and
first answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from salesdomain.projections.changes import Insert, RowChange, Update, Upsert
from salesdomain.projections.dispatch import Handlers
from salesdomain.projections.operations import statuses

from salesdomain.aftersales.service_case import ServiceCase

HANDLERS = Handlers[RowChange]()


def _case(event: ServiceCase.Event) -> dict[str, str]:
    return {"case_id": str(event.originator_id)}


def _case_changed(event: ServiceCase.Event, **values: Any) -> list[RowChange]:
    """The event's service case, with these columns changed."""
    return [Update("service_cases", _case(event), values)]


@HANDLERS.on(ServiceCase.FeedbackReceived)
def _feedback_received(event: ServiceCase.FeedbackReceived, position: int) -> list[RowChange]:
    return [
        Upsert(
            "service_cases",
            _case(event),
            {
                "customer_id": str(event.customer_id),
                "customer_name": event.customer_name,
                "order_id": None if event.order_id is None else str(event.order_id),
                "channel": event.channel.value,
                "received_at": event.received_at,
                "respond_by": event.respond_by,
                "status": statuses.CASE_RECEIVED,
            },
        )
    ]


@HANDLERS.on(ServiceCase.Classified)
def _classified(event: ServiceCase.Classified, position: int) -> list[RowChange]:
    return _case_changed(
        event, kind=event.kind.value, severity=event.severity.value, respond_by=event.respond_by
    )


@HANDLERS.on(ServiceCase.Assigned)
def _assigned(event: ServiceCase.Assigned, position: int) -> list[RowChange]:
    assignee = event.assignee
    return _case_changed(event, assignee_id=str(assignee.employee_id), assignee_name=assignee.name)


@HANDLERS.on(ServiceCase.Responded)
def _responded(event: ServiceCase.Responded, position: int) -> list[RowChange]:
    answer = {
        "responded_at": event.responded_at,
        "respond_by": event.respond_by,
        "within_time_limit": event.within_time_limit,
    }
    responder = {"responder_id": str(event.actor.employee_id), "responder_name": event.actor.name}
    return [
        *_case_changed(event, **answer, status=statuses.CASE_ANSWERED),
        Insert("responses", {"position": position, **_case(event), **answer, **responder}),
    ]


def _case_status(status: str) -> Callable[[ServiceCase.Event, int], list[RowChange]]:
    def changes(event: ServiceCase.Event, position: int) -> list[RowChange]:
        closed = {"closed_at": event.timestamp} if status == statuses.CASE_CLOSED else {}
        return _case_changed(event, status=status, **closed)

    return changes


HANDLERS.on(ServiceCase.Resolved)(_case_status(statuses.CASE_RESOLVED))
HANDLERS.on(ServiceCase.Closed)(_case_status(statuses.CASE_CLOSED))


@HANDLERS.on(ServiceCase.Reopened)
def _reopened(event: ServiceCase.Reopened, position: int) -> list[RowChange]:
    return _case_changed(
        event,
        status=statuses.CASE_REOPENED,
        respond_by=event.respond_by,
        responded_at=None,
        within_time_limit=None,
        closed_at=None,
        reopened_at=event.reopened_at,
    )
