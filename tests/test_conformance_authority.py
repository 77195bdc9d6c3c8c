"""Every authority and segregation-of-duties rule the conformance review re-runs: Given a
history recorded by the real application, where needed with one event stored the way a
writer without the checks (or with other policy figures) would have stored it / When
reviewed / Then the breach, naming the step, the case and the person."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time
from salesdomain.projections.conformance.findings import Family, Status
from salesdomain.projections.conformance.review import Entry

from salesdomain.contracts.policy import ApprovalTier, ContractPolicy
from salesdomain.opportunities import commands as oc
from salesdomain.opportunities.values import QuoteTerms
from salesdomain.orders.policy import OrderPolicy
from salesdomain.people import commands as hc
from salesdomain.people.values import LeavingReason
from salesdomain.performance import commands as pc
from salesdomain.performance.escalation import Escalation
from salesdomain.performance.values import Indicator
from salesdomain.policy import SalesPolicy
from salesdomain.prospecting import commands as pcc
from salesdomain.prospecting.values import Level, QualificationOverride
from salesdomain.sop import Role
from salesdomain.values import Actor
from tests import builders as b
from tests import people_builders as pb
from tests.builders import ALICE, BOB, DAN, LEO, MARK, MIA, PAT, SUE, TODAY, money, person
from tests.conformance_builders import History
from tests.contract_builders import approve, signed_contract
from tests.order_builders import cancel, entered_order, order_of
from tests.people_builders import HANNA, hire
from tests.performance_builders import appraisal_id, appraise, changed, define, team
from tests.spec import event_name
from tests.test_performance_rules import decide, expense

NINE = datetime(2026, 3, 2, 9, tzinfo=UTC)
MANAGER_AND_DIRECTOR = SalesPolicy(
    contracts=ContractPolicy(
        approval_tiers={
            "CNY": (ApprovalTier(up_to=None, levels=(Role.SALES_MANAGER, Role.SALES_DIRECTOR)),)
        }
    )
)
"""Other figures under the same version, as a writer with a wrong policy file had them."""
_DEFAULT = SalesPolicy()


def _generous(role: Role) -> SalesPolicy:
    """``role`` gives up to 50% discount at any margin and may cancel orders."""
    return SalesPolicy(
        discount_authority={**_DEFAULT.discount_authority, role: Decimal("0.5")},
        margin_floor={**_DEFAULT.margin_floor, role: Decimal("0")},
        orders=OrderPolicy(cancellation_roles=frozenset({role, Role.SALES_MANAGER})),
    )


@pytest.fixture
def history() -> Iterator[History]:
    found = History()
    with freeze_time(NINE):
        yield found
    found.close()


@pytest.fixture
def generous(request: pytest.FixtureRequest) -> Iterator[History]:
    """A history written under the same policy version, with figures generous to the
    role the test names (``@pytest.mark.parametrize("generous", [role], indirect=True)``)."""
    found = History(_generous(request.param))
    with freeze_time(NINE):
        yield found
    found.close()


def signed(history: History) -> UUID:
    opp, contract = uuid4(), uuid4()
    history.given(*b.won_deal(opp), *signed_contract(opp, contract))
    return opp


def discount_approved(history: History, price: str) -> UUID:
    """Alice asks for ``price`` (against 1,000 quoted) and Mia approves."""
    opp, reg = uuid4(), b.register()
    history.given(
        *b.qualified_customer(reg),
        *b.through_acknowledged(opp, b.customer_id(reg)),
        (b.quote(opp), ALICE),
        (b.negotiate(opp), ALICE),
        (b.request_discount(opp, price), ALICE),
        (oc.ApproveDiscount(opportunity_id=opp, comments="Strategic account"), MIA),
    )
    return opp


# ---- who acted --------------------------------------------------------------------------


def test_steps_by_someone_not_employed_who_left_or_without_the_role_are_breaches(history):
    leaving = hc.RecordLeaving(
        employee_id=BOB.employee_id, reason=LeavingReason.RESIGNED, last_day=TODAY
    )
    history.given(*team(), (b.register("Ningbo Tools Ltd.", reg=""), BOB), (leaving, HANNA))
    history.given(
        (b.register("Suzhou Gears Ltd.", reg=""), BOB),
        (b.register("Wuxi Pumps Ltd.", reg=""), person("Alice Rep", Role.SALES_SUPERVISOR)),
        (b.register("Jiaxing Valves Ltd.", reg=""), MARK),
    )

    found = history.breaches("actor_is_an_active_employee_holding_the_role")
    assert [f.detail.split(" (")[0] for f in found] == ["Bob Rep", "Alice Rep", "Mark Marketing"]
    assert "had left the company" in found[0].detail
    assert "did not hold the role sales supervisor" in found[1].detail
    assert "is not on the staff register" in found[2].detail
    assert {(f.status, f.sop_step, f.family) for f in found} == {
        (Status.NOT_ALLOWED, "2.1.2", Family.EMPLOYMENT)
    }
    assert found[1].responsible.team == "East China Sales"


def test_a_step_recorded_under_a_role_the_sop_does_not_give_it_is_a_breach(history):
    opp = uuid4()
    history.given(*b.won_deal(opp))
    log = history.altered("Opportunity.ContactLogged", actor=PAT)

    [found] = history.breaches("role_may_do_the_step", log)
    assert (found.sop_step, found.case_id, found.responsible.name) == ("2.1.3", opp, PAT.name)


# ---- 2.4 contracts ----------------------------------------------------------------------


def test_a_contract_sent_to_other_levels_than_the_matrix_sets_is_a_breach():
    history, opp, contract = History(MANAGER_AND_DIRECTOR), uuid4(), uuid4()
    with freeze_time(NINE):
        history.given(
            *b.won_deal(opp), *signed_contract(opp, contract)[:3], (approve(contract), DAN)
        )

    [found] = history.breaches("contract_chain_by_authority_matrix")
    assert (found.sop_step, found.case_id, found.record_id) == ("2.4.2", opp, contract)
    assert "requires sales manager" in found.detail
    assert found.policy_version == "2026.1"
    history.close()


def test_a_level_decided_below_its_rank_is_a_breach(history):
    signed(history)
    log = history.altered("Contract.Approved", actor=SUE)

    [found] = history.breaches("contract_decided_at_level", log)
    assert found.responsible.employee_id == SUE.employee_id
    assert "needs a sales manager or higher" in found.detail


def test_an_approval_by_the_drafter_is_a_breach(history):
    signed(history)
    log = history.altered("Contract.Approved", actor=LEO)

    [found] = history.breaches("contract_approver_independent", log)
    assert (found.family, found.responsible.name) == (Family.SEGREGATION_OF_DUTIES, LEO.name)
    assert "drafted it" in found.detail


def test_a_contract_signed_without_its_approval_is_a_breach(history):
    opp = signed(history)

    [found] = history.breaches(
        "contract_signed_when_fully_approved", history.without("Contract.Approved")
    )
    assert (found.sop_step, found.case_id) == ("2.4.3", opp)
    assert "0 of 1" in found.detail
    assert history.breaches("contract_signed_when_fully_approved") == []


def test_a_contract_signed_by_its_drafter_is_a_breach(history):
    signed(history)
    log = history.altered("Contract.Signed", actor=person("Leo Legal", Role.SALES_MANAGER))

    [found] = history.breaches("contract_signatory_not_drafter", log)
    assert "drafted by Leo Legal" in found.detail
    assert history.breaches("contract_signatory_not_drafter") == []  # Mia approved and signed


# ---- 2.3.3 discounts, quotes; 2.5.1 cancellation -------------------------------------------


@pytest.mark.parametrize("generous", [Role.SALES_MANAGER], indirect=True)
def test_a_discount_approved_beyond_the_approvers_authority_is_a_breach(generous):
    opp = discount_approved(generous, "700")  # 30% off; a manager approves up to 20%

    [found] = generous.breaches("discount_approved_within_authority")
    assert (found.case_id, found.responsible.employee_id) == (opp, MIA.employee_id)
    assert "30.0% discount" in found.detail
    assert "approves up to 20.0% discount" in found.detail


def test_a_discount_approved_by_its_requester_is_a_breach(history):
    discount_approved(history, "880")
    log = history.altered(
        "Opportunity.DiscountApproved", actor=person("Alice Rep", Role.SALES_MANAGER)
    )

    [found] = history.breaches("discount_not_self_approved", log)
    assert found.family is Family.SEGREGATION_OF_DUTIES
    assert history.breaches("discount_not_self_approved") == []


@pytest.mark.parametrize("generous", [Role.SALES_REPRESENTATIVE], indirect=True)
def test_a_quote_beyond_the_issuers_authority_without_approval_is_a_breach(generous):
    opp, reg = uuid4(), b.register()
    generous.given(
        *b.qualified_customer(reg),
        *b.through_acknowledged(opp, b.customer_id(reg)),
        (b.quote(opp), ALICE),
        (b.quote(opp, price="800"), ALICE),  # 20% off, on her own
    )

    [found] = generous.breaches("quote_within_authority_or_approved")
    assert (found.sop_step, found.case_id) == ("2.3.2", opp)
    assert "quote version 2: 20.0% discount" in found.detail
    assert "with no approval" in found.detail


def test_a_quote_under_an_approval_with_other_terms_than_requested_is_no_breach(history):
    opp = discount_approved(history, "880")
    other = b.quote(opp, "880", valid_days=None, approval_id=1, payment_terms="On delivery")
    history.given((other, ALICE))

    assert history.breaches("quote_within_authority_or_approved") == []


def test_a_quote_under_an_approval_of_other_priced_lines_is_a_breach(history):
    opp = discount_approved(history, "880")
    history.given((b.quote(opp, "880", approval_id=1), ALICE))
    other = QuoteTerms(
        lines=b.lines("870"),
        payment_terms="30% advance, 70% on delivery",
        delivery_date=TODAY + timedelta(days=60),
        valid_until=TODAY + timedelta(days=30),
    )
    log = history.altered("Opportunity.QuoteIssued", 1, terms=other, discount=Decimal("0.13"))

    [found] = history.breaches("quote_within_authority_or_approved", log)
    assert (found.case_id, found.responsible.employee_id) == (opp, ALICE.employee_id)
    assert "quote version 2: 13.0% discount" in found.detail
    assert "approval 1 granted for other priced lines" in found.detail


def test_a_second_quote_under_one_approval_is_a_breach(history):
    opp = discount_approved(history, "880")
    history.given((b.quote(opp, "880", approval_id=1), ALICE), (b.quote(opp, "950"), ALICE))
    [_, second, _] = [e for _, e in history.log() if event_name(e) == "Opportunity.QuoteIssued"]
    log = history.altered(
        "Opportunity.QuoteIssued", 2, terms=second.terms, discount=second.discount, approval=1
    )

    [found] = history.breaches("quote_within_authority_or_approved", log)
    assert "quote version 3: 12.0% discount" in found.detail
    assert "approval 1 already used by quote version 2" in found.detail


@pytest.mark.parametrize("generous", [Role.SALES_REPRESENTATIVE], indirect=True)
def test_an_order_cancelled_by_a_role_the_policy_does_not_allow_is_a_breach(generous):
    opp, contract = uuid4(), uuid4()
    generous.given(*entered_order(opp, contract), (cancel(order_of(contract)), ALICE))

    [found] = generous.breaches("order_cancelled_by_allowed_role")
    assert (found.sop_step, found.case_id, found.record_id) == ("2.5.1", opp, order_of(contract))
    assert found.responsible.employee_id == ALICE.employee_id


# ---- 3.1.4 / 3.3 people -----------------------------------------------------------------


def appraised(history: History, score: str = "80", upto: int = 8) -> UUID:
    steps = appraise(ALICE, MIA, "2026-02", score=score, upto=upto)
    history.given(*team(), define("2026-02"), *steps)
    return appraisal_id(ALICE, "2026-02")


def test_scoring_ones_own_appraisal_is_a_breach(history):
    appraised(history)
    log = history.altered(
        "Appraisal.SupervisorScored", actor=person("Alice Rep", Role.SALES_MANAGER)
    )

    [found] = history.breaches("appraisal_not_by_appraisee", log)
    assert found.family is Family.SEGREGATION_OF_DUTIES
    assert history.breaches("appraisal_not_by_appraisee") == []


def test_scoring_by_someone_other_than_the_manager_is_a_breach(history):
    aid = appraised(history)
    log = history.altered("Appraisal.SupervisorScored", actor=DAN)

    [found] = history.breaches("appraisal_by_manager_or_hr", log)
    assert (found.record_id, found.sop_step, found.responsible.name) == (aid, "3.3.3", DAN.name)
    assert "is not the employee's manager" in found.detail


def test_an_incentive_decided_by_someone_not_senior_is_a_breach(history):
    appraised(history, score="95", upto=7)  # finalised
    history.given((decide(), MIA))
    log = history.altered("Appraisal.IncentiveDecided", actor=SUE)

    [found] = history.breaches("incentive_by_senior_approver", log)
    assert "not an incentive approver" in found.detail
    assert history.breaches("incentive_by_senior_approver") == []


def test_a_pay_change_approved_by_a_peer_is_a_breach(history):
    pay = hc.ChangePay(
        employee_id=ALICE.employee_id, salary=money("13000"), effective=TODAY, reason="Review"
    )
    history.given(*team(), (pay, MIA))
    log = history.altered("Employee.PayChanged", actor=BOB)

    [found] = history.breaches("promotion_and_pay_by_senior", log)
    assert (found.record_id, found.responsible.name) == (ALICE.employee_id, BOB.name)
    assert history.breaches("promotion_and_pay_by_senior") == []


def test_an_escalation_resolved_by_someone_not_handling_escalations_is_a_breach(history):
    history.given(*team(), define("2026-01"), define("2026-02"))
    history.given(*appraise(ALICE, MIA, "2026-01", score="50"))
    history.given(*appraise(ALICE, MIA, "2026-02", score="50"))
    escalation = Escalation.id_for(appraisal_id(ALICE, "2026-02"))
    history.given((pc.ResolveEscalation(escalation_id=escalation, outcome="Retrained"), DAN))
    log = history.altered("Escalation.Resolved", actor=MIA)

    [found] = history.breaches("escalation_by_handler", log)
    assert "is not an escalation handler" in found.detail
    assert history.breaches("escalation_by_handler") == []


def test_an_expense_approved_by_someone_other_than_the_spenders_manager_is_a_breach(history):
    eid = uuid4()
    approval = pc.ApproveSalesExpense(expense_id=eid, comments="ok")
    history.given(*team(), (expense(eid), MIA), (approval, MIA))
    log = history.altered("SalesExpense.Approved", actor=DAN)

    [found] = history.breaches("expense_by_manager", log)
    assert "is not the spender's manager" in found.detail
    assert history.breaches("expense_by_manager") == []


def test_a_role_granted_by_someone_not_acting_as_hr_is_a_breach(history):
    grant = hc.GrantRole(employee_id=ALICE.employee_id, role=Role.SALES_SUPERVISOR)
    history.given(*team(), (grant, HANNA))
    log = history.altered("Employee.RoleGranted", actor=MIA)

    [found] = history.breaches("roles_by_hr", log)
    assert "not acting as HR" in found.detail
    assert history.breaches("roles_by_hr") == []


def test_a_hire_decided_by_hr_is_a_breach(history):
    steps, _ = hire("Nora New")
    history.given(*team(), *steps)
    log = history.altered("Candidate.Selected", actor=HANNA)

    [found] = history.breaches("hire_decided_by_manager", log)
    assert (found.sop_step, found.responsible.name) == ("3.1.4", HANNA.name)
    assert history.breaches("hire_decided_by_manager") == []


# ---- 2.1.2 qualification outside the policy ----------------------------------------------


def qualified_by_override(history: History, approver: Actor = MIA) -> UUID:
    """A prospect assessed low / low, qualified by Alice with ``approver``'s override."""
    reg = b.register()
    cid = b.customer_id(reg)
    override = QualificationOverride(
        approved_by=approver.employee_id,
        approver_role=approver.role,
        approver_name=approver.name,
        reason="Parent company guarantees payment",
    )
    history.given(
        (reg, ALICE),
        (b.assess(cid, Level.LOW, Level.LOW), ALICE),
        (pcc.QualifyProspect(customer_id=cid, reason="Strategic", override=override), ALICE),
    )
    return cid


