"""Time limits of after-sales (SOP 2.6): customer feedback is answered in time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from salesdomain.projections.conformance.review import Review, on
from salesdomain.projections.conformance.time_limits.rules import FEEDBACK_RESPONSE, _deadline

from salesdomain.aftersales.service_case import ServiceCase

# ---- 2.6.1 feedback is answered within its time limit --------------------------------------


@on(ServiceCase.FeedbackReceived)
def feedback_received(review: Review, e: ServiceCase.FeedbackReceived) -> None:
    memo = review.memo(e.originator_id)
    memo.update(label=f"feedback from {e.customer_name}", rounds=1, start=e.received_at)
    memo["responsible"] = review.person_of(e)
    _respond_by(review, e, e.received_at, None)


@on(ServiceCase.Classified)
def feedback_classified(review: Review, e: ServiceCase.Classified) -> None:
    memo = review.memo(e.originator_id)
    if "start" not in memo:  # no receipt in the history: nothing to measure from
        return
    memo["severity"] = e.severity
    _respond_by(review, e, memo["start"], e.severity)


@on(ServiceCase.Assigned)
def feedback_assigned(review: Review, e: ServiceCase.Assigned) -> None:
    person = review.staff.person(e.assignee.employee_id, e.assignee.name, e.assignee.role)
    memo = review.memo(e.originator_id)
    memo["responsible"] = person
    deadline = review.deadlines.get((e.originator_id, "response", memo.get("rounds")))
    if deadline is not None:
        deadline.responsible = person


@on(ServiceCase.Responded)
def feedback_answered(review: Review, e: ServiceCase.Responded) -> None:
    memo = review.memo(e.originator_id)
    review.fulfil((e.originator_id, "response", memo.get("rounds")), e, e.responded_at)


@on(ServiceCase.Reopened)
def feedback_reopened(review: Review, e: ServiceCase.Reopened) -> None:
    memo = review.memo(e.originator_id)
    if "rounds" not in memo:
        return
    memo.update(rounds=memo["rounds"] + 1, start=e.reopened_at)
    _respond_by(review, e, e.reopened_at, memo.get("severity"))


def _respond_by(review: Review, e: Any, start: datetime, severity: Any) -> None:
    memo = review.memo(e.originator_id)
    key = (e.originator_id, "response", memo["rounds"])
    policy = review.policy(e.policy_version, FEEDBACK_RESPONSE, e)
    if policy is None:
        review.deadlines.pop(key, None)
        return
    due = start + policy.service.response_deadline(severity)
    previous = review.deadlines.get(key)
    if previous is not None and previous.done_at is not None:
        return
    review.expect(
        key,
        _deadline(review, FEEDBACK_RESPONSE, e, due, memo["responsible"], e.policy_version),
    )
