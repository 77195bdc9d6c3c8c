"""The customer analysis of a period (SOP 4.2.1; each figure defined in docs/kpi.md,
"Customers"): how many customers, their structure, activity, satisfaction and loyalty.

Read from the customers view's facts (``facts``), as the reader may see them (a sales
representative: the customers they own; ADR 30).  A record merged into another counts
in its survivor.  Money figures are in the ranking (``ranking``); here only counts,
shares and scores.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from salesdomain.projections.access import sales_readable
from salesdomain.projections.customers.projection import Customers
from salesdomain.projections.fractions import SCORE, mean, most_first, period_checked, share
from salesdomain.projections.projection import built_by
from sqlalchemy import ColumnElement, Table, case, func, select
from sqlalchemy.engine import Engine

from salesdomain.access import Reader
from salesdomain.prospecting.customer_policy import CustomerAnalysisPolicy


@dataclass(frozen=True)
class Share:
    """Customers of one industry or region, and their share of all."""

    name: str
    """The industry or region."""
    customers: int
    """Customers in this industry or region."""
    share: Decimal | None
    """Their share of all customers counted (0 to 1)."""


@dataclass(frozen=True)
class SurveyResults:
    """The survey answers recorded in the period."""

    answers: int
    """Number of survey answers in the period."""
    average_satisfaction: Decimal | None
    """1-5, to 2 places."""
    average_recommendation: Decimal | None
    """0-10, to 2 places."""
    promoters: int
    """Answers of 9 or 10 to "how likely are you to recommend us"."""
    passives: int
    """7 or 8."""
    detractors: int
    """0 to 6."""
    nps: Decimal | None
    """Net promoter score: (promoters - detractors) / answers x 100, -100 to 100, to 2
    places."""


@dataclass(frozen=True)
class CustomerAnalysis:
    since: date
    """First day of the analysed period."""
    until: date
    """Last day of the analysed period."""
    customers: int
    """Customers registered (or imported) by ``until``, not merged into another."""
    customers_served: int
    """Of them, those with an order completed in the period."""
    new_customers: int
    """Buying customers whose first completed order (ever) is in the period."""
    existing_customers: int
    """Buying customers with a completed order before the period."""
    new_share: Decimal | None
    """new_customers / customers_served."""
    by_industry: list[Share]
    """Customers served in the period by industry, with their share (4.1.2 dimensions)."""
    by_region: list[Share]
    """Customers served in the period by region, with their share (4.1.2 dimensions)."""
    active_customers: int
    """Customers whose last completed order (by ``until``) is at most the policy's
    ``active_within_days`` before ``until``."""
    dormant_customers: int
    """Last order older than that, but not more than ``lost_after_days``."""
    lost_customers: int
    """Last order more than ``lost_after_days`` before ``until``."""
    never_ordered: int
    """No completed order by ``until``."""
    repeat_purchase_rate: Decimal | None
    """Customers with two or more completed orders by ``until`` / those with one or more."""
    surveys: SurveyResults
    """Satisfaction survey results of the period (2.6.3)."""
    complete: bool
    """False while the view an earlier release built serves (its analysis facts are
    empty until ``salesdomain views rebuild --view customers``)."""


def counted_as(customers: Table) -> ColumnElement[str]:
    """The customer a record's figures count for: the one it was merged into, or itself."""
    return func.coalesce(customers.c.merged_into, customers.c.customer_id)


def activity(last_order: date | None, day: date, policy: CustomerAnalysisPolicy) -> str:
    """``active``, ``dormant``, ``lost`` or ``never_ordered`` on ``day``."""
    if last_order is None:
        return "never_ordered"
    days = (day - last_order).days
    if days <= policy.active_within_days:
        return "active"
    return "dormant" if days <= policy.lost_after_days else "lost"


@dataclass(frozen=True)
class History:
    """A customer's completed orders up to the last day of a period."""

    first: date
    last: date
    orders: int
    in_period: int