def test_a_qualification_outside_the_policy_is_listed_as_an_override(history):
    cid = qualified_by_override(history)

    [found] = history.report(TODAY, TODAY).overrides
    assert (found.sop_step, found.record_id, found.record) == (
        "2.1.2",
        cid,
        "prospect Hangzhou Precision Co., Ltd.",
    )
    assert (found.requested_by.name, found.approved_by.name) == (ALICE.name, MIA.name)
    assert found.approved_by.role == Role.SALES_MANAGER.value
    assert "need intent low, purchasing power low" in found.detail
    assert "Parent company guarantees payment" in found.detail
    assert history.breaches("qualification_override_by_authorised_role") == []


def test_a_qualification_override_by_a_role_the_policy_does_not_authorise_is_a_breach(history):
    qualified_by_override(history)
    override = history.event("Customer.Qualified").override
    log = history.altered(
        "Customer.Qualified",
        override=override.model_copy(update={"approver_role": Role.SALES_SUPERVISOR}),
    )

    [found] = history.breaches("qualification_override_by_authorised_role", log)
    assert found.family is Family.AUTHORITY
    assert "as sales supervisor, a role policy 2026.1 does not" in found.detail


# ---- 3.1.4 enrolment outside recruitment (ADR 45) ------------------------------------------


