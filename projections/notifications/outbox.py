"""The outbox of warnings (SOP 4.2.4, ADR 54): one row per warning and recipient, kept
beside the events (the store's database, as the hash chain's links and the API tokens
are), not among the views: a view may be dropped and rebuilt from the log at any time,
and what was sent is a fact the log does not hold.

A warning worked out again has the same id (``warnings.Notice``), so recording it again
changes nothing, and one sent stays sent.  A sender takes one pending row at a time
(``claim``, in its own transaction: on PostgreSQL ``FOR UPDATE SKIP LOCKED``, so senders
share the work; on SQLite the claim takes the database's write lock), sends it, and marks
it sent (``mark_sent``) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from salesdomain.projections.notifications.warnings import SUBJECT_LENGTH, Notice
from salesdomain.projections.paging import (
    DEFAULT_LIMIT,
    Kind,
    Page,
    check_limit,
    page_from,
    resume,
    sortable,
)
from salesdomain.projections.rows import batches, row_of
from salesdomain.projections.schema import schema_transaction
from salesdomain.projections.types import UtcDateTime
from sqlalchemy import (
    Column,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateIndex, CreateTable

from salesdomain.notifications import WarningKind

PENDING, SENT, UNDELIVERABLE, WITHDRAWN = "pending", "sent", "undeliverable", "withdrawn"
STATUSES = (PENDING, SENT, UNDELIVERABLE, WITHDRAWN)
ERROR_LENGTH = 400
RETRY_AFTER = timedelta(minutes=1)
"""The wait before a failed delivery is tried again, doubled at each failure..."""
LONGEST_WAIT = timedelta(hours=6)
"""...up to this."""

OUTBOX = MetaData()
outbox = Table(
    "notification_outbox",
    OUTBOX,
    Column("notification_id", String(36), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("occasion", Text, nullable=False),
    Column("recipient_id", String(36), nullable=False),
    Column("sop_step", String(16), nullable=False),
    Column("subject", String(SUBJECT_LENGTH), nullable=False),
    Column("body", Text, nullable=False),
    Column("due", UtcDateTime),
    Column("raised_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime),
    Column("last_error", String(ERROR_LENGTH)),
    Column("sent_at", UtcDateTime),
)
Index("notification_outbox_queue", outbox.c.status, outbox.c.raised_at, outbox.c.notification_id)
Index("notification_outbox_recipient", outbox.c.recipient_id, outbox.c.raised_at)


def ensure_outbox(engine: Engine) -> None:
    """Create the outbox if it does not exist (several processes may start at once)."""
    with schema_transaction(engine) as conn:
        conn.execute(CreateTable(outbox, if_not_exists=True))
        for index in sorted(outbox.indexes, key=lambda i: str(i.name)):
            conn.execute(CreateIndex(index, if_not_exists=True))


def record(engine: Engine, notices: Iterable[Notice], at: datetime) -> list[UUID]:
    """Put into the outbox the warnings it does not hold yet (pending, raised ``at``);
    answer the ids of those put in.  One held already, pending or sent, is left as it is
    (looked up first; one another process puts in meanwhile is skipped on insert)."""
    chosen = {str(n.notification_id): n for n in notices}
    with engine.begin() as conn:
        held = _held(conn, list(chosen))
        rows = [
            {
                "notification_id": key,
                "kind": notice.kind.value,
                "occasion": notice.occasion,
                "recipient_id": str(notice.recipient_id),
                "sop_step": notice.sop_step,
                "subject": notice.subject,
                "body": notice.body,
                "due": notice.due,
                "raised_at": at,
                "status": PENDING,
                "attempts": 0,
            }
            for key, notice in chosen.items()
            if key not in held
        ]
        if not rows:
            return []
        insert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
        put = conn.execute(
            insert(outbox)
            .on_conflict_do_nothing(index_elements=["notification_id"])
            .returning(outbox.c.notification_id),
            rows,
        )
        inserted = set(put.scalars())
        return [UUID(key) for key in chosen if key in inserted]


def withdraw_all_but(engine: Engine, current: Iterable[UUID]) -> list[str]:
    """Withdraw the pending warnings not among ``current`` (those due now): their step was
    done, their deadline moved or passed (an approaching one gives way to its overdue
    one), their KPI recovered; a warning a sender holds is left to it.  Answers the ids
    withdrawn."""
    due = {str(n) for n in current}
    with engine.begin() as conn:
        pending = conn.execute(
            select(outbox.c.notification_id).where(outbox.c.status == PENDING)
        ).scalars()
        gone = sorted(set(pending) - due)
        for some in batches(gone):
            conn.execute(
                update(outbox)
                .where(
                    outbox.c.notification_id.in_(some),
                    outbox.c.status == PENDING,
                )
                .values(status=WITHDRAWN, last_error="no longer due")
            )
    return gone


def _held(conn: Connection, ids: list[str]) -> set[str]:
    """Those of ``ids`` the outbox holds already."""
    found: set[str] = set()
    for chunk in batches(ids):
        found.update(
            conn.execute(
                select(outbox.c.notification_id).where(outbox.c.notification_id.in_(chunk))
            ).scalars()
        )
    return found


@dataclass(frozen=True)
class Notification:
    """A warning in the outbox, as listed."""

    notification_id: str
    """The notification's id."""
    kind: str
    """What the notification warns of (a time limit near, missed, an escalation, ...)."""
    recipient_id: str
    """The employee the notification is for."""
    sop_step: str
    """The SOP step the notification concerns."""
    subject: str
    """The notification's subject line."""
    body: str
    """The notification's text."""
    due: datetime | None
    """The time limit the notification is about, if any."""
    raised_at: datetime
    """When the notification was raised."""
    status: str
    """``pending`` (not sent yet), ``sent``, ``undeliverable`` (no address known) or
    ``withdrawn`` (no longer due before it was sent)."""
    attempts: int
    """Deliveries tried and failed (one cut short by a crash is not counted)."""
    last_error: str | None
    """Why the last attempt to send failed."""
    sent_at: datetime | None
    """When it was sent."""


