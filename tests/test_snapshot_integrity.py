"""Snapshots are checked against their events and signed (issue 15, ADR 32): a forged
snapshot that makes a former employee active again is not believed when loaded, even in
the process that was running when it was forged; it is found, reported and discarded
when a system starts and with ``chain verify``, and the employee is loaded from their
events.  Rotating the master key signs the snapshots again.

Forging is SQL on the store's snapshot table, so this runs on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import closing, suppress
from typing import Any, NamedTuple

import pytest
from freezegun import freeze_time
from salesdomain.adapters import key_rotation
from salesdomain.adapters import snapshots as snapshots_module
from salesdomain.adapters.bootstrap import bootstrap
from salesdomain.adapters.forgetting import forget_data_subject
from salesdomain.adapters.key_rotation import rotate_master_key
from salesdomain.adapters.master_keys import master_keys_for
from salesdomain.adapters.personal_data import vault_of
from salesdomain.adapters.recorders.snapshot_store import HEADER_LENGTH, MARK
from salesdomain.adapters.snapshots import check_snapshots, discarded_at_start
from salesdomain.adapters.store import parse_database_url
from sqlalchemy import text

from salesdomain.application import SalesApplication
from salesdomain.errors import NotAuthorised
from salesdomain.people import commands as hc
from salesdomain.people.employee import Employee
from salesdomain.people.values import LeavingReason
from salesdomain.prospecting.values import contact_subject_id
from salesdomain.sop import Role
from tests import builders as b
from tests import people_builders as pb
from tests.cli_helpers import Cli
from tests.conftest import FREEZEGUN_TRANSCODINGS, make_system
from tests.test_master_keys import customer_with_two_contacts

NOW = "2026-03-02 09:00:00+00:00"
ALICE = pb.employee_id("Alice Rep")
Rewrite = Callable[[bytes, bytes], bytes]  # (state at version 3, state at 6) -> new state at 6


class Stored(NamedTuple):
    url: str
    table: str  # the store's snapshot table


def _start(url: str) -> SalesApplication:
    return bootstrap(url, extra_transcodings=FREEZEGUN_TRANSCODINGS)


@pytest.fixture
def snapshotted(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Stored:
    """Alice's record snapshotted at version 3 (active) and 6 (after she left)."""
    if store_url.startswith("memory"):
        pytest.skip("the in-memory store's snapshots never leave the process")
    monkeypatch.setattr(SalesApplication, "snapshotting_intervals", {Employee: 3})
    with freeze_time(NOW):
        app = _start(store_url)
        steps = [
            *pb.founding(),
            (pb.training(ALICE), b.MIA),
            (pb.training(ALICE, hours="2"), b.MIA),
            (hc.GrantRole(employee_id=ALICE, role=Role.SALES_SUPERVISOR), pb.HANNA),
            (hc.RevokeRole(employee_id=ALICE, role=Role.SALES_SUPERVISOR), pb.HANNA),
            (
                hc.RecordLeaving(
                    employee_id=ALICE, reason=LeavingReason.RESIGNED, last_day=b.TODAY
                ),
                pb.HANNA,
            ),
        ]
        for command, actor in steps:
            app.handle(command, actor)
        assert app.snapshots is not None
        versions = [s.originator_version for s in app.snapshots.get(ALICE)]
        assert versions == [3, 6]
        table = app.snapshots.recorder.events_table_name  # type: ignore[attr-defined]
        app.close()
    return Stored(store_url, table)


def _forge(store: Stored, views: Any, rewrite: Rewrite) -> None:
    """Alice's snapshot at version 6 rewritten in the database from both stored states."""
    key = ALICE.hex if store.url.startswith("sqlite") else str(ALICE)
    table = store.table
    with views.begin() as conn:
        states = dict(
            conn.execute(
                text(f"SELECT originator_version, state FROM {table} WHERE originator_id = :k"),
                {"k": key},
            ).all()
        )
        conn.execute(
            text(
                f"UPDATE {table} SET state = :s WHERE originator_id = :k AND originator_version = 6"
            ),
            {"s": rewrite(bytes(states[3]), bytes(states[6])), "k": key},
        )


def _copied(earlier: bytes, later: bytes) -> bytes:
    """The earlier snapshot's stored state, MAC and all (signed for version 3)."""
    return earlier


def _unsigned(earlier: bytes, later: bytes) -> bytes:
    """The earlier snapshot's state without its MAC, as snapshots were stored before."""
    return earlier[HEADER_LENGTH:]


def _garbled(earlier: bytes, later: bytes) -> bytes:
    """The earlier state under the later snapshot's MAC with a byte of it changed."""
    mac = bytearray(later[:HEADER_LENGTH])
    mac[-1] ^= 0xFF
    return bytes(mac) + earlier[HEADER_LENGTH:]


@pytest.fixture
def forged(snapshotted: Stored, views: Any) -> str:
    """Alice's later snapshot made to say she is active: the earlier state, unsigned."""
    _forge(snapshotted, views, _unsigned)
    return snapshotted.url


