"""Value objects of the contract (SOP 2.4): clauses, differences, approvals, signing."""

from __future__ import annotations

from typing import Annotated
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import Field, StringConstraints

from salesdomain.currencies import RateUsed
from salesdomain.opportunities.values import QuoteLine, QuoteTerms
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
)

CONTRACT_CLAIM_NAMESPACE = uuid5(NAMESPACE_URL, "salesdomain:contract-of-opportunity")


def contract_claim_id_for(opportunity_id: UUID) -> UUID:
    """The id of the claim that reserves an opportunity for its one contract."""
    return uuid5(CONTRACT_CLAIM_NAMESPACE, str(opportunity_id))


class ContractClauses(ValueObject):
    """What legal writes besides the quote's terms (SOP 2.4.1)."""

    rights_and_duties: NonEmptyStr
    """Both parties' rights and duties."""
    after_sales_terms: NonEmptyStr
    """The after-sales terms."""
    warranty: Text = ""
    """The warranty terms."""
    liability: Text = ""
    """The liability terms."""
    dispute_resolution: Text = ""
    """How disputes are resolved."""
    other_terms: Text = ""
    """Any other terms."""


class Difference(ValueObject):
    """One way a contract revision differs from the accepted quote.

    ``field`` names what differs: ``payment_terms``, ``delivery_date`` or
    ``lines.<product code>[.<attribute>]``; a product only on one side shows ``-``
    on the other.  ``explanation`` is the reviewer's, once given.
    """

    field: Name
    quote_value: str
    draft_value: str
    explanation: Text = ""


class Differences(ValueObject):
    items: Items[Difference] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(d.field for d in self.items)

    def explained(self, explanations: dict[str, str]) -> Differences:
        return Differences(
            items=tuple(
                d.model_copy(update={"explanation": explanations.get(d.field, "")})
                for d in self.items
            )
        )

    @property
    def unexplained(self) -> Differences:
        return Differences(items=tuple(d for d in self.items if not d.explanation))

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


class ReviewIssues(ValueObject):
    """Issues a sales review found besides differences (e.g. against company policy)."""

    items: Items[NonEmptyStr] = ()


class ApprovalChain(ValueObject):
    """The levels that approve a revision, lowest first, as the authority matrix chose them."""

    levels: Items[Role] = Field(min_length=1)


class Signatory(ValueObject):
    """A person who signs for a party, and the authority under which they sign: the
    customer's signatory (and ours on signings recorded before ADR 48), as free text."""

    name: Name
    """The signatory's name."""
    title: Name
    """The signatory's title."""
    authority: NonEmptyStr
    """What authorises them to sign (power of attorney, position)."""


class OurSignatory(ValueObject):
    """The employee who signs for the company (SOP 2.4.3), under a role whose signing
    authority covers the contract's amount.  ``name`` is the staff register's name for
    them, filled in when the signing is recorded."""

    employee_id: UUID
    """The employee who signs for us."""
    role: Role
    """The role under which they sign; it must have the authority for the amount."""
    name: OptionalName = ""
    """The signatory's name."""

    @property
    def title(self) -> str:
        return self.role.label


class SigningAuthority(ValueObject):
    """The authority our signatory signed under, as the policy gave it on the day:
    their role's limit (``None`` = any amount) against the contract's amount in the
    reporting currency, and the exchange rate it was converted with (``None`` when the
    contract is in the reporting currency)."""

    role: Role
    up_to: Money | None
    judged_amount: Money
    exchange_rate: RateUsed | None
    policy_version: str


Sha256 = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_lower=True, max_length=64, pattern=r"^[0-9a-fA-F]{64}$"
    ),
]


class ArchivedDocument(ValueObject):
    """Where the signed copy is archived, and the SHA-256 of its content."""

    reference: Name
    """Where the signed copy is archived."""
    sha256: Sha256
    """The SHA-256 of the signed copy, in hex."""


def contract_terms(
    base: QuoteTerms,
    *,
    lines: Items[QuoteLine] | None,
    payment_terms: str | None,
    delivery_date: Day | None,
) -> QuoteTerms:
    """``base`` with the given parts replaced (``None`` keeps the base's)."""
    return QuoteTerms(
        lines=base.lines if lines is None else lines,
        payment_terms=base.payment_terms if payment_terms is None else payment_terms,
        delivery_date=base.delivery_date if delivery_date is None else delivery_date,
        valid_until=base.valid_until,
    )


_LINE_ATTRIBUTES = ("product_name", "specification", "quantity", "unit_price")


def differences_between(quote: QuoteTerms, draft: QuoteTerms) -> Differences:
    """Every difference of ``draft`` from the accepted ``quote`` that a customer would see.

    Unit costs are internal and not compared; the quote's validity has no meaning in a
    contract.  Lines are matched by product code.
    """
    found: list[Difference] = []
    if draft.payment_terms != quote.payment_terms:
        found.append(
            Difference(
                field="payment_terms",
                quote_value=quote.payment_terms,
                draft_value=draft.payment_terms,
            )
        )
    if draft.delivery_date != quote.delivery_date:
        found.append(
            Difference(
                field="delivery_date",
                quote_value=str(quote.delivery_date),
                draft_value=str(draft.delivery_date),
            )
        )
    quoted = {line.product_code: line for line in quote.lines}
    drafted = {line.product_code: line for line in draft.lines}
    for code in [*quoted, *(c for c in drafted if c not in quoted)]:
        before, after = quoted.get(code), drafted.get(code)
        if before is None or after is None:
            found.append(
                Difference(
                    field=f"lines.{code}", quote_value=_line(before), draft_value=_line(after)
                )
            )
            continue
        for attribute in _LINE_ATTRIBUTES:
            old, new = getattr(before, attribute), getattr(after, attribute)
            if old != new:
                found.append(
                    Difference(
                        field=f"lines.{code}.{attribute}",
                        quote_value=str(old),
                        draft_value=str(new),
                    )
                )
    return Differences(items=tuple(found))


def _line(line: QuoteLine | None) -> str:
    if line is None:
        return "-"
    return f"{line.quantity} x {line.product_name} ({line.specification}) at {line.unit_price}"
