"""What each event changes, after-sales: service cases, satisfaction surveys and service
visits."""

from __future__ import annotations

from typing import Any

from salesdomain.projections.changes import RowChange, Upsert
from salesdomain.projections.dispatch import Handlers
from salesdomain.projections.kpi.facts import _Facts, _record, _utc_day

from salesdomain.aftersales.satisfaction_survey import SatisfactionSurvey
from salesdomain.aftersales.service_case import ServiceCase
from salesdomain.aftersales.service_visit import ServiceVisit
from salesdomain.aggregate import SopAggregate

HANDLERS = Handlers[RowChange]()


def _acted(event: SopAggregate.Event) -> Upsert:
    """The name the acting employee gave (for labels when there is no employee record)."""
    actor = event.actor
    return Upsert("people", {"employee_id": str(actor.employee_id)}, {"name": actor.name or None})


@HANDLERS.on(ServiceCase.FeedbackReceived, SatisfactionSurvey.Started)
def _opened(
    event: ServiceCase.FeedbackReceived | SatisfactionSurvey.Started, position: int
) -> list[RowChange]:
    """The case's or survey's customer, for the facts of its version 1 answers (they
    name none)."""
    kind = "service_case" if isinstance(event, ServiceCase.FeedbackReceived) else "survey"
    return [_record(event.originator_id, kind, customer_id=str(event.customer_id))]


@HANDLERS.on(ServiceCase.Responded)
def _responded(event: ServiceCase.Responded, position: int) -> list[RowChange]:
    facts = _Facts(event, position)
    common: dict[str, Any] = {
        "day": _utc_day(event.responded_at),
        "rep": event.actor.employee_id,
        "customer": event.customer_id,
        "record": event.originator_id,
    }
    facts.add("service_responses", 1, **common)
    facts.add("service_on_time", 1 if event.within_time_limit else 0, **common)
    return [*facts.rows, _acted(event)]


@HANDLERS.on(SatisfactionSurvey.ResponseRecorded)
def _survey_response(event: SatisfactionSurvey.ResponseRecorded, position: int) -> list[RowChange]:
    facts = _Facts(event, position)
    score, day = event.response.satisfaction.value, _utc_day(event.timestamp)
    facts.add(
        "satisfaction", score, day=day, customer=event.customer_id, record=event.originator_id
    )
    return facts.rows


@HANDLERS.on(ServiceVisit.Recorded)
def _service_visit(event: ServiceVisit.Recorded, position: int) -> list[RowChange]:
    facts = _Facts(event, position)
    facts.add(
        "satisfaction",
        event.work.satisfaction.value,
        day=event.work.visited_on,
        rep=event.order_owner_id,
        customer=event.customer_id,
        record=event.order_id,
    )
    return facts.rows
