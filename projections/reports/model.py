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
    model_config = ConfigDict(frozen=True, extra="forbid")


class Amount(_Frozen):
    """Money in one currency; ``growth``: against the previous period (docs/kpi.md)."""

    currency: str
    amount: Decimal
    growth: Decimal | None = None


class ResultsLine(_Frozen):
    """The KPI table's results of one period (a month, or the whole report period)."""

    period: str
    start: date
    end: date
    revenue: tuple[Amount, ...]
    profit: tuple[Amount, ...]
    bookings: tuple[Amount, ...]
    revenue_in_reporting_currency: Decimal | None
    profit_in_reporting_currency: Decimal | None
    bookings_in_reporting_currency: Decimal | None
    units: Decimal | None
    orders_completed: Decimal | None
    won: Decimal | None
    lost: Decimal | None
    win_rate: Decimal | None
    missing_rates: tuple[str, ...] = ()
    """Each currency and day without a rate: the reporting-currency totals are then
    ``None`` (never a partial sum)."""


class RepLine(_Frozen):
    """One representative's results in the report period (the KPI table by rep)."""

    employee_id: str | None
    name: str
    revenue_in_reporting_currency: Decimal | None
    units: Decimal | None
    won: Decimal | None
    lost: Decimal | None
    win_rate: Decimal | None
    revenue_target: Decimal | None
    revenue_attainment: Decimal | None


class ResultsSection(_Frozen):
    kind: Literal["results"] = "results"
    title: str = "Results"
    reporting_currency: str
    currencies: tuple[str, ...]
    """The currencies of the period's money facts."""
    months: tuple[ResultsLine, ...]
    """Each month of the report period (one for a monthly report)."""
    total: ResultsLine
    """The whole report period."""
    by_rep: tuple[RepLine, ...]


class Share(_Frozen):
    """A group's revenue in the reporting currency (``None``: a rate was missing)."""

    label: str
    revenue_in_reporting_currency: Decimal | None


class CustomersSection(_Frozen):
    kind: Literal["customers"] = "customers"
    title: str = "Customers"
    customers_served: Decimal | None
    new_customers: Decimal | None
    repeat_customers: Decimal | None
    satisfaction: Decimal | None
    satisfaction_scores: Decimal | None
    visits: Decimal | None
    by_status: tuple[tuple[str, int], ...]
    """The customers view's records by status, as it stood at the report's moment."""
    by_region: tuple[Share, ...]
    by_industry: tuple[Share, ...]


class StageLine(_Frozen):
    stage: str
    reached: int
    stage_conversion: Decimal | None


class ForecastLine(_Frozen):
    """The open pipeline's weighted amount expected to close in one month."""

    month: str
    currency: str
    weighted_amount: Decimal


class PipelineSection(_Frozen):
    kind: Literal["pipeline"] = "pipeline"
    title: str = "Pipeline and forecast"
    as_of: datetime
    """The moment the pipeline stands at: the period's end, or the report's moment if
    earlier."""
    count: int
    open_count: int
    win_rate: Decimal | None
    open_weighted: tuple[Amount, ...]
    open_weighted_in_reporting_currency: Decimal | None
    missing_rates: tuple[str, ...] = ()
    funnel: tuple[StageLine, ...]
    forecast: tuple[ForecastLine, ...]


class BreachLine(_Frozen):
    rule: str
    sop_step: str
    rule_text: str
    status: str
    record: str
    responsible: str
    team: str
    occurred_on: date


class RuleLine(_Frozen):
    rule: str
    sop_step: str
    text: str
    breaches: int


class ConformanceSection(_Frozen):
    kind: Literal["conformance"] = "conformance"
    title: str = "Conformance breaches"
    as_at: datetime
    scope: str
    """Whose breaches: every one, or those of the people the reader's sales reach covers."""
    breaches: tuple[BreachLine, ...]
    by_rule: tuple[RuleLine, ...]
    overrides: int
    """Recorded exceptions approved in the period (all of them, for the whole company's
    readers; left out, 0, for the others)."""


class AppraisalLine(_Frozen):
    employee_name: str
    period: str
    cycle: str
    stage: str
    final_score: Decimal | None
    rating_band: str | None
    incentives: tuple[str, ...]
    coaching: bool


class AppraisalsSection(_Frozen):
    kind: Literal["appraisals"] = "appraisals"
    title: str = "Appraisal outcomes"
    appraisals: tuple[AppraisalLine, ...]
    by_band: tuple[tuple[str, int], ...]


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
    period: str
    period_start: date
    period_end: date
    title: str
    reader: str
    """Whose view: "Mia Chen, sales manager (team East)", or the administrator's."""
    as_of: datetime
    """The moment the views stand at (now, or the past moment asked)."""
    in_the_past: bool
    """Whether the views were rebuilt as they stood at a past moment (``as_of``)."""
    position: int
    """The last log position the views include."""
    reporting_currency: str
    policy_version: str
    sections: tuple[Section, ...]