def test_an_enrolment_outside_recruitment_is_listed_as_an_override(history):
    history.given(*pb.founding())

    found = [o for o in history.report(TODAY, TODAY).overrides if o.sop_step == "3.1.4"]
    assert [(o.record, o.approved_by.name) for o in found] == [
        ("employee Mia Manager", MIA.name),
        ("employee Alice Rep", MIA.name),
    ]
    assert found[1].requested_by.name == HANNA.name
    assert found[1].approved_by.role == Role.SALES_MANAGER.value
    assert "onboarded before the system; Hired before the system existed" in found[1].detail
    assert history.breaches("enrolment_exception_by_authorised_role") == []


def test_an_enrolment_exception_by_a_role_the_policy_does_not_authorise_is_a_breach(history):
    history.given(*pb.founding())
    exception = history.event("Employee.Enrolled", 2).exception
    log = history.altered(
        "Employee.Enrolled",
        2,
        exception=exception.model_copy(update={"approver_role": Role.SALES_SUPERVISOR}),
    )

    [found] = history.breaches("enrolment_exception_by_authorised_role", log)
    assert (found.family, found.responsible.name) == (Family.AUTHORITY, HANNA.name)
    assert "as sales supervisor, a role policy 2026.1 does not" in found.detail


# ---- 3.3.3 appraisal scores and actuals (ADR 45) -------------------------------------------


