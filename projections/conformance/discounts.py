"""Price authority (SOP 2.3.3) and order cancellation (2.5.1), re-run over the history.

A discount (against the opening quote) or margin beyond the issuer's authority needs an
approval first: the quote names a granted approval of its priced lines, not used by an
earlier quote (its other terms are not the approval's); an approval is given by a policy
approver, within their own authority, never for their own request.  Each approval is an
override of the issuer's limit and is listed as such.  Orders are cancelled only by the
roles the policy names.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from salesdomain.projections.conformance.findings import Family, rule
from salesdomain.projections.conformance.review import Review, on

from salesdomain.opportunities.approvals import same_priced_lines
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.orders.order import Order
from salesdomain.rules.order_execution import ORDER_CANCELLED_BY_ALLOWED_ROLE
from salesdomain.rules.quotation import (
    DISCOUNT_APPROVED_WITHIN_AUTHORITY,
    DISCOUNT_NOT_SELF_APPROVED,
    QUOTE_WITHIN_AUTHORITY_OR_APPROVED,
)

A, S = Family.AUTHORITY, Family.SEGREGATION_OF_DUTIES
DISCOUNT_WITHIN_AUTHORITY = rule(DISCOUNT_APPROVED_WITHIN_AUTHORITY, A)
NOT_OWN_DISCOUNT = rule(DISCOUNT_NOT_SELF_APPROVED, S)
QUOTE_WITHIN_AUTHORITY = rule(QUOTE_WITHIN_AUTHORITY_OR_APPROVED, A)
CANCELLATION = rule(ORDER_CANCELLED_BY_ALLOWED_ROLE, A)
RULES = (DISCOUNT_WITHIN_AUTHORITY, NOT_OWN_DISCOUNT, QUOTE_WITHIN_AUTHORITY, CANCELLATION)


def _pct(fraction: Decimal) -> str:
    return f"{(fraction * 100).quantize(Decimal('0.1'))}%"


@on(Opportunity.Opened)
def opportunity_opened(review: Review, e: Opportunity.Opened) -> None:
    review.memo(e.originator_id).update(label=f"'{e.title}' with {e.customer_name}", requests={})


@on(Opportunity.DiscountApprovalRequested)
def discount_requested(review: Review, e: Opportunity.DiscountApprovalRequested) -> None:
    memo = review.memo(e.originator_id)
    requests = dict(memo.get("requests", {}))
    requests[e.request_number] = (
        review.person_of(e),
        e.discount,
        e.margin,
        e.actor.role,
        e.terms.lines,
    )
    memo["requests"] = requests


@on(Opportunity.DiscountApproved, Opportunity.DiscountRejected)
def discount_decided(
    review: Review, e: Opportunity.DiscountApproved | Opportunity.DiscountRejected
) -> None:
    memo = review.memo(e.originator_id)
    request = memo.get("requests", {}).get(e.request_number)
    if request is None:
        return
    requester, discount, margin, requester_role, lines = request
    approver = e.actor
    if requester.employee_id == approver.employee_id:
        review.breach(NOT_OWN_DISCOUNT, e, f"{approver} decided their own request")
    policy = review.policy(e.policy_version, DISCOUNT_WITHIN_AUTHORITY, e)
    if policy is None:
        return
    approving = isinstance(e, Opportunity.DiscountApproved)
    if approver.role not in policy.discount_approvers:
        problem = f"a {approver.role.label} is not a discount approver"
    elif approving and not policy.within_authority(approver.role, discount, margin):
        problem = (
            f"a {approver.role.label} approves up to {_pct(policy.discount_limit(approver.role))}"
            f" discount and down to {_pct(policy.margin_limit(approver.role))} margin"
        )
    else:
        problem = ""
    if problem:
        review.breach(
            DISCOUNT_WITHIN_AUTHORITY,
            e,
            f"{approver} decided {_pct(discount)} discount at {_pct(margin)} margin; {problem}",
            policy_version=e.policy_version,
        )
    if approving:
        memo["approved"] = {**memo.get("approved", {}), e.request_number: lines}
        review.override(
            "discount beyond the requester's authority, approved",
            e,
            requester,
            f"{_pct(discount)} discount at {_pct(margin)} margin; a "
            f"{requester_role.label} gives up to {_pct(policy.discount_limit(requester_role))}"
            f" discount and down to {_pct(policy.margin_limit(requester_role))} margin",
            policy_version=e.policy_version,
        )


@on(Opportunity.QuoteIssued)
def quote_issued(review: Review, e: Opportunity.QuoteIssued) -> None:
    memo = review.memo(e.originator_id)
    used = memo.get("used", {})
    if e.approval is not None:
        memo["used"] = {**used, e.approval: e.quote_version}
    # a quote of version 1 recorded no policy version: judged under the policy in force
    policy = review.policy(e.policy_version, QUOTE_WITHIN_AUTHORITY, e)
    if policy is None or policy.within_authority(e.actor.role, e.discount, e.margin):
        return
    problem = _not_covered(e, memo.get("approved", {}), used)
    if problem:
        review.breach(
            QUOTE_WITHIN_AUTHORITY,
            e,
            f"quote version {e.quote_version}: {_pct(e.discount)} discount at "
            f"{_pct(e.margin)} margin, beyond a {e.actor.role.label}'s authority under policy "
            f"{policy.version}, {problem}",
            policy_version=policy.version,
        )


def _not_covered(e: Any, approved: dict[int, Any], used: dict[int, int]) -> str:
    """Why the approval quote ``e`` names does not cover it ("" if it does)."""
    if e.approval is None:
        return "with no approval"
    if e.approval not in approved:
        return f"approval {e.approval} not granted"
    if e.approval in used:
        return f"approval {e.approval} already used by quote version {used[e.approval]}"
    if not same_priced_lines(approved[e.approval], e.terms.lines):
        return f"approval {e.approval} granted for other priced lines"
    return ""


@on(Order.Cancelled)
def order_cancelled(review: Review, e: Order.Cancelled) -> None:
    policy = review.policy(e.policy_version, CANCELLATION, e)
    if policy is not None and e.actor.role not in policy.orders.cancellation_roles:
        allowed = ", ".join(sorted(r.label for r in policy.orders.cancellation_roles))
        review.breach(
            CANCELLATION,
            e,
            f"cancelled by {e.actor}; policy {e.policy_version} allows {allowed}",
            policy_version=e.policy_version,
        )
