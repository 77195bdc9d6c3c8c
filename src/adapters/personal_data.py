"""Personal values stored encrypted, one key per data subject (ADR 13).

Every ``PersonalData`` value (a contact person, a candidate's details, interview
notes) goes through a transcoding of its own when an event or a snapshot is stored:
its text fields are sealed with AES-256-GCM under the key of its data subject, before
the event's bytes exist, and so before the hash chain links them.  Stored, it reads
``{"subject_id": ..., "sealed": base64(nonce + ciphertext)}``.  Read back, it is
opened with the subject's key; once the key is destroyed it reads as the value's
erased form.  The ciphertext is bound to the value's type and subject (associated
data), so a sealed value cannot be moved to another subject.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
import weakref
from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Transcoding
from salesdomain.adapters.key_store import (
    KEY_BYTES,
    KeyStore,
    MasterKeyRetired,
    SubjectForgotten,
    WrappedKey,
)
from salesdomain.adapters.key_wrapping import KeyWrapping
from salesdomain.adapters.master_keys import MasterKeyError

from salesdomain.application import SalesApplication
from salesdomain.personal import PersonalData
from salesdomain.values import VALUE_TYPES

NONCE_BYTES = 12


class KeysOfSave:
    """The keys of one save of events: made for it (``new``, and as they are stored:
    ``wrapped``), and found stored meanwhile (``stored``)."""

    def __init__(self) -> None:
        self.new: dict[UUID, bytes] = {}
        self.wrapped: dict[UUID, WrappedKey] = {}
        self.stored: dict[UUID, bytes | None] = {}


class _KeysWithEvents:
    """``PersonalDataVault.keys_with_events`` (a class: it runs on every save)."""

    __slots__ = ("_local", "_saving")

    def __init__(self, local: threading.local, saving: KeysOfSave) -> None:
        self._local, self._saving = local, saving

    def __enter__(self) -> KeysOfSave:
        self._saving.new, self._saving.wrapped = {}, {}
        self._local.keys = self._saving
        return self._saving

    def __exit__(self, *exc_info: object) -> None:
        self._local.keys = None


class PersonalDataVault:
    """Seals and opens personal values; keeps keys in memory for ``cache_seconds``.

    Keys are stored wrapped under the master key (``wrapping``, ADR 33) and held here
    unwrapped.  A destroyed key is dropped from this process's cache at once; other
    processes stop using it when their cache entry ages out (ADR 13)."""

    ATTEMPTS = 3

    def __init__(self, store: KeyStore, wrapping: KeyWrapping, cache_seconds: float = 60.0) -> None:
        self.store = store
        self.wrapping = wrapping
        self.cache_seconds = cache_seconds
        self._cache: dict[UUID, tuple[bytes | None, float]] = {}
        self._forgotten: set[UUID] = set()  # tombstones seen: never a new key for these
        self._lock = threading.Lock()
        self._saving = threading.local()  # new keys of the events this thread encodes

    # ---- keys ------------------------------------------------------------------------

    def _cached(self, subject_id: UUID) -> tuple[bool, bytes | None]:
        with self._lock:
            found = self._cache.get(subject_id)
        if found is None or time.monotonic() - found[1] > self.cache_seconds:
            return False, None
        return True, found[0]

    def _remember(self, subject_id: UUID, key: bytes | None) -> None:
        with self._lock:
            self._cache[subject_id] = (key, time.monotonic())

    def _key_to_seal(self, subject_id: UUID) -> bytes:
        hit, key = self._cached(subject_id)
        if hit and key is not None:
            return key
        saving: KeysOfSave | None = getattr(self._saving, "keys", None)
        if saving is not None and subject_id in saving.stored:
            key = saving.stored[subject_id]
        elif subject_id in self._forgotten:
            key = None
        elif saving is None:  # not events being saved (a snapshot): a key of its own now
            key = self.key_or_new(subject_id)
        elif subject_id in saving.new:
            key = saving.new[subject_id]
        else:
            # Events being saved: a new key, written in the events' own transaction
            # (``KeyWritingEventStore``); if the subject turns out to have one already,
            # that key is learnt and the events are encoded again.
            key = saving.new[subject_id] = os.urandom(KEY_BYTES)
            saving.wrapped[subject_id] = self.wrapping.wrap(subject_id, key)
        if key is None:
            raise SubjectForgotten(subject_id)
        return key

    def key_or_new(self, subject_id: UUID) -> bytes:
        """The subject's stored key, or a new one stored now (outside a save of events);
        ``SubjectForgotten`` for a forgotten subject."""
        for _attempt in range(self.ATTEMPTS):
            new = self.wrapping.wrap(subject_id, os.urandom(KEY_BYTES))
            try:
                stored = self.store.key_or_new(subject_id, new)
            except MasterKeyRetired:  # rotated by another process meanwhile
                self.wrapping.refresh()
                continue
            key = self.wrapping.unwrap(subject_id, stored)
            self._remember(subject_id, key)
            return key
        raise MasterKeyError("the master key kept changing while a key was stored")

    def keys_with_events(self, saving: KeysOfSave) -> _KeysWithEvents:
        """While events are encoded for saving (a ``with`` block): keys for subjects
        without a cached key are made and collected in ``saving.new``, to be stored with
        the events; keys found stored meanwhile (``saving.stored``) are used first
        (ADR 19)."""
        return _KeysWithEvents(self._saving, saving)

    def keys_stored(self, keys: Mapping[UUID, bytes]) -> None:
        """The new keys were committed with the events that use them."""
        for subject_id, key in keys.items():
            self._remember(subject_id, key)

    def learn(self, keys: Mapping[UUID, WrappedKey | None]) -> dict[UUID, bytes | None]:
        """Keys another writer stored first (None: the subject was forgotten), as
        they open."""
        learnt: dict[UUID, bytes | None] = {}
        for subject_id, wrapped in keys.items():
            key = None if wrapped is None else self.wrapping.unwrap(subject_id, wrapped)
            if key is None:
                self._forgotten.add(subject_id)
            self._remember(subject_id, key)
            learnt[subject_id] = key
        return learnt

    def _key_to_open(self, subject_id: UUID) -> bytes | None:
        hit, key = self._cached(subject_id)
        if not hit:
            wrapped = self.store.key(subject_id)
            key = None if wrapped is None else self.wrapping.unwrap(subject_id, wrapped)
            self._remember(subject_id, key)
        return key

    def forgot(self, subjects: Iterable[UUID]) -> None:
        """These subjects' keys were destroyed: none is held or made here any more."""
        with self._lock:
            for subject_id in subjects:
                self._cache.pop(subject_id, None)
                self._forgotten.add(subject_id)

    # ---- values ----------------------------------------------------------------------

    def seal(self, value: PersonalData) -> dict[str, Any]:
        subject = value.subject_id
        if subject is None:
            raise ValueError(
                f"{type(value).__name__} has no data subject; personal data is stored only "
                "with the subject it belongs to"
            )
        if value.erased:
            return {"subject_id": str(subject), "erased": True}
        plaintext = json.dumps(value.personal_fields(), sort_keys=True, ensure_ascii=False)
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self._key_to_seal(subject)).encrypt(
            nonce, plaintext.encode(), _bound_to(type(value), subject)
        )
        return {"subject_id": str(subject), "sealed": base64.b64encode(nonce + sealed).decode()}

    def open(self, cls: type[PersonalData], data: Any) -> PersonalData:
        if not (isinstance(data, dict) and "sealed" in data):
            return cls.from_stored(data)  # stored erased, or before ADR 13 (plain)
        subject = UUID(data["subject_id"])
        key = self._key_to_open(subject)
        if key is None:
            return cls.erased_for(subject)
        raw = base64.b64decode(data["sealed"])
        plaintext = AESGCM(key).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], _bound_to(cls, subject)
        )
        return cls.model_validate({"subject_id": subject, **json.loads(plaintext)})

    def transcodings(self) -> list[Transcoding]:
        """A sealing transcoding for every personal value type the domain defines."""
        return [
            SealedPersonalData(cls, self)
            for cls in VALUE_TYPES.values()
            if issubclass(cls, PersonalData) and cls is not PersonalData
        ]


def _bound_to(cls: type[PersonalData], subject: UUID) -> bytes:
    return f"{cls.stored_as}/{subject}".encode()


class SealedPersonalData(Transcoding):
    """Replaces the domain's transcoding of one personal value type (same name)."""

    def __init__(self, cls: type[PersonalData], vault: PersonalDataVault) -> None:
        self.type = cls
        self.name = cls.stored_as
        self._cls = cls
        self._vault = vault

    def encode(self, obj: PersonalData) -> dict[str, Any]:
        return self._vault.seal(obj)

    def decode(self, data: Any) -> PersonalData:
        return self._vault.open(self._cls, data)


_VAULTS: weakref.WeakKeyDictionary[SalesApplication, PersonalDataVault] = (
    weakref.WeakKeyDictionary()
)


def attach_vault(app: SalesApplication, vault: PersonalDataVault) -> None:
    _VAULTS[app] = vault


def vault_of(app: SalesApplication) -> PersonalDataVault:
    """The vault of an application built by ``bootstrap``."""
    try:
        return _VAULTS[app]
    except KeyError:
        raise LookupError(
            "this application was not built by salesdomain.adapters.bootstrap.bootstrap(); "
            "it keeps no keys of data subjects"
        ) from None
