"""The time-limit rules of the SOP (``RULES``) and the deadline helpers their handlers share."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from salesdomain.projections.conformance.findings import Family, Person, Rule, rule
from salesdomain.projections.conformance.review import Deadline, Review

from salesdomain.rules.after_sales import FEEDBACK_ANSWERED_IN_TIME
from salesdomain.rules.contract import APPROVAL_WITHIN_TURNAROUND
from salesdomain.rules.order_execution import COORDINATION_TASK_ON_TIME, INSPECTED_BEFORE_DELIVERY
from salesdomain.rules.performance import APPRAISAL_COMPLETED_IN_TIME
from salesdomain.rules.quotation import QUOTE_ACCEPTED_WHILE_VALID
from salesdomain.rules.recruitment import LABOUR_CONTRACT_SIGNED_IN_TIME
from salesdomain.rules.teamwork import ACTION_ITEM_ON_TIME
from salesdomain.sop import Role

T = Family.TIME_LIMIT
FEEDBACK_RESPONSE = rule(FEEDBACK_ANSWERED_IN_TIME, T)
APPROVAL_TURNAROUND = rule(APPROVAL_WITHIN_TURNAROUND, T)
QUOTE_VALIDITY = rule(QUOTE_ACCEPTED_WHILE_VALID, T)
INSPECTION = rule(INSPECTED_BEFORE_DELIVERY, T)
COORDINATION = rule(COORDINATION_TASK_ON_TIME, T)
APPRAISAL_COMPLETION = rule(APPRAISAL_COMPLETED_IN_TIME, T)
LABOUR_CONTRACT = rule(LABOUR_CONTRACT_SIGNED_IN_TIME, T)
ACTION_ITEM = rule(ACTION_ITEM_ON_TIME, T)
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
