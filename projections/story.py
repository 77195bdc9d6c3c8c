"""A business case's full story: who did which SOP step to which record, in order.

The story of a case is every event carrying its correlation id (ADR 7: from the
opportunity on, its contract, order and order-linked service cases), together with
the story of the customer the case is about.  Prospect screening (2.1.2) belongs to
the customer, whose events carry the customer's own id as correlation id; the case
names its customer in the event that opened it (``customer_id`` of
``Opportunity.Opened``, or of a service case or visit that opened a case of its own).
So the customer's part is every event correlated to that customer id: registration,
the name claim, assessment, qualification, contact persons, at whatever time they
were recorded.  Entries come in log order, each marked ``part="case"`` or
``"customer"``.

Two sources that must agree: ``case_story`` reads the audit view (indexed by
correlation id) plus the one opening event from the store; ``verified_case_story``
trusts no view and decodes the event log itself, up to the same position.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from salesdomain.projections.audit import AuditEntry, AuditTrail, query_audit, shown
from salesdomain.projections.changes import Insert
from salesdomain.projections.log import SKIPPED_TOPIC
from salesdomain.projections.read_models import ReadModels
from sqlalchemy import select

from salesdomain.access import Reader
from salesdomain.application import SalesApplication
from salesdomain.errors import RecordNotFound
from salesdomain.narrative import describe
from salesdomain.past import moment
from salesdomain.sop import Role

CASE, CUSTOMER = "case", "customer"


@dataclass(frozen=True)
class StoryEntry(AuditEntry):
    part: str = CASE
    """Which part of the case the step belongs to: the case itself or its customer."""

    def line(self) -> str:
        return (
            f"{moment(self.recorded_at)}  {self.sop_step} {self.step_title}  "
            f"{self.actor_name or self.actor_id[:8]} ({Role(self.actor_role).label})  "
            f"{self.aggregate_type} {self.aggregate_id[:8]} v{self.version} "
            f"{self.event_type}: {self.description}"
        )


@dataclass(frozen=True)
class CaseStory:
    case_id: UUID
    customer_id: UUID | None
    position: int
    """The last log position the story covers."""
    entries: tuple[StoryEntry, ...]

    def lines(self) -> list[str]:
        return [entry.line() for entry in self.entries]


def case_story(
    app: SalesApplication,
    views: ReadModels,
    case_id: UUID,
    *,
    catch_up: bool = True,
    reader: Reader | None = None,
) -> CaseStory:
    """The story from the audit view (first brought up to the log's head unless
    ``catch_up`` is false).  ``RecordNotFound`` if no event carries ``case_id``.

    ``reader``: only the entries ``query_audit`` lets them see (ADR 30), and a case of
    which they see no entry is not found, as one no event names (``None``: the
    administrator, every entry)."""
    runner = views.runner(AuditTrail.name)
    if catch_up:
        runner.catch_up()
    position = runner.position()
    entries = runner.tables()["entries"]
    c = entries.c
    with views.engine.connect() as conn:
        first = conn.execute(
            select(c.aggregate_id, c.version)
            .where(c.correlation_id == str(case_id))
            .order_by(c.position)
            .limit(1)
        ).first()
        if first is None:
            raise RecordNotFound("business case", case_id)
        opening = next(
            iter(app.events.get(UUID(first.aggregate_id), gt=first.version - 1, lte=first.version))
        )
    customer_id = _customer_of(opening, case_id)
    wanted = [case_id] + ([customer_id] if customer_id else [])
    found = query_audit(
        views.engine, entries, correlation_ids=wanted, limit=None, reader=reader, log=views.log
    )
    if reader is not None and not any(e.correlation_id == str(case_id) for e in found):
        raise RecordNotFound("business case", case_id)
    return CaseStory(case_id, customer_id, position, tuple(_entry(e, case_id) for e in found))


def verified_case_story(
    app: SalesApplication, case_id: UUID, *, until: int | None = None, page_size: int = 1000
) -> CaseStory:
    """The story read from the event log itself (up to ``until``, default its head),
    trusting no view: every event is decoded and its correlation id checked."""
    head = app.recorder.max_notification_id() or 0
    until = head if until is None else min(until, head)
    case_events = [(p, e) for p, e in _events(app, until, page_size) if e.correlation_id == case_id]
    if not case_events:
        raise RecordNotFound("business case", case_id)
    customer_id = _customer_of(case_events[0][1], case_id)
    chosen = case_events
    if customer_id is not None:
        chosen = [
            (p, e)
            for p, e in _events(app, until, page_size)
            if e.correlation_id in (case_id, customer_id)
        ]
    audit = AuditTrail()
    entries = []
    for position, event in chosen:
        row = audit.changes(event, position)[0]  # the entry (then the record, if created)
        assert isinstance(row, Insert)
        entries.append(_entry(AuditEntry(**shown(row.values, describe(event))), case_id))
    return CaseStory(case_id, customer_id, until, tuple(entries))


def _customer_of(opening: Any, case_id: UUID) -> UUID | None:
    customer_id = getattr(opening, "customer_id", None)
    return customer_id if isinstance(customer_id, UUID) and customer_id != case_id else None


def _entry(entry: AuditEntry, case_id: UUID) -> StoryEntry:
    part = CASE if entry.correlation_id == str(case_id) else CUSTOMER
    return StoryEntry(**vars(entry), part=part)


def _events(app: SalesApplication, until: int, page_size: int) -> Iterator[tuple[int, Any]]:
    """Every domain event of the log up to ``until``, decoded, with its position."""
    position = 0
    while position < until:
        page: Sequence[Any] = app.recorder.select_notifications(
            start=position + 1, limit=page_size, stop=until
        )
        if not page:
            return
        for notification in page:
            if not notification.topic.startswith(SKIPPED_TOPIC):
                event = app.mapper.to_domain_event(notification)
                if getattr(event, "sop_step", None) is not None:
                    yield notification.id, event
        position = page[-1].id
