"""Handlers of performance and teamwork: load, call the aggregate, done."""

from __future__ import annotations

from uuid import UUID

from salesdomain.errors import SopRuleViolation
from salesdomain.handling import UnitOfWork, handles
from salesdomain.people.employee import Employee
from salesdomain.performance import commands as c
from salesdomain.performance.appraisal import Appraisal
from salesdomain.performance.escalation import Escalation
from salesdomain.performance.kpi_scheme import KpiScheme
from salesdomain.performance.sales_expense import SalesExpense
from salesdomain.performance.team_meeting import TeamMeeting
from salesdomain.performance.values import (
    ActionItems,
    Actuals,
    Attendees,
    KpiSpecs,
    Minutes,
    Scores,
)
from salesdomain.rules.performance import APPRAISED_ONCE_PER_PERIOD, ONE_KPI_SCHEME_PER_PERIOD


def _manager_of(uow: UnitOfWork, employee_id: UUID) -> UUID | None:
    """The employee's manager as the people records show them now."""
    return uow.load(Employee, employee_id).manager_id


# ---- 3.3.1 / 3.3.2 ------------------------------------------------------------------------


@handles(c.DefineKpiScheme)
def define_kpi_scheme(cmd: c.DefineKpiScheme, uow: UnitOfWork) -> None:
    existing = uow.find(KpiScheme, KpiScheme.id_for(cmd.period))
    if existing is not None:
        raise SopRuleViolation(
            ONE_KPI_SCHEME_PER_PERIOD,
            f"'{existing.title}' is the scheme for {cmd.period}; revise it instead",
        )
    uow.add(
        KpiScheme.define(
            uow.evidence,
            period=cmd.period,
            title=cmd.title,
            specs=KpiSpecs(specs=cmd.specs),
            policy=uow.policy.performance,
            policy_version=uow.policy.version,
        )
    )


@handles(c.ReviseKpiScheme)
def revise_kpi_scheme(cmd: c.ReviseKpiScheme, uow: UnitOfWork) -> None:
    uow.load(KpiScheme, KpiScheme.id_for(cmd.period)).revise(
        uow.evidence,
        KpiSpecs(specs=cmd.specs),
        reason=cmd.reason,
        policy=uow.policy.performance,
        policy_version=uow.policy.version,
    )


@handles(c.RecordSalesExpense)
def record_sales_expense(cmd: c.RecordSalesExpense, uow: UnitOfWork) -> None:
    employee = uow.load(Employee, cmd.employee_id)
    uow.add(
        SalesExpense.record(
            uow.evidence,
            expense_id=cmd.expense_id,
            employee_id=employee.id,
            employee_name=employee.name,
            incurred_on=cmd.incurred_on,
            category=cmd.category,
            amount=cmd.amount,
            description=cmd.description,
            opportunity_id=cmd.opportunity_id,
            today=uow.now().date(),
        )
    )


@handles(c.ApproveSalesExpense)
def approve_sales_expense(cmd: c.ApproveSalesExpense, uow: UnitOfWork) -> None:
    expense = uow.load(SalesExpense, cmd.expense_id)
    expense.approve(
        uow.evidence, manager_id=_manager_of(uow, expense.employee_id), comments=cmd.comments
    )


@handles(c.RejectSalesExpense)
def reject_sales_expense(cmd: c.RejectSalesExpense, uow: UnitOfWork) -> None:
    expense = uow.load(SalesExpense, cmd.expense_id)
    expense.reject(
        uow.evidence, manager_id=_manager_of(uow, expense.employee_id), reason=cmd.reason
    )


# ---- 3.3.3 Appraisal -----------------------------------------------------------------------


@handles(c.OpenAppraisal)
def open_appraisal(cmd: c.OpenAppraisal, uow: UnitOfWork) -> None:
    employee = uow.load(Employee, cmd.employee_id)
    existing = uow.find(Appraisal, Appraisal.id_for(employee.id, cmd.period))
    if existing is not None:
        raise SopRuleViolation(
            APPRAISED_ONCE_PER_PERIOD,
            f"{employee.name} already has the appraisal {existing.id} for {cmd.period}",
        )
    scheme = uow.find(KpiScheme, KpiScheme.id_for(cmd.period))
    appraisal = uow.add(
        Appraisal.open(
            uow.evidence,
            employee=employee,
            period=cmd.period,
            scheme=scheme,
            policy=uow.policy.performance,
            policy_version=uow.policy.version,
            today=uow.now().date(),
        )
    )
    if scheme is not None:
        scheme.lock_for(uow.evidence, appraisal.id)


@handles(c.RecordActuals)
def record_actuals(cmd: c.RecordActuals, uow: UnitOfWork) -> None:
    uow.load(Appraisal, cmd.appraisal_id).record_actuals(uow.evidence, Actuals(figures=cmd.figures))


