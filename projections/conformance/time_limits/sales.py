"""Time limits of sales and contracts (SOP 2.3-2.4): approval turnaround, quote validity."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from salesdomain.projections.conformance.review import Review, on
from salesdomain.projections.conformance.time_limits.rules import (
    APPROVAL_TURNAROUND,
    QUOTE_VALIDITY,
    _deadline,
    _role,
)

from salesdomain.contracts.contract import Contract
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.sop import Role

# ---- 2.4.2 each approval level decides within the turnaround ------------------------------


@on(Contract.SubmittedForApproval)
def contract_submitted(review: Review, e: Contract.SubmittedForApproval) -> None:
    _level_turn(review, e, e.revision, 1, e.chain.levels[0])


@on(Contract.Approved, Contract.Rejected)
def contract_decided(review: Review, e: Contract.Approved | Contract.Rejected) -> None:
    review.fulfil((e.originator_id, "approval", e.revision, e.position), e, e.timestamp)
    if isinstance(e, Contract.Approved) and e.next_level is not None:
        _level_turn(review, e, e.revision, e.position + 1, e.next_level)


@on(Contract.Revised, Contract.Amended)
def contract_revised(review: Review, e: Contract.Revised | Contract.Amended) -> None:
    pending = review.memo(e.originator_id).get("pending_turn")
    if pending is not None:
        review.withdraw(pending)


def _level_turn(review: Review, e: Any, revision: int, position: int, level: Role) -> None:
    policy = review.policy(e.policy_version, APPROVAL_TURNAROUND, e)
    if policy is None:
        return
    key = (e.originator_id, "approval", revision, position)
    due = e.timestamp + timedelta(days=policy.contracts.approval_turnaround_days)
    who = _role(level, f"the {level.label} (approval level {position})")
    review.expect(key, _deadline(review, APPROVAL_TURNAROUND, e, due, who, e.policy_version))
    review.memo(e.originator_id)["pending_turn"] = key


# ---- 2.3.2 a quote is accepted only while valid --------------------------------------------


@on(Opportunity.QuoteIssued)
def quote_issued(review: Review, e: Opportunity.QuoteIssued) -> None:
    quotes = review.memo(e.originator_id).setdefault("valid_until", {})
    quotes[e.quote_version] = e.terms.valid_until


@on(Opportunity.QuoteAccepted)
def quote_accepted(review: Review, e: Opportunity.QuoteAccepted) -> None:
    valid_until = review.memo(e.originator_id).get("valid_until", {}).get(e.quote_version)
    if valid_until is None:
        return
    key = (e.originator_id, "quote", e.quote_version)
    review.expect(key, _deadline(review, QUOTE_VALIDITY, e, valid_until, review.person_of(e)))
    review.fulfil(key, e, e.timestamp.date())
