"""Every rule of after-sales service (SOP 2.6), one Given/When/Then each, on three stores.

2.6.1 A service case is replayed up to a named point of its canned history:

    RECEIVED (by ALICE, by phone), CLASSIFIED (a high-severity complaint), ASSIGNED (to ADA,
    after-sales), RESPONDED, ROOT_CAUSE, RESOLVED, CLOSED.

2.6.2 service visits and 2.6.3 satisfaction surveys follow, then feedback and visits about an
order (``tests.order_builders``: a won deal, its signed contract and the order, delivered).
The clock is frozen at builders.TODAY 09:00 UTC unless a test moves it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time

from salesdomain.aftersales import commands as ac
from salesdomain.aftersales import values as av
from salesdomain.aftersales.policy import ServicePolicy
from salesdomain.aftersales.satisfaction_survey import SatisfactionSurvey
from salesdomain.aftersales.service_case import ServiceCase
from salesdomain.aftersales.values import FeedbackKind, Severity, VisitKind
from salesdomain.commands import build_command
from salesdomain.errors import InvalidCommand, NotAuthorised, RecordNotFound
from salesdomain.narrative import describe
from salesdomain.orders.order import Order
from salesdomain.policy import SalesPolicy
from salesdomain.sop import Role
from salesdomain.values import Actor
from tests import builders as b
from tests.builders import ALICE, BOB, MARK, MIA, PAT, SUE, TODAY, person
from tests.order_builders import completed_order, entered_order, order_of
from tests.spec import Spec, Step, every_row, on, refused

NOW = "2026-03-02 09:00:00+00:00"  # builders.TODAY, 09:00 UTC
RECEIVED_AT = datetime(2026, 3, 2, 9, tzinfo=UTC)

ADA = person("Ada Service", Role.AFTER_SALES)
OTTO = person("Otto Service", Role.AFTER_SALES)

RECEIVED, CLASSIFIED, ASSIGNED, RESPONDED, ROOT_CAUSE, RESOLVED, CLOSED = range(1, 8)


# ---- helpers ----------------------------------------------------------------------------


def customer(spec: Spec, name: str = "Hangzhou Precision Co., Ltd.") -> UUID:
    reg = b.register(name, reg="")
    spec.given(*b.qualified_customer(reg))
    return b.customer_id(reg)


def receive(cid: UUID, case: UUID, order: UUID | None = None) -> ac.ReceiveFeedback:
    return ac.ReceiveFeedback(
        service_case_id=case,
        customer_id=cid,
        order_id=order,
        channel=av.FeedbackChannel.PHONE,
        description="Spindle on line 3 overheats after two hours",
    )


def classify(
    case: UUID,
    kind: FeedbackKind = FeedbackKind.COMPLAINT,
    severity: Severity = Severity.HIGH,
) -> ac.ClassifyFeedback:
    return ac.ClassifyFeedback(service_case_id=case, kind=kind, severity=severity)


def assign(case: UUID, to: Actor = ADA) -> ac.AssignServiceCase:
    return ac.AssignServiceCase(service_case_id=case, assignee=to)


def respond(case: UUID) -> ac.RespondToFeedback:
    return ac.RespondToFeedback(
        service_case_id=case,
        response=av.FeedbackResponse(
            answer="Coolant pump undersized for continuous duty",
            solution="Replace the pump under warranty this week",
            departments_involved=(Role.PRODUCTION, Role.LOGISTICS),
        ),
    )


def root_cause(case: UUID) -> ac.RecordRootCause:
    return ac.RecordRootCause(
        service_case_id=case,
        root_cause=av.RootCause(cause="Wrong pump model in the bill of materials", impact="Line 3"),
    )


def resolve(case: UUID) -> ac.ResolveServiceCase:
    return ac.ResolveServiceCase(service_case_id=case, resolution="Pump replaced, BOM corrected")


def close(case: UUID) -> ac.CloseServiceCase:
    return ac.CloseServiceCase(service_case_id=case, remarks="Customer confirmed")


def reopen(case: UUID) -> ac.ReopenServiceCase:
    return ac.ReopenServiceCase(service_case_id=case, reason="Overheating is back")


def customer_of(spec: Spec, case: UUID) -> UUID:
    """The customer who gave the feedback of ``case``."""
    return spec.app.load(ServiceCase, case).customer_id


def case_steps(cid: UUID, case: UUID, kind: FeedbackKind = FeedbackKind.COMPLAINT) -> list[Step]:
    return [
        (receive(cid, case), ALICE),
        (classify(case, kind), ALICE),
        (assign(case), ALICE),
        (respond(case), ADA),
        (root_cause(case), ADA),
        (resolve(case), ADA),
        (close(case), ADA),
    ]


def service_case(
    spec: Spec, upto: int = CLOSED, kind: FeedbackKind = FeedbackKind.COMPLAINT
) -> UUID:
    """A customer and a service case, its canned history replayed ``upto``."""
    case = uuid4()
    spec.given(*case_steps(customer(spec), case, kind)[:upto])
    return case


# ---- 2.6 who may perform the steps ------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "actor", "step"),
    [
        pytest.param(lambda cid: receive(cid, uuid4()), PAT, "2.6.1", id="production-feedback"),
        pytest.param(lambda cid: visit(cid), ALICE, "2.6.2", id="sales-rep-service-visit"),
        pytest.param(lambda cid: start_survey(cid), ALICE, "2.6.3", id="sales-rep-survey"),
    ],
)
@freeze_time(NOW)
def test_a_role_an_after_sales_step_is_not_for_cannot_take_it(spec, command, actor, step):
    cid = customer(spec)
    spec.when(command(cid), actor).then_rejected(
        NotAuthorised, step=step, rule="a role this step is not for"
    )


# ---- 2.6.1 receiving feedback and its time limit ------------------------------------------


@freeze_time(NOW)
def test_feedback_from_an_unknown_customer_is_refused(spec):
    spec.when(receive(uuid4(), uuid4()), ALICE).then_rejected(
        RecordNotFound, rule="no customer with id"
    )


@freeze_time(NOW)
def test_received_feedback_starts_its_own_case_and_its_time_limit_runs_at_once(spec):
    cid, case = customer(spec), uuid4()
    [received] = spec.when(receive(cid, case), ALICE).then("ServiceCase.FeedbackReceived")
    assert received.correlation_id == case
    assert (received.customer_id, received.order_id) == (cid, None)
    assert received.received_at == RECEIVED_AT
    # Until classified, the deadline of the policy's unclassified severity (high: 24h) runs.
    assert received.respond_by == RECEIVED_AT + timedelta(hours=24)
    assert received.policy_version == SalesPolicy().version


@pytest.mark.parametrize(
    ("severity", "hours"),
    [
        (Severity.CRITICAL, 4),
        (Severity.HIGH, 24),
        (Severity.MEDIUM, 48),
        (Severity.LOW, 72),
    ],
)
def test_classification_sets_the_deadline_by_severity_counted_from_receipt(spec, severity, hours):
    with freeze_time(NOW) as frozen:
        case = service_case(spec, RECEIVED)
        frozen.move_to("2026-03-02 11:00:00+00:00")
        [classified] = spec.when(classify(case, severity=severity), ALICE).then(
            "ServiceCase.Classified"
        )
    assert classified.respond_by == RECEIVED_AT + timedelta(hours=hours)
    assert classified.policy_version == SalesPolicy().version


@freeze_time(NOW)
def test_the_response_deadline_comes_from_policy_data(spec_with):
    hours = {
        Severity.CRITICAL: 2,
        Severity.HIGH: 8,
        Severity.MEDIUM: 16,
        Severity.LOW: 40,
    }
    policy = SalesPolicy(
        version="2026.2-service",
        service=ServicePolicy(response_hours=hours, unclassified_severity=Severity.CRITICAL),
    )
    spec = spec_with(policy)
    cid, case = customer(spec), uuid4()
    [received] = spec.when(receive(cid, case), ALICE).then("ServiceCase.FeedbackReceived")
    [classified] = spec.when(classify(case, severity=Severity.MEDIUM), ALICE).then(
        "ServiceCase.Classified"
    )
    assert received.respond_by == RECEIVED_AT + timedelta(hours=2)
    assert classified.respond_by == RECEIVED_AT + timedelta(hours=16)
    assert received.policy_version == classified.policy_version == "2026.2-service"


@pytest.mark.parametrize(
    ("answered_at", "on_time"),
    [
        ("2026-03-03 08:59:00+00:00", True),
        ("2026-03-03 09:00:00+00:00", True),
        ("2026-03-03 09:01:00+00:00", False),
    ],
    ids=["before-the-deadline", "at-the-deadline", "after-the-deadline"],
)
def test_the_first_answer_records_whether_it_came_within_the_time_limit(spec, answered_at, on_time):
    with freeze_time(NOW) as frozen:
        case = service_case(spec, ASSIGNED)  # high severity: answer due within 24h
        frozen.move_to(answered_at)
        [responded] = spec.when(respond(case), ADA).then("ServiceCase.Responded")
    assert responded.respond_by == RECEIVED_AT + timedelta(hours=24)
    assert responded.responded_at == datetime.fromisoformat(answered_at)
    assert responded.within_time_limit is on_time
    assert ("LATE" in describe(responded)) is not on_time


# ---- 2.6.1 classification and assignment ----------------------------------------------------


@freeze_time(NOW)
def test_feedback_may_be_reclassified_before_it_is_answered(spec):
    case = service_case(spec, ASSIGNED)
    [classified] = spec.when(classify(case, severity=Severity.CRITICAL), ALICE).then(
        "ServiceCase.Classified"
    )
    assert classified.respond_by == RECEIVED_AT + timedelta(hours=4)


@freeze_time(NOW)
def test_assignment_records_who_handles_the_case(spec):
    case = service_case(spec, CLASSIFIED)
    [assigned] = spec.when(assign(case, to=BOB), ALICE).then("ServiceCase.Assigned")
    assert assigned.assignee == BOB


# ---- 2.6.1 handling: only the assignee (or a sales lead) --------------------------------------

HANDLING = [
    pytest.param(ASSIGNED, respond, "Responded", id="respond"),
    pytest.param(RESPONDED, root_cause, "RootCauseRecorded", id="root-cause"),
    pytest.param(ROOT_CAUSE, resolve, "Resolved", id="resolve"),
    pytest.param(RESOLVED, close, "Closed", id="close"),
]


@pytest.mark.parametrize(("upto", "command", "event"), HANDLING)
@freeze_time(NOW)
def test_feedback_is_handled_only_by_the_employee_it_is_assigned_to(spec, upto, command, event):
    case = service_case(spec, upto)
    spec.when(command(case), OTTO).then_rejected(
        NotAuthorised, step="2.6.1", rule="is not assigned this case"
    )


@pytest.mark.parametrize(("upto", "command", "event"), HANDLING)
@freeze_time(NOW)
def test_a_sales_supervisor_may_handle_a_case_assigned_to_someone_else(spec, upto, command, event):
    case = service_case(spec, upto)
    spec.when(command(case), SUE).then(f"ServiceCase.{event}")


@freeze_time(NOW)
def test_feedback_is_classified_before_it_is_answered(spec):
    cid, case = customer(spec), uuid4()
    spec.given((receive(cid, case), ALICE), (assign(case), ALICE))
    spec.when(respond(case), ADA).then_refused("feedback_classified_before_answer")


# ---- 2.6.1 resolution and closure -----------------------------------------------------------


@freeze_time(NOW)
def test_a_question_is_resolved_without_a_root_cause(spec):
    case = service_case(spec, RESPONDED, kind=FeedbackKind.QUESTION)
    spec.when(resolve(case), ADA).then("ServiceCase.Resolved")


@freeze_time(NOW)
def test_the_closing_event_carries_the_resolution(spec):
    case = service_case(spec, RESOLVED)
    [closed] = spec.when(close(case), ADA).then("ServiceCase.Closed")
    assert closed.resolution == "Pump replaced, BOM corrected"


@pytest.mark.parametrize(
    ("command", "actor"),
    [
        pytest.param(classify, ALICE, id="classify"),
        pytest.param(assign, ALICE, id="assign"),
        pytest.param(respond, ADA, id="respond"),
        pytest.param(root_cause, ADA, id="root-cause"),
        pytest.param(resolve, ADA, id="resolve"),
        pytest.param(close, ADA, id="close"),
    ],
)
@freeze_time(NOW)
def test_nothing_more_is_recorded_on_a_closed_case(spec, command, actor):
    case = service_case(spec, CLOSED)
    spec.when(command(case), actor).then_refused("service_case_closed")


def test_a_reopened_case_runs_a_new_deadline_from_reopening_and_needs_a_new_answer(spec):
    with freeze_time(NOW) as frozen:
        case = service_case(spec, CLOSED)
        frozen.move_to("2026-03-10 09:00:00+00:00")
        [reopened] = spec.when(reopen(case), ALICE).then("ServiceCase.Reopened")
        assert reopened.respond_by == datetime(2026, 3, 11, 9, tzinfo=UTC)  # high: 24h
        assert reopened.policy_version == SalesPolicy().version
        spec.when(resolve(case), ADA).then_refused("resolved_after_clear_answer")
        frozen.move_to("2026-03-11 10:00:00+00:00")
        [responded] = spec.when(respond(case), ADA).then("ServiceCase.Responded")
        assert responded.within_time_limit is False
        spec.when(resolve(case), ADA).then("ServiceCase.Resolved")


# ---- 2.6.2 service visits ---------------------------------------------------------------------


def visit(
    cid: UUID,
    kind: VisitKind = VisitKind.RETURN_VISIT,
    on: date = TODAY,
    *,
    case: UUID | None = None,
    order: UUID | None = None,
    visit_id: UUID | None = None,
) -> ac.RecordServiceVisit:
    return ac.RecordServiceVisit(
        visit_id=visit_id or uuid4(),
        customer_id=cid,
        kind=kind,
        service_case_id=case,
        order_id=order,
        work=av.ServiceWork(
            visited_on=on,
            work_done="Checked spindle temperatures over a full shift",
            satisfaction=4,
            customer_comments="Running well since the pump change",
        ),
    )


@freeze_time(NOW)
def test_a_return_visit_records_what_was_done_and_the_customers_satisfaction(spec):
    cid, visit_id = customer(spec), uuid4()
    [recorded] = spec.when(visit(cid, visit_id=visit_id), ADA).then("ServiceVisit.Recorded")
    assert (recorded.work.satisfaction.value, recorded.kind) == (4, VisitKind.RETURN_VISIT)
    assert recorded.correlation_id == visit_id
    assert recorded.actor == ADA


@freeze_time(NOW)
def test_a_visit_for_a_service_case_joins_the_cases_business_case(spec):
    case = service_case(spec, RESPONDED)
    received = spec.app.history(case)[0]
    cid = customer_of(spec, case)
    [recorded] = spec.when(visit(cid, VisitKind.ON_SITE, case=case), ADA).then(
        "ServiceVisit.Recorded"
    )
    assert recorded.service_case_id == case
    assert recorded.correlation_id == received.correlation_id
    assert recorded.causation_id == received.event_id


@freeze_time(NOW)
def test_a_visit_is_recorded_once_it_has_taken_place(spec):
    cid = customer(spec)
    spec.when(visit(cid, on=TODAY + timedelta(days=1)), ADA).then_refused(
        "visit_recorded_once_made"
    )


@freeze_time(NOW)
def test_a_visit_for_a_service_case_is_to_the_customer_who_gave_the_feedback(spec):
    case = service_case(spec, RESPONDED)
    other = customer(spec, "Suzhou Gears Co., Ltd.")
    spec.when(visit(other, VisitKind.ON_SITE, case=case), ADA).then_refused(
        "visit_to_customer_of_case"
    )


@freeze_time(NOW)
def test_on_site_service_is_given_for_an_open_case(spec):
    case = service_case(spec, CLOSED)
    on_site = visit(customer_of(spec, case), VisitKind.ON_SITE, case=case)
    spec.when(on_site, ADA).then_refused("on_site_service_for_open_case")


@freeze_time(NOW)
def test_a_return_visit_may_follow_a_closed_case(spec):
    case = service_case(spec, CLOSED)
    spec.when(visit(customer_of(spec, case), case=case), ADA).then("ServiceVisit.Recorded")


@freeze_time(NOW)
def test_a_visit_for_an_unknown_customer_or_case_is_refused(spec):
    spec.when(visit(uuid4()), ADA).then_rejected(RecordNotFound, rule="no customer with id")
    cid = customer(spec)
    spec.when(visit(cid, case=uuid4()), ADA).then_rejected(
        RecordNotFound, rule="no servicecase with id"
    )


@pytest.mark.parametrize("score", [0, 6])
def test_a_visits_satisfaction_score_is_from_1_to_5(score):
    data = visit(uuid4()).model_dump(mode="json")
    data["work"]["satisfaction"] = score
    with pytest.raises(InvalidCommand, match="a score from 1 to 5") as caught:
        build_command("RecordServiceVisit", data)
    assert caught.value.fields == ("work.satisfaction",)


def test_a_visit_is_for_a_service_case_or_an_order_not_both():
    data = visit(uuid4()).model_dump(mode="json")
    data |= {"service_case_id": str(uuid4()), "order_id": str(uuid4())}
    with pytest.raises(InvalidCommand, match="the service case or the order, not both"):
        build_command("RecordServiceVisit", data)


# ---- 2.6.3 satisfaction surveys ---------------------------------------------------------------

Q1 = av.SurveyPeriod(starts_on=date(2026, 1, 1), ends_on=date(2026, 3, 31))
STARTED, ANSWERED, ANALYSED, ACTION_ADDED, SURVEY_CLOSED = range(1, 6)


def start_survey(cid: UUID, period: av.SurveyPeriod = Q1) -> ac.StartSatisfactionSurvey:
    return ac.StartSatisfactionSurvey(
        customer_id=cid, period=period, method=av.SurveyMethod.QUESTIONNAIRE
    )


def answer(
    survey: UUID, respondent: str = "Chen Wei", satisfaction: int = 5, recommend: int = 9
) -> ac.RecordSurveyResponse:
    return ac.RecordSurveyResponse(
        survey_id=survey,
        response=av.SurveyResponse(
            respondent=respondent,
            satisfaction=satisfaction,
            recommendation=recommend,
            comments="Fast service",
        ),
    )


def analyse(survey: UUID, *problems: str) -> ac.AnalyseSurveyResults:
    return ac.AnalyseSurveyResults(
        survey_id=survey,
        analysis=av.SurveyAnalysis(summary="Service appreciated; delivery slow", problems=problems),
    )


def action(survey: UUID, due: date = TODAY + timedelta(days=30)) -> ac.AddImprovementAction:
    return ac.AddImprovementAction(
        survey_id=survey,
        action=av.ImprovementAction(
            action="Weekly delivery status call",
            owner_id=MIA.employee_id,
            owner_name="Mia",
            due=due,
        ),
    )


def close_survey(survey: UUID) -> ac.CloseSatisfactionSurvey:
    return ac.CloseSatisfactionSurvey(survey_id=survey)


def survey(spec: Spec, upto: int = SURVEY_CLOSED, problems: tuple[str, ...] = ()) -> UUID:
    """A customer's Q1 survey: Chen Wei (5, 9) and Li Na (4, 8) answered: 4.5 on average."""
    cid = customer(spec)
    sid = SatisfactionSurvey.id_for(cid, Q1)
    stages: list[list[Step]] = [
        [(start_survey(cid), ADA)],
        [(answer(sid), ADA), (answer(sid, "Li Na", 4, 8), ADA)],
        [(analyse(sid, *problems), ADA)],
        [(action(sid), ADA)],
        [(close_survey(sid), ADA)],
    ]
    spec.given(*(step for stage in stages[:upto] for step in stage))
    return sid


