"""Commands of the contract (SOP 2.4.1-2.4.3).

Terms (lines, payment terms, delivery date) are given only where they change:
a draft takes the rest from the accepted quote, a revision or an amendment from the
current revision.  Every difference from the accepted quote is listed for the review.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID, uuid4

from pydantic import BaseModel, Field

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

    lines: QuoteLines | None = None
    payment_terms: NonEmptyStr | None = None
    delivery_date: Day | None = None


class DraftContract(Command, TermOverrides):
    """Legal drafts the contract of a won opportunity from its accepted quote."""

    SOP_STEP = "2.4.1"
    contract_id: UUID = Field(default_factory=uuid4)
    opportunity_id: UUID
    clauses: ContractClauses


class ReviewContract(Command):
    """Sales reviews the current revision against the accepted quote and company policy.

    ``explanations`` maps each difference's field to why it is right.  The review
    passes, and the revision goes to approval, only when every difference is explained
    and no issue is raised; otherwise it goes back to legal for revision.
    """

    SOP_STEP = "2.4.1"
    contract_id: UUID
    explanations: Annotated[dict[Name, NonEmptyStr], Field(max_length=LIST_LENGTH)] = Field(
        default_factory=dict
    )
    issues: Items[NonEmptyStr] = ()


class ReviseContract(Command, TermOverrides):
    """Legal revises an unsigned contract: a new revision, reviewed and approved anew
    (approvals the previous revision had, or was collecting, no longer count)."""

    SOP_STEP = "2.4.1"
    contract_id: UUID
    clauses: ContractClauses


class ApproveContract(Command):
    SOP_STEP = "2.4.2"
    contract_id: UUID
    comments: Text = ""


class RejectContract(Command):
    """Reject the current revision; it goes back to legal for revision."""

    SOP_STEP = "2.4.2"
    contract_id: UUID
    comments: NonEmptyStr


class SignContract(Command):
    """Record that both parties signed the fully approved current revision: for the
    company, an employee whose role has signing authority for the contract's amount."""

    SOP_STEP = "2.4.3"
    contract_id: UUID
    our_signatory: OurSignatory
    customer_signatory: Signatory
    document: ArchivedDocument
    signed_on: Day


class AmendContract(Command, TermOverrides):
    """Legal amends a signed contract: a new revision, reviewed, approved and signed anew."""

    SOP_STEP = "2.4.1"
    contract_id: UUID
    clauses: ContractClauses
    reason: NonEmptyStr
