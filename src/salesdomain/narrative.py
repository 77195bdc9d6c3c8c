"""One line per event, in the SOP's words, for histories and the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from salesdomain.values import Money

Describer = Callable[[Any], str]


def _pct(value: Any) -> str:
    return f"{value * 100:.1f}%"


def _money(value: Money) -> str:
    return str(value)


DESCRIPTIONS: dict[str, Describer] = {
    "Customer.Registered": lambda e: (
        f"Prospect {e.company_name} ({e.region}, {e.industry}) registered from "
        f"{e.source_channel.value.replace('_', ' ')}"
    ),
    "Customer.ContactPersonAdded": lambda e: f"Contact person {e.person.name} added",
    "Customer.Assessed": lambda e: (
        f"Assessed: need intent {e.assessment.need_intent.value}, purchasing power "
        f"{e.assessment.purchasing_power.value}; decides: {e.assessment.decision_process}"
    ),
    "Customer.Qualified": lambda e: f"Qualified: {e.reason}",
    "Customer.Disqualified": lambda e: f"Disqualified: {e.reason}",
    "CustomerNameClaim.Claimed": lambda e: f"Company name of {e.company_name} reserved",
    "MarketResearch.Recorded": lambda e: (
        f"Market research on {e.subject_kind.value} '{e.subject}' recorded"
        + (
            f" with {len(e.competitor_prices.prices)} competitor price(s)"
            if e.competitor_prices.prices
            else ""
        )
    ),
    "MarketResearch.CompetitorPriceAdded": lambda e: (
        f"Competitor price: {e.price.competitor} {e.price.product_code} at {_money(e.price.price)}"
    ),
    "Opportunity.Opened": lambda e: (
        f"Opportunity '{e.title}' opened for {e.customer_name}, estimated "
        f"{_money(e.estimated_value)}"
    ),
    "Opportunity.ContactLogged": lambda e: (
        f"{e.contact.channel.value.replace('_', ' ').capitalize()} on {e.contact.occurred_on} "
        f"with {', '.join(e.contact.participants)}: {e.contact.notes}"
    ),
    "Opportunity.NeedsDiscovered": lambda e: (
        f"{len(e.discovery.needs)} need(s) recorded; decision: {e.discovery.decision_mechanism}"
    ),
    "Opportunity.NeedsPrioritised": lambda e: (
        "Needs prioritised; key: " + ", ".join(p.code for p in e.prioritisation.priorities if p.key)
    ),
    "Opportunity.SolutionDesigned": lambda e: f"Solution designed: {e.solution.content}",
    "Opportunity.FeasibilityConfirmed": lambda e: (
        f"{e.department.value.replace('_', ' ').capitalize()} "
        f"{'confirmed the solution feasible' if e.feasible else 'found the solution not feasible'}"
        + (f": {e.remarks}" if e.remarks else "")
    ),
    "Opportunity.SolutionPresented": lambda e: (
        f"Solution presented ({', '.join(e.presentation.formats)})"
    ),
    "Opportunity.SolutionAcknowledged": lambda e: f"Solution acknowledged by {e.acknowledged_by}",
    "Opportunity.QuoteIssued": lambda e: (
        f"Quote v{e.quote_version} issued: {_money(e.amount)}, margin {_pct(e.margin)}"
        + (f", discount {_pct(e.discount)}" if e.discount else "")
        + (f", supersedes v{e.supersedes}" if e.supersedes else "")
        + (f", under approval #{e.approval}" if e.approval else "")
        + f", valid until {e.terms.valid_until}"
    ),
    "Opportunity.NegotiationRoundRecorded": lambda e: (
        f"Negotiation round {e.round_number}: customer: {e.negotiation.customer_position}; "
        f"we: {e.negotiation.our_response}"
    ),
    "Opportunity.DiscountApprovalRequested": lambda e: (
        f"Approval #{e.request_number} requested for discount {_pct(e.discount)}, margin "
        f"{_pct(e.margin)}: {e.justification}"
    ),
    "Opportunity.DiscountApproved": lambda e: (
        f"Discount approval #{e.request_number} granted" + (f": {e.comments}" if e.comments else "")
    ),
    "Opportunity.DiscountRejected": lambda e: (
        f"Discount approval #{e.request_number} refused: {e.comments}"
    ),
    "Opportunity.QuoteAccepted": lambda e: (
        f"Quote v{e.quote_version} accepted by {e.accepted_by}: won, {_money(e.amount)}"
    ),
    "Opportunity.Lost": lambda e: (
        f"Lost at {e.stage_reached.value.replace('_', ' ')}: {e.reason}"
        + (f" (to {e.competitor})" if e.competitor else "")
    ),
}


def describe(event: Any) -> str:
    """What happened, in one line a sales manager understands."""
    describer = DESCRIPTIONS.get(type(event).__qualname__)
    if describer is None:
        return type(event).__qualname__.replace(".", ": ")
    return describer(event)
