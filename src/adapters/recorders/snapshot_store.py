"""Snapshots signed under the master key, refused when loaded if they do not open (ADR 32).

A snapshot is kept outside the hash chain, so whoever can write the database could
change one and have it believed (a former employee made active again).  Each snapshot is
therefore stored with a MAC: HMAC-SHA256 over its stored form (record id, version,
topic, the state eventsourcing's mapper wrote) and the id of the master key it was
made under, keyed by a key derived (HKDF-SHA256, a fixed label) from that master key
(ADR 33), which is kept outside the database.

The snapshot table has no column for it, so the MAC travels in the state column, in
front of the mapper's bytes: ``sdmac1:`` + the master key's id (16 hex digits) + the
32-byte MAC + the state.  The store takes the envelope off before the mapper decodes;
the domain's snapshot classes and eventsourcing's tables are unchanged.

``SignedSnapshotStore.get`` (what eventsourcing's repository calls for the latest
snapshot at or before a version) yields only snapshots whose MAC matches under a master
key the ring holds: any other (no MAC, a wrong one, a master key destroyed since) is
skipped, logged once per process with a warning, and the record is loaded from an
earlier good snapshot or from its events alone.  The row is left for ``chain verify`` and
the next start, which check it against its events and report and discard it, or sign it
again (``salesdomain.adapters.snapshots``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import AggregateRecorder, EventStore, Mapper, Recording, StoredEvent
from salesdomain.adapters.key_wrapping import KeyWrapping
from salesdomain.adapters.store import STORE_UNREACHABLE

from salesdomain.application import EventStoreFactory

MARK = b"sdmac1:"
KEY_ID_LENGTH = 16  # hex digits of a master key's id (``master_key_id``)
MAC_LENGTH = hashlib.sha256().digest_size
HEADER_LENGTH = len(MARK) + KEY_ID_LENGTH + MAC_LENGTH
MAC_KEY_LABEL = b"salesdomain snapshot MAC/v1"
VERIFIED = b"checked against its events"
"""The last part of the MAC of a snapshot found equal to its events (ADR 38)."""

UNSIGNED = "carries no MAC (taken before snapshots were signed, or its MAC removed)"
GARBLED = "carries a MAC that cannot be read"
WRONG = "carries a MAC that does not match it"


def not_held(key_id: str) -> str:
    return f"is signed under master key {key_id}, which is no longer held"


@dataclass(frozen=True)
class Opened:
    """A stored snapshot out of its envelope: ``stored`` as the mapper wrote it, the
    master key it was signed under (``None``: no MAC), when it is not to be believed,
    why (``problem``), and whether it was signed as found equal to its events
    (``verified``, ADR 38)."""

    stored: StoredEvent
    key_id: str | None
    problem: str | None
    verified: bool = False


class SnapshotSigning:
    """Signs snapshots under the master key in use and opens them under the key each
    names (the ring of ``wrapping``, as the subjects' keys are wrapped)."""

    def __init__(self, wrapping: KeyWrapping) -> None:
        self.wrapping = wrapping
        self._mac_keys: dict[bytes, bytes] = {}
        self._lock = threading.Lock()

    @property
    def current(self) -> str:
        return self.wrapping.current

    def sign(self, stored: StoredEvent, *, verified: bool = False) -> StoredEvent:
        """``stored`` with its state in the envelope, signed under the master key in use;
        ``verified``: as a snapshot found equal to its events (a start need not replay
        them again, ADR 38)."""
        if self.wrapping.ring.get(self.wrapping.current) is None:  # rotated by another process
            self.wrapping.refresh()
        key_id = self.wrapping.current
        master = self.wrapping.ring.get(key_id)
        assert master is not None  # refresh() raises if the ring does not hold it
        mac = _mac(self._mac_key(master), stored, key_id, verified)
        return replace(stored, state=MARK + key_id.encode("ascii") + mac + stored.state)

    def open(self, stored: StoredEvent) -> Opened:
        state = bytes(stored.state)  # PostgreSQL's bytea may come as a memoryview
        if not state.startswith(MARK):
            return Opened(replace(stored, state=state), None, UNSIGNED)
        inner = replace(stored, state=state[HEADER_LENGTH:])
        key_id = state[len(MARK) : len(MARK) + KEY_ID_LENGTH].decode("ascii", "replace")
        if len(state) < HEADER_LENGTH or not _is_hex(key_id):
            return Opened(inner, None, GARBLED)
        master = self.wrapping.ring.get(key_id)
        if master is None:
            return Opened(inner, key_id, not_held(key_id))
        given = state[len(MARK) + KEY_ID_LENGTH : HEADER_LENGTH]
        mac_key = self._mac_key(master)
        if hmac.compare_digest(given, _mac(mac_key, inner, key_id, False)):
            return Opened(inner, key_id, None)
        if hmac.compare_digest(given, _mac(mac_key, inner, key_id, True)):
            return Opened(inner, key_id, None, verified=True)
        return Opened(inner, key_id, WRONG)

    def _mac_key(self, master: bytes) -> bytes:
        with self._lock:
            derived = self._mac_keys.get(master)
            if derived is None:
                derived = HKDF(
                    algorithm=hashes.SHA256(), length=32, salt=None, info=MAC_KEY_LABEL
                ).derive(master)
                self._mac_keys[master] = derived
            return derived


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


def _mac(mac_key: bytes, stored: StoredEvent, key_id: str, verified: bool) -> bytes:
    """HMAC-SHA256 over the snapshot's stored form and the master key's id (and, for one
    found equal to its events, ``VERIFIED``), each part length-prefixed so that no two
    forms give the same input."""
    parts = (
        str(stored.originator_id).encode(),
        str(int(stored.originator_version)).encode(),
        stored.topic.encode(),
        key_id.encode(),
        bytes(stored.state),
        *((VERIFIED,) if verified else ()),
    )
    signed = b"".join(len(part).to_bytes(8, "big") + part for part in parts)
    return hmac.new(mac_key, signed, hashlib.sha256).digest()


class SignedSnapshotStore(EventStore[UUID]):
    """The application's snapshot store: signs what it puts, believes only what opens."""

    def __init__(
        self, mapper: Mapper[UUID], recorder: AggregateRecorder, signing: SnapshotSigning
    ) -> None:
        super().__init__(mapper, recorder)
        self.signing = signing
        self._warned: set[tuple[UUID, int, str]] = set()

    def put(
        self, domain_events: Sequence[DomainEventProtocol[UUID]], **kwargs: Any
    ) -> list[Recording[UUID]]:
        stored = [self.signing.sign(self.mapper.to_stored_event(e)) for e in domain_events]
        self.recorder.insert_events(stored, **kwargs)
        return []  # a snapshot has no position in the application's log

    def get(
        self,
        originator_id: UUID,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Iterator[DomainEventProtocol[UUID]]:
        rows = self.recorder.select_events(originator_id, gt=gt, lte=lte, desc=desc, limit=limit)
        believed = self._believed(rows, limit)
        if limit is not None and len(believed) < limit and len(rows) == limit:
            # one was refused: the good ones further on (one snapshot per 100 events)
            rows = self.recorder.select_events(originator_id, gt=gt, lte=lte, desc=desc)
            believed = self._believed(rows, limit)
        return iter(believed)

    def _believed(
        self, rows: Sequence[StoredEvent], limit: int | None
    ) -> list[DomainEventProtocol[UUID]]:
        believed: list[DomainEventProtocol[UUID]] = []
        for row in rows:
            if limit is not None and len(believed) == limit:
                break
            opened = self.signing.open(row)
            problem = opened.problem
            if problem is None:
                try:
                    believed.append(self.mapper.to_domain_event(opened.stored))
                    continue
                except STORE_UNREACHABLE:
                    raise
                except Exception as unreadable:  # signed here, yet no longer decodes
                    problem = f"cannot be read ({type(unreadable).__name__})"
            self._refused(row, problem)
        return believed

    def _refused(self, row: StoredEvent, problem: str) -> None:
        key = (UUID(str(row.originator_id)), int(row.originator_version), problem)
        if key in self._warned:
            return
        self._warned.add(key)
        logging.getLogger("salesdomain").warning(
            "not believed: the snapshot of record %s at version %s %s; the record is "
            "loaded without it (chain verify and the next start check it against its events)",
            *key,
        )


def snapshot_store_for(wrapping: KeyWrapping) -> EventStoreFactory:
    """What ``SalesApplication(snapshot_store=...)`` takes: snapshots signed under the
    master key of ``wrapping``."""
    signing = SnapshotSigning(wrapping)

    def build(mapper: Mapper[UUID], recorder: AggregateRecorder) -> EventStore[UUID]:
        return SignedSnapshotStore(mapper, recorder, signing)

    return build
