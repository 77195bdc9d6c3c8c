"""Every rule of performance and teamwork (SOP 3.3, 3.4), one Given/When/Then each.

Each test runs on the three stores through the ``spec`` fixture.  The people and canned
steps come from ``tests.performance_builders``: Mia manages Alice and Bob, Dan manages
Mia, Hanna is HR; February 2026 has ended (it is 2 March 2026).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time

from salesdomain.application import SalesApplication
from salesdomain.errors import InvalidCommand, NotAuthorised, RecordNotFound
from salesdomain.people import commands as hc
from salesdomain.people.values import LeavingReason, Period
from salesdomain.performance import commands as pc
from salesdomain.performance.appraisal import Appraisal
from salesdomain.performance.escalation import Escalation
from salesdomain.performance.kpi_scheme import KpiScheme
from salesdomain.performance.policy import PerformancePolicy
from salesdomain.performance.values import (
    ActionItem,
    ExpenseCategory,
    HandOff,
    Incentive,
    IncentiveKind,
    Indicator,
    MeetingKind,
    RatingBand,
)
from salesdomain.policy import SalesPolicy
from salesdomain.sop import Role
from tests import performance_builders as pb
from tests.builders import ALICE, BOB, DAN, MIA, PAT, TODAY, money, person
from tests.conftest import make_app
from tests.people_builders import HANNA, enrol
from tests.performance_builders import (
    CLOSED,
    FINALISED,
    INTERVIEWED,
    MONTHLY,
    OPENED,
    PLANNED,
    QUARTERLY,
    SCORED,
    SELF_ASSESSED,
    appraisal_id,
    appraise,
    define,
    spec_of,
    team,
)
from tests.spec import Spec, every_row, not_authorised, on, refused

NOW = "2026-03-02 09:00:00+00:00"  # builders.TODAY, 09:00 UTC
FEB = "2026-02"
BANDS = {
    RatingBand.EXCELLENT: Decimal(90),
    RatingBand.GOOD: Decimal(75),
    RatingBand.MEETS_STANDARD: Decimal(60),
    RatingBand.BELOW_STANDARD: Decimal(0),
}
ALICE_FEB = appraisal_id(ALICE, FEB)
IAN = person("Ian Manager", Role.SALES_MANAGER)
"""Another sales manager, reporting to Dan: not Alice's manager."""


@pytest.fixture
def app(store_url: str) -> Iterator[SalesApplication]:
    """As in production: every actor is an active employee holding the role they act in."""
    application = make_app(store_url, verify_actors=True)
    yield application
    application.close()


def staffed(spec: Spec, *periods: str) -> Spec:
    """The team, Ian, and a KPI scheme for each of ``periods``."""
    return spec.given(
        *team(),
        enrol("Ian Manager", Role.SALES_MANAGER, DAN.employee_id),
        *(define(period) for period in periods),
    )


def alice_at(spec: Spec, upto: int, score: str = "80") -> UUID:
    """The team and Alice's February appraisal (by Mia) replayed ``upto``; its id."""
    staffed(spec, FEB).given(*appraise(ALICE, MIA, FEB, score=score, upto=upto))
    return ALICE_FEB


def incentive(kind: IncentiveKind = IncentiveKind.BONUS, **facts: object) -> Incentive:
    defaults: dict[IncentiveKind, dict[str, object]] = {
        IncentiveKind.BONUS: {"bonus": money("5000")},
        IncentiveKind.PAY_CHANGE: {"pay_change": Decimal("0.05")},
        IncentiveKind.PROMOTION: {"new_position": "Senior Sales Representative"},
        IncentiveKind.RECOGNITION: {},
    }
    data = {"kind": kind, "reason": "Best month of the year", **defaults[kind], **facts}
    return Incentive.model_validate(data)


def decide(inc: Incentive | None = None) -> pc.DecideIncentive:
    return pc.DecideIncentive(appraisal_id=ALICE_FEB, incentive=inc or incentive())


# ---- 3.3.1 / 3.3.2 KPI schemes ----------------------------------------------------------------


@freeze_time(NOW)
def test_a_monthly_scheme_is_defined_with_weighted_indicators(spec):
    spec.given(*team()).when(*define(FEB)).then("KpiScheme.Defined")
    scheme = spec.app.load(KpiScheme, KpiScheme.id_for(Period.parse(FEB)))
    assert scheme.specs.total_weight == 1
    assert scheme.specs.specs[2].higher_is_better is False  # expense control


@freeze_time(NOW)
def test_the_weights_of_a_scheme_sum_to_100_percent(spec):
    short = (*MONTHLY[:-1], spec_of(Indicator.NEW_CUSTOMERS, "0.10", "3", "first deals won"))
    spec.given(*team()).when(*define(FEB, short)).then_refused("kpi_weights_sum_to_whole")


