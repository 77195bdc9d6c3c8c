"""A business case's full story, from the audit view and from the log itself (ADR 7)."""

from __future__ import annotations

from uuid import uuid4

import pytest
from freezegun import freeze_time
from salesdomain.projections.audit import query_audit
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.read_models import ReadModels
from salesdomain.projections.story import CUSTOMER, case_story, verified_case_story
from sqlalchemy import delete

from salesdomain.errors import RecordNotFound
from tests import builders as b
from tests.past_scenario import T0, Case, run
from tests.spec import log_position
from tests.test_aftersales_rules import receive


@pytest.fixture
def told(app, views):
    case = Case()
    with freeze_time(T0) as frozen:
        run(app, [*case.first_half(), *case.second_half()], frozen)
    return case, ReadModels(
        views,
        ApplicationLog(app),
    )


def test_the_story_runs_from_the_customer_through_order_and_service_in_order(app, told):
    case, views = told
    story = case_story(app, views, case.opp)
    assert story.customer_id == case.customer
    assert story.position == log_position(app)
    names = [f"{e.aggregate_type}.{e.event_type}" for e in story.entries]
    assert names[:4] == [
        "Customer.Registered",
        "CustomerNameClaim.Claimed",
        "Customer.Assessed",
        "Customer.Qualified",
    ]
    assert {e.part for e in story.entries[:4]} == {CUSTOMER}
    assert {e.part for e in story.entries[4:]} == {"case"}
    assert names[4] == "Opportunity.Opened"
    kinds = {e.aggregate_type for e in story.entries}
    assert {"Opportunity", "Contract", "Order", "ServiceCase"} <= kinds
    assert names[-1] == "ServiceCase.Responded"
    positions = [e.position for e in story.entries]
    assert positions == sorted(positions)
    times = [e.recorded_at for e in story.entries]
    assert times == sorted(times)
    assert str(case.second) not in {e.aggregate_id for e in story.entries}  # another case

    entered = next(e for e in story.entries if e.event_type == "Entered")
    assert (entered.sop_step, entered.step_title) == ("2.5.1", "Enter the order and coordinate")
    assert entered.actor_role == "automated_policy"
    assert entered.aggregate_id == str(case.order)
    registered = story.entries[0]
    assert (registered.actor_name, registered.actor_id) == ("Alice Rep", str(b.ALICE.employee_id))
    assert registered.description
    line = story.lines()[0]
    assert line.startswith("2026-03-02 08:00:00 UTC  2.1.2 ")
    assert "Alice Rep (sales representative)" in line


def test_the_audit_is_queried_for_several_business_cases_at_once_in_log_order(app, told):
    case, views = told
    runner = views.runner("audit")
    runner.catch_up()
    table = runner.tables()["entries"]
    one = query_audit(views.engine, table, correlation_id=case.opp, limit=None)
    other = query_audit(views.engine, table, correlation_id=case.customer, limit=None)
    both = query_audit(views.engine, table, correlation_ids=[case.opp, case.customer], limit=None)
    assert one
    assert other
    assert [e.position for e in both] == sorted(e.position for e in [*one, *other])
    assert len(query_audit(views.engine, table, correlation_ids=[case.opp], limit=3)) == 3


def test_the_audit_view_and_the_event_log_tell_the_same_story(app, told):
    case, views = told
    indexed = case_story(app, views, case.opp)
    verified = verified_case_story(app, case.opp, until=indexed.position)
    assert verified == indexed
    assert len(indexed.entries) > 30


def test_a_tampered_audit_view_no_longer_agrees_with_the_log(app, told):
    case, views = told
    entries = views.runner("audit").tables()["entries"]
    indexed = case_story(app, views, case.opp)
    signed = next(e for e in indexed.entries if e.event_type == "Signed")
    with views.engine.begin() as conn:
        conn.execute(delete(entries).where(entries.c.position == signed.position))
    tampered = case_story(app, views, case.opp)
    assert tampered != verified_case_story(app, case.opp)
    assert signed not in tampered.entries
    assert signed in verified_case_story(app, case.opp).entries


def test_a_service_case_of_its_own_reaches_its_customer(app, told):
    case, views = told
    own = uuid4()
    with freeze_time(T0):
        app.handle(receive(case.customer, own), b.ALICE)
    story = case_story(app, views, own)
    assert story.customer_id == case.customer
    assert [e.event_type for e in story.entries if e.part == "case"] == ["FeedbackReceived"]
    assert story == verified_case_story(app, own)


def test_a_case_nobody_recorded_is_not_found_by_either_source(app, told):
    _, views = told
    unknown = uuid4()
    with pytest.raises(RecordNotFound, match=f"no business case with id {unknown}"):
        case_story(app, views, unknown)
    with pytest.raises(RecordNotFound, match="no business case"):
        verified_case_story(app, unknown)
