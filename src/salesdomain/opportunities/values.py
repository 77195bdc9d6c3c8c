"""Value objects of the opportunity: contacts, needs, solution, quotes, negotiation."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Annotated, Self
from uuid import UUID

from pydantic import AfterValidator, Field, model_validator

from salesdomain.bounds import AMOUNT_LIMIT, LIST_LENGTH
from salesdomain.prospecting.values import CompetitorPrice
from salesdomain.values import (
    Code,
    Day,
    Departments,
    Items,
    Money,
    Name,
    NonEmptyStr,
    OptionalName,
    PricedLine,
    PricedLines,
    Quantity,
    Text,
    ValueObject,
    distinct,
    one_currency_each_product_once,
    stored_enum,
    within_amount_limit,
)


@stored_enum
class ContactChannel(Enum):
    PHONE = "phone"
    EMAIL = "email"
    SOCIAL_MEDIA = "social_media"
    VISIT = "visit"
    ONLINE_MEETING = "online_meeting"

    @property
    def is_visit(self) -> bool:
        """A booked face-to-face visit or online meeting (a KPI, SOP 3.3.1)."""
        return self in (ContactChannel.VISIT, ContactChannel.ONLINE_MEETING)


@stored_enum
class Influence(Enum):
    DECIDES = "decides"
    INFLUENCES = "influences"
    USES = "uses"


@stored_enum
class Rating(Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@stored_enum
class ForecastCategory(Enum):
    """How sure the owner is that an open opportunity closes in the period of its
    expected close (SOP 4.2.3); one that was never given a category counts as
    ``PIPELINE`` (ADR 52)."""

    COMMIT = "commit"
    """Will close in the period: counted in the forecast."""
    BEST_CASE = "best_case"
    """May close in the period if things go well."""
    PIPELINE = "pipeline"
    """Open, but not yet judged likely to close in the period."""
    OMITTED = "omitted"
    """Left out of the forecast (e.g. not expected to close at all)."""

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Contact(ValueObject):
    """One contact or visit with the customer (SOP 2.1.3)."""

    channel: ContactChannel
    """How the contact was made: phone, e-mail, social media, visit, online meeting."""
    occurred_on: Day
    participants: Items[Name] = Field(min_length=1)
    """Who took part."""
    notes: NonEmptyStr
    """The needs and concerns heard."""


class Need(ValueObject):
    code: Code
    """A short code for the need, used to rank it (2.2.2)."""
    description: NonEmptyStr
    """The need in the customer's words."""
    pain_point: Text = ""
    """The pain point behind it."""


class Stakeholder(ValueObject):
    name: Name
    """The stakeholder's name."""
    title: OptionalName = ""
    """The stakeholder's title."""
    influence: Influence
    """Their part in the decision: decides, influences, uses."""


class NeedsDiscovery(ValueObject):
    """Needs, pain points and how the customer decides (SOP 2.2.1)."""

    needs: Items[Need] = Field(min_length=1)
    """The needs found, latent ones too."""
    organisation: Text = ""
    """The customer's organisation."""
    business_process: Text = ""
    """The customer's business process."""
    decision_mechanism: NonEmptyStr
    """How the customer decides."""
    stakeholders: Items[Stakeholder] = Field(min_length=1)
    """Who decides and who influences."""

    @model_validator(mode="after")
    def _unique_codes(self) -> Self:
        distinct((need.code for need in self.needs), "each need has its own code")
        if not any(s.influence is Influence.DECIDES for s in self.stakeholders):
            raise ValueError("name at least one stakeholder who decides")
        return self


class NeedPriority(ValueObject):
    code: Code
    """The need's code."""
    rank: int = Field(ge=1, le=LIST_LENGTH)
    """Its priority (1 is the highest)."""
    feasibility: Rating
    """How feasible it is to meet."""
    fit: Rating
    """How well our products fit it."""
    key: bool = False
    """Whether it is a key need."""


class Prioritisation(ValueObject):
    """Needs classified and ranked, with feasibility and fit (SOP 2.2.2)."""

    priorities: Items[NeedPriority] = Field(min_length=1)
    """The needs ranked."""
    opportunity_summary: NonEmptyStr
    """The sales opportunity the key needs open."""

    @model_validator(mode="after")
    def _ranks(self) -> Self:
        distinct((p.code for p in self.priorities), "each need is ranked once")
        if not any(p.key for p in self.priorities):
            raise ValueError("mark at least one key need")
        return self


class Solution(ValueObject):
    """A tailored solution (SOP 2.2.3)."""

    content: NonEmptyStr
    """What the solution consists of."""
    value_proposition: NonEmptyStr
    """The value it brings the customer."""
    implementation_plan: NonEmptyStr
    """How it will be implemented."""
    expected_results: NonEmptyStr
    """The results the customer can expect."""
    departments_involved: Departments = Field(min_length=1)
    """The internal departments that must confirm it feasible."""


class Presentation(ValueObject):
    """How the solution was presented (SOP 2.3.1)."""

    presented_on: Day
    formats: Items[Name] = Field(min_length=1)
    """How it was presented: demo, cases, data."""
    questions_answered: Text = ""
    """The customer's questions and our answers."""