@freeze_time(NOW)
def test_a_monthly_scheme_weighs_process_indicators(spec):
    results_heavy = (
        spec_of(Indicator.REVENUE, "0.60", "800000", "accepted quotes"),
        spec_of(Indicator.VISITS, "0.40", "40", "visits logged"),
    )
    spec.given(*team()).when(*define(FEB, results_heavy)).then_refused(
        "kpi_weighting_by_cycle", detail="process indicators weigh at least 50%"
    )


@freeze_time(NOW)
def test_a_quarterly_scheme_weighs_results_and_customers(spec):
    spec.given(*team()).when(*define("2025-Q4", MONTHLY)).then_refused(
        "kpi_weighting_by_cycle", detail="customers and results indicators weigh at least 60%"
    )


@freeze_time(NOW)
def test_a_quarterly_scheme_that_weighs_results_is_defined(spec):
    spec.given(*team()).when(*define("2025-Q4", QUARTERLY)).then("KpiScheme.Defined")


def test_each_indicator_appears_once_in_a_scheme():
    with pytest.raises(InvalidCommand, match="each indicator is named once"):
        pc.DefineKpiScheme.build(
            {"period": {"code": FEB}, "title": "KPIs", "specs": (*MONTHLY, MONTHLY[0])}
        )


@freeze_time(NOW)
def test_one_scheme_per_cycle_and_period(spec):
    spec.given(*team(), define(FEB)).when(*define(FEB)).then_refused("one_kpi_scheme_per_period")


def revise(period: str = FEB) -> pc.ReviseKpiScheme:
    specs = (*MONTHLY[:3], spec_of(Indicator.REVENUE, "0.40", "800000", "accepted quotes"))
    return pc.ReviseKpiScheme(
        period=Period.parse(period), specs=specs, reason="No new-customer KPI"
    )


@freeze_time(NOW)
def test_a_scheme_is_revised_before_an_appraisal_uses_it(spec):
    spec.given(*team(), define(FEB)).when(revise(), MIA).then("KpiScheme.Revised")


@freeze_time(NOW)
def test_a_revision_keeps_the_weighting_rules(spec):
    over = (*MONTHLY[:3], spec_of(Indicator.REVENUE, "0.50", "800000", "accepted quotes"))
    bad = pc.ReviseKpiScheme(period=Period.parse(FEB), specs=over, reason="More revenue")
    spec.given(*team(), define(FEB)).when(bad, MIA).then_refused("kpi_weights_sum_to_whole")


@freeze_time(NOW)
def test_only_a_defined_scheme_is_revised(spec):
    spec.given(*team()).when(revise(), MIA).then_rejected(RecordNotFound, rule="no kpischeme")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        pytest.param({"cycle_weighting": {}}, "no weighting for cycle", id="every-cycle"),
        pytest.param(
            {"rating_bands": {RatingBand.GOOD: Decimal(75)}}, "no lower bound", id="every-band"
        ),
        pytest.param({"rating_bands": BANDS | {RatingBand.GOOD: 95}}, "starts above", id="order"),
        pytest.param({"rating_bands": BANDS | {RatingBand.BELOW_STANDARD: 10}}, "at 0", id="zero"),
    ],
)
def test_performance_policy_is_complete_and_consistent(change, problem):
    with pytest.raises(ValueError, match=problem):
        PerformancePolicy.model_validate(change)


def test_rating_bands_come_from_policy():
    policy = PerformancePolicy.model_validate({"rating_bands": BANDS | {RatingBand.GOOD: 80}})
    assert policy.band_for(Decimal("79.99")) is RatingBand.MEETS_STANDARD
    assert policy.band_for(Decimal("80")) is RatingBand.GOOD
    assert policy.standard == 60


# ---- 3.3.1 sales expenses ---------------------------------------------------------------------


def expense(expense_id=None, who=ALICE, incurred_on: date = TODAY) -> pc.RecordSalesExpense:
    return pc.RecordSalesExpense(
        expense_id=expense_id or uuid4(),
        employee_id=who.employee_id,
        incurred_on=incurred_on,
        category=ExpenseCategory.TRAVEL,
        amount=money("1200"),
        description="Train to Hangzhou for the line 3 visit",
    )


@freeze_time(NOW)
def test_an_expense_is_recorded_and_approved_by_the_employees_manager(spec):
    eid = uuid4()
    spec.given(*team(), (expense(eid), MIA))
    spec.when(pc.ApproveSalesExpense(expense_id=eid), MIA).then("SalesExpense.Approved")


