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
    subject_kind: ResearchSubject
    subject: Name
    findings: Findings = Findings()
    competitor_prices: Items[CompetitorPrice] = ()


class AddCompetitorPrice(Command):
    SOP_STEP = "2.1.1"
    note_id: UUID
    price: CompetitorPrice


class RecordMarketSize(Command):
    """Record the size of a market segment in a sales period on a research note."""

    SOP_STEP = "2.1.1"
    note_id: UUID
    market_size: MarketSize


class RegisterProspect(Command):
    """Put a company found through a channel into the prospect database."""

    SOP_STEP = "2.1.2"
    company_name: Name
    registration_number: OptionalName = ""
    region: Name
    industry: Name
    source_channel: SourceChannel
    contacts: Items[ContactPerson] = ()

    @field_validator("company_name")
    @classmethod
    def _name_identifies(cls, value: str) -> str:
        if not normalised_name(value):
            raise ValueError("the company name must be more than a legal form or punctuation")
        return value


class AddContactPerson(Command):
    SOP_STEP = "2.1.2"
    customer_id: UUID
    person: ContactPerson


class AssessProspect(Command):
    """Assess need intent, purchasing power and decision process."""

    SOP_STEP = "2.1.2"
    customer_id: UUID
    assessment: Assessment


class QualifyProspect(Command):
    """Qualify an assessed prospect.  An assessment the policy does not allow (by
    default, a low need intent or purchasing power) needs ``override``: the employee
    who approved it, the role they approved it under, and why."""

    SOP_STEP = "2.1.2"
    ADDED_LATER = frozenset({"override"})
    customer_id: UUID
    reason: NonEmptyStr
    override: QualificationOverride | None = None


class DisqualifyProspect(Command):
    SOP_STEP = "2.1.2"
    customer_id: UUID
    reason: NonEmptyStr


class CorrectCustomerDetails(Command):
    """Correct a customer's company name, region or industry (those given; the others
    stay).  The registration number is the company's identity and is not corrected: a
    record with a wrong one is another company's, to be merged.  Contact persons are
    personal data and have commands of their own."""

    SOP_STEP = "2.1.2"
    customer_id: UUID
    company_name: Name | None = None
    region: Name | None = None
    industry: Name | None = None
    reason: NonEmptyStr

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
    reason: NonEmptyStr


class ReactivateCustomer(Command):
    SOP_STEP = "2.1.2"
    customer_id: UUID
    reason: NonEmptyStr


class MergeCustomers(Command):
    """Merge a customer record found to be the same company as another (``customer_id``,
    the duplicate) into that one (``into_customer_id``, the survivor), with the reason:
    both histories are kept and linked, new work goes to the survivor.  A sales lead
    does."""

    SOP_STEP = "2.1.2"
    customer_id: UUID
    into_customer_id: UUID
    reason: NonEmptyStr


class ForgetContactPerson(Command):
    """Forget a contact person's personal data on their request (data cleaning,
    ADR 13): the customer records it, then the person's key is destroyed.  Say who
    asked and why without repeating the person's details."""

    SOP_STEP = "4.1.2"
    customer_id: UUID
    subject_id: UUID
    reason: NonEmptyStr
    requested_by: Name
