"""The quarter's KPI schemes (SOP 3.3.2); the policy's formula scores them (3.3.1)."""

from __future__ import annotations

from salesdomain.performance.values import Indicator, IndicatorSpec


def _specs(*rows: tuple[Indicator, str, str, str]) -> tuple[IndicatorSpec, ...]:
    return tuple(
        IndicatorSpec.model_validate(
            {"indicator": i, "weight": w, "target": t, "calculation": calc}
        )
        for i, w, t, calc in rows
    )


QUARTERLY = _specs(
    (Indicator.REVENUE, "0.30", "400000", "revenue of orders completed (delivered), CNY"),
    (Indicator.PROFIT, "0.15", "120000", "revenue minus cost of orders completed, CNY"),
    (Indicator.NEW_CUSTOMERS, "0.15", "1", "customers whose first order was completed"),
    (Indicator.SATISFACTION, "0.10", "4", "average survey and service-visit score (2.6)"),
    (Indicator.VISITS, "0.15", "4", "visits and online meetings logged (2.1.3)"),
    (Indicator.CONVERSION_RATE, "0.15", "0.5", "win rate: won / (won + lost) of those closed"),
)
"""Quarterly: results and customers weigh 70% (SOP 3.3.2)."""

MONTHLY = _specs(
    (Indicator.VISITS, "0.30", "4", "visits and online meetings logged (2.1.3)"),
    (Indicator.CONVERSION_RATE, "0.20", "0.5", "win rate: won / (won + lost) of those closed"),
    (Indicator.EXPENSE_CONTROL, "0.10", "3000", "approved sales expenses, CNY"),
    (Indicator.REVENUE, "0.25", "130000", "revenue of orders completed (delivered), CNY"),
    (Indicator.NEW_CUSTOMERS, "0.15", "1", "customers whose first order was completed"),
)
"""Monthly: process indicators weigh 60% (SOP 3.3.2)."""
