"""The next possible SOP steps of a record (issue 20, ADR 65), on every store.

Given a record's events / When its next steps are asked / Then the steps its state
allows.  Each step offered is then sent, with good data, by someone who may take it:
it is never refused for the record's state (recorded, or refused only for who sent
it); each step of the kind not offered is refused.  A lost or won deal offers none."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from itertools import count
from typing import Any
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time

from salesdomain.aftersales import commands as ac
from salesdomain.commands import COMMANDS, Command
from salesdomain.errors import NotAuthorised
from salesdomain.next_steps import STEPS, next_steps, steps_for
from salesdomain.opportunities import commands as oc
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.opportunities.values import ForecastCategory
from salesdomain.orders.order import Order
from salesdomain.people import commands as hc
from salesdomain.people.values import LeavingReason
from salesdomain.sop import Role
from tests import builders as b
from tests import order_builders as ob
from tests import people_builders as pb
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


@freeze_time(NOW)
def test_the_one_who_asked_for_a_discount_is_not_offered_its_decision(spec: Spec) -> None:
    """Given a discount request by Alice, When the steps are asked for Alice and for her
    manager, Then only the manager is offered to approve or reject it
    (``discount_not_self_approved``)."""
    opp, history = _deal("discount asked")
    spec.given(*history)
    record = spec.app.repository.get(opp)
    decisions = {"ApproveDiscount", "RejectDiscount"}
    alice = {s.name for s in steps_for(record, Role.SALES_MANAGER, b.ALICE.employee_id)}
    mia = {s.name for s in steps_for(record, Role.SALES_MANAGER, b.MIA.employee_id)}
    assert decisions.isdisjoint(alice)
    assert decisions <= mia
