"""The conformance report of one period: steps done, breaches, overrides and decisions
not judged, in total, per team and per person.

A step counts in the period it was recorded in; a breach in the period it happened
(a time limit: the day of the deadline; otherwise the day of the event); an override
when it was approved.  Days are UTC calendar days, both ends of the period included.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict
from salesdomain.projections.conformance.findings import (
    Breach,
    Family,
    Override,
    Person,
    PolicyMismatch,
    Rule,
    Status,
)
from salesdomain.projections.conformance.review import Review, finish

from salesdomain.sop import CATALOGUE

NO_ONE_NAMED = "(no one named)"


class StepCount(BaseModel):
    model_config = ConfigDict(frozen=True)
    sop_step: str
    title: str
    count: int


class RuleCount(BaseModel):
    """One rule the review re-ran (``rule``: its id in ``salesdomain.rules``) and how
    often it was breached in the period."""

    model_config = ConfigDict(frozen=True)
    rule: str
    sop_step: str
    text: str
    family: Family
    breaches: int
    still_open: int


class Summary(BaseModel):
    """One team's or one person's share of the period."""

    model_config = ConfigDict(frozen=True)
    team: str
    employee_id: UUID | None = None
    name: str = ""
    steps_done: int = 0
    steps: dict[str, int] = {}
    breaches: int = 0
    still_open: int = 0
    overrides: int = 0


class ConformanceReport(BaseModel):
    model_config = ConfigDict(frozen=True)
    period_start: date
    period_end: date
    as_at: datetime
    policy_version: str
    """The policy in force the reviewer supplied."""
    policy_versions_supplied: tuple[str, ...]
    policy_versions_recorded: dict[str, int]
    """Each policy version the history's decisions name, with how many name it."""
    events_reviewed: int
    last_position: int
    rules: tuple[Rule, ...]
    by_rule: tuple[RuleCount, ...]
    """Every rule re-run, in the SOP's order, with its breaches in the period."""
    steps: tuple[StepCount, ...]
    breaches: tuple[Breach, ...]
    overrides: tuple[Override, ...]
    policy_mismatches: tuple[PolicyMismatch, ...]
    """Decisions made under a policy version the reviewer did not supply: not judged."""
    teams: tuple[Summary, ...]
    people: tuple[Summary, ...]

    @property
    def still_open(self) -> tuple[Breach, ...]:
        return tuple(b for b in self.breaches if b.status is Status.STILL_OPEN)


def breaches_within(found: Iterable[Breach], period_start: date, period_end: date) -> list[Breach]:
    """The breaches that occurred in the period, in the report's order: by day, then log
    position, then rule."""
    return sorted(
        (b for b in found if period_start <= b.occurred_on <= period_end),
        key=lambda b: (b.occurred_on, b.position or 0, b.rule),
    )


def build_report(
    review: Review, rules: tuple[Rule, ...], period_start: date, period_end: date
) -> ConformanceReport:
    def within(day: date) -> bool:
        return period_start <= day <= period_end

    done = [(who, step, n) for (day, who, step), n in review.steps.items() if within(day)]
    breaches = breaches_within(finish(review), period_start, period_end)
    overrides = [o for o in review.overrides if within(o.at.date())]
    groups = _Groups()
    for person, step, count in done:
        groups.add(person, step=step, count=count)
    for breach in breaches:
        groups.add(breach.responsible, breach=breach)
    for override in overrides:
        groups.add(override.requested_by, override=True)
    counts: Counter[str] = Counter()
    for _, step, count in done:
        counts[step] += count
    return ConformanceReport(
        period_start=period_start,
        period_end=period_end,
        as_at=review.as_at,
        policy_version=review.policies.current.version,
        policy_versions_supplied=review.policies.versions,
        policy_versions_recorded=dict(sorted(review.versions.items())),
        events_reviewed=review.events,
        last_position=review.position,
        rules=rules,
        by_rule=_by_rule(rules, breaches),
        steps=tuple(
            StepCount(sop_step=code, title=CATALOGUE[code].title, count=counts[code])
            for code in sorted(counts, key=_step_order)
        ),
        breaches=tuple(breaches),
        overrides=tuple(overrides),
        policy_mismatches=tuple(m for m in review.mismatches if within(m.at.date())),
        teams=groups.teams(),
        people=groups.people(),
    )


def _step_order(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split("."))


def _by_rule(rules: tuple[Rule, ...], breaches: list[Breach]) -> tuple[RuleCount, ...]:
    found = Counter(b.rule for b in breaches)
    still_open = Counter(b.rule for b in breaches if b.status is Status.STILL_OPEN)
    return tuple(
        RuleCount(
            rule=r.id,
            sop_step=r.sop_step,
            text=r.text,
            family=r.family,
            breaches=found[r.id],
            still_open=still_open[r.id],
        )
        for r in sorted(rules, key=lambda r: (_step_order(r.sop_step), r.id))
    )


@dataclass
class _Tally:
    team: str
    employee_id: UUID | None = None
    name: str = ""
    steps: Counter[str] = field(default_factory=Counter)
    breaches: int = 0
    still_open: int = 0
    overrides: int = 0

    def summary(self) -> Summary:
        return Summary(
            team=self.team,
            employee_id=self.employee_id,
            name=self.name,
            steps_done=sum(self.steps.values()),
            steps=dict(sorted(self.steps.items(), key=lambda kv: _step_order(kv[0]))),
            breaches=self.breaches,
            still_open=self.still_open,
            overrides=self.overrides,
        )


class _Groups:
    def __init__(self) -> None:
        self.by_team: dict[str, _Tally] = {}
        self.by_person: dict[UUID | str, _Tally] = {}

    def add(
        self,
        person: Person,
        *,
        step: str | None = None,
        count: int = 1,
        breach: Breach | None = None,
        override: bool = False,
    ) -> None:
        team = person.team or NO_ONE_NAMED
        key = person.employee_id or person.name
        mine = self.by_person.setdefault(key, _Tally(team, person.employee_id, person.name))
        mine.team = team  # the team as at the person's latest finding
        for tally in (self.by_team.setdefault(team, _Tally(team)), mine):
            if step is not None:
                tally.steps[step] += count
            if breach is not None:
                tally.breaches += 1
                tally.still_open += breach.status is Status.STILL_OPEN
            tally.overrides += override

    def teams(self) -> tuple[Summary, ...]:
        return tuple(t.summary() for _, t in sorted(self.by_team.items()))

    def people(self) -> tuple[Summary, ...]:
        found = [t.summary() for t in self.by_person.values()]
        return tuple(sorted(found, key=lambda s: (s.team, s.name)))
