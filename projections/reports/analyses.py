"""The report's sections of the analyses of SOP 4.2.1 and 4.2.3: forecast categories and
accuracy (the forecast view), the customer analysis with the top of the ranking and
the losses (the customers view), results by two dimensions and market share (the KPI
view).  Each reads through the view's own query, with the reader (ADR 30)."""

from __future__ import annotations

from datetime import date

from salesdomain.projections.customers import customer_analysis, customer_ranking, loss_analysis
from salesdomain.projections.customers.losses import LossGroup
from salesdomain.projections.forecast import forecast_accuracy, forecast_table
from salesdomain.projections.kpi import GroupBy, KpiRow, kpi_table
from salesdomain.projections.kpi.market import MarketBy, market_share
from salesdomain.projections.reports.model import (
    AccuracyLine,
    CategoryLine,
    Counted,
    CustomerAnalysisSection,
    ForecastSection,
    LossesSection,
    MarketLine,
    MarketShareSection,
    PairLine,
    PairTable,
    PriceGapLine,
    RankedLine,
    Ranking,
    TwoDimensionsSection,
)
from salesdomain.projections.reports.source import ReportSource, end_of

RANKED = 10
"""Customers the report lists from the top of each ranking."""
LOSS_REASONS = 10
"""Reasons the report lists (the rest are counted together)."""

_CATEGORY_FIGURES = tuple(name for name in CategoryLine.model_fields if name != "group")
"""The figures a ``CategoryLine`` takes as the forecast view's line states them."""
_ACCURACY_FIGURES = tuple(name for name in AccuracyLine.model_fields if name != "group")
"""The figures an ``AccuracyLine`` takes as the forecast view's accuracy states them."""


def forecast(source: ReportSource) -> ForecastSection:
    """The period's forecast by category against the target per representative, as it
    stood at the period's end (or the report's moment if earlier); once the period has
    ended, the forecast as it stood at its start against what was won, replayed from
    the forecast view's history.  In the reporting currency."""
    engine, tables = source.view("forecast")
    currencies = source.policy.currencies
    code, reader = source.period.label, source.reader
    table = forecast_table(
        engine, tables, code, source.until, by="rep", reader=reader, currencies=currencies
    )
    accuracy, slipped, missing = None, 0, set(table.missing_rates)
    if source.at >= end_of(source.period):
        replayed = forecast_accuracy(
            engine, tables, code, source.at, by="rep", reader=reader, currencies=currencies
        )
        accuracy = tuple(
            AccuracyLine(group=line.group, **{n: getattr(line, n) for n in _ACCURACY_FIGURES})
            for line in replayed.lines
        )
        slipped, missing = len(replayed.slipped_deals), missing | set(replayed.missing_rates)
    return ForecastSection(
        currency=currencies.reporting_currency,
        as_of=table.as_of,
        lines=tuple(
            CategoryLine(group=line.group, **{n: getattr(line, n) for n in _CATEGORY_FIGURES})
            for line in table.lines
        ),
        missing_rates=tuple(sorted(missing)),
        accuracy=accuracy,
        slipped_deals=slipped,
    )


def _last_day(source: ReportSource) -> date:
    """The day activity is judged on: the period's last, or the report's moment's."""
    return source.until.date()


def customer_analysis_section(source: ReportSource) -> CustomerAnalysisSection:
    """How many customers, new against existing, by industry and region, active,
    dormant and lost, satisfaction, NPS and repeat purchase (``customer_analysis``), and
    the top of the ranking by revenue with ABC classes, one per currency."""
    engine, tables = source.view("customers")
    policy, reader = source.policy.customers, source.reader
    since, until = source.period.start, _last_day(source)
    found = customer_analysis(
        engine, tables, since=since, until=until, policy=policy, reader=reader
    )
    rankings = []
    for code in source.currencies():
        ranking = customer_ranking(
            engine,
            tables,
            since=since,
            until=until,
            currency=code,
            policy=policy,
            reader=reader,
            limit=RANKED,
        )
        rankings.append(
            Ranking(
                currency=code,
                total=ranking.total.amount,
                ranked=ranking.ranked,
                classes=tuple(ranking.classes.items()),
                rows=tuple(
                    RankedLine(
                        rank=row.rank,
                        company_name=row.company_name,
                        region=row.region,
                        industry=row.industry,
                        revenue=row.revenue.amount,
                        share=row.share,
                        cumulative_share=row.cumulative_share,
                        abc_class=row.abc_class,
                        activity=row.activity,
                    )
                    for row in ranking.rows
                ),
            )
        )
    surveys = found.surveys
    counts = (
        "customers",
        "customers_served",
        "new_customers",
        "existing_customers",
        "new_share",
        "active_customers",
        "dormant_customers",
        "lost_customers",
        "never_ordered",
        "repeat_purchase_rate",
    )
    return CustomerAnalysisSection(
        **{name: getattr(found, name) for name in counts},
        by_industry=tuple(
            Counted(name=s.name, count=s.customers, share=s.share) for s in found.by_industry
        ),
        by_region=tuple(
            Counted(name=s.name, count=s.customers, share=s.share) for s in found.by_region
        ),
        survey_answers=surveys.answers,
        average_satisfaction=surveys.average_satisfaction,
        nps=surveys.nps,
        promoters=surveys.promoters,
        passives=surveys.passives,
        detractors=surveys.detractors,
        rankings=tuple(rankings),
    )