def test_a_forged_snapshot_is_found_and_discarded_when_the_system_starts(forged: str) -> None:
    with freeze_time(NOW):
        app = bootstrap(forged, extra_transcodings=FREEZEGUN_TRANSCODINGS)
        (bad,) = discarded_at_start(app)
        assert (bad.record_id, bad.version) == (ALICE, 6)
        assert "differs from the record replayed from its events" in str(bad)
        alice = app.repository.get(ALICE)
        assert alice.is_active is False  # loaded from her events, not the forgery
        assert check_snapshots(app) == []  # discarded: nothing bad is left
        app.close()


def test_chain_verify_reports_a_forged_snapshot(forged: str) -> None:
    """``chain verify`` names the snapshot (found as its system started) and fails."""
    result = Cli(forged)("chain", "verify")
    assert result.exit_code == 8, result.output
    assert "1 snapshot(s) did not match their events or their MAC and were discarded" in (
        result.stderr
    )
    assert str(ALICE) in result.stderr
    again = Cli(forged)("chain", "verify")  # discarded: the next check is clean
    assert again.exit_code == 0, again.output


@pytest.mark.parametrize("rewrite", [_copied, _unsigned, _garbled])
def test_a_snapshot_forged_while_the_system_runs_is_not_believed_when_loaded(
    snapshotted: Stored, views: Any, rewrite: Rewrite, caplog: pytest.LogCaptureFixture
) -> None:
    """Given a running system, when Alice's later snapshot is forged to say she is active
    (another snapshot's MAC, none, or a garbled one) and the system loads her again (her
    record gone from its cache), then she is loaded from her events: she stays left and
    may not act; the load warns and does not fail."""
    with freeze_time(NOW):
        app = _start(snapshotted.url)
        try:
            _forge(snapshotted, views, rewrite)
            _forget_cached(app)
            with caplog.at_level(logging.WARNING, logger="salesdomain"):
                assert app.store_reader.get(ALICE).is_active is False
                assert app.snapshots is not None  # the latest believed: the earlier one
                latest = app.snapshots.get(ALICE, desc=True, limit=1, lte=6)
                assert [s.originator_version for s in latest] == [3]
                with pytest.raises(NotAuthorised, match="has left"):
                    app.handle(b.register(), b.ALICE)
            assert app.repository.get(ALICE).is_active is False
            refused = [r.getMessage() for r in caplog.records if "not believed" in r.getMessage()]
            assert len(refused) == 1, refused  # once per snapshot, however often loaded
            assert f"record {ALICE} at version 6" in refused[0]
            (bad,) = check_snapshots(app)  # chain verify reports it and discards it
            assert bad.version == 6
            assert check_snapshots(app) == []
        finally:
            app.close()


def _forget_cached(app: SalesApplication) -> None:
    """Alice out of the application's cache, as a full cache forgets a record."""
    assert app.repository.cache is not None
    with suppress(KeyError):
        app.repository.cache.get(ALICE, evict=True)


def test_a_snapshot_whose_mac_does_not_match_is_reported_by_chain_verify(
    snapshotted: Stored, views: Any
) -> None:
    _forge(snapshotted, views, _copied)
    result = Cli(snapshotted.url)("chain", "verify")
    assert result.exit_code == 8, result.output
    assert "carries a MAC that does not match it" in result.stderr


def test_snapshots_stored_unsigned_that_match_their_events_are_signed_at_start(
    snapshotted: Stored, views: Any
) -> None:
    """Given snapshots stored before they were signed (no MAC), when the system starts,
    then each is checked against its events and, matching, signed: nothing reported."""
    _forge(snapshotted, views, lambda earlier, later: later[HEADER_LENGTH:])
    with freeze_time(NOW):
        app = _start(snapshotted.url)
        try:
            assert discarded_at_start(app) == []
            assert app.snapshots is not None
            rows = app.snapshots.recorder.select_events(ALICE)
            assert [bytes(row.state).startswith(MARK) for row in rows] == [True, True]
            assert [s.originator_version for s in app.snapshots.get(ALICE)] == [3, 6]
        finally:
            app.close()


def test_rotating_the_master_key_signs_the_snapshots_again(
    snapshotted: Stored, caplog: pytest.LogCaptureFixture
) -> None:
    """Given snapshots signed under a master key, when it is rotated (the old key
    destroyed), then they are signed under the new one and still believed."""
    with freeze_time(NOW):
        app = _start(snapshotted.url)
        try:
            vault = vault_of(app)
            old = vault.wrapping.current
            rotation = rotate_master_key(vault, snapshots_of=app)
            assert rotation.retired == (old,)
            assert vault.wrapping.ring.get(old) is None
            assert app.snapshots is not None
            rows = app.snapshots.recorder.select_events(ALICE)
            marks = {bytes(row.state)[len(MARK) : len(MARK) + 16].decode() for row in rows}
            assert marks == {rotation.master_key_id}
            with caplog.at_level(logging.WARNING, logger="salesdomain"):
                assert [s.originator_version for s in app.snapshots.get(ALICE)] == [3, 6]
                assert app.store_reader.get(ALICE).is_active is False
            assert caplog.records == []
        finally:
            app.close()


