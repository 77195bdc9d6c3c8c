"""Work-queue items from the pipeline view (SOP 2.1.3-2.3.3): quotes about to expire
and deals without contact (stale by ADR 47's rule), as they stood at the moment read.
A quote's validity is what the conformance view remembers of its opportunity."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from salesdomain.projections.conformance.view.rows import breached_after
from salesdomain.projections.pipeline.queries import PipelineFilter, PipelineRow, iter_pipeline
from salesdomain.projections.workqueue.items import DueItem, ItemKind, timing
from sqlalchemy import Engine, Table

from salesdomain.opportunities.stages import Stage

QUOTED = (Stage.QUOTED, Stage.NEGOTIATION)
MemosOf = Callable[[Iterable[UUID]], Mapping[UUID, Any]]


def _item(
    row: PipelineRow, kind: ItemKind, at: datetime, due: date, step: str, command: str
) -> DueItem:
    overdue, left = timing(due, at)
    return DueItem(
        kind=kind,
        sop_step=row.stage.sop_step,
        step=step,
        record_kind="opportunity",
        record_id=row.opportunity_id,
        record=f"{row.title} ({row.customer_name})",
        case_id=None,
        due=due,
        overdue=overdue,
        seconds_left=left,
        responsible=row.owner_name,
        responsible_id=row.owner_id,
        responsible_team=row.team or "",
        next_command=command,
    )


def deal_items(
    engine: Engine,
    tables: Mapping[str, Table],
    probabilities: Mapping[Stage, Decimal],
    owner: str,
    at: datetime,
    memos_of: MemosOf,
    *,
    stale_after_days: int,
    quotes_within: timedelta,
) -> list[DueItem]:
    """The owner's quotes that expire within ``quotes_within`` of ``at`` (or have
    expired on a deal still open), and their deals stale at ``at``."""
    found: list[DueItem] = []
    quoted = [
        row
        for stage in QUOTED
        for row in iter_pipeline(
            engine,
            tables,
            probabilities,
            at,
            filters=PipelineFilter(owner_id=owner, stage=stage),
            stale_after_days=stale_after_days,
        )
    ]
    memos = memos_of(UUID(row.opportunity_id) for row in quoted)
    for row in quoted:
        validity = memos.get(UUID(row.opportunity_id), {}).get("valid_until", {})
        if not validity:
            continue
        latest = validity[max(validity)]
        if breached_after(latest) <= at + quotes_within:
            found.append(
                _item(
                    row,
                    ItemKind.QUOTE_EXPIRING,
                    at,
                    latest,
                    "get the quote accepted while valid, or revise it",
                    "AcceptQuote, or IssueQuote (a revised quote), or MarkOpportunityLost",
                )
            )
    stale = PipelineFilter(owner_id=owner, stale=True)
    for row in iter_pipeline(
        engine, tables, probabilities, at, filters=stale, stale_after_days=stale_after_days
    ):
        today = at.astimezone(UTC).date()
        if row.expected_close < today:
            found.append(
                _item(
                    row,
                    ItemKind.STALE_DEAL,
                    at,
                    row.expected_close,
                    "the expected close has passed: move it or close the deal",
                    "ReviseExpectedClose or MarkOpportunityLost",
                )
            )
            continue
        since = row.last_contact_on or row.opened_at.astimezone(UTC).date()
        found.append(
            _item(
                row,
                ItemKind.STALE_DEAL,
                at,
                since + timedelta(days=stale_after_days),
                f"contact the customer (none for more than {stale_after_days} days)",
                "LogContact",
            )
        )
    return found
