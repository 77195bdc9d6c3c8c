"""Personal data is stored encrypted per data subject and forgotten by destroying the key
(ADR 13), on memory, a SQLite file and PostgreSQL: nothing personal in the stored rows,
erased after forgetting in records, views and rebuilds, and the hash chain still holds."""

from __future__ import annotations

from contextlib import closing
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.forgetting import forget_data_subject
from salesdomain.adapters.key_store import SubjectForgotten
from salesdomain.adapters.personal_data import vault_of
from salesdomain.adapters.store import parse_database_url
from salesdomain.projections.audit import query_audit
from salesdomain.projections.integrity import ChainKeeper, verify
from sqlalchemy import select, text

from salesdomain.errors import NotAuthorised, SopRuleViolation
from salesdomain.narrative import describe
from salesdomain.people import commands as hc
from salesdomain.people.candidate import Candidate
from salesdomain.personal import ERASED
from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.customer import Customer
from salesdomain.prospecting.values import ContactPerson, contact_subject_id
from tests import builders as b
from tests import people_builders as pb
from tests.conftest import make_system
from tests.test_keys_with_events import stored_keys

NOW = "2026-03-02 09:00:00+00:00"
PERSONAL = ("Chen Wei", "Purchasing Manager", "Nora New", "nora@example.com", "Three years")
PERSONAL += ("Good questions",)
KEPT = ("Li Na", "li.na@example.com")


def customer_and_candidate(system: System) -> tuple[UUID, UUID]:
    """A customer with two contact persons (Chen Wei, Li Na) and a candidate who was
    screened and interviewed by phone (Nora New); (customer id, candidate id)."""
    app = system.app
    reg = b.register()
    app.handle(reg, b.ALICE)
    cid = b.customer_id(reg)
    li_na = ContactPerson(name="Li Na", email="li.na@example.com")
    app.handle(pc.AddContactPerson(customer_id=cid, person=li_na), b.ALICE)
    req, cand = uuid4(), uuid4()
    steps = [pb.interviewer(), *pb.open_hiring(req)]
    steps += pb.recruit("Nora New", req, cand, uuid4(), interviewer_id=pb.employee_id("Ian"))[:3]
    for command, actor in steps:
        if isinstance(command, hc.RecordInterview):
            command = command.model_copy(
                update={"interviewer_id": pb.employee_id("Ian Interviewer")}
            )
        app.handle(command, actor)
    return cid, cand


def _stored_states(system: System) -> list[bytes]:
    """The stored state of every event, as the recorder holds it (no decoding)."""
    return [n.state for n in system.app.recorder.select_notifications(start=1, limit=10_000)]


def _sql_states(system: System, url: str) -> list[bytes]:
    kind = parse_database_url(url).kind
    table = "stored_events" if kind == "sqlite" else "salesapplication_events"
    with system.views.engine.connect() as conn:
        return [bytes(row[0]) for row in conn.execute(text(f"SELECT state FROM {table}"))]


def _contains(states: list[bytes], words: tuple[str, ...]) -> set[str]:
    return {word for word in words for state in states if word.encode() in state}


def forget_both(system: System, cid: UUID, cand: UUID) -> None:
    forget_data_subject(
        system, contact_subject_id(cid, 0), "Asked to be removed", b.MIA, customer_id=cid
    )
    forget_data_subject(system, cand, "Withdrew the application", pb.HANNA)


@freeze_time(NOW)
def test_personal_values_are_not_stored_as_plain_text(system, store_url):
    customer_and_candidate(system)
    states = _stored_states(system)
    assert _contains(states, PERSONAL + KEPT) == set()
    assert any(b"sealed" in state for state in states)
    assert b"Hangzhou Precision" in b"".join(states)  # what is not personal stays readable
    if not store_url.startswith("memory"):
        assert _contains(_sql_states(system, store_url), PERSONAL + KEPT) == set()


@freeze_time(NOW)
def test_forgetting_erases_the_subject_everywhere_and_the_chain_still_verifies(system):
    cid, cand = customer_and_candidate(system)
    keeper = ChainKeeper(system.store, system.app)
    keeper.catch_up()
    before = keeper.digest()
    stored_before = _stored_states(system)

    forget_both(system, cid, cand)

    assert _stored_states(system)[: len(stored_before)] == stored_before  # nothing rewritten
    chen, li_na = system.app.load(Customer, cid).contacts
    assert chen.erased
    assert chen.name == ERASED
    assert (li_na.name, li_na.email) == ("Li Na", "li.na@example.com")
    nora = system.app.load(Candidate, cand)
    assert nora.name == ERASED
    assert nora.interviews[0].notes.text == ERASED
    history = " | ".join(describe(e) for e in system.app.history(cand))
    assert "Nora" not in history
    assert f"{ERASED} applied through job site" in history

    keeper.catch_up()
    report = verify(system.app, system.store, before)
    assert report.ok, report.message


