"""What each event changes, after-sales: service cases, satisfaction surveys and service
visits."""

from __future__ import annotations

from typing import Any

from salesdomain.projections.changes import RowChange, Upsert
from salesdomain.projections.kpi.facts import _Facts, _record, _utc_day


def _acted(event: Any) -> Upsert:
    """The name the acting employee gave (for labels when there is no employee record)."""
    actor = event.actor
    return Upsert("people", {"employee_id": str(actor.employee_id)}, {"name": actor.name or None})


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
