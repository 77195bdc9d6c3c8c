"""How the workspace shows a figure (issue 20, ADR 63): money with thousands separators,
two decimals and its currency ("334,800.00 CNY"), a ratio as a percentage ("100.0 %"),
a count as a whole number, a span of days as whole days.  One module, so every table
and chart label reads alike; a CSV keeps the library's own machine-readable text
(``raw``), never these.

A ``Figure`` is one cell: its value as the library gives it and how to show it; a plain
value is text (a name, a stage)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, NamedTuple

from salesdomain.projections.kpi.figures import MONEY_MEASURES

Kind = Literal["text", "money", "percent", "count", "days", "number", "moment"]

RATE_MEASURES = frozenset({"win_rate", "service_on_time_rate"})
"""The KPI measures that are ratios (shown as percentages)."""
SCORE_MEASURES = frozenset({"satisfaction", "units"})
"""The KPI measures that may hold decimals (shown as they are, with separators)."""


class Figure(NamedTuple):
    """One cell: ``value`` as the library gives it, shown as ``kind`` (in ``currency``)."""

    value: Any
    kind: Kind = "text"
    currency: str | None = None


def money(value: Any, currency: str | None) -> Figure:
    return Figure(value, "money", currency)


def count(value: Any) -> Figure:
    return Figure(value, "count")


def percent(value: Any) -> Figure:
    return Figure(value, "percent")


def days(value: timedelta | None) -> Figure:
    """A span of time, in whole days (what the library's timedelta holds)."""
    return Figure(None if value is None else value.days, "days")


def measure(name: str, value: Any, currency: str | None) -> Figure:
    """A KPI measure's figure (``docs/kpi.md``): money, a rate, a score or a count."""
    if name in MONEY_MEASURES:
        return money(value, currency)
    if name in RATE_MEASURES:
        return percent(value)
    return Figure(value, "number" if name in SCORE_MEASURES else "count")


def is_figure(value: Any) -> bool:
    """Whether a cell holds a figure (aligned right), not text."""
    return isinstance(value, Figure) and value.kind not in ("text", "moment")


def raw(value: Any) -> str:
    """The machine-readable text of a value (CSV, chart data): decimals as the library
    gives them, moments in ISO 8601 to the minute, nothing for none."""
    if isinstance(value, Figure):
        value = value.value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    return str(value)


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def shown(value: Any) -> str:
    """How a person reads ``value`` (a ``Figure``, or plain text)."""
    if not isinstance(value, Figure):
        value = Figure(value)
    if value.value is None or value.value == "":
        return ""
    if value.kind == "moment" or isinstance(value.value, datetime):
        moment = value.value
        return moment.strftime("%Y-%m-%d %H:%M") if isinstance(moment, datetime) else str(moment)
    if value.kind == "text" or isinstance(value.value, date):
        return str(value.value)
    number = _decimal(value.value)
    if number is None:
        return str(value.value)
    if value.kind == "money":
        return f"{number:,.2f} {value.currency or ''}".rstrip()
    if value.kind == "percent":
        return f"{number * 100:,.1f} %"
    if value.kind == "count":
        return f"{number:,.0f}"
    if value.kind == "days":
        whole = f"{number:,.0f}"
        return f"{whole} day" if whole in ("1", "-1") else f"{whole} days"
    return f"{number.normalize():,f}" if number == number.to_integral() else f"{number:,}"
