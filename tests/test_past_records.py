"""Any record as it stood at a version or a moment (salesdomain.past), on every store."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest
from eventsourcing.application import project_aggregate
from freezegun import freeze_time

from salesdomain import clock
from salesdomain.aftersales.service_case import ServiceCase
from salesdomain.errors import RecordNotFound
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.opportunities.stages import Stage
from salesdomain.past import (
    NoSuchVersion,
    NotYetRecorded,
    _has_snapshots,
    aggregate_as_of,
    aggregate_at_version,
    version_as_of,
)
from salesdomain.people.employee import SNAPSHOT_INTERVAL, Employee
from salesdomain.prospecting.customer import Customer
from salesdomain.records import record_as_of, record_kind, record_state
from salesdomain.sop import Role
from salesdomain.values import Actor
from tests import builders as b
from tests import people_builders as pb

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _won_deal_a_day_apart(app):
    """A deal won step by step, one day between steps; the opportunity's id."""
    opp = uuid4()
    with freeze_time(T0) as frozen:
        for command, actor in b.won_deal(opp):
            app.handle(command, actor)
            frozen.tick(timedelta(days=1))
    return opp


def test_by_version_each_version_is_the_record_after_that_many_events(app):
    opp = _won_deal_a_day_apart(app)
    stages = [aggregate_at_version(app, Opportunity, opp, v).stage for v in range(1, 11)]
    assert stages[0] is Stage.CONTACT
    assert stages[-1] is Stage.WON
    assert aggregate_at_version(app, Opportunity, opp, 9).stage is Stage.QUOTED
    assert aggregate_at_version(app, Opportunity, opp, 3).version == 3


def test_a_version_the_record_never_reached_is_refused_by_number(app):
    opp = _won_deal_a_day_apart(app)
    for version in (0, 11):
        with pytest.raises(NoSuchVersion, match=r"has no version .*: versions run from 1 to 10"):
            aggregate_at_version(app, Opportunity, opp, version)


def test_by_timestamp_between_events_is_the_state_after_the_earlier_one(app):
    opp = _won_deal_a_day_apart(app)
    history = app.history(opp)
    for event, after in itertools.pairwise(history):
        between = event.timestamp + (after.timestamp - event.timestamp) / 2
        found = aggregate_as_of(app, Opportunity, opp, between)
        assert found.version == event.originator_version
        assert found.modified_on == event.timestamp


def test_at_the_exact_timestamp_of_an_event_that_event_is_included(app):
    opp = _won_deal_a_day_apart(app)
    quoted = app.history(opp)[8]
    found = aggregate_as_of(app, Opportunity, opp, quoted.timestamp)
    assert (found.version, found.stage) == (9, Stage.QUOTED)
    just_before = aggregate_as_of(app, Opportunity, opp, quoted.timestamp - timedelta(seconds=1))
    assert just_before.version == 8
    now = aggregate_as_of(app, Opportunity, opp, T0 + timedelta(days=365))
    assert vars(now) == vars(app.load(Opportunity, opp))


def test_before_creation_the_error_names_the_record_and_both_dates(app):
    opp = _won_deal_a_day_apart(app)
    opened = app.history(opp)[0].timestamp
    with pytest.raises(NotYetRecorded) as refused:
        aggregate_as_of(app, Opportunity, opp, opened - timedelta(microseconds=1))
    message = str(refused.value)
    assert f"no opportunity with id {opp} on 2026-03-05 08:59:59 UTC" in message
    assert "first recorded on 2026-03-05 09:00:00 UTC" in message
    assert isinstance(refused.value, RecordNotFound)  # adapters map it like any not-found


def test_a_record_that_never_existed_or_is_of_another_kind_is_not_found(app):
    opp = _won_deal_a_day_apart(app)
    later = T0 + timedelta(days=30)
    with pytest.raises(RecordNotFound, match="no opportunity with id"):
        aggregate_as_of(app, Opportunity, uuid4(), later)
    with pytest.raises(RecordNotFound, match="no customer with id"):
        aggregate_as_of(app, Customer, opp, later)
    with pytest.raises(RecordNotFound, match="no customer with id"):
        aggregate_as_of(app, Customer, opp, T0)  # not yet, and not a customer either


