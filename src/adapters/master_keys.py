"""The master key: kept outside the database, it wraps every data subject's key (ADR 33).

Where it comes from, in this order:

* ``$SALESDOMAIN_MASTER_KEY_FILE``: a file holding the master key(s) by id, created
  (mode 0600) when the database has none yet; rotated by forgetting and by
  ``salesdomain keys rotate`` (``salesdomain.adapters.key_file``);
* ``$SALESDOMAIN_MASTER_KEY``: one key, base64 (32 bytes); it cannot be rotated here;
* else, for a SQLite file, the file beside it (``sales.db`` -> ``sales.db.keys``); for
  ``memory://``, a key in memory; for PostgreSQL nothing: the server refuses to start
  without one of the two variables, since a key file made on one host would be lost to
  the others (and with it every person's data).

A master key's id is derived from the key (a SHA-256 prefix), so the same key has the
same id wherever it is kept.  The database records which ids wrap its keys; a ring
holds the keys themselves.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol

from salesdomain.adapters.store import StoreConfig

MASTER_KEY_FILE_VARIABLE = "SALESDOMAIN_MASTER_KEY_FILE"
MASTER_KEY_VARIABLE = "SALESDOMAIN_MASTER_KEY"
MASTER_KEY_BYTES = 32  # AES-256
KEY_FILE_SUFFIX = ".keys"


class MasterKeyError(ValueError):
    """The master key is missing, malformed or cannot be kept: the message names the
    variable or the file, and what to do."""


def master_key_id(key: bytes) -> str:
    """The id of a master key: 16 hex digits of a SHA-256 of it (reveals nothing)."""
    return hashlib.sha256(b"salesdomain master key id\0" + key).hexdigest()[:16]


def new_master_key() -> bytes:
    return os.urandom(MASTER_KEY_BYTES)


def decode_master_key(text: str, where: str) -> bytes:
    """A master key written as base64 (32 bytes); ``MasterKeyError`` naming ``where``."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != MASTER_KEY_BYTES:
        raise MasterKeyError(
            f"{where} is not a master key: write 32 random bytes in base64, e.g. "
            "python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())'"
        )
    return key


class KeyRing(Protocol):
    """Master keys by id, kept outside the database."""

    where: str
    """Where the keys are kept, in words (for messages)."""
    rotatable: bool
    """Whether ``add`` and ``remove`` can change the keys."""

    def get(self, key_id: str) -> bytes | None:
        """The key, or None if the ring does not hold it (read again if missing)."""

    def exists(self) -> bool:
        """Whether the ring holds anything yet (a key file that exists)."""

    def add(self) -> str:
        """A new key, kept durably before it is returned (its id)."""

    def remove(self, key_ids: Iterable[str]) -> None:
        """Destroy these keys (a key file is overwritten, not only unlinked)."""

    def locked(self) -> AbstractContextManager[None]:
        """Held while keys are added and removed (between processes for a file)."""


class MemoryKeys:
    """Master keys of ``memory://``: in this process only, gone with it."""

    where = "the master key in memory (memory://)"
    rotatable = True

    def __init__(self) -> None:
        self._keys: dict[str, bytes] = {}
        self._lock = threading.RLock()

    def get(self, key_id: str) -> bytes | None:
        return self._keys.get(key_id)

    def exists(self) -> bool:
        return True

    def add(self) -> str:
        key = new_master_key()
        key_id = master_key_id(key)
        self._keys[key_id] = key
        return key_id

    def remove(self, key_ids: Iterable[str]) -> None:
        for key_id in key_ids:
            self._keys.pop(key_id, None)

    @contextmanager
    def locked(self) -> Iterator[None]:
        with self._lock:
            yield


class FixedKey:
    """The one master key given in ``$SALESDOMAIN_MASTER_KEY``: used, never changed."""

    rotatable = False

    def __init__(self, key: bytes) -> None:
        self.where = f"${MASTER_KEY_VARIABLE}"
        self.key_id = master_key_id(key)
        self._key = key
        self._lock = threading.RLock()

    def get(self, key_id: str) -> bytes | None:
        return self._key if key_id == self.key_id else None

    def exists(self) -> bool:
        return True

    def add(self) -> str:
        raise MasterKeyError(
            f"the master key is fixed by ${MASTER_KEY_VARIABLE} and cannot be rotated here: "
            f"use ${MASTER_KEY_FILE_VARIABLE} (a file) to rotate it (docs/personal-data.md)"
        )

    def remove(self, key_ids: Iterable[str]) -> None:
        if self.key_id in key_ids:
            raise MasterKeyError(f"the master key of ${MASTER_KEY_VARIABLE} cannot be destroyed")

    @contextmanager
    def locked(self) -> Iterator[None]:
        with self._lock:
            yield


def master_keys_for(config: StoreConfig, environ: dict[str, str] | None = None) -> KeyRing:
    """The ring of master keys for the store ``config`` names (see the module)."""
    from salesdomain.adapters.key_file import KeyFile

    env = os.environ if environ is None else environ
    named = env.get(MASTER_KEY_FILE_VARIABLE, "").strip()
    given = env.get(MASTER_KEY_VARIABLE, "").strip()
    if named and given:
        raise MasterKeyError(f"set ${MASTER_KEY_FILE_VARIABLE} or ${MASTER_KEY_VARIABLE}, not both")
    if named:
        return KeyFile(Path(named), f"${MASTER_KEY_FILE_VARIABLE}")
    if given:
        return FixedKey(decode_master_key(given, f"${MASTER_KEY_VARIABLE}"))
    if config.kind == "memory":
        return MemoryKeys()
    if config.kind == "sqlite":
        return KeyFile(key_file_beside(config.env["SQLITE_DBNAME"]), "beside the database")
    raise MasterKeyError(
        "PostgreSQL needs a master key kept outside the database, the same for every "
        f"process: set ${MASTER_KEY_FILE_VARIABLE} to a file (made if missing, mode 0600) "
        f"or ${MASTER_KEY_VARIABLE} to a base64 key (docs/personal-data.md)"
    )


def key_file_beside(database: str) -> Path:
    """``sales.db`` -> ``sales.db.keys`` (a ``file:`` URI's path, without its query)."""
    path = database.removeprefix("file:").split("?", 1)[0]
    return Path(path + KEY_FILE_SUFFIX)