@freeze_time(NOW)
def test_an_expense_is_recorded_once_incurred(spec):
    spec.given(*team())
    spec.when(expense(incurred_on=TODAY + timedelta(days=1)), MIA).then_refused(
        "expense_recorded_once_incurred"
    )


@freeze_time(NOW)
def test_an_expense_is_approved_only_by_the_employees_manager(spec):
    eid = uuid4()
    staffed(spec).given((expense(eid), HANNA))
    spec.when(pc.ApproveSalesExpense(expense_id=eid), IAN).then_rejected(
        NotAuthorised, step="3.3.1", rule="not the manager of the employee"
    )


@freeze_time(NOW)
def test_nobody_approves_their_own_expense(spec):
    eid = uuid4()
    spec.given(*team(), (expense(eid, who=MIA), HANNA))
    spec.when(pc.ApproveSalesExpense(expense_id=eid), MIA).then_rejected(
        NotAuthorised, rule="cannot approve their own expense"
    )


@freeze_time(NOW)
def test_an_expense_is_decided_once(spec):
    eid = uuid4()
    spec.given(*team(), (expense(eid), MIA), (pc.ApproveSalesExpense(expense_id=eid), MIA))
    spec.when(pc.RejectSalesExpense(expense_id=eid, reason="Duplicate"), MIA).then_refused(
        "expense_decided_once"
    )


def test_an_expense_is_more_than_zero():
    with pytest.raises(InvalidCommand, match="more than zero"):
        pc.RecordSalesExpense.build(
            {
                "employee_id": ALICE.employee_id,
                "incurred_on": TODAY,
                "category": ExpenseCategory.TRAVEL,
                "amount": money("0"),
                "description": "Nothing",
            }
        )


# ---- 3.3.3 the appraisal, in order ------------------------------------------------------------


@freeze_time(NOW)
def test_an_appraisal_runs_from_opening_to_close(spec):
    staffed(spec, FEB)
    steps = appraise(ALICE, MIA, FEB, score="80")
    spec.given(*steps[:-1])
    closed = spec.when(*steps[-1]).then("Appraisal.Closed", *RECORDED)[0]
    assert closed.within_time_limit is True
    names = [type(e).__qualname__ for e in spec.app.history(ALICE_FEB)]
    assert names == [
        "Appraisal.Opened",
        "Appraisal.ActualsRecorded",
        "Appraisal.SelfAssessed",
        "Appraisal.SupervisorScored",
        "Appraisal.FeedbackInterviewHeld",
        "Appraisal.ImprovementPlanAgreed",
        "Appraisal.Finalised",
        "Appraisal.Closed",
    ]


@freeze_time(NOW)
def test_opening_copies_the_scheme_and_fixes_it(spec):
    staffed(spec, FEB)
    opened = spec.when(pb.open_appraisal(ALICE, FEB), MIA).then(
        "KpiScheme.Locked", "Appraisal.Opened"
    )[1]
    assert opened.specs.specs == MONTHLY
    assert opened.manager_id == MIA.employee_id
    assert opened.complete_by == date(2026, 3, 15)


@freeze_time(NOW)
def test_hr_may_open_an_appraisal(spec):
    staffed(spec, FEB)
    spec.when(pb.open_appraisal(ALICE, FEB), HANNA).then("KpiScheme.Locked", "Appraisal.Opened")


@freeze_time(NOW)
def test_nobody_opens_their_own_appraisal(spec):
    staffed(spec, FEB)
    spec.when(pb.open_appraisal(MIA, FEB), MIA).then_rejected(
        NotAuthorised, step="3.3.3", rule="cannot appraise themselves"
    )


@freeze_time(NOW)
def test_only_hr_or_the_employees_manager_opens_an_appraisal(spec):
    staffed(spec, FEB)
    spec.when(pb.open_appraisal(ALICE, FEB), IAN).then_rejected(
        NotAuthorised, rule="only as HR or as the employee's manager"
    )


@freeze_time(NOW)
def test_an_appraisal_is_made_at_cycle_end(spec):
    staffed(spec, "2026-03")
    spec.when(pb.open_appraisal(ALICE, "2026-03"), MIA).then_refused("appraisal_at_cycle_end")


@freeze_time(NOW)
def test_an_appraisal_needs_the_scheme_of_its_period(spec):
    staffed(spec, "2026-01")
    spec.when(pb.open_appraisal(ALICE, FEB), MIA).then_refused("appraisal_uses_period_scheme")


