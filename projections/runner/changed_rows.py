"""The state rows a runner wrote to a generation since its last checkpoint, so that the
next checkpoint compares only those rows with their stored versions, not whole tables
(ADR 42).

A checkpoint stores the rows that differ from their newest stored version (ADR 40).
Comparing every row of every state table made each checkpoint cost as much as the
view's size, and a rebuild, which takes one every 10,000 positions, grow with the square
of the log.  A row no change touched since the previous checkpoint is as stored then,
so the rows the runner's own batches touched are enough to compare: if every batch
since that checkpoint was this runner's.  The runner notes each batch it commits; a
batch that does not start where its last one ended (another runner, or process, moved
the position meanwhile) starts the note again from there, and a checkpoint whose
previous one is not where the note starts compares whole tables, as before.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from salesdomain.projections.changes import Add, Insert, RowChange
from sqlalchemy import Table

Key = tuple[Any, ...]

MOST_KEYS = 100_000
"""At most this many row keys noted between two checkpoints (a runner that takes none,
or one far behind, stops noting; its next checkpoint compares whole tables)."""


class ChangedRows:
    """The keys of the rows a runner's batches wrote to one generation, by logical
    table, from position ``since`` to ``reached`` without a gap."""

    def __init__(self, since: int) -> None:
        self.since = since
        self.reached = since
        self.keys: dict[str, set[Key] | None] = {}
        """``None``: a change named rows by other than their key (the whole table)."""
        self.count = 0
        self.lock = threading.Lock()

    def note(
        self, tables: dict[str, Table], start: int, reached: int, changes: Sequence[RowChange]
    ) -> bool:
        """Note a batch committed from ``start`` to ``reached``; False if it does not
        follow on from what is noted (or too many keys are), so the caller starts anew."""
        with self.lock:
            if start != self.reached or self.count > MOST_KEYS:
                return False
            names_of: dict[str, tuple[str, ...] | None] = {}
            for change in changes:
                table_name = change.table
                if table_name not in names_of:
                    primary = key_names(tables[table_name])
                    # appended rows: a checkpoint stores none (ADR 40)
                    names_of[table_name] = None if "position" in primary else primary
                names = names_of[table_name]
                if names is None:
                    continue
                keys = self.keys.setdefault(table_name, set())
                if keys is None:
                    continue
                key = row_key(names, change)
                if key is None:
                    self.keys[table_name] = None
                else:
                    keys.add(key)
                    self.count += 1
            self.reached = reached
            return True

    def since_checkpoint(self, previous: int, position: int) -> dict[str, set[Key] | None] | None:
        """The keys changed per table since the checkpoint at ``previous`` (0: none yet)
        up to ``position``; ``None`` if the note does not cover exactly that."""
        with self.lock:
            if self.since != previous or self.reached != position:
                return None
            return {name: None if keys is None else set(keys) for name, keys in self.keys.items()}


@lru_cache(maxsize=512)
def key_names(table: Table) -> tuple[str, ...]:
    return tuple(column.name for column in table.primary_key.columns)


def row_key(names: tuple[str, ...], change: RowChange) -> Key | None:
    """The primary key (columns ``names``) of the one row ``change`` writes, or ``None``
    if it names rows otherwise (by other columns) or rewrites a key column."""
    if isinstance(change, Insert):
        given = change.values
    else:
        given = change.key
        written = change.amounts if isinstance(change, Add) else change.values
        if len(given) != len(names) or not written.keys().isdisjoint(names):
            return None
    if not all(name in given for name in names):
        return None
    return tuple(given[name] for name in names)
