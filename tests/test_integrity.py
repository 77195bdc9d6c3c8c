"""The hash chain over the stored log: keeping it, digests, and catching tampering.

Tampering is done with SQL straight on the recorder's events table (SQLite:
``stored_events``, the position is the rowid; PostgreSQL: ``salesapplication_events``
in the test's schema, the position is ``notification_id``), so it runs on the SQLite
and PostgreSQL stores only; the POPO store has no rows to tamper with.
"""

from __future__ import annotations

import hashlib
import json
from uuid import uuid4

import pytest
from freezegun import freeze_time
from salesdomain.projections.integrity import (
    GENESIS,
    ChainKeeper,
    Digest,
    canonical,
    event_chain,
    link_of,
    next_link,
    verify,
)
from salesdomain.projections.integrity import verification as problem
from sqlalchemy import text

from tests import builders as b
from tests.threads import at_once

FROZEN = "2026-03-02 09:00:00+00:00"


def _deal(app) -> None:
    with freeze_time(FROZEN):
        reg = b.register(name=f"Chain Test {uuid4().hex[:8]}", reg=uuid4().hex[:18].upper())
        for command, actor in b.won_deal(uuid4(), reg):
            app.handle(command, actor)


def _head(app) -> int:
    return app.recorder.max_notification_id() or 0


@pytest.fixture
def sql_store(store_url: str, app) -> tuple[str, str]:
    """The recorder's events table and its notification id column."""
    if store_url.startswith("memory"):
        pytest.skip("the in-memory store has no SQL rows to tamper with")
    column = "notification_id" if store_url.startswith("postgres") else "rowid"
    return app.recorder.events_table_name, column


@pytest.fixture
def chained(app, views, sql_store):
    """A small history, chained, with a digest taken and exported."""
    _deal(app)
    keeper = ChainKeeper(views, app)
    assert keeper.catch_up(batch_size=7) == _head(app)
    exported = keeper.digest().to_json()
    assert verify(app, views, Digest.from_json(exported)).ok
    return keeper, Digest.from_json(exported)


# ---- SQL on the recorder's table -----------------------------------------------------


def _pos(store: tuple[str, str]) -> str:
    return store[1]


def _sql(views, statement: str, **params) -> None:
    with views.begin() as conn:
        conn.execute(text(statement), params)


def _move(views, store: tuple[str, str], moves: dict[int, int]) -> None:
    """Renumber stored rows (old position -> new), through negative positions so the
    unique notification id never collides half-way."""
    pos = _pos(store)
    with views.begin() as conn:
        for old in moves:
            conn.execute(
                text(f"UPDATE {store[0]} SET {pos} = :t WHERE {pos} = :o"), {"t": -old, "o": old}
            )
        for old, new in moves.items():
            conn.execute(
                text(f"UPDATE {store[0]} SET {pos} = :n WHERE {pos} = :t"), {"n": new, "t": -old}
            )


def _state(views, store: tuple[str, str], position: int) -> bytes:
    with views.connect() as conn:
        return bytes(
            conn.execute(
                text(f"SELECT state FROM {store[0]} WHERE {_pos(store)} = :p"), {"p": position}
            ).scalar_one()
        )


def _set_state(views, store: tuple[str, str], position: int, state: bytes) -> None:
    _sql(views, f"UPDATE {store[0]} SET state = :s WHERE {_pos(store)} = :p", s=state, p=position)


# ---- the link function ---------------------------------------------------------------


def test_the_link_function_is_sha256_over_the_previous_link_and_a_canonical_encoding():
    encoded = canonical(
        7,
        "6f1c1f5e-2c55-4d4c-9d7e-000000000001",
        3,
        "salesdomain:Customer.Registered.v1",
        b'{"a":1}',
    )
    state_hash = hashlib.sha256(b'{"a":1}').hexdigest()
    assert encoded == (
        b'{"aggregate":"6f1c1f5e-2c55-4d4c-9d7e-000000000001","position":7,'
        b'"state_sha256":"' + state_hash.encode() + b'",'
        b'"topic":"salesdomain:Customer.Registered.v1","version":3}'
    )
    link = next_link(GENESIS, encoded)
    assert link == hashlib.sha256(bytes(32) + encoded).hexdigest()
    assert link == "5ce43421e5c278978d2beafa8636d351f55ba8089130dbdf540d5439d5803587"  # sha256sum


def test_the_canonical_encoding_is_sorted_compact_ascii_json():
    odd = 'topic "quoted" \\ back\nslash, ü, 中'
    encoded = canonical(12, uuid4(), 2, odd, b"\x00\xff")
    data = json.loads(encoded)
    assert data["topic"] == odd
    assert encoded == json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=True
    ).encode("ascii")


def test_a_digest_round_trips_through_json_and_rejects_garbage():
    digest = Digest(42, "ab" * 32)
    assert Digest.from_json(digest.to_json()) == digest
    with pytest.raises(ValueError, match="64 lowercase hex"):
        Digest.from_json('{"position": 1, "link": "xyz"}')
    with pytest.raises(ValueError, match="unknown chain algorithm"):
        Digest.from_json('{"algorithm": "md5", "position": 1, "link": "' + "0" * 64 + '"}')


