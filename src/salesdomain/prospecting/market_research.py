"""Market research notes (SOP 2.1.1): market information that feeds pricing (2.3.2)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.errors import SopRuleViolation
from salesdomain.facts import happened_by
from salesdomain.prospecting.values import (
    CompetitorPrice,
    CompetitorPrices,
    Findings,
    ResearchSubject,
)
from salesdomain.rules.customer_development import (
    COMPETITOR_PRICE_RECORDED_ONCE,
    RESEARCH_NOTE_RECORDS_MARKET_INFORMATION,
)


class MarketResearch(SopAggregate):
    class Event(SopAggregate.Event):
        SOP_STEP = "2.1.1"

    class Recorded(Event, SopAggregate.Created):
        subject_kind: ResearchSubject
        subject: str
        findings: Findings
        competitor_prices: CompetitorPrices

        def apply(self, note: MarketResearch) -> None:
            note.subject_kind = self.subject_kind
            note.subject = self.subject
            note.findings = self.findings
            note.competitor_prices = list(self.competitor_prices.prices)

    class CompetitorPriceAdded(Event):
        price: CompetitorPrice

        def apply(self, note: MarketResearch) -> None:
            note.competitor_prices.append(self.price)

    if TYPE_CHECKING:
        subject_kind: ResearchSubject
        subject: str
        findings: Findings
        competitor_prices: list[CompetitorPrice]

    @classmethod
    def record(
        cls,
        evidence: Evidence,
        *,
        note_id: UUID,
        subject_kind: ResearchSubject,
        subject: str,
        findings: Findings,
        competitor_prices: CompetitorPrices,
        today: date,
    ) -> MarketResearch:
        for price in competitor_prices.prices:
            happened_by(today, "2.1.1", observed_on=price.observed_on)
        if findings.is_empty and not competitor_prices.prices:
            raise SopRuleViolation(
                RESEARCH_NOTE_RECORDS_MARKET_INFORMATION, f"the note on {subject} has none"
            )
        return cls._start(
            cls.Recorded,
            evidence,
            id=note_id,
            subject_kind=subject_kind,
            subject=subject,
            findings=findings,
            competitor_prices=competitor_prices,
        )

    def add_competitor_price(
        self, evidence: Evidence, price: CompetitorPrice, *, today: date
    ) -> None:
        happened_by(today, "2.1.1", observed_on=price.observed_on)
        if price in self.competitor_prices:
            raise SopRuleViolation(
                COMPETITOR_PRICE_RECORDED_ONCE,
                f"{price.competitor} {price.product_code} on {price.observed_on}",
            )
        self._record(self.CompetitorPriceAdded, evidence, price=price)
