"""The pipeline as it stood at a time (``pipeline_as_of``), and what its rows add up to:
``win_rate`` and ``forecast_by_month`` (defined in docs/kpi.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Table, select
from sqlalchemy.engine import Engine

from salesdomain.access import Reader
from salesdomain.opportunities.stages import Stage


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
    closed_at: datetime | None
    """When it was won or lost (``None`` while open)."""
    age: timedelta
    time_in_stage: Mapping[Stage, timedelta]


_AS_STORED = (
    "opportunity_id",
    "title",
    "customer_name",
    "region",
    "industry",
    "owner_id",
    "owner_name",
    "expected_close",
    "opened_at",
)
"""The facts of a ``PipelineRow`` the ``opportunities`` table holds as they are."""


def pipeline_as_of(
    engine: Engine,
    tables: Mapping[str, Table],
    probabilities: Mapping[Stage, Decimal],
    at: datetime,
    *,
    reader: Reader | None = None,
) -> list[PipelineRow]:
    """Every opportunity opened by ``at``, as it stood then: stage, amount, weighted
    amount (stage probability from policy), age and time spent in each stage; the
    owner's team is their current one (``None`` if the owner is not on record).
    ``reader``: only the opportunities the read policy lets them see (``None``: all)."""
    opportunities, stages, amounts = (tables["opportunities"], tables["stages"], tables["amounts"])
    chosen = select(opportunities).where(opportunities.c.opened_at <= at)
    if reader is not None and reader.sales is not None:
        chosen = chosen.where(opportunities.c.owner_id.in_(sorted(reader.sales)))
    with engine.connect() as conn:
        base = {row.opportunity_id: row for row in conn.execute(chosen)}
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
        closed_at = None if stage.is_open else entries[-1][1]
        result.append(
            PipelineRow(
                **{name: getattr(row, name) for name in _AS_STORED},
                team=teams.get(row.owner_id),
                stage=stage,
                amount=amount,
                currency=currency,
                weighted_amount=(amount * probabilities[stage]).quantize(Decimal("0.01")),
                closed_at=closed_at,
                age=(closed_at or at) - row.opened_at,
                time_in_stage=dict(spent),
            )
        )
    return sorted(result, key=lambda r: r.opened_at)


def win_rate(
    rows: Sequence[PipelineRow], *, since: date | None = None, until: date | None = None
) -> Decimal | None:
    """The win rate (docs/kpi.md): won / (won + lost) of the given opportunities closed
    from ``since`` to ``until`` (UTC days, both included; ``None``: no bound), the same
    figure as the KPI table's ``win_rate`` for that period; ``None`` if none closed."""
    closed = [
        row.stage
        for row in rows
        if row.closed_at is not None
        and (since is None or _utc_day(row.closed_at) >= since)
        and (until is None or _utc_day(row.closed_at) <= until)
    ]
    won = closed.count(Stage.WON)
    if not closed:
        return None
    return (Decimal(won) / Decimal(len(closed))).quantize(Decimal("0.0001"))


def _utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def forecast_by_month(rows: Sequence[PipelineRow]) -> dict[tuple[str, str], Decimal]:
    """Weighted amount of open opportunities by expected close month and currency."""
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        if row.stage.is_open:
            totals[(row.expected_close.strftime("%Y-%m"), row.currency)] += row.weighted_amount
    return dict(sorted(totals.items()))