@freeze_time(NOW)
def test_only_a_current_employee_is_appraised(spec):
    leaving = hc.RecordLeaving(
        employee_id=ALICE.employee_id, reason=LeavingReason.RESIGNED, last_day=TODAY
    )
    staffed(spec, FEB).given((leaving, HANNA))
    spec.when(pb.open_appraisal(ALICE, FEB), HANNA).then_refused("appraisee_is_current_employee")


@freeze_time(NOW)
def test_an_employee_without_a_manager_is_not_appraised(spec):
    staffed(spec, FEB)
    spec.when(pb.open_appraisal(DAN, FEB), HANNA).then_refused("appraisee_has_manager")


@freeze_time(NOW)
def test_the_current_manager_scores_after_a_change_of_manager(spec):
    alice_at(spec, SELF_ASSESSED)
    spec.given((hc.ChangeManager(employee_id=ALICE.employee_id, manager_id=IAN.employee_id), DAN))
    spec.when(pb.scores(ALICE_FEB), MIA).then_rejected(NotAuthorised, rule="own manager")
    spec.when(pb.scores(ALICE_FEB), IAN).then("Appraisal.SupervisorScored")


def test_a_score_is_between_0_and_100():
    with pytest.raises(InvalidCommand, match=r"scores\.0\.score"):
        pc.ScoreAppraisal.build(
            {
                "appraisal_id": ALICE_FEB,
                "scores": ({"indicator": Indicator.VISITS, "score": "101", "comment": "x"},),
            }
        )


@freeze_time(NOW)
def test_the_improvement_plan_is_agreed_between_employee_and_manager(spec):
    alice_at(spec, INTERVIEWED)
    spec.when(pb.plan(ALICE_FEB), HANNA).then_rejected(NotAuthorised, rule="not a party")
    spec.when(pb.plan(ALICE_FEB), MIA).then("Appraisal.ImprovementPlanAgreed")


@freeze_time(NOW)
def test_the_final_score_is_the_weighted_sum_of_the_supervisors_scores(spec):
    staffed(spec, FEB)
    steps = appraise(ALICE, MIA, FEB, upto=PLANNED)
    # every figure at 80% of target scores 80; the manager judges two (policy: 10 points)
    uneven = {Indicator.VISITS: 90, Indicator.CONVERSION_RATE: 70}
    scored = pc.ScoreAppraisal(
        appraisal_id=ALICE_FEB,
        scores=tuple(
            s.model_copy(
                update={
                    "score": Decimal(uneven[s.indicator]),
                    "judgement_reason": "Seen in the field",
                }
            )
            if s.indicator in uneven
            else s
            for s in pb.scores(ALICE_FEB).scores
        ),
    )
    spec.given(*steps[:3], (scored, MIA), *steps[4:])
    finalised = spec.when(pb.finalise(ALICE_FEB), MIA).then("Appraisal.Finalised")[0]
    # 0.30 * 90 + 0.20 * 70 + 0.10 * 80 + 0.25 * 80 + 0.15 * 80 = 27 + 14 + 8 + 20 + 12
    assert finalised.final_score == Decimal("81.00")
    assert finalised.rating_band is RatingBand.GOOD
    assert finalised.standard == Decimal(60)
    assert finalised.policy_version == spec.app.policy.version
    assert finalised.formula.startswith("final score = sum of weight * supervisor score = ")
    assert finalised.formula.endswith("= 81.00")


@freeze_time(NOW)
def test_the_final_score_replays_identically(spec):
    alice_at(spec, FINALISED, score="77.5")
    history = spec.app.history(ALICE_FEB)
    finalised = history[-1]
    assert type(finalised).__qualname__ == "Appraisal.Finalised"
    replayed = spec.app.load(Appraisal, ALICE_FEB, version=finalised.originator_version)
    assert replayed.final_score == finalised.final_score == Decimal("77.50")
    assert replayed.recompute_final_score() == finalised.final_score
    assert replayed.rating_band is finalised.rating_band is RatingBand.GOOD
    opened, scored = history[0], history[3]
    assert opened.specs.final_score(scored.scores) == finalised.final_score


@freeze_time(NOW)
def test_an_unscored_appraisal_has_no_final_score_to_recompute(spec):
    alice_at(spec, SELF_ASSESSED)
    with pytest.raises(ValueError, match="not been scored"):
        spec.app.load(Appraisal, ALICE_FEB).recompute_final_score()


@freeze_time(NOW)
def test_hr_or_the_employees_manager_finalises(spec):
    alice_at(spec, PLANNED)
    spec.when(pb.finalise(ALICE_FEB), BOB).then_rejected(
        NotAuthorised, rule="neither HR nor the employee's manager"
    )
    spec.when(pb.finalise(ALICE_FEB), HANNA).then("Appraisal.Finalised")


