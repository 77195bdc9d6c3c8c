"""One line per customer-development event, in the SOP's words."""

from __future__ import annotations

from salesdomain.labels import words
from salesdomain.narrative import Describer, money

DESCRIPTIONS: dict[str, Describer] = {
    "Customer.Registered": lambda e: (
        f"Prospect {e.company_name} ({e.region}, {e.industry}) registered from "
        f"{words(e.source_channel)}"
    ),
    "Customer.ContactPersonAdded": lambda e: f"Contact person {e.person.name} added",
    "Customer.ContactPersonForgotten": lambda e: (
        f"Personal data of contact person {str(e.subject_id)[:8]} forgotten on request "
        f"of {e.requested_by}: {e.reason}"
    ),
    "Customer.Assessed": lambda e: (
        f"Assessed: need intent {e.assessment.need_intent.value}, purchasing power "
        f"{e.assessment.purchasing_power.value}; decides: {e.assessment.decision_process}"
    ),
    "Customer.Qualified": lambda e: f"Qualified: {e.reason}",
    "Customer.Disqualified": lambda e: f"Disqualified: {e.reason}",
    "Customer.DetailsCorrected": lambda e: (
        f"Details corrected to {e.company_name} ({e.region}, {e.industry}): {e.reason}"
    ),
    "Customer.Deactivated": lambda e: f"Deactivated: {e.reason}",
    "Customer.Reactivated": lambda e: f"Reactivated: {e.reason}",
    "Customer.MergedInto": lambda e: (
        f"Merged into {e.survivor_name} ({str(e.survivor_id)[:8]}), the same company: {e.reason}"
    ),
    "Customer.Absorbed": lambda e: (
        f"Absorbed {e.duplicate_name} ({str(e.duplicate_id)[:8]}), the same company: {e.reason}"
    ),
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
        f"Competitor price: {e.price.competitor} {e.price.product_code} at {money(e.price.price)}"
    ),
    "MarketResearch.MarketSizeRecorded": lambda e: (
        f"Market size of {e.market_size.dimension.value} '{e.market_size.segment}' in "
        f"{e.market_size.period.code}: {money(e.market_size.size)}"
    ),
}
