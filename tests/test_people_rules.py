"""Every rule of sales team management (SOP 1, 3.1, 3.2, 3.3.4), one Given/When/Then each.

Each test runs on the three stores through the ``spec`` fixture.  Canned steps come
from ``tests.people_builders`` (``pb``): HR acts as HANNA, the sales head as DAN; the
interviewer is the enrolled sales manager "Ian Interviewer".  A candidate's history
is replayed up to a named point:

    APPLIED, SCREENED, PHONED, INTERVIEWED (on site), SELECTED, OFFERED, ACCEPTED
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from eventsourcing.application import project_aggregate
from freezegun import freeze_time
from salesdomain.adapters.store import ensure_schema, parse_database_url

from salesdomain.application import SalesApplication
from salesdomain.errors import InvalidCommand, NotAuthorised, RecordNotFound
from salesdomain.people import commands as hc
from salesdomain.people.candidate import Candidate, CandidateStatus
from salesdomain.people.employee import SNAPSHOT_INTERVAL, Employee
from salesdomain.people.requisition import Requisition
from salesdomain.people.targets import SalesTarget
from salesdomain.people.values import (
    CareerGoal,
    HiringChannel,
    InterviewCriterion,
    InterviewKind,
    LeavingReason,
    OnboardingTopic,
    Period,
    RequirementCheck,
    Screening,
    TargetSubject,
)
from salesdomain.sop import Role
from tests import people_builders as pb
from tests.builders import ALICE, DAN, MIA, TODAY, money, person
from tests.conftest import FREEZEGUN_TRANSCODINGS
from tests.people_builders import HANNA
from tests.spec import every_row, not_authorised, on, refused

NOW = "2026-03-02 09:00:00+00:00"  # builders.TODAY, 09:00 UTC

APPLIED, SCREENED, PHONED, INTERVIEWED, SELECTED, OFFERED, ACCEPTED = range(1, 8)
IAN = pb.employee_id("Ian Interviewer")
ALICE_ID, MIA_ID, DAN_ID = ALICE.employee_id, MIA.employee_id, DAN.employee_id
HANNA_ID = HANNA.employee_id
NORA = pb.employee_id("Nora New")
MAX_ID = pb.employee_id("Max Manager")


# ---- helpers ------------------------------------------------------------------------------


def hiring(spec, headcount: int = 1) -> UUID:
    """An enrolled interviewer and an agreed requisition with channels chosen."""
    req = uuid4()
    spec.given(pb.interviewer(), *pb.open_hiring(req, headcount=headcount))
    return req


def candidate(spec, upto: int = ACCEPTED, req: UUID | None = None, name: str = "Nora New"):
    """A candidate's history replayed ``upto``; (requisition id, candidate id)."""
    req = req or hiring(spec)
    cand = uuid4()
    spec.given(*pb.recruit(name, req, cand, uuid4(), interviewer_id=IAN)[:upto])
    return req, cand


def staff(spec) -> None:
    """Dan Director; Mia Manager reporting to him; Alice Rep reporting to Mia; Hanna HR."""
    spec.given(*pb.staff("Mia Manager", "Alice Rep"), pb.enrol("Hanna HR", Role.HR))


def leave(emp: UUID, last_day: date = TODAY) -> hc.RecordLeaving:
    return hc.RecordLeaving(employee_id=emp, reason=LeavingReason.RESIGNED, last_day=last_day)


def plan(emp: UUID, next_review: date = TODAY + timedelta(days=90)) -> hc.SetCareerPlan:
    return hc.SetCareerPlan(
        employee_id=emp,
        goals=(CareerGoal(description="Lead a key account", due=date(2026, 12, 31)),),
        promotion_path=("Sales Supervisor", "Sales Manager"),
        next_review=next_review,
    )


def review(emp: UUID, next_review: date = TODAY + timedelta(days=180)) -> hc.ReviewCareerPlan:
    return hc.ReviewCareerPlan(employee_id=emp, notes="On track", next_review=next_review)


def promote(emp: UUID, position: str = "Sales Supervisor", **kw: object) -> hc.Promote:
    data: dict[str, object] = {
        "employee_id": emp,
        "position": position,
        "roles": (Role.SALES_SUPERVISOR,),
        "salary": money("15000"),
        "effective": TODAY,
        "reason": "Exceeded target three quarters running",
    }
    data.update(kw)
    return hc.Promote.model_validate(data)


def pay(emp: UUID, salary: str = "13000", currency: str = "CNY") -> hc.ChangePay:
    from salesdomain.values import Money

    return hc.ChangePay(
        employee_id=emp, salary=Money.of(salary, currency), effective=TODAY, reason="Annual review"
    )


def position(emp: UUID, name: str = "Key Account Representative") -> hc.ChangePosition:
    return hc.ChangePosition(employee_id=emp, position=name, effective=TODAY, reason="Key accounts")


def team(emp: UUID, name: str = "North China Sales") -> hc.ChangeTeam:
    return hc.ChangeTeam(employee_id=emp, team=name, effective=TODAY)


def manager(emp: UUID, manager_id: UUID | None) -> hc.ChangeManager:
    return hc.ChangeManager(employee_id=emp, manager_id=manager_id)


