"""Recurring duties of the SOP as policy data (SOP 1, 2.1.1, 2.6.3, 3.2.2, 3.2.3, 3.4).

The SOP asks for some steps again and again: weekly team meetings (3.4.2), periodic
market research (2.1.1), satisfaction surveys (2.6.3), periodic training (3.2.2),
career-plan reviews (3.2.3) and team-building activities (3.4.1).  It does not say how
often; the company does, in ``SalesPolicy.recurring_duties``: which duty, its cadence
(a week, a month, a quarter, a year), whether each team or each person owes it, and the
roles and teams it applies to.  The conformance review lists every period that ended
without the duty done (``salesdomain.projections.conformance.recurring``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from salesdomain.bounds import LIST_LENGTH
from salesdomain.rules.after_sales import SATISFACTION_SURVEY_EVERY_PERIOD
from salesdomain.rules.customer_development import MARKET_RESEARCH_EVERY_PERIOD
from salesdomain.rules.rule import SopRule
from salesdomain.rules.teamwork import TEAM_BUILDING_EVERY_PERIOD, TEAM_MEETING_EVERY_PERIOD
from salesdomain.rules.training import CAREER_PLAN_REVIEWED_EVERY_PERIOD, TRAINING_EVERY_PERIOD
from salesdomain.sop import Role
from salesdomain.values import Name


class Duty(Enum):
    """A recurring duty of the SOP and what the history records when it is done."""

    TEAM_MEETING = "team_meeting"
    MARKET_RESEARCH = "market_research"
    SATISFACTION_SURVEY = "satisfaction_survey"
    TRAINING = "training"
    CAREER_PLAN_REVIEW = "career_plan_review"
    TEAM_BUILDING = "team_building"

    @property
    def rule(self) -> SopRule:
        return _RULES[self]

    @property
    def sop_step(self) -> str:
        return self.rule.sop_step

    @property
    def words(self) -> str:
        """The duty in a sales manager's words ("team meeting")."""
        return _WORDS[self]


_RULES: dict[Duty, SopRule] = {
    Duty.TEAM_MEETING: TEAM_MEETING_EVERY_PERIOD,
    Duty.MARKET_RESEARCH: MARKET_RESEARCH_EVERY_PERIOD,
    Duty.SATISFACTION_SURVEY: SATISFACTION_SURVEY_EVERY_PERIOD,
    Duty.TRAINING: TRAINING_EVERY_PERIOD,
    Duty.CAREER_PLAN_REVIEW: CAREER_PLAN_REVIEWED_EVERY_PERIOD,
    Duty.TEAM_BUILDING: TEAM_BUILDING_EVERY_PERIOD,
}
_WORDS: dict[Duty, str] = {
    Duty.TEAM_MEETING: "team meeting",
    Duty.MARKET_RESEARCH: "market research",
    Duty.SATISFACTION_SURVEY: "satisfaction survey",
    Duty.TRAINING: "periodic training",
    Duty.CAREER_PLAN_REVIEW: "career plan review",
    Duty.TEAM_BUILDING: "team-building activity",
}


@dataclass(frozen=True)
class Period:
    """One occurrence of a cadence: its first and last day (both included) and its name."""

    start: date
    end: date
    name: str
    """"week 2026-W14", "month 2026-04", "quarter 2026-Q2", "year 2026"."""


class Cadence(Enum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"

    def period_of(self, day: date) -> Period:
        """The period of this cadence that ``day`` falls in (weeks are ISO weeks, Monday first)."""
        if self is Cadence.WEEKLY:
            year, week, weekday = day.isocalendar()
            start = day - timedelta(days=weekday - 1)
            return Period(start, start + timedelta(days=6), f"week {year}-W{week:02d}")
        if self is Cadence.MONTHLY:
            start = day.replace(day=1)
            return Period(start, _next_month(start, 1) - timedelta(days=1), f"month {day:%Y-%m}")
        if self is Cadence.QUARTERLY:
            quarter = (day.month - 1) // 3
            start = date(day.year, 3 * quarter + 1, 1)
            end = _next_month(start, 3) - timedelta(days=1)
            return Period(start, end, f"quarter {day.year}-Q{quarter + 1}")
        return Period(date(day.year, 1, 1), date(day.year, 12, 31), f"year {day.year}")

    def whole_periods(self, first: date, last: date) -> Iterator[Period]:
        """The periods that lie wholly within ``first``..``last`` (both included), in order."""
        period = self.period_of(first)
        if period.start < first:
            period = self.period_of(period.end + timedelta(days=1))
        while period.end <= last:
            yield period
            period = self.period_of(period.end + timedelta(days=1))


def _next_month(start: date, months: int) -> date:
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


class Scope(Enum):
    """Who owes a duty: each team, or each person."""

    TEAM = "team"
    PERSON = "person"


SALES_STAFF = frozenset({Role.SALES_REPRESENTATIVE, Role.SALES_SUPERVISOR, Role.SALES_MANAGER})


class RecurringDuty(BaseModel):
    """One recurring duty: what, how often, owed by each team or each person, and by whom.

    ``roles``: a person owes a person's duty if they hold one of these roles; a team owes
    a team's duty if one of its members held one while in it (empty: everyone, every team).
    ``teams``: only these teams and their members owe it (empty: every team).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    duty: Duty
    cadence: Cadence
    scope: Scope
    roles: frozenset[Role] = Field(default=frozenset(), max_length=len(Role))
    teams: frozenset[Name] = Field(default=frozenset(), max_length=LIST_LENGTH)

    @property
    def sop_step(self) -> str:
        return self.duty.sop_step

    def applies_to(self, team: str, roles: frozenset[Role]) -> bool:
        """Whether a member of ``team`` holding ``roles`` is one the duty applies to."""
        in_team = not self.teams or team in self.teams
        return in_team and (not self.roles or bool(self.roles & roles))


def default_duties() -> tuple[RecurringDuty, ...]:
    """The SOP's recurring duties with the cadence a sales department would expect."""
    return (
        RecurringDuty(
            duty=Duty.TEAM_MEETING, cadence=Cadence.WEEKLY, scope=Scope.TEAM, roles=SALES_STAFF
        ),
        RecurringDuty(
            duty=Duty.MARKET_RESEARCH,
            cadence=Cadence.QUARTERLY,
            scope=Scope.TEAM,
            roles=SALES_STAFF,
        ),
        RecurringDuty(
            duty=Duty.SATISFACTION_SURVEY,
            cadence=Cadence.QUARTERLY,
            scope=Scope.TEAM,
            roles=frozenset({Role.AFTER_SALES}),
        ),
        RecurringDuty(
            duty=Duty.TRAINING, cadence=Cadence.YEARLY, scope=Scope.PERSON, roles=SALES_STAFF
        ),
        RecurringDuty(
            duty=Duty.CAREER_PLAN_REVIEW,
            cadence=Cadence.YEARLY,
            scope=Scope.PERSON,
            roles=frozenset({Role.SALES_REPRESENTATIVE, Role.SALES_SUPERVISOR}),
        ),
        RecurringDuty(
            duty=Duty.TEAM_BUILDING,
            cadence=Cadence.QUARTERLY,
            scope=Scope.TEAM,
            roles=SALES_STAFF,
        ),
    )
