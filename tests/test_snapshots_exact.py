"""Every kind of record that can grow is snapshotted, and a record loaded from its
snapshot is the record its events replay to, type for type (issue 16, ADR 38).

The records are the demo's quarter (every kind of record the library keeps), written on
an application that snapshots every kind every ``INTERVAL`` events, on every store."""

from __future__ import annotations

import copy
from collections import defaultdict
from contextlib import closing
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.application import project_aggregate
from freezegun import freeze_time
from salesdomain.adapters.demo import run_demo
from salesdomain.adapters.forgetting import forget_data_subject
from salesdomain.adapters.recorders.snapshot_store import SignedSnapshotStore
from salesdomain.adapters.snapshots import check_snapshots
from salesdomain.projections.log import ApplicationLog

from salesdomain.aggregate import SopAggregate, record_classes
from salesdomain.application import SalesApplication
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.orders.order import Order
from salesdomain.prospecting.customer import Customer
from salesdomain.prospecting.values import contact_subject_id
from salesdomain.snapshots import ExactSnapshot
from tests import builders as b
from tests.conftest import make_app, make_system
from tests.test_master_keys import customer_with_two_contacts

INTERVAL = 2
NOW = "2026-03-02 09:00:00+00:00"


def same(found: Any, expected: Any, where: str = "state") -> None:
    """``found`` equals ``expected`` with the same type at every level (a tuple is not a
    list, a ``StrEnum`` is not its text, a dict's keys keep their types)."""
    assert type(found) is type(expected), f"{where}: {type(found)} is not {type(expected)}"
    if isinstance(expected, dict):
        assert found.keys() == expected.keys(), f"{where}: other keys"
        keys = {key: key for key in found}
        for key, value in expected.items():
            same(keys[key], key, f"{where} key {key!r}")
            same(found[key], value, f"{where}[{key!r}]")
    elif isinstance(expected, list | tuple):
        assert len(found) == len(expected), f"{where}: other length"
        for n, (one, other) in enumerate(zip(found, expected, strict=True)):
            same(one, other, f"{where}[{n}]")
    else:
        assert found == expected, f"{where}: {found!r} != {expected!r}"


def records_by_kind(app: SalesApplication) -> dict[type[SopAggregate], list[UUID]]:
    log = ApplicationLog(app)
    ids = dict.fromkeys(e.originator_id for _, e in log.read(0, log.head()) if e is not None)
    found: dict[type[SopAggregate], list[UUID]] = defaultdict(list)
    for record_id in ids:
        record = project_aggregate(None, app.events.get(record_id))
        if isinstance(record, SopAggregate):
            found[type(record)].append(record_id)
    return found


def test_every_kind_of_record_is_snapshotted_or_bounded_by_construction() -> None:
    """Given every kind of record, then each is snapshotted at its interval, or declares
    its history bounded by construction (``SNAPSHOT_INTERVAL = None``), never both."""
    # the library's own: a test may define a kind of its own (test_sop_catalogue's Probe)
    kinds = {kind for kind in record_classes() if kind.__module__.startswith("salesdomain.")}
    snapshotted = set(SalesApplication.snapshotting_intervals)
    bounded = {kind for kind in kinds if kind.SNAPSHOT_INTERVAL is None}
    assert snapshotted | bounded == kinds
    assert not snapshotted & bounded
    assert {Opportunity, Order} <= snapshotted
    assert all(kind.Snapshot is ExactSnapshot for kind in kinds)