@freeze_time(NOW)
def test_a_survey_is_taken_for_one_customer_and_period(spec):
    cid = customer(spec)
    [started] = spec.when(start_survey(cid), MARK).then("SatisfactionSurvey.Started")
    assert started.originator_id == SatisfactionSurvey.id_for(cid, Q1)
    assert (started.customer_id, started.period) == (cid, Q1)


@freeze_time(NOW)
def test_a_survey_for_an_unknown_customer_is_refused(spec):
    spec.when(start_survey(uuid4()), ADA).then_rejected(RecordNotFound, rule="no customer")


@freeze_time(NOW)
def test_a_customer_is_surveyed_once_per_period(spec):
    sid = survey(spec, STARTED)
    cid = spec.app.load(SatisfactionSurvey, sid).customer_id
    spec.when(start_survey(cid), MIA).then_refused("surveyed_once_per_period")
    q2 = av.SurveyPeriod(starts_on=date(2026, 4, 1), ends_on=date(2026, 6, 30))
    spec.when(start_survey(cid, q2), MIA).then("SatisfactionSurvey.Started")


@freeze_time(NOW)
def test_the_analysis_records_the_averages_against_the_policys_target(spec):
    sid = survey(spec, ANSWERED)
    [analysed] = spec.when(analyse(sid), ADA).then("SatisfactionSurvey.Analysed")
    assert (analysed.responses, analysed.average_satisfaction) == (2, Decimal("4.50"))
    assert analysed.average_recommendation == Decimal("8.50")
    assert (analysed.satisfaction_target, analysed.policy_version) == (
        Decimal("4"),
        SalesPolicy().version,
    )