def test_a_rotation_that_does_not_sign_them_again_leaves_loads_right(
    snapshotted: Stored, caplog: pytest.LogCaptureFixture
) -> None:
    """Given snapshots signed under a master key, when it is rotated without signing
    them again, then they are refused (the old key is gone), loads replay the events and
    still give the right state, and the next start signs them again."""
    with freeze_time(NOW):
        app = _start(snapshotted.url)
        try:
            rotate_master_key(vault_of(app))
            assert app.snapshots is not None
            with caplog.at_level(logging.WARNING, logger="salesdomain"):
                assert list(app.snapshots.get(ALICE)) == []
                assert app.store_reader.get(ALICE).is_active is False
            assert "no longer held" in caplog.text
        finally:
            app.close()
        again = _start(snapshotted.url)
        try:
            assert discarded_at_start(again) == []
            assert again.snapshots is not None
            assert [s.originator_version for s in again.snapshots.get(ALICE)] == [3, 6]
        finally:
            again.close()


def test_a_rotation_whose_signing_fails_still_destroys_the_old_master_key(
    snapshotted: Stored, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Given snapshots, when signing them again fails in a rotation, then the old master
    key is destroyed all the same, the failure is logged, and loads stay right."""

    def failing(app: SalesApplication, when: str) -> None:
        raise RuntimeError("no")

    monkeypatch.setattr(key_rotation, "check_and_report", failing)
    with freeze_time(NOW):
        app = _start(snapshotted.url)
        try:
            vault = vault_of(app)
            old = vault.wrapping.current
            with caplog.at_level(logging.WARNING, logger="salesdomain"):
                rotate_master_key(vault, snapshots_of=app)
            assert "were not signed again" in caplog.text
            assert vault.wrapping.ring.get(old) is None
            assert app.store_reader.get(ALICE).is_active is False
        finally:
            app.close()


def test_keys_rotate_on_the_command_line_signs_the_snapshots_again(
    snapshotted: Stored, views: Any
) -> None:
    """``salesdomain keys rotate`` (as every forget) signs the snapshots under the new
    master key before it destroys the old one."""
    before = _signed_under(snapshotted, views)
    result = Cli(snapshotted.url)("keys", "rotate")
    assert result.exit_code == 0, result.output
    after = _signed_under(snapshotted, views)
    assert len(before) == len(after) == 1
    assert before != after
    ring = master_keys_for(parse_database_url(snapshotted.url))
    assert ring.get(before.pop()) is None
    assert ring.get(after.pop()) is not None


def _signed_under(store: Stored, views: Any) -> set[str]:
    """The master keys Alice's stored snapshots are signed under."""
    key = ALICE.hex if store.url.startswith("sqlite") else str(ALICE)
    with views.connect() as conn:
        states = conn.execute(
            text(f"SELECT state FROM {store.table} WHERE originator_id = :k"), {"k": key}
        ).scalars()
        return {bytes(state)[len(MARK) : len(MARK) + 16].decode() for state in states}


def test_forgetting_a_person_signs_the_snapshots_under_the_new_master_key(
    snapshotted: Stored, views: Any
) -> None:
    """Every forget rotates the master key (ADR 33): the snapshots are signed again."""
    before = _signed_under(snapshotted, views)
    with freeze_time(NOW), closing(make_system(snapshotted.url)) as system:
        cid = customer_with_two_contacts(system)
        done = forget_data_subject(
            system, contact_subject_id(cid, 0), "Asked", b.MIA, customer_id=cid
        )
        assert _signed_under(snapshotted, views) == {done.rotation.master_key_id} != before
        assert [s.originator_version for s in system.app.snapshots.get(ALICE)] == [3, 6]


def test_a_start_replays_only_the_snapshots_not_yet_found_equal_to_their_events(
    snapshotted: Stored, views: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given Alice's snapshots as taken (signed, not yet checked against her events),
    when the system starts, then each is replayed against her events and signed as
    found equal to them; when it starts again, none is replayed (ADR 38), yet one forged
    since is still found and discarded; ``chain verify``'s check replays every one."""
    replayed: list[int] = []
    differs = snapshots_module._differs

    def counted(app: SalesApplication, row: Any) -> str | None:
        replayed.append(int(row.originator_version))
        return differs(app, row)

    monkeypatch.setattr(snapshots_module, "_differs", counted)
    with freeze_time(NOW):
        app = _start(snapshotted.url)
        assert (replayed, discarded_at_start(app)) == ([3, 6], [])
        app.close()
        replayed.clear()
        app = _start(snapshotted.url)
        assert (replayed, discarded_at_start(app)) == ([], [])
        assert check_snapshots(app, discard=False) == []
        assert sorted(replayed) == [3, 6]
        app.close()
        _forge(snapshotted, views, _unsigned)
        replayed.clear()
        app = _start(snapshotted.url)
        try:
            assert replayed == [6]
            assert [str(bad) for bad in discarded_at_start(app)] == [
                f"the snapshot of record {ALICE} at version 6 differs from the record "
                "replayed from its events"
            ]
            assert app.load(Employee, ALICE).is_active is False
        finally:
            app.close()