def grant(emp: UUID, role: Role = Role.SALES_SUPERVISOR) -> hc.GrantRole:
    return hc.GrantRole(employee_id=emp, role=role)


def revoke(emp: UUID, role: Role = Role.SALES_REPRESENTATIVE) -> hc.RevokeRole:
    return hc.RevokeRole(employee_id=emp, role=role)


# ---- 3.1.1 / 3.1.2 requisitions ----------------------------------------------------------


@freeze_time(NOW)
def test_a_hiring_need_is_agreed_by_the_sales_head_and_advertised(spec):
    req = uuid4()
    spec.when(pb.open_requisition(req, headcount=2), HANNA).then("Requisition.Opened")
    spec.when(pb.agree(req), DAN).then("Requisition.Agreed")
    spec.when(pb.channels(req), HANNA).then("Requisition.ChannelsChosen")
    found = spec.app.load(Requisition, req)
    assert (found.headcount, found.agreed, found.is_closed) == (2, True, False)


@freeze_time(NOW)
def test_only_the_sales_head_agrees_a_hiring_need(spec):
    req = uuid4()
    spec.given((pb.open_requisition(req), HANNA))
    spec.when(pb.agree(req), MIA).then_rejected(NotAuthorised, step="3.1.1", rule="sales head")


@freeze_time(NOW)
def test_a_hiring_need_is_agreed_once(spec):
    req = uuid4()
    spec.given((pb.open_requisition(req), HANNA), (pb.agree(req), DAN))
    spec.when(pb.agree(req), DAN).then_refused("hiring_need_agreed_once")


@freeze_time(NOW)
def test_channels_are_chosen_only_for_an_agreed_need(spec):
    req = uuid4()
    spec.given((pb.open_requisition(req), HANNA))
    spec.when(pb.channels(req), HANNA).then_refused("channels_for_agreed_need")


CLOSED_REQUISITION = [
    pytest.param(pb.agree, DAN, "3.1.1", id="agree"),
    pytest.param(pb.channels, HANNA, "3.1.2", id="channels"),
    pytest.param(
        lambda r: hc.CloseRequisition(requisition_id=r, reason="Again"), HANNA, "3.1.1", id="close"
    ),
]


@pytest.mark.parametrize(("command", "actor", "step"), CLOSED_REQUISITION)
@freeze_time(NOW)
def test_a_requisition_closed_early_takes_nothing_more(spec, command, actor, step):
    req = uuid4()
    spec.given((pb.open_requisition(req), HANNA))
    spec.when(hc.CloseRequisition(requisition_id=req, reason="Budget cut"), HANNA).then(
        "Requisition.Closed"
    )
    spec.when(command(req), actor).then_refused("requisition_closed", step=step)


# ---- 3.1.3 applications and screening -------------------------------------------------------


@freeze_time(NOW)
def test_candidates_apply_only_for_an_agreed_need(spec):
    req = uuid4()
    spec.given((pb.open_requisition(req), HANNA))
    spec.when(pb.apply(uuid4(), req), HANNA).then_refused("candidates_for_agreed_need")


@freeze_time(NOW)
def test_candidates_apply_through_a_chosen_channel(spec):
    req = hiring(spec)  # job site and referral
    spec.when(pb.apply(uuid4(), req, channel=HiringChannel.CAMPUS), HANNA).then_refused(
        "application_through_chosen_channel"
    )


@freeze_time(NOW)
def test_a_closed_requisition_takes_no_candidates(spec):
    req = hiring(spec)
    spec.given((hc.CloseRequisition(requisition_id=req, reason="Filled internally"), HANNA))
    spec.when(pb.apply(uuid4(), req), HANNA).then_refused("requisition_closed", step="3.1.3")


@freeze_time(NOW)
def test_a_candidate_joins_the_hiring_case_of_the_requisition(spec):
    req = hiring(spec)
    cand = uuid4()
    [applied] = spec.when(pb.apply(cand, req), HANNA).then("Candidate.Applied")
    assert applied.correlation_id == spec.app.load(Requisition, req).case_id


@freeze_time(NOW)
def test_a_cv_is_screened_against_every_requirement(spec):
    _req, cand = candidate(spec, APPLIED)
    partial = pb.screening(requirements=pb.REQUIREMENTS[:1])
    spec.when(hc.ScreenCandidate(candidate_id=cand, screening=partial), HANNA).then_refused(
        "cv_screened_against_requirements"
    )


@freeze_time(NOW)
def test_a_candidate_passes_screening_only_meeting_every_requirement(spec):
    _req, cand = candidate(spec, APPLIED)
    checks = (
        RequirementCheck(requirement=pb.REQUIREMENTS[0], met=True),
        RequirementCheck(requirement=pb.REQUIREMENTS[1], met=False, note="no degree"),
    )
    generous = Screening(checks=checks, passed=True, reasons="Strong anyway")
    spec.when(hc.ScreenCandidate(candidate_id=cand, screening=generous), HANNA).then_refused(
        "screening_passed_on_every_requirement"
    )


@freeze_time(NOW)
def test_a_screened_out_candidate_is_not_taken_further(spec):
    _req, cand = candidate(spec, APPLIED)
    spec.when(pb.screen(cand, passed=False), HANNA).then("Candidate.Screened")
    spec.when(pb.decide(cand, hire=False), HANNA).then_refused("candidate_decided")