@freeze_time(NOW)
def test_results_below_the_satisfaction_target_name_the_problems_found(spec):
    sid = survey(spec, STARTED)
    spec.given((answer(sid, "Chen Wei", 3, 6), ADA), (answer(sid, "Li Na", 2, 4), ADA))
    spec.when(analyse(sid), ADA).then_refused("low_results_analysed_for_problems")
    spec.when(analyse(sid, "Deliveries late"), ADA).then("SatisfactionSurvey.Analysed")


@freeze_time(NOW)
def test_the_satisfaction_target_comes_from_policy_data(spec_with):
    policy = SalesPolicy(version="2026.2-survey", service=ServicePolicy(satisfaction_target=5))
    spec = spec_with(policy)
    sid = survey(spec, ANSWERED)  # 4.5 on average: meets 4, misses 5
    spec.when(analyse(sid), ADA).then_refused(
        "low_results_analysed_for_problems", detail="target 5"
    )
    [analysed] = spec.when(analyse(sid, "Delivery slow"), ADA).then("SatisfactionSurvey.Analysed")
    assert analysed.policy_version == "2026.2-survey"


@freeze_time(NOW)
def test_an_improvement_action_has_an_owner_and_is_not_due_in_the_past(spec):
    sid = survey(spec, ANALYSED)
    spec.when(action(sid, due=TODAY - timedelta(days=1)), ADA).then_refused(
        "action_due_after_defined"
    )
    [added] = spec.when(action(sid, due=TODAY), ADA).then(
        "SatisfactionSurvey.ImprovementActionAdded"
    )
    assert (added.action.owner_id, added.action.due) == (MIA.employee_id, TODAY)


