"""Discount approvals as the opportunity holds them (SOP 2.3.3).

Each discount request is numbered within its opportunity (#1, #2, ...), and that number
is the approval id a quote names (``IssueQuote.approval_id``).  A granted approval binds
the priced lines it approved: product, name, specification, quantity, unit price and unit
cost, from which the discount and the margin are computed; in any order.  It does not
bind the terms it did not price: the same lines quoted on another day, with another
validity, payment or delivery, are covered.  It covers one quote.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any
from uuid import UUID

from salesdomain.errors import SopRuleViolation
from salesdomain.opportunities.values import QuoteLine, QuoteTerms
from salesdomain.rules.quotation import (
    APPROVAL_COVERS_ONE_QUOTE,
    APPROVAL_FOR_THE_PRICED_LINES,
    APPROVAL_GRANTED,
    APPROVAL_OF_THIS_OPPORTUNITY,
)


class Decision(StrEnum):
    PENDING = "awaits a decision"
    GRANTED = "was granted"
    REFUSED = "was refused"


@dataclass(frozen=True)
class DiscountApproval:
    """A discount request and what became of it (state, not an event)."""

    number: int
    terms: QuoteTerms
    """The terms as requested; of these the approval binds the lines."""
    requested_by: UUID
    decision: Decision = Decision.PENDING
    quoted_in: int | None = None
    """The version of the quote issued under it, once one is."""

    def covers(self, lines: tuple[QuoteLine, ...]) -> bool:
        return same_priced_lines(self.terms.lines, lines)


def same_priced_lines(approved: tuple[QuoteLine, ...], quoted: tuple[QuoteLine, ...]) -> bool:
    """Whether ``quoted`` are the priced lines ``approved``, in any order."""
    return _by_product(approved) == _by_product(quoted)


def change(approvals: dict[int, DiscountApproval], number: int, **changes: Any) -> None:
    """#``number`` of ``approvals`` changed in place (evolve: a number not there changes
    nothing)."""
    if number in approvals:
        approvals[number] = replace(approvals[number], **changes)


def check_approval(
    approvals: dict[int, DiscountApproval], number: int, lines: tuple[QuoteLine, ...]
) -> None:
    """A quote of ``lines`` may be issued under approval #``number``; else the rule of
    2.3.3 it would break."""
    approval = approvals.get(number)
    if approval is None:
        raise SopRuleViolation(
            APPROVAL_OF_THIS_OPPORTUNITY,
            f"this opportunity has no discount approval #{number}",
        )
    if approval.decision is not Decision.GRANTED:
        raise SopRuleViolation(
            APPROVAL_GRANTED,
            f"discount approval #{number} {approval.decision.value}",
        )
    if approval.quoted_in is not None:
        raise SopRuleViolation(
            APPROVAL_COVERS_ONE_QUOTE,
            f"discount approval #{number} was used by quote version {approval.quoted_in}",
        )
    if not approval.covers(lines):
        approved, quoted = _by_product(approval.terms.lines), _by_product(lines)
        raise SopRuleViolation(
            APPROVAL_FOR_THE_PRICED_LINES,
            f"discount approval #{number}: "
            + "; ".join(
                f"{what}: {_lines(these, other)}"
                for what, these, other in (
                    ("approved, not quoted", approved, quoted),
                    ("quoted, not approved", quoted, approved),
                )
                if _lines(these, other)
            ),
        )


def covering(approvals: dict[int, DiscountApproval], lines: tuple[QuoteLine, ...]) -> list[int]:
    """The granted, unused approvals whose priced lines are ``lines``."""
    return [
        a.number
        for a in approvals.values()
        if a.decision is Decision.GRANTED and a.quoted_in is None and a.covers(lines)
    ]


def _by_product(lines: tuple[QuoteLine, ...]) -> dict[str, QuoteLine]:
    return {line.product_code: line for line in lines}


def _lines(these: dict[str, QuoteLine], other: dict[str, QuoteLine]) -> str:
    """The lines of ``these`` that ``other`` does not have, in words."""
    return ", ".join(
        f"{line.product_code} {line.product_name} ({line.specification}) {line.quantity} "
        f"at {line.unit_price}, cost {line.unit_cost}"
        for code, line in these.items()
        if other.get(code) != line
    )