def claim(conn: Connection, now: datetime) -> Notification | None:
    """In the caller's transaction, the next pending warning due to be tried (oldest
    first), held until the transaction ends; ``None``: none is."""
    while True:
        c = outbox.c
        found = conn.execute(
            select(outbox)
            .where(c.status == PENDING, or_(c.next_attempt_at.is_(None), c.next_attempt_at <= now))
            .order_by(c.raised_at, c.notification_id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if found is None:
            return None
        # on SQLite this takes the write lock; on PostgreSQL the row is locked already
        held = conn.execute(
            update(outbox)
            .where(c.notification_id == found.notification_id, c.status == PENDING)
            .values(status=PENDING)
        )
        if held.rowcount == 1:
            return row_of(Notification, found)


def mark_sent(conn: Connection, notification_id: str, at: datetime) -> None:
    """In the claim's transaction: the warning was delivered ``at``."""
    conn.execute(
        update(outbox)
        .where(outbox.c.notification_id == notification_id)
        .values(status=SENT, sent_at=at, last_error=None)
    )


def mark_undeliverable(conn: Connection, notification_id: str, why: str) -> None:
    """In the claim's transaction: the warning cannot be delivered (no address)."""
    conn.execute(
        update(outbox)
        .where(outbox.c.notification_id == notification_id)
        .values(status=UNDELIVERABLE, last_error=why[:ERROR_LENGTH])
    )


def mark_failed(engine: Engine, notification_id: str, why: str, at: datetime) -> None:
    """After the claim's transaction was rolled back: the delivery failed ``at``; it is
    tried again later, waiting longer after each failure."""
    with engine.begin() as conn:
        c = outbox.c
        attempts = conn.execute(
            select(c.attempts).where(c.notification_id == notification_id)
        ).scalar_one()
        wait = min(RETRY_AFTER * 2 ** min(attempts, 16), LONGEST_WAIT)
        conn.execute(
            update(outbox)
            .where(c.notification_id == notification_id, c.status == PENDING)
            .values(attempts=attempts + 1, last_error=why[:ERROR_LENGTH], next_attempt_at=at + wait)
        )


NOTICES = Kind("notices", "n1", 2)
"""The list's cursors: a row's place is the moment it was raised and its id."""


def notifications_page(
    engine: Engine,
    at: datetime | None,
    *,
    recipient: UUID | str | None = None,
    status: str | None = None,
    kind: WarningKind | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> Page[Notification]:
    """One page of the outbox: the warnings to ``recipient`` (``None``: everyone's), of
    ``status`` and ``kind`` if given, in the order raised, at most ``limit`` (1 to
    ``MAX_LIMIT``) after the row ``cursor`` points at.  ``at`` is the moment the first
    page was read, which a cursor keeps (rows raised later are on no page of it)."""
    check_limit(limit)
    if status is not None and status not in STATUSES:
        raise ValueError(f"status is one of {', '.join(STATUSES)}, not {status!r}")
    who = None if recipient is None else str(recipient)
    described = {"recipient": who, "status": status, "kind": None if kind is None else kind.value}
    start = resume(NOTICES, cursor, at, described)
    c = outbox.c
    chosen = select(outbox).where(c.raised_at <= start.at)
    if who is not None:
        chosen = chosen.where(c.recipient_id == who)
    if status is not None:
        chosen = chosen.where(c.status == status)
    if kind is not None:
        chosen = chosen.where(c.kind == kind.value)
    if start.after:
        raised, last = start.after
        chosen = chosen.where(
            or_(
                c.raised_at > datetime.fromisoformat(raised + "+00:00"),
                and_(
                    c.raised_at == datetime.fromisoformat(raised + "+00:00"),
                    c.notification_id > last,
                ),
            )
        )
    ordered = chosen.order_by(c.raised_at, c.notification_id).limit(limit + 1)
    with engine.connect() as conn:
        found = conn.execute(ordered).all()
    return page_from(
        found,
        limit,
        NOTICES,
        start,
        described,
        place=lambda last: (sortable(last.raised_at), last.notification_id),
        row=lambda row: row_of(Notification, row),
    )
