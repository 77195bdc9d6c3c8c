"""The conformance report: per period, per team and per person; policy versions; the
demo's log; and the real application on memory, a SQLite file and PostgreSQL with
actors not verified on the write side (the review catches what the write side let by)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest
from freezegun import freeze_time
from salesdomain.adapters.bootstrap import build_system
from salesdomain.adapters.demo import run_demo
from salesdomain.projections.conformance import (
    Family,
    Status,
    conformance_report,
    open_breaches,
    read_log,
)
from salesdomain.projections.conformance.policies import PolicyBook
from salesdomain.projections.conformance.review import Review, finish, replay

from salesdomain.aftersales.values import Severity
from salesdomain.opportunities import commands as oc
from salesdomain.policy import SalesPolicy
from salesdomain.sop import Role
from tests import builders as b
from tests.builders import ALICE, MARK, MIA
from tests.conformance_builders import History
from tests.conftest import make_app
from tests.people_builders import enrol
from tests.performance_builders import team
from tests.test_aftersales_rules import ADA, assign, classify, receive, respond

ENROLLED = datetime(2026, 2, 2, 9, tzinfo=UTC)
"""When the staff were enrolled (under exceptions the review lists): before the periods."""
MARCH = datetime(2026, 3, 2, 9, tzinfo=UTC)
APRIL = datetime(2026, 4, 6, 9, tzinfo=UTC)
LATER = datetime(2026, 6, 30, tzinfo=UTC)


def answered_late(history_or_app, at: datetime, company: str, hours: int = 30) -> None:
    """Feedback received at ``at`` (high: 24 hours), answered by Ada ``hours`` later."""
    app = getattr(history_or_app, "app", history_or_app)
    case, reg = uuid4(), b.register(company, reg="")
    with freeze_time(at) as clock:
        for command, actor in (
            *b.qualified_customer(reg),
            (receive(b.customer_id(reg), case), ALICE),
            (classify(case, severity=Severity.HIGH), ALICE),
            (assign(case), ALICE),
        ):
            app.handle(command, actor)
        clock.move_to(at + timedelta(hours=hours))
        app.handle(respond(case), ADA)


def discount_approved(history: History, at: datetime) -> None:
    opp, reg = uuid4(), b.register("Ningbo Tools Ltd.", reg="")
    with freeze_time(at):
        history.given(
            *b.qualified_customer(reg),
            *b.through_acknowledged(opp, b.customer_id(reg)),
            (b.quote(opp), ALICE),
            (b.request_discount(opp, "880"), ALICE),
            (oc.ApproveDiscount(opportunity_id=opp, comments="Strategic"), MIA),
        )


def staff() -> list:
    """The sales team, and Ada (after-sales) and Pat (production), enrolled."""
    return [
        *team(),
        enrol("Ada Service", Role.AFTER_SALES, team="After-sales"),
        enrol("Pat Production", Role.PRODUCTION, team="Production"),
    ]


@pytest.fixture
def history() -> Iterator[History]:
    found = History()
    with freeze_time(ENROLLED):
        found.given(*staff())
    yield found
    found.close()


def test_the_report_counts_steps_breaches_and_overrides_of_its_period_per_team_and_person(
    history,
):
    answered_late(history, MARCH, "Hangzhou Precision Co., Ltd.")
    discount_approved(history, MARCH)
    answered_late(history, APRIL, "Suzhou Gears Ltd.")

    # the recurring duties, owed every week by the team enrolled, have their own tests
    policy = SalesPolicy(recurring_duties=())
    march = history.report(date(2026, 3, 1), date(2026, 3, 31), as_at=LATER, policy=policy)
    april = history.report(date(2026, 4, 1), date(2026, 4, 30), as_at=LATER, policy=policy)

    assert [b.occurred_on for b in march.breaches] == [date(2026, 3, 3)]
    assert [b.occurred_on for b in april.breaches] == [date(2026, 4, 7)]
    assert [o.kind for o in march.overrides] == [
        "discount beyond the requester's authority, approved"
    ]
    assert april.overrides == ()
    steps = {s.sop_step: s.count for s in april.steps}
    # 2.1.2: registered (and the name claimed), assessed, qualified; 2.6.1: four steps
    assert steps == {"2.1.2": 4, "2.6.1": 4}
    teams = {t.team: t for t in march.teams}
    assert (teams["After-sales"].breaches, teams["After-sales"].steps) == (1, {"2.6.1": 1})
    assert teams["East China Sales"].overrides == 1
    people = {p.name: p for p in march.people}
    assert (people["Ada Service"].breaches, people["Alice Rep"].overrides) == (1, 1)
    assert people["Mia Manager"].steps == {"2.3.3": 1}
    assert sum(s.count for s in march.steps) == sum(t.steps_done for t in march.teams)


def test_the_report_is_json(history):
    answered_late(history, MARCH, "Hangzhou Precision Co., Ltd.")
    policy = SalesPolicy(recurring_duties=())  # the team's weekly meetings: their own tests
    report = history.report(date(2026, 3, 1), date(2026, 3, 31), as_at=LATER, policy=policy)

    data = json.loads(report.model_dump_json())
    assert data["breaches"][0]["status"] == "late"
    assert data["breaches"][0]["due"] == "2026-03-03T09:00:00Z"
    # the qualification (judged against the policy's assessments), receipt, classification,
    # and the staff's seven enrolments (the founding one and six exceptions, ADR 45)
    assert data["policy_versions_recorded"] == {"2026.1": 10}
    assert {r["id"] for r in data["rules"]} >= {"feedback_answered_in_time", "roles_by_hr"}


def test_decisions_under_a_policy_version_not_supplied_are_listed_not_judged():
    old = SalesPolicy(version="2025.4")
    history = History(old)
    answered_late(history, MARCH, "Hangzhou Precision Co., Ltd.")

    report = history.report(date(2026, 3, 1), date(2026, 3, 31), as_at=LATER)
    assert [b.rule for b in report.breaches if b.family is Family.TIME_LIMIT] == []
    assert report.policy_versions_recorded == {"2025.4": 3}
    assert [
        (m.rule, m.recorded_version, m.supplied_versions) for m in report.policy_mismatches
    ] == [("feedback_answered_in_time", "2025.4", ("2026.1",))] * 2  # received and classified

    judged = history.report(date(2026, 3, 1), date(2026, 3, 31), as_at=LATER, earlier=[old])
    assert [(b.rule, b.policy_version) for b in judged.breaches if b.due] == [
        ("feedback_answered_in_time", "2025.4")
    ]
    assert judged.policy_mismatches == ()
    history.close()


def test_the_period_and_the_review_time_are_checked():
    app = make_app("memory://")
    with pytest.raises(ValueError, match="period_end 2026-02-01 is before period_start"):
        conformance_report(app, SalesPolicy(), date(2026, 3, 1), date(2026, 2, 1))
    with pytest.raises(ValueError, match="as_at must be a timezone-aware time"):
        open_breaches(app, SalesPolicy(), datetime(2026, 3, 1))
    app.close()


def test_the_demo_log_shows_the_complaint_answered_late():
    system = build_system("memory://")
    try:
        run_demo(system, 7)
        report = conformance_report(
            system.app, SalesPolicy(), date(2026, 1, 1), date(2026, 3, 31), LATER
        )
    finally:
        system.close()

    [late] = [b for b in report.breaches if b.rule == "feedback_answered_in_time"]
    assert (late.status, late.sop_step, late.responsible.name) == (Status.LATE, "2.6.1", "Ada Zhou")
    assert late.actual > late.due
    assert not [b for b in report.breaches if b.family is Family.EMPLOYMENT]
    assert "discount beyond the requester's authority, approved" in {
        o.kind for o in report.overrides
    }
    assert report.policy_mismatches == ()


def test_a_log_read_from_anywhere_in_the_middle_is_reviewed_without_failing():
    """A reviewer may be handed part of a history (an archive, a tampered log): each
    rule judges what it can see and never fails on a record whose start is missing."""
    system = build_system("memory://")
    try:
        run_demo(system, 7)
        log = list(read_log(system.app))
    finally:
        system.close()
    for start in range(0, len(log), 7):
        review = replay(Review(PolicyBook(SalesPolicy()), LATER), log[start:])
        assert review.events <= len(log) - start
        finish(review)


def test_the_review_reads_every_store_and_catches_what_the_write_side_did_not_check(store_url):
    app = make_app(store_url, verify_actors=False)  # actors taken as given
    try:
        with freeze_time(MARCH):
            for command, actor in (*staff(), (b.register("Jiaxing Valves Ltd.", reg=""), MARK)):
                app.handle(command, actor)
        answered_late(app, MARCH, "Hangzhou Precision Co., Ltd.")
        with freeze_time(MARCH + timedelta(days=1)):
            case, reg = uuid4(), b.register("Wuxi Pumps Ltd.", reg="")
            app.handle(reg, ALICE)
            app.handle(receive(b.customer_id(reg), case), ALICE)
        with freeze_time(MARCH + timedelta(days=3)):
            still_open = open_breaches(app, SalesPolicy())  # as at now (freezegun)
        report = conformance_report(app, SalesPolicy(), date(2026, 3, 1), date(2026, 3, 31), LATER)
    finally:
        app.close()

    [unenrolled] = [b for b in report.breaches if b.family is Family.EMPLOYMENT]
    assert unenrolled.responsible.name == MARK.name  # Ada acted too: Mark only is not enrolled
    assert {(b.rule, b.status) for b in report.breaches if b.family is Family.TIME_LIMIT} == {
        ("feedback_answered_in_time", Status.LATE),
        ("feedback_answered_in_time", Status.STILL_OPEN),
    }
    assert [(b.record_id, b.status) for b in still_open] == [(case, Status.STILL_OPEN)]