@pytest.fixture
def demo_snapshotted(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The demo's quarter written on an application snapshotting every kind every
    ``INTERVAL`` events."""
    intervals = dict.fromkeys(SalesApplication.snapshotting_intervals, INTERVAL)
    monkeypatch.setattr(SalesApplication, "snapshotting_intervals", intervals)
    with closing(make_system(store_url)) as system:
        run_demo(system, 7)
        yield system.app


def test_a_record_loaded_from_its_snapshot_is_the_record_its_events_replay_to(
    demo_snapshotted: SalesApplication,
) -> None:
    """Given the demo's records snapshotted every INTERVAL events, when each is loaded
    (from its latest snapshot and the events after it, then from one taken at its last
    version), then it is the record replayed from its events alone: same state, type
    for type, same version.  Snapshots were taken at the interval, of snapshotted kinds
    only, and every snapshotted kind has records loaded from one."""
    app = demo_snapshotted
    assert app.snapshots is not None
    from_snapshots = set()
    for kind, ids in records_by_kind(app).items():
        for record_id in ids:
            replayed = project_aggregate(None, app.events.get(record_id))
            same(vars(app.load(kind, record_id)), vars(replayed), f"{kind.__name__} {record_id}")
            versions = [s.originator_version for s in app.snapshots.get(record_id)]
            if kind not in app.snapshotting_intervals:
                assert versions == []
                continue
            assert versions == list(range(INTERVAL, replayed.version + 1, INTERVAL))
            if replayed.version % INTERVAL:
                app.take_snapshot(record_id)  # at its last version
                same(vars(app.load(kind, record_id)), vars(replayed), f"{kind.__name__} last")
            from_snapshots.add(kind)
    assert from_snapshots == set(app.snapshotting_intervals)


def test_the_snapshots_of_every_kind_agree_with_their_events_at_the_deep_check(
    demo_snapshotted: SalesApplication,
) -> None:
    """Given the demo's records snapshotted every INTERVAL events, when every snapshot is
    replayed against its events (``chain verify``'s check), then none differs."""
    if not isinstance(demo_snapshotted.snapshots, SignedSnapshotStore):
        pytest.skip("the in-memory store's snapshots never leave the process")
    assert check_snapshots(demo_snapshotted, discard=False) == []


def test_a_copy_of_a_record_grows_apart_from_the_original() -> None:
    """Given an opportunity with contacts, feasibility and quotes, when a copy (what the
    aggregate cache hands out) has more added, then the original's lists and dicts are
    unchanged: ``apply`` adds to them in place, so a copy copies them."""
    app = make_app("memory://")
    opp_id = uuid4()
    with freeze_time(NOW):
        for command, actor in b.won_deal(opp_id)[:-1]:
            app.handle(command, actor)
    original = app.load(Opportunity, opp_id)
    assert original.quotes
    assert original.feasibility
    before = {name: copy.copy(value) for name, value in vars(original).items()}
    copied = copy.deepcopy(original)
    copied.quotes.append(copied.quotes[-1])
    copied.feasibility.clear()
    copied.approvals[99] = None
    assert dict(vars(original)) == before
    app.close()


def test_a_snapshotted_customer_whose_contact_is_forgotten_loads_as_its_events_replay(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a customer snapshotted with both contact persons (their personal values
    sealed under their own keys, ADR 13), when one is forgotten (the key destroyed, a
    snapshot taken after), then the customer loads as its events replay, from either
    snapshot, and a new start finds every snapshot equal to its events."""
    intervals = dict.fromkeys(SalesApplication.snapshotting_intervals, INTERVAL)
    monkeypatch.setattr(SalesApplication, "snapshotting_intervals", intervals)
    with freeze_time(NOW), closing(make_system(store_url)) as system:
        cid = customer_with_two_contacts(system)  # registered, a contact added: 2 events
        subject = contact_subject_id(cid, 0)
        forget_data_subject(system, subject, "Asked", b.MIA, customer_id=cid)
        app = system.app
        replayed = project_aggregate(None, app.events.get(cid))
        assert [p.erased for p in replayed.contacts] == [True, False]
        assert app.snapshots is not None
        assert [s.originator_version for s in app.snapshots.get(cid)] == [2]
        for version in (2, replayed.version):
            at_version = project_aggregate(None, app.events.get(cid, lte=version))
            same(vars(app.load(Customer, cid, version=version)), vars(at_version))
        assert check_snapshots(app, discard=False) == []
