"""How good a period's forecast was (SOP 4.2.3, ADR 52): the forecast as it stood at
the period's start and at each week's start against what was won in it, with the deals
that slipped out of it and those lost; per representative, team or the company, per
currency or in the reporting currency; as the reader's sales reach covers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from salesdomain.projections.forecast.figures import (
    Figures,
    Key,
    by_id,
    converted,
    figures_by_group,
    group_of,
    in_forecast_at_start,
    lost,
    ratio,
    slipped,
    sorted_keys,
)
from salesdomain.projections.forecast.moments import By, DealThen, deals_at, start_of
from salesdomain.projections.forecast.queries import check_by, period_of
from sqlalchemy import Table
from sqlalchemy.engine import Engine

from salesdomain.access import Reader
from salesdomain.currencies import CurrencyPolicy
from salesdomain.opportunities.values import ForecastCategory


@dataclass(frozen=True)
class WeekForecast:
    """The forecast of the period as it stood at the start of one of its weeks."""

    at: datetime
    won_amount: Decimal
    commit: Decimal
    best_case: Decimal
    category_forecast: Decimal


@dataclass(frozen=True)
class AccuracyLine:
    group_id: str
    group: str
    currency: str
    forecast_at_start: Decimal
    """Commit at the period's start (nothing was won in it yet)."""
    best_case_at_start: Decimal
    """Commit + best case at the period's start."""
    won_amount: Decimal
    """Won in the period (up to its end, or up to the read if it has not ended)."""
    forecast_accuracy: Decimal | None
    """Won ÷ forecast at start (1 is a forecast met exactly)."""
    slipped: int
    slipped_amount: Decimal
    """Deals in the forecast at the start still open at the end, expected after it."""
    lost_deals: int
    lost_amount: Decimal
    weeks: list[WeekForecast]


@dataclass(frozen=True)
class SlippedDeal:
    opportunity_id: str
    title: str
    owner: str
    team: str
    category_at_start: ForecastCategory
    close_at_start: date
    close_now: date
    amount_at_start: Decimal
    currency: str


@dataclass(frozen=True)
class ForecastAccuracy:
    period: str
    start: date
    end: date
    as_of: datetime
    """The moment the actuals are read at: the period's end, or the read if earlier."""
    complete: bool
    """Whether the period had ended when read."""
    by: By
    lines: list[AccuracyLine]
    slipped_deals: list[SlippedDeal]
    missing_rates: tuple[str, ...] = ()


def week_starts(start: date, end: date) -> list[date]:
    """The period's first day, then every Monday in it."""
    days = [start]
    monday = start + timedelta(days=(7 - start.weekday()) % 7 or 7)
    while monday <= end:
        days.append(monday)
        monday += timedelta(days=7)
    return days


