"""Enrolments outside recruitment (SOP 3.1.4, ADR 45), re-run over the history: once the
staff register is founded, someone enrolled rather than hired joins under an exception
naming who approved it and why.  Each is listed as an override; its approver must hold a
role the recorded policy version authorises and not be the HR person entering it."""

from __future__ import annotations

from salesdomain.projections.conformance.findings import Family, rule
from salesdomain.projections.conformance.review import Review, on

from salesdomain.people.employee import Employee
from salesdomain.rules.recruitment import ENROLMENT_EXCEPTION_BY_AUTHORISED_ROLE

EXCEPTION_BY_AUTHORISED_ROLE = rule(ENROLMENT_EXCEPTION_BY_AUTHORISED_ROLE, Family.AUTHORITY)
RULES = (EXCEPTION_BY_AUTHORISED_ROLE,)


@on(Employee.Enrolled)
def employee_enrolled(review: Review, e: Employee.Enrolled) -> None:
    exception = e.exception
    if exception is None:
        return
    approver = exception.approver_name or str(exception.approved_by)[:8]
    if exception.approved_by == e.actor.employee_id:
        review.breach(EXCEPTION_BY_AUTHORISED_ROLE, e, f"{e.actor} approved their own entry")
    policy = review.policy(e.policy_version, EXCEPTION_BY_AUTHORISED_ROLE, e)
    if policy is not None and exception.approver_role not in policy.staffing.enrolment_approvers:
        review.breach(
            EXCEPTION_BY_AUTHORISED_ROLE,
            e,
            f"approved by {approver} as {exception.approver_role.label}, a role policy "
            f"{e.policy_version} does not authorise",
            policy_version=e.policy_version,
        )
    onboarding = (
        "onboarded before the system" if exception.onboarded else "onboarding left to 3.2.1"
    )
    review.override(
        "employee enrolled outside recruitment, approved",
        e,
        review.person_of(e),
        f"{e.name} as {e.roles}; {onboarding}; {exception.reason}",
        policy_version=e.policy_version,
        approved_by=review.staff.person(
            exception.approved_by, exception.approver_name, exception.approver_role
        ),
        record=f"employee {e.name}",
    )
