"""Reading the team's quarter back: hiring, onboarding, targets, appraisals,
escalations and the team meeting (SOP 3.1-3.4)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from salesdomain.adapters.demo.company import _Company
from salesdomain.adapters.demo.quarter import _Quarter
from salesdomain.adapters.demo.report import AppraisalSummary, EscalationSummary, TeamLine
from salesdomain.adapters.demo.setting import QUARTER, TEAM

from salesdomain.application import SalesApplication
from salesdomain.errors import RecordNotFound
from salesdomain.people.candidate import Candidate
from salesdomain.people.employee import Employee
from salesdomain.people.requisition import Requisition
from salesdomain.people.targets import SalesTarget
from salesdomain.people.values import TargetSubject
from salesdomain.performance.appraisal import Appraisal
from salesdomain.performance.escalation import Escalation
from salesdomain.performance.team_meeting import TeamMeeting
from salesdomain.values import Actor

# ---- reading the results back ----------------------------------------------------------------


def team_lines(co: _Company, quarter: _Quarter) -> list[TeamLine]:
    app = co.app
    lines: list[TeamLine] = []
    req = app.load(Requisition, quarter.requisition)
    chosen = req.channels.channels if req.channels is not None else ()
    channels = ", ".join(c.value.replace("_", " ") for c in chosen)
    lines.append(
        TeamLine(
            "3.1.1",
            co.dan.name,
            f"agreed the hiring need: {req.headcount} x {req.profile.position} ({TEAM}); "
            f"channels: {channels}; filled {req.filled}/{req.headcount}"
            + (", closed" if req.is_closed else ""),
        )
    )
    for name, candidate_id in quarter.candidates.items():
        cand = app.load(Candidate, candidate_id)
        interviews = ", ".join(
            f"{i.kind.value.replace('_', '-')} {i.average}" for i in cand.interviews
        )
        what = f"applied via {cand.channel.value.replace('_', ' ')}; interviews {interviews}; "
        if cand.employee_id is not None:
            employee = app.load(Employee, cand.employee_id)
            what += (
                f"HIRED as {employee.position}, starts {employee.start_date}, "
                f"reports to {co.mia.name}"
            )
        else:
            what += cand.status.value
        lines.append(TeamLine("3.1.4", name, what))
    nora = app.load(Employee, co.nora.employee_id)
    lines.append(
        TeamLine(
            "3.2.1-2",
            nora.name,
            "onboarding training "
            + ("completed" if nora.onboarding_completed else "pending")
            + f"; {nora.training_count} periodic training(s), {nora.training_hours} h",
        )
    )
    for rep in (co.alice, co.bob, co.carol, co.nora):
        target = _target(app, rep)
        if target is not None:
            lines.append(TeamLine("3.3.1", rep.name, f"target {QUARTER}: {target}"))
    lines.append(
        TeamLine(
            "3.3.1",
            co.carol.name,
            f"{len(quarter.expenses)} sales expense(s) approved by {co.mia.name}",
        )
    )
    for aid in quarter.appraisals:
        summary = appraisal_summary(app, aid)
        figures = ", ".join(f"{name} {_plain(value)}" for name, value in summary.actuals)
        what = (
            f"{summary.period} ({summary.cycle}) on {figures}: final score "
            f"{summary.final_score}, {summary.rating_band}"
        )
        if summary.incentives:
            what += "; " + "; ".join(summary.incentives)
        if summary.coaching:
            what += "; coaching planned"
        lines.append(TeamLine("3.3.3", summary.employee, what))
    for escalation in escalation_summaries(app, quarter.appraisals):
        lines.append(
            TeamLine(
                "3.3.4",
                escalation.employee,
                f"ESCALATION raised by {escalation.raised_by}: {escalation.rule}"
                + (f"; resolved: {escalation.resolution}" if escalation.resolution else ""),
            )
        )
    meeting = app.load(TeamMeeting, quarter.meeting)
    handoffs = [i for i in meeting.items if i.item.handoff is not None]
    done = sum(1 for i in meeting.items if i.done)
    lines.append(
        TeamLine(
            "3.4.2",
            co.mia.name,
            f"{meeting.kind.value} meeting {meeting.held_on}: {len(meeting.items)} action item(s) "
            f"of which {len(handoffs)} hand-off(s) "
            + ", ".join(
                f"{h.item.handoff.from_department.label} → {h.item.handoff.to_department.label}"
                for h in handoffs
                if h.item.handoff is not None
            )
            + f"; {done}/{len(meeting.items)} completed",
        )
    )
    return lines


def _plain(value: Decimal) -> str:
    """A figure without trailing zeros, thousands separated: 151,200 / 0.5 / 3.5."""
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value.normalize():,f}"


def _target(app: SalesApplication, rep: Actor) -> str | None:
    try:
        target = app.load(
            SalesTarget, SalesTarget.id_for(TargetSubject.employee(rep.employee_id), QUARTER)
        )
    except RecordNotFound:
        return None
    figures = target.figures
    parts = [f"revenue {figures.revenue}"] if figures.revenue.amount else []
    if figures.new_customers:
        parts.append(f"{figures.new_customers} new customer(s)")
    parts.append(f"{figures.visits} visits")
    return ", ".join(parts)


def appraisal_summary(app: SalesApplication, appraisal_id: UUID) -> AppraisalSummary:
    appraisal = app.load(Appraisal, appraisal_id)
    incentives = []
    for incentive in appraisal.incentives:
        if incentive.bonus is not None:
            incentives.append(f"bonus {incentive.bonus}")
        else:
            incentives.append(incentive.kind.value.replace("_", " "))
    figures = appraisal.actuals.figures if appraisal.actuals is not None else ()
    return AppraisalSummary(
        employee=appraisal.employee_name,
        period=appraisal.period.code,
        cycle=appraisal.cycle.value,
        actuals=tuple((f.indicator.label, f.value) for f in figures),
        final_score=appraisal.final_score or Decimal(0),
        rating_band=appraisal.rating_band.label if appraisal.rating_band else "",
        incentives=tuple(incentives),
        coaching=appraisal.coaching is not None,
        closed=appraisal.stage.value == "closed",
    )


def escalation_summaries(
    app: SalesApplication, appraisal_ids: list[UUID]
) -> list[EscalationSummary]:
    found = []
    for aid in appraisal_ids:
        try:
            app.load(Escalation, Escalation.id_for(aid))
        except RecordNotFound:
            continue
        events: list[Any] = list(app.history(Escalation.id_for(aid)))
        raised = events[0]
        resolved = next((e for e in events if type(e) is Escalation.Resolved), None)
        found.append(
            EscalationSummary(
                employee=raised.employee_name,
                cycle=raised.cycle.value,
                appraisals=len(raised.appraisals.ids),
                raised_by=str(raised.actor),
                raised_by_role=raised.actor.role,
                rule=raised.rule,
                resolution=resolved.outcome if resolved is not None else "",
            )
        )
    return found
