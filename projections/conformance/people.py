"""Authority over people (SOP 3.1.4, 3.3), re-run over the history with the staff
register as it stood at each event: appraisal steps by the employee's own manager (or
HR where the SOP allows) and never by the appraisee; incentives, promotions and pay by
someone senior; escalations by their handlers; expenses by the spender's manager; roles
by HR; hires decided by a sales manager or above."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from salesdomain.projections.conformance.findings import Family, rule
from salesdomain.projections.conformance.review import Review, on

from salesdomain.people.candidate import HIRING_DECIDERS, Candidate
from salesdomain.people.employee import PAY_APPROVERS, Employee
from salesdomain.performance.appraisal import Appraisal
from salesdomain.performance.escalation import Escalation
from salesdomain.performance.sales_expense import SalesExpense
from salesdomain.rules import performance, recruitment
from salesdomain.sop import Role

A, S = Family.AUTHORITY, Family.SEGREGATION_OF_DUTIES
NOT_OWN_APPRAISAL = rule(performance.APPRAISAL_NOT_BY_APPRAISEE, S)
APPRAISAL_BY_MANAGER = rule(performance.APPRAISAL_BY_MANAGER_OR_HR, A)
INCENTIVE_BY_SENIOR = rule(performance.INCENTIVE_BY_SENIOR_APPROVER, A)
PAY_BY_SENIOR = rule(performance.PROMOTION_AND_PAY_BY_SENIOR, A)
ESCALATION_BY_HANDLER = rule(performance.ESCALATION_BY_HANDLER, A)
EXPENSE_BY_MANAGER = rule(performance.EXPENSE_BY_MANAGER, S)
ROLES_BY_HR = rule(recruitment.ROLES_BY_HR, S)
HIRE_BY_DECIDER = rule(recruitment.HIRE_DECIDED_BY_MANAGER, A)
RULES = (
    NOT_OWN_APPRAISAL,
    APPRAISAL_BY_MANAGER,
    INCENTIVE_BY_SENIOR,
    PAY_BY_SENIOR,
    ESCALATION_BY_HANDLER,
    EXPENSE_BY_MANAGER,
    ROLES_BY_HR,
    HIRE_BY_DECIDER,
)


def _rank(roles: Collection[Role]) -> int:
    return max((PAY_APPROVERS.index(r) for r in roles if r in PAY_APPROVERS), default=-1)


# ---- 3.3.3 appraisal --------------------------------------------------------------------

_MANAGER_ONLY = (Appraisal.SupervisorScored, Appraisal.FeedbackInterviewHeld)
_MANAGER_OR_HR = (Appraisal.Opened, Appraisal.Finalised, Appraisal.Closed)


@on(Appraisal.Opened)
def appraisal_opened(review: Review, e: Appraisal.Opened) -> None:
    review.memo(e.originator_id)["employee"] = e.employee_id
    _appraisal_step(review, e)


@on(*_MANAGER_ONLY, *_MANAGER_OR_HR[1:], Appraisal.ActualsRecorded, Appraisal.SelfAssessed)
def _appraisal_step(review: Review, e: Appraisal.Event) -> None:
    employee = review.memo(e.originator_id).get("employee")
    if employee is None:
        return
    who = e.actor.employee_id
    if isinstance(e, Appraisal.SelfAssessed):
        if who != employee:
            review.breach(NOT_OWN_APPRAISAL, e, f"{e.actor} wrote another's self-assessment")
        return
    if who == employee:
        review.breach(NOT_OWN_APPRAISAL, e, f"{e.actor} did {e.command} on their own appraisal")
        return
    manager = review.staff.manager_of(employee)
    by_manager = manager is not None and who == manager
    if isinstance(e, _MANAGER_ONLY) and not by_manager:
        review.breach(APPRAISAL_BY_MANAGER, e, f"{e.actor} is not the employee's manager")
    elif isinstance(e, _MANAGER_OR_HR) and not (by_manager or e.actor.role is Role.HR):
        review.breach(APPRAISAL_BY_MANAGER, e, f"{e.actor} is neither HR nor the manager")


@on(Appraisal.IncentiveDecided)
def incentive_decided(review: Review, e: Appraisal.IncentiveDecided) -> None:
    actor = e.actor
    policy = review.policy(e.policy_version, INCENTIVE_BY_SENIOR, e)
    if actor.employee_id == e.employee_id:
        problem = "decided their own incentive"
    elif policy is not None and actor.role not in policy.performance.incentive_approvers:
        problem = f"a {actor.role.label} is not an incentive approver"
    elif _rank((actor.role,)) <= _rank(review.staff.roles_of(e.employee_id)):
        problem = "is not senior to the employee"
    else:
        return
    review.breach(INCENTIVE_BY_SENIOR, e, f"{actor} {problem}", policy_version=e.policy_version)


# ---- 3.3.4 promotion and pay; escalations -------------------------------------------------


@on(Employee.Promoted, Employee.PayChanged)
def pay_approved(review: Review, e: Employee.Promoted | Employee.PayChanged) -> None:
    actor, employee = e.actor, e.originator_id
    roles = e.roles.roles if isinstance(e, Employee.Promoted) else review.staff.roles_of(employee)
    if actor.employee_id == employee:
        problem = "approved their own"
    elif actor.role not in PAY_APPROVERS:
        problem = "is not a sales manager or above and approved a"
    elif PAY_APPROVERS.index(actor.role) <= _rank(roles):
        problem = "is not senior to the employee and approved a"
    else:
        return
    what = "promotion" if isinstance(e, Employee.Promoted) else "pay change"
    review.breach(PAY_BY_SENIOR, e, f"{actor} {problem} {what}")


@on(Escalation.Resolved)
def escalation_resolved(review: Review, e: Escalation.Resolved) -> None:
    actor = e.actor
    policy = review.policy(e.policy_version, ESCALATION_BY_HANDLER, e)
    if actor.employee_id == e.employee_id:
        problem = "resolved their own escalation"
    elif policy is not None and actor.role not in policy.performance.escalation_handlers:
        problem = "is not an escalation handler"
    else:
        return
    review.breach(ESCALATION_BY_HANDLER, e, f"{actor} {problem}", policy_version=e.policy_version)


@on(SalesExpense.Approved, SalesExpense.Rejected)
def expense_decided(review: Review, e: SalesExpense.Approved | SalesExpense.Rejected) -> None:
    who: UUID = e.actor.employee_id
    if who == e.employee_id:
        review.breach(EXPENSE_BY_MANAGER, e, f"{e.actor} decided on their own expense")
    elif who != review.staff.manager_of(e.employee_id):
        review.breach(EXPENSE_BY_MANAGER, e, f"{e.actor} is not the spender's manager")


# ---- 3.1.4 roles and hiring --------------------------------------------------------------


@on(Employee.RoleGranted, Employee.RoleRevoked)
def role_changed(review: Review, e: Employee.RoleGranted | Employee.RoleRevoked) -> None:
    if e.actor.role is not Role.HR:
        review.breach(ROLES_BY_HR, e, f"{e.actor} changed {e.role.label}, not acting as HR")
    elif e.actor.employee_id == e.originator_id:
        review.breach(ROLES_BY_HR, e, f"{e.actor} changed their own role {e.role.label}")


@on(Candidate.Applied)
def candidate_applied(review: Review, e: Candidate.Applied) -> None:
    review.memo(e.originator_id)["label"] = f"candidate {e.person.name}"


@on(Candidate.Selected)
def hire_decided(review: Review, e: Candidate.Selected) -> None:
    if e.actor.role not in HIRING_DECIDERS:
        review.breach(HIRE_BY_DECIDER, e, f"{e.actor} decided to hire")