# ---- a clean store -------------------------------------------------------------------


def test_a_clean_store_verifies_and_the_chain_catches_up_with_new_events(app, views):
    _deal(app)
    keeper = ChainKeeper(views, app)
    keeper.catch_up(batch_size=5)
    first = keeper.digest()
    assert first.position == _head(app)
    report = verify(app, views, first, page_size=4)
    assert report.ok, report
    assert report.checked == _head(app)

    _deal(app)
    behind = verify(app, views, first)
    assert behind.ok, behind
    assert behind.chained_to == first.position < behind.checked
    assert keeper.catch_up() == _head(app)
    second = keeper.digest()
    assert second.position > first.position
    assert verify(app, views, first).ok
    assert verify(app, views, second, page_size=3).ok


def test_several_keepers_never_link_a_position_twice(store_url, app, views):
    if store_url.startswith("memory"):
        pytest.skip("keepers in several threads share one in-memory database connection")
    _deal(app)
    keepers = [ChainKeeper(views, app) for _ in range(4)]
    assert at_once(lambda keeper: keeper.catch_up(batch_size=3), [(k,) for k in keepers]) == []
    with views.connect() as conn:
        positions = [r[0] for r in conn.execute(event_chain.select().order_by("position"))]
    assert positions == list(range(1, _head(app) + 1))
    assert verify(app, views, keepers[0].digest()).ok


# ---- tampering -----------------------------------------------------------------------