# ---- 3.3.3 / 3.3.4 every rule of the appraisal, one row each: replayed to a point, a step ----

RULES = on(
    alice_at,
    [
        refused(OPENED, lambda _: revise(), MIA, "kpi_scheme_fixed_once_used"),
        refused(
            OPENED, lambda _: pb.open_appraisal(ALICE, FEB), HANNA, "appraised_once_per_period"
        ),
        not_authorised(OPENED, pb.actuals, ALICE, "cannot appraise themselves", id="own-figures"),
        refused(
            OPENED,
            lambda appraisal: pb.actuals(appraisal, MONTHLY[:-1]),
            HANNA,
            "actuals_for_every_indicator",
        ),
        not_authorised(
            pb.ACTUALS,
            pb.self_assess,
            BOB,
            "another employee's self-assessment",
            id="another-employees-self-assessment",
        ),
        not_authorised(
            SELF_ASSESSED, pb.scores, ALICE, "cannot appraise themselves", id="own-scores"
        ),
        not_authorised(
            SELF_ASSESSED,
            pb.scores,
            IAN,
            "only the employee's own manager scores",
            id="scored-by-another-manager",
        ),
        refused(
            SELF_ASSESSED,
            lambda appraisal: pb.scores(appraisal, specs=MONTHLY[1:]),
            MIA,
            "scores_for_every_indicator",
        ),
        not_authorised(
            SCORED,
            pb.interview,
            HANNA,
            "only the employee's own manager holds the feedback interview",
            id="interview-held-by-hr",
        ),
        refused(
            SCORED,
            lambda appraisal: pb.interview(appraisal, TODAY + timedelta(days=1)),
            MIA,
            "feedback_interview_recorded_once_held",
        ),
        refused(
            INTERVIEWED,
            lambda appraisal: pb.plan(appraisal, due_days=-1),
            ALICE,
            "improvement_goals_ahead",
        ),
        not_authorised(
            PLANNED, pb.finalise, ALICE, "cannot appraise themselves", id="own-final-score"
        ),
        refused(
            OPENED, pb.self_assess, ALICE, "appraisal_steps_in_order", id="self-assessed-first"
        ),
        refused(pb.ACTUALS, pb.scores, MIA, "appraisal_steps_in_order", id="scored-first"),
        refused(SELF_ASSESSED, pb.interview, MIA, "appraisal_steps_in_order", id="interview-first"),
        refused(SCORED, pb.plan, ALICE, "appraisal_steps_in_order", id="plan-first"),
        refused(INTERVIEWED, pb.finalise, MIA, "appraisal_steps_in_order", id="final-first"),
        refused(pb.ACTUALS, pb.actuals, HANNA, "appraisal_steps_in_order", id="actuals-twice"),
        refused(FINALISED, pb.scores, MIA, "appraisal_steps_in_order", id="scored-after-final"),
        refused(CLOSED, pb.plan, ALICE, "appraisal_steps_in_order", id="plan-after-close"),
        not_authorised(
            FINALISED,
            lambda _: decide(),
            HANNA,
            "may not approve incentives",
            step="3.3.4",
            id="incentive-approved-by-hr",
        ),
        refused(
            PLANNED,
            lambda _: decide(),
            MIA,
            "appraisal_follow_up_after_final_score",
            step="3.3.4",
        ),
        not_authorised(
            FINALISED,
            pb.close,
            IAN,
            "neither HR nor the employee's manager",
            id="closed-by-another-manager",
        ),
    ],
)


test_an_appraisal_step_that_the_sop_rules_out_is_refused = every_row(RULES, NOW)


# ---- 3.3.4 incentives and coaching ------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        pytest.param({"kind": "recognition", "bonus": money("1")}, "only a bonus", id="bonus-only"),
        pytest.param({"kind": "bonus", "bonus": money("0")}, "more than zero", id="bonus>0"),
        pytest.param(
            {"kind": "bonus", "bonus": money("1"), "pay_change": "0.1"},
            "pay change",
            id="pay-change-only",
        ),
        pytest.param({"kind": "pay_change", "pay_change": "0"}, "not zero", id="pay-change!=0"),
        pytest.param({"kind": "promotion"}, "names the new position", id="promotion-position"),
    ],
)
def test_an_incentive_names_what_its_kind_needs(data, problem):
    with pytest.raises(ValueError, match=problem):
        Incentive.model_validate({"reason": "Strong quarter", **data})


@freeze_time(NOW)
def test_a_good_result_earns_an_approved_bonus(spec):
    alice_at(spec, FINALISED, score="92")
    decided = spec.when(decide(), MIA).then("Appraisal.IncentiveDecided")[0]
    assert decided.rating_band is RatingBand.EXCELLENT
    assert decided.incentive.bonus == money("5000")


