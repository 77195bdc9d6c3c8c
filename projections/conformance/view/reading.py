"""Reading the conformance view (ADR 39): the time limits missed as at a moment, and the
report of a period, from the rows the follower keeps, with the same answers as a replay
of the log (``conformance.time_limit_breaches``, ``conformance_report``).

The view holds the history as recorded so far, so it answers for a moment at or after
the newest event it folded; an earlier moment (history as it stood then), or policies
other than those it judges under, are for a replay (these functions answer ``None``).

The view folds events with their personal values erased (a candidate's name); the words
of a record whose events carried some are put back from its own events, read from the
log now (``events_of``), so a person forgotten since reads as erased, as in a replay.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID

from salesdomain.projections.conformance.api import RULES, time_limits_missed
from salesdomain.projections.conformance.codec import loads
from salesdomain.projections.conformance.findings import Breach, Override, Person, PolicyMismatch
from salesdomain.projections.conformance.policies import PolicyBook
from salesdomain.projections.conformance.report import (
    ConformanceReport,
    breaches_within,
    build_report,
)
from salesdomain.projections.conformance.review import Deadline, Review, finish, person_now, replay
from salesdomain.projections.conformance.staff import Member
from salesdomain.projections.conformance.tracked import FOREVER
from salesdomain.projections.conformance.view import duties
from salesdomain.projections.conformance.view.rows import breached_after, deadline_from, member_from
from salesdomain.projections.rows import batches
from sqlalchemy import Table, and_, or_, select, true
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement

EventsOf = Callable[[UUID], Iterable[Any]]
"""A record's events, decoded from the log now (``app.events.get``)."""


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
    review.staff.members = staff_register(conn, tables)
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
    events_of: EventsOf,
    as_recorded: bool = False,
) -> list[Breach] | None:
    """As ``conformance.time_limit_breaches(app, policy, as_at)``, from the view."""
    review = judging(conn, tables, policies, as_at, as_recorded=as_recorded)
    if review is None:
        return None
    _missed_deadlines(conn, tables, review, true())
    return _with_words(conn, tables, time_limits_missed(finish(review)), events_of, policies)


def open_deadlines(
    conn: Connection,
    tables: dict[str, Table],
    *,
    due_by: datetime | None = None,
    employees: Iterable[UUID | str] | None = None,
    roles: Iterable[str] = (),
    policies: PolicyBook | None = None,
    as_at: datetime | None = None,
    events_of: EventsOf | None = None,
    as_recorded: bool = False,
) -> list[tuple[tuple[Any, ...], Deadline]] | None:
    """The time limits still open (the step not done, the deadline not withdrawn),
    soonest deadline first, then in the order the review made them; each with its key
    (its record's id first, then what the rule names: the task's number, the approval
    level...), which stays the same while the deadline lasts.

    ``due_by``: only those breached after a moment up to it (the overdue ones and those
    falling due by then).  ``employees``: only those due from one of them or, where no
    employee is named yet (an approval level), from one of ``roles`` (``Role`` values);
    ``None``: everyone's.  ``policies`` and ``as_at``: as the review under those policies
    stood at that moment, each responsible person with the team the register gives them
    now, and ``None`` if the view cannot answer for it (as ``time_limit_breaches``);
    without them, as the view folded them (``None`` never).  ``events_of`` (with
    ``policies``): put back the words of records whose events carried personal values."""
    review = None
    if policies is not None:
        if as_at is None:
            raise ValueError("as_at: the moment the deadlines are judged at, with policies")
        review = judging(conn, tables, policies, as_at, as_recorded=as_recorded)
        if review is None:
            return None
    d = tables["deadlines"].c
    whose: list[ColumnElement[bool]] = [true()]
    if employees is not None:
        whose = [
            d.responsible_id.in_(chunk) for chunk in batches(sorted({str(e) for e in employees}))
        ]
        if wanted := sorted(set(roles)):
            whose.append(and_(d.responsible_id.is_(None), d.responsible_role.in_(wanted)))
    found: list[tuple[tuple[Any, ...], Deadline]] = []
    for who in whose:
        query = select(d.key, d.body).where(d.status == "open", who)
        if due_by is not None:
            query = query.where(d.breached_after <= due_by)
        found += [
            (loads(key), deadline_from(body))
            for key, body in conn.execute(query.order_by(d.breached_after, d.seq))
        ]
    if review is None or policies is None:
        return found
    words: dict[UUID, str | None] = {}
    if events_of is not None:
        personal = _personal(conn, tables, {d.record_id for _, d in found})
        words = {record_id: _words(record_id, events_of, policies) for record_id in personal}
    for _, deadline in found:
        deadline.responsible = person_now(deadline.responsible, review.staff)
        deadline.record = words.get(deadline.record_id) or deadline.record
    return sorted(found, key=lambda pair: breached_after(pair[1].due))


def memos_of(conn: Connection, tables: dict[str, Table], ids: Iterable[UUID]) -> dict[UUID, Any]:
    """What the review remembers of each of these records (those it has a memo of)."""
    records = tables["records"]
    found: dict[UUID, Any] = {}
    for chunk in batches(sorted({str(i) for i in ids})):
        query = select(records.c.record_id, records.c.memo).where(records.c.record_id.in_(chunk))
        found.update((UUID(record_id), loads(memo)) for record_id, memo in conn.execute(query))
    return found


def staff_register(conn: Connection, tables: dict[str, Table]) -> dict[UUID, Member]:
    """The staff register as the view's history tells it: every member by employee id."""
    members = (member_from(text) for (text,) in conn.execute(select(tables["staff"].c.member)))
    return {member.employee_id: member for member in members}


