"""Commands of the contract (SOP 2.4.1-2.4.3).

Terms (lines, payment terms, delivery date) are given only where they change:
a draft takes the rest from the accepted quote, a revision or an amendment from the
current revision.  Every difference from the accepted quote is listed for the review.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field

from salesdomain.bounds import LIST_LENGTH
from salesdomain.commands import Command
from salesdomain.contracts.values import (
    ArchivedDocument,
    ContractClauses,
    OurSignatory,
    Signatory,
)
from salesdomain.opportunities.values import QuoteLines
from salesdomain.values import Day, Items, Name, NonEmptyStr, Text


class TermOverrides(BaseModel):
    """Parts of the terms that differ from those the revision starts from (a mixin)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    lines: QuoteLines | None = None
    """The contract's lines (product, specification, quantity, unit price), if not the quote's."""
    payment_terms: NonEmptyStr | None = None
    """The payment terms, if they differ from the quote's."""
    delivery_date: Day | None = None
    """The delivery date, if it differs."""


class DraftContract(Command, TermOverrides):
    """Legal drafts the contract of a won opportunity from its accepted quote."""

    SOP_STEP = "2.4.1"
    contract_id: UUID = Field(default_factory=uuid4)
    """The new contract's id (made up if left out)."""
    opportunity_id: UUID
    """The opportunity whose accepted quote the contract is drafted from (2.4.1)."""
    clauses: ContractClauses
    """The contract clauses: rights and duties, after-sales terms and others."""


class ReviewContract(Command):
    """Sales reviews the current revision against the accepted quote and company policy.

    ``explanations`` maps each difference's field to why it is right.  The review
    passes, and the revision goes to approval, only when every difference is explained
    and no issue is raised; otherwise it goes back to legal for revision.
    """

    SOP_STEP = "2.4.1"
    contract_id: UUID
    """The contract reviewed by sales (2.4.1)."""
    explanations: Annotated[dict[Name, NonEmptyStr], Field(max_length=LIST_LENGTH)] = Field(
        default_factory=dict
    )
    """Explanations of terms that differ from the quote, by term."""
    issues: Items[NonEmptyStr] = ()
    """Issues sent back to legal for revision (none: the review passes)."""


class ReviseContract(Command, TermOverrides):
    """Legal revises an unsigned contract: a new revision, reviewed and approved anew
    (approvals the previous revision had, or was collecting, no longer count)."""

    SOP_STEP = "2.4.1"
    contract_id: UUID
    """The contract revised by legal (2.4.1)."""
    clauses: ContractClauses
    """The revised contract clauses."""


class ApproveContract(Command):
    SOP_STEP = "2.4.2"
    contract_id: UUID
    """The contract approved at this level (2.4.2)."""
    comments: Text = ""
    """The approver's comments."""


class RejectContract(Command):
    """Reject the current revision; it goes back to legal for revision."""

    SOP_STEP = "2.4.2"
    contract_id: UUID
    """The contract rejected (2.4.2)."""
    comments: NonEmptyStr
    """Why it is rejected: what must be revised."""


class SignContract(Command):
    """Record that both parties signed the fully approved current revision: for the
    company, an employee whose role has signing authority for the contract's amount."""

    SOP_STEP = "2.4.3"
    contract_id: UUID
    """The approved contract signed (2.4.3)."""
    our_signatory: OurSignatory
    """Our authorised representative who signs."""
    customer_signatory: Signatory
    """The customer's authorised representative who signs."""
    document: ArchivedDocument
    """The archived signed copy."""
    signed_on: Day


class AmendContract(Command, TermOverrides):
    """Legal amends a signed contract: a new revision, reviewed, approved and signed anew."""

    SOP_STEP = "2.4.1"
    contract_id: UUID
    """The signed contract amended."""
    clauses: ContractClauses
    """The amended contract clauses."""
    reason: NonEmptyStr
    """Why the contract is amended."""
