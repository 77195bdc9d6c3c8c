"""The KPI table's money in the reporting currency (ADR 48): each day's sums converted
at the rate in force on that day, then added up by period and group.

The view keeps its sums per currency, by day and by month (ADR 41); rates are policy
data, so the conversion happens when the table is read: a corrected rate (a new policy
version) changes the figures without a rebuild.  The sums are read by day whatever the
grain, so a month holds each of its days at that day's rate, never one rate for the
month.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from salesdomain.projections.kpi.figures import MONEY_MEASURES
from salesdomain.projections.kpi.grouped import _applies, _tallies
from salesdomain.projections.kpi.groups import Group, GroupBy, Grouping, _labeller, grouping
from salesdomain.projections.kpi.periods import Grain, ReportPeriod, periods_between
from salesdomain.projections.kpi.queries import reads_groups
from sqlalchemy import Table
from sqlalchemy.engine import Engine

from salesdomain.access import Reader
from salesdomain.currencies import CurrencyPolicy, ExchangeRate

_CENT = Decimal("0.01")

Figures = list[tuple[date, str, Decimal]]
"""One measure's sums of a period and group: (day, currency, sum)."""


@dataclass(frozen=True)
class KpiInReportingCurrency:
    """The money figures of one group in one period in the reporting currency
    (``currency``), each day's sums at that day's rate; ``None``: the figure does not
    apply to the grouping (as in ``KpiRow``) or a rate was missing (``missing`` says
    which currency on which day)."""

    period: str
    """The period: a day, ISO week, month, quarter or year code."""
    period_start: date
    """First day of the period."""
    period_end: date
    """Last day of the period."""
    group: str | None
    """The group's id (empty for the company total)."""
    label: str
    """The group's name."""
    second_group: str | None
    """The second grouping's id, when grouped by two dimensions."""
    second_label: str | None
    """The second grouping's name."""
    currency: str
    """The reporting currency all amounts are converted to."""
    revenue: Decimal | None
    """Revenue in the reporting currency (empty when a rate is missing)."""
    profit: Decimal | None
    """Profit in the reporting currency (empty when a rate is missing)."""
    bookings: Decimal | None
    """Bookings in the reporting currency (empty when a rate is missing)."""
    cancelled: Decimal | None
    """Cancelled order value in the reporting currency."""
    sales_expense: Decimal | None
    """Sales expenses in the reporting currency."""
    rates: tuple[ExchangeRate, ...]
    """The rates used, by currency and the day each applies from."""
    missing: tuple[str, ...]
    """Each currency and day without a rate in force (``"USD on 2026-03-02"``)."""


def kpi_in_reporting_currency(
    engine: Engine,
    tables: Mapping[str, Table],
    *,
    grain: Grain,
    by: GroupBy,
    since: date,
    until: date,
    currencies: CurrencyPolicy,
    then_by: GroupBy | None = None,
    reader: Reader | None = None,
) -> list[KpiInReportingCurrency]:
    """The money of the KPI table (``kpi_table`` with the same arguments) in the reporting
    currency, every currency's sums converted: one row per period and group (or pair of
    groups, ``then_by``) with money (``by="total"``: one per period), ordered by period,
    then label and second label."""
    dims = grouping(by, then_by)
    periods = periods_between(since, until, grain)
    first, last = periods[0].start, periods[-1].end
    days = [first + timedelta(n) for n in range((last - first).days + 1)]
    starts = [p.start for p in periods]
    people = None if reader is None else reader.sales
    found = _tallies(
        engine,
        tables,
        days,
        periods[-1].end,
        by=dims,
        by_day=True,
        people=None if "team" in dims and "rep" not in dims else people,
    )
    sums: dict[tuple[int, Group], dict[str, Figures]] = defaultdict(lambda: defaultdict(list))
    for (index, group), tally in found.tallies.items():
        day = days[index]
        period = bisect.bisect_right(starts, day) - 1
        for (measure, currency), value in tally.sums.items():
            if measure in MONEY_MEASURES and currency:
                sums[(period, group)][measure].append((day, currency, value))
    if dims == ("total",):
        for index in range(len(periods)):
            sums.setdefault((index, (None,)), defaultdict(list))
    label_of = [
        _labeller(engine, tables, dim, {g[n] for (_, g) in sums}) for n, dim in enumerate(dims)
    ]
    rows = [
        _row(
            periods[index],
            group,
            [label(g) for label, g in zip(label_of, group, strict=True)],
            dims,
            measures,
            currencies,
        )
        for (index, group), measures in sums.items()
        if reader is None
        or reader.sales is None
        or reads_groups(group, dims, reader.sales, reader.teams)
    ]
    return sorted(rows, key=lambda row: (row.period_start, row.label, row.second_label or ""))


def _row(
    period: ReportPeriod,
    group: Group,
    labels: Sequence[str],
    by: Grouping,
    measures: Mapping[str, Figures],
    currencies: CurrencyPolicy,
) -> KpiInReportingCurrency:
    figures: dict[str, Decimal | None] = {}
    rates: dict[tuple[str, date], ExchangeRate] = {}
    missing: set[str] = set()
    for measure in sorted(MONEY_MEASURES):
        if not _applies(measure, by):
            figures[measure] = None
            continue
        converted = currencies.add_up(measures.get(measure, []))
        rates.update({(r.currency, r.effective_from): r for r in converted.rates})
        missing.update(converted.missing)
        amount = converted.amount
        figures[measure] = None if amount is None else amount.quantize(_CENT)
    return KpiInReportingCurrency(
        period=period.label,
        period_start=period.start,
        period_end=period.end,
        group=group[0],
        label=labels[0],
        second_group=group[1] if len(group) > 1 else None,
        second_label=labels[1] if len(labels) > 1 else None,
        currency=currencies.reporting_currency,
        revenue=figures["revenue"],
        profit=figures["profit"],
        bookings=figures["bookings"],
        cancelled=figures["cancelled"],
        sales_expense=figures["sales_expense"],
        rates=tuple(rates[key] for key in sorted(rates)),
        missing=tuple(sorted(missing)),
    )
