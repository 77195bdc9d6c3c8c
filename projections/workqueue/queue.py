"""The work queue of a person, or of a manager and everyone reporting to them, at a
moment (ADR 53): the time limits still open (conformance view), the quotes about to
expire and the deals without contact (pipeline view), the recurring duties of the
current period; overdue first, then by deadline, each under the read policy.

The moment may be in the past: the pipeline answers as it stood then, and the
conformance view, which answers for moments at or after its newest event, is built as
it stood then from its newest usable checkpoint (ADR 40)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from salesdomain.projections.conformance.policies import PolicyBook
from salesdomain.projections.conformance.staff import Member
from salesdomain.projections.conformance.view import NAME, past, reading
from salesdomain.projections.conformance.view.reading import EventsOf
from salesdomain.projections.paging import DEFAULT_LIMIT, Kind, Page, page_of, resume
from salesdomain.projections.read_models import ReadModels
from salesdomain.projections.workqueue.deadlines import deadline_items
from salesdomain.projections.workqueue.deals import deal_items
from salesdomain.projections.workqueue.duties import duty_items
from salesdomain.projections.workqueue.items import DueItem
from salesdomain.projections.workqueue.people import people_of
from sqlalchemy import Table
from sqlalchemy.engine import Connection

from salesdomain.access import Reader
from salesdomain.policy import SalesPolicy

QUOTES_WITHIN = timedelta(days=7)
"""A quote is "about to expire" from this long before its last valid day."""
DUE_PAGES = Kind("due", "d1", 5)
"""The work queue's pages (``projections.paging``)."""


class QueueUnavailable(Exception):
    """The conformance view cannot answer: it judges under other policy versions
    (``salesdomain views rebuild --view conformance``), or stopped before the moment."""


def due_for(
    views: ReadModels,
    policy: SalesPolicy,
    person: UUID,
    at: datetime,
    *,
    team: bool = False,
    overdue_only: bool = False,
    reader: Reader | None = None,
    events_of: EventsOf | None = None,
    as_recorded: bool = False,
    quotes_within: timedelta = QUOTES_WITHIN,
) -> list[DueItem]:
    """The SOP steps due at ``at`` from ``person`` (with ``team``: and from everyone
    reporting to them, directly or not, by the staff register's reporting lines), overdue
    first, then soonest deadline first; ``overdue_only``: only those overdue.  ``reader``:
    only what the read policy lets them see (their own always; another's by the reach of
    the item's area: sales, operations or people); ``None``: everything (administrator).
    ``events_of``: a record's events (``app.events.get``), to put back words the view
    keeps erased (a candidate's name).  ``as_recorded``: "now", counting every event the
    view folded even if stamped after ``at``.  Raises ``NotOnRegister``, ``QueueUnavailable``."""
    policies = PolicyBook(policy)
    runner = views.runner(NAME)
    pipeline = views.runner("pipeline")
    asked = _Asked(policy, policies, person, at, team, reader, quotes_within)
    with runner.engine.connect() as conn:
        tables = runner.tables(runner.standing().generation)
        found = asked.collect(conn, tables, pipeline, events_of, as_recorded)
    if found is None:
        with past.view_as_at(views, policies, at) as then:
            if then is None:
                raise QueueUnavailable(
                    f"the conformance view cannot answer as at {at.isoformat()}: it judges "
                    f"under another policy or stopped (salesdomain views rebuild --view {NAME})"
                )
            conn, tables = then
            until = None if events_of is None else past.events_until(events_of, at)
            found = asked.collect(conn, tables, pipeline, until, False)
        if found is None:
            raise QueueUnavailable(f"the conformance view cannot answer as at {at.isoformat()}")
    if overdue_only:
        found = [item for item in found if item.overdue]
    return found


def due_page(
    views: ReadModels,
    policy: SalesPolicy,
    person: UUID,
    at: datetime | None,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    team: bool = False,
    overdue_only: bool = False,
    reader: Reader | None = None,
    events_of: EventsOf | None = None,
    as_recorded: bool = False,
) -> Page[DueItem]:
    """A page of ``due_for``'s queue: at most ``limit`` items (1 to ``MAX_LIMIT``) after
    the one ``cursor`` points at (``None``: from the first), as at ``at`` (``None`` with
    a cursor: the cursor's moment, which every page of one queue keeps).  Raises
    ``paging.InvalidCursor`` for a cursor another queue or other filters made."""
    filters = {"employee": str(person), "team": str(team).lower(), "overdue": str(overdue_only)}
    start = resume(DUE_PAGES, cursor, at, filters)
    items = due_for(
        views,
        policy,
        person,
        start.at,
        team=team,
        overdue_only=overdue_only,
        reader=reader,
        events_of=events_of,
        as_recorded=as_recorded and cursor is None,
    )
    return page_of(items, lambda item: item.place, DUE_PAGES, start, limit=limit, filters=filters)


class _Asked:
    def __init__(
        self,
        policy: SalesPolicy,
        policies: PolicyBook,
        person: UUID,
        at: datetime,
        team: bool,
        reader: Reader | None,
        quotes_within: timedelta,
    ) -> None:
        self.policy, self.policies, self.person, self.at = policy, policies, person, at
        self.team, self.reader, self.quotes_within = team, reader, quotes_within

    def collect(
        self,
        conn: Connection,
        tables: dict[str, Table],
        pipeline: Any,
        events_of: EventsOf | None,
        as_recorded: bool,
    ) -> list[DueItem] | None:
        staff = reading.staff_register(conn, tables)
        people = people_of(staff, self.person, team=self.team)
        by_id = {str(m.employee_id): m for m in people}
        managers = {m.manager_id for m in people if m.manager_id is not None}
        roles = {role.value for m in people if m.active for role in m.roles}
        deadlines = reading.open_deadlines(
            conn,
            tables,
            policies=self.policies,
            as_at=self.at,
            employees=[*by_id, *(str(m) for m in managers)],
            roles=roles,
            events_of=events_of,
            as_recorded=as_recorded,
        )
        if deadlines is None:
            return None
        memos = reading.memos_of(conn, tables, {d.record_id for _, d in deadlines})
        found = deadline_items(deadlines, memos, staff, by_id, self.at)
        engine, pipeline_tables = pipeline.engine, pipeline.tables(pipeline.standing().generation)
        for member in people:
            if not member.active:
                continue
            found += deal_items(
                engine,
                pipeline_tables,
                self.policy.stage_probability,
                str(member.employee_id),
                self.at,
                lambda ids: reading.memos_of(conn, tables, ids),
                stale_after_days=self.policy.stale_after_days,
                quotes_within=self.quotes_within,
            )
            found += duty_items(conn, tables, self.policy, member, self.at)
        return self._visible(found, by_id)

    def _visible(self, items: list[DueItem], by_id: Mapping[str, Member]) -> list[DueItem]:
        seen: set[tuple[str, ...]] = set()
        kept: list[DueItem] = []
        for item in sorted(items, key=lambda i: i.place):
            if item.place in seen or not self._may_see(item, by_id):
                continue
            seen.add(item.place)
            kept.append(item)
        return kept

    def _may_see(self, item: DueItem, by_id: Mapping[str, Member]) -> bool:
        reader = self.reader
        if reader is None:
            return True
        whose = item.responsible_id or str(self.person)
        if whose == reader.employee_id:
            return True
        reach = {"sales": reader.sales, "operations": reader.operations, "people": reader.people}
        return reader.reaches(reach[item.kind.area], whose)
