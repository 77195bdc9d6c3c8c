"""Read: the sales pipeline (SOP 4.2), its rows, funnel and value by stage and owner."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from salesdomain.adapters.web.context import CurrentReader, ReadCtx
from salesdomain.adapters.web.params import AsOf, name
from salesdomain.adapters.web.responses import ERROR_RESPONSES
from salesdomain.adapters.web.rows import row_model
from salesdomain.projections.pipeline import (
    FunnelStep,
    PipelineRow,
    forecast_by_month,
    funnel,
    pipeline_as_of,
    win_rate,
)

from salesdomain import clock
from salesdomain.access import Reader
from salesdomain.opportunities.stages import Stage

router = APIRouter(prefix="/views/pipeline", tags=["views: pipeline"], responses=ERROR_RESPONSES)


@dataclass(frozen=True)
class PipelineFilters:
    """Which opportunities: as they stood at ``as_of`` (default: now), narrowed by owner,
    team, stage, region or industry (each optional)."""

    as_of: AsOf = None
    owner_id: UUID | None = None
    team: Annotated[str | None, name("The owner's team")] = None
    stage: Stage | None = None
    region: Annotated[str | None, name("The customer's region")] = None
    industry: Annotated[str | None, name("The customer's industry")] = None

    def keep(self, row: PipelineRow) -> bool:
        wanted = {
            "owner_id": None if self.owner_id is None else str(self.owner_id),
            "team": self.team,
            "stage": self.stage,
            "region": self.region,
            "industry": self.industry,
        }
        return all(value is None or getattr(row, key) == value for key, value in wanted.items())


Filters = Annotated[PipelineFilters, Depends()]
if TYPE_CHECKING:  # the same fields, durations in seconds (salesdomain.adapters.web.rows)
    PipelineRowOut = PipelineRow
else:
    PipelineRowOut = row_model(PipelineRow)


class PipelineOut(BaseModel):
    position: int
    """The log position the view shows (every event up to it is counted)."""
    as_of: datetime
    rows: list[PipelineRowOut]


class StageOwnerValue(BaseModel):
    stage: Stage
    owner_id: str
    owner_name: str
    count: int
    amount: Decimal
    weighted_amount: Decimal
    currency: str


class ForecastMonth(BaseModel):
    month: str
    currency: str
    weighted_amount: Decimal


class PipelineSummaryOut(BaseModel):
    position: int
    as_of: datetime
    count: int
    open_count: int
    win_rate: Decimal | None
    funnel: list[FunnelStep]
    value_by_stage_and_owner: list[StageOwnerValue]
    forecast: list[ForecastMonth]


@dataclass(frozen=True)
class _Selection:
    position: int
    as_of: datetime
    rows: list[PipelineRowOut]


def _select(ctx: ReadCtx, reader: Reader, filters: PipelineFilters) -> _Selection:
    engine, tables, position = ctx.view("pipeline")
    at = filters.as_of or clock.now()
    probabilities = ctx.system.app.policy.stage_probability
    rows = [
        r
        for r in pipeline_as_of(engine, tables, probabilities, at, reader=reader)
        if filters.keep(r)
    ]
    return _Selection(position, at, rows)


@router.get("", response_model=PipelineOut)
def pipeline(ctx: ReadCtx, reader: CurrentReader, filters: Filters) -> PipelineOut:
    """Every opportunity the reader may see as it stood at ``as_of``: stage, amount,
    weighted amount."""
    chosen = _select(ctx, reader, filters)
    return PipelineOut(position=chosen.position, as_of=chosen.as_of, rows=chosen.rows)


@router.get("/summary", response_model=PipelineSummaryOut)
def summary(ctx: ReadCtx, reader: CurrentReader, filters: Filters) -> PipelineSummaryOut:
    """The funnel (how many reached each stage), win rate, value by stage and owner, and
    the weighted forecast by expected close month, of the filtered opportunities."""
    chosen = _select(ctx, reader, filters)
    rows = chosen.rows
    groups: dict[tuple[Stage, str, str, str], list[PipelineRow]] = defaultdict(list)
    for row in rows:
        groups[(row.stage, row.owner_id, row.owner_name, row.currency)].append(row)
    return PipelineSummaryOut(
        position=chosen.position,
        as_of=chosen.as_of,
        count=len(rows),
        open_count=sum(1 for row in rows if row.stage.is_open),
        win_rate=win_rate(rows),
        funnel=funnel(rows),
        value_by_stage_and_owner=[
            StageOwnerValue(
                stage=stage,
                owner_id=owner_id,
                owner_name=owner_name,
                count=len(members),
                amount=sum((m.amount for m in members), Decimal(0)),
                weighted_amount=sum((m.weighted_amount for m in members), Decimal(0)),
                currency=currency,
            )
            for (stage, owner_id, owner_name, currency), members in sorted(
                groups.items(), key=lambda item: (item[0][2], item[0][0].value)
            )
        ],
        forecast=[
            ForecastMonth(month=month, currency=currency, weighted_amount=value)
            for (month, currency), value in forecast_by_month(rows).items()
        ],
    )
