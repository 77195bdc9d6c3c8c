"""Handlers of performance and teamwork: load, call the aggregate, done."""

from __future__ import annotations

from collections.abc import Mapping

from salesdomain.errors import SopRuleViolation
from salesdomain.handling import FROM_THE_UNIT_OF_WORK, Supply, UnitOfWork, delegate_to, handles
from salesdomain.people.employee import Employee
from salesdomain.performance import commands as c
from salesdomain.performance.appraisal import Appraisal
from salesdomain.performance.escalation import Escalation
from salesdomain.performance.kpi_scheme import KpiScheme
from salesdomain.performance.sales_expense import SalesExpense
from salesdomain.performance.team_meeting import TeamMeeting
from salesdomain.performance.values import (
    ActionItems,
    Attendees,
    KpiSpecs,
    Minutes,
)
from salesdomain.rules.performance import APPRAISED_ONCE_PER_PERIOD, ONE_KPI_SCHEME_PER_PERIOD


def _employee(uow: UnitOfWork, record: Appraisal | SalesExpense) -> Employee:
    """The employee an appraisal or an expense is about, as the people records show them now."""
    return uow.load(Employee, record.employee_id)


FOR_PERFORMANCE: Mapping[str, Supply] = {
    **FROM_THE_UNIT_OF_WORK,
    "policy": lambda uow, _record: uow.policy.performance,
    "policy_version": lambda uow, _record: uow.policy.version,
    "manager_id": lambda uow, record: _employee(uow, record).manager_id,
    "employee_roles": lambda uow, record: _employee(uow, record).roles,
}
"""What a performance record's method takes besides the command's fields: the
performance policy and its version, the manager and roles of the record's employee as
the people records show them now, the date."""

passes_to_expense = delegate_to(SalesExpense, by="expense_id", supplies=FOR_PERFORMANCE)
"""Registers a handler that only passes the command's fields to a method of the expense."""

passes_to_appraisal = delegate_to(Appraisal, by="appraisal_id", supplies=FOR_PERFORMANCE)
"""Registers a handler that only passes the command's fields to a method of the appraisal."""

passes_to_escalation = delegate_to(Escalation, by="escalation_id", supplies=FOR_PERFORMANCE)
"""Registers a handler that only passes the command's fields to a method of the escalation."""

passes_to_meeting = delegate_to(TeamMeeting, by="meeting_id")
"""Registers a handler that only passes the command's fields to a method of the meeting."""


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


passes_to_expense(c.ApproveSalesExpense, SalesExpense.approve)
passes_to_expense(c.RejectSalesExpense, SalesExpense.reject)


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


passes_to_appraisal(c.RecordActuals, Appraisal.record_actuals)
passes_to_appraisal(c.SubmitSelfAssessment, Appraisal.self_assess)
passes_to_appraisal(c.ScoreAppraisal, Appraisal.score)
passes_to_appraisal(c.RecordFeedbackInterview, Appraisal.hold_interview)
passes_to_appraisal(c.AgreeImprovementPlan, Appraisal.agree_plan)
passes_to_appraisal(c.FinaliseAppraisal, Appraisal.finalise)
passes_to_appraisal(c.CloseAppraisal, Appraisal.close)


# ---- 3.3.4 Incentives ----------------------------------------------------------------------


passes_to_appraisal(c.DecideIncentive, Appraisal.decide_incentive)


@handles(c.PlanCoaching)
def plan_coaching(cmd: c.PlanCoaching, uow: UnitOfWork) -> None:
    uow.load(Employee, cmd.plan.coach_id)
    uow.load(Appraisal, cmd.appraisal_id).plan_coaching(
        uow.evidence, cmd.plan, today=uow.now().date()
    )


passes_to_escalation(c.ResolveEscalation, Escalation.resolve)


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


passes_to_meeting(c.CompleteActionItem, TeamMeeting.complete_item)
