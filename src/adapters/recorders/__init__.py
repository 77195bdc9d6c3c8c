"""Event recorders that check, in the saving transaction, what a decision only read.

``SalesApplication.handle`` decides on the latest state it holds in memory (ADR 6).
The records a command only read (the acting employee, the customer of a new
opportunity) must not have moved on when its events are saved.  These recorders take
``unchanged={id: version read}`` as a keyword of ``insert_events`` and refuse the
whole write with ``ReadRecordsMoved`` if any of them has a newer stored event.  The
check runs in the statement that inserts the events, under the write lock (SQLite
takes it when the statement starts; PostgreSQL after the table lock), so no other
writer can slip in between the check and the save, and it costs no extra round trip.
``store.parse_database_url`` selects them (ADR 11).

On SQLite the whole write is that one statement, run in autocommit mode on the
recorder's own connection: one statement is one transaction, without BEGIN and
COMMIT round trips or eventsourcing's per-transaction connection pool (ADR 21).

They also take ``new_keys={subject id: key}``: the keys of data subjects first sealed
in these events (``salesdomain.adapters.keyed_events``), inserted into ``data_subject_keys`` in the
same transaction.  A subject that has a key already makes the whole write fail with
``SubjectKeysExisted`` naming the stored keys, so that the events are sealed again
under them (ADR 19).

``sqlite.py`` and ``postgres.py`` hold one recorder each (the PostgreSQL one is
imported only for a PostgreSQL store: psycopg is the ``postgres`` extra); ``common.py``
the keywords' types.
"""

from salesdomain.adapters.recorders.common import KEYS, NewKeys, Unchanged

__all__ = ["KEYS", "NewKeys", "Unchanged"]
