"""What every key store shares: the tables, the stored form of a key, the errors."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import NamedTuple, Protocol
from uuid import UUID

from salesdomain.projections.types import UtcDateTime
from sqlalchemy import Column, ForeignKey, Integer, LargeBinary, MetaData, String, Table

from salesdomain.errors import SopRuleViolation
from salesdomain.rules.data import NO_PERSONAL_DATA_AFTER_FORGETTING

KEY_BYTES = 32  # AES-256

METADATA = MetaData()
master_keys = Table(
    "master_keys",
    METADATA,
    Column("id", String(16), primary_key=True),
    Column("generation", Integer, nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
)
"""The master keys subjects' keys may be wrapped under (the keys themselves are kept
outside the database): one, the newest generation, wraps new keys; a second only while
a rotation is under way."""
retired_master_keys = Table(
    "retired_master_keys",
    METADATA,
    Column("id", String(16), primary_key=True),
    Column("retired_at", UtcDateTime, nullable=False),
)
"""Master keys that wrap nothing any more, to be destroyed where they are kept (a row
lives only from the end of a rotation until the key is gone)."""
data_subject_keys = Table(
    "data_subject_keys",
    METADATA,
    Column("subject_id", String(36), primary_key=True),
    Column("key", LargeBinary),
    Column("created_at", UtcDateTime, nullable=False),
    Column("forgetting_record", String(36)),
    Column("forgotten_at", UtcDateTime),
    Column("master_key_id", String(16), ForeignKey("master_keys.id")),
)
ADDED_COLUMNS = ("master_key_id",)  # since 0.2.0 (issue 15)


class WrappedKey(NamedTuple):
    """A subject's key as stored: sealed under the master key ``master_key_id``
    (``None``: stored in the clear by a release before 0.2.0, wrapped at start)."""

    master_key_id: str | None
    sealed: bytes


class SubjectForgotten(SopRuleViolation):
    """New personal data for a subject who was forgotten is refused."""

    def __init__(self, subject_id: UUID) -> None:
        super().__init__(NO_PERSONAL_DATA_AFTER_FORGETTING, f"subject {subject_id}")


class SubjectKeysExisted(Exception):
    """Raised by a recorder that writes new keys with the events (ADR 19): another
    writer stored keys for some of these subjects first; ``keys`` holds them (None: the
    subject was forgotten).  Nothing was saved."""

    def __init__(self, keys: dict[UUID, WrappedKey | None]) -> None:
        super().__init__(f"{len(keys)} data subject(s) already had a key")
        self.keys = keys


class MasterKeyRetired(Exception):
    """New keys were wrapped under a master key another process has retired since (the
    database refused them: ``master_keys`` no longer names it).  Nothing was saved; wrap
    them again under the master key in use."""

    def __init__(self) -> None:
        super().__init__("the master key this process wrapped new keys under was retired")


Rewrap = Callable[[UUID, WrappedKey], WrappedKey]


class KeyStore(Protocol):
    def key(self, subject_id: UUID) -> WrappedKey | None:
        """The subject's key; None when there is none (never made, or destroyed)."""

    def key_or_new(self, subject_id: UUID, new: WrappedKey) -> WrappedKey:
        """The subject's key, ``new`` if it had none; ``SubjectForgotten`` if the
        subject was forgotten, ``MasterKeyRetired`` if ``new``'s master key was."""

    def mark_forgetting(self, subject_id: UUID, record_id: UUID) -> None: ...

    def unmark_forgetting(self, subject_id: UUID) -> None: ...

    def pending(self) -> list[tuple[UUID, UUID]]:
        """(subject, owning record) of erasures begun and not finished."""

    def master_keys(self) -> list[str]:
        """The master keys in use, oldest first: the last wraps new keys."""

    def register_first_master_key(self, key_id: str) -> str:
        """Use ``key_id`` if no master key is in use yet; the one in use now."""

    def add_master_key(self, key_id: str) -> None:
        """``key_id`` wraps new keys from now on (a rotation begins)."""

    def needs_rewrap(self) -> bool:
        """Whether a rotation was left unfinished (or keys are stored unwrapped)."""

    def rewrap(self, rewrap: Rewrap, forget: Collection[UUID]) -> tuple[list[str], int]:
        """In one transaction: the keys of ``forget`` destroyed (their rows kept as
        tombstones), every other key not under the newest master key wrapped again
        (``rewrap``), the other master keys retired.  (retired ids, keys rewrapped)"""

    def retired_master_keys(self) -> list[str]: ...

    def drop_retired(self, key_ids: Iterable[str]) -> None:
        """These retired master keys are destroyed where they were kept."""

    def rotation_lock(self) -> AbstractContextManager[None]:
        """Held by one rotation at a time (between processes where it matters)."""

    def close(self) -> None: ...


def now() -> datetime:
    return datetime.now(UTC)


SQLITE_CONSTRAINT_FOREIGNKEY = 787


def is_foreign_key_violation(error: BaseException | None) -> bool:
    """Whether the driver's error is a foreign key violation (SQLite or PostgreSQL)."""
    if isinstance(error, sqlite3.IntegrityError):
        return getattr(error, "sqlite_errorcode", None) == SQLITE_CONSTRAINT_FOREIGNKEY
    return getattr(error, "sqlstate", None) == "23503"
