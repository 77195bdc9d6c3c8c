"""What each event changes, market research (SOP 2.1.1): the market sizes recorded and
the notes they come from, what market share is measured against (``market``)."""

from __future__ import annotations

from salesdomain.projections.changes import Insert, RowChange, Upsert
from salesdomain.projections.dispatch import Handlers

from salesdomain.prospecting.market_research import MarketResearch

HANDLERS = Handlers[RowChange]()


@HANDLERS.on(MarketResearch.Recorded)
def _note(event: MarketResearch.Recorded, position: int) -> list[RowChange]:
    """The note a market size comes from: its subject, for the share's source."""
    return [
        Upsert(
            "research_notes",
            {"note_id": str(event.originator_id)},
            {"subject_kind": event.subject_kind.value, "subject": event.subject},
        )
    ]


@HANDLERS.on(MarketResearch.MarketSizeRecorded)
def _sized(event: MarketResearch.MarketSizeRecorded, position: int) -> list[RowChange]:
    size = event.market_size
    row = {
        "position": position,
        "note_id": str(event.originator_id),
        "dimension": size.dimension.value,
        "segment": size.segment,
        "period": size.period.code,
        "size": size.size.amount,
        "currency": size.size.currency,
        "recorded_at": event.timestamp,
    }
    return [Insert("market_sizes", row)]
