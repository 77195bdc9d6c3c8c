"""Read: the sales pipeline (SOP 4.2), its rows (a page at a time), funnel and value by
stage and owner."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict
from salesdomain.adapters.web.context import CurrentReader, ReadCtx
from salesdomain.adapters.web.params import AsOf, Paging, name
from salesdomain.adapters.web.responses import ERROR_RESPONSES
from salesdomain.adapters.web.rows import row_model
from salesdomain.projections.pipeline import (
    FunnelStep,
    PipelineFilter,
    PipelineRow,
    StageOwnerValue,
    pipeline_figures,
    pipeline_page,
)

from salesdomain import clock
from salesdomain.currencies import InReportingCurrency
from salesdomain.opportunities.stages import Stage

router = APIRouter(prefix="/views/pipeline", tags=["views: pipeline"], responses=ERROR_RESPONSES)


@dataclass(frozen=True)
class PipelineFilters:
    """Which opportunities: as they stood at ``as_of`` (default: now), narrowed by owner,
    team, stage, region, industry or whether they were stale then (each optional)."""

    as_of: AsOf = None
    owner_id: UUID | None = None
    team: Annotated[str | None, name("The owner's team")] = None
    stage: Stage | None = None
    region: Annotated[str | None, name("The customer's region")] = None
    industry: Annotated[str | None, name("The customer's industry")] = None
    stale: Annotated[
        bool | None,
        Query(
            description="true: only the deals stale at as_of (open, and past their expected "
            "close or without a contact for the policy's stale_after_days); false: the others"
        ),
    ] = None

    def chosen(self) -> PipelineFilter:
        owner = None if self.owner_id is None else str(self.owner_id)
        return PipelineFilter(
            owner, self.team, self.stage, self.region, self.industry, stale=self.stale
        )


Filters = Annotated[PipelineFilters, Depends()]
if TYPE_CHECKING:  # the same fields, durations in seconds (salesdomain.adapters.web.rows)
    PipelineRowOut = PipelineRow
else:
    PipelineRowOut = row_model(PipelineRow)


class PipelineOut(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    position: int
    """The log position the view shows (every event up to it is counted)."""
    as_of: datetime
    """The moment the pipeline is shown as it stood."""
    rows: list[PipelineRowOut]
    """In the order (``opened_at``, ``opportunity_id``)."""
    next_cursor: str | None
    """For the next page (``cursor=``); ``null``: this is the last page."""


class ForecastMonth(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    month: str
    """The month of expected close (YYYY-MM)."""
    currency: str
    """The currency of the amount."""
    weighted_amount: Decimal
    """Open deals' value expected to close that month, weighted by stage."""


class PipelineSummaryOut(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    position: int
    """The log position the view shows."""
    as_of: datetime
    """The moment the pipeline is shown as it stood."""
    count: int
    """Opportunities in the pipeline."""
    open_count: int
    """Opportunities still open."""
    win_rate: Decimal | None
    """Won divided by won plus lost (docs/kpi.md)."""
    funnel: list[FunnelStep]
    """Deals reaching each stage and the conversion between stages."""
    value_by_stage_and_owner: list[StageOwnerValue]
    """Pipeline value by stage and owner."""
    forecast: list[ForecastMonth]
    """Weighted value expected to close by month."""
    open_weighted: dict[str, Decimal]
    """The open opportunities' weighted amounts, one total per currency."""
    in_reporting_currency: InReportingCurrency
    """``open_weighted`` added up in the reporting currency at the rates in force on
    ``as_of``'s day, converted when read (ADR 48): ``amount`` is ``null`` and ``missing``
    names the currency and day when a rate is missing."""


@router.get("", response_model=PipelineOut)
def pipeline(ctx: ReadCtx, reader: CurrentReader, filters: Filters, page: Paging) -> PipelineOut:
    """The opportunities the reader may see as they stood at ``as_of``: stage, amount,
    weighted amount, expected close, last contact and whether stale then; a page at a
    time, in the order they were opened (follow ``next_cursor`` until it is ``null``)."""
    engine, tables, position = ctx.view("pipeline")
    at = page.at(filters.as_of)
    policy = ctx.system.app.policy
    found = pipeline_page(
        engine,
        tables,
        policy.stage_probability,
        at,
        filters=filters.chosen(),
        reader=reader,
        limit=page.limit,
        cursor=page.cursor,
        stale_after_days=policy.stale_after_days,
    )
    return PipelineOut(
        position=position, as_of=found.at, rows=found.rows, next_cursor=found.next_cursor
    )


@router.get("/summary", response_model=PipelineSummaryOut)
def summary(ctx: ReadCtx, reader: CurrentReader, filters: Filters) -> PipelineSummaryOut:
    """The funnel (how many reached each stage), win rate, value by stage and owner, the
    weighted forecast by expected close month and the open weighted amount per currency
    and in the reporting currency (at the rates in force on ``as_of``'s day), of the
    filtered opportunities (computed in the database: one answer, however many
    opportunities)."""
    engine, tables, position = ctx.view("pipeline")
    at = filters.as_of or clock.now()
    policy = ctx.system.app.policy
    figures = pipeline_figures(
        engine,
        tables,
        policy.stage_probability,
        at,
        filters=filters.chosen(),
        reader=reader,
        stale_after_days=policy.stale_after_days,
    )
    converted = figures.summary(policy.currencies).in_reporting_currency
    assert converted is not None  # the currencies were given
    return PipelineSummaryOut(
        position=position,
        as_of=at,
        count=figures.count,
        open_count=figures.open_count,
        win_rate=figures.win_rate,
        funnel=figures.funnel,
        value_by_stage_and_owner=figures.value_by_stage_and_owner,
        forecast=[
            ForecastMonth(month=month, currency=currency, weighted_amount=value)
            for (month, currency), value in figures.forecast.items()
        ],
        open_weighted=figures.open_weighted,
        in_reporting_currency=converted,
    )