def test_a_time_without_a_zone_is_refused(app):
    opp = _won_deal_a_day_apart(app)
    with pytest.raises(ValueError, match="needs a time zone"):
        aggregate_as_of(app, Opportunity, opp, datetime(2026, 3, 5, 9))


HR = Actor(employee_id=uuid4(), role=Role.HR, name="Hana HR")


def _long_serving_employee(app, trainings: int):
    """An employee enrolled at T0 with a training recorded each day after; the
    application snapshots employees every SNAPSHOT_INTERVAL events."""
    simulated = clock.SimulatedClock(T0)

    def next_day() -> date:
        simulated.advance(timedelta(days=1))
        return simulated().date()

    with clock.simulated(simulated):
        return pb.long_serving_employee(
            app, trainings, hr=HR, start_date=date(2020, 1, 6), today=next_day, batch=50
        )


def test_snapshotted_records_are_found_by_version_then_loaded_from_a_snapshot(app):
    employee_id = _long_serving_employee(app, trainings=2 * SNAPSHOT_INTERVAL + 30)
    events = list(app.events.get(employee_id))
    assert len(list(app.snapshots.get(employee_id))) == 2
    assert _has_snapshots(app, employee_id)
    with pytest.raises(NotYetRecorded, match="first recorded on 2026-03-02 09:00:00 UTC"):
        aggregate_as_of(app, Employee, employee_id, events[0].timestamp - timedelta(seconds=1))
    for version in (1, 99, 100, 101, 150, 200, 201, 231):
        at = events[version - 1].timestamp + timedelta(hours=1)
        assert version_as_of(app, employee_id, at) == version
        found = aggregate_as_of(app, Employee, employee_id, at)
        replayed = project_aggregate(None, [e for e in events if e.timestamp <= at])
        assert vars(found) == vars(replayed)
        assert found.training_count == version - 1


def test_a_snapshotted_opportunity_is_found_as_of_a_moment_from_its_snapshots(app):
    """Given an opportunity with a contact logged each day, snapshotted every
    ``Opportunity.SNAPSHOT_INTERVAL`` events (ADR 38), when it is asked for as of a
    moment, then it is the opportunity replayed from the events up to then, type for
    type (lists stay lists, dicts keep their keys)."""
    simulated = clock.SimulatedClock(T0)
    interval = Opportunity.SNAPSHOT_INTERVAL
    assert interval is not None
    with clock.simulated(simulated):
        opp = b.long_running_opportunity(
            app,
            2 * interval + 30,
            rep=b.ALICE,
            batch=50,
            tick=lambda: simulated.advance(timedelta(days=1)),
        )
    events = list(app.events.get(opp))
    assert [s.originator_version for s in app.snapshots.get(opp)] == [interval, 2 * interval]
    for version in (1, interval - 1, interval, interval + 1, 2 * interval + 1, len(events)):
        at = events[version - 1].timestamp + timedelta(hours=1)
        found = aggregate_as_of(app, Opportunity, opp, at)
        replayed = project_aggregate(None, [e for e in events if e.timestamp <= at])
        assert vars(found) == vars(replayed)
        assert {k: type(v) for k, v in vars(found).items()} == {
            k: type(v) for k, v in vars(replayed).items()
        }
        assert (found.version, found.contacts_logged) == (version, version - 1)


def test_records_are_named_as_people_say_them_and_read_as_plain_data(app):
    opp = _won_deal_a_day_apart(app)
    quoted_at = app.history(opp)[8].timestamp
    by_time = record_as_of(app, "Opportunity", opp, at=quoted_at)
    assert record_as_of(app, "opportunity", opp, version=9).__dict__ == by_time.__dict__
    state = record_state(by_time)
    assert (state["kind"], state["id"], state["version"]) == ("Opportunity", opp, 9)
    assert state["stage"] is Stage.QUOTED
    assert state["modified_on"] == quoted_at
    assert record_kind("service case") is record_kind("ServiceCase") is ServiceCase
    with pytest.raises(ValueError, match=r"no kind of record called 'deal'; known: .*Order"):
        record_as_of(app, "deal", opp, version=1)
    with pytest.raises(ValueError, match=r"either a time .* or a version"):
        record_as_of(app, "opportunity", opp)
    with pytest.raises(ValueError, match=r"either a time .* or a version"):
        record_as_of(app, "opportunity", opp, at=quoted_at, version=2)