def order_history(
    engine: Engine, tables: Mapping[str, Table], since: date, until: date, reader: Reader | None
) -> dict[str, History]:
    """Each customer's first and last completed order by ``until``, how many it had by
    then and how many of them from ``since`` on."""
    customers, orders = tables["customers"], tables["orders"]
    whose, day = counted_as(customers), orders.c.delivered_on
    chosen = (
        select(
            whose.label("customer"),
            func.min(day),
            func.max(day),
            func.count(),
            func.sum(case((day >= since, 1), else_=0)),
        )
        .select_from(orders.join(customers, customers.c.customer_id == orders.c.customer_id))
        .where(day <= until)
        .group_by(whose)
    )
    chosen = chosen.where(sales_readable(customers.c.owner_id, reader))
    with engine.connect() as conn:
        return {
            row[0]: History(row[1], row[2], int(row[3]), int(row[4]))
            for row in conn.execute(chosen)
        }


def _population(
    engine: Engine, tables: Mapping[str, Table], until: date, reader: Reader | None
) -> list[tuple[str, str, str]]:
    c = tables["customers"].c
    chosen = select(c.customer_id, c.industry, c.region).where(
        c.merged_into.is_(None), c.registered_at < end_of(until)
    )
    chosen = chosen.where(sales_readable(c.owner_id, reader))
    with engine.connect() as conn:
        return [(row[0], row[1], row[2]) for row in conn.execute(chosen)]


def end_of(day: date) -> datetime:
    """The first moment after ``day`` (UTC)."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)


def survey_results(
    engine: Engine, tables: Mapping[str, Table], since: date, until: date, reader: Reader | None
) -> SurveyResults:
    """The survey answers recorded in the period, of the customers the reader may see."""
    customers, surveys, answers = tables["customers"], tables["surveys"], tables["survey_answers"]
    a = answers.c
    chosen = (
        select(a.satisfaction, a.recommendation)
        .select_from(
            answers.join(surveys, surveys.c.survey_id == a.survey_id).join(
                customers, customers.c.customer_id == surveys.c.customer_id
            )
        )
        .where(a.answered_on.between(since, until))
    )
    chosen = chosen.where(sales_readable(customers.c.owner_id, reader))
    with engine.connect() as conn:
        found = [(int(row[0]), int(row[1])) for row in conn.execute(chosen)]
    count = len(found)
    promoters = sum(1 for _, r in found if r >= 9)
    detractors = sum(1 for _, r in found if r <= 6)
    return SurveyResults(
        answers=count,
        average_satisfaction=mean([s for s, _ in found], SCORE),
        average_recommendation=mean([r for _, r in found], SCORE),
        promoters=promoters,
        passives=count - promoters - detractors,
        detractors=detractors,
        nps=None
        if not count
        else (Decimal(100 * (promoters - detractors)) / count).quantize(SCORE),
    )


def _shares(names: Counter[str]) -> list[Share]:
    return [Share(*found) for found in most_first(names)]


def customer_analysis(
    engine: Engine,
    tables: Mapping[str, Table],
    *,
    since: date,
    until: date,
    policy: CustomerAnalysisPolicy,
    reader: Reader | None = None,
) -> CustomerAnalysis:
    """The customer analysis of the days ``since`` to ``until`` (both included), as the
    reader may see it; activity as on ``until``.  Raises ``ValueError`` for a period
    that ends before it starts."""
    period_checked(since, until)
    population = _population(engine, tables, until, reader)
    history = order_history(engine, tables, since, until, reader)
    buying = [h for h in history.values() if h.in_period]
    new = sum(1 for h in buying if h.first >= since)
    status = Counter(
        activity(history[c].last if c in history else None, until, policy) for c, _, _ in population
    )
    return CustomerAnalysis(
        since=since,
        until=until,
        customers=len(population),
        customers_served=len(buying),
        new_customers=new,
        existing_customers=len(buying) - new,
        new_share=share(new, len(buying)),
        by_industry=_shares(Counter(industry for _, industry, _ in population)),
        by_region=_shares(Counter(region for _, _, region in population)),
        active_customers=status["active"],
        dormant_customers=status["dormant"],
        lost_customers=status["lost"],
        never_ordered=status["never_ordered"],
        repeat_purchase_rate=share(sum(1 for h in history.values() if h.orders >= 2), len(history)),
        surveys=survey_results(engine, tables, since, until, reader),
        complete=built_by(tables, Customers) >= Customers.version,
    )
