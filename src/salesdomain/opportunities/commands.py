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
    """The new opportunity's id (made up if left out)."""
    customer_id: UUID
    """The qualified prospect or customer."""
    title: Name
    """A short name for the deal."""
    estimated_value: Annotated[Money, AfterValidator(not_negative)]
    """The deal's estimated value."""
    expected_close: Day


class LogContact(Command):
    """Log a contact or visit: channel, date, participants, notes."""

    SOP_STEP = "2.1.3"
    opportunity_id: UUID
    """The opportunity (2.1.3)."""
    contact: Contact
    """The contact or visit: channel, participants, notes."""


class DiscoverNeeds(Command):
    SOP_STEP = "2.2.1"
    opportunity_id: UUID
    """The opportunity (2.2.1)."""
    discovery: NeedsDiscovery
    """The needs found and who decides at the customer."""


class PrioritiseNeeds(Command):
    SOP_STEP = "2.2.2"
    opportunity_id: UUID
    """The opportunity (2.2.2)."""
    prioritisation: Prioritisation
    """The needs ranked, with feasibility and fit."""


class DesignSolution(Command):
    SOP_STEP = "2.2.3"
    opportunity_id: UUID
    """The opportunity the solution is for (2.2.3)."""
    solution: Solution
    """The tailored solution."""


class ConfirmFeasibility(Command):
    """A department involved in the solution confirms (or denies) it is feasible."""

    SOP_STEP = "2.2.3"
    opportunity_id: UUID
    """The opportunity whose solution is checked (2.2.3)."""
    feasible: bool
    """Whether the department confirms the solution feasible."""
    remarks: Text = ""
    """The department's remarks."""


class PresentSolution(Command):
    SOP_STEP = "2.3.1"
    opportunity_id: UUID
    """The opportunity (2.3.1)."""
    presentation: Presentation
    """How the solution was presented."""


class AcknowledgeSolution(Command):
    """Record that the customer understood and accepted the solution's content."""

    SOP_STEP = "2.3.1"
    opportunity_id: UUID
    """The opportunity whose solution the customer accepts (2.3.1)."""
    acknowledged_by: Name
    """Who accepted it at the customer."""
    comments: Text = ""
    """The customer's comments."""


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
    """The opportunity quoted (2.3.2)."""
    lines: OfferedLines
    """The quote's lines: product, specification, quantity, unit price."""
    payment_terms: NonEmptyStr
    """The payment terms offered."""
    delivery_date: Day
    valid_until: Day | None = None
    """The last day the quote may be accepted."""
    approval_id: int | None = Field(default=None, ge=1, le=COUNT_LIMIT)
    """The discount approval the quote rests on, when beyond the rep's authority (2.3.3)."""
    pricing_basis: Text = ""
    """How the price was set: cost, market and competitor prices."""
    cites_research: UUID | None = None
    """The market research note the pricing cites (2.1.1)."""

    @model_validator(mode="after")
    def _valid_until(self) -> Self:
        if self.valid_until is not None and self.valid_until > self.delivery_date + _YEAR:
            raise ValueError("valid_until is more than a year after the delivery date")
        return self


class RecordNegotiationRound(Command):
    SOP_STEP = "2.3.3"
    opportunity_id: UUID
    """The opportunity (2.3.3)."""
    negotiation: NegotiationRound
    """The customer's position and our response."""


class RequestDiscountApproval(Command):
    """Ask a sales manager to approve quote terms beyond the sender's authority.

    The lines are priced as ``IssueQuote`` prices them, from the catalogue on the day of
    the request.  The approval, once granted, covers one quote with the same priced lines
    (product, name, specification, quantity, unit price, unit cost and list price);
    payment, delivery and validity are the intended quote's, for the approver to see,
    and do not bind it."""

    SOP_STEP = "2.3.3"
    opportunity_id: UUID
    """The opportunity (2.3.3)."""
    lines: OfferedLines
    """The lines at the prices asking for approval."""
    payment_terms: NonEmptyStr
    """The payment terms to be quoted."""
    delivery_date: Day
    valid_until: Day
    justification: NonEmptyStr
    """Why the discount is needed."""


class ApproveDiscount(Command):
    SOP_STEP = "2.3.3"
    opportunity_id: UUID
    """The opportunity whose discount is approved (2.3.3)."""
    comments: Text = ""
    """The manager's comments."""


class RejectDiscount(Command):
    SOP_STEP = "2.3.3"
    opportunity_id: UUID
    """The opportunity whose discount is refused (2.3.3)."""
    comments: NonEmptyStr
    """Why the discount is refused."""


class AcceptQuote(Command):
    """The customer accepts a quote: the opportunity is won, ready for a contract."""

    SOP_STEP = "2.3.3"
    opportunity_id: UUID
    """The opportunity whose quote the customer accepts."""
    quote_version: int = Field(ge=1, le=COUNT_LIMIT)
    """The version of the quote accepted (the current one)."""
    accepted_by: Name
    """Who accepted it at the customer."""


class MarkOpportunityLost(Command):
    """Close the opportunity as lost, from any open stage, with reason and competitor."""

    SOP_STEP = "2.3.3"
    opportunity_id: UUID
    """The opportunity lost."""
    reason: NonEmptyStr
    """Why the deal was lost."""
    competitor: OptionalName = ""
    """The competitor it was lost to, if any."""
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
    """The opportunity."""
    expected_close: Day
    reason: NonEmptyStr
    """Why the expected close date changes."""


class ReviseEstimatedValue(Command):
    """Revise an open opportunity's estimated value, with the reason, until its first
    quote is issued (then the quote is its value); its owner or a sales lead does."""

    SOP_STEP = "2.1.3"
    opportunity_id: UUID
    """The opportunity."""
    estimated_value: Annotated[Money, AfterValidator(not_negative)]
    """The new estimated value."""
    reason: NonEmptyStr
    """Why the estimate changes."""


class SetForecastCategory(Command):
    """The owner puts an open opportunity in a forecast category (commit, best case,
    pipeline, omitted) for the period of its expected close, with the reason."""

    SOP_STEP = "4.2.3"
    opportunity_id: UUID
    """The opportunity."""
    category: ForecastCategory
    """The forecast category: commit, best case, pipeline or omitted."""
    reason: Text = ""
    """Why the deal is put in this category."""


class ReviewForecastCategory(Command):
    """The owner's manager confirms the opportunity's forecast category (the same one)
    or changes it (another one, with the reason)."""

    SOP_STEP = "4.2.3"
    opportunity_id: UUID
    """The opportunity reviewed."""
    category: ForecastCategory
    """The forecast category confirmed or changed by the manager."""
    reason: Text = ""
    """Why the manager confirms or changes the category."""
