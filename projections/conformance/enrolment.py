"""Enrolments outside recruitment (SOP 3.1.4, ADR 45), re-run over the history: once the
staff register is founded, someone enrolled rather than hired joins under an exception
naming who approved it and why.  Each is listed as an override; its approver must hold a
role the recorded policy version authorises and not be the HR person entering it."""

from __future__ import annotations

from salesdomain.projections.conformance.approvals import approved_exception
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
    onboarding = (
        "onboarded before the system" if exception.onboarded else "onboarding left to 3.2.1"
    )
    approved_exception(
        review,
        EXCEPTION_BY_AUTHORISED_ROLE,
        e,
        exception,
        approvers=lambda policy: policy.staffing.enrolment_approvers,
        kind="employee enrolled outside recruitment, approved",
        detail=f"{e.name} as {e.roles}; {onboarding}; {exception.reason}",
        record=f"employee {e.name}",
        own="entry",
    )
