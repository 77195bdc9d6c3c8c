"""Report periods: a day, month, quarter or year, and the periods between two days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Grain = Literal["day", "month", "quarter", "year"]

PERIOD_LIMIT = 3_660
"""Periods in one KPI table: ten years of days, or three hundred of months (the web
API and the CLI refuse a longer table naming its dates)."""


def count_periods(since: date, until: date, grain: str) -> int:
    """How many periods of ``grain`` (day, month, quarter, year) overlap
    ``since``..``until``, counted without listing them."""
    if grain == "day":
        return (until - since).days + 1
    per_year = {"month": 12, "quarter": 4, "year": 1}[grain]

    def index(day: date) -> int:
        return day.year * per_year + (day.month - 1) * per_year // 12

    return index(until) - index(since) + 1


@dataclass(frozen=True, order=True)
class ReportPeriod:
    """A day ("2026-03-02"), month ("2026-03"), quarter ("2026-Q1") or year ("2026");
    the month, quarter and year codes are those of sales targets (``people.values.Period``)."""

    start: date
    end: date
    label: str


def report_period(day: date, grain: Grain) -> ReportPeriod:
    """The period of ``grain`` that contains ``day``."""
    if grain == "day":
        return ReportPeriod(day, day, day.isoformat())
    if grain == "month":
        first, months, label = day.month, 1, f"{day.year}-{day.month:02d}"
    elif grain == "quarter":
        quarter = (day.month - 1) // 3 + 1
        first, months, label = 3 * quarter - 2, 3, f"{day.year}-Q{quarter}"
    elif grain == "year":
        first, months, label = 1, 12, f"{day.year}"
    else:
        raise ValueError(f"unknown grain {grain!r}: day, month, quarter or year")
    start = date(day.year, first, 1)
    after = first + months
    end = (date(day.year + 1, 1, 1) if after > 12 else date(day.year, after, 1)) - timedelta(1)
    return ReportPeriod(start, end, label)


def periods_between(since: date, until: date, grain: Grain) -> list[ReportPeriod]:
    """Every period of ``grain`` that overlaps ``since``..``until`` (both included)."""
    if until < since:
        raise ValueError(f"until ({until}) is before since ({since})")
    periods = [report_period(since, grain)]
    while periods[-1].end < until:
        periods.append(report_period(periods[-1].end + timedelta(1), grain))
    return periods