def judged_and_corrected(history: History) -> UUID:
    """Alice's February appraisal: visits corrected from the KPI view's 32 to 34, and
    scored 90 by Mia's judgement where the formula gives 85."""
    aid = appraisal_id(ALICE, "2026-02")
    steps = appraise(ALICE, MIA, "2026-02", score="80", upto=8)
    visits = Indicator.VISITS
    corrected = changed(
        steps[1][0], "figures", visits, value=Decimal(34), correction="Two visits logged late"
    )
    judged = changed(
        steps[3][0], "scores", visits, score=Decimal(90), judgement_reason="Key account won"
    )
    steps[1], steps[3] = (corrected, steps[1][1]), (judged, steps[3][1])
    history.given(*team(), define("2026-02"), *steps)
    return aid


def test_appraisal_judgements_and_corrections_are_listed_as_overrides(history):
    aid = judged_and_corrected(history)

    found = {o.kind: o for o in history.report(TODAY, TODAY).overrides if o.record_id == aid}
    corrected = found["actual figure corrected from the KPI view's"]
    assert corrected.detail == (
        "visits: 34 recorded, the KPI view had 32.0000; Two visits logged late"
    )
    assert corrected.requested_by.name == HANNA.name
    judged = found["indicator score set by the manager's judgement"]
    assert judged.detail == "visits: the formula gives 85.00, judged 90.00 (+5.00); Key account won"
    assert judged.approved_by.name == MIA.name
    assert history.breaches("judgement_within_policy_bound") == []
    assert history.breaches("score_follows_from_actuals") == []


def calculation_altered(history: History, indicator: Indicator, **changes: object) -> list[Entry]:
    """The log with the scores' calculation of ``indicator`` stored with ``changes``."""
    scored = history.event("Appraisal.SupervisorScored")
    calculations = changed(scored.calculations, "calculations", indicator, **changes)
    return history.altered("Appraisal.SupervisorScored", calculations=calculations)


def test_a_judgement_beyond_the_recorded_policys_bound_is_a_breach(history):
    judged_and_corrected(history)
    log = calculation_altered(history, Indicator.VISITS, judgement=Decimal(30))

    [found] = history.breaches("judgement_within_policy_bound", log)
    assert (found.family, found.responsible.name) == (Family.AUTHORITY, MIA.name)
    assert "visits: judged +30 points; policy 2026.1 allows 10 points at most" in found.detail


def test_a_score_the_recorded_formula_does_not_give_is_a_breach(history):
    judged_and_corrected(history)
    log = calculation_altered(history, Indicator.REVENUE, formula_score=Decimal(100))

    [found] = history.breaches("score_follows_from_actuals", log)
    assert "revenue: recorded 100, policy 2026.1's formula gives 80.00" in found.detail
