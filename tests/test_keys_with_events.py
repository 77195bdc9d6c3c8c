"""A new data subject's key is stored in the events' own transaction (ADR 19), on a
SQLite file and on PostgreSQL: a key never without its events nor events without their
key; a key another writer stored first is used, not replaced; a subject forgotten
meanwhile gets no new personal data, and nothing is stored."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError
from freezegun import freeze_time
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.forgetting import forget_data_subject
from salesdomain.adapters.key_store import SubjectForgotten, data_subject_keys
from salesdomain.adapters.personal_data import vault_of
from sqlalchemy import select

from salesdomain.aggregate import Evidence
from salesdomain.errors import RecordNotFound
from salesdomain.people.candidate import Candidate
from salesdomain.people.values import InterviewKind
from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.customer import Customer
from salesdomain.prospecting.values import ContactPerson, contact_subject_id
from tests import builders as b
from tests import people_builders as pb
from tests.conftest import make_system

NOW = "2026-03-02 09:00:00+00:00"


@pytest.fixture
def first(shared_store: str, system: System) -> System:
    """One process on a store that several share."""
    return system


@pytest.fixture
def second(first: System, shared_store: str) -> Iterator[System]:
    """Another process on the same store."""
    with closing(make_system(shared_store)) as built:
        yield built


def stored_keys(system: System) -> dict[str, bytes | None]:
    with system.views.engine.connect() as conn:
        rows = conn.execute(select(data_subject_keys.c.subject_id, data_subject_keys.c.key))
        return {row.subject_id: row.key for row in rows}


def _log_length(system: System) -> int:
    return len(system.app.recorder.select_notifications(start=1, limit=100_000))


def _candidate(system: System) -> UUID:
    """A candidate who applied and was screened (their details sealed under their key)."""
    req, cand = uuid4(), uuid4()
    steps = [pb.interviewer(), *pb.open_hiring(req)]
    steps += pb.recruit("Nora New", req, cand, uuid4(), interviewer_id=pb.employee_id("Ian"))[:2]
    for command, actor in steps:
        system.app.handle(command, actor)
    return cand


def _interview(cand: UUID) -> tuple[object, object]:
    return pb.interview(cand, pb.employee_id("Ian Interviewer"), InterviewKind.PHONE), pb.HANNA


@freeze_time(NOW)
def test_a_new_subjects_key_is_stored_with_the_events_and_never_without_them(first, second):
    reg = b.register()
    first.app.handle(reg, b.ALICE)
    cid = b.customer_id(reg)
    li_na = pc.AddContactPerson(customer_id=cid, person=ContactPerson(name="Li Na"))
    first.app.handle(li_na, b.ALICE)
    assert stored_keys(first)[str(contact_subject_id(cid, 1))] is not None

    # refused by the rules: no events, and no key for the subject it would have made
    before = (_log_length(first), stored_keys(first))
    refused = pc.AddContactPerson(customer_id=uuid4(), person=ContactPerson(name="Wu Fei"))
    with pytest.raises(RecordNotFound):
        first.app.handle(refused, b.ALICE)
    assert (_log_length(first), stored_keys(first)) == before

    # events that cannot be stored (their record moved on): the new key goes with them
    stale = second.app.repository.get(cid)
    first.app.handle(b.assess(cid), b.ALICE)
    evidence = Evidence(b.ALICE, uuid4(), "AddContactPerson")
    stale.add_contact_person(evidence, ContactPerson(name="Wu Fei"))
    with pytest.raises(IntegrityError):
        second.app.save(stale)
    assert (_log_length(first), str(contact_subject_id(cid, 2)) in stored_keys(first)) == (
        before[0] + 2,  # the assessment and its command record
        False,
    )


@freeze_time(NOW)
def test_a_save_that_loses_a_race_leaves_no_key_and_the_retry_seals_under_the_right_key(
    first, second, shared_store
):
    reg = b.register()
    first.app.handle(reg, b.ALICE)  # the first process holds the customer as registered
    cid = b.customer_id(reg)
    zhao = pc.AddContactPerson(customer_id=cid, person=ContactPerson(name="Zhao Lei"))
    second.app.handle(zhao, b.ALICE)
    # Deciding on the customer as it holds it, the first process gives Li Na the subject
    # Zhao Lei was given, finds that subject's key stored, then loses the race for the
    # record and decides again on the fresh state: Li Na becomes the next contact, with
    # a key of her own.
    li_na = pc.AddContactPerson(customer_id=cid, person=ContactPerson(name="Li Na"))
    first.app.handle(li_na, b.ALICE)
    third = make_system(shared_store)  # a process that holds no key yet
    try:
        for system in (first, second, third):
            names = [p.name for p in system.app.load(Customer, cid).contacts]
            assert names[-2:] == ["Zhao Lei", "Li Na"]
    finally:
        third.close()
    keys = stored_keys(first)
    contacts = len(first.app.load(Customer, cid).contacts)
    assert {str(contact_subject_id(cid, i)) for i in range(contacts)} <= set(keys)
    assert str(contact_subject_id(cid, contacts)) not in keys  # none made for nothing


@freeze_time(NOW)
def test_a_key_another_writer_stored_first_is_used_not_replaced(first, second):
    cand = _candidate(first)
    stored = stored_keys(first)[str(cand)]
    vault_of(second.app).cache_seconds = -1  # it holds no key (time is frozen)
    second.app.handle(*_interview(cand))
    assert stored_keys(first)[str(cand)] == stored
    [interview] = first.app.load(Candidate, cand).interviews  # read with the first's key
    assert interview.notes.text == "Good questions about our products"


@freeze_time(NOW)
def test_new_personal_data_for_a_subject_forgotten_meanwhile_is_refused_and_nothing_stored(
    first, second
):
    cand = _candidate(first)
    second.app.handle(*_interview(cand))  # the second process holds the candidate now
    vault_of(second.app).cache_seconds = -1  # it holds no key (time is frozen)
    save = second.app.save
    before: list[object] = []

    def forgotten_meanwhile(*args: object, **kwargs: object) -> object:
        """The subject is forgotten after the second process decided, before it saves;
        sealing the notes finds the tombstone where it would store a new key."""
        forget_data_subject(first, cand, "Withdrew the application", pb.HANNA)
        before.append((_log_length(first), stored_keys(first)))
        return save(*args, **kwargs)

    second.app.save = forgotten_meanwhile  # type: ignore[method-assign]
    on_site = pb.interview(cand, pb.employee_id("Ian Interviewer"), InterviewKind.ON_SITE)
    with pytest.raises(SubjectForgotten) as refused:
        second.app.handle(on_site, pb.HANNA)
    [before] = before
    assert refused.value.rule_id == "no_personal_data_after_forgetting"
    assert (_log_length(first), stored_keys(first)) == before
    assert before[1][str(cand)] is None
