"""The event store's adapters: every place salesdomain overrides eventsourcing (ADR 26).

The recorders check, in the saving transaction, what a decision only read.
``SalesApplication.handle`` passes ``save(..., unchanged={id: version read})`` for the
records a command only read (the acting employee, the customer of a new opportunity);
eventsourcing hands the keyword to ``insert_events``, and these recorders refuse the
whole write with ``ReadRecordsMoved`` if any of them has a newer stored event.  The
check runs in the statement that inserts the events, under the write lock (SQLite
takes it when the statement starts; PostgreSQL after the table lock), so no other
writer can slip in between the check and the save, and it costs no extra round trip
(ADR 11).  On SQLite the whole write is that one statement, run in autocommit mode on
the recorder's own connection (ADR 21).

They also take ``new_keys={subject id: wrapped key}``: the keys of data subjects first
sealed in these events (``event_store.KeyWritingEventStore``), wrapped under the master
key in use (ADR 33), inserted into ``data_subject_keys`` in the same transaction.  A
subject that has a key already makes the whole write fail with ``SubjectKeysExisted``
naming the stored keys, so that the events are sealed again under them (ADR 19); a
master key retired meanwhile (the row's foreign key) with ``MasterKeyRetired``.

``sqlite.py`` and ``postgres.py`` hold one recorder each (the PostgreSQL one is
imported only for a PostgreSQL store: psycopg is the ``postgres`` extra),
``event_store.py`` the event store, ``snapshot_store.py`` the store of snapshots signed
under the master key (ADR 32), ``common.py`` the keywords' types.  ADR 26 lists
each method they override and ``tests/test_eventsourcing_seams.py`` guards what the
overrides rely on.
"""

from salesdomain.adapters.recorders.common import KEYS, NewKeys, Unchanged

__all__ = ["KEYS", "NewKeys", "Unchanged"]