@handles(c.SubmitSelfAssessment)
def submit_self_assessment(cmd: c.SubmitSelfAssessment, uow: UnitOfWork) -> None:
    uow.load(Appraisal, cmd.appraisal_id).self_assess(uow.evidence, cmd.assessment)


@handles(c.ScoreAppraisal)
def score_appraisal(cmd: c.ScoreAppraisal, uow: UnitOfWork) -> None:
    appraisal = uow.load(Appraisal, cmd.appraisal_id)
    appraisal.score(
        uow.evidence,
        Scores(scores=cmd.scores),
        manager_id=_manager_of(uow, appraisal.employee_id),
    )


@handles(c.RecordFeedbackInterview)
def record_feedback_interview(cmd: c.RecordFeedbackInterview, uow: UnitOfWork) -> None:
    appraisal = uow.load(Appraisal, cmd.appraisal_id)
    appraisal.hold_interview(
        uow.evidence,
        cmd.interview,
        manager_id=_manager_of(uow, appraisal.employee_id),
        today=uow.now().date(),
    )


@handles(c.AgreeImprovementPlan)
def agree_improvement_plan(cmd: c.AgreeImprovementPlan, uow: UnitOfWork) -> None:
    appraisal = uow.load(Appraisal, cmd.appraisal_id)
    appraisal.agree_plan(
        uow.evidence,
        cmd.plan,
        manager_id=_manager_of(uow, appraisal.employee_id),
        today=uow.now().date(),
    )


@handles(c.FinaliseAppraisal)
def finalise_appraisal(cmd: c.FinaliseAppraisal, uow: UnitOfWork) -> None:
    appraisal = uow.load(Appraisal, cmd.appraisal_id)
    appraisal.finalise(
        uow.evidence,
        manager_id=_manager_of(uow, appraisal.employee_id),
        policy=uow.policy.performance,
        policy_version=uow.policy.version,
    )


@handles(c.CloseAppraisal)
def close_appraisal(cmd: c.CloseAppraisal, uow: UnitOfWork) -> None:
    appraisal = uow.load(Appraisal, cmd.appraisal_id)
    appraisal.close(
        uow.evidence,
        manager_id=_manager_of(uow, appraisal.employee_id),
        today=uow.now().date(),
    )


# ---- 3.3.4 Incentives ----------------------------------------------------------------------


@handles(c.DecideIncentive)
def decide_incentive(cmd: c.DecideIncentive, uow: UnitOfWork) -> None:
    appraisal = uow.load(Appraisal, cmd.appraisal_id)
    appraisal.decide_incentive(
        uow.evidence,
        cmd.incentive,
        employee_roles=uow.load(Employee, appraisal.employee_id).roles,
        policy=uow.policy.performance,
        policy_version=uow.policy.version,
    )


@handles(c.PlanCoaching)
def plan_coaching(cmd: c.PlanCoaching, uow: UnitOfWork) -> None:
    uow.load(Employee, cmd.plan.coach_id)
    uow.load(Appraisal, cmd.appraisal_id).plan_coaching(
        uow.evidence, cmd.plan, today=uow.now().date()
    )


@handles(c.ResolveEscalation)
def resolve_escalation(cmd: c.ResolveEscalation, uow: UnitOfWork) -> None:
    uow.load(Escalation, cmd.escalation_id).resolve(
        uow.evidence,
        outcome=cmd.outcome,
        policy=uow.policy.performance,
        policy_version=uow.policy.version,
    )


# ---- 3.4 Teamwork and communication --------------------------------------------------------


@handles(c.HoldTeamMeeting)
def hold_team_meeting(cmd: c.HoldTeamMeeting, uow: UnitOfWork) -> None:
    for item in cmd.action_items:
        uow.load(Employee, item.owner_id)
    uow.add(
        TeamMeeting.hold(
            uow.evidence,
            meeting_id=cmd.meeting_id,
            kind=cmd.kind,
            held_on=cmd.held_on,
            team=cmd.team,
            attendees=Attendees(employee_ids=cmd.attendees),
            minutes=Minutes(progress=cmd.progress, problems=cmd.problems, decisions=cmd.decisions),
            action_items=ActionItems(items=cmd.action_items),
            today=uow.now().date(),
        )
    )


@handles(c.AgreeHandOff)
def agree_hand_off(cmd: c.AgreeHandOff, uow: UnitOfWork) -> None:
    uow.load(Employee, cmd.owner_id)
    uow.load(TeamMeeting, cmd.meeting_id).agree_handoff(
        uow.evidence,
        description=cmd.description,
        owner_id=cmd.owner_id,
        due_on=cmd.due_on,
        handoff=cmd.handoff,
        today=uow.now().date(),
    )


@handles(c.CompleteActionItem)
def complete_action_item(cmd: c.CompleteActionItem, uow: UnitOfWork) -> None:
    uow.load(TeamMeeting, cmd.meeting_id).complete_item(
        uow.evidence, item_number=cmd.item_number, outcome=cmd.outcome, today=uow.now().date()
    )
