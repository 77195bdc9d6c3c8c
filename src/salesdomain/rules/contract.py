"""SOP 2.4 Contract: draft and review, approve, sign."""

from salesdomain.rules.rule import SopRule

SECTION = "2.4"

SIGNED_CONTRACT_UNCHANGED = SopRule(
    "signed_contract_unchanged",
    "2.4",
    "a signed contract is not changed; an amendment is a new revision",
)

# 2.4.1 Draft and review
CONTRACT_FROM_ACCEPTED_QUOTE = SopRule(
    "contract_from_accepted_quote", "2.4.1", "a contract is drafted from an accepted quote"
)
ONE_CONTRACT_PER_OPPORTUNITY = SopRule(
    "one_contract_per_opportunity",
    "2.4.1",
    "a won opportunity has one contract; changes are revisions of it",
)
REVISION_REVIEWED_ONCE = SopRule(
    "revision_reviewed_once",
    "2.4.1",
    "a revision is reviewed once; what failed review goes back to legal for a new revision",
)
DIFFERENCES_EXPLAINED = SopRule(
    "differences_explained",
    "2.4.1",
    "explanations are given for differences from the accepted quote",
)
ONLY_SIGNED_CONTRACT_AMENDED = SopRule(
    "only_signed_contract_amended",
    "2.4.1",
    "only a signed contract is amended; an unsigned one is revised",
)

# 2.4.2 Approve
CONTRACT_CHAIN_BY_AUTHORITY_MATRIX = SopRule(
    "contract_chain_by_authority_matrix",
    "2.4.2",
    "a contract is approved by the chain the authority matrix sets for its amount",
)
APPROVAL_AFTER_SALES_REVIEW = SopRule(
    "approval_after_sales_review",
    "2.4.2",
    "only a revision that passed the sales review is submitted for approval",
)
CONTRACT_DECIDED_AT_LEVEL = SopRule(
    "contract_decided_at_level",
    "2.4.2",
    "each approval level is decided by someone at that level or higher",
)
CONTRACT_APPROVER_INDEPENDENT = SopRule(
    "contract_approver_independent",
    "2.4.2",
    "no one approves a contract they drafted, reviewed or own, nor two of its levels",
)
APPROVAL_WITHIN_TURNAROUND = SopRule(
    "approval_within_turnaround",
    "2.4.2",
    "each contract approval level decides within the approval turnaround",
)

# 2.4.3 Sign
CONTRACT_SIGNED_WHEN_FULLY_APPROVED = SopRule(
    "contract_signed_when_fully_approved",
    "2.4.3",
    "nothing is signed that was not fully approved in its current revision",
)
SIGNING_RECORDED_ONCE_HAPPENED = SopRule(
    "signing_recorded_once_happened", "2.4.3", "a signing is recorded once it happened"
)
SIGNED_AFTER_APPROVAL = SopRule(
    "signed_after_approval", "2.4.3", "nothing is signed before it is fully approved"
)
CONTRACT_SIGNATORY_NOT_DRAFTER = SopRule(
    "contract_signatory_not_drafter",
    "2.4.3",
    "a contract is not signed by someone who drafted it",
)
CONTRACT_SIGNATORY_HAS_AUTHORITY = SopRule(
    "contract_signatory_has_authority",
    "2.4.3",
    "the company's signatory is an employee whose role has signing authority for the "
    "contract's amount",
)
