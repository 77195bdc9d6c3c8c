"""The report's model: typed, immutable, one class per section (``kind`` tells them
apart), so the HTML template, the PDF and the JSON read the same figures.

Figure names are those of docs/kpi.md; money is ``Decimal`` with its currency, one
``Amount`` per currency, plus the reporting currency's total where the policy converts
it (ADR 48)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

ReportKind = Literal["monthly", "quarterly"]


class _Frozen(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True, frozen=True, extra="forbid")


class Amount(_Frozen):
    """Money in one currency; ``growth``: against the previous period (docs/kpi.md)."""

    currency: str
    """The currency of the amount."""
    amount: Decimal
    """The amount in that currency."""
    growth: Decimal | None = None
    """Growth against the previous period."""


class ResultsLine(_Frozen):
    """The KPI table's results of one period (a month, or the whole report period)."""

    period: str
    """The month or the whole period."""
    start: date
    """First day of the month or period."""
    end: date
    """Last day of the month or period."""
    revenue: tuple[Amount, ...]
    """Revenue per currency."""
    profit: tuple[Amount, ...]
    """Profit per currency."""
    bookings: tuple[Amount, ...]
    """Bookings (contracts signed) per currency."""
    revenue_in_reporting_currency: Decimal | None
    """Revenue in the reporting currency."""
    profit_in_reporting_currency: Decimal | None
    """Profit in the reporting currency."""
    bookings_in_reporting_currency: Decimal | None
    """Bookings in the reporting currency."""
    units: Decimal | None
    """Units sold."""
    orders_completed: Decimal | None
    """Orders completed by a receipt confirmation."""
    won: Decimal | None
    """Deals won."""
    lost: Decimal | None
    """Deals lost."""
    win_rate: Decimal | None
    """Won divided by won plus lost."""
    missing_rates: tuple[str, ...] = ()
    """Each currency and day without a rate: the reporting-currency totals are then
    ``None`` (never a partial sum)."""


class RepLine(_Frozen):
    """One representative's results in the report period (the KPI table by rep)."""

    employee_id: str | None
    """The sales representative."""
    name: str
    """The representative's name."""
    revenue_in_reporting_currency: Decimal | None
    """Revenue in the reporting currency."""
    units: Decimal | None
    """Units sold."""
    won: Decimal | None
    """Deals won."""
    lost: Decimal | None
    """Deals lost."""
    win_rate: Decimal | None
    """Won divided by won plus lost."""
    revenue_target: Decimal | None
    """The representative's revenue target for the period."""
    revenue_attainment: Decimal | None
    """Revenue divided by the target."""


class ResultsSection(_Frozen):
    kind: Literal["results"] = "results"
    """The section's kind: results."""
    title: str = "Results"
    """The section's heading."""
    reporting_currency: str
    """The currency amounts are converted to."""
    currencies: tuple[str, ...]
    """The currencies of the period's money facts."""
    months: tuple[ResultsLine, ...]
    """Each month of the report period (one for a monthly report)."""
    total: ResultsLine
    """The whole report period."""
    by_rep: tuple[RepLine, ...]
    """Results per sales representative."""


class Share(_Frozen):
    """A group's revenue in the reporting currency (``None``: a rate was missing)."""

    label: str
    """The region or industry."""
    revenue_in_reporting_currency: Decimal | None
    """Its revenue in the reporting currency."""


class CustomersSection(_Frozen):
    kind: Literal["customers"] = "customers"
    """The section's kind: customers."""
    title: str = "Customers"
    """The section's heading."""
    customers_served: Decimal | None
    """Customers with a completed order in the period."""
    new_customers: Decimal | None
    """Customers whose first order completed in the period."""
    repeat_customers: Decimal | None
    """Customers served who had ordered before."""
    satisfaction: Decimal | None
    """Average satisfaction score (2.6.2, 2.6.3)."""
    satisfaction_scores: Decimal | None
    """Number of satisfaction scores averaged."""
    visits: Decimal | None
    """Visits and meetings logged with customers (2.1.3)."""
    by_status: tuple[tuple[str, int], ...]
    """The customers view's records by status, as it stood at the report's moment."""
    by_region: tuple[Share, ...]
    """Revenue by region, in the reporting currency."""
    by_industry: tuple[Share, ...]
    """Revenue by industry, in the reporting currency."""


class StageLine(_Frozen):
    stage: str
    """The pipeline stage."""
    reached: int
    """Deals that reached this stage."""
    stage_conversion: Decimal | None
    """Share of deals reaching this stage that went on to the next."""


