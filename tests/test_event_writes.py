"""Writing events to the store: all of a save or none of it, at the positions answered.

The recorders write a save's events with the check of the records a decision only read
(ADR 11, 21); SQLite in one statement of up to ``ROWS_PER_STATEMENT`` events, larger
saves in one transaction of several statements.  Every store, through the recorder.
"""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from salesdomain.application import ReadRecordsMoved
from tests.spec import log_position

TOPIC = "salesdomain:WriteTest.Recorded.v1"
LARGE = 250  # more events than one SQLite statement takes


def events(originator: UUID, versions: range) -> list[StoredEvent]:
    return [StoredEvent(originator, v, TOPIC, b'{"n":%d}' % v) for v in versions]


def stored_since(app, position: int) -> list[tuple[int, UUID, int]]:
    notifications = app.recorder.select_notifications(start=position + 1, limit=10_000)
    return [(n.id, n.originator_id, n.originator_version) for n in notifications]


def test_a_large_save_is_stored_whole_at_the_positions_answered(app):
    before = log_position(app)
    first, second = uuid4(), uuid4()
    batch = events(first, range(1, LARGE + 1)) + events(second, range(1, 4))

    positions = app.recorder.insert_events(batch)

    stored = stored_since(app, before)
    assert [(s.originator_id, s.originator_version) for s in batch] == [
        (originator, version) for _, originator, version in stored
    ]
    assert list(positions) == [position for position, _, _ in stored]
    assert len(app.recorder.select_events(first)) == LARGE


def test_a_save_of_nothing_stores_nothing(app):
    before = log_position(app)
    assert not app.recorder.insert_events([])
    assert log_position(app) == before


@pytest.mark.parametrize("size", [3, LARGE])
def test_a_conflict_anywhere_in_a_save_stores_none_of_it(app, size):
    taken = uuid4()
    app.recorder.insert_events(events(taken, range(1, 2)))
    before = log_position(app)
    batch = events(uuid4(), range(1, size + 1))
    batch.insert(size - 1, events(taken, range(1, 2))[0])  # last statement's rows

    with pytest.raises(IntegrityError):
        app.recorder.insert_events(batch)

    assert log_position(app) == before


@pytest.mark.parametrize("size", [3, LARGE])
def test_a_save_whose_read_record_moved_on_stores_none_of_it(app, size):
    if not app.checks_unchanged:
        pytest.skip("this store checks read records before the save (ADR 6)")
    read = uuid4()
    app.recorder.insert_events(events(read, range(1, 3)))  # now at version 2
    before = log_position(app)

    with pytest.raises(ReadRecordsMoved) as moved:
        app.recorder.insert_events(events(uuid4(), range(1, size + 1)), unchanged={read: 1})

    assert moved.value.moved == {read}
    assert log_position(app) == before
    app.recorder.insert_events(events(uuid4(), range(1, size + 1)), unchanged={read: 2})
    assert log_position(app) > before
