"""Value objects of customer development (SOP 2.1)."""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from typing import Annotated
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import AfterValidator, Field

from salesdomain.people.values import Period
from salesdomain.personal import PersonalData
from salesdomain.sop import Role
from salesdomain.values import (
    Day,
    Items,
    Money,
    Name,
    NonEmptyStr,
    OptionalName,
    Text,
    ValueObject,
    more_than_zero,
    stored_enum,
)

CUSTOMER_NAMESPACE = uuid5(NAMESPACE_URL, "salesdomain:customer")
NAME_CLAIM_NAMESPACE = uuid5(NAMESPACE_URL, "salesdomain:customer-name")
CONTACT_SUBJECT_NAMESPACE = uuid5(NAMESPACE_URL, "salesdomain:contact-person")


@stored_enum
class SourceChannel(Enum):
    """Where a prospect was found (SOP 2.1.2)."""

    TRADE_SHOW = "trade_show"
    ONLINE_PLATFORM = "online_platform"
    SOCIAL_MEDIA = "social_media"
    REFERRAL = "referral"
    INDUSTRY_REPORT = "industry_report"
    IMPORTED = "imported"
    OTHER = "other"


@stored_enum
class Level(Enum):
    """A three-step judgement used by the prospect assessment."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@stored_enum
class ResearchSubject(Enum):
    """What a market research note is about (SOP 2.1.1)."""

    MARKET = "market"
    INDUSTRY = "industry"
    PRODUCT = "product"


class ContactPerson(PersonalData):
    """A person at the customer: personal data of its own data subject (ADR 13).

    The customer gives every contact person its ``subject_id`` when they are added
    (see ``contact_subject_id``); one given with the command is replaced."""

    name: Name
    """The contact person's name."""
    title: OptionalName = ""
    """The contact person's job title."""
    phone: OptionalName = ""
    """The person's phone number."""
    email: Annotated[str, Field(max_length=254, pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$")] = ""
    """The person's e-mail address."""
    decision_role: OptionalName = ""
    """Their part in the customer's decision."""


class ContactPersons(ValueObject):
    people: Items[ContactPerson] = ()


class Assessment(ValueObject):
    """Need intent, purchasing power and decision process of a prospect (SOP 2.1.2)."""

    need_intent: Level
    """How strong the need is."""
    purchasing_power: Level
    """How able they are to buy."""
    decision_process: NonEmptyStr
    """How they decide."""
    notes: Text = ""
    """Anything else learnt in the assessment."""


class QualificationOverride(ValueObject):
    """Qualifying a prospect whose assessment the policy does not allow (SOP 2.1.2):
    who approved it, under which role, and why.  ``approver_name`` is the staff
    register's name for them, filled in when the qualification is recorded."""

    approved_by: UUID
    """The employee who approved the override."""
    approver_role: Role
    """The role under which they approved it."""
    approver_name: OptionalName = ""
    """The approver's name."""
    reason: NonEmptyStr
    """Why the prospect qualifies despite the assessment."""


class CompetitorPrice(ValueObject):
    competitor: Name
    """The competitor whose price was observed."""
    product_code: Name
    """Our product code it compares with."""
    price: Annotated[Money, AfterValidator(more_than_zero)]
    """The competitor's price per unit."""
    observed_on: Day


@stored_enum
class MarketDimension(Enum):
    """What a market size is measured over (SOP 2.1.1): the customers of a region or an
    industry, or the buyers of a product (its model: the product code)."""

    REGION = "region"
    INDUSTRY = "industry"
    PRODUCT = "product"


class MarketSize(ValueObject):
    """The size of a market segment in a sales period as market research found it (SOP
    2.1.1): the whole market's sales, ours included, what our share is measured
    against (docs/kpi.md, market share)."""

    dimension: MarketDimension
    """How the market is cut: by region, industry or product."""
    segment: Name
    """The region, industry or product code, as the customers and the KPI view name it."""
    period: Period
    """The period the size is for."""
    size: Annotated[Money, AfterValidator(more_than_zero)]
    """The market's size (4.2.1 market share)."""


class CompetitorPrices(ValueObject):
    prices: Items[CompetitorPrice] = ()


class Findings(ValueObject):
    """Market information collected and analysed (SOP 2.1.1)."""

    industry_trends: Text = ""
    """What is changing in the industry (2.1.1)."""
    competitors: Text = ""
    """What competitors offer and how they sell (2.1.1)."""
    demand_trends: Text = ""
    """How demand is moving (2.1.1)."""
    policy_changes: Text = ""
    """Policy or regulation changes that touch the market (2.1.1)."""

    @property
    def is_empty(self) -> bool:
        return not (
            self.industry_trends or self.competitors or self.demand_trends or self.policy_changes
        )


_LEGAL_FORMS = re.compile(
    r"\b(co|company|corp|corporation|inc|incorporated|ltd|limited|llc|plc|gmbh|ag|sa|bv|"
    r"group|holdings?)\b\.?"
)


def normalised_name(company_name: str) -> str:
    """The company name reduced to what identifies it: case, width, punctuation and
    legal forms removed ("ACME Co., Ltd." and "Acme Limited" are the same company)."""
    text = unicodedata.normalize("NFKC", company_name).casefold()
    text = text.replace("有限责任公司", "").replace("股份有限公司", "").replace("有限公司", "")
    text = _LEGAL_FORMS.sub(" ", text)
    return "".join(ch for ch in text if ch.isalnum())


def normalised_registration(number: str) -> str:
    text = unicodedata.normalize("NFKC", number).upper()
    return "".join(ch for ch in text if ch.isalnum())


def customer_key(company_name: str, registration_number: str) -> str:
    """The natural key of a company: its registration number, else its normalised name."""
    if registration_number.strip():
        return "reg:" + normalised_registration(registration_number)
    return "name:" + normalised_name(company_name)


def contact_subject_id(customer_id: UUID, index: int) -> UUID:
    """The data subject of the customer's ``index``-th contact person (from 0).  It is
    derived from nothing personal, so it reveals nothing once the person is forgotten."""
    return uuid5(CONTACT_SUBJECT_NAMESPACE, f"{customer_id}/{index}")


def customer_id_for(key: str) -> UUID:
    return uuid5(CUSTOMER_NAMESPACE, key)


def name_claim_id_for(company_name: str) -> UUID:
    return uuid5(NAME_CLAIM_NAMESPACE, normalised_name(company_name))