# ---- 3.1.3 interviews ----------------------------------------------------------------------


@freeze_time(NOW)
def test_every_interview_scores_all_five_criteria(spec):
    _req, cand = candidate(spec, SCREENED)
    three = hc.RecordInterview(
        candidate_id=cand,
        kind=InterviewKind.PHONE,
        held_on=TODAY,
        interviewer_id=IAN,
        scores=pb.scores(4, *list(InterviewCriterion)[:3]),
    )
    spec.when(three, HANNA).then_refused("interview_assesses_every_criterion")


def test_interview_scores_run_from_1_to_5():
    with pytest.raises(InvalidCommand, match="scores"):
        hc.RecordInterview.build(
            {
                "candidate_id": str(uuid4()),
                "kind": "phone",
                "held_on": "2026-03-02",
                "interviewer_id": str(IAN),
                "scores": [{"criterion": "teamwork", "score": 6}],
            }
        )


@freeze_time(NOW)
def test_interviews_are_held_by_active_employees(spec):
    _req, cand = candidate(spec, SCREENED)
    spec.given((leave(IAN), HANNA))
    spec.when(pb.interview(cand, IAN), HANNA).then_refused("interviewer_is_active")


@freeze_time(NOW)
def test_the_interviewer_is_an_employee(spec):
    _req, cand = candidate(spec, SCREENED)
    spec.when(pb.interview(cand, uuid4()), HANNA).then_rejected(RecordNotFound, rule="employee")


@freeze_time(NOW)
def test_an_interview_is_recorded_once_held(spec):
    _req, cand = candidate(spec, SCREENED)
    tomorrow = pb.interview(cand, IAN, held_on=TODAY + timedelta(days=1))
    spec.when(tomorrow, HANNA).then_refused("interview_recorded_once_held")


@freeze_time(NOW)
def test_an_interview_records_the_interviewer_by_name_and_id(spec):
    _req, cand = candidate(spec, SCREENED)
    [event] = spec.when(pb.interview(cand, IAN), HANNA).then("Candidate.Interviewed")
    assert (event.interview.interviewer_id, event.interview.interviewer_name) == (
        IAN,
        "Ian Interviewer",
    )
    assert event.interview.average == Decimal("4.00")


# ---- 3.1.3 / 3.1.4 a candidate's steps in order: replayed to a point, a step out of turn ------


def applicant(spec, upto: int) -> UUID:
    """A candidate's history replayed ``upto`` (see ``candidate``); the candidate's id."""
    return candidate(spec, upto)[1]


IN_TURN = on(
    applicant,
    [
        refused(SCREENED, pb.screen, HANNA, "cv_screened_once"),
        refused(APPLIED, lambda cand: pb.interview(cand, IAN), HANNA, "interview_after_screening"),
        not_authorised(
            INTERVIEWED, pb.decide, HANNA, "may not decide a hire", step="3.1.4", id="hr"
        ),
        refused(PHONED, pb.decide, DAN, "hire_after_on_site_interview"),
        refused(APPLIED, pb.decide, DAN, "hire_decided_once"),
        refused(
            APPLIED, lambda cand: pb.decide(cand, hire=False), HANNA, "rejection_after_screening"
        ),
        refused(INTERVIEWED, pb.offer, HANNA, "offer_follows_hire"),
        refused(
            ACCEPTED,
            lambda cand: hc.AcceptOffer(candidate_id=cand),
            HANNA,
            "offer_answered_while_waiting",
        ),
        refused(
            OFFERED, lambda cand: pb.sign(cand, NORA), HANNA, "labour_contract_after_acceptance"
        ),
    ],
)


test_a_candidate_is_screened_interviewed_decided_offered_and_hired_in_turn = every_row(IN_TURN, NOW)


# ---- 3.1.4 decision and offer ---------------------------------------------------------------


@freeze_time(NOW)
def test_a_rejected_candidate_gets_no_offer(spec):
    _req, cand = candidate(spec, INTERVIEWED)
    spec.when(pb.decide(cand, hire=False), HANNA).then("Candidate.Rejected")
    spec.when(pb.offer(cand), HANNA).then_refused("offer_follows_hire")


@freeze_time(NOW)
def test_no_offer_on_a_closed_requisition(spec):
    req, cand = candidate(spec, SELECTED)
    spec.given((hc.CloseRequisition(requisition_id=req, reason="Budget cut"), HANNA))
    spec.when(pb.offer(cand), HANNA).then_refused("requisition_closed", step="3.1.4")


@freeze_time(NOW)
def test_an_offer_names_an_active_manager(spec):
    _req, cand = candidate(spec, SELECTED)
    spec.given(pb.enrol("Mia Manager", Role.SALES_MANAGER), (leave(MIA_ID), HANNA))
    spec.when(pb.offer(cand, manager_id=MIA_ID), HANNA).then_refused(
        "manager_is_active", step="3.1.4"
    )


@freeze_time(NOW)
def test_an_offer_does_not_start_in_the_past(spec):
    _req, cand = candidate(spec, SELECTED)
    spec.when(pb.offer(cand, start=TODAY - timedelta(days=1)), HANNA).then_refused(
        "offer_start_not_in_past"
    )


