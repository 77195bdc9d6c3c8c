"""Verification: recompute the chain from the event store and report the first position
where the store differs from the stored chain or from a given digest, and what kind of
problem it is."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from salesdomain.projections.integrity.chain import (
    CHAIN,
    GENESIS,
    NotificationReader,
    StoredNotification,
    _reader,
    event_chain,
    link_of,
)
from salesdomain.projections.integrity.digest import Digest, _chain_head
from salesdomain.projections.schema import create_tables, schema_transaction
from sqlalchemy import Engine, select

EVENT_CHANGED = "event changed"
EVENT_MISSING = "event missing (deleted)"
EVENT_INSERTED = "unexpected event (inserted)"
ORDER_DIFFERS = "order differs"
CHAIN_TAMPERED = "chain row tampered"
DIGEST_DIFFERS = "history differs from digest"
STORE_SHORTER = "store shorter than digest"
STORED_FORM = "event stored in a form the store never writes"
EVENT_UNREADABLE = "event unreadable"


@dataclass(frozen=True)
class VerificationReport:
    ok: bool
    checked: int  # stored notifications recomputed
    chained_to: int  # the stored chain's last position
    first_bad_position: int | None = None
    problem: str | None = None
    message: str = ""


class Unreadable(Exception):
    """A stored event that cannot be read as the store writes events: tampering."""

    def __init__(self, position: int, problem: str, message: str) -> None:
        super().__init__(message)
        self.position, self.problem, self.message = position, problem, message


def _store_pages(reader: NotificationReader, page_size: int) -> Iterator[StoredNotification]:
    """Every stored notification in order.  ``Unreadable`` at the first one stored in a
    form the store never writes (asked first of a recorder that can tell, the SQLite
    one) or that cannot be read at all."""
    check = getattr(reader, "non_canonical", None)
    after = 0
    while True:
        problems = sorted(check(after + 1, page_size)) if check is not None else []
        count = page_size if not problems else problems[0][0] - after - 1
        try:
            page = reader.select_notifications(after + 1, count) if count > 0 else []
        except (TypeError, ValueError) as error:
            raise Unreadable(
                after + 1,
                EVENT_UNREADABLE,
                f"an event at or after position {after + 1} cannot be read ({error})",
            ) from None
        yield from page
        if problems and (not page or page[-1].id < problems[0][0]):
            position, problem = problems[0]
            message = f"the event at position {position}: {problem}"
            raise Unreadable(position, STORED_FORM, message)
        if not page:
            return
        after = page[-1].id


def _chain_pages(engine: Engine, page_size: int, after: int = 0) -> Iterator[tuple[int, str]]:
    while True:
        rows = _chain_after(engine, after, page_size)
        if not rows:
            return
        yield from rows
        after = rows[-1][0]


def _chain_after(engine: Engine, after: int, count: int) -> list[tuple[int, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(event_chain.c.position, event_chain.c.link)
            .where(event_chain.c.position > after)
            .order_by(event_chain.c.position)
            .limit(count)
        ).all()
    return [(int(p), str(link)) for p, link in rows]


def _store_at(reader: NotificationReader, position: int) -> StoredNotification | None:
    page = reader.select_notifications(position, 1)
    return page[0] if page and page[0].id == position else None


def _diagnose(
    reader: NotificationReader,
    engine: Engine,
    previous: str,
    n: StoredNotification,
    stored: str,
    recomputed: str,
    window: int,
) -> tuple[str, str]:
    """Name the kind of the first mismatch at ``n.id``: the stored chain agrees with the
    recomputed one up to ``previous``, and has ``stored`` where ``recomputed`` is."""
    p = n.id
    # The chain row alone was changed: the chain goes on from the recomputed link.
    following = reader.select_notifications(p + 1, 1)
    chain_next = _chain_after(engine, p, 1)
    if (
        following
        and chain_next
        and following[0].id == chain_next[0][0]
        and link_of(recomputed, following[0]) == chain_next[0][1]
    ):
        return CHAIN_TAMPERED, f"the chain's row at position {p} was changed"
    # The event stored at p was chained at a later position q.
    rows = _chain_after(engine, p, window)
    before = stored
    for q, link in rows:
        if link_of(before, n, position=q) == link:
            moved = _store_at(reader, q)
            if moved is not None and link_of(previous, moved, position=p) == stored:
                return ORDER_DIFFERS, (
                    f"the events chained at positions {p} and {q} are stored in each other's place"
                )
            return EVENT_MISSING, (
                f"the event chained at position {q} is stored at {p}: the events "
                f"chained at {p}..{q - 1} were deleted and later ones renumbered"
            )
        before = link
    # The event chained at p is stored at a later position: events were inserted.
    for later in reader.select_notifications(p + 1, window):
        if link_of(previous, later, position=p) == stored:
            return EVENT_INSERTED, (
                f"{later.id - p} unexpected event(s) inserted at position {p}, "
                "later events renumbered"
            )
    return EVENT_CHANGED, f"the event at position {p} differs from the one chained there"


def verify(
    app_or_reader: Any,
    engine: Engine,
    digest: Digest | None = None,
    page_size: int = 1000,
    window: int = 100,
    progress: Callable[[int], None] | None = None,
) -> VerificationReport:
    """Recompute the chain from the event store, in pages, and compare it with the
    stored chain (every chained position) and with ``digest`` if given; report the
    first position where they differ.  Notifications after the chain's head (not
    linked yet) are recomputed and only checked against the digest.  ``window`` bounds
    how far from a mismatch a moved or inserted event is looked for to name the kind
    of problem (the position reported does not depend on it).  ``progress`` is told
    the position checked after each page, and the last one at the end."""
    reader = _reader(app_or_reader)
    with schema_transaction(engine) as conn:
        create_tables(conn, CHAIN.sorted_tables)
    head = _chain_head(engine).position
    try:
        return _verify_pages(reader, engine, digest, (page_size, window), head, progress)
    except Unreadable as bad:
        return VerificationReport(False, 0, head, bad.position, bad.problem, bad.message)


def _verify_pages(
    reader: NotificationReader,
    engine: Engine,
    digest: Digest | None,
    sizes: tuple[int, int],
    head: int,
    progress: Callable[[int], None] | None,
) -> VerificationReport:
    page_size, window = sizes
    chain = _chain_pages(engine, page_size)
    expected = next(chain, None)
    link = GENESIS
    checked = last = 0

    def report(position: int, problem: str, message: str) -> VerificationReport:
        return VerificationReport(False, checked, head, position, problem, message)

    for n in _store_pages(reader, page_size):
        if expected is not None and expected[0] < n.id:
            return report(
                expected[0],
                EVENT_MISSING,
                f"position {expected[0]} is in the chain but not in the store "
                f"(the store goes on at {n.id})",
            )
        if digest is not None and last < digest.position < n.id:
            return report(
                digest.position,
                EVENT_MISSING,
                f"the digest's position {digest.position} is not in the store",
            )
        previous = link
        try:
            link = link_of(link, n)
        except (TypeError, ValueError) as unreadable:
            return report(
                n.id,
                EVENT_UNREADABLE,
                f"the event at position {n.id} cannot be read as stored ({unreadable})",
            )
        checked, last = checked + 1, n.id
        if progress is not None and checked % page_size == 0:
            progress(last)
        if expected is not None and expected[0] == n.id:
            if expected[1] != link:
                problem, message = _diagnose(reader, engine, previous, n, expected[1], link, window)
                return report(n.id, problem, message)
            expected = next(chain, None)
        elif n.id <= head:
            return report(
                n.id, EVENT_INSERTED, f"position {n.id} is in the store but was never chained"
            )
        if digest is not None and n.id == digest.position and link != digest.link:
            return report(
                n.id,
                DIGEST_DIFFERS,
                f"the log up to position {n.id} differs from the digest: history at or "
                f"before position {n.id} was rewritten, and the stored chain with it",
            )
    if expected is not None:
        return report(
            expected[0],
            EVENT_MISSING,
            f"position {expected[0]} is in the chain but not in the store (the store "
            f"ends at {last})",
        )
    if digest is not None and last < digest.position:
        return report(
            last + 1,
            STORE_SHORTER,
            f"the store ends at position {last}, before the digest's {digest.position}",
        )
    if progress is not None:
        progress(last)
    return VerificationReport(
        True, checked, head, message=f"{checked} stored events verified (chained to {head})"
    )
