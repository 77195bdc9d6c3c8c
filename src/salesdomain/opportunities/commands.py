"""Commands of the opportunity (SOP 2.1.3-2.3.3)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Self
from uuid import UUID, uuid4

from pydantic import AfterValidator, Field, model_validator

from salesdomain.bounds import COUNT_LIMIT
from salesdomain.commands import Command
from salesdomain.opportunities.values import (
    Contact,
    ForecastCategory,
    NeedsDiscovery,
    NegotiationRound,
    OfferedLines,
    Presentation,
    Prioritisation,
    Solution,
)
from salesdomain.values import (
    Day,
    Money,
    Name,
    NonEmptyStr,
    OptionalName,
    Text,
    not_negative,
)

_YEAR = timedelta(days=366)


class OpenOpportunity(Command):
    """Open an opportunity for a qualified customer; the sender becomes its owner."""

    SOP_STEP = "2.1.3"
    opportunity_id: UUID = Field(default_factory=uuid4)
    customer_id: UUID
    title: Name
    estimated_value: Annotated[Money, AfterValidator(not_negative)]
    expected_close: Day


class LogContact(Command):
    """Log a contact or visit: channel, date, participants, notes."""

    SOP_STEP = "2.1.3"
    opportunity_id: UUID
    contact: Contact


class DiscoverNeeds(Command):
    SOP_STEP = "2.2.1"
    opportunity_id: UUID
    discovery: NeedsDiscovery


class PrioritiseNeeds(Command):
    SOP_STEP = "2.2.2"
    opportunity_id: UUID
    prioritisation: Prioritisation


class DesignSolution(Command):
    SOP_STEP = "2.2.3"
    opportunity_id: UUID
    solution: Solution


class ConfirmFeasibility(Command):
    """A department involved in the solution confirms (or denies) it is feasible."""

    SOP_STEP = "2.2.3"
    opportunity_id: UUID
    feasible: bool
    remarks: Text = ""


class PresentSolution(Command):
    SOP_STEP = "2.3.1"
    opportunity_id: UUID
    presentation: Presentation


class AcknowledgeSolution(Command):
    """Record that the customer understood and accepted the solution's content."""

    SOP_STEP = "2.3.1"
    opportunity_id: UUID
    acknowledged_by: Name
    comments: Text = ""


class IssueQuote(Command):
    """Issue a formal quote; a new one supersedes the previous version.

    Without ``valid_until`` the quote is valid for the policy's quote validity from the
    day it is issued.  A quote beyond the sender's discount or margin authority names
    the discount approval it relies on (``approval_id``: the request's number, #1, #2,
    ... within the opportunity), granted for the same priced lines.

    Each line names a product of the catalogue, the quantity and the unit price offered;
    its name, list price and standard cost are the catalogue's, in force on the day the
    quote is issued.  A line for a product not in the catalogue (ad-hoc, where the
    policy allows it) names the product and its unit cost.  ``pricing_basis`` says how
    the price was reached; ``cites_research`` names the market research note (2.1.1) it
    relied on, whose competitor prices for the quoted products are recorded with it."""

    SOP_STEP = "2.3.2"
    ADDED_LATER = frozenset({"cites_research"})
    opportunity_id: UUID
    lines: OfferedLines
    payment_terms: NonEmptyStr
    delivery_date: Day
    valid_until: Day | None = None
    approval_id: int | None = Field(default=None, ge=1, le=COUNT_LIMIT)
    pricing_basis: Text = ""
    cites_research: UUID | None = None

    @model_validator(mode="after")
    def _valid_until(self) -> Self:
        if self.valid_until is not None and self.valid_until > self.delivery_date + _YEAR:
            raise ValueError("valid_until is more than a year after the delivery date")
        return self


class RecordNegotiationRound(Command):
    SOP_STEP = "2.3.3"
    opportunity_id: UUID
    negotiation: NegotiationRound


class RequestDiscountApproval(Command):
    """Ask a sales manager to approve quote terms beyond the sender's authority.

    The lines are priced as ``IssueQuote`` prices them, from the catalogue on the day of
    the request.  The approval, once granted, covers one quote with the same priced lines
    (product, name, specification, quantity, unit price, unit cost and list price);
    payment, delivery and validity are the intended quote's, for the approver to see,
    and do not bind it."""

    SOP_STEP = "2.3.3"
    opportunity_id: UUID
    lines: OfferedLines
    payment_terms: NonEmptyStr
    delivery_date: Day
    valid_until: Day
    justification: NonEmptyStr


class ApproveDiscount(Command):
    SOP_STEP = "2.3.3"
    opportunity_id: UUID
    comments: Text = ""


class RejectDiscount(Command):
    SOP_STEP = "2.3.3"
    opportunity_id: UUID
    comments: NonEmptyStr


class AcceptQuote(Command):
    """The customer accepts a quote: the opportunity is won, ready for a contract."""

    SOP_STEP = "2.3.3"
    opportunity_id: UUID
    quote_version: int = Field(ge=1, le=COUNT_LIMIT)
    accepted_by: Name


class MarkOpportunityLost(Command):
    """Close the opportunity as lost, from any open stage, with reason and competitor."""

    SOP_STEP = "2.3.3"
    opportunity_id: UUID
    reason: NonEmptyStr
    competitor: OptionalName = ""
    competitor_price: Money | None = None
    """The price the competitor won with, if the customer told it (optional)."""

    @model_validator(mode="after")
    def _reason_is_real(self) -> Self:
        if len(self.reason) < 3:
            raise ValueError("reason must say why the opportunity was lost")
        if self.competitor_price is not None:
            if self.competitor_price.amount <= 0:
                raise ValueError("competitor_price must be above zero")
            if not self.competitor:
                raise ValueError("competitor_price needs the competitor it is theirs")
        return self


class ReviseExpectedClose(Command):
    """Move the day an open opportunity is expected to close (today or later), with the
    reason; its owner or a sales lead does, at the step of the stage it is in."""

    SOP_STEP = "2.1.3"
    opportunity_id: UUID
    expected_close: Day
    reason: NonEmptyStr


class ReviseEstimatedValue(Command):
    """Revise an open opportunity's estimated value, with the reason, until its first
    quote is issued (then the quote is its value); its owner or a sales lead does."""

    SOP_STEP = "2.1.3"
    opportunity_id: UUID
    estimated_value: Annotated[Money, AfterValidator(not_negative)]
    reason: NonEmptyStr


class SetForecastCategory(Command):
    """The owner puts an open opportunity in a forecast category (commit, best case,
    pipeline, omitted) for the period of its expected close, with the reason."""

    SOP_STEP = "4.2.3"
    opportunity_id: UUID
    category: ForecastCategory
    reason: Text = ""


class ReviewForecastCategory(Command):
    """The owner's manager confirms the opportunity's forecast category (the same one)
    or changes it (another one, with the reason)."""

    SOP_STEP = "4.2.3"
    opportunity_id: UUID
    category: ForecastCategory
    reason: Text = ""