def _losses(groups: list[LossGroup]) -> tuple[Counted, ...]:
    return tuple(Counted(name=g.name, count=g.lost, share=g.share) for g in groups)


def losses(source: ReportSource) -> LossesSection:
    """The deals lost in the period by reason, stage reached and competitor, and the
    price gap to each competitor (``loss_analysis``)."""
    engine, tables = source.view("customers")
    found = loss_analysis(
        engine,
        tables,
        since=source.period.start,
        until=_last_day(source),
        reader=source.reader,
        limit=LOSS_REASONS,
    )
    return LossesSection(
        lost=found.lost,
        by_reason=_losses(found.by_reason),
        other_reasons=found.other_reasons,
        by_stage=_losses(found.by_stage),
        by_competitor=_losses(found.by_competitor),
        price_gaps=tuple(
            PriceGapLine(
                competitor=g.competitor, lost=g.lost, priced=g.priced, average_gap=g.average_gap
            )
            for g in found.price_gaps
        ),
    )


PAIRS: tuple[tuple[str, GroupBy, GroupBy | None], ...] = (
    ("representative", "rep", "product"),
    ("region", "region", None),
)
"""The report's tables by two dimensions: representative by product in the report's
period, and region by month (a one-dimension table by month is the second)."""

_SECOND_NAMES = {"product": "product", None: "month"}


def _pair(row: KpiRow, code: str, by_month: bool) -> PairLine:
    return PairLine(
        period=row.period,
        first=row.label,
        second=row.period if by_month else row.second_label or "",
        currency=code,
        revenue=row.revenue,
        growth=row.growth.get("revenue"),
        growth_yoy=row.growth_yoy.get("revenue"),
        profit=row.profit,
        units=row.units,
    )


def two_dimensions(source: ReportSource) -> TwoDimensionsSection:
    """Revenue, profit and units by representative and product, and by region and month,
    with growth against the previous period and the same period of the previous year
    (``kpi_table(..., then_by=)``), one currency at a time."""
    engine, tables = source.view("kpi")
    found = []
    for first, by, then_by in PAIRS:
        lines = []
        for code in source.currencies():
            rows = kpi_table(
                engine,
                tables,
                grain=source.grain if then_by else "month",
                by=by,
                then_by=then_by,
                since=source.period.start,
                until=source.period.end,
                currency=code,
                reader=source.reader,
            )
            lines += [_pair(row, code, then_by is None) for row in rows if row.revenue]
        found.append(PairTable(first=first, second=_SECOND_NAMES[then_by], lines=tuple(lines)))
    return TwoDimensionsSection(tables=tuple(found))


MARKETS: tuple[MarketBy, ...] = ("region", "industry", "product")


def market(source: ReportSource) -> MarketShareSection:
    """Our revenue against the market size market research recorded, per region,
    industry and product segment sized for a period overlapping the report's."""
    engine, tables = source.view("kpi")
    lines = [
        MarketLine(
            dimension=found.dimension,
            period=found.period,
            segment=found.segment,
            currency=found.currency,
            revenue=found.revenue,
            market_size=found.market_size,
            market_share=found.market_share,
            research=found.note_subject,
            recorded_on=found.recorded_at.date(),
        )
        for by in MARKETS
        for found in market_share(
            engine,
            tables,
            by=by,
            since=source.period.start,
            until=source.period.end,
            reader=source.reader,
        )
    ]
    return MarketShareSection(lines=tuple(lines))