@freeze_time(NOW)
def test_a_declined_offer_can_be_revised_and_accepted(spec):
    _req, cand = candidate(spec, OFFERED)
    declined = hc.DeclineOffer(candidate_id=cand, reason="Salary too low")
    spec.when(declined, HANNA).then("Candidate.OfferDeclined")
    [sent] = spec.when(pb.offer(cand, salary="14000"), HANNA).then("Candidate.OfferSent")
    assert sent.offer_number == 2
    spec.when(hc.AcceptOffer(candidate_id=cand), HANNA).then("Candidate.OfferAccepted")


@freeze_time(NOW)
def test_only_an_offer_awaiting_an_answer_is_declined(spec):
    _req, cand = candidate(spec, SELECTED)
    spec.when(hc.DeclineOffer(candidate_id=cand, reason="Changed mind"), HANNA).then_refused(
        "offer_answered_while_waiting"
    )


# ---- 3.1.4 the labour contract: candidate hired, employee created, position filled ------------


@freeze_time(NOW)
def test_signing_the_labour_contract_hires_fills_and_creates_the_employee(spec):
    req, cand = candidate(spec, ACCEPTED)
    events = spec.when(pb.sign(cand, NORA), HANNA).then(
        "Candidate.Hired", "Requisition.PositionFilled", "Requisition.Closed", "Employee.Hired"
    )
    hired = spec.app.load(Candidate, cand)
    assert events[-1].causation_id == events[0].event_id
    assert hired.status is CandidateStatus.HIRED
    assert hired.employee_id == NORA
    nora = spec.app.load(Employee, NORA)
    assert (nora.name, nora.position, nora.team, nora.salary) == (
        "Nora New",
        "Sales Representative",
        pb.TEAM,
        money(pb.SALARY),
    )
    assert nora.roles == frozenset({Role.SALES_REPRESENTATIVE})
    assert nora.is_active
    assert not nora.onboarding_completed
    assert spec.app.load(Requisition, req).is_closed


@freeze_time(NOW)
def test_a_requisition_cannot_hire_more_than_its_headcount(spec):
    req, first = candidate(spec, ACCEPTED)
    _req, second = candidate(spec, ACCEPTED, req=req, name="Otto Other")
    spec.given((pb.sign(first, NORA), HANNA))
    spec.when(pb.sign(second, uuid4()), HANNA).then_refused("requisition_within_headcount")


@freeze_time(NOW)
def test_a_requisition_closed_early_hires_no_one(spec):
    req, cand = candidate(spec, ACCEPTED)
    spec.given((hc.CloseRequisition(requisition_id=req, reason="Budget cut"), HANNA))
    spec.when(pb.sign(cand, NORA), HANNA).then_refused("requisition_closed", step="3.1.4")


@freeze_time(NOW)
def test_a_requisition_stays_open_until_every_position_is_filled(spec):
    req = hiring(spec, headcount=2)
    _req, cand = candidate(spec, ACCEPTED, req=req)
    spec.when(pb.sign(cand, NORA), HANNA).then(
        "Candidate.Hired", "Requisition.PositionFilled", "Employee.Hired"
    )
    assert spec.app.load(Requisition, req).filled == 1


@freeze_time(NOW)
def test_a_labour_contract_is_recorded_once_signed(spec):
    _req, cand = candidate(spec, ACCEPTED)
    spec.when(pb.sign(cand, NORA, on=TODAY + timedelta(days=1)), HANNA).then_refused(
        "labour_contract_recorded_once_signed"
    )


def test_the_contract_is_signed_within_the_time_for_onboarding_formalities(spec):
    with freeze_time(NOW) as frozen:
        _req, cand = candidate(spec, ACCEPTED)  # starts TODAY
        frozen.move_to("2026-03-20 09:00:00+00:00")
        late = pb.sign(cand, NORA, on=TODAY + timedelta(days=15))
        spec.when(late, HANNA).then_refused("labour_contract_signed_in_time")


@freeze_time(NOW)
def test_the_manager_is_still_active_when_the_contract_is_signed(spec):
    _req, cand = candidate(spec, SELECTED)
    spec.given(
        pb.enrol("Mia Manager", Role.SALES_MANAGER),
        (pb.offer(cand, manager_id=MIA_ID), HANNA),
        (hc.AcceptOffer(candidate_id=cand), HANNA),
        (leave(MIA_ID), HANNA),
    )
    spec.when(pb.sign(cand, NORA), HANNA).then_refused("manager_is_active", step="3.1.4")


@freeze_time(NOW)
def test_an_employee_is_registered_once(spec):
    spec.given(pb.enrol("Alice Rep", Role.SALES_REPRESENTATIVE))
    command, actor = pb.enrol("Alice Rep", Role.SALES_REPRESENTATIVE)
    spec.when(command, actor).then_refused("employee_registered_once")


@freeze_time(NOW)
def test_the_hired_employee_id_is_not_taken(spec):
    _req, cand = candidate(spec, ACCEPTED)
    spec.given(pb.enrol("Alice Rep", Role.SALES_REPRESENTATIVE))
    spec.when(pb.sign(cand, ALICE_ID), HANNA).then_refused("employee_registered_once")


# ---- 3.1.4 enrolment, roles, leaving ---------------------------------------------------------


