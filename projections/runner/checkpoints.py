"""Checkpoints of a view generation: its rows as they stood at a log position, kept in
the views database so that the views as of a past moment (``as_of``) start there and
replay only the rest of the log (ADR 40).

What a checkpoint stores, per table of the view:
* a table whose key includes ``position`` holds rows an event adds at its own position
  (history, audit lines, facts): nothing is stored, as the rows of the generation with
  ``position <= P`` are its rows at ``P`` (a later event only changes such a row as a
  rebuild would give it, e.g. a forgotten subject's audit line);
* any other table (state: one row per opportunity, order, customer, ...): the rows that
  changed since the generation's previous checkpoint, in a table beside it with a
  ``checkpoint`` column (``<view>_g<n>_ck_<table>``); the table at ``P`` is each key's
  newest row stored at or before ``P`` (a view never deletes a row).  Storage grows
  with the rows changed between checkpoints, not with rows times checkpoints.

A checkpoint row (``projection_checkpoints``) records the generation, the position,
the version of the projection's code that built the generation and ``stamp``: the latest
timestamp of an event up to the position (``None``: none had one).  A checkpoint serves
a moment ``at`` only if ``stamp <= at``: then no event up to it is later than ``at``, so
the cut (the first event stamped later than ``at``) lies after it, as in a full replay.
Checkpoints belong to their generation and go with it (a rebuild's new generation starts
without any; the old one's are dropped with its tables).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from salesdomain.projections.runner.changed_rows import ChangedRows, Key, key_names
from salesdomain.projections.runner.state import STATE, _now, projection_state, state_row
from salesdomain.projections.schema import create_indexes, create_tables
from salesdomain.projections.types import UtcDateTime
from sqlalchemy import (
    Column,
    ColumnElement,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    ScalarSelect,
    Select,
    String,
    Table,
    bindparam,
    func,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.schema import DropTable
from sqlalchemy.sql.dml import Insert

if TYPE_CHECKING:
    from salesdomain.projections.runner.generations import _Generations

projection_checkpoints = Table(
    "projection_checkpoints",
    STATE,
    Column("name", String(100), primary_key=True),
    Column("generation", Integer, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("stamp", UtcDateTime),  # the latest event timestamp up to position
    Column("version", Integer),  # of the projection's code that built the generation
    Column("made_at", UtcDateTime, nullable=False),
)


def appended(table: Table) -> bool:
    """Rows keyed by the log position of the event that added them."""
    return "position" in table.primary_key.columns


def kept_tables(runner: _Generations, generation: int) -> dict[str, Table]:
    """The tables holding the changed rows of the generation's state tables, described
    once per generation (a description made at every checkpoint stayed alive in the
    statement caches: thousands of objects a page for the collector to look at).

    Their primary key leads with the checkpoint, so a checkpoint's rows are added at
    the end of the table; the index that finds a row's newest version (by the row's
    key, then the checkpoint) is made when the generation is complete, as its other
    lookup indexes are (ADR 79): kept up while the rows were added, it took most of
    a rebuild's checkpoint time, each row going to a page of its own."""
    if generation in runner.kept:
        return runner.kept[generation]
    metadata = MetaData()
    kept = {}
    for logical, table in runner.tables(generation).items():
        if appended(table):
            continue
        name = f"{runner.projection.name}_g{generation}_ck_{logical}"
        key = [c.name for c in table.primary_key.columns]
        kept[logical] = Table(
            name,
            metadata,
            *(Column(c.name, c.type) for c in table.columns),
            Column("checkpoint", Integer),
            PrimaryKeyConstraint("checkpoint", *key),
            Index(f"{name}_rows", *key, "checkpoint"),
        )
    runner.kept[generation] = kept  # only once complete: a failure is not remembered
    return kept


def take_checkpoint(
    runner: _Generations, generation: int, position: int, stamp: datetime | None
) -> bool:
    """Keep the generation's rows as they stand at ``position`` (where it must stand
    now); False if it has moved on, or the checkpoint exists.  The status row is
    locked first (written in place), so no runner moves the generation during the copy."""
    name = runner.projection.name
    kept = kept_tables(runner, generation)
    with runner.engine.begin() as conn:
        held = conn.execute(
            update(projection_state)
            .where(
                state_row(name, generation),
                projection_state.c.position == position,
            )
            .values(position=position)
            .returning(projection_state.c.version, projection_state.c.status)
        ).first()
        if held is None or _exists(conn, name, generation, position):
            return False
        create_tables(conn, kept.values(), lookup_indexes=held.status != "building")
        live = runner.tables(generation)
        noted = runner.changed_rows.get(generation)
        changed = (
            None
            if noted is None
            else noted.since_checkpoint(_previous(conn, name, generation, position), position)
        )
        for logical, table in kept.items():
            keys = None if changed is None else changed.get(logical, set())
            _keep_changed(conn, live[logical], table, position, keys)
        conn.execute(
            insert(projection_checkpoints).values(
                name=name,
                generation=generation,
                position=position,
                stamp=stamp,
                version=held.version,
                made_at=_now(),
            )
        )
    runner.changed_rows[generation] = ChangedRows(position)
    return True


def _previous(conn: Connection, name: str, generation: int, position: int) -> int:
    """The position of the generation's checkpoint before ``position`` (0: none)."""
    c = projection_checkpoints.c
    found = conn.execute(
        select(func.max(c.position)).where(
            c.name == name, c.generation == generation, c.position < position
        )
    ).scalar()
    return int(found or 0)