def test_a_changed_byte_of_an_event_is_caught_at_its_position(app, views, chained, sql_store):
    _keeper, digest = chained
    state = bytearray(_state(views, sql_store, 5))
    state[len(state) // 2] ^= 0x01
    _set_state(views, sql_store, 5, bytes(state))
    report = verify(app, views, digest)
    assert (report.ok, report.first_bad_position, report.problem) == (
        False,
        5,
        problem.EVENT_CHANGED,
    )
    assert "position 5" in report.message


def test_a_changed_aggregate_version_is_caught(app, views, chained, sql_store):
    _sql(views, f"UPDATE {sql_store[0]} SET originator_version = 99 WHERE {_pos(sql_store)} = 4")
    report = verify(app, views)
    assert (report.first_bad_position, report.problem) == (4, problem.EVENT_CHANGED)


def test_a_deleted_event_is_caught_at_its_position(app, views, chained, sql_store):
    _sql(views, f"DELETE FROM {sql_store[0]} WHERE {_pos(sql_store)} = 6")
    report = verify(app, views, chained[1])
    assert (report.first_bad_position, report.problem) == (6, problem.EVENT_MISSING)


def test_a_deleted_last_event_is_caught(app, views, chained, sql_store):
    head = _head(app)
    _sql(views, f"DELETE FROM {sql_store[0]} WHERE {_pos(sql_store)} = {head}")
    report = verify(app, views, chained[1])
    assert (report.first_bad_position, report.problem) == (head, problem.EVENT_MISSING)


def test_a_deletion_with_later_events_renumbered_is_caught(app, views, chained, sql_store):
    head = _head(app)
    _sql(views, f"DELETE FROM {sql_store[0]} WHERE {_pos(sql_store)} = 6")
    _move(views, sql_store, {p: p - 1 for p in range(7, head + 1)})
    report = verify(app, views, chained[1])
    assert (report.first_bad_position, report.problem) == (6, problem.EVENT_MISSING)


def test_an_event_inserted_into_history_is_caught(app, views, chained, sql_store):
    head = _head(app)
    forged_state = _state(views, sql_store, 3)
    _move(views, sql_store, {p: p + 1 for p in range(head, 7, -1)})  # free position 8
    _sql(
        views,
        f"INSERT INTO {sql_store[0]} (originator_id, originator_version, topic, state, "
        f"{_pos(sql_store)}) VALUES (:id, 1, 'salesdomain:Customer.Registered.v1', :s, 8)",
        id=uuid4().hex,  # as the store writes ids (another form is caught as such)
        s=forged_state,
    )
    report = verify(app, views, chained[1])
    assert (report.first_bad_position, report.problem) == (8, problem.EVENT_INSERTED), report


def test_an_event_inserted_at_an_unchained_position_is_caught(app, views, chained, sql_store):
    # Free position 5 as if the store had a gap there when the chain was kept: the
    # chain is rebuilt without 5, then a forged event is put at 5.
    keeper, _digest = chained
    head = _head(app)
    _sql(views, f"DELETE FROM {sql_store[0]} WHERE {_pos(sql_store)} = 5")
    _sql(views, "DELETE FROM event_chain")
    _sql(views, "UPDATE projection_state SET position = 0 WHERE name = 'event_chain'")
    keeper.catch_up()
    assert verify(app, views).ok
    _sql(
        views,
        f"INSERT INTO {sql_store[0]} (originator_id, originator_version, topic, state, "
        f"{_pos(sql_store)}) VALUES (:id, 1, 'salesdomain:Customer.Registered.v1', :s, 5)",
        id=uuid4().hex,  # as the store writes ids (another form is caught as such)
        s=b"{}",
    )
    report = verify(app, views)
    assert (report.first_bad_position, report.problem) == (5, problem.EVENT_INSERTED)
    assert report.chained_to == head


def test_two_events_swapped_are_caught_at_the_first(app, views, chained, sql_store):
    _move(views, sql_store, {4: 9, 9: 4})
    report = verify(app, views, chained[1])
    assert (report.first_bad_position, report.problem) == (4, problem.ORDER_DIFFERS), report
    assert "4 and 9" in report.message


def test_swapped_states_are_caught_at_the_first(app, views, chained, sql_store):
    three, eight = _state(views, sql_store, 3), _state(views, sql_store, 8)
    _set_state(views, sql_store, 3, eight)
    _set_state(views, sql_store, 8, three)
    report = verify(app, views, chained[1])
    assert (report.ok, report.first_bad_position) == (False, 3)


def test_a_tampered_chain_row_is_caught(app, views, chained, sql_store):
    _sql(views, "UPDATE event_chain SET link = :l WHERE position = 6", l="f" * 64)
    report = verify(app, views, chained[1])
    assert (report.first_bad_position, report.problem) == (6, problem.CHAIN_TAMPERED)


def test_history_rewritten_with_its_chain_is_caught_by_the_exported_digest(
    app, views, chained, sql_store
):
    keeper, digest = chained
    state = bytearray(_state(views, sql_store, 5))
    state[len(state) // 2] ^= 0x01
    _set_state(views, sql_store, 5, bytes(state))
    # The attacker recomputes the whole chain, so the store and chain agree again.
    _sql(views, "DELETE FROM event_chain")
    _sql(views, "UPDATE projection_state SET position = 0 WHERE name = 'event_chain'")
    keeper.catch_up()
    assert verify(app, views).ok, "store and rewritten chain agree"
    report = verify(app, views, digest)
    assert (report.ok, report.problem) == (False, problem.DIGEST_DIFFERS)
    assert report.first_bad_position == digest.position
    assert f"position {digest.position}" in report.message


def test_a_store_cut_short_is_caught_by_the_digest(app, views, chained, sql_store):
    _keeper, digest = chained
    _sql(views, f"DELETE FROM {sql_store[0]} WHERE {_pos(sql_store)} > 10")
    _sql(views, "DELETE FROM event_chain WHERE position > 10")
    _sql(views, "UPDATE projection_state SET position = 10 WHERE name = 'event_chain'")
    assert verify(app, views).ok
    report = verify(app, views, digest)
    assert (report.first_bad_position, report.problem) == (11, problem.STORE_SHORTER)


def test_the_link_of_a_stored_event_is_the_one_in_the_chain(app, views, chained):
    first = app.recorder.select_notifications(1, 1)[0]
    with views.connect() as conn:
        stored = conn.execute(text("SELECT link FROM event_chain WHERE position = 1")).scalar()
    assert stored == link_of(GENESIS, first)


# ---- stored forms the store never writes (SQLite keeps whatever it is given) -------------


def _sqlite_only(store_url: str) -> None:
    if not store_url.startswith("sqlite"):
        pytest.skip("PostgreSQL's columns are typed: a uuid and a bigint have one form")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("originator_id = upper(originator_id)", "is not written as the store writes ids"),
        ("originator_version = originator_version + 0.5", "version is stored as real"),
        ("state = CAST(state AS TEXT)", "state is stored as text"),
        ("topic = CAST(topic AS BLOB)", "topic is stored as blob"),
        ("originator_id = 'not-a-uuid'", "is not a UUID"),
    ],
    ids=["upper-case id", "fractional version", "state as text", "topic as blob", "no uuid"],
)
def test_an_event_stored_in_another_form_is_caught_not_read_past(
    store_url, app, views, chained, sql_store, change, words
):
    """Read back through the recorder these rows look the same (an id is normalised, a
    version made an int) or cannot be hashed at all; verification names them as
    tampering at their position, and never stops with a traceback."""
    _sqlite_only(store_url)
    _sql(views, f"UPDATE {sql_store[0]} SET {change} WHERE {_pos(sql_store)} = 4")
    report = verify(app, views, chained[1])
    assert (report.ok, report.first_bad_position, report.problem) == (False, 4, problem.STORED_FORM)
    assert words in report.message


def test_an_unreadable_event_is_reported_as_tampering_on_any_store(app, views, chained):
    """A reader that hands back state that is not bytes (as a store without form checks
    would) is reported, not raised."""

    class TextState:
        def __init__(self, recorder):
            self.recorder = recorder

        def select_notifications(self, start, limit):
            page = self.recorder.select_notifications(start, limit)
            return [
                type("N", (), {**vars(n), "state": n.state.decode("latin-1")}) if n.id == 3 else n
                for n in page
            ]

    report = verify(TextState(app.recorder), views)
    assert (report.ok, report.first_bad_position, report.problem) == (
        False,
        3,
        problem.EVENT_UNREADABLE,
    )
