"""The work queue (SOP 4.2.4, ADR 53): Given a history / When a person's queue is read
at a moment / Then the steps due from them, with deadline, time left, responsible and
the command that discharges each; on memory, a SQLite file and PostgreSQL.  The clock
is freezegun's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from freezegun import freeze_time
from salesdomain.projections.access import reader_of
from salesdomain.projections.workqueue import DueItem, ItemKind, NotOnRegister, due_for, due_page

from salesdomain.aftersales.values import Severity
from salesdomain.people import commands as hc
from salesdomain.people.values import InterviewKind
from salesdomain.sop import Role
from tests import builders as b
from tests.builders import ALICE, BOB, DAN, LEO, MIA, PAT, TODAY
from tests.contract_builders import approve, draft, review
from tests.order_builders import QIN, entered_order, order_of, task
from tests.people_builders import (
    HANNA,
    apply,
    decide,
    employee_id,
    enrol,
    interview,
    interviewer,
    offer,
    open_hiring,
)
from tests.people_builders import screen as screen_candidate
from tests.performance_builders import appraise, define, team
from tests.test_aftersales_rules import ADA, assign, classify, receive, respond
from tests.test_performance_rules import complete, meeting

NINE = datetime(2026, 3, 2, 9, tzinfo=UTC)
NO_DUTIES = (ItemKind.RECURRING_DUTY,)


def staffed(*others: object) -> list[object]:
    """The sales team (Hanna HR, Dan Director, Mia Manager, Alice and Bob Rep) and others
    reporting to Dan, each in their own department."""
    return [*team(), *(enrol(p.name, p.role, employee_id(DAN.name), approver=DAN) for p in others)]  # type: ignore[attr-defined]


def given(system, *steps) -> None:
    for command, actor in steps:
        system.app.handle(command, actor)


def queue(system, who, at: datetime, **kw) -> list[DueItem]:
    system.views.catch_up()
    found = due_for(system.views, system.app.policy, who.employee_id, at, **kw)
    return [item for item in found if item.kind not in NO_DUTIES]


def seen(items: list[DueItem]) -> list[tuple[str, str, bool, str, str]]:
    return [(i.kind.value, i.sop_step, i.overdue, i.responsible, i.next_command) for i in items]


def test_a_complaint_is_due_from_its_assignee_overdue_after_its_response_time(system):
    case, reg = uuid4(), b.register()
    with freeze_time(NINE):
        given(system, *staffed(ADA), *b.qualified_customer(reg))
        given(system, (receive(b.customer_id(reg), case), ALICE), (classify(case), ALICE))
        given(system, (assign(case), ALICE))  # high severity: 24 hours

    [item] = queue(system, ADA, NINE + timedelta(hours=20))
    assert seen([item]) == [
        ("complaint to answer", "2.6.1", False, "Ada Service", "RespondToFeedback")
    ]
    assert (item.due, item.seconds_left, item.record_id) == (
        NINE + timedelta(hours=24),
        4 * 3600,
        str(case),
    )
    assert item.rule == "feedback_answered_in_time"
    assert queue(system, ALICE, NINE + timedelta(hours=20)) == []
    [late] = queue(system, ADA, NINE + timedelta(hours=25), overdue_only=True)
    assert (late.overdue, late.seconds_left) == (True, -3600)
    assert queue(system, ADA, NINE + timedelta(hours=20), overdue_only=True) == []
    with freeze_time(NINE + timedelta(hours=26)):
        given(system, (respond(case), ADA))
    assert queue(system, ADA, NINE + timedelta(hours=27)) == []


def test_a_contract_awaiting_approval_is_due_from_the_level_role_not_from_its_owner(system):
    opp, contract = uuid4(), uuid4()
    with freeze_time(NINE):
        given(system, *staffed(LEO), *b.won_deal(opp), (draft(opp, contract), LEO))
        given(system, (review(contract), ALICE))

    [item] = queue(system, MIA, NINE + timedelta(days=4))
    assert seen([item]) == [
        (
            "contract to approve",
            "2.4.2",
            True,
            "the sales manager (approval level 1)",
            "ApproveContract or RejectContract",
        )
    ]
    assert (item.record_kind, item.record_id, item.case_id) == ("contract", str(contract), str(opp))
    assert queue(system, ALICE, NINE + timedelta(days=1)) == []
    assert queue(system, DAN, NINE + timedelta(days=1)) == []  # not his level
    with freeze_time(NINE + timedelta(days=1)):
        given(system, (approve(contract), MIA))
    assert queue(system, MIA, NINE + timedelta(days=2)) == []


def test_an_appraisal_step_is_the_managers_and_the_self_assessment_the_employees(system):
    steps = appraise()
    command, hanna = steps[1]  # February's figures, from before the system (no KPI view's)
    corrected = tuple(
        f.model_copy(update={"kpi_figure": Decimal(0), "correction": "Counted before the system"})
        for f in command.figures  # type: ignore[attr-defined]
    )
    steps[1] = (command.model_copy(update={"figures": corrected}), hanna)
    with freeze_time(NINE):  # February's appraisals are due by 15 March
        given(system, *staffed(), define("2026-02"), *steps[:2])
    at = NINE + timedelta(days=1)
    [self_assessment] = queue(system, ALICE, at)
    assert seen([self_assessment]) == [
        ("appraisal step", "3.3.3", False, "Alice Rep", "SubmitSelfAssessment")
    ]
    assert self_assessment.due == date(2026, 3, 15)
    assert queue(system, MIA, at) == []
    assert [i.responsible for i in queue(system, MIA, at, team=True)] == ["Alice Rep"]

    with freeze_time(NINE):
        given(system, *steps[2:3])
    [to_score] = queue(system, MIA, at)
    assert (to_score.step, to_score.next_command) == ("score each indicator", "ScoreAppraisal")
    assert queue(system, ALICE, at) == []
    with freeze_time(NINE):
        given(system, *steps[3:])
    assert queue(system, MIA, at) == []


def test_a_coordination_task_and_the_final_inspection_are_due_from_their_owners(system):
    opp, contract = uuid4(), uuid4()
    order = order_of(contract)
    with freeze_time(NINE):
        given(system, *staffed(PAT, QIN, LEO), *entered_order(opp, contract))
        given(system, (task(order, due_on=TODAY + timedelta(days=2)), ALICE))

    [coordination] = queue(system, PAT, NINE)
    assert seen([coordination]) == [
        (
            "coordination task",
            "2.5.1",
            False,
            "Pat Production",
            "CompleteCoordinationTask (task 1)",
        )
    ]
    assert coordination.due == TODAY + timedelta(days=2)
    [inspection] = queue(system, QIN, NINE)
    assert (inspection.kind, inspection.next_command) == (ItemKind.INSPECTION, "RecordInspection")
    assert inspection.responsible == "quality control"


def test_a_labour_contract_is_due_from_the_hr_person_who_sent_the_offer(system):
    req, cand = uuid4(), uuid4()
    ian = b.person("Ian Interviewer", Role.SALES_MANAGER).employee_id
    with freeze_time(NINE):
        given(
            system,
            *staffed(),
            interviewer(),
            *open_hiring(req),
            (apply(cand, req, "Nora New"), HANNA),
            (screen_candidate(cand), HANNA),
            (interview(cand, ian, InterviewKind.ON_SITE), HANNA),
            (decide(cand), DAN),
            (offer(cand), HANNA),
            (hc.AcceptOffer(candidate_id=cand), HANNA),
        )

    [item] = queue(system, HANNA, NINE + timedelta(days=15), events_of=system.app.events.get)
    assert seen([item]) == [
        ("labour contract to sign", "3.1.4", True, "Hanna HR", "SignLabourContract")
    ]
    assert (item.record, item.due) == ("candidate Nora New", TODAY + timedelta(days=14))


def test_an_action_item_is_due_from_its_owner(system):
    with freeze_time(NINE):
        given(system, *staffed(), (meeting(due=TODAY + timedelta(days=1)), MIA))

    [item] = queue(system, ALICE, NINE)
    assert seen([item]) == [
        ("action item", "3.4.2", False, "Alice Rep", "CompleteActionItem (item 1)")
    ]
    with freeze_time(NINE):
        given(system, (complete(), ALICE))
    assert queue(system, ALICE, NINE) == []


def test_a_quote_about_to_expire_and_a_stale_deal_are_due_from_the_deal_owner(system):
    opp, reg = uuid4(), b.register()
    with freeze_time(NINE):
        given(system, *staffed(), *b.qualified_customer(reg))
        given(system, *b.through_acknowledged(opp, b.customer_id(reg)), (b.quote(opp), ALICE))

    assert queue(system, ALICE, NINE + timedelta(days=20)) == []  # valid 30 days
    [quote] = queue(system, ALICE, NINE + timedelta(days=25))
    assert seen([quote]) == [
        (
            "quote about to expire",
            "2.3.2",
            False,
            "Alice Rep",
            "AcceptQuote, or IssueQuote (a revised quote), or MarkOpportunityLost",
        )
    ]
    assert (quote.due, quote.record_kind) == (TODAY + timedelta(days=30), "opportunity")
    expired, stale = queue(system, ALICE, NINE + timedelta(days=32))
    assert (expired.kind, expired.overdue) == (ItemKind.QUOTE_EXPIRING, True)
    assert (stale.kind, stale.overdue, stale.next_command) == (
        ItemKind.STALE_DEAL,
        True,
        "LogContact",
    )
    assert stale.due == TODAY + timedelta(days=30)  # the visit's day + stale_after_days
    _, closing = queue(system, ALICE, NINE + timedelta(days=95))  # past its expected close
    assert (closing.due, closing.next_command) == (
        TODAY + timedelta(days=90),
        "ReviseExpectedClose or MarkOpportunityLost",
    )
    assert queue(system, BOB, NINE + timedelta(days=32)) == []


def test_the_current_periods_recurring_duties_are_due_until_done(system):
    monday = datetime(2026, 3, 9, 9, tzinfo=UTC)
    with freeze_time(NINE):
        given(system, *staffed())
    system.views.catch_up()
    duties = due_for(system.views, system.app.policy, ALICE.employee_id, monday)
    meetings = [i for i in duties if i.step == "team meeting (weekly)"]
    assert [(i.due, i.responsible, i.next_command, i.overdue) for i in meetings] == [
        (date(2026, 3, 15), "team East China Sales", "HoldTeamMeeting", False)
    ]
    with freeze_time(monday):
        given(system, (meeting(held_on=monday.date()), MIA), (complete(), ALICE))
    system.views.catch_up()
    after = due_for(system.views, system.app.policy, ALICE.employee_id, monday)
    assert [i for i in after if i.step == "team meeting (weekly)"] == []


def test_a_manager_reads_their_teams_queue_a_representative_only_their_own(system):
    with freeze_time(NINE):
        given(system, *staffed(), (meeting(due=TODAY + timedelta(days=1), owner=BOB), MIA))
    system.views.catch_up()
    kpi = system.views.runner("kpi")
    as_alice = reader_of(kpi.engine, kpi.tables(), ALICE.employee_id, Role.SALES_REPRESENTATIVE)
    as_mia = reader_of(kpi.engine, kpi.tables(), MIA.employee_id, Role.SALES_MANAGER)
    bobs = queue(system, BOB, NINE)
    assert [i.responsible for i in bobs] == ["Bob Rep"]
    assert queue(system, BOB, NINE, reader=as_alice) == []
    assert queue(system, BOB, NINE, reader=as_mia) == bobs
    assert queue(system, MIA, NINE, team=True, reader=as_mia) == bobs
    assert queue(system, DAN, NINE, team=True) == bobs  # Mia reports to him, Bob to her
    with pytest.raises(NotOnRegister):
        due_for(system.views, system.app.policy, uuid4(), NINE)


def test_asked_as_of_a_past_moment_the_queue_is_as_it_stood_then(system):
    with freeze_time(NINE) as clock:
        given(system, *staffed(), (meeting(due=TODAY + timedelta(days=1)), MIA))
        clock.move_to(NINE + timedelta(days=3))
        given(system, (complete(), ALICE))

    [then] = queue(system, ALICE, NINE + timedelta(days=2))  # before it was completed
    assert (then.kind, then.overdue, then.seconds_left) == (ItemKind.ACTION_ITEM, True, -9 * 3600)
    assert queue(system, ALICE, NINE + timedelta(days=3)) == []


def test_a_queue_is_read_a_page_at_a_time_overdue_first(system):
    case, reg = uuid4(), b.register()
    with freeze_time(NINE):
        given(system, *staffed(), (meeting(due=TODAY + timedelta(days=1)), MIA))
        given(system, *b.qualified_customer(reg), (receive(b.customer_id(reg), case), ALICE))
        given(system, (classify(case, severity=Severity.LOW), ALICE), (assign(case, ALICE), ALICE))
    system.views.catch_up()
    at = NINE + timedelta(days=2)
    every = due_for(system.views, system.app.policy, ALICE.employee_id, at)
    assert [(i.kind, i.overdue, i.due) for i in every] == [
        (ItemKind.ACTION_ITEM, True, TODAY + timedelta(days=1)),
        (ItemKind.COMPLAINT, False, NINE + timedelta(hours=72)),
    ]
    first = due_page(system.views, system.app.policy, ALICE.employee_id, at, limit=1)
    rest = due_page(
        system.views, system.app.policy, ALICE.employee_id, None, cursor=first.next_cursor
    )
    assert [*first.rows, *rest.rows] == every
    assert rest.next_cursor is None
