"""The reviewer's entry points: read the raw event log of an application, replay it
through the conformance rules, and report (the CLI and the web dashboard call these)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

from salesdomain.projections.conformance import (
    appraisals,
    contracts,
    discounts,
    employment,
    enrolment,
    people,
    prospecting,
    recurring,
    time_limits,
)
from salesdomain.projections.conformance.findings import Breach, Family, Rule, Status
from salesdomain.projections.conformance.policies import PolicyBook
from salesdomain.projections.conformance.report import ConformanceReport, build_report
from salesdomain.projections.conformance.review import Entry, Review, finish, fold
from salesdomain.projections.log import ApplicationLog

from salesdomain import clock
from salesdomain.application import SalesApplication
from salesdomain.policy import SalesPolicy

RULES: tuple[Rule, ...] = (
    *employment.RULES,
    *time_limits.RULES,
    *contracts.RULES,
    *discounts.RULES,
    *people.RULES,
    *prospecting.RULES,
    *recurring.RULES,
    *enrolment.RULES,
    *appraisals.RULES,
)
"""Every rule the review re-runs, by family."""

PAGE = 1_000


def read_log(app: SalesApplication, page: int = PAGE, *, after: int = 0) -> Iterator[Entry]:
    """Every stored event in log order (after the position ``after``), decoded by the
    application's own mapper (command records come as ``(position, None)``)."""
    log = ApplicationLog(app)
    head = log.head()
    while after < head:
        entries = log.read(after, page)
        if not entries:
            return
        yield from entries
        after = entries[-1][0]


def review_history(
    app: SalesApplication,
    policy: SalesPolicy,
    as_at: datetime | None = None,
    *,
    earlier_policies: Iterable[SalesPolicy] = (),
) -> Review:
    """The whole history replayed as at ``as_at`` (default: now)."""
    moment = as_at_or_now(as_at)
    review = Review(PolicyBook(policy, earlier_policies), moment)
    for entry in read_log(app):
        fold(review, entry)
    return review


def conformance_report(
    app: SalesApplication,
    policy: SalesPolicy,
    period_start: date,
    period_end: date,
    as_at: datetime | None = None,
    *,
    earlier_policies: Iterable[SalesPolicy] = (),
) -> ConformanceReport:
    """Steps done, breaches, overrides and decisions not judged in the period
    ``period_start``..``period_end`` (UTC days, both included), as at ``as_at``
    (default: now).  Decisions are judged under the policy version they recorded:
    ``policy`` (in force) or one of ``earlier_policies``; others are listed in
    ``policy_mismatches``."""
    if period_end < period_start:
        raise ValueError(f"period_end {period_end} is before period_start {period_start}")
    review = review_history(app, policy, as_at, earlier_policies=earlier_policies)
    return build_report(review, RULES, period_start, period_end)


def open_breaches(
    app: SalesApplication,
    policy: SalesPolicy,
    as_at: datetime | None = None,
    *,
    earlier_policies: Iterable[SalesPolicy] = (),
) -> list[Breach]:
    """Deadlines passed, as at ``as_at``, without the step being done (oldest first)."""
    missed = time_limit_breaches(app, policy, as_at, earlier_policies=earlier_policies)
    return [b for b in missed if b.status is Status.STILL_OPEN]


def time_limit_breaches(
    app: SalesApplication,
    policy: SalesPolicy,
    as_at: datetime | None = None,
    *,
    earlier_policies: Iterable[SalesPolicy] = (),
) -> list[Breach]:
    """Every SOP time limit missed as at ``as_at``: steps done late and steps still not
    done after their deadline (oldest first), for monitoring such as the dashboard."""
    review = review_history(app, policy, as_at, earlier_policies=earlier_policies)
    return time_limits_missed(finish(review))


def time_limits_missed(breaches: Iterable[Breach]) -> list[Breach]:
    """The breaches of time limits among ``breaches``, oldest first."""
    found = [b for b in breaches if b.family is Family.TIME_LIMIT]
    return sorted(found, key=lambda b: (b.occurred_on, b.rule, str(b.record_id)))


def as_at_or_now(as_at: datetime | None) -> datetime:
    if as_at is None:
        return clock.now()
    if as_at.tzinfo is None:
        raise ValueError("as_at must be a timezone-aware time (e.g. 2026-03-31T23:59+00:00)")
    return as_at
