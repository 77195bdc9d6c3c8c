"""An appraisal's actual figures, taken from the KPI tables (SOP 3.3.3 and 4.2.1).

The appraisal records the figures as facts (so a replay gives the same score years
later); this is where they come from, so that the figure in an appraisal equals the KPI
table's figure for the same employee and period.  ``KpiViewFigures`` gives the same
figures to the application, which refuses actuals that state other ones (ADR 45).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any
from uuid import UUID

from salesdomain.projections.kpi import kpi_for_employee
from salesdomain.projections.read_models import ReadModels
from sqlalchemy import Engine, Table

from salesdomain.people.values import Period
from salesdomain.performance.kpi_figures import as_recorded
from salesdomain.performance.values import Actual, Indicator


def kpi_view_figures(
    engine: Engine,
    tables: Mapping[str, Table],
    employee_id: UUID,
    period: Period,
    indicators: Iterable[Indicator],
    *,
    currency: str | None = None,
    several: str | None = None,
) -> dict[Indicator, Decimal | None]:
    """Each indicator's figure in the KPI tables for the employee and ``period``
    (``None``: no figure in the period); currencies as ``kpi_for_employee``."""
    figures: dict[str, Any] = kpi_for_employee(
        engine, tables, employee_id, period.start, period.end, currency=currency, several=several
    )
    found = {indicator: figures.get(indicator.value) for indicator in indicators}
    return {
        indicator: None if value is None else Decimal(value) for indicator, value in found.items()
    }


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
    found = kpi_view_figures(engine, tables, employee_id, period, indicators, currency=currency)
    actuals = []
    for indicator, value in found.items():
        source = f"KPI table, {period.code}"
        if value is None:
            source = f"KPI table, {period.code}: no figure in the period"
        figure = as_recorded(value)
        actuals.append(Actual(indicator=indicator, value=figure, source=source, kpi_figure=figure))
    return tuple(actuals)


class KpiViewFigures:
    """The KPI view's figures for the application (``KpiFigures``): the view is first
    brought up to the log's head, so a figure counts everything recorded so far; money
    in the facts' one currency, else in ``reporting_currency``.  A KPI view stopped on
    an event it cannot apply gives no figures (``ProjectionStopped``)."""

    VIEW = "kpi"

    def __init__(self, views: ReadModels, reporting_currency: str) -> None:
        self.views = views
        self.reporting_currency = reporting_currency

    def figures(
        self, employee_id: UUID, period: Period, indicators: Iterable[Indicator]
    ) -> Mapping[Indicator, Decimal | None]:
        self.views.catch_up(only=[self.VIEW])
        stopped = self.views.stopped.get(self.VIEW)
        if stopped is not None:
            raise stopped
        kpi = self.views.runner(self.VIEW)
        return kpi_view_figures(
            kpi.engine,
            kpi.tables(),
            employee_id,
            period,
            indicators,
            several=self.reporting_currency,
        )