@freeze_time(NOW)
def test_a_survey_that_found_problems_is_closed_only_with_improvement_actions(spec):
    sid = survey(spec, ANALYSED, problems=("Deliveries late",))
    spec.when(close_survey(sid), ADA).then_refused("survey_problems_closed_with_actions")
    spec.given((action(sid), ADA))
    [closed] = spec.when(close_survey(sid), ADA).then("SatisfactionSurvey.Closed")
    assert closed.improvement_actions == 1


@freeze_time(NOW)
def test_a_survey_without_problems_is_closed_without_actions(spec):
    sid = survey(spec, ANALYSED)
    spec.when(close_survey(sid), ADA).then("SatisfactionSurvey.Closed")


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(lambda sid: answer(sid, "Wang Fang"), id="answer"),
        pytest.param(analyse, id="analyse"),
        pytest.param(action, id="action"),
        pytest.param(close_survey, id="close"),
    ],
)
@freeze_time(NOW)
def test_nothing_more_is_recorded_on_a_closed_survey(spec, command):
    sid = survey(spec, SURVEY_CLOSED)
    spec.when(command(sid), ADA).then_refused("survey_closed")


@pytest.mark.parametrize(
    ("field", "score", "scale"),
    [
        ("satisfaction", 0, "1 to 5"),
        ("satisfaction", 6, "1 to 5"),
        ("recommendation", -1, "0 to 10"),
        ("recommendation", 11, "0 to 10"),
    ],
)
def test_survey_scores_are_on_their_scales(field, score, scale):
    data = answer(uuid4()).model_dump(mode="json")
    data["response"][field] = score
    with pytest.raises(InvalidCommand, match=f"a score from {scale}") as caught:
        build_command("RecordSurveyResponse", data)
    assert caught.value.fields == (f"response.{field}",)


