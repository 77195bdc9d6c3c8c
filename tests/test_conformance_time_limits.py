"""Every time limit the conformance review checks: Given a history / When reviewed /
Then the breach (late, or still open as at the review), with the case, the step, the
responsible person, and due and actual times.  The clock is freezegun's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest
from freezegun import freeze_time
from salesdomain.projections.conformance.findings import Status

from salesdomain.people import commands as hc
from salesdomain.people.values import InterviewKind
from salesdomain.sop import Role
from tests import builders as b
from tests.builders import ALICE, LEO, MIA, TODAY
from tests.conformance_builders import History
from tests.contract_builders import approve, draft, review
from tests.order_builders import (
    DELIVERY_DATE,
    QIN,
    cancel,
    entered_order,
    inspect,
    order_of,
    task,
)
from tests.order_builders import complete_task as finish_task
from tests.people_builders import (
    HANNA,
    apply,
    decide,
    interview,
    interviewer,
    offer,
    open_hiring,
    screen,
)
from tests.performance_builders import appraise, define, team
from tests.test_aftersales_rules import ADA, assign, classify, receive, respond
from tests.test_performance_rules import complete, meeting

NINE = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.fixture
def history() -> Iterator[History]:
    found = History()
    yield found
    found.close()


def test_feedback_answered_after_its_response_time_is_late(history):
    case, reg = uuid4(), b.register()
    with freeze_time(NINE) as clock:
        history.given(*b.qualified_customer(reg), (receive(b.customer_id(reg), case), ALICE))
        history.given((classify(case), ALICE), (assign(case), ALICE))  # high: 24 hours
        clock.move_to(NINE + timedelta(hours=30))
        history.given((respond(case), ADA))

    [late] = history.breaches("feedback_answered_in_time")
    assert (late.status, late.sop_step, late.record_id) == (Status.LATE, "2.6.1", case)
    assert late.case_id == case
    assert (late.due, late.actual) == (NINE + timedelta(hours=24), NINE + timedelta(hours=30))
    assert late.responsible.employee_id == ADA.employee_id
    assert late.position is not None


def test_feedback_not_answered_by_its_deadline_is_still_open(history):
    case, reg = uuid4(), b.register()
    with freeze_time(NINE):
        history.given(*b.qualified_customer(reg), (receive(b.customer_id(reg), case), ALICE))
        history.given((classify(case), ALICE), (assign(case), ALICE))

    assert history.breaches("feedback_answered_in_time", as_at=NINE + timedelta(hours=23)) == []
    [open_] = history.breaches("feedback_answered_in_time", as_at=NINE + timedelta(hours=25))
    assert (open_.status, open_.actual, open_.position) == (Status.STILL_OPEN, None, None)
    assert open_.responsible.name == ADA.name


def test_an_approval_level_deciding_after_the_turnaround_is_late(history):
    opp, contract = uuid4(), uuid4()
    with freeze_time(NINE) as clock:
        history.given(*b.won_deal(opp), (draft(opp, contract), LEO), (review(contract), ALICE))
        clock.move_to(NINE + timedelta(days=4))
        history.given((approve(contract), MIA))

    [late] = history.breaches("approval_within_turnaround")
    assert (late.status, late.sop_step, late.case_id) == (Status.LATE, "2.4.2", opp)
    assert (late.due, late.actual) == (NINE + timedelta(days=3), NINE + timedelta(days=4))
    assert late.responsible.employee_id == MIA.employee_id


def test_a_quote_accepted_after_it_expired_is_a_breach(history):
    opp = uuid4()
    with freeze_time(NINE):
        history.given(*b.won_deal(opp))  # valid 30 days
    accepted = history.event("Opportunity.QuoteAccepted")
    log = history.altered(
        "Opportunity.QuoteAccepted", timestamp=accepted.timestamp + timedelta(days=31)
    )

    [late] = history.breaches("quote_accepted_while_valid", log)
    assert (late.status, late.due, late.actual) == (
        Status.LATE,
        TODAY + timedelta(days=30),
        TODAY + timedelta(days=31),
    )
    assert late.responsible.employee_id == ALICE.employee_id


def test_goods_inspected_after_the_delivery_date_are_late_and_uninspected_ones_still_open(
    history,
):
    opp, contract = uuid4(), uuid4()
    with freeze_time(NINE) as clock:
        history.given(*entered_order(opp, contract))
        as_at = datetime.combine(DELIVERY_DATE + timedelta(days=1), datetime.min.time(), UTC)
        [open_] = history.breaches("inspected_before_delivery", as_at=as_at)
        clock.move_to(as_at + timedelta(hours=9))
        history.given((inspect(order_of(contract)), QIN))

    assert (open_.status, open_.due, open_.responsible.name) == (
        Status.STILL_OPEN,
        DELIVERY_DATE,
        "quality control",
    )
    [late] = history.breaches("inspected_before_delivery")
    assert (late.status, late.actual) == (Status.LATE, DELIVERY_DATE + timedelta(days=1))
    assert late.responsible.employee_id == QIN.employee_id


def test_a_coordination_task_completed_after_its_due_date_is_late(history):
    opp, contract = uuid4(), uuid4()
    order = order_of(contract)
    with freeze_time(NINE) as clock:
        history.given(*entered_order(opp, contract), (task(order, due_on=TODAY), ALICE))
        clock.move_to(NINE + timedelta(days=2))
        history.given((finish_task(order), b.PAT))

    [late] = history.breaches("coordination_task_on_time")
    assert (late.status, late.due, late.actual) == (Status.LATE, TODAY, TODAY + timedelta(2))
    assert (late.responsible.employee_id, late.case_id) == (b.PAT.employee_id, opp)


def test_a_cancelled_order_owes_no_task_nor_inspection_any_more(history):
    # Given an order whose coordination task was overdue, then cancelled
    contract = uuid4()
    order = order_of(contract)
    with freeze_time(NINE) as clock:
        history.given(*entered_order(uuid4(), contract), (task(order, due_on=TODAY), ALICE))
        clock.move_to(NINE + timedelta(days=2))
        [overdue] = history.breaches("coordination_task_on_time", as_at=NINE + timedelta(days=2))
        history.given((cancel(order), MIA))
    # When reviewed after the delivery date
    as_at = datetime.combine(DELIVERY_DATE + timedelta(days=1), datetime.min.time(), UTC)
    # Then the order owes neither its task nor its inspection
    assert (overdue.status, overdue.record_id) == (Status.STILL_OPEN, order)
    assert history.breaches("coordination_task_on_time", as_at=as_at) == []
    assert history.breaches("inspected_before_delivery", as_at=as_at) == []


def test_an_appraisal_closed_after_the_completion_time_is_late(history):
    with freeze_time(NINE) as clock:  # February's appraisals are due by 15 March
        history.given(*team(), define("2026-02"), *appraise(upto=7))
        clock.move_to(datetime(2026, 3, 20, 9, tzinfo=UTC))
        history.given(*appraise()[7:])

    [late] = history.breaches("appraisal_completed_in_time")
    assert (late.status, late.due, late.actual) == (
        Status.LATE,
        date(2026, 3, 15),
        date(2026, 3, 20),
    )
    assert (late.responsible.name, late.responsible.team) == ("Mia Manager", "East China Sales")


def test_a_labour_contract_not_signed_within_the_formalities_time_is_still_open(history):
    req, cand = uuid4(), uuid4()
    ian = b.person("Ian Interviewer", Role.SALES_MANAGER).employee_id
    with freeze_time(NINE):
        history.given(
            interviewer(),
            *open_hiring(req),
            (apply(cand, req, "Nora New"), HANNA),
            (screen(cand), HANNA),
            (interview(cand, ian, InterviewKind.ON_SITE), HANNA),
            (decide(cand), b.DAN),
            (offer(cand), HANNA),
            (hc.AcceptOffer(candidate_id=cand), HANNA),
        )

    assert history.breaches("labour_contract_signed_in_time", as_at=NINE + timedelta(13)) == []
    [open_] = history.breaches("labour_contract_signed_in_time", as_at=NINE + timedelta(days=15))
    assert (open_.status, open_.due, open_.record) == (
        Status.STILL_OPEN,
        TODAY + timedelta(days=14),
        "candidate Nora New",
    )
    assert open_.responsible.employee_id == HANNA.employee_id


def test_an_action_item_completed_after_its_due_date_is_late(history):
    with freeze_time(NINE) as clock:
        history.given(*team(), (meeting(due=TODAY + timedelta(days=1)), MIA))
        clock.move_to(NINE + timedelta(days=3))
        history.given((complete(), ALICE))

    [late] = history.breaches("action_item_on_time")
    assert (late.status, late.due, late.actual) == (
        Status.LATE,
        TODAY + timedelta(days=1),
        TODAY + timedelta(days=3),
    )
    assert late.responsible.name == "Alice Rep"


def test_a_step_done_in_time_is_no_breach(history):
    case, reg = uuid4(), b.register()
    with freeze_time(NINE):
        history.given(*b.qualified_customer(reg), (receive(b.customer_id(reg), case), ALICE))
        history.given((classify(case), ALICE), (assign(case), ALICE), (respond(case), ADA))

    assert history.breaches("feedback_answered_in_time") == []
