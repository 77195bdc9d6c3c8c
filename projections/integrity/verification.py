"""A hash chain over the stored event log, exportable digests, and verification.

Every stored notification (domain events and command records alike) gets a link::

    link(0) = "0" * 64                                  (genesis)
    link(n) = sha256(bytes.fromhex(link(previous)) + canonical(n)).hexdigest()

where ``previous`` is the position before ``n`` in the stored log and ``canonical(n)``
is the UTF-8 JSON object, keys sorted, no spaces (``separators=(",", ":")``), ASCII::

    {"aggregate": str(originator_id), "position": n, "state_sha256": <hex of sha256 of
     the stored state bytes>, "topic": topic, "version": originator_version}

The stored state bytes carry the event's facts and its metadata (timestamp, SOP
evidence), exactly as the recorder holds them, so nothing is decoded.  See
docs/adr/0010-hash-chain.md.

* ``ChainKeeper`` appends links to ``event_chain(position, link)``, advancing its
  ``projection_state`` row by compare-and-set, so several keepers never link twice;
* ``ChainKeeper.digest()`` is the chain's head as a ``Digest`` to export and keep
  outside the system;
* ``verify()`` recomputes the chain from the event store and reports the first
  position where the store differs from the stored chain or from a given digest.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from json.encoder import encode_basestring_ascii as _string
from typing import Any, Protocol

from sqlalchemy import CHAR, BigInteger, Column, Engine, MetaData, Table, select, update

from projections.runner import STATE, projection_state

NAME = "event_chain"
GENERATION = 1
GENESIS = "0" * 64
ALGORITHM = "sha256-chain-v1"

CHAIN = MetaData()
event_chain = Table(
    NAME,
    CHAIN,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("link", CHAR(64), nullable=False),
)


class StoredNotification(Protocol):
    id: int
    originator_id: Any
    originator_version: int
    topic: str
    state: bytes


class NotificationReader(Protocol):
    def select_notifications(
        self, start: int | None, limit: int
    ) -> Sequence[StoredNotification]: ...


# ---- the link function ---------------------------------------------------------------


def canonical(
    position: int, originator_id: Any, originator_version: int, topic: str, state: bytes
) -> bytes:
    """The deterministic encoding of one stored event that the chain hashes: the same
    bytes as ``json.dumps({...}, sort_keys=True, separators=(",", ":"),
    ensure_ascii=True)`` of the five fields, written out directly for speed."""
    return (
        f'{{"aggregate":{_string(str(originator_id))},"position":{int(position)},'
        f'"state_sha256":"{hashlib.sha256(bytes(state)).hexdigest()}",'
        f'"topic":{_string(topic)},"version":{int(originator_version)}}}'
    ).encode("ascii")


def next_link(previous: str, encoded: bytes) -> str:
    return hashlib.sha256(bytes.fromhex(previous) + encoded).hexdigest()


def link_of(previous: str, notification: StoredNotification, position: int | None = None) -> str:
    """The link of ``notification`` after ``previous`` (as if stored at ``position``)."""
    n = notification
    return next_link(
        previous,
        canonical(
            n.id if position is None else position,
            n.originator_id,
            n.originator_version,
            n.topic,
            n.state,
        ),
    )


@dataclass(frozen=True)
class Digest:
    """The chain's link at a position: keep it outside the system."""

    position: int
    link: str

    def to_json(self) -> str:
        return json.dumps(
            {"algorithm": ALGORITHM, "position": self.position, "link": self.link},
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Digest:
        data = json.loads(text)
        if data.get("algorithm", ALGORITHM) != ALGORITHM:
            raise ValueError(f"unknown chain algorithm {data.get('algorithm')!r}")
        link = str(data["link"])
        if len(link) != 64 or any(c not in "0123456789abcdef" for c in link):
            raise ValueError("a digest's link is 64 lowercase hex digits")
        return cls(position=int(data["position"]), link=link)


def _reader(source: Any) -> NotificationReader:
    """An application, an ``ApplicationLog`` or a recorder: whatever reads notifications."""
    if hasattr(source, "select_notifications"):
        return source  # type: ignore[no-any-return]
    if hasattr(source, "recorder"):
        return source.recorder  # type: ignore[no-any-return]
    if hasattr(source, "app"):
        return source.app.recorder  # type: ignore[no-any-return]
    raise TypeError(f"cannot read notifications from {source!r}")


def _now() -> datetime:
    return datetime.now(UTC)


# ---- keeping the chain ---------------------------------------------------------------


class ChainKeeper:
    """Keeps ``event_chain`` up to date with the stored log."""

    def __init__(self, engine: Engine, log_reader: Any) -> None:
        self.engine = engine
        self.reader = _reader(log_reader)
        STATE.create_all(engine)
        CHAIN.create_all(engine)
        with engine.begin() as conn:
            exists = conn.execute(
                select(projection_state.c.position).where(
                    projection_state.c.name == NAME, projection_state.c.generation == GENERATION
                )
            ).first()
            if exists is None:
                conn.execute(
                    projection_state.insert().values(
                        name=NAME,
                        generation=GENERATION,
                        status="active",
                        position=0,
                        updated_at=_now(),
                    )
                )

    def position(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(projection_state.c.position).where(
                        projection_state.c.name == NAME,
                        projection_state.c.generation == GENERATION,
                    )
                ).scalar_one()
            )

    def _link_at(self, position: int) -> str:
        if position == 0:
            return GENESIS
        with self.engine.connect() as conn:
            return str(
                conn.execute(
                    select(event_chain.c.link).where(event_chain.c.position == position)
                ).scalar_one()
            )

    def run_batch(self, batch_size: int = 1000) -> int:
        """Link the next page of the log; return how many links were added (0: caught
        up, or another keeper linked this page first)."""
        start = self.position()
        page = self.reader.select_notifications(start + 1, batch_size)
        if not page:
            return 0
        link = self._link_at(start)
        rows = []
        for n in page:
            link = link_of(link, n)
            rows.append({"position": n.id, "link": link})
        with self.engine.connect() as conn, conn.begin() as transaction:
            moved = conn.execute(
                update(projection_state)
                .where(
                    projection_state.c.name == NAME,
                    projection_state.c.generation == GENERATION,
                    projection_state.c.position == start,
                )
                .values(position=page[-1].id, updated_at=_now())
            )
            if moved.rowcount != 1:
                transaction.rollback()
                return 0
            conn.execute(event_chain.insert(), rows)
        return len(rows)

    def catch_up(self, batch_size: int = 1000) -> int:
        """Link every stored notification not linked yet; return the chain's position."""
        while True:
            if not self.run_batch(batch_size):
                start = self.position()
                if not self.reader.select_notifications(start + 1, 1):
                    return start

    def digest(self) -> Digest:
        """The chain's head: the position linked last and its link."""
        return _chain_head(self.engine)


