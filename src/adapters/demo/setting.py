"""The quarter's setting: its dates, currency, team and office hours."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time

from salesdomain.people.values import Period

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # Monday of the quarter's first full week
QUARTER = Period.parse("2026-Q1")
MONTHS = (Period.parse("2026-01"), Period.parse("2026-02"))
CURRENCY = "CNY"
TEAM = "Sales East"
OPENING, CLOSING = time(9, 0), time(18, 0)

Progress = Callable[[str, int, int], None]
"""Told (what is being done, how far, out of how much)."""
REQUIREMENTS = ("Two years of B2B sales", "Degree in engineering or business")
NORA_STARTS = date(2026, 2, 2)
