"""Commands of customer development (SOP 2.1.1, 2.1.2)."""

from __future__ import annotations

from uuid import UUID, uuid4

from pydantic import Field, field_validator

from salesdomain.commands import Command
from salesdomain.prospecting.values import (
    Assessment,
    CompetitorPrice,
    ContactPerson,
    Findings,
    MarketSize,
    QualificationOverride,
    ResearchSubject,
    SourceChannel,
    normalised_name,
)
from salesdomain.values import Items, Name, NonEmptyStr, OptionalName


class RecordMarketResearch(Command):
    """Record market information about a market, an industry or a product."""

    SOP_STEP = "2.1.1"
    note_id: UUID = Field(default_factory=uuid4)
    """The note's id (made up if left out)."""
    subject_kind: ResearchSubject
    """What the research is about: a market, an industry or a product."""
    subject: Name
    """The market, industry or product."""
    findings: Findings = Findings()
    """Industry trends, competitors, demand trends, policy changes."""
    competitor_prices: Items[CompetitorPrice] = ()
    """Competitor prices observed; they feed pricing (2.3.2)."""


class AddCompetitorPrice(Command):
    SOP_STEP = "2.1.1"
    note_id: UUID
    """The market research note (2.1.1)."""
    price: CompetitorPrice
    """The competitor's price observed."""


class RecordMarketSize(Command):
    """Record the size of a market segment in a sales period on a research note."""

    SOP_STEP = "2.1.1"
    note_id: UUID
    """The market research note (2.1.1)."""
    market_size: MarketSize
    """The market's size in a segment and period."""


class RegisterProspect(Command):
    """Put a company found through a channel into the prospect database."""

    SOP_STEP = "2.1.2"
    company_name: Name
    """The company's name; the same company is registered once."""
    registration_number: OptionalName = ""
    """The company's official registration number, if known."""
    region: Name
    """The company's region."""
    industry: Name
    """The company's industry."""
    source_channel: SourceChannel
    """Where the prospect came from: trade show, online platform, referral, ..."""
    contacts: Items[ContactPerson] = ()
    """The company's contact people."""

    @field_validator("company_name")
    @classmethod
    def _name_identifies(cls, value: str) -> str:
        if not normalised_name(value):
            raise ValueError("the company name must be more than a legal form or punctuation")
        return value


class AddContactPerson(Command):
    SOP_STEP = "2.1.2"
    customer_id: UUID
    """The prospect or customer."""
    person: ContactPerson
    """The contact person."""


class AssessProspect(Command):
    """Assess need intent, purchasing power and decision process."""

    SOP_STEP = "2.1.2"
    customer_id: UUID
    """The prospect assessed (2.1.2)."""
    assessment: Assessment
    """Need intent, purchasing power and decision process."""


class QualifyProspect(Command):
    """Qualify an assessed prospect.  An assessment the policy does not allow (by
    default, a low need intent or purchasing power) needs ``override``: the employee
    who approved it, the role they approved it under, and why."""

    SOP_STEP = "2.1.2"
    ADDED_LATER = frozenset({"override"})
    customer_id: UUID
    """The prospect qualified (2.1.2)."""
    reason: NonEmptyStr
    """Why the prospect qualifies."""
    override: QualificationOverride | None = None
    """An approved override, when the assessment falls short."""


class DisqualifyProspect(Command):
    SOP_STEP = "2.1.2"
    customer_id: UUID
    """The prospect disqualified (2.1.2)."""
    reason: NonEmptyStr
    """Why the prospect does not qualify: need, purchasing power or decision process."""


class CorrectCustomerDetails(Command):
    """Correct a customer's company name, region or industry (those given; the others
    stay).  The registration number is the company's identity and is not corrected: a
    record with a wrong one is another company's, to be merged.  Contact persons are
    personal data and have commands of their own."""

    SOP_STEP = "2.1.2"
    customer_id: UUID
    """The customer corrected (4.1.2)."""
    company_name: Name | None = None
    """The corrected company name."""
    region: Name | None = None
    """The corrected region."""
    industry: Name | None = None
    """The corrected industry."""
    reason: NonEmptyStr
    """Why the details are corrected."""

    @field_validator("company_name")
    @classmethod
    def _name_identifies(cls, value: str | None) -> str | None:
        if value is not None and not normalised_name(value):
            raise ValueError("the company name must be more than a legal form or punctuation")
        return value


class DeactivateCustomer(Command):
    """Stop working with a customer: no new opportunity for it until reactivated; the
    opportunities already open run to their close."""

    SOP_STEP = "2.1.2"
    customer_id: UUID
    """The customer deactivated."""
    reason: NonEmptyStr
    """Why the customer is no longer active."""


class ReactivateCustomer(Command):
    SOP_STEP = "2.1.2"
    customer_id: UUID
    """The customer reactivated."""
    reason: NonEmptyStr
    """Why the customer is active again."""


class MergeCustomers(Command):
    """Merge a customer record found to be the same company as another (``customer_id``,
    the duplicate) into that one (``into_customer_id``, the survivor), with the reason:
    both histories are kept and linked, new work goes to the survivor.  A sales lead
    does."""

    SOP_STEP = "2.1.2"
    customer_id: UUID
    """The duplicate merged away (4.1.2)."""
    into_customer_id: UUID
    """The customer it is merged into."""
    reason: NonEmptyStr
    """Why they are the same company."""


class ForgetContactPerson(Command):
    """Forget a contact person's personal data on their request (data cleaning,
    ADR 13): the customer records it, then the person's key is destroyed.  Say who
    asked and why without repeating the person's details."""

    SOP_STEP = "4.1.2"
    customer_id: UUID
    """The customer the contact person works for."""
    subject_id: UUID
    """The contact person whose personal data is erased."""
    reason: NonEmptyStr
    """Why the data is erased."""
    requested_by: Name
    """Who asked for it."""
