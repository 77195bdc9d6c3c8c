"""Time limits of the SOP, checked against the recorded history.

Each rule opens a deadline when the history says the clock starts, and the step that
meets it fulfils it; a deadline is re-computed from the policy version the starting
event recorded (never from the event's own ``due`` fields, which the write side
computed).  A deadline met late is a breach ("late"); one passed, as at the review,
without the step is a breach ("still open").  See ``review.finish``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from projections.conformance.findings import Family, Person, Rule, rule
from projections.conformance.review import Deadline, Review, on
from salesdomain.aftersales.service_case import ServiceCase
from salesdomain.contracts.contract import Contract
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.orders.order import Order
from salesdomain.orders.values import InspectionKind
from salesdomain.people.candidate import Candidate, formalities_limit
from salesdomain.performance.appraisal import Appraisal
from salesdomain.performance.team_meeting import TeamMeeting
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


# ---- 2.6.1 feedback is answered within its time limit --------------------------------------


@on(ServiceCase.FeedbackReceived)
def feedback_received(review: Review, e: Any) -> None:
    memo = review.memo(e.originator_id)
    memo.update(label=f"feedback from {e.customer_name}", rounds=1, start=e.received_at)
    memo["responsible"] = review.person_of(e)
    _respond_by(review, e, e.received_at, None)


@on(ServiceCase.Classified)
def feedback_classified(review: Review, e: Any) -> None:
    memo = review.memo(e.originator_id)
    if "start" not in memo:  # no receipt in the history: nothing to measure from
        return
    memo["severity"] = e.severity
    _respond_by(review, e, memo["start"], e.severity)


@on(ServiceCase.Assigned)
def feedback_assigned(review: Review, e: Any) -> None:
    person = review.staff.person(e.assignee.employee_id, e.assignee.name, e.assignee.role)
    memo = review.memo(e.originator_id)
    memo["responsible"] = person
    deadline = review.deadlines.get((e.originator_id, "response", memo.get("rounds")))
    if deadline is not None:
        deadline.responsible = person


@on(ServiceCase.Responded)
def feedback_answered(review: Review, e: Any) -> None:
    memo = review.memo(e.originator_id)
    review.fulfil((e.originator_id, "response", memo.get("rounds")), e, e.responded_at)


@on(ServiceCase.Reopened)
def feedback_reopened(review: Review, e: Any) -> None:
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


# ---- 2.4.2 each approval level decides within the turnaround ------------------------------


@on(Contract.SubmittedForApproval)
def contract_submitted(review: Review, e: Any) -> None:
    _level_turn(review, e, e.revision, 1, e.chain.levels[0])


@on(Contract.Approved, Contract.Rejected)
def contract_decided(review: Review, e: Any) -> None:
    review.fulfil((e.originator_id, "approval", e.revision, e.position), e, e.timestamp)
    if isinstance(e, Contract.Approved) and e.next_level is not None:
        _level_turn(review, e, e.revision, e.position + 1, e.next_level)


@on(Contract.Revised, Contract.Amended)
def contract_revised(review: Review, e: Any) -> None:
    pending = review.memo(e.originator_id).get("pending_turn")
    if pending is not None:
        review.withdraw(pending)


def _level_turn(review: Review, e: Any, revision: int, position: int, level: Role) -> None:
    policy = review.policy(e.policy_version, APPROVAL_TURNAROUND, e)
    if policy is None:
        return
    key = (e.originator_id, "approval", revision, position)
    due = e.timestamp + timedelta(days=policy.contracts.approval_turnaround_days)
    who = _role(level, f"the {level.label} (approval level {position})")
    review.expect(key, _deadline(review, APPROVAL_TURNAROUND, e, due, who, e.policy_version))
    review.memo(e.originator_id)["pending_turn"] = key


# ---- 2.3.2 a quote is accepted only while valid --------------------------------------------


@on(Opportunity.QuoteIssued)
def quote_issued(review: Review, e: Any) -> None:
    quotes = review.memo(e.originator_id).setdefault("valid_until", {})
    quotes[e.quote_version] = e.terms.valid_until


@on(Opportunity.QuoteAccepted)
def quote_accepted(review: Review, e: Any) -> None:
    valid_until = review.memo(e.originator_id).get("valid_until", {}).get(e.quote_version)
    if valid_until is None:
        return
    key = (e.originator_id, "quote", e.quote_version)
    review.expect(key, _deadline(review, QUOTE_VALIDITY, e, valid_until, review.person_of(e)))
    review.fulfil(key, e, e.timestamp.date())


# ---- 2.5.3 the final inspection before the delivery date; 2.5.1 coordination tasks ------------


@on(Order.Entered, Order.ContractAmended)
def order_terms(review: Review, e: Any) -> None:
    memo = review.memo(e.originator_id)
    if isinstance(e, Order.Entered):
        memo.update(label=f"order of {e.customer_name}", passed={}, qc=None)
    memo.update(delivery_date=e.delivery_date, ordered=e.lines.quantities())
    _inspection_due(review, e, None)


@on(Order.CoordinationTaskAssigned)
def task_assigned(review: Review, e: Any) -> None:
    owner = review.staff.person(e.owner_id, e.owner_name, e.department)
    key = (e.originator_id, "task", e.task_number)
    review.expect(key, _deadline(review, COORDINATION, e, e.due_on, owner, e.policy_version))
    if e.department is Role.QUALITY_CONTROL:
        review.memo(e.originator_id)["qc"] = owner
        deadline = review.deadlines.get((e.originator_id, "inspection"))
        if deadline is not None:
            deadline.responsible = owner


@on(Order.CoordinationTaskCompleted)
def task_completed(review: Review, e: Any) -> None:
    review.fulfil((e.originator_id, "task", e.task_number), e, e.completed_on)


@on(Order.LotInspected)
def lot_inspected(review: Review, e: Any) -> None:
    memo = review.memo(e.originator_id)
    if "delivery_date" not in memo or not _inspection_due(review, e, e.policy_version):
        return
    if e.passed and e.kind is InspectionKind.FINAL:
        passed = dict(memo["passed"])
        passed[e.product_code] = passed.get(e.product_code, Decimal(0)) + e.quantity
        memo["passed"] = passed
        if all(passed.get(code, 0) >= qty for code, qty in memo["ordered"].items()):
            review.fulfil((e.originator_id, "inspection"), e, e.inspected_on)


@on(Order.Cancelled)
def order_cancelled(review: Review, e: Any) -> None:
    review.withdraw(
        *(key for key in review.deadlines if key[0] == e.originator_id and key[1] != "approval")
    )


def _inspection_due(review: Review, e: Any, version: str | None) -> bool:
    """(Re)compute the inspection deadline from the policy ``version`` names."""
    policy = review.policy(version, INSPECTION, e)
    key = (e.originator_id, "inspection")
    if policy is None:
        review.deadlines.pop(key, None)
        return False
    memo = review.memo(e.originator_id)
    due = memo["delivery_date"] - policy.orders.inspection_before_delivery
    deadline = review.deadlines.get(key)
    if deadline is None:
        qc = memo.get("qc") or _role(Role.QUALITY_CONTROL, "quality control")
        review.expect(key, _deadline(review, INSPECTION, e, due, qc, version))
    elif deadline.done_at is None:
        deadline.due, deadline.policy_version = due, version
    return True


# ---- 3.3.3 appraisals are completed in time ------------------------------------------------


@on(Appraisal.Opened)
def appraisal_opened(review: Review, e: Any) -> None:
    memo = review.memo(e.originator_id)
    memo["label"] = f"{e.period.code} appraisal of {e.employee_name}"
    policy = review.policy(e.policy_version, APPRAISAL_COMPLETION, e)
    if policy is None:
        return
    due = e.period.end + timedelta(days=policy.performance.appraisal_completion_days)
    manager = review.staff.person(e.manager_id)
    key = (e.originator_id, "appraisal")
    review.expect(key, _deadline(review, APPRAISAL_COMPLETION, e, due, manager, e.policy_version))


@on(Appraisal.Closed)
def appraisal_closed(review: Review, e: Any) -> None:
    review.fulfil((e.originator_id, "appraisal"), e, e.timestamp.date())


# ---- 3.1.4 the labour contract within the set time ----------------------------------------


@on(Candidate.OfferSent)
def offer_sent(review: Review, e: Any) -> None:
    memo = review.memo(e.originator_id)
    memo.update(start_date=e.offer.start_date, sent_by=review.person_of(e))


@on(Candidate.OfferAccepted)
def offer_accepted(review: Review, e: Any) -> None:
    memo = review.memo(e.originator_id)
    if "start_date" not in memo:  # no offer in the history
        return
    due = memo["start_date"] + formalities_limit()
    key = (e.originator_id, "labour contract")
    review.expect(key, _deadline(review, LABOUR_CONTRACT, e, due, memo["sent_by"]))


@on(Candidate.Hired)
def labour_contract_signed(review: Review, e: Any) -> None:
    review.fulfil((e.originator_id, "labour contract"), e, e.signed_on)


@on(Candidate.OfferDeclined, Candidate.Rejected)
def offer_withdrawn(review: Review, e: Any) -> None:
    review.withdraw((e.originator_id, "labour contract"))


# ---- 3.4.2 / 3.4.3 action items and hand-offs ---------------------------------------------


@on(TeamMeeting.Held)
def meeting_held(review: Review, e: Any) -> None:
    review.memo(e.originator_id)["label"] = f"{e.team} {e.kind.value} meeting of {e.held_on}"
    for number, item in enumerate(e.action_items.items, start=1):
        _item(review, e, number, item)


@on(TeamMeeting.HandOffAgreed)
def handoff_agreed(review: Review, e: Any) -> None:
    _item(review, e, e.item_number, e.item)


@on(TeamMeeting.ActionItemCompleted)
def item_completed(review: Review, e: Any) -> None:
    review.fulfil((e.originator_id, "item", e.item_number), e, e.completed_on)


def _item(review: Review, e: Any, number: int, item: Any) -> None:
    owner = review.staff.person(item.owner_id)
    key = (e.originator_id, "item", number)
    review.expect(key, _deadline(review, ACTION_ITEM, e, item.due_on, owner))