def conformance_report(
    conn: Connection,
    tables: dict[str, Table],
    policies: PolicyBook,
    period_start: date,
    period_end: date,
    as_at: datetime,
    *,
    events_of: EventsOf,
    as_recorded: bool = False,
) -> ConformanceReport | None:
    """As ``conformance.conformance_report``, from the view: the period's rows only."""
    review = judging(conn, tables, policies, as_at, as_recorded=as_recorded)
    if review is None:
        return None
    steps = tables["steps"]
    _of_period(conn, tables, review, period_start, period_end, ("breach", "override", "mismatch"))
    for day, person, step, count in conn.execute(
        select(steps.c.day, steps.c.person, steps.c.step, steps.c.count)
        .where(steps.c.day.between(period_start, period_end), steps.c.count != 0)
        .order_by(steps.c.latest)
    ):
        review.steps[(day, Person.model_validate_json(person), step)] = count
    review.breaches = _with_words(conn, tables, review.breaches, events_of, policies)
    review.overrides = _with_words(conn, tables, review.overrides, events_of, policies)
    personal = _personal(conn, tables, {d.record_id for d in review.deadlines.values()})
    for deadline in review.deadlines.values():
        if deadline.record_id in personal:
            deadline.record = _words(deadline.record_id, events_of, policies) or deadline.record
    return build_report(review, RULES, period_start, period_end)


def breaches_of_period(
    conn: Connection,
    tables: dict[str, Table],
    policies: PolicyBook,
    period_start: date,
    period_end: date,
    as_at: datetime,
    *,
    as_recorded: bool = False,
) -> list[Breach] | None:
    """The breaches ``conformance_report`` finds in the period (its ``breaches``, in
    the same order), without what the report adds around them (the steps done, the
    overrides, the words of records whose events carried personal values): what counting
    them by rule and person needs; ``None`` as ``conformance_report``."""
    review = judging(conn, tables, policies, as_at, as_recorded=as_recorded)
    if review is None:
        return None
    _of_period(conn, tables, review, period_start, period_end, ("breach",))
    return breaches_within(finish(review), period_start, period_end)


def breaches_kept(
    conn: Connection,
    tables: dict[str, Table],
    policies: PolicyBook,
    period_start: date,
    period_end: date,
    as_at: datetime,
    *,
    kept: Callable[[Breach], bool],
    events_of: EventsOf,
    as_recorded: bool = False,
) -> list[Breach] | None:
    """The breaches of ``conformance_report`` that ``kept`` keeps (those of one case,
    say), in the same order and words, without building the report around them: its
    steps done and overrides over a long period were most of a case's reading (the
    story of a case begun 18 months before, at 1M events on PostgreSQL: 166-192 -> 74-80
    ms p50), and only the kept breaches' records have their words put back; ``None`` as
    ``conformance_report``."""
    found = breaches_of_period(
        conn, tables, policies, period_start, period_end, as_at, as_recorded=as_recorded
    )
    if found is None:
        return None
    return _with_words(conn, tables, [b for b in found if kept(b)], events_of, policies)


def _of_period(
    conn: Connection,
    tables: dict[str, Table],
    review: Review,
    period_start: date,
    period_end: date,
    kinds: tuple[str, ...],
) -> None:
    """Put into ``review`` what the view holds of the period for judging its breaches:
    the recurring duties, the findings of ``kinds`` (breaches, overrides, policy
    mismatches) and the deadlines due in it that were missed."""
    findings, deadlines = tables["findings"], tables["deadlines"]
    review.duties = duties.load_for_period(conn, tables, period_start, period_end)
    into: dict[str, tuple[type[Any], list[Any]]] = {
        "breach": (Breach, review.breaches),
        "override": (Override, review.overrides),
        "mismatch": (PolicyMismatch, review.mismatches),
    }
    for kind, body in conn.execute(
        select(findings.c.kind, findings.c.body)
        .where(findings.c.day.between(period_start, period_end), findings.c.kind.in_(kinds))
        .order_by(findings.c.seq)
    ):
        model, found = into[kind]
        found.append(model.model_validate_json(body))
    _missed_deadlines(conn, tables, review, deadlines.c.due_day.between(period_start, period_end))


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


F = TypeVar("F", Breach, Override)


def _with_words(
    conn: Connection,
    tables: dict[str, Table],
    found: list[F],
    events_of: EventsOf,
    policies: PolicyBook,
) -> list[F]:
    """``found`` with the words of the records whose events carried personal values put
    back from those events, as decoded now."""
    personal = _personal(conn, tables, {f.record_id for f in found})
    words = {record_id: _words(record_id, events_of, policies) for record_id in personal}
    return [
        f.model_copy(update={"record": words[f.record_id]}) if words.get(f.record_id) else f
        for f in found
    ]


def _personal(conn: Connection, tables: dict[str, Table], ids: set[UUID]) -> set[UUID]:
    records = tables["records"]
    found: set[UUID] = set()
    for chunk in batches(sorted(str(i) for i in ids)):
        found.update(
            UUID(record_id)
            for (record_id,) in conn.execute(
                select(records.c.record_id).where(
                    records.c.record_id.in_(chunk), records.c.personal
                )
            )
        )
    return found


def _words(record_id: UUID, events_of: EventsOf, policies: PolicyBook) -> str | None:
    """What the review calls the record, from its own events as the log decodes them now."""
    review = replay(Review(policies, FOREVER), ((0, event) for event in events_of(record_id)))
    label = review.records.get(record_id, {}).get("label")
    return None if label is None else str(label)