@pytest.mark.parametrize("kind", list(IncentiveKind))
@freeze_time(NOW)
def test_a_result_below_standard_earns_no_reward(spec, kind):
    alice_at(spec, FINALISED, score="55")
    spec.when(decide(incentive(kind)), MIA).then_refused("no_reward_below_standard")


@freeze_time(NOW)
def test_a_result_below_standard_may_cut_performance_pay(spec):
    alice_at(spec, FINALISED, score="55")
    cut = incentive(IncentiveKind.PAY_CHANGE, pay_change=Decimal("-0.05"))
    spec.when(decide(cut), MIA).then("Appraisal.IncentiveDecided")


@freeze_time(NOW)
def test_nobody_decides_their_own_incentive(spec):
    staffed(spec, FEB).given(*appraise(MIA, DAN, FEB, upto=FINALISED))
    mine = pc.DecideIncentive(appraisal_id=appraisal_id(MIA, FEB), incentive=incentive())
    spec.when(mine, MIA).then_rejected(NotAuthorised, rule="cannot decide their own incentive")


@freeze_time(NOW)
def test_an_incentive_is_approved_by_someone_senior_to_the_employee(spec):
    staffed(spec, FEB).given(*appraise(MIA, DAN, FEB, upto=FINALISED))
    peer = pc.DecideIncentive(appraisal_id=appraisal_id(MIA, FEB), incentive=incentive())
    spec.when(peer, IAN).then_rejected(NotAuthorised, rule="is not senior to Mia Manager")
    spec.when(peer, DAN).then("Appraisal.IncentiveDecided")


@freeze_time(NOW)
def test_a_result_below_standard_is_closed_only_with_a_coaching_plan(spec):
    alice_at(spec, FINALISED, score="55")
    spec.when(pb.close(ALICE_FEB), MIA).then_refused("below_standard_closed_with_coaching")
    spec.when(pb.coaching(ALICE_FEB), MIA).then("Appraisal.CoachingPlanned")
    spec.when(pb.close(ALICE_FEB), MIA).then("Appraisal.Closed", *RECORDED)


@freeze_time(NOW)
def test_nobody_plans_their_own_coaching(spec):
    staffed(spec, FEB).given(*appraise(MIA, DAN, FEB, score="55", upto=FINALISED))
    own = pb.coaching(appraisal_id(MIA, FEB), coach=DAN)
    spec.when(own, MIA).then_rejected(NotAuthorised, rule="cannot appraise themselves")


@freeze_time(NOW)
def test_a_coaching_review_lies_ahead(spec):
    alice_at(spec, FINALISED, score="55")
    spec.when(pb.coaching(ALICE_FEB, review_days=-1), MIA).then_refused("coaching_review_ahead")


@freeze_time(NOW)
def test_closing_records_whether_the_appraisal_was_completed_in_time(spec):
    alice_at(spec, FINALISED)
    with freeze_time("2026-03-16 09:00:00+00:00"):
        closed = spec.when(pb.close(ALICE_FEB), MIA).then("Appraisal.Closed", *RECORDED)[0]
    assert closed.complete_by == date(2026, 3, 15)
    assert closed.within_time_limit is False


# ---- 3.3.4 repeated failure is escalated by itself --------------------------------------------

RECORDED = ("AppraisalRecord.Started", "AppraisalRecord.ResultCounted")


@freeze_time(NOW)
def test_a_closed_appraisal_is_counted_on_the_employees_record(spec):
    alice_at(spec, FINALISED)
    closed, _started, counted = spec.when(pb.close(ALICE_FEB), MIA).then(
        "Appraisal.Closed", *RECORDED
    )
    assert counted.causation_id == closed.event_id
    assert counted.actor.name == "policy EscalateRepeatedUnderperformance"


@freeze_time(NOW)
def test_below_standard_twice_in_a_row_raises_an_escalation(spec):
    staffed(spec, "2026-01", FEB).given(*appraise(ALICE, MIA, "2026-01", score="50"))
    steps = appraise(ALICE, MIA, FEB, score="58")
    spec.given(*steps[:-1])
    events = spec.when(*steps[-1]).then(
        "Appraisal.Closed", "AppraisalRecord.ResultCounted", "Escalation.Raised"
    )
    raised = events[-1]
    assert raised.appraisals.ids == (appraisal_id(ALICE, "2026-01"), ALICE_FEB)
    assert raised.causation_id == events[0].event_id
    assert raised.correlation_id == ALICE_FEB
    assert raised.actor.role is Role.AUTOMATED_POLICY
    assert raised.policy_version == spec.app.policy.version