@freeze_time(NOW)
def test_enrolled_staff_take_their_roles_team_and_manager(spec):
    staff(spec)
    alice = spec.app.load(Employee, ALICE_ID)
    assert alice.holds(Role.SALES_REPRESENTATIVE)
    assert not alice.holds(Role.SALES_MANAGER)
    assert (alice.manager_id, alice.team, alice.onboarding_completed) == (MIA_ID, pb.TEAM, True)


@freeze_time(NOW)
def test_staff_are_enrolled_by_hr(spec):
    command, _hr = pb.enrol("Alice Rep", Role.SALES_REPRESENTATIVE)
    spec.when(command, DAN).then_rejected(NotAuthorised, step="3.1.4", rule="enrolled by HR")


@freeze_time(NOW)
def test_an_enrolled_manager_is_an_active_employee(spec):
    spec.given(pb.enrol("Mia Manager", Role.SALES_MANAGER), (leave(MIA_ID), HANNA))
    command, actor = pb.enrol("Alice Rep", Role.SALES_REPRESENTATIVE, MIA_ID)
    spec.when(command, actor).then_refused("manager_is_active", step="3.1.4")


def test_the_policy_role_is_never_a_persons():
    with pytest.raises(InvalidCommand, match="automated policy"):
        hc.GrantRole.build({"employee_id": str(uuid4()), "role": "automated_policy"})
    with pytest.raises(InvalidCommand, match="automated policy"):
        hc.EnrolEmployee.build(
            {
                "name": "Bot",
                "position": "Bot",
                "team": "None",
                "roles": ["automated_policy"],
                "salary": {"amount": "1", "currency": "CNY"},
                "start_date": "2026-01-01",
            }
        )


@freeze_time(NOW)
def test_hr_grants_and_revokes_roles(spec):
    staff(spec)
    spec.when(grant(ALICE_ID), HANNA).then("Employee.RoleGranted")
    spec.when(revoke(ALICE_ID), HANNA).then("Employee.RoleRevoked")
    assert spec.app.load(Employee, ALICE_ID).roles == frozenset({Role.SALES_SUPERVISOR})


@freeze_time(NOW)
def test_roles_are_granted_by_hr(spec):
    staff(spec)
    spec.when(grant(ALICE_ID), DAN).then_rejected(NotAuthorised, step="3.1.4", rule="granted by HR")


@freeze_time(NOW)
def test_roles_are_revoked_by_hr(spec):
    staff(spec)
    spec.given((grant(ALICE_ID), HANNA))
    spec.when(revoke(ALICE_ID), DAN).then_rejected(
        NotAuthorised, step="3.1.4", rule="revoked by HR"
    )


AFTER_LEAVING = [
    pytest.param(pb.onboard, HANNA, "3.2.1", id="onboarding"),
    pytest.param(pb.training, HANNA, "3.2.2", id="training"),
    pytest.param(plan, HANNA, "3.2.3", id="career-plan"),
    pytest.param(review, HANNA, "3.2.3", id="career-review"),
    pytest.param(position, HANNA, "3.2.3", id="position"),
    pytest.param(team, HANNA, "3.2.3", id="team"),
    pytest.param(lambda e: manager(e, DAN_ID), HANNA, "3.2.3", id="manager"),
    pytest.param(grant, HANNA, "3.1.4", id="grant-role"),
    pytest.param(revoke, HANNA, "3.1.4", id="revoke-role"),
    pytest.param(promote, DAN, "3.3.4", id="promote"),
    pytest.param(pay, DAN, "3.3.4", id="pay"),
    pytest.param(leave, HANNA, "3.1.4", id="leave-again"),
]


@pytest.mark.parametrize(("command", "actor", "step"), AFTER_LEAVING)
@freeze_time(NOW)
def test_nothing_more_is_recorded_after_leaving(spec, command, actor, step):
    staff(spec)
    spec.given((plan(ALICE_ID), HANNA), (leave(ALICE_ID), HANNA))
    spec.when(command(ALICE_ID), actor).then_refused("employee_left", step=step)
    assert not spec.app.load(Employee, ALICE_ID).holds(Role.SALES_REPRESENTATIVE)


MIA_AS_HR = person("Mia Manager", Role.HR)
HANNA_AS_HR = person("Hanna HR", Role.HR)
OWN_CHANGES = [
    pytest.param(review, MIA, "3.2.3", id="career-review"),
    pytest.param(position, MIA, "3.2.3", id="position"),
    pytest.param(team, MIA, "3.2.3", id="team"),
    pytest.param(lambda e: manager(e, None), MIA, "3.2.3", id="manager"),
    pytest.param(leave, MIA, "3.1.4", id="leaving"),
    pytest.param(grant, MIA_AS_HR, "3.1.4", id="grant-role"),
    pytest.param(lambda e: revoke(e, Role.HR), MIA_AS_HR, "3.1.4", id="revoke-role"),
]


@pytest.mark.parametrize(("command", "actor", "step"), OWN_CHANGES)
@freeze_time(NOW)
def test_nobody_changes_their_own_record(spec, command, actor, step):
    staff(spec)
    spec.given((grant(MIA_ID, Role.HR), HANNA), (plan(MIA_ID), DAN))
    spec.when(command(MIA_ID), actor).then_rejected(NotAuthorised, step=step, rule="their own")


