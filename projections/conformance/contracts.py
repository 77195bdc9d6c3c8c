"""Contract authority and segregation of duties (SOP 2.4), re-run over the history.

The approval chain must be the one the authority matrix of the recorded policy version
sets for the amount; each level is decided by someone at that level or higher, who did
not draft or review any revision and does not own the deal, and no one decides two
levels; only a revision approved at every level is signed, not by one of its drafters,
and by an employee whose role's signing authority covers the amount (a signing recorded
before ADR 48 named our signatory as free text: it is listed as not judged).  (An
approver may sign: the SOP has authorised representatives sign, and a manager who
approved under a power of attorney is one.)
"""

from __future__ import annotations

from salesdomain.projections.conformance.findings import Family, rule
from salesdomain.projections.conformance.review import Review, on

from salesdomain.contracts.contract import Contract
from salesdomain.contracts.policy import level_rank
from salesdomain.contracts.values import OurSignatory
from salesdomain.errors import SopRuleViolation
from salesdomain.rules.contract import (
    CONTRACT_APPROVER_INDEPENDENT,
    CONTRACT_CHAIN_BY_AUTHORITY_MATRIX,
    CONTRACT_DECIDED_AT_LEVEL,
    CONTRACT_SIGNATORY_HAS_AUTHORITY,
    CONTRACT_SIGNATORY_NOT_DRAFTER,
    CONTRACT_SIGNED_WHEN_FULLY_APPROVED,
)

A, S = Family.AUTHORITY, Family.SEGREGATION_OF_DUTIES
CHAIN_BY_MATRIX = rule(CONTRACT_CHAIN_BY_AUTHORITY_MATRIX, A)
APPROVER_AT_LEVEL = rule(CONTRACT_DECIDED_AT_LEVEL, A)
APPROVER_INDEPENDENT = rule(CONTRACT_APPROVER_INDEPENDENT, S)
SIGNED_WHEN_APPROVED = rule(CONTRACT_SIGNED_WHEN_FULLY_APPROVED, A)
SIGNATORY_NOT_DRAFTER = rule(CONTRACT_SIGNATORY_NOT_DRAFTER, S)
SIGNATORY_HAS_AUTHORITY = rule(CONTRACT_SIGNATORY_HAS_AUTHORITY, A)
RULES = (
    CHAIN_BY_MATRIX,
    APPROVER_AT_LEVEL,
    APPROVER_INDEPENDENT,
    SIGNED_WHEN_APPROVED,
    SIGNATORY_NOT_DRAFTER,
    SIGNATORY_HAS_AUTHORITY,
)


@on(Contract.Drafted, Contract.Revised, Contract.Amended)
def contract_drafted(
    review: Review, e: Contract.Drafted | Contract.Revised | Contract.Amended
) -> None:
    memo = review.memo(e.originator_id)
    if isinstance(e, Contract.Drafted):
        memo.update(
            label=f"contract with {e.customer_name}",
            owner=e.owner_id,
            drafters={},
            reviewers=set(),
        )
    memo["drafters"] = {**memo.get("drafters", {}), e.actor.employee_id: e.actor.name}
    memo.update(chain=None, approvals=[])


@on(Contract.ReviewPassed, Contract.ReviewFailed)
def contract_reviewed(review: Review, e: Contract.ReviewPassed | Contract.ReviewFailed) -> None:
    memo = review.memo(e.originator_id)
    memo["reviewers"] = memo.get("reviewers", set()) | {e.actor.employee_id}
    if isinstance(e, Contract.ReviewPassed) and e.differences and memo.get("drafters"):
        fields = ", ".join(d.field for d in e.differences.items)
        drafter = next(reversed(memo["drafters"].items()))
        review.override(
            "contract terms differ from the accepted quote, explained in review",
            e,
            review.staff.person(drafter[0], drafter[1]),
            f"revision {e.revision} differs in {fields}",
        )


@on(Contract.SubmittedForApproval)
def contract_submitted(review: Review, e: Contract.SubmittedForApproval) -> None:
    memo = review.memo(e.originator_id)
    memo.update(chain=e.chain.levels, approvals=[])
    policy = review.policy(e.policy_version, CHAIN_BY_MATRIX, e)
    if policy is None:
        return
    try:
        required, _judged = policy.contract_chain(e.amount, e.timestamp.date())
    except SopRuleViolation as refusal:
        required, wanted = None, refusal.detail
    else:
        wanted = " > ".join(r.label for r in required) if required else "no tier for it"
    memo["chain"] = required
    if required != e.chain.levels:
        review.breach(
            CHAIN_BY_MATRIX,
            e,
            f"{e.amount} went to {' > '.join(r.label for r in e.chain.levels)}; the matrix "
            f"of policy {e.policy_version} requires {wanted}",
            policy_version=e.policy_version,
        )


