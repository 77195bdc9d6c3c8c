"""Subjects' keys wrapped under the master key in use (ADR 33).

A subject's key is stored as ``nonce + AES-256-GCM(master key, subject key)``, bound to
the subject and the master key's id (associated data), so a wrapped key cannot be moved
to another subject's row.  The database says which master key is in use (the newest in
``master_keys``); the ring (``salesdomain.adapters.master_keys``) holds the keys.
"""

from __future__ import annotations

import os
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from salesdomain.adapters.key_store import KeyStore, WrappedKey
from salesdomain.adapters.master_keys import (
    FixedKey,
    KeyRing,
    MasterKeyError,
    master_keys_for,
)
from salesdomain.adapters.store import StoreConfig

NONCE_BYTES = 12


class KeyWrapping:
    def __init__(self, ring: KeyRing, store: KeyStore) -> None:
        self.ring = ring
        self.store = store
        self.current = ""
        self.refresh()

    def refresh(self) -> None:
        """The master key in use, as the database says now (another process may have
        rotated it); ``MasterKeyError`` if the ring does not hold it."""
        in_use = self.store.master_keys()
        if not in_use:
            raise MasterKeyError("this database has no master key registered")
        self._master(in_use[-1])
        self.current = in_use[-1]

    def wrap(self, subject_id: UUID, key: bytes) -> WrappedKey:
        if self.ring.get(self.current) is None:  # destroyed by another process's rotation
            self.refresh()
        current = self.current
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self._master(current)).encrypt(
            nonce, key, associated_data(subject_id, current)
        )
        return WrappedKey(current, nonce + sealed)

    def unwrap(self, subject_id: UUID, wrapped: WrappedKey) -> bytes:
        master_id = wrapped.master_key_id
        if master_id is None:  # stored in the clear before 0.2.0 (wrapped at start)
            return wrapped.sealed
        raw = wrapped.sealed
        try:
            return AESGCM(self._master(master_id)).decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated_data(subject_id, master_id)
            )
        except InvalidTag:
            raise MasterKeyError(
                f"the key of data subject {subject_id} does not open with master key "
                f"{master_id} of {self.ring.where}: the key or the database was altered"
            ) from None

    def rewrap(self, subject_id: UUID, wrapped: WrappedKey) -> WrappedKey:
        return self.wrap(subject_id, self.unwrap(subject_id, wrapped))

    def _master(self, key_id: str) -> bytes:
        key = self.ring.get(key_id)
        if key is None:
            missing = "" if self.ring.exists() else " (it does not exist)"
            raise MasterKeyError(
                f"the keys of data subjects in this database are wrapped under master key "
                f"{key_id}, which {self.ring.where} does not hold{missing}: name the file "
                "that holds it (a database restored from a backup taken before a forget "
                "or a rotation opens no personal data; docs/personal-data.md)"
            )
        return key


def associated_data(subject_id: UUID, master_id: str) -> bytes:
    return f"salesdomain subject key/{subject_id}/{master_id}".encode()


def key_wrapping_for(config: StoreConfig, store: KeyStore) -> KeyWrapping:
    """The wrapping of the store's keys: its master key in use, or for a database that
    has none yet, a new one (``$SALESDOMAIN_MASTER_KEY``'s, else made in the ring)."""
    ring = master_keys_for(config)
    if not store.master_keys():
        made = ring.key_id if isinstance(ring, FixedKey) else ring.add()
        in_use = store.register_first_master_key(made)
        if in_use != made and ring.rotatable:
            ring.remove([made])  # another process registered its own first
    return KeyWrapping(ring, store)
