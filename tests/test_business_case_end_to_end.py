"""One business case end to end (SOP 2.1-2.6): from prospect to a closed service case.

Every event from the opportunity on carries the opportunity's id as its correlation id
(the business case), and each hand-over between aggregates names the event that caused
it: quote accepted -> contract drafted, contract signed -> order entered (by the named
policy), order completed -> service case.  Prospect screening belongs to the customer
and is reached through the opportunity's customer id (ADR 7)."""

from __future__ import annotations

from uuid import uuid4

from freezegun import freeze_time

from salesdomain.aftersales.values import FeedbackKind
from salesdomain.aggregate import event_id_of
from tests import builders as b
from tests.order_builders import completed_order, order_of
from tests.spec import event_name, events_after
from tests.test_aftersales_rules import ADA, assign, classify, close, receive, resolve, respond
from tests.test_aftersales_rules import root_cause as record_root_cause


@freeze_time("2026-03-02 09:00:00+00:00")
def test_one_case_from_prospect_to_a_closed_service_case(app):
    opp, contract, case = uuid4(), uuid4(), uuid4()
    reg = b.register()
    cid = b.customer_id(reg)
    order = order_of(contract)
    steps = [
        *completed_order(opp, contract),  # prospect -> won -> signed -> delivered
        (receive(cid, case, order), b.ALICE),
        (classify(case, FeedbackKind.COMPLAINT), b.ALICE),
        (assign(case), b.ALICE),
        (respond(case), ADA),
        (record_root_cause(case), ADA),
        (resolve(case), ADA),
        (close(case), ADA),
    ]
    for command, actor in steps:
        app.handle(command, actor)
    events = events_after(app, 0)
    kinds = [event_name(e).split(".")[0] for e in events]
    assert {"Customer", "Opportunity", "Contract", "Order", "ServiceCase"} <= set(kinds)
    assert event_name(events[-1]) == "ServiceCase.Closed"

    # one business case: everything from the opportunity on
    first_of_case = next(i for i, e in enumerate(events) if event_name(e) == "Opportunity.Opened")
    case_events = [
        e
        for e in events[first_of_case:]
        if not event_name(e).startswith(("Customer.", "CustomerNameClaim."))
    ]
    assert {e.correlation_id for e in case_events} == {opp}
    assert all(e.correlation_id == cid for e in events if event_name(e).startswith("Customer."))

    # each hand-over names its cause
    def first(name: str):
        return next(e for e in events if event_name(e) == name)

    accepted, drafted = first("Opportunity.QuoteAccepted"), first("Contract.Drafted")
    assert drafted.causation_id == accepted.event_id
    signed, entered = first("Contract.Signed"), first("Order.Entered")
    assert entered.causation_id == signed.event_id
    assert entered.actor.role.value == "automated_policy"
    assert entered.command == "OpenOrderWhenContractSigned"
    completed, received = first("Order.Completed"), first("ServiceCase.FeedbackReceived")
    assert received.causation_id == completed.event_id
    assert completed.event_id == event_id_of(order, completed.originator_version)

    # the hand-over events are evidence like any other: step, actor, command
    for event in (drafted, entered, received):
        assert event.sop_step in ("2.4.1", "2.5.1", "2.6.1")
        assert event.command
        assert event.command_id