def _exists(conn: Connection, name: str, generation: int, position: int) -> bool:
    found = conn.execute(
        select(projection_checkpoints.c.position).where(
            projection_checkpoints.c.name == name,
            projection_checkpoints.c.generation == generation,
            projection_checkpoints.c.position == position,
        )
    ).first()
    return found is not None


def _keep_changed(
    conn: Connection, live: Table, kept: Table, position: int, keys: set[Key] | None
) -> None:
    """Store the rows of ``live`` that may have changed since the previous checkpoint:
    ``keys``, the rows the runner wrote (ADR 42), as they stand; ``None`` (not known):
    every row that differs from its newest stored version (``_keep_rows``).

    The keys are the parameters of one statement run once per key (``executemany``,
    pipelined on PostgreSQL), not lists of keys written into the SQL, which made
    every statement a new one to compile, and PostgreSQL parse (ADR 75).  A written
    row is stored even if it ended as it was: at 100,000 events, 27 rows of 130,300,
    against a comparison with the stored version that cost more than the copy."""
    if keys is None:  # each row compared with its newest version: found by index
        create_indexes(conn, [kept])
        _keep_rows(conn, live, kept, position)
        return
    if not keys:
        return
    names = key_names(live)
    conn.execute(
        _copy_row(live, kept),
        [{"checkpoint": position, **dict(zip(names, key, strict=True))} for key in keys],
    )


def _copy_row(live: Table, kept: Table) -> Insert:
    """Copy the row of ``live`` whose key is given as parameters (named as its key
    columns) into ``kept``, at the checkpoint given as ``checkpoint``."""
    names = [c.name for c in live.columns]
    row = select(bindparam("checkpoint", type_=Integer), *(live.c[n] for n in names)).where(
        *(live.c[n] == bindparam(n, type_=live.c[n].type) for n in key_names(live))
    )
    return insert(kept).from_select(["checkpoint", *names], row)


def _keep_rows(
    conn: Connection,
    live: Table,
    kept: Table,
    position: int,
    of_live: ColumnElement[bool] | None = None,
    of_kept: ColumnElement[bool] | None = None,
) -> None:
    names = [c.name for c in live.columns]
    at: ColumnElement[Any] = literal_column(str(int(position)))
    rows = select(at, *(live.c[n] for n in names))
    stored = select(at, *(kept.c[n] for n in names)).where(kept.c.checkpoint == newest(kept, None))
    if of_live is not None and of_kept is not None:
        rows, stored = rows.where(of_live), stored.where(of_kept)
    conn.execute(insert(kept).from_select(["checkpoint", *names], rows.except_(stored)))


def newest(kept: Table, position: int | None) -> ScalarSelect[Any]:
    """The newest checkpoint (at or before ``position``) holding the row's key."""
    other = kept.alias("other")
    found = select(func.max(other.c.checkpoint)).where(
        *(other.c[c.name] == c for c in kept.primary_key.columns if c.name != "checkpoint")
    )
    if position is not None:
        found = found.where(other.c.checkpoint <= position)
    return found.scalar_subquery()


def rows_at(runner: _Generations, generation: int, logical: str, position: int) -> Select[Any]:
    """A query for the rows of one of the generation's tables as they stood at a
    checkpoint at ``position``."""
    live = runner.tables(generation)[logical]
    if appended(live):
        return select(live).where(live.c.position <= position)
    kept = kept_tables(runner, generation)[logical]
    return select(*(kept.c[c.name] for c in live.columns)).where(
        kept.c.checkpoint == newest(kept, position)
    )


def usable_checkpoint(
    runner: _Generations, generation: int, limit: int, at: datetime | None
) -> int:
    """The newest checkpoint of the generation at or before position ``limit`` with no
    event stamped later than ``at`` up to it, made by the code running now (0: none)."""
    c = projection_checkpoints.c
    found = select(func.max(c.position)).where(
        c.name == runner.projection.name,
        c.generation == generation,
        c.version == runner.projection.version,
        c.position <= limit,
    )
    if at is not None:
        found = found.where((c.stamp.is_(None)) | (c.stamp <= at))
    with runner.engine.connect() as conn:
        return int(conn.execute(found).scalar() or 0)


def index_checkpoints(conn: Connection, runner: _Generations, generation: int) -> None:
    """Make the lookup indexes of the generation's checkpoint tables, if it has any
    (a generation built without them: ``kept_tables``)."""
    c = projection_checkpoints.c
    taken = conn.execute(
        select(c.position).where(c.name == runner.projection.name, c.generation == generation)
    ).first()
    if taken is not None:
        create_indexes(conn, kept_tables(runner, generation).values())


def drop_checkpoints(conn: Connection, runner: _Generations, generation: int) -> None:
    """Drop the generation's checkpoints (with the generation)."""
    for table in kept_tables(runner, generation).values():
        conn.execute(DropTable(table, if_exists=True))
    conn.execute(
        projection_checkpoints.delete().where(
            projection_checkpoints.c.name == runner.projection.name,
            projection_checkpoints.c.generation == generation,
        )
    )


def latest_stamp(conn: Connection) -> tuple[int, datetime | None]:
    """The furthest checkpoint of any view and its stamp (a property of the log)."""
    row = conn.execute(
        select(projection_checkpoints.c.position, projection_checkpoints.c.stamp)
        .order_by(projection_checkpoints.c.position.desc())
        .limit(1)
    ).first()
    return (0, None) if row is None else (int(row[0]), row[1])