# ---- verification --------------------------------------------------------------------

EVENT_CHANGED = "event changed"
EVENT_MISSING = "event missing (deleted)"
EVENT_INSERTED = "unexpected event (inserted)"
ORDER_DIFFERS = "order differs"
CHAIN_TAMPERED = "chain row tampered"
DIGEST_DIFFERS = "history differs from digest"
STORE_SHORTER = "store shorter than digest"


@dataclass(frozen=True)
class VerificationReport:
    ok: bool
    checked: int  # stored notifications recomputed
    chained_to: int  # the stored chain's last position
    first_bad_position: int | None = None
    problem: str | None = None
    message: str = ""


def _store_pages(reader: NotificationReader, page_size: int) -> Iterator[StoredNotification]:
    after = 0
    while True:
        page = reader.select_notifications(after + 1, page_size)
        if not page:
            return
        yield from page
        after = page[-1].id


def _chain_pages(engine: Engine, page_size: int, after: int = 0) -> Iterator[tuple[int, str]]:
    while True:
        with engine.connect() as conn:
            rows = conn.execute(
                select(event_chain.c.position, event_chain.c.link)
                .where(event_chain.c.position > after)
                .order_by(event_chain.c.position)
                .limit(page_size)
            ).all()
        if not rows:
            return
        yield from ((int(p), str(link)) for p, link in rows)
        after = int(rows[-1][0])


def _chain_head(engine: Engine) -> Digest:
    with engine.connect() as conn:
        row = conn.execute(
            select(event_chain.c.position, event_chain.c.link)
            .order_by(event_chain.c.position.desc())
            .limit(1)
        ).first()
    return Digest(0, GENESIS) if row is None else Digest(int(row[0]), str(row[1]))


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
) -> VerificationReport:
    """Recompute the chain from the event store, in pages, and compare it with the
    stored chain (every chained position) and with ``digest`` if given; report the
    first position where they differ.  Notifications after the chain's head (not
    linked yet) are recomputed and only checked against the digest.  ``window`` bounds
    how far from a mismatch a moved or inserted event is looked for to name the kind
    of problem (the position reported does not depend on it)."""
    reader = _reader(app_or_reader)
    CHAIN.create_all(engine)
    head = _chain_head(engine).position
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
        previous, link = link, link_of(link, n)
        checked, last = checked + 1, n.id
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
    return VerificationReport(
        True, checked, head, message=f"{checked} stored events verified (chained to {head})"
    )
