"""What a command only read is still current when it is saved (ADR 6, 8, 11).

A command decides on the latest state this process holds in memory.  The records it
only read (the acting employee, the customer of a new opportunity) are checked by the
store inside the saving transaction; if another process moved one of them on, nothing
is saved and the command is decided again on fresh state.  Stores without that check
(memory, a plain eventsourcing recorder) ask the store before saving instead."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent
from freezegun import freeze_time
from salesdomain.adapters.bootstrap import bootstrap
from salesdomain.adapters.recorders.postgres import PostgresCheckingRecorder
from salesdomain.adapters.recorders.sqlite import SQLiteCheckingRecorder
from salesdomain.adapters.store import parse_database_url

import salesdomain.application as application_module
from salesdomain.application import ReadRecordsMoved, SalesApplication
from salesdomain.errors import NotAuthorised, SopRuleViolation
from salesdomain.handling import UnitOfWork
from salesdomain.people import commands as hc
from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.customer import Customer
from salesdomain.sop import Role
from tests import builders as b
from tests import people_builders as pb
from tests.conftest import FREEZEGUN_TRANSCODINGS, make_app
from tests.spec import Spec, log_position

NOW = "2026-03-02 09:00:00+00:00"
ALICE_ID = pb.employee_id("Alice Rep")


@pytest.fixture
def two_processes(shared_store: str) -> Iterator[tuple[Spec, SalesApplication]]:
    """This process (verifying actors, as production does) and another one."""
    here = make_app(shared_store, verify_actors=True)
    there = make_app(shared_store, verify_actors=True)
    yield Spec(here), there
    here.close()
    there.close()


@freeze_time(NOW)
def test_an_employee_who_left_in_another_process_is_refused_here(two_processes):
    spec, there = two_processes
    spec.given(*pb.founding(), (b.register(), b.ALICE))  # Alice held in memory as able to act
    leaving = hc.RecordLeaving.model_validate(
        {"employee_id": ALICE_ID, "last_day": date(2026, 3, 1), "reason": "resigned"}
    )
    there.handle(leaving, pb.HANNA)
    other = b.register(name="Another Prospect Ltd", reg="ANOTHER001")
    spec.when(other, b.ALICE).then_rejected(NotAuthorised, rule="has left the company")


@freeze_time(NOW)
def test_a_role_revoked_in_another_process_can_no_longer_be_used_here(two_processes):
    spec, there = two_processes
    spec.given(*pb.founding(), (hc.GrantRole(employee_id=ALICE_ID, role=Role.MARKETING), pb.HANNA))
    marketing = b.person("Alice Rep", Role.MARKETING)
    spec.given((b.register(), marketing))
    there.handle(hc.RevokeRole(employee_id=ALICE_ID, role=Role.MARKETING), pb.HANNA)
    other = b.register(name="Another Prospect Ltd", reg="ANOTHER001")
    spec.when(other, marketing).then_rejected(NotAuthorised, rule="does not hold the role")


@freeze_time(NOW)
def test_a_record_read_is_changed_by_another_process_between_decision_and_save(
    shared_store, monkeypatch
):
    """The rival commits after the customer was loaded and found qualified: the save
    is refused by the store, the command decided again and refused on the new state."""
    app, rival = make_app(shared_store), make_app(shared_store)
    try:
        spec = Spec(app)
        reg = b.register()
        cid = b.customer_id(reg)
        spec.given(*b.qualified_customer(reg))
        disqualify = pc.DisqualifyProspect(customer_id=cid, reason="Went bankrupt")
        state = {"done": False}

        class RivalAfterLoading(UnitOfWork):
            def load(self, kind, aggregate_id):
                found = super().load(kind, aggregate_id)
                if kind is Customer and not state["done"]:
                    state["done"] = True
                    rival.handle(disqualify, b.SUE)
                return found

        monkeypatch.setattr(application_module, "UnitOfWork", RivalAfterLoading)
        before = log_position(app)
        with pytest.raises(SopRuleViolation) as refused:
            app.handle(b.open_opportunity(cid, uuid4()), b.ALICE)
        assert refused.value.rule_id == "opportunity_for_qualified_prospect"
        assert state["done"]
        assert log_position(app) == before + 2  # only the rival's event and record
    finally:
        app.close()
        rival.close()


def _stored(aggregate_id, version: int) -> StoredEvent:
    return StoredEvent(aggregate_id, version, "salesdomain:Test.Event.v1", b"{}")


@freeze_time(NOW)
def test_the_store_refuses_a_save_whose_read_records_moved_on_and_stores_nothing(shared_store):
    app = make_app(shared_store)
    try:
        recorder = app.recorder
        assert isinstance(recorder, SQLiteCheckingRecorder | PostgresCheckingRecorder)
        read, written = uuid4(), uuid4()
        recorder.insert_events([_stored(read, 1), _stored(read, 2)])
        before = log_position(app)
        with pytest.raises(ReadRecordsMoved) as caught:
            recorder.insert_events([_stored(written, 1)], unchanged={read: 1})
        assert caught.value.moved >= {read}
        assert log_position(app) == before
        assert recorder.select_events(written) == []
        positions = recorder.insert_events([_stored(written, 1)], unchanged={read: 2})
        assert positions is not None
        assert len(positions) == 1
        absent = uuid4()  # a record read as not there: moved on once it exists
        recorder.insert_events([_stored(absent, 1)])
        with pytest.raises(ReadRecordsMoved):
            recorder.insert_events([_stored(written, 2)], unchanged={absent: 0})
    finally:
        app.close()


@freeze_time(NOW)
def test_without_a_checking_store_a_record_read_is_asked_for_before_saving(tmp_path):
    """A plain eventsourcing recorder: the service checks with one query per record."""
    config = parse_database_url(f"sqlite:///{tmp_path}/plain.db")
    env = {k: v for k, v in config.env.items() if k != "APPLICATION_RECORDER_TOPIC"}
    plain = SalesApplication(env, extra_transcodings=FREEZEGUN_TRANSCODINGS, verify_actors=False)
    other = bootstrap(config.url, extra_transcodings=FREEZEGUN_TRANSCODINGS, verify_actors=False)
    try:
        assert not isinstance(plain.recorder, SQLiteCheckingRecorder)
        spec = Spec(plain)
        reg = b.register()
        cid = b.customer_id(reg)
        spec.given(*b.qualified_customer(reg))
        other.handle(pc.DisqualifyProspect(customer_id=cid, reason="Went bankrupt"), b.SUE)
        spec.when(b.open_opportunity(cid, uuid4()), b.ALICE).then_refused(
            "opportunity_for_qualified_prospect"
        )
    finally:
        plain.close()
        other.close()
