"""Where the key of each data subject lives (ADR 13), wrapped under a master key (ADR 33).

One row per data subject in ``data_subject_keys``, in the same database as the events
(its schema on PostgreSQL); in memory for ``memory://``.  A key is created the first
time a value of the subject is stored, and stored only wrapped (AES-256-GCM) under a
master key kept outside the database (``salesdomain.adapters.master_keys``), with that
master key's id.  Forgetting the subject overwrites the key with NULL and keeps the
row as a tombstone, so no new key is ever made for that subject; and it rotates the
master key, so that no copy of the old row (a backup, a dead tuple) opens anything
once the old master key is destroyed.  While an erasure is under way the row names the
record that owns the subject (``forgetting_record``), so an erasure cut short by a
crash can be completed.

``common.py`` holds the tables, the stored form and the errors, ``memory.py`` and
``sql.py`` one store each.
"""

from salesdomain.adapters.key_store.common import (
    KEY_BYTES,
    KeyStore,
    MasterKeyRetired,
    SubjectForgotten,
    SubjectKeysExisted,
    WrappedKey,
    data_subject_keys,
    is_foreign_key_violation,
    master_keys,
    retired_master_keys,
)
from salesdomain.adapters.key_store.memory import MemoryKeyStore
from salesdomain.adapters.key_store.sql import SqlKeyStore, sql_engine
from salesdomain.adapters.store import StoreConfig

__all__ = [
    "KEY_BYTES",
    "KeyStore",
    "MasterKeyRetired",
    "MemoryKeyStore",
    "SqlKeyStore",
    "SubjectForgotten",
    "SubjectKeysExisted",
    "WrappedKey",
    "data_subject_keys",
    "is_foreign_key_violation",
    "key_store_for",
    "master_keys",
    "retired_master_keys",
]


def key_store_for(config: StoreConfig) -> KeyStore:
    if config.kind == "memory":
        return MemoryKeyStore()
    return SqlKeyStore(sql_engine(config))
