"""The next possible SOP steps of a record (issue 20, ADR 65), on every store.

Given a record's events / When its next steps are asked / Then the steps its state
allows.  Each step offered is then sent, with good data, by someone who may take it:
it is never refused for the record's state (recorded, or refused only for who sent
it); each step of the kind not offered is refused.  A lost or won deal offers none."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from itertools import count
from typing import Any
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time

from salesdomain.aftersales import commands as ac
from salesdomain.commands import COMMANDS, Command
from salesdomain.contracts import commands as kc
from salesdomain.errors import NotAuthorised
from salesdomain.next_steps import STEPS, next_steps, steps_for
from salesdomain.opportunities import commands as oc
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.opportunities.values import ForecastCategory
from salesdomain.orders.order import Order
from salesdomain.people import commands as hc
from salesdomain.people.values import LeavingReason
from salesdomain.performance import commands as fc
from salesdomain.performance.values import Incentive, IncentiveKind
from salesdomain.sop import Role
from tests import builders as b
from tests import contract_builders as kb
from tests import order_builders as ob
from tests import people_builders as pb
from tests import performance_builders as ab
from tests import test_aftersales_rules as after
from tests.spec import Spec, Step

NOW = "2026-03-02 10:00:00+00:00"  # builders.TODAY
_numbers = count(1)


def _deal(stage: str) -> tuple[UUID, list[Step]]:
    """A fresh opportunity (of its own customer) at ``stage``, and its history."""
    n = next(_numbers)
    reg = b.register(f"Next Steps Co {n}", "")
    cid, opp = b.customer_id(reg), uuid4()
    opened = [*b.qualified_customer(reg), (b.open_opportunity(cid, opp), b.ALICE)]
    full = b.through_acknowledged(opp, cid)
    upto = {
        "opened": opened,
        "contacted": full[:2],
        "analysed": full[:4],
        "designed": full[:5],
        "confirmed": full[:6],
        "presented": full[:7],
        "acknowledged": full,
        "quoted": [*full, (b.quote(opp), b.ALICE)],
        "discount asked": [*full, (b.quote(opp), b.ALICE), (b.request_discount(opp), b.ALICE)],
        "won": [
            *full,
            (b.quote(opp), b.ALICE),
            (oc.AcceptQuote(opportunity_id=opp, quote_version=1, accepted_by="Li Na"), b.ALICE),
        ],
        "lost": [
            *full,
            (oc.MarkOpportunityLost(opportunity_id=opp, reason="Price too high"), b.ALICE),
        ],
    }[stage]
    if stage != "opened":
        upto = [*b.qualified_customer(reg), *upto]
    return opp, upto


Sample = Callable[[UUID, Opportunity], tuple[Command, b.Actor]]
SAMPLES: dict[type[Command], Sample] = {
    oc.LogContact: lambda i, _: (b.log_visit(i), b.ALICE),
    oc.DiscoverNeeds: lambda i, _: (b.discover(i), b.ALICE),
    oc.PrioritiseNeeds: lambda i, _: (b.prioritise(i), b.ALICE),
    oc.DesignSolution: lambda i, _: (b.design(i), b.ALICE),
    oc.ConfirmFeasibility: lambda i, _: (b.confirm(i), b.PAT),
    oc.PresentSolution: lambda i, _: (b.present(i), b.ALICE),
    oc.AcknowledgeSolution: lambda i, _: (b.acknowledge(i), b.ALICE),
    oc.IssueQuote: lambda i, _: (b.quote(i), b.ALICE),
    oc.RecordNegotiationRound: lambda i, _: (b.negotiate(i), b.ALICE),
    oc.RequestDiscountApproval: lambda i, _: (b.request_discount(i, "650"), b.ALICE),
    oc.ApproveDiscount: lambda i, _: (oc.ApproveDiscount(opportunity_id=i), b.MIA),
    oc.RejectDiscount: lambda i, _: (oc.RejectDiscount(opportunity_id=i, comments="No"), b.MIA),
    oc.AcceptQuote: lambda i, o: (
        oc.AcceptQuote(opportunity_id=i, quote_version=max(1, len(o.quotes)), accepted_by="Li"),
        b.ALICE,
    ),
    oc.ReviseExpectedClose: lambda i, _: (
        oc.ReviseExpectedClose(
            opportunity_id=i, expected_close=b.TODAY + timedelta(days=120), reason="Budget"
        ),
        b.ALICE,
    ),
    oc.ReviseEstimatedValue: lambda i, _: (
        oc.ReviseEstimatedValue(opportunity_id=i, estimated_value=b.money("1"), reason="Less"),
        b.ALICE,
    ),
    oc.SetForecastCategory: lambda i, _: (
        oc.SetForecastCategory(opportunity_id=i, category=ForecastCategory.COMMIT),
        b.ALICE,
    ),
    oc.ReviewForecastCategory: lambda i, _: (
        oc.ReviewForecastCategory(opportunity_id=i, category=ForecastCategory.PIPELINE),
        b.MIA,
    ),
    oc.MarkOpportunityLost: lambda i, _: (
        oc.MarkOpportunityLost(opportunity_id=i, reason="Budget cut"),
        b.ALICE,
    ),
}
STAGES = [
    "opened",
    "contacted",
    "analysed",
    "designed",
    "confirmed",
    "presented",
    "acknowledged",
    "quoted",
    "discount asked",
    "won",
    "lost",
]
SELLING = {step.command for step in STEPS[Opportunity].steps}


def _asked(spec: Spec, stage: str) -> tuple[UUID, Opportunity, list[type[Command]]]:
    opp, history = _deal(stage)
    spec.given(*history)
    record = spec.app.repository.get(opp)
    return opp, record, next_steps(record)


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("opened", {"LogContact", "ReviseExpectedClose", "ReviseEstimatedValue"}),
        ("analysed", {"PrioritiseNeeds", "DesignSolution", "DiscoverNeeds"}),
        ("confirmed", {"PresentSolution", "ConfirmFeasibility"}),
        ("acknowledged", {"IssueQuote", "RequestDiscountApproval"}),
        ("discount asked", {"ApproveDiscount", "RejectDiscount", "AcceptQuote"}),
        ("won", set()),
        ("lost", set()),
    ],
)
def test_the_steps_follow_the_deal_s_stage(spec: Spec, stage: str, expected: set[str]) -> None:
    with freeze_time(NOW):
        _, _record, steps = _asked(spec, stage)
    names = {s.__name__ for s in steps}
    assert expected <= names
    if not expected:
        assert names == set()  # a won or lost deal offers no selling step
    assert "OpenOpportunity" not in names


Fresh = Callable[[], tuple[UUID, list[Step]]]


def _offered_and_taken(spec: Spec, fresh: Fresh, samples: dict[type[Command], Any]) -> None:
    """Given a fresh record's history, each step of its kind sent by who may take it:
    an offered one is recorded (or refused only for who sent it), one not offered is
    refused."""
    ident, history = fresh()
    spec.given(*history)
    offered = next_steps(spec.app.repository.get(ident))
    for command, sample in samples.items():
        ident, history = fresh()
        spec.given(*history)
        sent, actor = sample(ident, spec.app.repository.get(ident))
        outcome = spec.when(sent, actor)
        if command in offered:
            assert outcome.error is None or isinstance(outcome.error, NotAuthorised), (
                f"{command.__name__} offered, refused: {outcome.error}"
            )
        else:
            assert outcome.error is not None, f"{command.__name__} not offered, recorded"


def _offers_exactly(
    spec: Spec, fresh: Fresh, samples: dict[type[Command], Any], expected: set[str]
) -> None:
    """Given a fresh record, Then its next steps are ``expected``; and each step of its
    kind (every one has a sample) is taken as ``_offered_and_taken`` says."""
    ident, history = fresh()
    spec.given(*history)
    record = spec.app.repository.get(ident)
    assert set(samples) == {s.command for s in STEPS[type(record)].steps}
    assert {s.__name__ for s in next_steps(record)} == expected
    _offered_and_taken(spec, fresh, samples)


@pytest.mark.parametrize("stage", STAGES)
def test_an_offered_step_is_never_refused_for_the_deal_s_state(spec: Spec, stage: str) -> None:
    assert set(SAMPLES) == SELLING
    with freeze_time(NOW):
        _offered_and_taken(spec, lambda: _deal(stage), SAMPLES)


def _resent(command: Command, who: b.Actor) -> Any:
    """A sample: ``command`` sent by ``who`` on another case (a command of its own)."""

    def sample(case: UUID, _record: object) -> tuple[Command, b.Actor]:
        return command.model_copy(update={"service_case_id": case, "command_id": uuid4()}), who

    return sample


CASE_SAMPLES: dict[type[Command], Any] = {
    type(command): _resent(command, who) for command, who in after.case_steps(uuid4(), uuid4())[1:]
}
CASE_SAMPLES[ac.ReopenServiceCase] = lambda i, _: (after.reopen(i), after.ADA)


@pytest.mark.parametrize("upto", range(1, 8))
def test_an_offered_step_is_never_refused_for_the_case_s_state(spec: Spec, upto: int) -> None:
    with freeze_time(after.NOW):
        cid = after.customer(spec)

        def fresh() -> tuple[UUID, list[Step]]:
            case = uuid4()
            return case, after.case_steps(cid, case)[:upto]

        _offered_and_taken(spec, fresh, CASE_SAMPLES)


def test_each_role_is_offered_only_the_steps_the_sop_gives_it(spec: Spec) -> None:
    with freeze_time(NOW):
        opp, record, _ = _asked(spec, "designed")
    production = [s.name for s in steps_for(record, Role.PRODUCTION)]
    assert "ConfirmFeasibility" in production
    assert "LogContact" not in production
    assert [s.name for s in steps_for(record, Role.LEGAL)] == []  # not involved
    rep = steps_for(record, Role.SALES_REPRESENTATIVE)
    assert "ConfirmFeasibility" not in [s.name for s in rep]
    assert all(s.prefill["opportunity_id"] == str(opp) for s in rep)
    assert [s.name for s in steps_for(record, Role.COMPLIANCE_REVIEWER)] == []


def test_accepting_names_the_current_quote(spec: Spec) -> None:
    with freeze_time(NOW):
        _, record, _ = _asked(spec, "quoted")
    accept = [s for s in steps_for(record, Role.SALES_REPRESENTATIVE) if s.name == "AcceptQuote"]
    assert accept[0].prefill["quote_version"] == 1
    assert accept[0].title == "Negotiate the price"


def test_a_customer_s_steps_follow_its_qualification(spec: Spec) -> None:
    reg = b.register("Steps Customer", "")
    cid = b.customer_id(reg)
    with freeze_time(NOW):
        spec.given((reg, b.ALICE))
        prospect = {s.__name__ for s in next_steps(spec.app.repository.get(cid))}
        spec.given((b.assess(cid), b.ALICE), (b.qualify(cid), b.ALICE))
        qualified = {s.__name__ for s in next_steps(spec.app.repository.get(cid))}
    assert "OpenOpportunity" not in prospect
    assert "QualifyProspect" not in prospect
    assert {"OpenOpportunity", "DisqualifyProspect", "DeactivateCustomer"} <= qualified
    assert {"QualifyProspect", "ReactivateCustomer"}.isdisjoint(qualified)


@pytest.mark.parametrize(
    ("history", "expected", "absent"),
    [
        (
            ob.entered_order,
            {"AssignCoordinationTask", "RecordProductionPlan", "CancelOrder"},
            {"RecordProcurement", "ConfirmDelivery", "RecordRework", "DispatchShipment"},
        ),
        (ob.completed_order, set(), {STEP.command.__name__ for STEP in STEPS[Order].steps}),
    ],
)
def test_an_order_s_steps_follow_its_execution(
    spec: Spec, history: Any, expected: set[str], absent: set[str]
) -> None:
    opp, contract = uuid4(), uuid4()
    with freeze_time(NOW):
        spec.given(*history(opp, contract))
        names = {s.__name__ for s in next_steps(spec.app.repository.get(ob.order_of(contract)))}
    assert expected <= names
    assert not names & absent


def test_an_employee_s_steps_end_when_they_leave(spec: Spec) -> None:
    alice = pb.employee_id(b.ALICE.name)
    leaving = hc.RecordLeaving(employee_id=alice, reason=LeavingReason.RESIGNED, last_day=b.TODAY)
    with freeze_time(NOW):
        spec.given(*pb.register_of(b.ALICE))
        employed = {s.__name__ for s in next_steps(spec.app.repository.get(alice))}
        spec.given((leaving, pb.HANNA))
        left = next_steps(spec.app.repository.get(alice))
    assert {"RecordTraining", "ChangePay", "RecordLeaving"} <= employed
    assert "ReviewCareerPlan" not in employed  # no plan set yet
    assert left == []


def test_every_command_naming_a_listed_kind_is_a_step_or_said_not_offered() -> None:
    for listed in STEPS.values():
        area = listed.kind.__module__.rsplit(".", 1)[0] + ".commands"
        named = {c for c in COMMANDS.values() if c.__module__ == area and _required(c, listed.by)}
        offered = {s.command for s in listed.steps}
        missing = named - offered - set(listed.not_offered)
        assert not missing, f"{listed.kind.__name__}: {sorted(c.__name__ for c in missing)}"
        for step in listed.steps:
            assert listed.by in step.command.model_fields, step.command.__name__


def _required(command: type[Command], name: str) -> bool:
    found: Any = command.model_fields.get(name)
    return found is not None and found.is_required()


def _for_alice_and_mia(spec: Spec, fresh: Fresh) -> tuple[Any, set[str], set[str]]:
    """Given a fresh record, the record and the steps offered on it to Alice and to Mia,
    each acting as a sales manager."""
    ident, history = fresh()
    spec.given(*history)
    record = spec.app.repository.get(ident)
    alice = {s.name for s in steps_for(record, Role.SALES_MANAGER, b.ALICE.employee_id)}
    mia = {s.name for s in steps_for(record, Role.SALES_MANAGER, b.MIA.employee_id)}
    return record, alice, mia


@freeze_time(NOW)
def test_the_one_who_asked_for_a_discount_is_not_offered_its_decision(spec: Spec) -> None:
    """Given a discount request by Alice, When the steps are asked for Alice and for her
    manager, Then only the manager is offered to approve or reject it
    (``discount_not_self_approved``)."""
    _, alice, mia = _for_alice_and_mia(spec, lambda: _deal("discount asked"))
    decisions = {"ApproveDiscount", "RejectDiscount"}
    assert decisions.isdisjoint(alice)
    assert decisions <= mia


# ---- the contract (2.4.1-2.4.3) ----------------------------------------------------------


def _contract(stage: str) -> tuple[UUID, list[Step]]:
    """A fresh contract (of its own won deal) at ``stage``, and its history."""
    opp, contract = uuid4(), uuid4()
    won = b.won_deal(opp, b.register(f"Contract Steps Co {next(_numbers)}", ""))
    drafted = [*won, (kb.draft(opp, contract), b.LEO)]
    in_approval = [*drafted, (kb.review(contract), b.ALICE)]
    signed = [*won, *kb.signed_contract(opp, contract)]
    return contract, {
        "drafted": drafted,
        "returned": [
            *drafted,
            (kc.ReviewContract(contract_id=contract, issues=("Liability cap missing",)), b.ALICE),
        ],
        "in approval": in_approval,
        "rejected": [*in_approval, (kb.reject(contract), b.MIA)],
        "approved": [*won, *kb.approved_contract(opp, contract)],
        "signed": signed,
        "amended": [*signed, (kb.amend(contract), b.LEO)],
    }[stage]


CONTRACT_SAMPLES: dict[type[Command], Any] = {
    kc.ReviewContract: lambda i, _: (kb.review(i), b.ALICE),
    kc.ReviseContract: lambda i, _: (kb.revise(i), b.LEO),
    kc.ApproveContract: lambda i, _: (kb.approve(i), b.MIA),
    kc.RejectContract: lambda i, _: (kb.reject(i), b.MIA),
    kc.SignContract: lambda i, _: (kb.sign(i), b.MIA),
    kc.AmendContract: lambda i, _: (kb.amend(i), b.LEO),
}


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("drafted", {"ReviewContract", "ReviseContract"}),
        ("returned", {"ReviseContract"}),
        ("in approval", {"ApproveContract", "RejectContract", "ReviseContract"}),
        ("rejected", {"ReviseContract"}),
        ("approved", {"SignContract", "ReviseContract"}),
        ("signed", {"AmendContract"}),
        ("amended", {"ReviewContract", "ReviseContract"}),
    ],
)
def test_an_offered_step_is_never_refused_for_the_contract_s_state(
    spec: Spec, stage: str, expected: set[str]
) -> None:
    with freeze_time(NOW):
        _offers_exactly(spec, lambda: _contract(stage), CONTRACT_SAMPLES, expected)


@freeze_time(NOW)
def test_the_deal_s_owner_is_not_offered_to_approve_its_contract(spec: Spec) -> None:
    """Given a contract in approval of Alice's deal, When the steps are asked for Alice
    and for Mia, Then only Mia is offered to approve or reject it; legal revises, sales
    reviews."""
    record, alice, mia = _for_alice_and_mia(spec, lambda: _contract("in approval"))
    decisions = {"ApproveContract", "RejectContract"}
    assert decisions.isdisjoint(alice)
    assert decisions <= mia
    assert {s.name for s in steps_for(record, Role.LEGAL)} == {"ReviseContract"}
    assert "ReviseContract" not in mia


# ---- the candidate (3.1.3-3.1.4) ---------------------------------------------------------

IAN = pb.employee_id("Ian Interviewer")


def _candidate(stage: str) -> tuple[UUID, list[Step]]:
    """A fresh candidate (on a requisition of its own) at ``stage``, and its history."""
    req, cand = uuid4(), uuid4()
    path = pb.recruit(f"Nora New {next(_numbers)}", req, cand, uuid4(), interviewer_id=IAN)
    upto = {
        "applied": 1,
        "shortlisted": 2,
        "phoned": 3,
        "interviewed": 4,
        "selected": 5,
        "offered": 6,
        "accepted": 7,
        "hired": 8,
    }
    done = {
        "screened out": [path[0], (pb.screen(cand, passed=False), pb.HANNA)],
        "rejected": [*path[:4], (pb.decide(cand, hire=False), b.DAN)],
        "declined": [*path[:6], (hc.DeclineOffer(candidate_id=cand, reason="Pay"), pb.HANNA)],
        "forgotten": [*path[:2], (_forget(cand), pb.HANNA)],
    }
    history = done[stage] if stage in done else path[: upto[stage]]
    return cand, [*pb.open_hiring(req), *history]


def _forget(cand: UUID) -> hc.ForgetCandidate:
    return hc.ForgetCandidate(candidate_id=cand, reason="Asked to", requested_by="The candidate")


CANDIDATE_SAMPLES: dict[type[Command], Any] = {
    hc.ScreenCandidate: lambda i, _: (pb.screen(i), pb.HANNA),
    hc.RecordInterview: lambda i, _: (pb.interview(i, IAN), pb.HANNA),
    hc.DecideOnCandidate: lambda i, _: (pb.decide(i, hire=False), b.DAN),
    hc.SendOffer: lambda i, _: (pb.offer(i), pb.HANNA),
    hc.AcceptOffer: lambda i, _: (hc.AcceptOffer(candidate_id=i), pb.HANNA),
    hc.DeclineOffer: lambda i, _: (hc.DeclineOffer(candidate_id=i, reason="Pay"), pb.HANNA),
    hc.SignLabourContract: lambda i, _: (pb.sign(i, uuid4()), pb.HANNA),
    hc.ForgetCandidate: lambda i, _: (_forget(i), pb.HANNA),
}


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("applied", {"ScreenCandidate", "ForgetCandidate"}),
        ("shortlisted", {"RecordInterview", "DecideOnCandidate", "ForgetCandidate"}),
        ("interviewed", {"RecordInterview", "DecideOnCandidate", "ForgetCandidate"}),
        ("selected", {"DecideOnCandidate", "SendOffer", "ForgetCandidate"}),
        (
            "offered",
            {"DecideOnCandidate", "SendOffer", "AcceptOffer", "DeclineOffer", "ForgetCandidate"},
        ),
        ("accepted", {"DecideOnCandidate", "SendOffer", "SignLabourContract", "ForgetCandidate"}),
        ("declined", {"DecideOnCandidate", "SendOffer", "ForgetCandidate"}),
        ("screened out", {"ForgetCandidate"}),
        ("rejected", {"ForgetCandidate"}),
        ("hired", {"ForgetCandidate"}),
        ("forgotten", set()),
    ],
)
def test_an_offered_step_is_never_refused_for_the_candidate_s_state(
    spec: Spec, stage: str, expected: set[str]
) -> None:
    with freeze_time(NOW):
        spec.given(pb.interviewer())
        _offers_exactly(spec, lambda: _candidate(stage), CANDIDATE_SAMPLES, expected)


@freeze_time(NOW)
def test_only_hr_is_offered_to_forget_a_candidate(spec: Spec) -> None:
    spec.given(pb.interviewer())
    cand, history = _candidate("rejected")
    spec.given(*history)
    record = spec.app.repository.get(cand)
    assert [s.name for s in steps_for(record, Role.HR)] == ["ForgetCandidate"]
    assert steps_for(record, Role.SALES_MANAGER) == []


# ---- the appraisal (3.3.3-3.3.4) ---------------------------------------------------------

_months = count(0)


def _appraisal(upto: int, score: str = "80") -> tuple[UUID, list[Step]]:
    """A fresh appraisal of Alice (for a month of its own) up to step ``upto``."""
    n = next(_months) % 240  # a store of its own per test: months of 2006-2025 suffice
    period = f"{2006 + n // 12}-{n % 12 + 1:02d}"
    history = [ab.define(period), *ab.appraise(b.ALICE, b.MIA, period, score=score, upto=upto)]
    return ab.appraisal_id(b.ALICE, period), history


def _pay_cut(appraisal: UUID) -> fc.DecideIncentive:
    """An incentive good for any result (a pay cut is no reward)."""
    cut = Incentive(kind=IncentiveKind.PAY_CHANGE, pay_change=Decimal("-0.05"), reason="Result")
    return fc.DecideIncentive(appraisal_id=appraisal, incentive=cut)


APPRAISAL_SAMPLES: dict[type[Command], Any] = {
    fc.RecordActuals: lambda i, _: (ab.actuals(i), pb.HANNA),
    fc.SubmitSelfAssessment: lambda i, _: (ab.self_assess(i), b.ALICE),
    fc.ScoreAppraisal: lambda i, _: (ab.scores(i), b.MIA),
    fc.RecordFeedbackInterview: lambda i, _: (ab.interview(i), b.MIA),
    fc.AgreeImprovementPlan: lambda i, _: (ab.plan(i), b.ALICE),
    fc.FinaliseAppraisal: lambda i, _: (ab.finalise(i), b.MIA),
    fc.DecideIncentive: lambda i, _: (_pay_cut(i), b.DAN),
    fc.PlanCoaching: lambda i, _: (ab.coaching(i), b.MIA),
    fc.CloseAppraisal: lambda i, _: (ab.close(i), b.MIA),
}
_FOLLOW_UP = {"DecideIncentive", "PlanCoaching"}


@pytest.mark.parametrize(
    ("upto", "score", "expected"),
    [
        (ab.OPENED, "80", {"RecordActuals"}),
        (ab.ACTUALS, "80", {"SubmitSelfAssessment"}),
        (ab.SELF_ASSESSED, "80", {"ScoreAppraisal"}),
        (ab.SCORED, "80", {"RecordFeedbackInterview"}),
        (ab.INTERVIEWED, "80", {"AgreeImprovementPlan"}),
        (ab.PLANNED, "80", {"FinaliseAppraisal"}),
        (ab.FINALISED, "80", {*_FOLLOW_UP, "CloseAppraisal"}),
        (ab.FINALISED, "50", _FOLLOW_UP),  # below standard: coaching before closing
        (ab.CLOSED, "80", set()),
        (ab.CLOSED, "50", set()),
    ],
)
def test_an_offered_step_is_never_refused_for_the_appraisal_s_state(
    spec: Spec, upto: int, score: str, expected: set[str]
) -> None:
    with freeze_time(NOW):
        spec.given(*ab.team())
        _offers_exactly(spec, lambda: _appraisal(upto, score), APPRAISAL_SAMPLES, expected)


@freeze_time(NOW)
def test_a_below_standard_appraisal_is_offered_closing_once_coaching_is_planned(
    spec: Spec,
) -> None:
    spec.given(*ab.team())
    appraisal, history = _appraisal(ab.FINALISED, "50")
    spec.given(*history, (ab.coaching(appraisal), b.MIA))
    assert "CloseAppraisal" in {s.__name__ for s in next_steps(spec.app.repository.get(appraisal))}


@freeze_time(NOW)
def test_the_one_appraised_is_not_offered_to_score_themselves(spec: Spec) -> None:
    """Given Alice's self-assessed appraisal, When the steps are asked for Alice and for
    Mia (both as sales managers), Then only Mia is offered to score it."""
    spec.given(*ab.team())
    record, alice, mia = _for_alice_and_mia(spec, lambda: _appraisal(ab.SELF_ASSESSED))
    assert "ScoreAppraisal" not in alice
    assert mia == {"ScoreAppraisal"}
    assert all(s.prefill["appraisal_id"] == str(record.id) for s in steps_for(record, Role.HR))
