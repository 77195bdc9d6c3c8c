"""Prospect screening (SOP 2.1.2), re-run over the history: a prospect qualified with an
assessment the policy does not allow is an override, listed with the employee who
approved it and their reason; the approver must be someone other than the one
qualifying, under a role the recorded policy version authorises."""

from __future__ import annotations

from salesdomain.projections.conformance.approvals import approved_exception
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
    approved_exception(
        review,
        OVERRIDE_BY_AUTHORISED_ROLE,
        e,
        override,
        approvers=lambda policy: policy.qualification.override_approvers,
        kind="prospect qualified outside the policy's assessments, approved",
        detail=f"{assessed}{override.reason}",
        record=f"prospect {e.company_name}" if e.company_name else "",
        own="override",
    )
