"""The demo's forecast (SOP 4.2.3, ADR 52): the current quarter's forecast by category
against the targets, and the last quarter that has ended replayed from its start."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from salesdomain.projections.forecast import (
    ForecastAccuracy,
    ForecastTable,
    forecast_accuracy,
    forecast_table,
)
from salesdomain.projections.kpi.periods import report_period

if TYPE_CHECKING:
    from salesdomain.adapters.bootstrap import System


def forecast_of(system: System, at: datetime) -> tuple[ForecastTable, ForecastAccuracy]:
    """The forecast of the quarter ``at`` lies in, as it stands at ``at``, and the
    accuracy of the last quarter ended by then, replayed from its start; per
    representative, in the reporting currency."""
    engine, tables = system.views.view("forecast")
    currencies = system.app.policy.currencies
    now = report_period(at.date(), "quarter")
    ended = report_period(now.start - timedelta(days=1), "quarter")
    return (
        forecast_table(engine, tables, now.label, at, currencies=currencies),
        forecast_accuracy(engine, tables, ended.label, at, currencies=currencies),
    )