class ForecastLine(_Frozen):
    """The open pipeline's weighted amount expected to close in one month."""

    month: str
    """The month of expected close (YYYY-MM)."""
    currency: str
    """The currency of the amount."""
    weighted_amount: Decimal
    """Open deals' value expected to close that month, weighted by stage."""


class PipelineSection(_Frozen):
    kind: Literal["pipeline"] = "pipeline"
    """The section's kind: pipeline."""
    title: str = "Pipeline and forecast"
    """The section's heading."""
    as_of: datetime
    """The moment the pipeline stands at: the period's end, or the report's moment if
    earlier."""
    count: int
    """Opportunities in the pipeline."""
    open_count: int
    """Opportunities still open."""
    win_rate: Decimal | None
    """Won divided by won plus lost."""
    open_weighted: tuple[Amount, ...]
    """Weighted value of open deals per currency."""
    open_weighted_in_reporting_currency: Decimal | None
    """Weighted value of open deals in the reporting currency."""
    missing_rates: tuple[str, ...] = ()
    """Currencies without an exchange rate, left out of the converted total."""
    funnel: tuple[StageLine, ...]
    """Deals reaching each stage and the conversion between stages."""
    forecast: tuple[ForecastLine, ...]
    """Weighted value expected to close by month."""


class BreachLine(_Frozen):
    rule: str
    """The rule id broken (docs/rules.md)."""
    sop_step: str
    """The SOP step of the rule."""
    rule_text: str
    """The rule in words."""
    status: str
    """Late (done after the time limit) or open (still not done)."""
    record: str
    """The record the breach is on."""
    responsible: str
    """The responsible person."""
    team: str
    """The responsible person's team."""
    occurred_on: date
    """The day the time limit was missed."""


class RuleLine(_Frozen):
    rule: str
    """The rule id (docs/rules.md)."""
    sop_step: str
    """The SOP step of the rule."""
    text: str
    """The rule in words."""
    breaches: int
    """How many times it was broken in the period."""


class ConformanceSection(_Frozen):
    kind: Literal["conformance"] = "conformance"
    """The section's kind: conformance."""
    title: str = "Conformance breaches"
    """The section's heading."""
    as_at: datetime
    """The moment the conformance review stands at."""
    scope: str
    """Whose breaches: every one, or those of the people the reader's sales reach covers."""
    breaches: tuple[BreachLine, ...]
    """Time limits missed in the period."""
    by_rule: tuple[RuleLine, ...]
    """Breaches counted by rule."""
    overrides: int
    """Recorded exceptions approved in the period (all of them, for the whole company's
    readers; left out, 0, for the others)."""


class AppraisalLine(_Frozen):
    employee_name: str
    """The appraised employee."""
    period: str
    """The appraisal period (3.3.2)."""
    cycle: str
    """The appraisal cycle: monthly, quarterly or annual (3.3.2)."""
    stage: str
    """Where the appraisal stands (3.3.3)."""
    final_score: Decimal | None
    """The final weighted score."""
    rating_band: str | None
    """The rating band the score falls in."""
    incentives: tuple[str, ...]
    """Incentives decided (3.3.4)."""
    coaching: bool
    """Whether coaching was planned (3.3.4)."""


class AppraisalsSection(_Frozen):
    kind: Literal["appraisals"] = "appraisals"
    """The section's kind: appraisals."""
    title: str = "Appraisal outcomes"
    """The section's heading."""
    appraisals: tuple[AppraisalLine, ...]
    """Appraisals of the period the reader may see."""
    by_band: tuple[tuple[str, int], ...]
    """Appraisals counted by rating band."""


class CategoryLine(_Frozen):
    """One representative's forecast of the period by category (the forecast view's
    ``forecast_table``), in the reporting currency."""

    group: str
    """The representative, team or company the line is for."""
    won_amount: Decimal
    """What was won in the period."""
    commit: Decimal
    """Open deals in the commit category expected to close in the period."""
    best_case: Decimal
    """Open deals in the best-case category expected to close in the period."""
    pipeline: Decimal
    """Open deals in the pipeline category expected to close in the period."""
    omitted: Decimal
    """Open deals left out of the forecast."""
    open_deals: int
    """Open deals expected to close in the period."""
    category_forecast: Decimal
    """Won plus commit (docs/kpi.md, forecast)."""
    best_case_forecast: Decimal
    """Won plus commit plus best case."""
    revenue_target: Decimal | None
    """The revenue target for the period."""
    forecast_to_target: Decimal | None
    """The forecast divided by the target."""


