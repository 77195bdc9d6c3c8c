"""The link function: the table of links, what it reads of a stored notification, and
the link of a notification after the previous one."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from json.encoder import encode_basestring_ascii as _string
from typing import Any, Protocol

from sqlalchemy import CHAR, BigInteger, Column, MetaData, Table

NAME = "event_chain"
GENESIS = "0" * 64

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


def _reader(source: Any) -> NotificationReader:
    """An application, an ``ApplicationLog`` or a recorder: whatever reads notifications."""
    if hasattr(source, "select_notifications"):
        return source  # type: ignore[no-any-return]
    if hasattr(source, "recorder"):
        return source.recorder  # type: ignore[no-any-return]
    if hasattr(source, "app"):
        return source.app.recorder  # type: ignore[no-any-return]
    raise TypeError(f"cannot read notifications from {source!r}")
