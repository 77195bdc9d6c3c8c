"""The pipeline (SOP 4.2): every opportunity with its stage, amount and history.

Tables: ``opportunities`` (the current row per opportunity), ``stages`` (one row per
stage entered, for time in stage, the funnel and the past) and ``amounts`` (one row
per change of amount, for the pipeline as it stood at any past time).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    select,
)
from sqlalchemy.engine import Engine

from projections.changes import Insert, RowChange, Update, Upsert
from projections.projection import Projection, event_name
from projections.types import UtcDateTime
from salesdomain.opportunities.stages import Stage

FUNNEL = (
    Stage.CONTACT,
    Stage.NEEDS_ANALYSIS,
    Stage.SOLUTION_DESIGN,
    Stage.SOLUTION_PRESENTED,
    Stage.QUOTED,
    Stage.NEGOTIATION,
    Stage.WON,
)


def _stage_entered(event: Any) -> Stage | None:
    """The stage an opportunity event moves the opportunity into, if any."""
    name = event_name(event)
    if name == "Opportunity.Opened":
        return Stage.CONTACT
    if name == "Opportunity.NeedsDiscovered":
        return Stage.NEEDS_ANALYSIS
    if name == "Opportunity.SolutionDesigned":
        return Stage.SOLUTION_DESIGN
    if name == "Opportunity.SolutionPresented":
        return Stage.SOLUTION_PRESENTED
    if name == "Opportunity.QuoteIssued" and event.supersedes is None:
        return Stage.QUOTED
    if name == "Opportunity.NegotiationRoundRecorded" and event.round_number == 1:
        return Stage.NEGOTIATION
    if name == "Opportunity.QuoteAccepted":
        return Stage.WON
    if name == "Opportunity.Lost":
        return Stage.LOST
    return None


class Pipeline(Projection):
    name = "pipeline"

    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        opportunities = Table(
            f"{prefix}opportunities",
            metadata,
            Column("opportunity_id", String(36), primary_key=True),
            Column("title", String(300), nullable=False),
            Column("customer_id", String(36), nullable=False),
            Column("customer_name", String(300), nullable=False),
            Column("region", String(100), nullable=False),
            Column("industry", String(100), nullable=False),
            Column("owner_id", String(36), nullable=False),
            Column("owner_name", String(200), nullable=False),
            Column("stage", String(30), nullable=False),
            Column("amount", Numeric(18, 2), nullable=False),
            Column("currency", String(3), nullable=False),
            Column("quote_version", Integer),
            Column("opened_at", UtcDateTime, nullable=False),
            Column("expected_close", Date, nullable=False),
            Column("stage_entered_at", UtcDateTime, nullable=False),
            Column("closed_at", UtcDateTime),
            Column("lost_reason", Text),
            Column("competitor", String(200)),
        )
        stages = Table(
            f"{prefix}stages",
            metadata,
            Column("position", Integer, primary_key=True),
            Column("opportunity_id", String(36), nullable=False),
            Column("stage", String(30), nullable=False),
            Column("entered_at", UtcDateTime, nullable=False),
        )
        amounts = Table(
            f"{prefix}amounts",
            metadata,
            Column("position", Integer, primary_key=True),
            Column("opportunity_id", String(36), nullable=False),
            Column("amount", Numeric(18, 2), nullable=False),
            Column("currency", String(3), nullable=False),
            Column("at", UtcDateTime, nullable=False),
        )
        owners = Table(
            f"{prefix}owners",
            metadata,
            Column("employee_id", String(36), primary_key=True),
            Column("team", String(200), nullable=False),
        )
        Index(f"{prefix}stages_by_opportunity", stages.c.opportunity_id, stages.c.position)
        Index(f"{prefix}amounts_by_opportunity", amounts.c.opportunity_id, amounts.c.position)
        return {
            "opportunities": opportunities,
            "stages": stages,
            "amounts": amounts,
            "owners": owners,
        }

    def changes(self, event: Any, position: int) -> list[RowChange]:
        name = event_name(event)
        if name in ("Employee.Hired", "Employee.Enrolled", "Employee.TeamChanged"):
            # Teams of the people who own opportunities (the team an opportunity counts for).
            return [
                Upsert("owners", {"employee_id": str(event.originator_id)}, {"team": event.team})
            ]
        if not name.startswith("Opportunity."):
            return []
        key = {"opportunity_id": str(event.originator_id)}
        at = event.timestamp
        changes: list[RowChange] = []
        if name == "Opportunity.Opened":
            value = event.estimated_value
            changes.append(
                Upsert(
                    "opportunities",
                    key,
                    {
                        "title": event.title,
                        "customer_id": str(event.customer_id),
                        "customer_name": event.customer_name,
                        "region": event.region,
                        "industry": event.industry,
                        "owner_id": str(event.owner_id),
                        "owner_name": event.actor.name,
                        "stage": Stage.CONTACT.value,
                        "amount": value.amount,
                        "currency": value.currency,
                        "opened_at": at,
                        "expected_close": event.expected_close,
                        "stage_entered_at": at,
                    },
                )
            )
            changes.append(
                Insert(
                    "amounts",
                    {
                        **key,
                        "position": position,
                        "amount": value.amount,
                        "currency": value.currency,
                        "at": at,
                    },
                )
            )
        elif name in ("Opportunity.QuoteIssued", "Opportunity.QuoteAccepted"):
            changes.append(
                Update(
                    "opportunities",
                    key,
                    {
                        "amount": event.amount.amount,
                        "currency": event.amount.currency,
                        "quote_version": event.quote_version,
                    },
                )
            )
            changes.append(
                Insert(
                    "amounts",
                    {
                        **key,
                        "position": position,
                        "amount": event.amount.amount,
                        "currency": event.amount.currency,
                        "at": at,
                    },
                )
            )
        stage = _stage_entered(event)
        if stage is not None:
            values: dict[str, Any] = {"stage": stage.value, "stage_entered_at": at}
            if not stage.is_open:
                values["closed_at"] = at
            if name == "Opportunity.Lost":
                values["lost_reason"] = event.reason
                values["competitor"] = event.competitor
            if name != "Opportunity.Opened":
                changes.append(Update("opportunities", key, values))
            changes.append(
                Insert(
                    "stages", {**key, "position": position, "stage": stage.value, "entered_at": at}
                )
            )
        return changes


# ---- queries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PipelineRow:
    opportunity_id: str
    title: str
    customer_name: str
    region: str
    industry: str
    owner_id: str
    owner_name: str
    team: str | None
    stage: Stage
    amount: Decimal
    currency: str
    weighted_amount: Decimal
    expected_close: date
    opened_at: datetime
    age: timedelta
    time_in_stage: Mapping[Stage, timedelta]


def pipeline_as_of(
    engine: Engine,
    tables: Mapping[str, Table],
    probabilities: Mapping[Stage, Decimal],
    at: datetime,
) -> list[PipelineRow]:
    """Every opportunity opened by ``at``, as it stood then: stage, amount, weighted
    amount (stage probability from policy), age and time spent in each stage; the
    owner's team is their current one (``None`` if the owner is not on record)."""
    opportunities, stages, amounts = (tables["opportunities"], tables["stages"], tables["amounts"])
    with engine.connect() as conn:
        base = {
            row.opportunity_id: row
            for row in conn.execute(select(opportunities).where(opportunities.c.opened_at <= at))
        }
        stage_rows = conn.execute(
            select(stages).where(stages.c.entered_at <= at).order_by(stages.c.position)
        ).all()
        amount_rows = conn.execute(
            select(amounts).where(amounts.c.at <= at).order_by(amounts.c.position)
        ).all()
        teams = {r.employee_id: r.team for r in conn.execute(select(tables["owners"]))}
    history: dict[str, list[tuple[Stage, datetime]]] = defaultdict(list)
    for row in stage_rows:
        history[row.opportunity_id].append((Stage(row.stage), row.entered_at))
    amount_at: dict[str, tuple[Decimal, str]] = {}
    for row in amount_rows:
        amount_at[row.opportunity_id] = (Decimal(row.amount), row.currency)
    result = []
    for opportunity_id, row in base.items():
        entries = history.get(opportunity_id, [])
        if not entries:
            continue
        stage = entries[-1][0]
        amount, currency = amount_at[opportunity_id]
        spent: dict[Stage, timedelta] = defaultdict(timedelta)
        for (entered, since), (_, until) in zip(entries, [*entries[1:], (stage, at)], strict=True):
            if entered.is_open:
                spent[entered] += until - since
        end = entries[-1][1] if not stage.is_open else at
        result.append(
            PipelineRow(
                opportunity_id=opportunity_id,
                title=row.title,
                customer_name=row.customer_name,
                region=row.region,
                industry=row.industry,
                owner_id=row.owner_id,
                owner_name=row.owner_name,
                team=teams.get(row.owner_id),
                stage=stage,
                amount=amount,
                currency=currency,
                weighted_amount=(amount * probabilities[stage]).quantize(Decimal("0.01")),
                expected_close=row.expected_close,
                opened_at=row.opened_at,
                age=end - row.opened_at,
                time_in_stage=dict(spent),
            )
        )
    return sorted(result, key=lambda r: r.opened_at)


