"""Reading the conformance view (ADR 39): the time limits missed as at a moment, and the
report of a period, from the rows the follower keeps, with the same answers as a replay
of the log (``conformance.time_limit_breaches``, ``conformance_report``).

The view holds the history as recorded so far, so it answers for a moment at or after
the newest event it folded; an earlier moment (history as it stood then), or policies
other than those it judges under, are for a replay (these functions answer ``None``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from salesdomain.projections.conformance.api import RULES, time_limits_missed
from salesdomain.projections.conformance.codec import loads
from salesdomain.projections.conformance.findings import Breach, Override, Person, PolicyMismatch
from salesdomain.projections.conformance.policies import PolicyBook
from salesdomain.projections.conformance.report import ConformanceReport, build_report
from salesdomain.projections.conformance.review import Review, finish
from salesdomain.projections.conformance.view.rows import deadline_from, member_from
from sqlalchemy import Table, and_, or_, select, true
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement


def judging(
    conn: Connection,
    tables: dict[str, Table],
    policies: PolicyBook,
    as_at: datetime,
    *,
    as_recorded: bool = False,
) -> Review | None:
    """An empty review as at ``as_at`` with the view's staff register and counters, or
    ``None`` if the view cannot answer for that moment under those policies.
    ``as_recorded``: every event the view folded counts, even one stamped after
    ``as_at`` (a "now" asked on a host whose clock runs behind the one that recorded it)."""
    meta = {name: loads(value) for name, value in conn.execute(select(tables["meta"]))}
    if tuple(meta.get("policies", policies.versions)) != policies.versions:
        return None
    newest = meta.get("newest")
    if newest is not None and as_at < newest and not as_recorded:
        return None
    review = Review(policies, as_at)
    review.staff.members = {
        member.employee_id: member
        for member in (
            member_from(text) for (text,) in conn.execute(select(tables["staff"].c.member))
        )
    }
    review.events = int(meta.get("events", 0))
    review.position = int(meta.get("position", 0))
    review.versions = dict(meta.get("versions", {}))
    return review


def time_limit_breaches(
    conn: Connection,
    tables: dict[str, Table],
    policies: PolicyBook,
    as_at: datetime,
    *,
    as_recorded: bool = False,
) -> list[Breach] | None:
    """As ``conformance.time_limit_breaches(app, policy, as_at)``, from the view."""
    review = judging(conn, tables, policies, as_at, as_recorded=as_recorded)
    if review is None:
        return None
    _missed_deadlines(conn, tables, review, true())
    return time_limits_missed(finish(review))


def conformance_report(
    conn: Connection,
    tables: dict[str, Table],
    policies: PolicyBook,
    period_start: date,
    period_end: date,
    as_at: datetime,
    *,
    as_recorded: bool = False,
) -> ConformanceReport | None:
    """As ``conformance.conformance_report``, from the view: the period's rows only."""
    review = judging(conn, tables, policies, as_at, as_recorded=as_recorded)
    if review is None:
        return None
    deadlines, findings, steps = tables["deadlines"], tables["findings"], tables["steps"]
    _missed_deadlines(conn, tables, review, deadlines.c.due_day.between(period_start, period_end))
    kinds: dict[str, tuple[type[Any], list[Any]]] = {
        "breach": (Breach, review.breaches),
        "override": (Override, review.overrides),
        "mismatch": (PolicyMismatch, review.mismatches),
    }
    for kind, body in conn.execute(
        select(findings.c.kind, findings.c.body)
        .where(findings.c.day.between(period_start, period_end))
        .order_by(findings.c.seq)
    ):
        model, found = kinds[kind]
        found.append(model.model_validate_json(body))
    for day, person, step, count in conn.execute(
        select(steps.c.day, steps.c.person, steps.c.step, steps.c.count)
        .where(steps.c.day.between(period_start, period_end), steps.c.count != 0)
        .order_by(steps.c.latest)
    ):
        review.steps[(day, Person.model_validate_json(person), step)] = count
    return build_report(review, RULES, period_start, period_end)


def _missed_deadlines(
    conn: Connection, tables: dict[str, Table], review: Review, within: ColumnElement[bool]
) -> None:
    """Put into ``review`` the deadlines missed as at its moment (late, or still open
    past their deadline), in the order the review made them."""
    deadlines = tables["deadlines"]
    passed = or_(
        deadlines.c.status == "late",
        and_(deadlines.c.status == "open", deadlines.c.breached_after < review.as_at),
    )
    for key, body in conn.execute(
        select(deadlines.c.key, deadlines.c.body).where(passed, within).order_by(deadlines.c.seq)
    ):
        review.deadlines[loads(key)] = deadline_from(body)