@freeze_time(NOW)
def test_each_further_failure_in_a_run_escalates_again(spec):
    staffed(spec, "2025-12", "2026-01", FEB).given(
        *appraise(ALICE, MIA, "2025-12", score="50"),
        *appraise(ALICE, MIA, "2026-01", score="50"),
    )
    steps = appraise(ALICE, MIA, FEB, score="50")
    spec.given(*steps[:-1])
    raised = spec.when(*steps[-1]).then(
        "Appraisal.Closed", "AppraisalRecord.ResultCounted", "Escalation.Raised"
    )[-1]
    assert raised.appraisals.ids == (appraisal_id(ALICE, "2026-01"), ALICE_FEB)


@freeze_time(NOW)
def test_no_escalation_when_an_appraisal_in_between_met_the_standard(spec):
    staffed(spec, "2025-12", "2026-01", FEB).given(
        *appraise(ALICE, MIA, "2025-12", score="50"),
        *appraise(ALICE, MIA, "2026-01", score="60"),
    )
    steps = appraise(ALICE, MIA, FEB, score="50")
    spec.given(*steps[:-1])
    spec.when(*steps[-1]).then("Appraisal.Closed", "AppraisalRecord.ResultCounted")


@freeze_time(NOW)
def test_appraisals_of_another_cycle_do_not_make_a_run(spec):
    staffed(spec, "2025-Q4", FEB).given(*appraise(ALICE, MIA, "2025-Q4", score="50"))
    steps = appraise(ALICE, MIA, FEB, score="50")
    spec.given(*steps[:-1])
    spec.when(*steps[-1]).then("Appraisal.Closed", "AppraisalRecord.ResultCounted")


@freeze_time(NOW)
def test_the_number_of_failures_that_escalates_is_policy(spec_with):
    policy = SalesPolicy(performance=PerformancePolicy(escalate_after=3))
    spec = staffed(spec_with(policy, verify_actors=True), "2025-12", "2026-01", FEB)
    spec.given(*appraise(ALICE, MIA, "2025-12", score="50"))
    spec.given(*appraise(ALICE, MIA, "2026-01", score="50")[:-1])
    spec.when(pb.close(appraisal_id(ALICE, "2026-01")), MIA).then(
        "Appraisal.Closed", "AppraisalRecord.ResultCounted"
    )
    steps = appraise(ALICE, MIA, FEB, score="50")
    spec.given(*steps[:-1])
    raised = spec.when(*steps[-1]).then(
        "Appraisal.Closed", "AppraisalRecord.ResultCounted", "Escalation.Raised"
    )[-1]
    assert len(raised.appraisals.ids) == 3


def escalated(spec: Spec) -> pc.ResolveEscalation:
    staffed(spec, "2026-01", FEB).given(
        *appraise(ALICE, MIA, "2026-01", score="50"), *appraise(ALICE, MIA, FEB, score="50")
    )
    return pc.ResolveEscalation(
        escalation_id=Escalation.id_for(ALICE_FEB), outcome="Performance improvement programme"
    )


@freeze_time(NOW)
def test_an_escalation_is_resolved_under_company_rules(spec):
    resolve = escalated(spec)
    spec.when(resolve, HANNA).then("Escalation.Resolved")
    spec.when(resolve.model_copy(update={"command_id": uuid4()}), DAN).then_refused(
        "escalation_resolved_once"
    )


@freeze_time(NOW)
def test_an_escalation_is_resolved_by_the_policys_handlers(spec):
    spec.when(escalated(spec), MIA).then_rejected(NotAuthorised, rule="may not resolve escalations")


@freeze_time(NOW)
def test_nobody_resolves_their_own_escalation(spec):
    staffed(spec, "2026-01", FEB).given(
        *appraise(MIA, DAN, "2026-01", score="50"), *appraise(MIA, DAN, FEB, score="50")
    )
    resolve = pc.ResolveEscalation(
        escalation_id=Escalation.id_for(appraisal_id(MIA, FEB)), outcome="Nothing"
    )
    spec.given((hc.GrantRole(employee_id=MIA.employee_id, role=Role.HR), HANNA))
    spec.when(resolve, person("Mia Manager", Role.HR)).then_rejected(
        NotAuthorised, rule="cannot resolve their own escalation"
    )


# ---- 3.4 team meetings and hand-offs ----------------------------------------------------------

MEETING = uuid4()