# ---- 3.2.1 / 3.2.2 training ------------------------------------------------------------------


@freeze_time(NOW)
def test_a_hire_completes_onboarding_training_once(spec):
    steps, nora = pb.hire("Nora New")
    spec.given(*steps)
    spec.when(pb.onboard(nora), HANNA).then("Employee.OnboardingCompleted")
    assert spec.app.load(Employee, nora).onboarding_completed
    spec.when(pb.onboard(nora), HANNA).then_refused("onboarding_completed_once")


@freeze_time(NOW)
def test_onboarding_training_covers_every_topic(spec):
    steps, nora = pb.hire("Nora New")
    spec.given(*steps)
    partial = hc.CompleteOnboardingTraining(
        employee_id=nora,
        topics=(OnboardingTopic.COMPANY, OnboardingTopic.PRODUCTS),
        completed_on=TODAY,
    )
    spec.when(partial, HANNA).then_refused("onboarding_covers_every_topic")


@freeze_time(NOW)
def test_onboarding_training_is_held_during_employment(spec):
    steps, nora = pb.hire("Nora New")
    spec.given(*steps)
    spec.when(pb.onboard(nora, on=TODAY - timedelta(days=1)), HANNA).then_refused(
        "onboarding_during_employment"
    )


@freeze_time(NOW)
def test_training_is_recorded_with_trainer_and_hours(spec):
    staff(spec)
    [event] = spec.when(pb.training(ALICE_ID, hours="3.5"), MIA).then("Employee.TrainingRecorded")
    assert event.training.hours == Decimal("3.5")
    alice = spec.app.load(Employee, ALICE_ID)
    assert (alice.training_count, alice.training_hours) == (1, Decimal("3.5"))


# ---- 3.2.3 career development and assignments -------------------------------------------------


@freeze_time(NOW)
def test_a_review_sets_a_coming_review(spec):
    staff(spec)
    spec.given((plan(ALICE_ID), MIA))
    spec.when(review(ALICE_ID, next_review=TODAY - timedelta(days=1)), MIA).then_refused(
        "career_plan_reviewed_regularly"
    )


@freeze_time(NOW)
def test_position_team_and_manager_change(spec):
    staff(spec)
    spec.when(position(ALICE_ID), HANNA).then("Employee.PositionChanged")
    spec.when(team(ALICE_ID), HANNA).then("Employee.TeamChanged")
    spec.when(manager(ALICE_ID, DAN_ID), HANNA).then("Employee.ManagerChanged")
    alice = spec.app.load(Employee, ALICE_ID)
    assert (alice.position, alice.team, alice.manager_id) == (
        "Key Account Representative",
        "North China Sales",
        DAN_ID,
    )


@freeze_time(NOW)
def test_nobody_manages_themselves(spec):
    staff(spec)
    spec.when(manager(ALICE_ID, ALICE_ID), HANNA).then_refused(
        "nobody_manages_themselves", step="3.2.3"
    )


@freeze_time(NOW)
def test_a_manager_is_an_active_employee(spec):
    staff(spec)
    spec.given((leave(DAN_ID), HANNA))
    spec.when(manager(ALICE_ID, DAN_ID), HANNA).then_refused("manager_is_active", step="3.2.3")


@freeze_time(NOW)
def test_reporting_lines_do_not_loop(spec):
    staff(spec)  # Alice -> Mia -> Dan
    spec.when(manager(DAN_ID, ALICE_ID), HANNA).then_refused("reporting_lines_do_not_loop")


# ---- 3.3.4 promotion and pay -----------------------------------------------------------------


@freeze_time(NOW)
def test_a_promotion_is_approved_by_someone_senior(spec):
    staff(spec)
    [event] = spec.when(promote(ALICE_ID), DAN).then("Employee.Promoted")
    assert event.actor == DAN  # the approver
    alice = spec.app.load(Employee, ALICE_ID)
    assert (alice.position, alice.roles, alice.salary) == (
        "Sales Supervisor",
        frozenset({Role.SALES_SUPERVISOR}),
        money("15000"),
    )


@freeze_time(NOW)
def test_a_promotion_pays_in_the_contract_currency(spec):
    staff(spec)
    from salesdomain.values import Money

    spec.when(promote(ALICE_ID, salary=Money.of("3000", "USD")), DAN).then_refused(
        "salary_in_contract_currency"
    )


@freeze_time(NOW)
def test_a_pay_change_is_approved_by_someone_senior(spec):
    staff(spec)
    spec.when(pay(ALICE_ID), MIA).then("Employee.PayChanged")
    assert spec.app.load(Employee, ALICE_ID).salary == money("13000")


SENIOR_APPROVALS = [
    pytest.param(lambda: promote(ALICE_ID), HANNA, "may not approve a promotion", id="hr-promotes"),
    pytest.param(
        lambda: promote(MIA_ID, "Senior Sales Manager", roles=None),
        MIA,
        "their own promotion",
        id="own-promotion",
    ),
    pytest.param(
        lambda: promote(ALICE_ID, "Sales Manager", roles=(Role.SALES_MANAGER,)),
        MIA,
        "not senior",
        id="promotion-to-the-approvers-level",
    ),
    pytest.param(lambda: pay(ALICE_ID), HANNA, "may not approve a pay change", id="hr-pays"),
    pytest.param(lambda: pay(DAN_ID), DAN, "their own", id="own-pay"),
    pytest.param(lambda: pay(MAX_ID), MIA, "not senior", id="pay-of-a-peer"),
]