@dataclass(frozen=True)
class FunnelStep:
    stage: Stage
    reached: int
    conversion_from_previous: Decimal | None


def funnel(
    rows: Sequence[PipelineRow], engine: Engine, tables: Mapping[str, Table]
) -> list[FunnelStep]:
    """How many of the given opportunities reached each stage, and the conversion
    from the previous stage."""
    ids = {row.opportunity_id for row in rows}
    stages = tables["stages"]
    with engine.connect() as conn:
        reached_rows = conn.execute(select(stages.c.opportunity_id, stages.c.stage)).all()
    reached: dict[Stage, set[str]] = defaultdict(set)
    for opportunity_id, stage in reached_rows:
        if opportunity_id in ids:
            reached[Stage(stage)].add(opportunity_id)
    # Reaching a later stage implies passing the earlier ones (e.g. won straight from
    # a quote never enters negotiation).
    steps = []
    previous: int | None = None
    for index, stage in enumerate(FUNNEL):
        later = set().union(*(reached[s] for s in FUNNEL[index:]))
        count = len(later)
        conversion = (
            (Decimal(count) / Decimal(previous)).quantize(Decimal("0.0001")) if previous else None
        )
        steps.append(FunnelStep(stage, count, conversion))
        previous = count
    return steps


def win_rate(rows: Sequence[PipelineRow]) -> Decimal | None:
    """Won / (won + lost) among the given opportunities; ``None`` if none is closed."""
    won = sum(1 for row in rows if row.stage is Stage.WON)
    lost = sum(1 for row in rows if row.stage is Stage.LOST)
    if won + lost == 0:
        return None
    return (Decimal(won) / Decimal(won + lost)).quantize(Decimal("0.0001"))


def forecast_by_month(rows: Sequence[PipelineRow]) -> dict[tuple[str, str], Decimal]:
    """Weighted amount of open opportunities by expected close month and currency."""
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        if row.stage.is_open:
            totals[(row.expected_close.strftime("%Y-%m"), row.currency)] += row.weighted_amount
    return dict(sorted(totals.items()))