class AccuracyLine(_Frozen):
    """How good one representative's forecast of the period was (``forecast_accuracy``)."""

    group: str
    """The representative, team or company the line is for."""
    forecast_at_start: Decimal
    """The forecast as it stood at the period's start (docs/kpi.md)."""
    best_case_at_start: Decimal
    """The best-case forecast as it stood at the period's start."""
    won_amount: Decimal
    """What was won in the period."""
    forecast_accuracy: Decimal | None
    """Won divided by the forecast at the start."""
    slipped: int
    """Deals forecast for the period whose expected close moved past it."""
    slipped_amount: Decimal
    """The value of the deals that slipped."""
    lost_deals: int
    """Deals forecast for the period that were lost."""
    lost_amount: Decimal
    """The value of the deals lost."""


class ForecastSection(_Frozen):
    kind: Literal["forecast"] = "forecast"
    """The section's kind: forecast."""
    title: str = "Forecast categories and accuracy"
    """The section's heading."""
    currency: str
    """The reporting currency every amount is converted into (at the day's rates)."""
    as_of: datetime
    """The moment the category forecast stands at: the period's end, or the report's
    moment if earlier."""
    lines: tuple[CategoryLine, ...]
    """The forecast by category per group, against target."""
    missing_rates: tuple[str, ...] = ()
    """Currencies without an exchange rate, left out of the converted figures."""
    accuracy: tuple[AccuracyLine, ...] | None
    """The forecast as it stood at the period's start against what was won in it,
    replayed from the view's history; ``None`` while the period has not ended at the
    report's moment."""
    slipped_deals: int = 0
    """Deals forecast for the period whose expected close moved past it."""


class Counted(_Frozen):
    """How many in one group (customers of an industry, deals lost for a reason) and
    their share of all."""

    name: str
    """The industry, region, reason, stage or competitor counted."""
    count: int
    """How many."""
    share: Decimal | None
    """Its share of the total (0 to 1)."""


class RankedLine(_Frozen):
    rank: int
    """The customer's place in the ranking (1 is the largest)."""
    company_name: str
    """The customer's company name."""
    region: str
    """The customer's region."""
    industry: str
    """The customer's industry."""
    revenue: Decimal
    """The customer's revenue in the period."""
    share: Decimal | None
    """Its share of the total revenue."""
    cumulative_share: Decimal | None
    """The share of this customer and all ranked above it."""
    abc_class: str
    """A, B or C by cumulative share (policy thresholds)."""
    activity: str
    """Active, dormant or lost on the period's last day."""


class Ranking(_Frozen):
    """The customers ranked by revenue in one currency (``customer_ranking``): the top."""

    currency: str
    """The currency the customers are ranked in."""
    total: Decimal
    """Total revenue of the customers ranked."""
    ranked: int
    """How many customers were ranked."""
    classes: tuple[tuple[str, int], ...]
    """Customers counted by ABC class."""
    rows: tuple[RankedLine, ...]
    """The largest customers, from the first."""


class CustomerAnalysisSection(_Frozen):
    kind: Literal["customer_analysis"] = "customer_analysis"
    """The section's kind: customer_analysis."""
    title: str = "Customer analysis"
    """The section's heading."""
    customers: int
    """Customers on record (4.2.1 customer count)."""
    customers_served: int
    """Customers with a completed order in the period."""
    new_customers: int
    """Customers whose first order completed in the period."""
    existing_customers: int
    """Customers served who had ordered before."""
    new_share: Decimal | None
    """New customers divided by customers served."""
    by_industry: tuple[Counted, ...]
    """Customers served by industry (4.2.1 structure)."""
    by_region: tuple[Counted, ...]
    """Customers served by region."""
    active_customers: int
    """Customers whose last order is recent enough to count as active (policy)."""
    dormant_customers: int
    """Customers whose last order is older, but not lost yet."""
    lost_customers: int
    """Customers whose last order is older than the policy's limit."""
    never_ordered: int
    """Customers without a completed order."""
    repeat_purchase_rate: Decimal | None
    """Customers with two or more orders divided by those with one or more (loyalty)."""
    survey_answers: int
    """Satisfaction survey answers in the period (2.6.3)."""
    average_satisfaction: Decimal | None
    """Average satisfaction of the answers (1 to 5)."""
    nps: Decimal | None
    """Net promoter score: promoters less detractors, as a share of answers."""
    promoters: int
    """Answers recommending us with 9 or 10."""
    passives: int
    """Answers recommending us with 7 or 8."""
    detractors: int
    """Answers recommending us with 0 to 6."""
    rankings: tuple[Ranking, ...]
    """One per currency of the period's money facts."""


