"""The sections of a report: each a function from the views (``ReportSource``) to its
section model, in the order the report shows them (``SECTIONS``).  Adding a section is
one function here (and its model, and one block in the template)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from functools import partial
from typing import TypeVar

from salesdomain.projections.appraisals import appraisal_outcomes
from salesdomain.projections.conformance import Breach
from salesdomain.projections.conformance.api import conformance_report
from salesdomain.projections.conformance.policies import PolicyBook
from salesdomain.projections.conformance.report import ConformanceReport
from salesdomain.projections.conformance.view import NAME as CONFORMANCE
from salesdomain.projections.conformance.view import reading
from salesdomain.projections.customers import iter_customers
from salesdomain.projections.kpi import (
    Grain,
    GroupBy,
    KpiInReportingCurrency,
    KpiRow,
    kpi_in_reporting_currency,
    kpi_table,
)
from salesdomain.projections.pipeline import pipeline_figures
from salesdomain.projections.reports import analyses
from salesdomain.projections.reports.model import (
    Amount,
    AppraisalLine,
    AppraisalsSection,
    BreachLine,
    ConformanceSection,
    CustomersSection,
    ForecastLine,
    PipelineSection,
    RepLine,
    ReportKind,
    ResultsLine,
    ResultsSection,
    RuleLine,
    Section,
    Share,
    StageLine,
)
from salesdomain.projections.reports.source import ReportSource

SectionBuilder = Callable[[ReportSource], Section]
T = TypeVar("T")


def _kpi(source: ReportSource, grain: Grain, by: GroupBy, currency: str | None) -> list[KpiRow]:
    engine, tables = source.view("kpi")
    period = source.period
    return kpi_table(
        engine,
        tables,
        grain=grain,
        by=by,
        since=period.start,
        until=period.end,
        currency=currency,
        reader=source.reader,
        several=source.policy.currencies.reporting_currency,
    )


def _converted(source: ReportSource, grain: Grain, by: GroupBy) -> list[KpiInReportingCurrency]:
    engine, tables = source.view("kpi")
    return kpi_in_reporting_currency(
        engine,
        tables,
        grain=grain,
        by=by,
        since=source.period.start,
        until=source.period.end,
        currencies=source.policy.currencies,
        reader=source.reader,
    )


def _amounts(rows: Mapping[str, KpiRow], measure: str) -> tuple[Amount, ...]:
    return tuple(
        Amount(currency=code, amount=getattr(row, measure), growth=row.growth.get(measure))
        for code, row in rows.items()
        if getattr(row, measure) is not None
    )


def _line(
    rows: Mapping[str, KpiRow], any_row: KpiRow, converted: KpiInReportingCurrency | None
) -> ResultsLine:
    return ResultsLine(
        period=any_row.period,
        start=any_row.period_start,
        end=any_row.period_end,
        revenue=_amounts(rows, "revenue"),
        profit=_amounts(rows, "profit"),
        bookings=_amounts(rows, "bookings"),
        revenue_in_reporting_currency=None if converted is None else converted.revenue,
        profit_in_reporting_currency=None if converted is None else converted.profit,
        bookings_in_reporting_currency=None if converted is None else converted.bookings,
        units=any_row.units,
        orders_completed=any_row.orders_completed,
        won=any_row.won,
        lost=any_row.lost,
        win_rate=any_row.win_rate,
        missing_rates=() if converted is None else converted.missing,
    )


def _lines(source: ReportSource, grain: Grain, codes: Sequence[str]) -> list[ResultsLine]:
    """The total of each period of ``grain`` in the report period: money per currency
    (one KPI table per currency) and in the reporting currency."""
    per_currency = {code: _kpi(source, grain, "total", code) for code in codes}
    plain = _kpi(source, grain, "total", None) if not codes else next(iter(per_currency.values()))
    converted = {row.period: row for row in _converted(source, grain, "total")}
    lines = []
    for index, row in enumerate(plain):
        rows = {code: found[index] for code, found in per_currency.items()}
        lines.append(_line(rows, row, converted.get(row.period)))
    return lines


def results(source: ReportSource) -> ResultsSection:
    """The KPI table's results of the period and of each of its months, and by
    representative (the read policy's reach)."""
    codes = source.currencies()
    months = _lines(source, "month", codes)
    total = months[0] if source.kind == "monthly" else _lines(source, "quarter", codes)[0]
    reporting = source.policy.currencies.reporting_currency
    converted = {row.group: row for row in _converted(source, source.grain, "rep")}
    by_rep = []
    for row in _kpi(source, source.grain, "rep", reporting):
        money = converted.get(row.group)
        by_rep.append(
            RepLine(
                employee_id=row.group,
                name=row.label,
                revenue_in_reporting_currency=None if money is None else money.revenue,
                units=row.units,
                won=row.won,
                lost=row.lost,
                win_rate=row.win_rate,
                revenue_target=row.target.get("revenue"),
                revenue_attainment=row.attainment.get("revenue"),
            )
        )
    return ResultsSection(
        reporting_currency=reporting,
        currencies=codes,
        months=tuple(months),
        total=total,
        by_rep=tuple(by_rep),
    )


def _shares(source: ReportSource, by: GroupBy) -> tuple[Share, ...]:
    found = _converted(source, source.grain, by)
    return tuple(
        sorted(
            (Share(label=row.label, revenue_in_reporting_currency=row.revenue) for row in found),
            key=lambda s: (-(s.revenue_in_reporting_currency or Decimal(0)), s.label),
        )
    )


_CUSTOMER_FIGURES = (
    "customers_served",
    "new_customers",
    "repeat_customers",
    "satisfaction",
    "satisfaction_scores",
    "visits",
)
"""The KPI table's figures the customers section shows as they are."""


def customers(source: ReportSource) -> CustomersSection:
    """Customers served, new and repeat, satisfaction (the KPI table), the customer
    records by status (the customers view) and revenue by region and industry."""
    (row,) = _kpi(source, source.grain, "total", None)
    engine, tables = source.view("customers")
    statuses = Counter(
        found.status.value for found in iter_customers(engine, tables, reader=source.reader)
    )
    return CustomersSection(
        **{name: getattr(row, name) for name in _CUSTOMER_FIGURES},
        by_status=tuple(sorted(statuses.items())),
        by_region=_shares(source, "region"),
        by_industry=_shares(source, "industry"),
    )


def pipeline(source: ReportSource) -> PipelineSection:
    """The pipeline as it stood at the period's end (or the report's moment if earlier):
    funnel, win rate, open weighted amount and the stage-weighted forecast by month."""
    engine, tables = source.view("pipeline")
    policy = source.policy
    figures = pipeline_figures(
        engine,
        tables,
        policy.stage_probability,
        source.until,
        reader=source.reader,
        stale_after_days=policy.stale_after_days,
    )
    summary = figures.summary(policy.currencies)
    converted = summary.in_reporting_currency
    return PipelineSection(
        **{name: getattr(figures, name) for name in ("as_of", "count", "open_count", "win_rate")},
        open_weighted=tuple(
            Amount(currency=code, amount=amount) for code, amount in figures.open_weighted.items()
        ),
        open_weighted_in_reporting_currency=None if converted is None else converted.amount,
        missing_rates=() if converted is None else converted.missing,
        funnel=tuple(
            StageLine(stage=s.stage, reached=s.reached, stage_conversion=s.stage_conversion)
            for s in summary.funnel
        ),
        forecast=tuple(
            ForecastLine(month=month, currency=code, weighted_amount=amount)
            for (month, code), amount in figures.forecast.items()
        ),
    )


def _review(source: ReportSource) -> ConformanceReport:
    """The conformance report of the period as at the report's moment, from the
    conformance view (ADR 39; as it stood then for a past moment, ADR 40), else replayed
    from the log (policies other than the view's)."""
    period = source.period
    found = _from_view(source, partial(reading.conformance_report, events_of=source.events_of))
    if found is None:
        found = conformance_report(
            source.app, source.policy, period.start, period.end, as_at=source.at
        )
    return found


def _from_view(source: ReportSource, read: Callable[..., T | None]) -> T | None:
    """``read`` (``reading.conformance_report``, ``reading.breaches_of_period``) of the
    conformance view for the report's period and moment; ``None`` if there is no such
    view or it cannot answer for them."""
    if not source.has(CONFORMANCE):
        return None
    engine, tables = source.view(CONFORMANCE)
    period = source.period
    with engine.connect() as conn:
        found: T | None = read(
            conn,
            tables,
            PolicyBook(source.policy),
            period.start,
            period.end,
            source.at,
            as_recorded=not source.in_the_past,
        )
    return found


def conformance(source: ReportSource) -> ConformanceSection:
    """The period's breaches of the SOP (time limits, authority, segregation) by rule;
    readers without the company-wide review see those of the people their sales reach
    covers (as ``GET /views/breaches``, ADR 30)."""
    review = _review(source)
    everyone = _everyone(source)
    breaches = _reached(source, review.breaches)
    return ConformanceSection(
        as_at=review.as_at,
        scope="every breach in the company"
        if everyone
        else "the breaches of the people the reader's sales reach covers",
        breaches=tuple(
            BreachLine(
                rule=b.rule,
                sop_step=b.sop_step,
                rule_text=b.rule_text,
                status=b.status.value,
                record=b.record,
                responsible=b.responsible.name,
                team=b.responsible.team,
                occurred_on=b.occurred_on,
            )
            for b in breaches
        ),
        by_rule=_by_rule(breaches),
        overrides=len(review.overrides) if everyone else 0,
    )


def conformance_by_rule(source: ReportSource) -> tuple[RuleLine, ...]:
    """The conformance section's ``by_rule`` (the period's breaches the reader may see,
    counted by rule), read from the conformance view without the rest of the report
    where the view can answer (the dashboard's table)."""
    found = _from_view(source, reading.breaches_of_period)
    if found is None:
        return conformance(source).by_rule
    return _by_rule(_reached(source, found))


def _everyone(source: ReportSource) -> bool:
    reader = source.reader
    return reader is None or reader.grant.conformance


def _reached(source: ReportSource, breaches: Sequence[Breach]) -> list[Breach]:
    """The breaches the report's reader may see: every one for a reader who reviews the
    SOP company-wide, else those of the people their sales reach covers (ADR 30)."""
    reader = source.reader
    if reader is None or _everyone(source):
        return list(breaches)
    return [b for b in breaches if reader.reaches(reader.sales, _id(b))]


def _by_rule(breaches: Sequence[Breach]) -> tuple[RuleLine, ...]:
    """The breaches counted by rule, the most broken first."""
    counts = Counter(b.rule for b in breaches)
    texts = {b.rule: (b.sop_step, b.rule_text) for b in breaches}
    return tuple(
        RuleLine(rule=rule, sop_step=texts[rule][0], text=texts[rule][1], breaches=count)
        for rule, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    )


def _id(breach: Breach) -> str | None:
    who = breach.responsible.employee_id
    return None if who is None else str(who)


_APPRAISAL_FACTS = (
    "employee_name",
    "period",
    "cycle",
    "stage",
    "final_score",
    "rating_band",
    "coaching",
)


def appraisals(source: ReportSource) -> AppraisalsSection:
    """The appraisals of the period's months (and of the quarter): final score, rating
    band, incentives and coaching, those the read policy's ``appraisals`` reach covers."""
    engine, tables = source.view("appraisals")
    found = appraisal_outcomes(
        engine, tables, source.period.start, source.period.end, reader=source.reader
    )
    bands = Counter(a.rating_band for a in found if a.rating_band is not None)
    return AppraisalsSection(
        appraisals=tuple(
            AppraisalLine(
                **{name: getattr(a, name) for name in _APPRAISAL_FACTS},
                incentives=tuple(i.described for i in a.incentives),
            )
            for a in found
        ),
        by_band=tuple(sorted(bands.items())),
    )


_IN_ORDER: tuple[SectionBuilder, ...] = (
    results,
    analyses.two_dimensions,
    analyses.market,
    customers,
    analyses.customer_analysis_section,
    analyses.losses,
    pipeline,
    analyses.forecast,
    conformance,
    appraisals,
)

SECTIONS: Mapping[ReportKind, tuple[SectionBuilder, ...]] = {
    "monthly": _IN_ORDER,
    "quarterly": _IN_ORDER,
}
"""Each report's sections, in order: where a new analysis plugs in."""
