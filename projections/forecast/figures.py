"""The forecast of a period by category against the target, and how good the forecast
was: each figure as docs/kpi.md ("Forecast categories and accuracy") defines it, per
currency, or in the reporting currency converted at the rates of the moment's day."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from salesdomain.projections.forecast.moments import COMPANY, By, Counted, DealThen
from salesdomain.projections.forecast.projection import LOST, OPEN, WON
from salesdomain.projections.types import money
from sqlalchemy import Table, select
from sqlalchemy.engine import Engine

from salesdomain.currencies import CurrencyPolicy
from salesdomain.opportunities.values import ForecastCategory

_ZERO = Decimal(0)
_MONEY = money()
_RATIO = Decimal("0.0001")
C = ForecastCategory


@dataclass(frozen=True)
class Figures:
    """One group's forecast in one currency at one moment."""

    won: Decimal = _ZERO
    """Won in the period up to the moment (the accepted quotes' amounts)."""
    commit: Decimal = _ZERO
    best_case: Decimal = _ZERO
    pipeline: Decimal = _ZERO
    omitted: Decimal = _ZERO
    """The open deals expected to close in the period, by their category then."""
    open_deals: int = 0

    @property
    def forecast(self) -> Decimal:
        """Won + commit: what the group says it will book in the period."""
        return self.won + self.commit

    @property
    def best_case_forecast(self) -> Decimal:
        """Won + commit + best case."""
        return self.forecast + self.best_case


Key = tuple[str, str, str]
"""A line's group id (employee id, team or ``company``), its name and its currency."""


def group_of(deal: DealThen, by: By) -> tuple[str, str]:
    if by == "rep":
        return deal.owner_id, deal.owner_name
    if by == "team":
        return deal.team, deal.team
    return COMPANY, COMPANY


_MEASURES = ("won", "commit", "best_case", "pipeline", "omitted")


def figures_by_group(
    deals: Iterable[DealThen], by: By, period: tuple[date, date]
) -> dict[Key, Figures]:
    """Each group's figures (per currency) of ``deals`` as they stood at one moment."""
    start, end = period
    counted = []
    for deal in deals:
        if deal.outcome == WON:
            if deal.closed_on is None or not start <= deal.closed_on <= end:
                continue
            measure = "won"
        elif deal.outcome == OPEN and start <= deal.expected_close <= end:
            measure = deal.category.value
        else:
            continue
        group, name = group_of(deal, by)
        counted.append(Counted(group, name, deal.currency, measure, deal.amount))
    return summed(counted)


def summed(counted: Iterable[Counted]) -> dict[Key, Figures]:
    """Each group's figures (per currency): the amounts of its deals by measure, shown
    as an amount column reads back, and how many are open (``figures_by_group``,
    ``moments.counted_now``, which reads the amounts as stored)."""
    sums: dict[Key, list[Decimal]] = {}
    counts: dict[Key, int] = {}
    for group, name, currency, measure, amount in counted:
        key = (group, name, currency)
        found = sums.setdefault(key, [_ZERO] * 5)
        found[_MEASURES.index(measure)] += amount
        counts[key] = counts.get(key, 0) + (measure != "won")
    return {
        key: Figures(
            **{m: _MONEY.as_read(amount) for m, amount in zip(_MEASURES, found, strict=True)},
            open_deals=counts[key],
        )
        for key, found in sums.items()
    }


def converted(
    figures: Mapping[Key, Figures], currencies: CurrencyPolicy, day: date
) -> tuple[dict[Key, Figures], tuple[str, ...]]:
    """``figures`` of each group added up in the reporting currency at the rates in force
    on ``day``; a group with an amount in a currency without a rate that day is left
    out, and the currency and day named."""
    groups: dict[tuple[str, str], list[tuple[str, Figures]]] = {}
    for (group, name, currency), f in figures.items():
        groups.setdefault((group, name), []).append((currency, f))
    found: dict[Key, Figures] = {}
    missing: set[str] = set()
    reporting = currencies.reporting_currency
    for (group, name), lines in groups.items():
        total: dict[str, Decimal] = {}
        for measure in ("won", "commit", "best_case", "pipeline", "omitted"):
            added = currencies.add_up((day, code, getattr(f, measure)) for code, f in lines)
            missing.update(added.missing)
            if added.amount is not None:
                total[measure] = added.amount
        if len(total) == 5:
            found[(group, name, reporting)] = Figures(
                **total, open_deals=sum(f.open_deals for _, f in lines)
            )
    return found, tuple(sorted(missing))


def revenue_targets(
    engine: Engine, tables: Mapping[str, Table], code: str, by: By
) -> dict[tuple[str, str], tuple[Decimal, str, str]]:
    """The revenue target of each employee (``by="rep"``) or team for the period
    ``code``: (group, currency) -> (revenue, currency, name)."""
    if by == "company":
        return {}
    t, owners = tables["targets"], tables["owners"]
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.c.employee_id, t.c.team, t.c.revenue, t.c.currency, owners.c.name)
            .select_from(t.outerjoin(owners, owners.c.employee_id == t.c.employee_id))
            .where(t.c.period == code)
        ).all()
    found: dict[tuple[str, str], tuple[Decimal, str, str]] = {}
    for row in rows:
        if by == "rep" and row.employee_id is not None:
            name = row.name or row.employee_id
            found[(row.employee_id, row.currency)] = (Decimal(row.revenue), row.currency, name)
        elif by == "team" and row.team is not None:
            found[(row.team, row.currency)] = (Decimal(row.revenue), row.currency, row.team)
    return found


def ratio(part: Decimal, whole: Decimal | None) -> Decimal | None:
    if whole is None or whole == 0:
        return None
    return (part / whole).quantize(_RATIO)


def slipped(start: DealThen, end: DealThen | None, period_end: date) -> bool:
    """A deal in the forecast at the period's start (open, expected in it, not omitted)
    still open at its end with an expected close after it: moved out of the period."""
    return (
        end is not None
        and start.category is not C.OMITTED
        and end.outcome == OPEN
        and end.expected_close > period_end
    )


def lost(start: DealThen, end: DealThen | None) -> bool:
    return end is not None and start.category is not C.OMITTED and end.outcome == LOST


def in_forecast_at_start(deal: DealThen, start: date, end: date) -> bool:
    return deal.outcome == OPEN and start <= deal.expected_close <= end


def sorted_keys(keys: Iterable[Key]) -> list[Key]:
    return sorted(keys, key=lambda k: (k[1].casefold(), k[0], k[2]))


def by_id(deals: Sequence[DealThen]) -> dict[str, DealThen]:
    return {d.opportunity_id: d for d in deals}


def moment_day(moment: datetime) -> date:
    return moment.date()
