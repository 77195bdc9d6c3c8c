"""Read: KPI tables by period and dimension (SOP 3.3.1, 4.2.1), the audit trail and a
business case's story."""

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict
from salesdomain.adapters.web.context import CurrentReader, ReadCtx
from salesdomain.adapters.web.errors import InvalidQuery
from salesdomain.adapters.web.params import Since, Until, check_currency, moment, period
from salesdomain.adapters.web.responses import ERROR_RESPONSES
from salesdomain.adapters.web.rows import row_model
from salesdomain.projections.audit import STEP_PATTERN, AuditEntry, query_audit
from salesdomain.projections.kpi import (
    Grain,
    GroupBy,
    KpiInReportingCurrency,
    KpiRow,
    MarketBy,
    MarketShare,
    kpi_in_reporting_currency,
    kpi_table,
    market_share,
)
from salesdomain.projections.kpi.groups import grouping
from salesdomain.projections.kpi.periods import PERIOD_LIMIT, count_periods
from salesdomain.projections.story import StoryEntry, case_story

router = APIRouter(prefix="/views", responses=ERROR_RESPONSES)


class KpiOut(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    position: int
    """The log position the KPI view shows."""
    grain: Grain
    """The length of each period: day, week, month, quarter or year."""
    by: GroupBy
    """What the figures are grouped by (representative, team, region, ...)."""
    then_by: GroupBy | None
    """A second grouping, if any."""
    since: date
    """First day covered."""
    until: date
    """Last day covered."""
    rows: list[KpiRow]
    """One row per period and group, per currency (docs/kpi.md)."""
    in_reporting_currency: list[KpiInReportingCurrency]
    """The money of every currency in the reporting currency, each day's sums at that
    day's rate, converted when read (ADR 48)."""


@router.get("/kpi", response_model=KpiOut, tags=["views: KPI"])
def kpi(
    ctx: ReadCtx,
    reader: CurrentReader,
    grain: Grain = "month",
    by: GroupBy = "total",
    then_by: Annotated[
        GroupBy | None,
        Query(description="A second dimension combined with by (not total, not by again)"),
    ] = None,
    since: Since = None,
    until: Until = None,
    currency: Annotated[
        str | None,
        Query(
            pattern="^[A-Z]{3}$",
            description="ISO 4217 code (default: the one currency of the figures, or the "
            "reporting currency if they are in several)",
        ),
    ] = None,
) -> KpiOut:
    """The KPIs of every period of ``grain`` overlapping ``since``..``until`` (at most
    3,660 periods), one row per group ``by`` (rep, team, customer, region, industry,
    product, product_name, specification or total) or, with ``then_by``, per pair of
    groups of the two dimensions, with growth from the previous period and from the same
    period of the previous year, the targets set and their attainment, and the money of
    every currency in the reporting currency (each day's
    sums at that day's rate, ADR 48); of what the read policy lets the reader see
    (ADR 30)."""
    since, until = period(since, until)
    if count_periods(since, until, grain) > PERIOD_LIMIT:
        raise InvalidQuery(
            "until",
            f"{since}..{until} has more than {PERIOD_LIMIT:,} periods of a {grain}: "
            "ask for a shorter span or a longer grain",
        )
    check_currency(currency)
    try:
        grouping(by, then_by)
    except ValueError as error:
        raise InvalidQuery("then_by", str(error)) from None
    engine, tables, position = ctx.view("kpi")
    currencies = ctx.system.app.policy.currencies
    asked: dict[str, Any] = {"grain": grain, "by": by, "since": since, "until": until}
    asked["then_by"] = then_by
    rows = kpi_table(
        engine,
        tables,
        **asked,
        currency=currency,
        reader=reader,
        several=currencies.reporting_currency,
    )
    converted = kpi_in_reporting_currency(
        engine, tables, **asked, currencies=currencies, reader=reader
    )
    return KpiOut(
        position=position,
        grain=grain,
        by=by,
        then_by=then_by,
        since=since,
        until=until,
        rows=rows,
        in_reporting_currency=converted,
    )


class MarketShareOut(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    position: int
    """The log position the view shows."""
    by: MarketBy
    """How the market is cut: by region, industry or product."""
    since: date
    """First day covered."""
    until: date
    """Last day covered."""
    rows: list[MarketShare]
    """Our revenue against each market size recorded (4.2.1)."""


@router.get("/kpi/market-share", response_model=MarketShareOut, tags=["views: KPI"])
def kpi_market_share(
    ctx: ReadCtx,
    reader: CurrentReader,
    by: MarketBy = "region",
    since: Since = None,
    until: Until = None,
) -> MarketShareOut:
    """Market share (SOP 2.1.1, 4.2.1): for each region, industry or product segment
    market research sized for a period overlapping ``since``..``until``, our revenue in
    that period and segment (in the size's currency) against the latest size recorded,
    with the research note it came from; the revenue of the representatives the read
    policy lets the reader see (ADR 30)."""
    since, until = period(since, until)
    engine, tables, position = ctx.view("kpi")
    rows = market_share(engine, tables, by=by, since=since, until=until, reader=reader)
    return MarketShareOut(position=position, by=by, since=since, until=until, rows=rows)


class AuditOut(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    position: int
    """The log position the audit trail shows."""
    entries: list[AuditEntry]
    """The steps recorded, oldest first."""


@router.get("/audit", response_model=AuditOut, tags=["views: audit trail"])
def audit(
    ctx: ReadCtx,
    reader: CurrentReader,
    aggregate_id: Annotated[UUID | None, Query(description="One record")] = None,
    actor_id: Annotated[UUID | None, Query(description="One employee")] = None,
    sop_step: Annotated[
        str | None,
        Query(max_length=16, pattern=STEP_PATTERN, description='A step or section: "2.3"'),
    ] = None,
    correlation_id: Annotated[UUID | None, Query(description="One business case")] = None,
    since: Annotated[AwareDatetime | None, moment("From (included)")] = None,
    until: Annotated[AwareDatetime | None, moment("To (excluded)")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> AuditOut:
    """Who did which SOP step, when, under which command, in log order: the steps on
    records the read policy lets the reader see, with confidential figures (pay,
    appraisals) left out of lines they may not read (ADR 30)."""
    engine, tables, position = ctx.view("audit")
    entries = query_audit(
        engine,
        tables["entries"],
        actor_id=actor_id,
        sop_step=sop_step,
        aggregate_id=aggregate_id,
        correlation_id=correlation_id,
        since=since,
        until=until,
        limit=limit,
        reader=reader,
        log=ctx.system.views.log,
    )
    return AuditOut(position=position, entries=list(entries))


if TYPE_CHECKING:
    StoryEntryOut = StoryEntry
else:  # a model, so that the fields it inherits from AuditEntry keep their descriptions
    StoryEntryOut = row_model(StoryEntry)


class StoryOut(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    position: int
    """The last log position the story covers."""
    case_id: UUID
    """The business case (correlation id)."""
    customer_id: UUID | None
    """The customer the case is with."""
    entries: list[StoryEntryOut]
    """The case's steps in the order recorded."""


@router.get("/story/{case_id}", response_model=StoryOut, tags=["views: audit trail"])
def story(ctx: ReadCtx, reader: CurrentReader, case_id: UUID) -> StoryOut:
    """A business case's story (its opportunity's id, or correlation id), from the
    customer's screening to after-sales, in log order, each entry marked ``case`` or
    ``customer``: the entries the read policy lets the reader see (ADR 30), as the audit
    trail shows them; 404 for a case no event names or of which the reader sees nothing."""
    ctx.view("audit")  # as it stands, or as of X-Salesdomain-After; a stop is named (503)
    told = case_story(ctx.system.app, ctx.system.views, case_id, catch_up=False, reader=reader)
    return StoryOut(
        position=told.position,
        case_id=told.case_id,
        customer_id=told.customer_id,
        entries=list(told.entries),
    )