@on(Contract.Approved, Contract.Rejected)
def contract_decided(review: Review, e: Contract.Approved | Contract.Rejected) -> None:
    memo = review.memo(e.originator_id)
    actor, who = e.actor, e.actor.employee_id
    chain = memo.get("chain")
    if review.policy(e.policy_version, APPROVER_AT_LEVEL, e) is not None and chain:
        level = chain[min(e.position, len(chain)) - 1]
        if level_rank(actor.role) < level_rank(level):
            review.breach(
                APPROVER_AT_LEVEL,
                e,
                f"{actor} decided level {e.position}, which needs a {level.label} or higher",
                policy_version=e.policy_version,
            )
    roles = []
    if who == memo.get("owner"):
        roles.append("owns the deal")
    if who in memo.get("drafters", {}):
        roles.append("drafted it")
    if who in memo.get("reviewers", ()):
        roles.append("reviewed it")
    if any(approver == who for _level, approver in memo.get("approvals", [])):
        roles.append("already approved another level")
    if roles:
        review.breach(APPROVER_INDEPENDENT, e, f"{actor} decided although they {', '.join(roles)}")
    if isinstance(e, Contract.Approved):
        memo["approvals"] = [*memo.get("approvals", []), (e.level, who)]


@on(Contract.Signed)
def contract_signed(review: Review, e: Contract.Signed) -> None:
    memo = review.memo(e.originator_id)
    chain = memo.get("chain") or ()
    approvals = memo.get("approvals", [])
    if not chain or len(approvals) < len(chain):
        review.breach(
            SIGNED_WHEN_APPROVED,
            e,
            f"revision {e.revision} signed with {len(approvals)} of "
            f"{len(chain) or 'its'} approval levels",
        )
    drafters = memo.get("drafters", {})
    names = {name.casefold() for name in drafters.values() if name}
    ours = e.our_signatory
    signed_by_drafter = (
        ours.employee_id in drafters
        if isinstance(ours, OurSignatory)
        else bool(ours.name) and ours.name.casefold() in names
    )
    if e.actor.employee_id in drafters or signed_by_drafter:
        review.breach(
            SIGNATORY_NOT_DRAFTER,
            e,
            f"signed for us by {e.our_signatory.name}, recorded by {e.actor}; drafted by "
            + ", ".join(n or str(i)[:8] for i, n in drafters.items()),
        )
    _signing_authority_judged(review, e)


def _signing_authority_judged(review: Review, e: Contract.Signed) -> None:
    """Re-checks our signatory's authority under the recorded policy version; a signing
    recorded before ADR 48 (our signatory as free text) is listed as not judged."""
    authority = e.signing_authority
    if authority is None or not isinstance(e.our_signatory, OurSignatory):
        review.not_judged(
            SIGNATORY_HAS_AUTHORITY,
            e,
            f"our signatory was recorded as free text ({e.our_signatory.name}, "
            f"{e.our_signatory.title}), before signing authority was policy data",
        )
        return
    policy = review.policy(authority.policy_version, SIGNATORY_HAS_AUTHORITY, e)
    if policy is None:
        return
    who = e.our_signatory.name or str(e.our_signatory.employee_id)
    may_sign, limit = policy.contracts.signing_limit(authority.role)
    try:
        judged = policy.in_reporting_currency(e.amount, e.signed_on, at_step="2.4.3").amount
    except SopRuleViolation as refusal:
        review.breach(SIGNATORY_HAS_AUTHORITY, e, f"signed by {who}: {refusal.detail}")
        return
    if not may_sign or (limit is not None and judged.amount > limit):
        allowed = "no signing authority" if not may_sign else f"authority up to {limit}"
        review.breach(
            SIGNATORY_HAS_AUTHORITY,
            e,
            f"signed by {who} as {authority.role.label} ({allowed} in policy "
            f"{authority.policy_version}) a contract of {judged}",
            policy_version=authority.policy_version,
        )
