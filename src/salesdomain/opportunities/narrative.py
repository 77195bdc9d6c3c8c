"""One line per opportunity event, in the SOP's words."""

from __future__ import annotations

from salesdomain.labels import words
from salesdomain.narrative import Describer, if_given, money, pct
from salesdomain.opportunities.values import AdHocLines, PricingResearch


def _ad_hoc(lines: AdHocLines | None) -> str:
    """How the quote's lines were priced (nothing said of one quoted before the
    catalogue: every line typed in)."""
    if lines is None:
        return ""
    if not lines.products:
        return "; priced from the catalogue"
    return f"; ad-hoc line(s), not from the catalogue: {', '.join(lines.products)}"


def _research(research: PricingResearch | None) -> str:
    if research is None:
        return ""
    prices = "; ".join(
        f"{p.competitor} {p.product_code} at {money(p.price)} on {p.observed_on}"
        for p in research.competitor_prices
    )
    return f"; cites market research on {research.subject}" + if_given(prices, " ({})")


DESCRIPTIONS: dict[str, Describer] = {
    "Opportunity.Opened": lambda e: (
        f"Opportunity '{e.title}' opened for {e.customer_name}, estimated "
        f"{money(e.estimated_value)}"
    ),
    "Opportunity.ContactLogged": lambda e: (
        f"{words(e.contact.channel).capitalize()} on {e.contact.occurred_on} "
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
        f"{words(e.department).capitalize()} "
        f"{'confirmed the solution feasible' if e.feasible else 'found the solution not feasible'}"
        + if_given(e.remarks)
    ),
    "Opportunity.SolutionPresented": lambda e: (
        f"Solution presented ({', '.join(e.presentation.formats)})"
    ),
    "Opportunity.SolutionAcknowledged": lambda e: f"Solution acknowledged by {e.acknowledged_by}",
    "Opportunity.QuoteIssued": lambda e: (
        f"Quote v{e.quote_version} issued: {money(e.amount)}, margin {pct(e.margin)}"
        + (f", discount {pct(e.discount)}" if e.discount else "")
        + (f", supersedes v{e.supersedes}" if e.supersedes else "")
        + (f", under approval #{e.approval}" if e.approval else "")
        + f", valid until {e.terms.valid_until}"
        + _ad_hoc(e.ad_hoc_lines)
        + if_given(e.pricing_basis, "; priced on: {}")
        + _research(e.pricing_research)
    ),
    "Opportunity.NegotiationRoundRecorded": lambda e: (
        f"Negotiation round {e.round_number}: customer: {e.negotiation.customer_position}; "
        f"we: {e.negotiation.our_response}"
    ),
    "Opportunity.DiscountApprovalRequested": lambda e: (
        f"Approval #{e.request_number} requested for discount {pct(e.discount)}, margin "
        f"{pct(e.margin)}: {e.justification}"
    ),
    "Opportunity.DiscountApproved": lambda e: (
        f"Discount approval #{e.request_number} granted" + if_given(e.comments)
    ),
    "Opportunity.DiscountRejected": lambda e: (
        f"Discount approval #{e.request_number} refused: {e.comments}"
    ),
    "Opportunity.QuoteAccepted": lambda e: (
        f"Quote v{e.quote_version} accepted by {e.accepted_by}: won, {money(e.amount)}"
    ),
    "Opportunity.ExpectedCloseRevised": lambda e: (
        f"Expected close moved from {e.previous} to {e.expected_close}: {e.reason}"
    ),
    "Opportunity.EstimatedValueRevised": lambda e: (
        f"Estimate revised from {money(e.previous)} to {money(e.estimated_value)}: {e.reason}"
    ),
    "Opportunity.ForecastCategorised": lambda e: (
        f"Forecast category set from {e.previous.label} to {e.category.label}"
        + if_given(e.reason, ": {}")
    ),
    "Opportunity.ForecastReviewed": lambda e: (
        (
            f"Forecast category {e.category.label} confirmed by the owner's manager"
            if e.category is e.previous
            else f"Forecast category changed by the owner's manager from {e.previous.label} to "
            f"{e.category.label}"
        )
        + if_given(e.reason, ": {}")
    ),
    "Opportunity.Lost": lambda e: (
        f"Lost at {words(e.stage_reached)}: {e.reason}"
        + if_given(e.competitor, " (to {})")
        + ("" if e.competitor_price is None else f", their price {money(e.competitor_price)}")
        + ("" if e.last_quote is None else f" against our {money(e.last_quote)}")
    ),
}
