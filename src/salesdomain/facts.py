"""Facts are recorded when they happened, not ahead of time (SOP 1).

A contact, a presentation or a negotiation round carries the day it took place; a day
after today would be a plan recorded as a fact, and would count (as a KPI visit, say)
in a period that has not come.  Plans (an expected close, a delivery date, a deadline)
are checked by the rules of their own steps and may lie ahead.
"""

from __future__ import annotations

from datetime import date

from salesdomain.errors import SopRuleViolation
from salesdomain.rules.general import FACT_DATED_WHEN_IT_HAPPENED


def happened_by(today: date, at_step: str, **days: date) -> None:
    """Refuse, at SOP step ``at_step``, a fact whose day (keyword: the field that holds
    it, ``occurred_on=...``) is after ``today``; the refusal names the field."""
    for field, day in days.items():
        if day > today:
            raise SopRuleViolation(
                FACT_DATED_WHEN_IT_HAPPENED,
                f"{field} {day} is after today, {today}",
                at_step=at_step,
            )