def test_survey_scores_at_the_ends_of_their_scales_are_valid():
    low = av.SurveyResponse(respondent="A", satisfaction=1, recommendation=0)
    high = av.SurveyResponse(respondent="B", satisfaction=5, recommendation=10)
    assert (str(low.satisfaction), str(high.recommendation)) == ("1/5", "10/10")


def test_a_survey_period_ends_after_it_starts():
    data = start_survey(uuid4()).model_dump(mode="json")
    data["period"] = {"starts_on": "2026-03-31", "ends_on": "2026-01-01"}
    with pytest.raises(InvalidCommand, match="ends_on is on or after starts_on"):
        build_command("StartSatisfactionSurvey", data)


# ---- after-sales service for an order (2.5 -> 2.6) -----------------------------------------


def delivered(spec: Spec, complete: bool = True) -> tuple[UUID, UUID]:
    """``builders.register()``'s customer and its order: delivered, else still in execution."""
    opp, contract = uuid4(), uuid4()
    steps = completed_order if complete else entered_order
    spec.given(*steps(opp, contract))
    return b.customer_id(b.register()), order_of(contract)


FOR_AN_ORDER = [
    pytest.param(
        lambda cid, order: receive(cid, uuid4(), order),
        ALICE,
        "2.6.1",
        "ServiceCase.FeedbackReceived",
        id="feedback",
    ),
    pytest.param(
        lambda cid, order: visit(cid, order=order),
        ADA,
        "2.6.2",
        "ServiceVisit.Recorded",
        id="visit",
    ),
]


