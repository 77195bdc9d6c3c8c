"""One line per performance and teamwork event, in the SOP's words."""

from __future__ import annotations

from typing import Any

from salesdomain.labels import words
from salesdomain.narrative import Describer, if_given, money, pct


def _specs(e: Any) -> str:
    return ", ".join(f"{s.indicator.label} {pct(s.weight)}" for s in e.specs.specs)


def _incentive(e: Any) -> str:
    incentive = e.incentive
    kind = incentive.kind.value
    if kind == "bonus":
        what = f"bonus of {money(incentive.bonus)}"
    elif kind == "pay_change":
        what = f"performance pay changed by {pct(incentive.pay_change)}"
    elif kind == "promotion":
        what = f"promotion to {incentive.new_position}"
    else:
        what = "recognition"
    return f"Incentive approved: {what} ({incentive.reason})"


DESCRIPTIONS: dict[str, Describer] = {
    "KpiScheme.Defined": lambda e: (
        f"KPI scheme '{e.title}' defined for {e.period} ({e.cycle.value}): {_specs(e)}"
    ),
    "KpiScheme.Revised": lambda e: f"KPI scheme revised ({e.reason}): {_specs(e)}",
    "KpiScheme.Locked": lambda e: "KPI scheme fixed: an appraisal now uses it",
    "SalesExpense.Recorded": lambda e: (
        f"Sales expense of {e.employee_name}: {money(e.amount)} for "
        f"{e.category.value} on {e.incurred_on} ({e.description})"
    ),
    "SalesExpense.Approved": lambda e: (
        f"Sales expense of {money(e.amount)} approved" + if_given(e.comments)
    ),
    "SalesExpense.Rejected": lambda e: f"Sales expense rejected: {e.reason}",
    "Appraisal.Opened": lambda e: (
        f"Appraisal of {e.employee_name} for {e.period} opened ({e.cycle.value}), "
        f"to complete by {e.complete_by}"
    ),
    "Appraisal.ActualsRecorded": lambda e: (
        "Actual figures recorded: "
        + ", ".join(f"{f.indicator.label} {f.value}" for f in e.actuals.figures)
    ),
    "Appraisal.SelfAssessed": lambda e: f"Self-assessment: {e.assessment.summary}",
    "Appraisal.SupervisorScored": lambda e: (
        "Supervisor scored: " + ", ".join(f"{s.indicator.label} {s.score}" for s in e.scores.scores)
    ),
    "Appraisal.FeedbackInterviewHeld": lambda e: (
        f"Feedback interview on {e.interview.held_on}: {e.interview.summary}"
    ),
    "Appraisal.ImprovementPlanAgreed": lambda e: (
        f"Improvement plan agreed: {len(e.plan.goals)} goal(s), first due "
        f"{min(g.due_on for g in e.plan.goals)}"
    ),
    "Appraisal.Finalised": lambda e: f"Final score {e.final_score}: {words(e.rating_band)}",
    "Appraisal.IncentiveDecided": _incentive,
    "Appraisal.CoachingPlanned": lambda e: (
        f"Coaching planned: {'; '.join(e.plan.actions)}, review on {e.plan.review_on}"
    ),
    "Appraisal.Closed": lambda e: (
        f"Appraisal of {e.employee_name} for {e.period} closed: {e.final_score}, "
        f"{words(e.rating_band)}"
        + ("" if e.within_time_limit else f" (LATE: due by {e.complete_by})")
    ),
    "AppraisalRecord.Started": lambda e: "Appraisal record of the employee started",
    "AppraisalRecord.ResultCounted": lambda e: (
        f"Appraisal for {e.period} counted: {e.final_score}, {words(e.rating_band)}"
    ),
    "Escalation.Raised": lambda e: f"Escalation raised for {e.employee_name}: {e.rule}",
    "Escalation.Resolved": lambda e: f"Escalation resolved: {e.outcome}",
    "TeamMeeting.Held": lambda e: (
        f"{e.kind.value.capitalize()} meeting of {e.team} on {e.held_on}: "
        f"{len(e.attendees.employee_ids)} attended, {len(e.minutes.decisions)} decision(s), "
        f"{len(e.action_items.items)} action item(s)"
    ),
    "TeamBuilding.Held": lambda e: (
        f"Team building of {e.team} on {e.held_on}: {e.activity} "
        f"({len(e.participants.employee_ids)} took part)"
    ),
    "TeamMeeting.HandOffAgreed": lambda e: (
        f"Hand-off #{e.item_number} from {e.item.handoff.from_department.label} to "
        f"{e.item.handoff.to_department.label}: {e.item.description}, due {e.item.due_on}"
    ),
    "TeamMeeting.ActionItemCompleted": lambda e: (
        f"Action item #{e.item_number} completed on {e.completed_on}: {e.outcome}"
    ),
}