class OfferedLine(ValueObject):
    """A line as the quote's sender offers it (SOP 2.3.2): a product, its specification,
    the quantity and the unit price offered.  A catalogue product's name, list price and
    standard cost come from the catalogue; an ad-hoc line (a product not in the
    catalogue, where the policy allows one) names its product and unit cost."""

    product_code: Code
    """The product's catalogue code."""
    specification: Name
    """The specification or model."""
    quantity: Quantity
    """How many units."""
    unit_price: Money
    """The price per unit (its cost comes from the catalogue)."""
    product_name: OptionalName = ""
    """Only for an ad-hoc line (a catalogue product is named by the catalogue)."""
    unit_cost: Money | None = None
    """Only for an ad-hoc line (a catalogue product costs its standard cost)."""

    @model_validator(mode="after")
    def _prices(self) -> Self:
        if self.unit_price.amount <= 0:
            raise ValueError("unit_price must be more than zero")
        within_amount_limit(
            "the line's amount (quantity x unit price)", self.quantity, self.unit_price
        )
        if self.unit_cost is not None:
            if self.unit_price.currency != self.unit_cost.currency:
                raise ValueError("unit_price and unit_cost must be in the same currency")
            if self.unit_cost.amount < 0:
                raise ValueError("unit_cost cannot be negative")
            within_amount_limit(
                "the line's cost (quantity x unit cost)", self.quantity, self.unit_cost
            )
        return self


def _total_within_bounds(lines: tuple[OfferedLine, ...]) -> None:
    if sum(line.quantity * line.unit_price.amount for line in lines) >= AMOUNT_LIMIT:
        raise ValueError(f"the total of the lines must be less than {AMOUNT_LIMIT:,}")


def checked_offered_lines(lines: tuple[OfferedLine, ...]) -> tuple[OfferedLine, ...]:
    """Lines offered in one quote: one currency, each product on one line, a total
    within the bounds."""
    if len({line.unit_price.currency for line in lines}) > 1:
        raise ValueError("all lines of a quote are in one currency")
    distinct((line.product_code.casefold() for line in lines), "each product appears on one line")
    _total_within_bounds(lines)
    return lines


OfferedLines = Annotated[
    tuple[OfferedLine, ...],
    Field(min_length=1, max_length=LIST_LENGTH),
    AfterValidator(checked_offered_lines),
]
"""The lines of a quote as offered: one currency, each product once."""


class QuoteLine(PricedLine, OfferedLine):
    """A priced line of a quote: the product's name, unit price and unit cost, and, for a
    catalogue product, its list price in force on the day of the quote; an ad-hoc line
    has none (``list_price`` is ``None``, as on every line quoted before the catalogue)."""

    product_name: Name
    """The product's name."""
    unit_cost: Money
    """The cost per unit."""
    list_price: Money | None = None
    """The catalogue's list price per unit when quoted."""

    @property
    def ad_hoc(self) -> bool:
        """Not priced from the catalogue."""
        return self.list_price is None

    @model_validator(mode="after")
    def _list_price_currency(self) -> Self:
        if self.list_price is not None and self.list_price.currency != self.unit_price.currency:
            raise ValueError("unit_price and list_price must be in the same currency")
        return self


def check_quote_lines(lines: tuple[QuoteLine, ...]) -> None:
    """Lines of one quote: one currency, each product on one line."""
    one_currency_each_product_once(lines, "a quote")
    _total_within_bounds(lines)


def checked_quote_lines(lines: tuple[QuoteLine, ...]) -> tuple[QuoteLine, ...]:
    check_quote_lines(lines)
    return lines


QuoteLines = Annotated[
    tuple[QuoteLine, ...],
    Field(min_length=1, max_length=LIST_LENGTH),
    AfterValidator(checked_quote_lines),
]
"""The lines of a quote: one currency, each product once, a total within the bounds."""


class QuoteTerms(PricedLines, ValueObject):
    """The content of a formal quote (SOP 2.3.2)."""

    lines: QuoteLines
    payment_terms: NonEmptyStr
    delivery_date: Day
    valid_until: Day

    @property
    def margin(self) -> Decimal:
        """Gross margin as a fraction of the quoted amount."""
        amount = self.amount.amount
        return ((amount - self.cost.amount) / amount).quantize(Decimal("0.0001"))

    @property
    def ad_hoc_lines(self) -> tuple[str, ...]:
        """The products of the lines not priced from the catalogue."""
        return tuple(line.product_code for line in self.lines if line.ad_hoc)

    def discount_against(self, opening: QuoteTerms | None) -> Decimal:
        """The largest per-product price reduction: against the catalogue's list price in
        force on the quote's day, or for an ad-hoc line against the opening quote."""
        opening_prices = (
            {line.product_code: line.unit_price for line in opening.lines} if opening else {}
        )
        largest = Decimal(0)
        for line in self.lines:
            before = line.list_price or opening_prices.get(line.product_code)
            if before is None or before.currency != line.unit_price.currency:
                continue
            cut = (before.amount - line.unit_price.amount) / before.amount
            largest = max(largest, cut)
        return largest.quantize(Decimal("0.0001"))


class AdHocLines(ValueObject):
    """The products a quote priced on ad-hoc lines, not from the catalogue (SOP 2.3.2);
    none: every line priced from the catalogue."""

    products: tuple[str, ...] = ()


class PricingResearch(ValueObject):
    """The market research note (SOP 2.1.1) a quote cites as its pricing basis, with the
    competitor prices it holds for the quoted products."""

    note_id: UUID
    subject: str
    competitor_prices: tuple[CompetitorPrice, ...] = ()


class NegotiationRound(ValueObject):
    """One round of price negotiation (SOP 2.3.3)."""

    held_on: Day
    customer_position: NonEmptyStr
    """The customer's objection or request."""
    requested_discount: Annotated[Decimal, Field(ge=0, le=1)] = Decimal(0)
    """The discount asked for (0 to 1)."""
    our_response: NonEmptyStr
    """Our answer: value, added services, long-term terms."""
    concessions: Items[NonEmptyStr] = ()
    """What we conceded."""