@pytest.mark.parametrize(("command", "actor", "step", "event"), FOR_AN_ORDER)
@freeze_time(NOW)
def test_after_sales_for_a_delivered_order_joins_the_orders_business_case(
    spec, command, actor, step, event
):
    cid, order_id = delivered(spec)
    order = spec.app.load(Order, order_id)
    [recorded] = spec.when(command(cid, order_id), actor).then(event)
    assert recorded.order_id == order_id
    assert (recorded.correlation_id, recorded.causation_id) == (
        order.case_id,
        order.completed_event_id,
    )


@pytest.mark.parametrize(("command", "actor", "step", "event"), FOR_AN_ORDER)
@freeze_time(NOW)
def test_after_sales_concerns_an_order_that_has_been_delivered(spec, command, actor, step, event):
    cid, order_id = delivered(spec, complete=False)
    spec.when(command(cid, order_id), actor).then_refused("service_for_delivered_order", step=step)


@pytest.mark.parametrize(("command", "actor", "step", "event"), FOR_AN_ORDER)
@freeze_time(NOW)
def test_after_sales_concerns_an_order_of_the_same_customer(spec, command, actor, step, event):
    _, order_id = delivered(spec)
    other = customer(spec, "Suzhou Gears Co., Ltd.")
    spec.when(command(other, order_id), actor).then_refused(
        "service_for_customers_order", step=step
    )