def forecast_accuracy(
    engine: Engine,
    tables: Mapping[str, Table],
    period: str,
    now: datetime,
    *,
    by: By = "rep",
    reader: Reader | None = None,
    currencies: CurrencyPolicy | None = None,
) -> ForecastAccuracy:
    """How good the forecast of ``period`` was: per group, the forecast as it stood at
    the period's start and at each week's start (up to ``now``) against what was won in
    the period, the deals that slipped out of it and those lost.  Replayed from the
    view's history of each deal (its category, expected close, amount and outcome, each
    change with its time), never from the log.  A period that starts after ``now`` is
    refused (``ValueError``)."""
    check_by(by)
    p = period_of(period)
    first = start_of(p.start)
    if first > now:
        raise ValueError(f"the period {p.code} starts on {p.start}, after {now.isoformat()}")
    final = min(start_of(p.end + timedelta(days=1)), now)
    weeks = [start_of(day) for day in week_starts(p.start, p.end) if start_of(day) <= now]
    *at_weeks, at_end = deals_at(engine, tables, p.start, p.end, [*weeks, final], reader)
    span = (p.start, p.end)
    week_figures = [figures_by_group(deals, by, span) for deals in at_weeks]
    end_figures = figures_by_group(at_end, by, span)
    missing: set[str] = set()
    if currencies is not None:
        week_figures = [
            _noting(converted(f, currencies, moment.date()), missing)
            for f, moment in zip(week_figures, weeks, strict=True)
        ]
        end_figures = _noting(converted(end_figures, currencies, final.date()), missing)
    ends = by_id(at_end)
    moved: list[SlippedDeal] = []
    out: dict[Key, tuple[int, Decimal, int, Decimal]] = {}
    for deal in at_weeks[0]:
        if not in_forecast_at_start(deal, p.start, p.end):
            continue
        end = ends.get(deal.opportunity_id)
        group, name = group_of(deal, by)
        currency = deal.currency if currencies is None else currencies.reporting_currency
        key = (group, name, currency)
        counts = out.get(key, (0, Decimal(0), 0, Decimal(0)))
        amount = _in(currencies, deal, first)
        if slipped(deal, end, p.end) and end is not None:
            moved.append(_slipped(deal, end))
            counts = (counts[0] + 1, counts[1] + amount, counts[2], counts[3])
        elif lost(deal, end):
            counts = (counts[0], counts[1], counts[2] + 1, counts[3] + amount)
        out[key] = counts
    keys = set(week_figures[0]) | set(end_figures) | set(out)
    lines = [_accuracy(key, week_figures, weeks, end_figures, out) for key in sorted_keys(keys)]
    moved.sort(key=lambda s: (s.team.casefold(), s.owner.casefold(), s.close_at_start, s.title))
    complete = now >= start_of(p.end + timedelta(days=1))
    return ForecastAccuracy(
        p.code, p.start, p.end, final, complete, by, lines, moved, tuple(sorted(missing))
    )


def _noting(
    found: tuple[dict[Key, Figures], tuple[str, ...]], missing: set[str]
) -> dict[Key, Figures]:
    missing.update(found[1])
    return found[0]


def _in(currencies: CurrencyPolicy | None, deal: DealThen, at: datetime) -> Decimal:
    if currencies is None:
        return deal.amount
    added = currencies.add_up([(at.date(), deal.currency, deal.amount)])
    return Decimal(0) if added.amount is None else added.amount


def _slipped(start: DealThen, end: DealThen) -> SlippedDeal:
    return SlippedDeal(
        opportunity_id=start.opportunity_id,
        title=start.title,
        owner=start.owner_name,
        team=start.team,
        category_at_start=start.category,
        close_at_start=start.expected_close,
        close_now=end.expected_close,
        amount_at_start=start.amount,
        currency=start.currency,
    )


def _accuracy(
    key: Key,
    week_figures: list[dict[Key, Figures]],
    weeks: list[datetime],
    end_figures: dict[Key, Figures],
    out: dict[Key, tuple[int, Decimal, int, Decimal]],
) -> AccuracyLine:
    at_start = week_figures[0].get(key, Figures())
    won = end_figures.get(key, Figures()).won
    slipped_n, slipped_amount, lost_n, lost_amount = out.get(key, (0, Decimal(0), 0, Decimal(0)))
    return AccuracyLine(
        group_id=key[0],
        group=key[1],
        currency=key[2],
        forecast_at_start=at_start.forecast,
        best_case_at_start=at_start.best_case_forecast,
        won_amount=won,
        forecast_accuracy=ratio(won, at_start.forecast),
        slipped=slipped_n,
        slipped_amount=slipped_amount,
        lost_deals=lost_n,
        lost_amount=lost_amount,
        weeks=[
            WeekForecast(
                at=moment,
                won_amount=(f := figures.get(key, Figures())).won,
                commit=f.commit,
                best_case=f.best_case,
                category_forecast=f.forecast,
            )
            for figures, moment in zip(week_figures, weeks, strict=True)
        ],
    )
