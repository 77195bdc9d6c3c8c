"""Handlers of performance and teamwork: load, call the aggregate, done."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from uuid import UUID

from salesdomain.errors import SopRuleViolation
from salesdomain.handling import (
    FROM_THE_UNIT_OF_WORK,
    Supply,
    UnitOfWork,
    creates,
    delegate_to,
    handles,
    makes,
)
from salesdomain.people.employee import Employee
from salesdomain.performance import commands as c
from salesdomain.performance.appraisal import Appraisal
from salesdomain.performance.escalation import Escalation
from salesdomain.performance.kpi_scheme import KpiScheme
from salesdomain.performance.sales_expense import SalesExpense
from salesdomain.performance.team_building import TeamBuilding
from salesdomain.performance.team_meeting import TeamMeeting
from salesdomain.performance.values import (
    ActionItem,
    ActionItems,
    Attendees,
    CoachingPlan,
    Indicator,
    KpiSpecs,
    Minutes,
)
from salesdomain.rules.performance import APPRAISED_ONCE_PER_PERIOD, ONE_KPI_SCHEME_PER_PERIOD


def _employee(uow: UnitOfWork, record: Appraisal | SalesExpense) -> Employee:
    """The employee an appraisal or an expense is about, as the people records show them now."""
    return uow.load(Employee, record.employee_id)


def _kpi_view(uow: UnitOfWork, appraisal: Appraisal) -> Mapping[Indicator, Decimal | None] | None:
    """The KPI view's figures of the appraisal's employee, period and indicators, if the
    application was given the view (``SalesApplication.kpi_figures``)."""
    if uow.kpi_figures is None:
        return None
    return uow.kpi_figures.figures(
        appraisal.employee_id, appraisal.period, appraisal.specs.indicators
    )


FOR_PERFORMANCE: Mapping[str, Supply] = {
    **FROM_THE_UNIT_OF_WORK,
    "policy": lambda uow, _record: uow.policy.performance,
    "policy_version": lambda uow, _record: uow.policy.version,
    "manager_id": lambda uow, record: _employee(uow, record).manager_id,
    "employee_roles": lambda uow, record: _employee(uow, record).roles,
    "kpi_view": _kpi_view,
}
"""What a performance record's method takes besides the command's fields: the
performance policy and its version, the manager and roles of the record's employee as
the people records show them now, the date, the KPI view's figures of an appraisal."""

passes_to_expense = delegate_to(SalesExpense, by="expense_id", supplies=FOR_PERFORMANCE)
"""Registers a handler that only passes the command's fields to a method of the expense."""

passes_to_appraisal = delegate_to(Appraisal, by="appraisal_id", supplies=FOR_PERFORMANCE)
"""Registers a handler that only passes the command's fields to a method of the appraisal."""

passes_to_escalation = delegate_to(Escalation, by="escalation_id", supplies=FOR_PERFORMANCE)
"""Registers a handler that only passes the command's fields to a method of the escalation."""

passes_to_meeting = delegate_to(TeamMeeting, by="meeting_id")
"""Registers a handler that only passes the command's fields to a method of the meeting."""


# ---- 3.3.1 / 3.3.2 ------------------------------------------------------------------------


_define = makes(KpiScheme, supplies=FOR_PERFORMANCE)(
    c.DefineKpiScheme, KpiScheme.define, specs=KpiSpecs
)


@handles(c.DefineKpiScheme)
def define_kpi_scheme(cmd: c.DefineKpiScheme, uow: UnitOfWork) -> None:
    existing = uow.find(KpiScheme, KpiScheme.id_for(cmd.period))
    if existing is not None:
        raise SopRuleViolation(
            ONE_KPI_SCHEME_PER_PERIOD,
            f"'{existing.title}' is the scheme for {cmd.period}; revise it instead",
        )
    _define(cmd, uow)


@handles(c.ReviseKpiScheme)
def revise_kpi_scheme(cmd: c.ReviseKpiScheme, uow: UnitOfWork) -> None:
    uow.load(KpiScheme, KpiScheme.id_for(cmd.period)).revise(
        uow.evidence,
        KpiSpecs(specs=cmd.specs),
        reason=cmd.reason,
        policy=uow.policy.performance,
        policy_version=uow.policy.version,
    )


def _employee_name(uow: UnitOfWork, employee_id: UUID) -> str:
    """The name of the employee, who must be on the people records."""
    return uow.load(Employee, employee_id).name


creates(SalesExpense)(c.RecordSalesExpense, SalesExpense.record, employee_name=_employee_name)
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


def _coaching_plan(uow: UnitOfWork, plan: CoachingPlan) -> CoachingPlan:
    """The plan, its coach an employee on the people records."""
    uow.load(Employee, plan.coach_id)
    return plan


passes_to_appraisal(c.PlanCoaching, Appraisal.plan_coaching, plan=_coaching_plan)
passes_to_escalation(c.ResolveEscalation, Escalation.resolve)


# ---- 3.4 Teamwork and communication --------------------------------------------------------


def _action_items(uow: UnitOfWork, action_items: tuple[ActionItem, ...]) -> ActionItems:
    """The action items, each owner an employee on the people records."""
    for item in action_items:
        uow.load(Employee, item.owner_id)
    return ActionItems(items=action_items)


def _owner_id(uow: UnitOfWork, owner_id: UUID) -> UUID:
    """The owner's id, an employee's on the people records."""
    return uow.load(Employee, owner_id).id


creates(TeamMeeting)(
    c.HoldTeamMeeting,
    TeamMeeting.hold,
    action_items=_action_items,
    attendees=lambda attendees: Attendees(employee_ids=attendees),
    minutes=Minutes,
)
passes_to_meeting(c.AgreeHandOff, TeamMeeting.agree_handoff, owner_id=_owner_id)
passes_to_meeting(c.CompleteActionItem, TeamMeeting.complete_item)


# ---- 3.4.1 team building ------------------------------------------------------------------


def _participants(uow: UnitOfWork, participants: tuple[UUID, ...]) -> Attendees:
    """The participants, each an employee on the people records."""
    return Attendees(employee_ids=tuple(uow.load(Employee, i).id for i in participants))


creates(TeamBuilding)(c.RecordTeamBuilding, TeamBuilding.hold, participants=_participants)
