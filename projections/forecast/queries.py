"""Reads of the forecast view (SOP 4.2.3, ADR 52): a period's forecast by category
against the target as it stands (or stood at any moment); how good it was is read by
``accuracy``.  Per representative, team or the company; per
currency, or in the reporting currency (ADR 48).  A reader sees the deals their sales
reach covers (ADR 30)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from salesdomain.projections.forecast.figures import (
    Figures,
    Key,
    converted,
    figures_by_group,
    ratio,
    revenue_targets,
    sorted_keys,
    summed,
)
from salesdomain.projections.forecast.moments import (
    By,
    after_every_change,
    counted_now,
    deals_at,
)
from sqlalchemy import Table
from sqlalchemy.engine import Engine

from salesdomain.access import Reader
from salesdomain.currencies import CurrencyPolicy
from salesdomain.people.values import Period

BY: tuple[By, ...] = ("rep", "team", "company")


@dataclass(frozen=True)
class ForecastLine:
    """One representative's, team's or the company's forecast in one currency."""

    group_id: str
    """The employee id (``rep``), the team, or ``company``."""
    group: str
    """The representative's name, the team, or ``company``."""
    currency: str
    """The currency of the amounts."""
    won_amount: Decimal
    commit: Decimal
    best_case: Decimal
    pipeline: Decimal
    omitted: Decimal
    open_deals: int
    category_forecast: Decimal
    """Won + commit."""
    best_case_forecast: Decimal
    """Won + commit + best case."""
    revenue_target: Decimal | None
    """The revenue target of the period in this currency (``None``: none set)."""
    forecast_to_target: Decimal | None
    """Category forecast ÷ revenue target."""


@dataclass(frozen=True)
class ForecastTable:
    period: str
    start: date
    end: date
    as_of: datetime
    by: By
    lines: list[ForecastLine]
    missing_rates: tuple[str, ...] = ()
    """In the reporting currency: each currency and day without a rate (its groups are
    left out)."""


def period_of(code: str) -> Period:
    """A month ("2027-03"), quarter ("2027-Q1") or year ("2027"); ``ValueError`` if not."""
    return Period.parse(code)


def check_by(by: str) -> None:
    if by not in BY:
        raise ValueError(f"by is rep, team or company, not {by!r}")


def forecast_table(
    engine: Engine,
    tables: Mapping[str, Table],
    period: str,
    at: datetime,
    *,
    by: By = "rep",
    reader: Reader | None = None,
    currencies: CurrencyPolicy | None = None,
) -> ForecastTable:
    """The forecast of ``period`` as it stood at ``at`` (now, or any past moment): per
    group, what was won in the period so far and the open deals expected to close in it
    by category, against the revenue target; in the reporting currency of
    ``currencies`` (at ``at``'s day's rates) if given."""
    check_by(by)
    p = period_of(period)
    span = (p.start, p.end)
    if after_every_change(engine, tables, at):
        figures = summed(counted_now(engine, tables, p.start, p.end, reader, by))
    else:
        (deals,) = deals_at(engine, tables, p.start, p.end, [at], reader)
        figures = figures_by_group(deals, by, span)
    missing: tuple[str, ...] = ()
    if currencies is not None:
        figures, missing = converted(figures, currencies, at.date())
    targets = revenue_targets(engine, tables, p.code, by)
    for (group, currency), (_, _, name) in targets.items():
        if reader is not None and not _target_seen(reader, by, group):
            continue
        if currencies is None or currency == currencies.reporting_currency:
            figures.setdefault((group, name, currency), Figures())
    lines = [_line(key, figures[key], targets) for key in sorted_keys(figures)]
    return ForecastTable(p.code, p.start, p.end, at, by, lines, missing)


def _target_seen(reader: Reader, by: By, group: str) -> bool:
    if by == "team":
        return reader.sales is None or group in reader.teams
    return reader.reaches(reader.sales, group)


def _line(
    key: Key, f: Figures, targets: Mapping[tuple[str, str], tuple[Decimal, str, str]]
) -> ForecastLine:
    group, name, currency = key
    target = targets.get((group, currency))
    amount = None if target is None else target[0]
    return ForecastLine(
        group_id=group,
        group=name,
        currency=currency,
        won_amount=f.won,
        commit=f.commit,
        best_case=f.best_case,
        pipeline=f.pipeline,
        omitted=f.omitted,
        open_deals=f.open_deals,
        category_forecast=f.forecast,
        best_case_forecast=f.best_case_forecast,
        revenue_target=amount,
        forecast_to_target=ratio(f.forecast, amount),
    )