@pytest.mark.parametrize(("command", "actor", "step", "event"), FOR_AN_ORDER)
@freeze_time(NOW)
def test_after_sales_for_an_unknown_order_is_refused(spec, command, actor, step, event):
    cid = customer(spec)
    spec.when(command(cid, uuid4()), actor).then_rejected(RecordNotFound, rule="no order with id")


@freeze_time(NOW)
def test_a_visit_for_a_case_about_an_order_names_the_order(spec):
    cid, order_id = delivered(spec)
    case = uuid4()
    spec.given((receive(cid, case, order_id), ALICE))
    [recorded] = spec.when(visit(cid, case=case), ADA).then("ServiceVisit.Recorded")
    assert (recorded.service_case_id, recorded.order_id) == (case, order_id)
    assert recorded.correlation_id == spec.app.load(Order, order_id).case_id


# ---- every rule of handling a case and of a survey, one row each: replayed to a point, a step -

RULES = [
    *on(
        service_case,
        [
            refused(
                RESPONDED,
                lambda case: classify(case, severity=Severity.LOW),
                ALICE,
                "classification_fixed_once_answered",
            ),
            refused(
                CLASSIFIED,
                lambda case: assign(case, to=PAT),
                ALICE,
                "feedback_assigned_to_service_staff",
            ),
            refused(CLASSIFIED, respond, ADA, "feedback_assigned_before_handled", id="respond"),
            refused(
                CLASSIFIED, root_cause, ADA, "feedback_assigned_before_handled", id="root-cause"
            ),
            refused(RESPONDED, respond, ADA, "first_answer_recorded_once"),
            refused(
                ASSIGNED,
                resolve,
                ADA,
                "resolved_after_clear_answer",
                given=lambda case: [(root_cause(case), ADA)],
            ),
            refused(RESPONDED, resolve, ADA, "complaint_resolved_after_analysis"),
            refused(RESOLVED, resolve, ADA, "case_resolved_once"),
            refused(ROOT_CAUSE, close, ADA, "case_closed_with_resolution"),
            refused(RESOLVED, reopen, ALICE, "only_closed_case_reopened"),
        ],
    ),
    *on(
        survey,
        [
            refused(
                ANSWERED, lambda sid: answer(sid, " li na ", 2, 3), ADA, "respondent_answers_once"
            ),
            refused(
                ANALYSED, lambda sid: answer(sid, "Wang Fang"), ADA, "responses_before_analysis"
            ),
            refused(STARTED, analyse, ADA, "results_analysed_with_responses"),
            refused(ANALYSED, analyse, ADA, "results_analysed_once"),
            refused(ANSWERED, action, ADA, "actions_from_analysed_results"),
            refused(ANSWERED, close_survey, ADA, "survey_closed_after_analysis"),
        ],
    ),
]


test_an_after_sales_step_that_the_sop_rules_out_is_refused = every_row(RULES, NOW)