class PriceGapLine(_Frozen):
    competitor: str
    """The competitor the deals were lost to."""
    lost: int
    """Deals lost to the competitor."""
    priced: int
    """Of those, the deals with the competitor's price recorded."""
    average_gap: Decimal | None
    """How far below our quote the competitor's price was, on average (0 to 1)."""


class LossesSection(_Frozen):
    kind: Literal["losses"] = "losses"
    """The section's kind: losses."""
    title: str = "Deals lost"
    """The section's heading."""
    lost: int
    """Deals lost in the period."""
    by_reason: tuple[Counted, ...]
    """Deals lost by reason, the most frequent first."""
    other_reasons: int
    """Deals lost for reasons beyond those listed."""
    by_stage: tuple[Counted, ...]
    """Deals lost by the stage they were lost in."""
    by_competitor: tuple[Counted, ...]
    """Deals lost by the competitor that won them."""
    price_gaps: tuple[PriceGapLine, ...]
    """How far the competitors' prices were below ours on the deals lost."""


class PairLine(_Frozen):
    """The results of one pair of groups in one period (``kpi_table(then_by=...)``)."""

    period: str
    """The month or the whole period."""
    first: str
    """The group of the first dimension (a representative, a region, ...)."""
    second: str
    """The group of the second dimension (a product, a month, ...)."""
    currency: str
    """The currency of revenue and profit."""
    revenue: Decimal | None
    """Revenue of the pair."""
    growth: Decimal | None
    """Revenue against the previous period."""
    growth_yoy: Decimal | None
    """Revenue against the same period of the previous year."""
    profit: Decimal | None
    """Profit of the pair."""
    units: Decimal | None
    """Units sold by the pair."""


class PairTable(_Frozen):
    first: str
    """The first dimension (rep, region, ...)."""
    second: str
    """The second dimension (product, month, ...)."""
    lines: tuple[PairLine, ...]
    """Results per pair of groups."""


class TwoDimensionsSection(_Frozen):
    kind: Literal["two_dimensions"] = "two_dimensions"
    """The section's kind: two_dimensions."""
    title: str = "Results by two dimensions"
    """The section's heading."""
    tables: tuple[PairTable, ...]
    """One table per pair of dimensions."""


class MarketLine(_Frozen):
    dimension: str
    """How the market is cut: by region, industry or product."""
    period: str
    """The period of the market size."""
    segment: str
    """The region, industry or product the market size is for."""
    currency: str
    """The currency of revenue and market size."""
    revenue: Decimal
    """Our revenue in the segment and period."""
    market_size: Decimal
    """The market size recorded from market research (2.1.1)."""
    market_share: Decimal | None
    """Our revenue divided by the market size (4.2.1)."""
    research: str
    """The market research note the size comes from."""
    recorded_on: date
    """The day the market size was recorded."""


class MarketShareSection(_Frozen):
    kind: Literal["market_share"] = "market_share"
    """The section's kind: market_share."""
    title: str = "Market share"
    """The section's heading."""
    lines: tuple[MarketLine, ...]
    """Our revenue against each market size recorded."""


Section = Annotated[
    ResultsSection
    | CustomersSection
    | PipelineSection
    | ConformanceSection
    | AppraisalsSection
    | ForecastSection
    | CustomerAnalysisSection
    | LossesSection
    | TwoDimensionsSection
    | MarketShareSection,
    Field(discriminator="kind"),
]
"""A section of the report; a new one is a model here, a builder in ``sections`` and a
block in the template."""


class SalesReport(_Frozen):
    """A monthly or quarterly sales report (SOP 4.2): its period, whose view it is, the
    moment the views stood at, and its sections in order."""

    kind: ReportKind
    """Monthly or quarterly report."""
    period: str
    """The period reported on (2026-03, 2026-Q1)."""
    period_start: date
    """First day of the period."""
    period_end: date
    """Last day of the period."""
    title: str
    """The report's title."""
    reader: str
    """Whose view: "Mia Chen, sales manager (team East)", or the administrator's."""
    as_of: datetime
    """The moment the views stand at (now, or the past moment asked)."""
    in_the_past: bool
    """Whether the views were rebuilt as they stood at a past moment (``as_of``)."""
    position: int
    """The last log position the views include."""
    reporting_currency: str
    """The currency amounts are converted to."""
    policy_version: str
    """The version of the sales policy the figures were computed under."""
    sections: tuple[Section, ...]
    """The report's sections: results, customers, pipeline, conformance, appraisals."""
