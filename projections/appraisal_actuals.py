"""An appraisal's actual figures, taken from the KPI tables (SOP 3.3.3 and 4.2.1).

The appraisal records the figures as facts (so a replay gives the same score years
later); this is where they come from, so that the figure in an appraisal equals the KPI
table's figure for the same employee and period.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any
from uuid import UUID

from salesdomain.projections.kpi import kpi_for_employee
from sqlalchemy import Engine, Table

from salesdomain.people.values import Period
from salesdomain.performance.values import Actual, Indicator


def appraisal_actuals(
    engine: Engine,
    tables: Mapping[str, Table],
    employee_id: UUID,
    period: Period,
    indicators: Iterable[Indicator],
    *,
    currency: str | None = None,
) -> tuple[Actual, ...]:
    """One ``Actual`` per indicator, from the KPI tables for ``period``, stating the
    view's figure (``kpi_figure``) as the appraisal requires; an indicator with no
    figure in the period (e.g. a win rate with nothing closed) is 0 and says so in its
    source.  A figure that must differ is recorded as a correction: change ``value``
    and say why in ``correction``."""
    figures: dict[str, Any] = kpi_for_employee(
        engine, tables, employee_id, period.start, period.end, currency=currency
    )
    actuals = []
    for indicator in indicators:
        value = figures.get(indicator.value)
        source = f"KPI table, {period.code}"
        if value is None:
            value, source = Decimal(0), f"KPI table, {period.code}: no figure in the period"
        figure = Decimal(value)
        actuals.append(Actual(indicator=indicator, value=figure, source=source, kpi_figure=figure))
    return tuple(actuals)
