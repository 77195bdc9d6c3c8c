"""Work-queue items from the conformance view's open time limits (ADR 39, 53): each
deadline still open becomes the step due from its responsible person, with the command
that meets it; an appraisal's next step is read from the stage its memo remembers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from salesdomain.projections.conformance.findings import Person
from salesdomain.projections.conformance.review import Deadline
from salesdomain.projections.conformance.staff import Member
from salesdomain.projections.conformance.time_limits import rules
from salesdomain.projections.workqueue.items import DueItem, ItemKind, timing

from salesdomain.performance.appraisal import AppraisalStage

OpenDeadline = tuple[tuple[Any, ...], Deadline]

_BY_RULE: dict[str, tuple[ItemKind, str, str, str]] = {
    rules.FEEDBACK_RESPONSE.id: (
        ItemKind.COMPLAINT,
        "service case",
        "answer the customer's feedback with a clear answer and solution",
        "RespondToFeedback",
    ),
    rules.APPROVAL_TURNAROUND.id: (
        ItemKind.CONTRACT_APPROVAL,
        "contract",
        "approve or reject the contract",
        "ApproveContract or RejectContract",
    ),
    rules.INSPECTION.id: (
        ItemKind.INSPECTION,
        "order",
        "pass every ordered item through the final inspection",
        "RecordInspection",
    ),
    rules.COORDINATION.id: (
        ItemKind.COORDINATION_TASK,
        "order",
        "complete the coordination task",
        "CompleteCoordinationTask",
    ),
    rules.APPRAISAL_COMPLETION.id: (
        ItemKind.APPRAISAL,
        "appraisal",
        "complete the appraisal",
        "CloseAppraisal",
    ),
    rules.LABOUR_CONTRACT.id: (
        ItemKind.LABOUR_CONTRACT,
        "candidate",
        "complete the onboarding formalities and sign the labour contract",
        "SignLabourContract",
    ),
    rules.ACTION_ITEM.id: (
        ItemKind.ACTION_ITEM,
        "team meeting",
        "complete the action item or hand-off",
        "CompleteActionItem",
    ),
}

APPRAISAL_NEXT: dict[str, tuple[str, str]] = {
    AppraisalStage.OPENED.value: ("record the actual figures", "RecordActuals"),
    AppraisalStage.ACTUALS_RECORDED.value: (
        "write the self-assessment",
        "SubmitSelfAssessment",
    ),
    AppraisalStage.SELF_ASSESSED.value: ("score each indicator", "ScoreAppraisal"),
    AppraisalStage.SCORED.value: ("hold the feedback interview", "RecordFeedbackInterview"),
    AppraisalStage.INTERVIEWED.value: (
        "agree the improvement plan and goals",
        "AgreeImprovementPlan",
    ),
    AppraisalStage.PLAN_AGREED.value: ("finalise the score", "FinaliseAppraisal"),
    AppraisalStage.FINALISED.value: (
        "decide incentives or coaching, and close the appraisal",
        "CloseAppraisal (DecideIncentive, PlanCoaching first where due)",
    ),
}
"""An appraisal's next step by the stage it reached, and its command (SOP 3.3.3)."""
SELF_ASSESSMENT = AppraisalStage.ACTUALS_RECORDED.value
"""The stage at which the next step is the employee's own (their self-assessment)."""


def item_of(
    found: OpenDeadline,
    at: datetime,
    memo: Mapping[str, Any],
    employee: Person | None = None,
) -> DueItem:
    """The item an open deadline is; ``memo``: what the review remembers of its record;
    ``employee``: for an appraisal at the self-assessment, the appraisee it is due from."""
    key, deadline = found
    kind, record_kind, step, command = _BY_RULE[deadline.rule.id]
    who = deadline.responsible
    if kind is ItemKind.APPRAISAL and (stage := memo.get("stage")) in APPRAISAL_NEXT:
        step, command = APPRAISAL_NEXT[stage]
        if stage == SELF_ASSESSMENT and employee is not None:
            who = employee
    elif kind in (ItemKind.COORDINATION_TASK, ItemKind.ACTION_ITEM):
        command = f"{command} ({'task' if kind is ItemKind.COORDINATION_TASK else 'item'} {key[2]})"
    overdue, left = timing(deadline.due, at)
    return DueItem(
        kind=kind,
        sop_step=deadline.rule.sop_step,
        step=step,
        record_kind=record_kind,
        record_id=str(deadline.record_id),
        record=deadline.record,
        case_id=None if deadline.case_id is None else str(deadline.case_id),
        due=deadline.due,
        overdue=overdue,
        seconds_left=left,
        responsible=who.name,
        responsible_id=None if who.employee_id is None else str(who.employee_id),
        responsible_team=who.team,
        next_command=command,
        rule=deadline.rule.id,
    )


def not_independent(memo: Mapping[str, Any], employee_id: UUID) -> bool:
    """Whether the employee may not approve the contract ``memo`` remembers: they own
    the deal, drafted or reviewed it, or approved another level of it (SOP 2.4.2)."""
    return (
        employee_id == memo.get("owner")
        or employee_id in memo.get("drafters", {})
        or employee_id in memo.get("reviewers", ())
        or any(approver == employee_id for _level, approver in memo.get("approvals", []))
    )


def deadline_items(
    deadlines: list[OpenDeadline],
    memos: Mapping[UUID, Any],
    staff: Mapping[UUID, Member],
    people: Mapping[str, Member],
    at: datetime,
) -> list[DueItem]:
    """The items the open ``deadlines`` are for ``people`` (by employee id): those due
    from one of them; an approval level's, if one of them holds its role and may
    approve the contract; an appraisal at the self-assessment, if the appraisee is."""
    found: list[DueItem] = []
    for key, deadline in deadlines:
        memo = memos.get(deadline.record_id, {})
        if deadline.responsible.employee_id is None:  # an approval level: by its role
            role = deadline.responsible.role
            if any(
                m.active
                and role in {r.value for r in m.roles}
                and not not_independent(memo, m.employee_id)
                for m in people.values()
            ):
                found.append(item_of((key, deadline), at, memo))
            continue
        employee = staff.get(memo["employee"]) if "employee" in memo else None
        appraisee = None
        if employee is not None and memo.get("stage") == SELF_ASSESSMENT:
            appraisee = Person(
                employee_id=employee.employee_id, name=employee.name, team=employee.team
            )
        item = item_of((key, deadline), at, memo, appraisee)
        if item.responsible_id in people:
            found.append(item)
    return found