@pytest.mark.parametrize(("command", "actor", "words"), SENIOR_APPROVALS)
@freeze_time(NOW)
def test_promotions_and_pay_changes_are_approved_by_someone_senior_other_than_hr(
    spec, command, actor, words
):
    staff(spec)
    spec.given(pb.enrol("Max Manager", Role.SALES_MANAGER, DAN_ID))  # Mia's peer
    spec.when(command(), actor).then_rejected(NotAuthorised, step="3.3.4", rule=words)


# ---- 1 goal-driven: sales targets -------------------------------------------------------------


def test_periods_are_years_quarters_and_months():
    assert (Period.parse("2026-q1").start, Period.parse("2026-Q1").end) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
    )
    assert Period.parse("2028-02").end == date(2028, 2, 29)
    assert (Period.parse("2026").start, Period.parse("2026").end) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
    )
    assert Period.parse("2026-Q4").kind == "quarter"
    with pytest.raises(InvalidCommand, match="period"):
        hc.SetSalesTarget.build({**pb.target(team="A").model_dump(), "period": "2026-13"})


@freeze_time(NOW)
def test_a_target_is_set_per_subject_and_period_then_revised(spec):
    staff(spec)
    spec.when(pb.target(emp_id=ALICE_ID), MIA).then("SalesTarget.Set")
    spec.when(pb.target(emp_id=ALICE_ID, visits=80), DAN).then("SalesTarget.Revised")
    target_id = SalesTarget.id_for(TargetSubject.employee(ALICE_ID), Period.parse("2026-Q2"))
    found = spec.app.load(SalesTarget, target_id)
    assert (found.figures.visits, found.revisions, found.period.start) == (80, 1, date(2026, 4, 1))


@freeze_time(NOW)
def test_a_team_has_targets_too(spec):
    spec.when(pb.target("2026", team=pb.TEAM), DAN).then("SalesTarget.Set")


@pytest.mark.parametrize(
    ("set_before", "target", "actor", "words"),
    [
        pytest.param(False, ALICE_ID, HANNA, "may not set sales targets", id="hr-sets"),
        pytest.param(True, ALICE_ID, HANNA, "may not set sales targets", id="hr-revises"),
        pytest.param(False, MIA_ID, MIA, "their own", id="own-target"),
    ],
)
@freeze_time(NOW)
def test_targets_are_set_and_revised_by_a_sales_manager_or_director_not_their_own(
    spec, set_before, target, actor, words
):
    staff(spec)
    spec.given(*[(pb.target(emp_id=target), MIA)] * set_before)
    revised = pb.target(emp_id=target, visits=99) if set_before else pb.target(emp_id=target)
    spec.when(revised, actor).then_rejected(NotAuthorised, step="3.3.1", rule=words)


def test_no_revision_once_the_period_has_ended(spec):
    with freeze_time(NOW) as frozen:
        staff(spec)
        spec.given((pb.target("2026-03", emp_id=ALICE_ID), MIA))
        frozen.move_to("2026-04-01 09:00:00+00:00")
        spec.when(pb.target("2026-03", emp_id=ALICE_ID, visits=10), MIA).then_refused(
            "targets_for_current_or_coming_period"
        )


@freeze_time(NOW)
def test_a_revision_changes_the_figures(spec):
    staff(spec)
    spec.given((pb.target(emp_id=ALICE_ID), MIA))
    spec.when(pb.target(emp_id=ALICE_ID), MIA).then_refused("revised_target_changes_figures")


# ---- one rule each: a change to a staffed company refused (3.1.4 to 3.3.4, 1) -----------------

REFUSED = [
    (lambda: grant(ALICE_ID, Role.SALES_REPRESENTATIVE), HANNA, "role_granted_once"),
    (lambda: revoke(ALICE_ID, Role.MARKETING), HANNA, "role_revoked_if_held"),
    (lambda: revoke(ALICE_ID), HANNA, "active_employee_keeps_a_role"),
    (lambda: leave(ALICE_ID, date(2023, 12, 31)), HANNA, "last_day_not_before_start"),
    (
        lambda: pb.training(ALICE_ID, on=TODAY + timedelta(days=7)),
        HANNA,
        "training_during_employment",
    ),
    (lambda: plan(ALICE_ID, next_review=TODAY), MIA, "career_plan_reviewed_regularly"),
    (lambda: review(ALICE_ID), MIA, "career_plan_set_before_review"),
    (
        lambda: position(ALICE_ID, "sales representative"),
        HANNA,
        "position_change_names_new_position",
    ),
    (lambda: team(ALICE_ID, pb.TEAM), HANNA, "team_change_names_new_team"),
    (lambda: manager(ALICE_ID, MIA_ID), HANNA, "manager_change_names_new_manager"),
    (lambda: promote(ALICE_ID, "Sales Representative"), DAN, "promotion_to_new_position"),
    (lambda: promote(ALICE_ID, salary=money("11000")), DAN, "promotion_does_not_lower_pay"),
    (lambda: pay(ALICE_ID, "2000", "USD"), MIA, "salary_in_contract_currency"),
    (lambda: pay(ALICE_ID, pb.SALARY), MIA, "pay_change_names_new_salary"),
    (lambda: pb.target("2026-02", emp_id=ALICE_ID), MIA, "targets_for_current_or_coming_period"),
    (lambda: pb.target(emp_id=HANNA_ID), MIA, "targets_for_active_staff"),
]
"""A command against one rule of the staff register or the targets, who sends it, the rule."""