def meeting(held_on: date = TODAY, due: date = TODAY + timedelta(days=7), owner=ALICE):
    return pc.HoldTeamMeeting(
        meeting_id=MEETING,
        kind=MeetingKind.WEEKLY,
        held_on=held_on,
        team="East China Sales",
        attendees=(MIA.employee_id, ALICE.employee_id, BOB.employee_id),
        progress="Three quotes out; one won",
        problems="Delivery dates slipping for RK-3",
        decisions=("Ask production for a weekly capacity report",),
        action_items=(
            ActionItem(
                description="Follow up the Hangzhou quote", owner_id=owner.employee_id, due_on=due
            ),
        ),
    )


def handoff(due: date = TODAY + timedelta(days=3)) -> pc.AgreeHandOff:
    return pc.AgreeHandOff(
        meeting_id=MEETING,
        description="Confirm RK-3 capacity for April deliveries",
        owner_id=PAT.employee_id,
        due_on=due,
        handoff=HandOff(from_department=Role.SALES_MANAGER, to_department=Role.PRODUCTION),
    )


def complete(number: int = 1) -> pc.CompleteActionItem:
    return pc.CompleteActionItem(meeting_id=MEETING, item_number=number, outcome="Done")


@freeze_time(NOW)
def test_a_team_meeting_records_decisions_and_owned_action_items(spec):
    held = spec.given(*team()).when(meeting(), MIA).then("TeamMeeting.Held")[0]
    assert held.chair_id == MIA.employee_id
    assert held.action_items.items[0].owner_id == ALICE.employee_id


@freeze_time(NOW)
def test_a_team_meeting_is_recorded_once_held(spec):
    spec.given(*team()).when(meeting(held_on=TODAY + timedelta(days=1)), MIA).then_refused(
        "team_meeting_recorded_once_held"
    )


@freeze_time(NOW)
def test_an_action_item_is_due_on_or_after_the_meeting(spec):
    late = meeting(held_on=TODAY - timedelta(days=7), due=TODAY - timedelta(days=8))
    spec.given(*team()).when(late, MIA).then_refused("action_item_due_after_agreed")


@freeze_time(NOW)
def test_an_action_item_is_owned_by_an_employee(spec):
    spec.given(*team()).when(meeting(owner=PAT), MIA).then_rejected(
        RecordNotFound, rule="no employee"
    )


@freeze_time(NOW)
def test_a_hand_off_to_another_department_is_an_action_item(spec):
    spec.given(*team(), enrol("Pat Production", Role.PRODUCTION), (meeting(), MIA))
    agreed = spec.when(handoff(), MIA).then("TeamMeeting.HandOffAgreed")[0]
    assert agreed.item_number == 2
    assert agreed.sop_step == "3.4.3"
    done = spec.when(complete(2), PAT).then("TeamMeeting.ActionItemCompleted")[0]
    assert done.sop_step == "3.4.3"


@freeze_time(NOW)
def test_a_hand_off_is_due_ahead(spec):
    spec.given(*team(), enrol("Pat Production", Role.PRODUCTION), (meeting(), MIA))
    spec.when(handoff(TODAY - timedelta(days=1)), MIA).then_refused(
        "action_item_due_after_agreed", step="3.4.3"
    )


def test_a_hand_off_goes_from_one_department_to_another():
    with pytest.raises(InvalidCommand, match="from one department to another"):
        pc.AgreeHandOff.build(
            {
                "meeting_id": MEETING,
                "description": "x",
                "owner_id": PAT.employee_id,
                "due_on": TODAY,
                "handoff": {"from_department": "production", "to_department": "production"},
            }
        )


def test_a_hand_off_is_between_departments_of_people():
    with pytest.raises(ValueError, match="departments of people"):
        HandOff(from_department=Role.SALES_MANAGER, to_department=Role.AUTOMATED_POLICY)


@freeze_time(NOW)
def test_the_owner_completes_an_action_item(spec):
    spec.given(*team(), (meeting(), MIA))
    done = spec.when(complete(), ALICE).then("TeamMeeting.ActionItemCompleted")[0]
    assert done.sop_step == "3.4.2"
    assert done.completed_on == TODAY


@freeze_time(NOW)
def test_only_the_owner_or_the_chair_completes_an_action_item(spec):
    spec.given(*team(), (meeting(), MIA))
    spec.when(complete(), BOB).then_rejected(NotAuthorised, rule="neither owns this action item")


@freeze_time(NOW)
def test_an_action_item_is_completed_once(spec):
    spec.given(*team(), (meeting(), MIA), (complete(), ALICE))
    spec.when(complete(), MIA).then_refused("action_item_completed_once")


@freeze_time(NOW)
def test_only_an_agreed_action_item_is_completed(spec):
    spec.given(*team(), (meeting(), MIA))
    spec.when(complete(2), MIA).then_refused("only_agreed_action_item_completed")
