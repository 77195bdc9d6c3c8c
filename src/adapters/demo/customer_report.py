"""The demo's customer and loss analyses of the quarter (SOP 4.2.1, ADR 51), read back
from the customers and prices views as the library's reads give them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from salesdomain.adapters.demo.setting import CURRENCY, QUARTER
from salesdomain.projections.customers import (
    CustomerAnalysis,
    CustomerRanking,
    LossAnalysis,
    customer_analysis,
    customer_ranking,
    loss_analysis,
)
from salesdomain.projections.prices.summary import CompetitorPricing, pricing_by_competitor

if TYPE_CHECKING:
    from salesdomain.adapters.bootstrap import System

RANKED = 5
"""Customers the demo lists from the top of the ranking."""


@dataclass(frozen=True)
class CustomerSection:
    analysis: CustomerAnalysis
    ranking: CustomerRanking
    """By revenue, in the quarter's currency."""
    losses: LossAnalysis
    pricing: list[CompetitorPricing]


def customer_section(system: System) -> CustomerSection:
    """The quarter's customers, ranking, losses and competitor prices (views caught up)."""
    customers, prices = system.views.runner("customers"), system.views.runner("prices")
    engine, tables = customers.engine, customers.tables()
    policy = system.app.policy.customers
    since, until = QUARTER.start, QUARTER.end
    return CustomerSection(
        analysis=customer_analysis(engine, tables, since=since, until=until, policy=policy),
        ranking=customer_ranking(
            engine,
            tables,
            since=since,
            until=until,
            currency=CURRENCY,
            policy=policy,
            limit=RANKED,
        ),
        losses=loss_analysis(engine, tables, since=since, until=until),
        pricing=pricing_by_competitor(prices.engine, prices.tables(), since=since, until=until),
    )
