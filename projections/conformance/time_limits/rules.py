"""The time-limit rules of the SOP (``RULES``) and the deadline helpers their handlers share."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from salesdomain.projections.conformance.findings import Family, Person, Rule, rule
from salesdomain.projections.conformance.review import Deadline, Review

from salesdomain.sop import Role

T = Family.TIME_LIMIT
FEEDBACK_RESPONSE = rule(
    "feedback_answered_in_time",
    "customer feedback is answered within the response time its severity sets",
    "2.6.1",
    T,
)
APPROVAL_TURNAROUND = rule(
    "approval_within_turnaround",
    "each contract approval level decides within the approval turnaround",
    "2.4.2",
    T,
)
QUOTE_VALIDITY = rule(
    "quote_accepted_while_valid", "a quote is accepted only while it is valid", "2.3.2", T
)
INSPECTION = rule(
    "inspected_before_delivery",
    "every ordered item passes the final inspection before the delivery date",
    "2.5.3",
    T,
)
COORDINATION = rule(
    "coordination_task_on_time",
    "a coordination task is completed by its due date",
    "2.5.1",
    T,
)
APPRAISAL_COMPLETION = rule(
    "appraisal_completed_in_time",
    "an appraisal is completed within the set time after its cycle ends",
    "3.3.3",
    T,
)
LABOUR_CONTRACT = rule(
    "labour_contract_signed_in_time",
    "a hire completes the formalities and signs the labour contract within the set time",
    "3.1.4",
    T,
)
ACTION_ITEM = rule(
    "action_item_on_time",
    "a meeting's action item or hand-off is completed by its due date",
    "3.4.2",
    T,
)
RULES = (
    FEEDBACK_RESPONSE,
    APPROVAL_TURNAROUND,
    QUOTE_VALIDITY,
    INSPECTION,
    COORDINATION,
    APPRAISAL_COMPLETION,
    LABOUR_CONTRACT,
    ACTION_ITEM,
)


def _deadline(
    review: Review,
    r: Rule,
    event: Any,
    due: datetime | date,
    responsible: Person,
    version: str | None = None,
) -> Deadline:
    return Deadline(
        r,
        event.correlation_id,
        event.originator_id,
        review.label(event.originator_id),
        due,
        responsible,
        version,
    )


def _role(role: Role, what: str = "") -> Person:
    return Person(name=what or f"the {role.label}", role=role.value)
