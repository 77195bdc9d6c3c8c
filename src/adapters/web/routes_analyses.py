"""Read: the customer and loss analyses of a period (SOP 4.2.1; docs/kpi.md, "Customers"
and "Losses"), of what the read policy lets the reader see (ADR 30)."""

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict
from salesdomain.adapters.web.context import CurrentReader, ReadCtx
from salesdomain.adapters.web.params import Since, Until, check_currency, period
from salesdomain.adapters.web.responses import ERROR_RESPONSES
from salesdomain.projections.customers import (
    RANKING_LIMIT,
    CustomerAnalysis,
    CustomerRanking,
    LossAnalysis,
    RankedBy,
    customer_analysis,
    customer_ranking,
    loss_analysis,
)
from salesdomain.projections.prices.summary import CompetitorPricing, pricing_by_competitor

router = APIRouter(prefix="/views", responses=ERROR_RESPONSES)

Limit = Annotated[int, Query(ge=1, le=RANKING_LIMIT, description="Rows listed")]


class CustomerAnalysisOut(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    position: int
    """The log position the customers view shows."""
    analysis: CustomerAnalysis
    """The customer analysis of the period (4.2.1)."""
    ranking: CustomerRanking
    """The customers ranked by revenue or profit."""


class LossesOut(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    position: int
    """The log position the customers view shows (the losses)."""
    prices_position: int
    """The log position the prices view shows (the competitor prices)."""
    losses: LossAnalysis
    """The deals lost in the period, by reason, stage and competitor."""
    pricing: list[CompetitorPricing]
    """Per competitor, its prices observed in the period against our list prices."""


@router.get("/customers/analysis", response_model=CustomerAnalysisOut, tags=["views: customers"])
def customers_analysis(
    ctx: ReadCtx,
    reader: CurrentReader,
    since: Since = None,
    until: Until = None,
    currency: Annotated[
        str | None,
        Query(pattern="^[A-Z]{3}$", description="The ranking's (default: the reporting one)"),
    ] = None,
    by: RankedBy = "revenue",
    limit: Limit = 20,
) -> CustomerAnalysisOut:
    """The customers of the period: number, new and existing, by industry and region,
    active / dormant / lost on its last day, satisfaction, NPS and repeat purchases, and
    the ranking by revenue or profit (one currency) with cumulative share and ABC
    class; of the customers the reader may see."""
    first, last = period(since, until)
    check_currency(currency)
    engine, tables, position = ctx.view("customers")
    policy = ctx.system.app.policy
    code = currency or policy.currencies.reporting_currency
    analysis = customer_analysis(
        engine, tables, since=first, until=last, policy=policy.customers, reader=reader
    )
    ranking = customer_ranking(
        engine,
        tables,
        since=first,
        until=last,
        currency=code,
        by=by,
        policy=policy.customers,
        reader=reader,
        limit=limit,
    )
    return CustomerAnalysisOut(position=position, analysis=analysis, ranking=ranking)


@router.get("/losses", response_model=LossesOut, tags=["views: customers"])
def losses(
    ctx: ReadCtx,
    reader: CurrentReader,
    since: Since = None,
    until: Until = None,
    limit: Limit = 20,
) -> LossesOut:
    """The deals lost in the period by reason, stage reached and competitor, the price
    gap to the competitor's price where it was recorded (of the deals the reader may
    see), and the competitor prices observed against our list prices (the prices
    view, for readers of sales records)."""
    first, last = period(since, until)
    engine, tables, position = ctx.view("customers")
    prices_engine, prices_tables, prices_position = ctx.view("prices")
    return LossesOut(
        position=position,
        prices_position=prices_position,
        losses=loss_analysis(engine, tables, since=first, until=last, reader=reader, limit=limit),
        pricing=pricing_by_competitor(
            prices_engine, prices_tables, since=first, until=last, reader=reader
        ),
    )