@freeze_time(NOW)
def test_views_show_erased_after_forgetting_and_a_rebuild_gives_the_same(system):
    cid, cand = customer_and_candidate(system)
    system.views.catch_up()
    table = system.views.runner("audit").tables()["entries"]
    lines = [e.description for e in query_audit(system.views.engine, table, log=system.views.log)]
    assert "Contact person Li Na added" in lines
    assert any("Nora New applied" in line for line in lines)
    with system.views.engine.connect() as conn:  # the lines are made from the sealed log
        stored = " ".join(str(value) for row in conn.execute(select(table)) for value in row)
    assert _contains([stored.encode()], PERSONAL + KEPT) == set()
    without_log = " | ".join(e.description for e in query_audit(system.views.engine, table))
    assert f"{ERASED} applied through job site" in without_log  # not given: not shown

    forget_both(system, cid, cand)
    system.views.catch_up()
    after = [
        (e.position, e.description)
        for e in query_audit(system.views.engine, table, log=system.views.log)
    ]
    text_after = " | ".join(d for _, d in after)
    assert "Nora" not in text_after
    assert "Chen Wei" not in text_after
    assert f"{ERASED} applied through job site" in text_after
    assert "Contact person Li Na added" in text_after

    system.views.rebuild()
    table = system.views.runner("audit").tables()["entries"]
    rebuilt = [
        (e.position, e.description)
        for e in query_audit(system.views.engine, table, log=system.views.log)
    ]
    assert rebuilt == after


@freeze_time(NOW)
def test_a_forgotten_subject_reads_as_erased_in_a_new_process_and_gets_no_new_key(
    system, shared_store
):
    cid, cand = customer_and_candidate(system)
    forget_both(system, cid, cand)
    with closing(make_system(shared_store)) as again:
        assert again.app.load(Candidate, cand).person.erased
        assert [p.erased for p in again.app.load(Customer, cid).contacts] == [True, False]
        keys = stored_keys(again)
        assert keys[str(cand)] is None
        assert keys[str(contact_subject_id(cid, 0))] is None
        assert keys[str(contact_subject_id(cid, 1))] is not None
        with pytest.raises(SubjectForgotten):
            vault_of(again.app).key_or_new(cand)


@freeze_time(NOW)
def test_snapshots_hold_personal_values_sealed_and_read_erased_after_forgetting(system):
    cid, cand = customer_and_candidate(system)
    system.app.take_snapshot(cand)
    [snapshot] = system.app.snapshots.recorder.select_events(cand, desc=True, limit=1)
    assert _contains([snapshot.state], PERSONAL) == set()
    assert system.app.repository.get(cand).name == "Nora New"
    forget_both(system, cid, cand)
    assert system.app.repository.get(cand, version=snapshot.originator_version).name == ERASED


@freeze_time(NOW)
def test_the_cached_latest_state_is_erased_by_the_forget_event(system):
    cid, _cand = customer_and_candidate(system)
    forget_data_subject(system, contact_subject_id(cid, 0), "Asked", b.MIA, customer_id=cid)
    cached = system.app.repository.cache.get(cid)
    assert cached is not None
    assert cached.contacts[0].erased


@freeze_time(NOW)
def test_a_refused_erasure_changes_nothing(system):
    cid, _cand = customer_and_candidate(system)
    with pytest.raises(NotAuthorised):
        forget_data_subject(system, contact_subject_id(cid, 0), "Asked", b.ALICE, customer_id=cid)
    with pytest.raises(SopRuleViolation) as refused:
        forget_data_subject(system, contact_subject_id(cid, 5), "Asked", b.MIA, customer_id=cid)
    assert refused.value.rule_id == "only_customers_contact_forgotten"
    assert vault_of(system.app).key_or_new(
        contact_subject_id(cid, 5)
    )  # the mistaken subject is not blocked
    assert system.app.load(Customer, cid).contacts[0].name == "Chen Wei"
    assert vault_of(system.app).store.pending() == []


@freeze_time(NOW)
def test_an_erasure_cut_short_after_it_was_recorded_is_completed_at_the_next_start(
    system, shared_store
):
    _cid, cand = customer_and_candidate(system)
    vault = vault_of(system.app)
    vault.store.mark_forgetting(cand, cand)  # step 1, then the erasure is recorded ...
    system.app.handle(hc.ForgetCandidate(candidate_id=cand, reason="r", requested_by="c"), pb.HANNA)
    assert vault.store.key(cand) is not None  # ... and the process dies before step 3
    with closing(make_system(shared_store)) as again:
        assert vault_of(again.app).store.key(cand) is None
        assert again.app.load(Candidate, cand).person.erased
