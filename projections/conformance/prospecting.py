"""Prospect screening (SOP 2.1.2), re-run over the history: a prospect qualified with an
assessment the policy does not allow is an override, listed with the employee who
approved it and their reason; the approver must be someone other than the one
qualifying, under a role the recorded policy version authorises."""

from __future__ import annotations

from salesdomain.projections.conformance.findings import Family, rule
from salesdomain.projections.conformance.review import Review, on

from salesdomain.prospecting.customer import Customer
from salesdomain.rules.customer_development import QUALIFICATION_OVERRIDE_BY_AUTHORISED_ROLE

OVERRIDE_BY_AUTHORISED_ROLE = rule(QUALIFICATION_OVERRIDE_BY_AUTHORISED_ROLE, Family.AUTHORITY)
RULES = (OVERRIDE_BY_AUTHORISED_ROLE,)


@on(Customer.Qualified)
def prospect_qualified(review: Review, e: Customer.Qualified) -> None:
    override = e.override
    if override is None:
        return
    assessed = (
        f"assessed need intent {e.assessment.need_intent.value}, purchasing power "
        f"{e.assessment.purchasing_power.value}; "
        if e.assessment is not None
        else ""
    )
    approver = override.approver_name or str(override.approved_by)[:8]
    if override.approved_by == e.actor.employee_id:
        review.breach(OVERRIDE_BY_AUTHORISED_ROLE, e, f"{e.actor} approved their own override")
    policy = review.policy(e.policy_version, OVERRIDE_BY_AUTHORISED_ROLE, e)
    if policy is not None and override.approver_role not in policy.qualification.override_approvers:
        review.breach(
            OVERRIDE_BY_AUTHORISED_ROLE,
            e,
            f"approved by {approver} as {override.approver_role.label}, a role policy "
            f"{e.policy_version} does not authorise",
            policy_version=e.policy_version,
        )
    review.override(
        "prospect qualified outside the policy's assessments, approved",
        e,
        review.person_of(e),
        f"{assessed}{override.reason}",
        policy_version=e.policy_version,
        approved_by=review.staff.person(
            override.approved_by, override.approver_name, override.approver_role
        ),
        record=f"prospect {e.company_name}" if e.company_name else "",
    )
