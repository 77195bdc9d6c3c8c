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
    MarketSize,
    ResearchSubject,
)
from salesdomain.rules.customer_development import (
    COMPETITOR_PRICE_RECORDED_ONCE,
    MARKET_SIZE_RECORDED_ONCE,
    MARKET_SIZES_PER_NOTE,
    RESEARCH_NOTE_RECORDS_MARKET_INFORMATION,
)

MAX_MARKET_SIZES = 200
"""Market sizes one research note records (``market_sizes_per_note``)."""


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
            note.market_sizes = []

    class CompetitorPriceAdded(Event):
        price: CompetitorPrice

        def apply(self, note: MarketResearch) -> None:
            note.competitor_prices.append(self.price)

    class MarketSizeRecorded(Event):
        """The size of a market segment in a period, found by this research (what our
        market share is measured against)."""

        market_size: MarketSize

        def apply(self, note: MarketResearch) -> None:
            note.market_sizes.append(self.market_size)

    if TYPE_CHECKING:
        subject_kind: ResearchSubject
        subject: str
        findings: Findings
        competitor_prices: list[CompetitorPrice]
        market_sizes: list[MarketSize]

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

    def record_market_size(self, evidence: Evidence, market_size: MarketSize) -> None:
        sizes = self.market_sizes
        if len(sizes) >= MAX_MARKET_SIZES:
            raise SopRuleViolation(
                MARKET_SIZES_PER_NOTE, f"the note on {self.subject} has {len(sizes)}"
            )
        key = (market_size.dimension, market_size.segment.casefold(), market_size.period)
        for size in sizes:
            if (size.dimension, size.segment.casefold(), size.period) == key:
                raise SopRuleViolation(
                    MARKET_SIZE_RECORDED_ONCE,
                    f"{market_size.dimension.value} {market_size.segment} in "
                    f"{market_size.period.code}: {size.size} already",
                )
        self._record(self.MarketSizeRecorded, evidence, market_size=market_size)
