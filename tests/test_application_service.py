"""The application service: idempotency, concurrency, refusals, evidence and history."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from eventsourcing.application import AggregateNotFoundError
from freezegun import freeze_time

import salesdomain.application as application_module
from salesdomain.command_record import CommandRecord
from salesdomain.commands import build_command
from salesdomain.errors import (
    AlreadyRegistered,
    CommandIdReused,
    ConcurrencyConflict,
    InvalidCommand,
    NotAuthorised,
    RecordNotFound,
)
from salesdomain.handling import UnitOfWork
from salesdomain.opportunities import commands as oc
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.opportunities.values import Contact, ContactChannel
from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.customer import Customer
from salesdomain.prospecting.values import SourceChannel
from salesdomain.sop import CATALOGUE, Role
from salesdomain.values import Actor, Money
from tests import builders as b
from tests.conftest import make_app
from tests.spec import event_name, log_position
from tests.threads import at_once

FROZEN = "2026-03-02 09:00:00+00:00"


def call(opp_id: UUID, notes: str) -> oc.LogContact:
    return oc.LogContact(
        opportunity_id=opp_id,
        contact=Contact(
            channel=ContactChannel.PHONE,
            occurred_on=b.TODAY,
            participants=("Alice Rep", "Chen Wei"),
            notes=notes,
        ),
    )


def opened(spec) -> tuple[UUID, UUID]:
    """A qualified customer with one open opportunity owned by Alice."""
    reg = b.register()
    cid, opp = b.customer_id(reg), uuid4()
    spec.given(*b.qualified_customer(reg), (b.open_opportunity(cid, opp), b.ALICE))
    return cid, opp


def notes_of(app, opp: UUID, version: int | None = None) -> list[str]:
    return [
        e.contact.notes
        for e in app.history(opp)
        if isinstance(e, Opportunity.ContactLogged)
        and (version is None or e.originator_version <= version)
    ]


def versions_of(app, aggregate_id: UUID) -> list[int]:
    return [e.originator_version for e in app.history(aggregate_id)]


# ---- (a) idempotency -----------------------------------------------------------------------


@freeze_time(FROZEN)
def test_the_same_command_sent_twice_is_recorded_once(spec):
    _, opp = opened(spec)
    command = b.log_visit(opp)
    first = spec.app.handle(command, b.ALICE)
    position = log_position(spec.app)

    again = spec.app.handle(command, b.ALICE)

    assert again == first
    assert (first.replayed, again.replayed) == (False, True)
    assert again.positions == first.positions != ()  # the first send's, as the README says
    assert spec.app.recorder.max_notification_id() == position
    assert spec.app.load(Opportunity, opp).contacts_logged == 1


@freeze_time(FROZEN)
def test_the_same_command_sent_again_as_data_is_recorded_once(spec):
    reg = b.register()
    first = spec.app.handle(reg, b.ALICE)
    position = log_position(spec.app)

    again = spec.app.handle_data("RegisterProspect", reg.model_dump(mode="json"), b.ALICE)

    assert again == first
    assert again.replayed
    assert again.positions == first.positions
    assert len(first.positions) == 2
    assert log_position(spec.app) == position


@freeze_time(FROZEN)
def test_a_repeated_command_returns_the_first_result_even_when_it_would_now_break_a_rule(spec):
    reg = b.register()
    cid = b.customer_id(reg)
    spec.given((reg, b.ALICE), (b.assess(cid), b.ALICE))
    qualify = pc.QualifyProspect(customer_id=cid, reason="Budget approved")
    first = spec.app.handle(qualify, b.ALICE)
    position = log_position(spec.app)

    again = spec.app.handle(qualify, b.ALICE)  # "a prospect is qualified once"

    assert again == first
    assert again.replayed
    assert log_position(spec.app) == position


@freeze_time(FROZEN)
def test_a_command_id_reused_for_different_content_is_refused(spec):
    _, opp = opened(spec)
    command = call(opp, "First call")
    spec.given((command, b.ALICE))
    reused = call(opp, "Something else").model_copy(update={"command_id": command.command_id})

    error = spec.when(reused, b.ALICE).then_rejected(CommandIdReused)

    assert str(command.command_id) in str(error)
    assert notes_of(spec.app, opp) == ["First call"]


@freeze_time(FROZEN)
def test_a_command_id_reused_for_a_refused_command_is_refused_as_reused(spec):
    reg = b.register()
    cid = b.customer_id(reg)
    spec.given(*b.qualified_customer(reg))
    first_id = spec.history[-1].command_id
    spec.when(
        pc.QualifyProspect(command_id=first_id, customer_id=cid, reason="Other reason"), b.ALICE
    ).then_rejected(CommandIdReused)


def first_record_id(command) -> UUID:
    return CommandRecord.id_for(command.command_id)


def test_digests_are_of_the_content_and_a_mapping_digests_whatever_its_key_order():
    opp = uuid4()
    command = call(opp, "First call")
    assert command.digest() == call(opp, "First call").digest()  # another id, same content
    assert command.digest() != call(opp, "Other notes").digest()
    assert command.has_digest(command.digest())
    assert not call(opp, "Other notes").has_digest(command.digest())
    contract = str(uuid4())
    one = build_command(
        "ReviewContract", {"contract_id": contract, "explanations": {"a": "x", "b": "y"}}
    )
    other = build_command(
        "ReviewContract", {"contract_id": contract, "explanations": {"b": "y", "a": "x"}}
    )
    assert one.digest() == other.digest()


def test_a_command_records_id_is_the_uuid5_of_its_command_id_as_ever():
    """Records written before keep being found: the id is derived as it always was."""
    from uuid import NAMESPACE_URL, uuid5

    namespace = uuid5(NAMESPACE_URL, "salesdomain:command")
    for command_id in [uuid4() for _ in range(200)] + [UUID(int=0), UUID(int=2**128 - 1)]:
        assert CommandRecord.id_for(command_id) == uuid5(namespace, str(command_id))


def test_the_digest_of_a_command_is_as_it_was_recorded_by_earlier_versions():
    """Pinned: records written before keep recognising a resent command."""
    command = build_command(
        "QualifyProspect",
        {"command_id": str(UUID(int=1)), "customer_id": str(UUID(int=2)), "reason": "Fits"},
    )
    assert command.digest() == PINNED_DIGEST


PINNED_DIGEST = "4911a90188c60c49b31de9a5994725271878dad2f61b12d417934059633cd985"


def test_a_field_added_later_is_digested_only_when_it_is_given():
    """``QualifyProspect.override`` came later: without it the digest is the pinned one,
    with it the override is part of the content."""
    data = {"command_id": str(UUID(int=1)), "customer_id": str(UUID(int=2)), "reason": "Fits"}
    override = {"approved_by": str(UUID(int=3)), "approver_role": "sales_manager", "reason": "GM"}
    assert build_command("QualifyProspect", {**data, "override": None}).digest() == PINNED_DIGEST
    overridden = build_command("QualifyProspect", {**data, "override": override})
    assert overridden.digest() != PINNED_DIGEST


# ---- (b) concurrency -------------------------------------------------------------------------


@pytest.fixture
def other_app(store_url):
    """A second application instance on the same store (a second process, in effect)."""
    if store_url.startswith("memory"):
        pytest.skip("an in-memory store is not shared between application instances")
    application = make_app(store_url)
    yield application
    application.close()


def interfere_after_loading(monkeypatch, rival_change, attempts: int) -> dict[str, int]:
    """In each of the first ``attempts`` attempts at a command, right after its handler
    loaded an aggregate, ``rival_change(n)`` commits a change elsewhere: the attempt
    goes on with stale state."""
    state = {"interfered": 0, "busy": 0}

    class InterferedUnitOfWork(UnitOfWork):
        def load(self, kind, aggregate_id):
            found = super().load(kind, aggregate_id)
            if not state["busy"] and state["interfered"] < attempts:
                state["busy"] = 1
                try:
                    rival_change(state["interfered"])
                finally:
                    state["busy"] = 0
                state["interfered"] += 1
            return found

    monkeypatch.setattr(application_module, "UnitOfWork", InterferedUnitOfWork)
    return state


@freeze_time(FROZEN)
def test_a_stale_writer_is_retried_on_fresh_state_and_loses_no_update(spec, other_app, monkeypatch):
    _, opp = opened(spec)
    state = interfere_after_loading(
        monkeypatch, lambda n: other_app.handle(call(opp, "Supervisor's call"), b.SUE), 1
    )

    result = spec.app.handle(call(opp, "Alice's call"), b.ALICE)

    assert state["interfered"] == 1
    assert notes_of(spec.app, opp) == ["Supervisor's call", "Alice's call"]
    assert versions_of(spec.app, opp) == [1, 2, 3]
    assert [(e.aggregate_id, e.version) for e in result.events] == [(opp, 3)]


@freeze_time(FROZEN)
def test_a_conflict_on_every_attempt_gives_up_and_stores_nothing_of_the_loser(
    spec, other_app, monkeypatch
):
    _, opp = opened(spec)
    attempts = spec.app.MAX_ATTEMPTS
    interfere_after_loading(
        monkeypatch, lambda n: other_app.handle(call(opp, f"Rival {n}"), b.SUE), attempts
    )
    before = log_position(spec.app)
    loser = call(opp, "Alice's call")

    with pytest.raises(ConcurrencyConflict) as caught:
        spec.app.handle(loser, b.ALICE)

    assert (caught.value.record_id, caught.value.attempts) == (opp, attempts)
    assert notes_of(spec.app, opp) == [f"Rival {n}" for n in range(attempts)]
    stored_since = list(spec.app.recorder.select_notifications(start=before + 1, limit=100))
    assert len(stored_since) == 2 * attempts  # the rivals' events and command records
    with pytest.raises(AggregateNotFoundError):
        spec.app.repository.get(CommandRecord.id_for(loser.command_id))


@pytest.fixture
def eight_apps(store_url):
    """Eight application instances on the same store, closed after the test (outside
    frozen time: the PostgreSQL pool's scheduler waits on the monotonic clock)."""
    if store_url.startswith("memory"):
        pytest.skip("an in-memory store is not shared between application instances")
    apps = [make_app(store_url) for _ in range(8)]
    yield apps
    for application in apps:
        application.close()


@freeze_time(FROZEN)
def test_concurrent_writers_lose_no_update(spec, eight_apps):
    _, opp = opened(spec)
    succeeded: list[str] = []
    conflicted: list[str] = []

    def write(n: int) -> None:
        notes = f"Call {n}"
        try:
            eight_apps[n].handle(call(opp, notes), b.ALICE)
        except ConcurrencyConflict:
            conflicted.append(notes)
        else:
            succeeded.append(notes)

    assert at_once(write, [(n,) for n in range(len(eight_apps))]) == []
    assert len(succeeded) + len(conflicted) == len(eight_apps)
    logged = [e for e in spec.app.history(opp) if event_name(e) == "Opportunity.ContactLogged"]
    assert sorted(e.contact.notes for e in logged) == sorted(succeeded)
    assert versions_of(spec.app, opp) == list(range(1, 2 + len(succeeded)))


# ---- (c) invalid data ------------------------------------------------------------------------


@freeze_time(FROZEN)
def test_invalid_data_names_every_bad_field_and_stores_nothing(spec):
    opened(spec)
    before = log_position(spec.app)
    with pytest.raises(InvalidCommand) as caught:
        spec.app.handle_data(
            "LogContact",
            {
                "opportunity_id": "not-a-uuid",
                "contact": {
                    "channel": "pigeon",
                    "occurred_on": "2026-13-45",
                    "participants": [],
                    "notes": "Met",
                },
                "mood": "good",
            },
            b.ALICE,
        )
    assert set(caught.value.fields) == {
        "opportunity_id",
        "contact.channel",
        "contact.occurred_on",
        "contact.participants",
        "mood",
    }
    assert log_position(spec.app) == before


def test_an_unknown_command_name_is_invalid(app):
    with pytest.raises(InvalidCommand) as caught:
        app.handle_data("MakeItSo", {}, b.ALICE)
    assert caught.value.fields == ("command",)
    assert "MakeItSo" in str(caught.value)
    assert log_position(app) == 0


# ---- (d) roles -------------------------------------------------------------------------------


@freeze_time(FROZEN)
def test_a_role_not_responsible_for_the_step_is_not_authorised(spec):
    _, opp = opened(spec)
    assert b.LEO.role not in CATALOGUE["2.1.3"].roles
    error = spec.when(call(opp, "Legal calls"), b.LEO).then_rejected(NotAuthorised)
    assert error.sop_step == "2.1.3"
    assert "legal" in str(error)


@freeze_time(FROZEN)
def test_procurement_cannot_qualify_a_prospect(spec):
    reg = b.register()
    cid = b.customer_id(reg)
    spec.given((reg, b.ALICE), (b.assess(cid), b.ALICE))
    spec.when(pc.QualifyProspect(customer_id=cid, reason="Cheap"), b.QUINN).then_rejected(
        NotAuthorised
    )


# ---- (e) unknown ids -------------------------------------------------------------------------


@freeze_time(FROZEN)
@pytest.mark.parametrize(
    "command",
    [
        pytest.param(b.assess(UUID(int=1)), id="assess-unknown-customer"),
        pytest.param(b.open_opportunity(UUID(int=1), uuid4()), id="open-for-unknown-customer"),
        pytest.param(call(UUID(int=1), "Hello?"), id="contact-on-unknown-opportunity"),
    ],
)
def test_a_command_about_an_unknown_record_is_refused(spec, command):
    error = spec.when(command, b.ALICE).then_rejected(RecordNotFound)
    assert error.record_id == UUID(int=1)


@freeze_time(FROZEN)
def test_loading_an_unknown_record_or_one_of_another_kind_is_not_found(spec):
    cid, _ = opened(spec)
    with pytest.raises(RecordNotFound):
        spec.app.load(Customer, uuid4())
    with pytest.raises(RecordNotFound):
        spec.app.load(Opportunity, cid)


@freeze_time(FROZEN)
def test_a_contact_on_a_customer_id_is_not_an_opportunity(spec):
    cid, _ = opened(spec)
    spec.when(call(cid, "Wrong id"), b.ALICE).then_rejected(RecordNotFound)


# ---- (f) evidence on every event; stable topics; faithful reload -------------------------------


def _deal(opp: UUID) -> list[tuple]:
    reg = b.register()
    cid = b.customer_id(reg)
    return [*b.qualified_customer(reg), *b.through_acknowledged(opp, cid), (b.quote(opp), b.ALICE)]


def stored_events(app):
    for notification in app.recorder.select_notifications(start=1, limit=10_000):
        yield notification, app.mapper.to_domain_event(notification)


@freeze_time(FROZEN)
def test_every_event_carries_its_evidence(spec):
    opp = uuid4()
    steps = _deal(opp)
    spec.given(*steps)
    cid = b.customer_id(steps[0][0])
    sent = {command.command_id: (command, actor) for command, actor in steps}
    seen = 0
    for _, event in stored_events(spec.app):
        if isinstance(event, CommandRecord.Event):
            continue
        seen += 1
        command, actor = sent[event.command_id]
        assert event.command == type(command).__name__
        assert event.actor == actor
        assert isinstance(event.actor.role, Role)
        assert not CATALOGUE[event.sop_step].is_section
        assert event.sop_step == (type(event).SOP_STEP or event.sop_step)
        assert actor.role in CATALOGUE[event.sop_step].roles
        expected_case = opp if event_name(event).startswith("Opportunity.") else cid
        assert event.correlation_id == expected_case, event_name(event)
        assert event.causation_id is None
    assert seen == sum(len(r.events) for r in spec.history)


@freeze_time(FROZEN)
def test_the_causing_event_and_business_case_given_by_the_caller_are_recorded(spec):
    _, opp = opened(spec)
    cause, case = uuid4(), uuid4()
    result = spec.app.handle(call(opp, "Follow-up"), b.ALICE, causation_id=cause)
    logged = spec.app.history(opp)[-1]
    assert (logged.causation_id, logged.correlation_id) == (cause, opp)

    reg = b.register("Ningbo Gears Ltd.", "91330200MA2AAA0001")
    spec.app.handle(reg, b.ALICE, correlation_id=case, causation_id=cause)
    registered = spec.app.history(b.customer_id(reg))[0]
    assert (registered.causation_id, registered.correlation_id) == (cause, case)
    assert result.command == "LogContact"


@freeze_time(FROZEN)
def test_events_are_stored_under_stable_topics(spec):
    spec.given(*_deal(uuid4()))
    pattern = re.compile(r"^salesdomain:[A-Z]\w*\.[A-Z]\w*$")
    topics = set()
    for notification, _ in stored_events(spec.app):
        assert pattern.match(notification.topic), notification.topic
        assert b"salesdomain.prospecting" not in notification.state
        assert b"salesdomain.opportunities" not in notification.state
        topics.add(notification.topic)
    assert {
        "salesdomain:Customer.Registered",
        "salesdomain:CustomerNameClaim.Claimed",
        "salesdomain:Customer.Qualified",
        "salesdomain:Opportunity.Opened",
        "salesdomain:Opportunity.ContactLogged",
        "salesdomain:Opportunity.QuoteIssued",
        "salesdomain:CommandRecord.Handled",
    } <= topics


def test_events_stored_under_the_topics_of_0_1_still_load(spec):
    """0.1 and 0.2 stored ``salesdomain:<Aggregate>.<Event>.v1``; those names resolve."""
    from eventsourcing.utils import resolve_topic

    from salesdomain.opportunities.opportunity import Opportunity

    assert resolve_topic("salesdomain:Opportunity.Opened.v1") is Opportunity.Opened
    assert resolve_topic("salesdomain:CommandRecord.Handled.v1") is CommandRecord.Handled


@freeze_time(FROZEN)
def test_events_reload_equal_to_what_was_recorded(spec, monkeypatch):
    recorded = []
    save = spec.app.save

    def capturing_save(*saved, **kwargs):  # aggregates, and the command record's event
        recorded.extend(e for obj in saved for e in getattr(obj, "pending_events", [obj]))
        return save(*saved, **kwargs)

    monkeypatch.setattr(spec.app, "save", capturing_save)
    opp = uuid4()
    spec.given(*_deal(opp))

    reloaded = [event for _, event in stored_events(spec.app)]
    assert reloaded == recorded

    by_name = {event_name(e): e for e in reloaded}
    registered = by_name["Customer.Registered"]
    assert type(registered.source_channel) is SourceChannel
    opened_ = by_name["Opportunity.Opened"]
    assert isinstance(opened_.estimated_value, Money)
    assert isinstance(opened_.estimated_value.amount, Decimal)
    assert isinstance(opened_.expected_close, date)
    assert not isinstance(opened_.expected_close, datetime)
    assert type(by_name["Opportunity.ContactLogged"].contact.channel) is ContactChannel
    quoted = by_name["Opportunity.QuoteIssued"]
    assert isinstance(quoted.margin, Decimal)
    assert quoted.amount == Money.of("100000", b.CNY)
    assert isinstance(quoted.terms.lines[0].quantity, Decimal)
    assert isinstance(registered.actor, Actor)
    assert isinstance(registered.command_id, UUID)


# ---- (g) history and past versions --------------------------------------------------------------


@freeze_time(FROZEN)
def test_history_and_past_versions_show_the_record_as_it_stood(spec):
    reg = b.register()
    cid = b.customer_id(reg)
    spec.given(*b.qualified_customer(reg))

    assert [event_name(e) for e in spec.app.history(cid)] == [
        "Customer.Registered",
        "Customer.Assessed",
        "Customer.Qualified",
    ]
    registered = spec.app.load(Customer, cid, version=1)
    assessed = spec.app.load(Customer, cid, version=2)
    now = spec.app.load(Customer, cid)
    assert (registered.version, registered.assessment, registered.qualified) == (1, None, None)
    assert (assessed.version, assessed.qualified) == (2, None)
    assert assessed.assessment is not None
    assert (now.version, now.qualified) == (3, True)


@freeze_time(FROZEN)
def test_an_opportunity_at_a_past_version(spec):
    _, opp = opened(spec)
    spec.given((call(opp, "One"), b.ALICE), (call(opp, "Two"), b.ALICE))
    assert spec.app.load(Opportunity, opp, version=2).contacts_logged == 1
    assert notes_of(spec.app, opp, version=2) == ["One"]
    assert notes_of(spec.app, opp) == ["One", "Two"]
    assert len(spec.app.history(opp)) == 3


# ---- the in-memory latest state never outvotes the store ------------------------------------


@freeze_time(FROZEN)
def test_a_record_only_read_is_rechecked_when_another_process_changed_it(spec, other_app):
    reg = b.register()
    cid = b.customer_id(reg)
    spec.given(*b.qualified_customer(reg))  # this process now holds the customer in memory
    other_app.handle(pc.DisqualifyProspect(customer_id=cid, reason="Went bankrupt"), b.SUE)
    spec.when(b.open_opportunity(cid, uuid4()), b.ALICE).then_refused(
        "opportunity_for_qualified_prospect"
    )


@freeze_time(FROZEN)
def test_a_refusal_is_rechecked_when_another_process_moved_the_record_on(spec, other_app):
    reg = b.register()
    cid, opp = b.customer_id(reg), uuid4()
    steps = b.through_acknowledged(opp, cid)
    spec.given(*b.qualified_customer(reg), *steps[:-1])  # held in memory: not acknowledged
    other_app.handle(*steps[-1])  # another process records the acknowledgement
    spec.when(b.quote(opp), b.ALICE).then("Opportunity.QuoteIssued")


@freeze_time(FROZEN)
def test_a_company_another_process_registered_is_refused_naming_it(spec, other_app):
    """This process does not hold the customer: it takes it to be new (ADR 21), the
    save conflicts, and the command is decided again on what the store holds."""
    reg = b.register()
    other_app.handle(reg, b.ALICE)
    again = b.register()  # a new command for the same company
    error = spec.when(again, b.ALICE).then_refused("company_registered_once")
    assert isinstance(error, AlreadyRegistered)
    assert error.existing_id == b.customer_id(reg)
    assert "already registered as 'Hangzhou Precision Co., Ltd.'" in str(error)


@freeze_time(FROZEN)
def test_a_name_another_process_claimed_is_refused_under_another_registration_number(
    spec, other_app
):
    first = b.register(name="Ningbo Valves Ltd", reg="91330200MA2AAAAAAA")
    other_app.handle(first, b.ALICE)
    same_name = b.register(name="NINGBO VALVES LTD.", reg="91330200MA2BBBBBBB")
    error = spec.when(same_name, b.ALICE).then_refused("company_registered_once")
    assert isinstance(error, AlreadyRegistered)
    assert error.existing_id == b.customer_id(first)


@freeze_time(FROZEN)
def test_an_absence_relied_on_is_checked_when_saving(spec, other_app, monkeypatch):
    """A record taken to be absent and not created by the command is checked in the
    saving transaction like any record read: it was created meanwhile, so the command
    is decided again and sees it."""
    from salesdomain import handling

    _, opp = opened(spec)
    seen: list[object] = []
    original = handling.HANDLERS[oc.LogContact]

    def log_contact_noting_a_customer(cmd, uow):
        seen.append(uow.find(Customer, b.customer_id(other)))
        original(cmd, uow)

    other = b.register(name="Wenzhou Pumps Ltd", reg="91330300MA2CCCCCCC")
    monkeypatch.setitem(handling.HANDLERS, oc.LogContact, log_contact_noting_a_customer)
    state = interfere_after_loading(monkeypatch, lambda n: other_app.handle(other, b.ALICE), 1)

    result = spec.app.handle(call(opp, "Alice's call"), b.ALICE)

    assert [(e.aggregate_id, e.event_type) for e in result.events] == [(opp, "ContactLogged")]
    assert state["interfered"] == 1
    assert seen[0] is None  # first attempt: taken to be absent, not read
    assert isinstance(seen[-1], Customer)  # decided again: read from the store


@freeze_time(FROZEN)
def test_the_positions_answered_are_where_the_events_stand_in_the_log(spec):
    before = log_position(spec.app)
    result = spec.app.handle(b.register(), b.ALICE)
    stored = spec.app.recorder.select_notifications(start=before + 1, limit=10)
    by_position = {n.id: (n.originator_id, n.originator_version) for n in stored}
    assert len(result.positions) == len(result.events) == 2
    for position, event in zip(result.positions, result.events, strict=True):
        assert by_position[position] == (event.aggregate_id, event.version)


@freeze_time(FROZEN)
def test_threads_sharing_one_application_each_get_their_own_events_and_positions(spec):
    reg = b.register()
    cid = b.customer_id(reg)
    spec.given(*b.qualified_customer(reg))
    opportunities = [uuid4() for _ in range(8)]
    results: dict[UUID, list[object]] = {opp: [] for opp in opportunities}

    def work(opp: UUID) -> None:
        results[opp].append(spec.app.handle(b.open_opportunity(cid, opp), b.ALICE))
        for n in range(5):
            results[opp].append(spec.app.handle(call(opp, f"Call {n}"), b.ALICE))

    assert at_once(work, [(opp,) for opp in opportunities]) == []
    positions = [p for done in results.values() for r in done for p in r.positions]
    assert len(positions) == len(set(positions)) == 8 * 6
    notifications = spec.app.recorder.select_notifications(start=min(positions), limit=1000)
    where = {n.id: (n.originator_id, n.originator_version) for n in notifications}
    for opp, done in results.items():
        assert notes_of(spec.app, opp) == [f"Call {n}" for n in range(5)]
        for r in done:
            event = r.events[0]
            assert (
                where[r.positions[0]]
                == (event.aggregate_id, event.version)
                == (
                    opp,
                    event.version,
                )
            )


@freeze_time(FROZEN)
def test_creating_a_record_under_an_id_already_taken_is_refused_clearly(spec):
    from salesdomain.errors import RecordAlreadyExists

    cid, opp = opened(spec)
    again = b.open_opportunity(cid, opp)  # a new command, the same opportunity id
    error = spec.when(again, b.ALICE).then_rejected(RecordAlreadyExists)
    assert error.record_id == opp
    assert "already exists" in str(error)
