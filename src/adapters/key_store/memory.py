"""Keys of the in-memory event store: dictionaries, gone with the process."""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from uuid import UUID

from salesdomain.adapters.key_store.common import (
    MasterKeyRetired,
    Rewrap,
    SubjectForgotten,
    WrappedKey,
)


@dataclass
class _Row:
    key: WrappedKey | None
    forgetting: UUID | None = None
    gone: bool = False


class MemoryKeyStore:
    def __init__(self) -> None:
        self._rows: dict[UUID, _Row] = {}
        self._masters: list[str] = []
        self._retired: list[str] = []
        self._lock = threading.RLock()

    def key(self, subject_id: UUID) -> WrappedKey | None:
        row = self._rows.get(subject_id)
        return None if row is None else row.key

    def key_or_new(self, subject_id: UUID, new: WrappedKey) -> WrappedKey:
        with self._lock:
            row = self._rows.get(subject_id)
            if row is None:
                if new.master_key_id not in self._masters:
                    raise MasterKeyRetired()
                row = self._rows[subject_id] = _Row(new)
        if row.key is None:
            raise SubjectForgotten(subject_id)
        return row.key

    def mark_forgetting(self, subject_id: UUID, record_id: UUID) -> None:
        with self._lock:
            self._rows.setdefault(subject_id, _Row(None)).forgetting = record_id

    def unmark_forgetting(self, subject_id: UUID) -> None:
        with self._lock:
            row = self._rows.get(subject_id)
            if row is not None and row.key is None and not row.gone:
                del self._rows[subject_id]  # marked without ever having had a key
            elif row is not None:
                row.forgetting = None

    def pending(self) -> list[tuple[UUID, UUID]]:
        with self._lock:
            return [(s, r.forgetting) for s, r in self._rows.items() if r.forgetting]

    def master_keys(self) -> list[str]:
        return list(self._masters)

    def register_first_master_key(self, key_id: str) -> str:
        with self._lock:
            if not self._masters:
                self._masters.append(key_id)
            return self._masters[-1]

    def add_master_key(self, key_id: str) -> None:
        with self._lock:
            self._masters.append(key_id)

    def needs_rewrap(self) -> bool:
        return len(self._masters) > 1 or bool(self._retired)

    def rewrap(self, rewrap: Rewrap, forget: Collection[UUID]) -> tuple[list[str], int]:
        with self._lock:
            current = self._masters[-1]
            count = 0
            for subject_id in forget:
                self._rows[subject_id] = _Row(None, gone=True)
            for subject_id, row in self._rows.items():
                if row.key is not None and row.key.master_key_id != current:
                    row.key = rewrap(subject_id, row.key)
                    count += 1
            retired, self._masters = self._masters[:-1], [current]
            self._retired += retired
            return retired, count

    def retired_master_keys(self) -> list[str]:
        return list(self._retired)

    def drop_retired(self, key_ids: Iterable[str]) -> None:
        with self._lock:
            gone = set(key_ids)
            self._retired = [key_id for key_id in self._retired if key_id not in gone]

    @contextmanager
    def rotation_lock(self) -> Iterator[None]:
        with self._lock:
            yield

    def close(self) -> None:
        pass
