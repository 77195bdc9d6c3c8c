"""The forecast (SOP 4.2.3, ADR 52): each opportunity's forecast category, expected
close, amount and outcome with the history of their changes, so the forecast of a
period by category against its target, as it stands or stood at any moment, and how
good the forecast of a past period was, are queries of this view.

Tables: ``deals``, ``changes`` (position-keyed history), ``owners``, ``targets``.
Reads: ``forecast_table`` and ``forecast_accuracy``.
"""

from salesdomain.projections.forecast.accuracy import (
    AccuracyLine,
    ForecastAccuracy,
    SlippedDeal,
    WeekForecast,
    forecast_accuracy,
    week_starts,
)
from salesdomain.projections.forecast.projection import Forecast
from salesdomain.projections.forecast.queries import (
    BY,
    ForecastLine,
    ForecastTable,
    forecast_table,
    period_of,
)

__all__ = [
    "BY",
    "AccuracyLine",
    "Forecast",
    "ForecastAccuracy",
    "ForecastLine",
    "ForecastTable",
    "SlippedDeal",
    "WeekForecast",
    "forecast_accuracy",
    "forecast_table",
    "period_of",
    "week_starts",
]
