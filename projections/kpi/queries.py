"""The KPI queries: ``kpi_table`` (periods by group, growth, targets),
``kpi_for_employee`` (an appraisal's actuals) and ``representatives_with_figures`` (whom a
filter offers)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from salesdomain.projections.kpi.figures import (
    MEASURES,
    MONEY_MEASURES,
    KpiRow,
    _growth,
    _Tally,
)
from salesdomain.projections.kpi.grouped import _Found, _resolved, _tallies
from salesdomain.projections.kpi.groups import (
    Group,
    GroupBy,
    Grouping,
    TeamHistory,
    _labeller,
    _names,
    grouping,
    team_history,
)
from salesdomain.projections.kpi.periods import (
    Grain,
    ReportPeriod,
    periods_between,
    report_period,
)
from salesdomain.projections.kpi.targets import (
    _attainment,
    _target_for,
    _targets,
    members_targets,
)
from sqlalchemy import Table, select, union
from sqlalchemy.engine import Engine

from salesdomain.access import Reader

INDICATOR_ALIASES = {
    "loyalty": "repeat_customers",
    "conversion_rate": "win_rate",
    "expense_control": "sales_expense",
}
"""Names of the KPI system's indicators (``performance.values.Indicator``, stored in
schemes and appraisals) that differ from the figure they are taken from (docs/kpi.md)."""


def _currency_of(found: _Found, currency: str | None, several: str | None = None) -> str | None:
    if currency is not None:
        return currency
    if len(found.currencies) > 1 and several is not None:
        return several
    if len(found.currencies) > 1:
        raise ValueError(
            f"the figures are in several currencies ({', '.join(sorted(found.currencies))}):"
            " choose one with currency="
        )
    return next(iter(found.currencies), None)


def kpi_table(
    engine: Engine,
    tables: Mapping[str, Table],
    *,
    grain: Grain,
    by: GroupBy,
    since: date,
    until: date,
    then_by: GroupBy | None = None,
    currency: str | None = None,
    reader: Reader | None = None,
    several: str | None = None,
    customers: bool = True,
    growth: bool = True,
) -> list[KpiRow]:
    """The KPIs of every period of ``grain`` that overlaps ``since``..``until`` (both
    included; each period is reported whole), one row per group ``by`` that has a fact
    or a target in the period (``by="total"``: one row per period, empty ones too);
    with ``then_by``, one row per pair of groups of the two dimensions that has a fact
    (targets are set for one employee or team: none by two dimensions).

    Money figures are those in ``currency``; if it is not given, the one currency of the
    facts, or ``several`` if there are several (a ``ValueError`` without it: the web API
    and the command line give the reporting currency, ADR 48).  Rows come ordered by
    period, then label and second label.

    ``reader``: only what the read policy lets them see (``None``: everything): the
    figures of the representatives their reach covers, and by team the totals of their
    own team(s).

    ``customers=False``: the customer counts (``CUSTOMER_COUNTS``) are not read and are
    ``None``, as is an attainment of a new-customers target: they number every company's
    completed orders over the whole history, the dearest read, which a table that shows
    none of them (a revenue trend) need not pay for.

    ``growth=False``: ``growth`` and ``growth_yoy`` are ``None`` for every figure and the
    year before the periods is not read (for a table that shows no growth, such as the
    dashboard's attainment and revenue trend); every other figure is the same."""
    dims = grouping(by, then_by)
    periods = periods_between(since, until, grain)
    # every period from the same period of the previous year on: growth against the
    # period before and against the same period of the previous year (``growth_yoy``)
    read = (
        periods_between(_year_earlier(periods[0].start), periods[-1].end, grain)
        if growth
        else periods
    )
    people = None if reader is None else reader.sales
    found = _tallies(
        engine,
        tables,
        [p.start for p in read],
        periods[-1].end,
        by=dims,
        by_day=grain == "day",
        people=None if "team" in dims and "rep" not in dims else people,
        customers=customers,
    )
    return _table(
        engine,
        tables,
        grain,
        dims,
        read,
        len(read) - len(periods),
        found,
        currency,
        reader,
        several,
        growth,
    )


def _year_earlier(day: date) -> date:
    """The same day of the previous year (29 February: the 28th)."""
    return day.replace(year=day.year - 1, day=min(day.day, 28) if day.month == 2 else day.day)


def _same_period_a_year_before(period: ReportPeriod, grain: Grain) -> str | None:
    """The code of the same period of the previous year (a 29 February has none)."""
    if grain == "day" and (period.start.month, period.start.day) == (2, 29):
        return None
    return report_period(_year_earlier(period.start), grain).label


def _table(
    engine: Engine,
    tables: Mapping[str, Table],
    grain: Grain,
    by: Grouping,
    read: Sequence[ReportPeriod],
    first: int,
    found: _Found,
    currency: str | None,
    reader: Reader | None,
    several: str | None = None,
    growth: bool = True,
) -> list[KpiRow]:
    """The rows of the periods ``read[first:]`` from what their facts add up to
    (``found``: by index in ``read``, which holds the year before them), with growth
    against the period before and the same period of the previous year (``None``
    without ``growth``), targets and attainment."""
    currency = _currency_of(found, currency, several)
    tallies = found.tallies
    periods = read[first:]
    index_of = {period.label: index for index, period in enumerate(read)}
    single = len(by) == 1
    targets = (
        _targets(engine, tables, [p.label for p in periods]) if grain != "day" and single else []
    )
    targeted = {t.employee_id for t in targets} if by == ("rep",) else set()
    label_of = [
        _labeller(engine, tables, dim, {g[n] for (_, g) in tallies} | targeted)
        for n, dim in enumerate(by)
    ]
    history: TeamHistory = {}

    def figures_at(index: int, group: Group) -> dict[str, Decimal | None]:
        tally = tallies.get((index, group), _Tally())
        return tally.figures(by, currency, customers=found.customers)

    if by == ("team",) and targets:
        with engine.connect() as conn:
            history = team_history(conn, tables)
    rows = []
    for index, period in enumerate(periods, start=first):
        groups = {group for (i, group) in tallies if i == index}
        period_targets = [t for t in targets if t.period == period.label]
        if by == ("team",):  # a team without a target of its own: its members' summed
            period_targets += members_targets(period_targets, history, period.end)
        if by == ("rep",):
            groups |= {(t.employee_id,) for t in period_targets if t.employee_id}
        elif by == ("team",):
            named = {g[0].casefold() for g in groups if g[0] is not None}
            groups |= {
                (t.team,) for t in period_targets if t.team and t.team.casefold() not in named
            }
        elif by == ("total",):
            groups = {(None,)}
        year_before = index_of.get(_same_period_a_year_before(period, grain) or "")
        for group in groups:
            figures = figures_at(index, group)
            before = figures_at(index - 1, group) if growth else dict.fromkeys(MEASURES)
            a_year_before = (
                None if year_before is None or not growth else figures_at(year_before, group)
            )
            target = _target_for(period_targets, by[0], group[0]) if single else {}
            rows.append(
                KpiRow(
                    period=period.label,
                    period_start=period.start,
                    period_end=period.end,
                    group=group[0],
                    label=label_of[0](group[0]),
                    second_group=None if single else group[1],
                    second_label=None if single else label_of[1](group[1]),
                    currency=currency,
                    **figures,
                    growth={m: _growth(figures[m], before[m]) for m in MEASURES},
                    growth_yoy={
                        m: None if a_year_before is None else _growth(figures[m], a_year_before[m])
                        for m in MEASURES
                    },
                    target={m: value for m, (value, _) in target.items()},
                    target_currency={
                        m: unit for m, (_, unit) in target.items() if m in MONEY_MEASURES and unit
                    },
                    attainment={
                        m: _attainment(figures[m], value, unit, m, currency)
                        for m, (value, unit) in target.items()
                    },
                )
            )
    if reader is not None and reader.sales is not None:
        sales, teams = reader.sales, reader.teams
        rows = [row for row in rows if reads_groups(_groups(row, by), by, sales, teams)]
    return sorted(rows, key=lambda row: (row.period_start, row.label, row.second_label or ""))


def reads_groups(
    groups: Group, by: Grouping, people: frozenset[str], teams: frozenset[str]
) -> bool:
    """Whether a row of a KPI table by ``by`` is the reader's: each of its groups is."""
    return all(reads(group, dim, people, teams) for group, dim in zip(groups, by, strict=True))


def _groups(row: KpiRow, by: Grouping) -> Group:
    return (row.group,) if len(by) == 1 else (row.group, row.second_group)


def reads(group: str | None, by: GroupBy, people: frozenset[str], teams: frozenset[str]) -> bool:
    """Whether a group's row of the KPI table is the reader's: by rep, a representative
    they reach; by team, one of their teams."""
    if by == "rep":
        return group in people
    if by == "team":
        return group is not None and group.casefold() in {t.casefold() for t in teams}
    return True


def representatives_with_figures(
    engine: Engine,
    tables: Mapping[str, Table],
    *,
    since: date,
    until: date,
    reader: Reader | None = None,
) -> list[tuple[str, str]]:
    """The representatives with a fact in the months from ``since``'s to ``until`` (both
    included) whose figures ``reader`` may read (``None``: everyone's), as (employee id,
    name) by name: those ``kpi_table(by="rep")`` has a row of figures for, found in the
    sums by month (ADR 41) and the few facts the sums leave out, without adding up any
    figure (a filter's choices; a year of figures took 0.2-0.5 s to add up at 200,000
    events)."""
    sums = tables["sums_by_month"]
    summed = select(sums.c.rep_id).where(
        sums.c.day >= since.replace(day=1), sums.c.day <= until, sums.c.rep_id.is_not(None)
    )
    unnamed = _resolved(tables, since, until, None, unnamed_only=True)
    named_later = select(unnamed.c.rep_id).where(unnamed.c.rep_id.is_not(None))
    with engine.connect() as conn:
        found = {row.rep_id for row in conn.execute(union(summed, named_later))}
    if reader is not None and reader.sales is not None:
        found &= reader.sales
    names = _names(engine, tables, found)
    return sorted(((rep, names.get(rep, rep)) for rep in found), key=lambda r: (r[1], r[0]))


def kpi_for_employee(
    engine: Engine,
    tables: Mapping[str, Table],
    employee_id: Any,
    period_start: date,
    period_end: date,
    *,
    currency: str | None = None,
    several: str | None = None,
) -> dict[str, Decimal]:
    """An employee's figures for ``period_start``..``period_end`` (both included): what an
    appraisal's actuals are taken from.  Keys are the measures of ``KpiRow`` plus the
    KPI system's indicator names where they differ (``loyalty`` = repeat customers,
    ``conversion_rate`` = the win rate, ``expense_control`` = approved sales expenses);
    a figure without a value in the period (a win rate with nothing closed,
    satisfaction without scores) is left out.  Money figures are in ``currency``, else
    in the facts' one currency, else in ``several`` if there are several (as
    ``kpi_table``)."""
    mine = frozenset({str(employee_id)})
    found = _tallies(
        engine, tables, [period_start], period_end, by=("rep",), by_day=False, people=mine
    )
    return _employee_figures(found, str(employee_id), currency, several)


def _employee_figures(
    found: _Found, employee_id: str, currency: str | None, several: str | None = None
) -> dict[str, Decimal]:
    """An employee's figures from what their facts add up to (one period, index 0)."""
    currency = _currency_of(found, currency, several)
    figures = found.tallies.get((0, (employee_id,)), _Tally()).figures(("rep",), currency)
    for alias, measure in INDICATOR_ALIASES.items():
        figures[alias] = figures[measure]
    return {name: value for name, value in figures.items() if value is not None}