@pytest.mark.parametrize(("command", "actor", "rule"), REFUSED, ids=[r for *_, r in REFUSED])
@freeze_time(NOW)
def test_a_change_against_a_rule_is_refused(spec, command, actor, rule):
    staff(spec)
    spec.when(command(), actor).then_refused(rule)


# ---- the whole path ---------------------------------------------------------------------------


def test_from_hiring_need_to_leaving(spec):
    with freeze_time(NOW) as frozen:
        spec.given(*pb.staff("Mia Manager"))
        req, nora_cand, otto_cand = uuid4(), uuid4(), uuid4()
        spec.given(*pb.open_hiring(req))
        spec.given(
            (pb.apply(otto_cand, req, "Otto Other", HiringChannel.REFERRAL), HANNA),
            (pb.screen(otto_cand, passed=False), HANNA),
            (pb.apply(nora_cand, req), HANNA),
            (pb.screen(nora_cand), HANNA),
            (pb.interview(nora_cand, MIA_ID, InterviewKind.PHONE, score=3), HANNA),
            (pb.interview(nora_cand, DAN_ID, InterviewKind.ON_SITE, score=5), MIA),
            (pb.decide(nora_cand), DAN),
            (pb.offer(nora_cand, manager_id=MIA_ID, start=TODAY + timedelta(days=7)), HANNA),
            (hc.AcceptOffer(candidate_id=nora_cand), HANNA),
            (pb.sign(nora_cand, NORA), HANNA),
        )
        assert spec.app.load(Candidate, otto_cand).status is CandidateStatus.SCREENED_OUT
        assert spec.app.load(Requisition, req).is_closed

        frozen.move_to("2026-03-10 09:00:00+00:00")
        first_day = TODAY + timedelta(days=7)
        spec.given(
            (pb.onboard(NORA, on=first_day), HANNA),
            (pb.training(NORA, on=first_day + timedelta(days=1)), MIA),
            (plan(NORA, next_review=date(2026, 9, 1)), MIA),
            (pb.target("2026-Q2", emp_id=NORA), MIA),
        )
        nora = spec.app.load(Employee, NORA)
        assert nora.onboarding_completed
        assert nora.manager_id == MIA_ID
        assert nora.holds(Role.SALES_REPRESENTATIVE)
        assert nora.training_count == 1

        frozen.move_to("2026-09-01 09:00:00+00:00")
        spec.given(
            (review(NORA, next_review=date(2027, 3, 1)), MIA),
            (promote(NORA, effective=date(2026, 9, 1)), DAN),
        )
        nora = spec.app.load(Employee, NORA)
        assert (nora.position, nora.career_reviews) == ("Sales Supervisor", 1)
        assert nora.holds(Role.SALES_SUPERVISOR)
        assert not nora.holds(Role.SALES_REPRESENTATIVE)

        spec.when(leave(NORA, date(2026, 12, 31)), HANNA).then("Employee.Left")
        nora = spec.app.load(Employee, NORA)
        assert not nora.is_active
        assert nora.last_day == date(2026, 12, 31)
        assert not nora.holds(Role.SALES_SUPERVISOR)
        assert [type(e).__qualname__ for e in spec.app.history(NORA)] == [
            "Employee.Hired",
            "Employee.OnboardingCompleted",
            "Employee.TrainingRecorded",
            "Employee.CareerPlanSet",
            "Employee.CareerPlanReviewed",
            "Employee.Promoted",
            "Employee.Left",
        ]


# ---- snapshots ---------------------------------------------------------------------------------


def test_an_employee_restored_from_a_snapshot_equals_the_replayed_one(store_url):
    class Snapshotting(SalesApplication):
        snapshotting_intervals = {Employee: 3}

    config = parse_database_url(store_url)
    ensure_schema(config)
    with freeze_time(NOW):
        app = Snapshotting(
            config.env, extra_transcodings=FREEZEGUN_TRANSCODINGS, verify_actors=False
        )
        for command, actor in [
            *pb.staff("Mia Manager", "Alice Rep"),
            (pb.training(ALICE_ID), MIA),
            (plan(ALICE_ID), MIA),
            (grant(ALICE_ID), HANNA),
            (pay(ALICE_ID), MIA),
        ]:
            app.handle(command, actor)
        assert app.snapshots is not None
        snapshots = list(app.snapshots.get(ALICE_ID))
        assert [s.originator_version for s in snapshots] == [3]
        restored = app.repository.get(ALICE_ID)
        replayed = project_aggregate(None, app.events.get(ALICE_ID))
        assert vars(restored) == vars(replayed)
        assert restored.roles == frozenset({Role.SALES_REPRESENTATIVE, Role.SALES_SUPERVISOR})
        assert SNAPSHOT_INTERVAL == Employee.SNAPSHOT_INTERVAL == 100
        app.close()
