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
    won_amount: Decimal
    commit: Decimal
    best_case: Decimal
    pipeline: Decimal
    omitted: Decimal
    open_deals: int
    category_forecast: Decimal
    best_case_forecast: Decimal
    revenue_target: Decimal | None
    forecast_to_target: Decimal | None


class AccuracyLine(_Frozen):
    """How good one representative's forecast of the period was (``forecast_accuracy``)."""

    group: str
    forecast_at_start: Decimal
    best_case_at_start: Decimal
    won_amount: Decimal
    forecast_accuracy: Decimal | None
    slipped: int
    slipped_amount: Decimal
    lost_deals: int
    lost_amount: Decimal


class ForecastSection(_Frozen):
    kind: Literal["forecast"] = "forecast"
    title: str = "Forecast categories and accuracy"
    currency: str
    """The reporting currency every amount is converted into (at the day's rates)."""
    as_of: datetime
    """The moment the category forecast stands at: the period's end, or the report's
    moment if earlier."""
    lines: tuple[CategoryLine, ...]
    missing_rates: tuple[str, ...] = ()
    accuracy: tuple[AccuracyLine, ...] | None
    """The forecast as it stood at the period's start against what was won in it,
    replayed from the view's history; ``None`` while the period has not ended at the
    report's moment."""
    slipped_deals: int = 0


class Counted(_Frozen):
    """How many in one group (customers of an industry, deals lost for a reason) and
    their share of all."""

    name: str
    count: int
    share: Decimal | None


class RankedLine(_Frozen):
    rank: int
    company_name: str
    region: str
    industry: str
    revenue: Decimal
    share: Decimal | None
    cumulative_share: Decimal | None
    abc_class: str
    activity: str


class Ranking(_Frozen):
    """The customers ranked by revenue in one currency (``customer_ranking``): the top."""

    currency: str
    total: Decimal
    ranked: int
    classes: tuple[tuple[str, int], ...]
    rows: tuple[RankedLine, ...]


class CustomerAnalysisSection(_Frozen):
    kind: Literal["customer_analysis"] = "customer_analysis"
    title: str = "Customer analysis"
    customers: int
    customers_served: int
    new_customers: int
    existing_customers: int
    new_share: Decimal | None
    by_industry: tuple[Counted, ...]
    by_region: tuple[Counted, ...]
    active_customers: int
    dormant_customers: int
    lost_customers: int
    never_ordered: int
    repeat_purchase_rate: Decimal | None
    survey_answers: int
    average_satisfaction: Decimal | None
    nps: Decimal | None
    promoters: int
    passives: int
    detractors: int
    rankings: tuple[Ranking, ...]
    """One per currency of the period's money facts."""


class PriceGapLine(_Frozen):
    competitor: str
    lost: int
    priced: int
    average_gap: Decimal | None


class LossesSection(_Frozen):
    kind: Literal["losses"] = "losses"
    title: str = "Deals lost"
    lost: int
    by_reason: tuple[Counted, ...]
    other_reasons: int
    by_stage: tuple[Counted, ...]
    by_competitor: tuple[Counted, ...]
    price_gaps: tuple[PriceGapLine, ...]


class PairLine(_Frozen):
    """The results of one pair of groups in one period (``kpi_table(then_by=...)``)."""

    period: str
    first: str
    second: str
    currency: str
    revenue: Decimal | None
    growth: Decimal | None
    """Revenue against the previous period."""
    growth_yoy: Decimal | None
    """Revenue against the same period of the previous year."""
    profit: Decimal | None
    units: Decimal | None


class PairTable(_Frozen):
    first: str
    second: str
    lines: tuple[PairLine, ...]


class TwoDimensionsSection(_Frozen):
    kind: Literal["two_dimensions"] = "two_dimensions"
    title: str = "Results by two dimensions"
    tables: tuple[PairTable, ...]


class MarketLine(_Frozen):
    dimension: str
    period: str
    segment: str
    currency: str
    revenue: Decimal
    market_size: Decimal
    market_share: Decimal | None
    research: str
    recorded_on: date


class MarketShareSection(_Frozen):
    kind: Literal["market_share"] = "market_share"
    title: str = "Market share"
    lines: tuple[MarketLine, ...]


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
