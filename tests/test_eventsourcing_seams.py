"""What salesdomain relies on in eventsourcing, beyond its documented use (ADR 26).

Every override of an eventsourcing method, and every attribute of its objects read
outside the documented API, is listed in ADR 26 and held here: an eventsourcing
upgrade that changes one of them fails these tests before it changes a save.  The
dependency is pinned to the minor version these tests were written against.
"""

from __future__ import annotations

import inspect
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from eventsourcing.application import Application, LRUCache, Repository
from eventsourcing.persistence import EventStore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

from salesdomain.application import SalesApplication

PINNED_MINOR = "9.5"
ROOT = Path(__file__).resolve().parents[1]


def _source(function: object) -> str:
    return inspect.getsource(function)  # type: ignore[arg-type]


def _parameters(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


def test_eventsourcing_is_the_minor_version_these_seams_were_checked_against():
    installed = version("eventsourcing")
    assert installed.startswith(PINNED_MINOR + "."), installed
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["postgres"]
    pins = [r for r in requirements if r.startswith("eventsourcing")]
    assert pins, requirements
    assert all("<9.6" in pin for pin in pins), pins


def test_the_aggregate_cache_is_configured_by_eventsourcings_own_settings():
    app = SalesApplication()
    try:
        assert isinstance(app.repository.cache, LRUCache)
        assert not app.repository.fastforward  # conflicts evict (ADR 26)
        assert app.env[Application.AGGREGATE_CACHE_MAXSIZE] == "10000"
    finally:
        app.close()
    # a stale record is evicted with the cache's get(key, evict=True); eventsourcing
    # puts what a save wrote in the cache when it does not fast-forward
    assert "evict" in _parameters(LRUCache.get)
    assert "self.repository.fastforward" in _source(Application._record)


def test_save_hands_its_keywords_to_the_recorder_through_the_event_store():
    """``save(..., unchanged=...)`` reaches ``insert_events(..., unchanged=...)``."""
    assert "**kwargs" in _source(Application.save)
    assert "saved_kwargs" in _source(Application._record)
    put = _source(EventStore.put)
    assert re.search(r"insert_events\(\s*[^)]*\*\*kwargs", put), put


def test_the_event_store_is_built_by_the_applications_factory_method():
    assert "construct_event_store" in _source(Application.__init__)
    assert _parameters(EventStore.__init__)[:3] == ["self", "mapper", "recorder"]


def test_snapshots_are_stored_and_read_through_the_snapshot_store_the_application_builds():
    """``SignedSnapshotStore`` (ADR 32) is built by ``construct_snapshot_store`` from the
    mapper and the snapshots' recorder; a snapshot is taken with its ``put`` and the
    repository reads the latest one at or before a version with its ``get`` (by keyword:
    ``desc=True, limit=1, lte=version``), the events after it from the event store."""
    assert "self.construct_snapshot_store()" in _source(Application.__init__)
    assert 'aggregate_recorder(purpose="snapshots")' in _source(
        Application.construct_snapshot_store
    )
    assert "self.snapshots.put([snapshot])" in _source(Application.take_snapshot)
    assert "snapshot_store=self.snapshots" in _source(Application.construct_repository)
    reads = _source(Repository._reconstruct_aggregate)
    assert re.search(
        r"self\.snapshot_store\.get\(\s*originator_id=aggregate_id,\s*desc=True,\s*"
        r"limit=1,\s*lte=version,?\s*\)",
        reads,
    ), reads
    assert "gt = snapshots[0].originator_version" in reads
    assert _parameters(EventStore.get) == ["self", "originator_id", "gt", "lte", "desc", "limit"]


def test_the_sqlite_recorder_replaces_insert_events_on_the_table_eventsourcing_creates():
    """``SQLiteCheckingRecorder.insert_events`` writes the rows itself: the columns, and
    the rowid being the notification id, are eventsourcing's table layout."""
    datastore = SQLiteDatastore(db_name=":memory:")
    recorder = SQLiteApplicationRecorder(datastore)
    created = " ".join(recorder.create_table_statements)
    for column in ("originator_id", "originator_version", "topic", "state"):
        assert column in created
    selects = _source(SQLiteApplicationRecorder.select_notifications)
    assert "SELECT rowid, * FROM" in selects
    assert 'id=row["rowid"]' in selects
    assert _parameters(SQLiteApplicationRecorder.insert_events)[:2] == ["self", "stored_events"]
    pool = datastore.pool
    assert isinstance(pool.db_name, str)
    assert isinstance(pool.is_sqlite_memory_mode, bool)
    assert hasattr(pool, "lock_timeout")


def test_the_postgres_recorder_overrides_two_steps_of_insert_events():
    """``PostgresCheckingRecorder`` overrides ``_insert_stored_events`` (the checked
    insert, after the table lock and the notify, as eventsourcing's does) and
    ``_fetch_ids_after_insert_events`` (nothing inserted: a read record moved on)."""
    postgres = pytest.importorskip("eventsourcing.postgres")
    recorder_class = postgres.PostgresApplicationRecorder
    insert = _source(recorder_class.insert_events)
    assert "self._insert_stored_events(curs, stored_events, **kwargs)" in insert
    assert "self._fetch_ids_after_insert_events(" in insert
    assert insert.index("_insert_stored_events") < insert.index("_fetch_ids_after_insert_events")
    for name in ("_insert_stored_events", "_fetch_ids_after_insert_events"):
        assert _parameters(getattr(recorder_class, name))[:3] == ["self", "curs", "stored_events"]
    theirs = _source(recorder_class._insert_stored_events)
    assert "self._lock_table(curs)" in theirs
    assert "self._notify_channel(curs)" in theirs
    assert "lock_table_statements" in _source(recorder_class._lock_table)
    assert "channel_name" in _source(recorder_class._notify_channel)
    assert '"notification_id"' in _source(recorder_class._fetch_ids_after_insert_events)


def test_every_override_of_eventsourcing_is_one_adr_26_lists():
    """A new override of an eventsourcing method must be added to ADR 26 (and here)."""
    from salesdomain.adapters.recorders import event_store, snapshot_store, sqlite

    classes = [
        SalesApplication,
        sqlite.SQLiteCheckingRecorder,
        event_store.KeyWritingEventStore,
        snapshot_store.SignedSnapshotStore,
    ]
    try:
        from salesdomain.adapters.recorders import postgres
    except ImportError:  # pragma: no cover - the postgres extra is part of dev
        pass
    else:
        classes.append(postgres.PostgresCheckingRecorder)
    overrides = set()
    for cls in classes:
        for name, value in vars(cls).items():
            if name.startswith("__") or not callable(value):
                continue
            for base in cls.__mro__[1:]:
                if base.__module__.startswith("eventsourcing") and name in vars(base):
                    overrides.add(f"{cls.__name__}.{name}")
                    break
    adr = (ROOT / "docs" / "adr" / "0026-the-librarys-own-mechanisms.md").read_text()
    listed = set(re.findall(r"`(\w+\.\w+)`", adr))
    assert overrides <= listed, sorted(overrides - listed)
