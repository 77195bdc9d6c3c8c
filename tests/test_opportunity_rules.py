"""Every rule the Opportunity aggregate enforces (SOP 2.1.3-2.3.3), one Given/When/Then each.

Each test runs on the three stores (memory, SQLite, PostgreSQL) through the ``spec`` fixture.
The canned history of one deal (``tests.builders``) is replayed up to a named point:

    OPENED, CONTACTED, DISCOVERED, PRIORITISED, DESIGNED, CONFIRMED, PRESENTED, ACKNOWLEDGED,
    QUOTED (version 1 at 1,000 CNY a unit, cost 600, valid 30 days from builders.TODAY).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time

from salesdomain.errors import NotAuthorised, RecordNotFound
from salesdomain.opportunities import commands as oc
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.opportunities.stages import Stage
from salesdomain.opportunities.values import NeedPriority, Prioritisation, Rating
from salesdomain.policy import SalesPolicy
from salesdomain.prospecting import commands as pc
from salesdomain.sop import Role
from tests import builders as b
from tests.builders import ALICE, BOB, DAN, MIA, PAT, QUINN, SUE, TODAY

NOW = "2026-03-02 09:00:00+00:00"  # builders.TODAY, 09:00 UTC

OPENED, CONTACTED, DISCOVERED, PRIORITISED, DESIGNED, CONFIRMED, PRESENTED = range(1, 8)
ACKNOWLEDGED, QUOTED = 8, 9


# ---- helpers ----------------------------------------------------------------------------


def deal(spec, upto: int = QUOTED, reg: pc.RegisterProspect | None = None) -> UUID:
    """A qualified customer (``reg``, else the canned one) and ALICE's opportunity, its
    canned history replayed ``upto``."""
    opp = uuid4()
    reg = reg or b.register()
    history = [*b.through_acknowledged(opp, b.customer_id(reg)), (b.quote(opp), ALICE)]
    spec.given(*b.qualified_customer(reg), *history[:upto])
    return opp


def accept(opp: UUID, version: int = 1) -> oc.AcceptQuote:
    return oc.AcceptQuote(opportunity_id=opp, quote_version=version, accepted_by="Li Na")


def lost(opp: UUID) -> oc.MarkOpportunityLost:
    return oc.MarkOpportunityLost(opportunity_id=opp, reason="Budget frozen", competitor="Acme")


def ranking(opp: UUID, *codes: str) -> oc.PrioritiseNeeds:
    """Rank exactly ``codes`` (the first is the key need)."""
    priorities = tuple(
        NeedPriority(code=code, rank=i, feasibility=Rating.HIGH, fit=Rating.HIGH, key=i == 1)
        for i, code in enumerate(codes, start=1)
    )
    return oc.PrioritiseNeeds(
        opportunity_id=opp,
        prioritisation=Prioritisation(priorities=priorities, opportunity_summary="Retrofit"),
    )


request = b.request_discount


def approve(opp: UUID) -> oc.ApproveDiscount:
    return oc.ApproveDiscount(opportunity_id=opp, comments="Strategic account")


def reject(opp: UUID) -> oc.RejectDiscount:
    return oc.RejectDiscount(opportunity_id=opp, comments="Hold the price")


def costly_quote(opp: UUID) -> oc.IssueQuote:
    """A first quote at list price whose margin (20%) is below the rep's 25% floor."""
    return b.quote(opp, lines=b.lines("1000", "800"))


# ---- 2.1.3 opening: only for a qualified customer ------------------------------------------


@freeze_time(NOW)
def test_opening_for_a_qualified_customer_makes_the_sender_the_owner(spec):
    opp, reg = uuid4(), b.register()
    spec.given(*b.qualified_customer(reg))
    spec.when(b.open_opportunity(b.customer_id(reg), opp), BOB).then("Opportunity.Opened")
    assert spec.app.load(Opportunity, opp).owner_id == BOB.employee_id


@freeze_time(NOW)
def test_opening_for_a_registered_but_unassessed_prospect_is_refused(spec):
    reg = b.register()
    spec.given((reg, ALICE)).when(
        b.open_opportunity(b.customer_id(reg), uuid4()), ALICE
    ).then_refused("opportunity_for_qualified_prospect")


@freeze_time(NOW)
def test_opening_for_a_disqualified_prospect_is_refused(spec):
    reg = b.register()
    cid = b.customer_id(reg)
    spec.given(
        (reg, ALICE),
        (b.assess(cid), ALICE),
        (pc.DisqualifyProspect(customer_id=cid, reason="No budget"), ALICE),
    )
    spec.when(b.open_opportunity(cid, uuid4()), ALICE).then_refused(
        "opportunity_for_qualified_prospect"
    )


@freeze_time(NOW)
def test_opening_for_an_unknown_customer_is_refused(spec):
    spec.when(b.open_opportunity(uuid4(), uuid4()), ALICE).then_rejected(
        RecordNotFound, rule="no customer with id"
    )


# ---- owner-only work --------------------------------------------------------------------

OWNER_WORK = [
    pytest.param(OPENED, b.log_visit, "2.1.3", "ContactLogged", id="log-contact"),
    pytest.param(CONTACTED, b.discover, "2.2.1", "NeedsDiscovered", id="discover"),
    pytest.param(DISCOVERED, b.prioritise, "2.2.2", "NeedsPrioritised", id="prioritise"),
    pytest.param(PRIORITISED, b.design, "2.2.3", "SolutionDesigned", id="design"),
    pytest.param(CONFIRMED, b.present, "2.3.1", "SolutionPresented", id="present"),
    pytest.param(PRESENTED, b.acknowledge, "2.3.1", "SolutionAcknowledged", id="acknowledge"),
    pytest.param(ACKNOWLEDGED, b.quote, "2.3.2", "QuoteIssued", id="quote"),
    pytest.param(QUOTED, b.negotiate, "2.3.3", "NegotiationRoundRecorded", id="negotiate"),
    pytest.param(
        QUOTED, b.request_discount, "2.3.3", "DiscountApprovalRequested", id="request-discount"
    ),
    pytest.param(QUOTED, accept, "2.3.3", "QuoteAccepted", id="accept"),
    pytest.param(QUOTED, lost, "2.3.2", "Lost", id="mark-lost"),
]


@pytest.mark.parametrize(("upto", "command", "step", "event"), OWNER_WORK)
@freeze_time(NOW)
def test_another_rep_cannot_work_on_the_owners_opportunity(spec, upto, command, step, event):
    opp = deal(spec, upto)
    spec.when(command(opp), BOB).then_rejected(NotAuthorised, step=step, rule="does not own")


@pytest.mark.parametrize(("upto", "command", "step", "event"), OWNER_WORK)
@freeze_time(NOW)
def test_a_sales_supervisor_can_work_on_a_reps_opportunity(spec, upto, command, step, event):
    opp = deal(spec, upto)
    spec.when(command(opp), SUE).then(f"Opportunity.{event}")


@freeze_time(NOW)
def test_a_sales_manager_can_work_on_a_reps_opportunity(spec):
    opp = deal(spec, OPENED)
    spec.when(b.log_visit(opp), MIA).then("Opportunity.ContactLogged")


# ---- 2.2.1 / 2.2.2 needs ---------------------------------------------------------------


@freeze_time(NOW)
def test_needs_are_discovered_only_after_a_logged_contact(spec):
    opp = deal(spec, OPENED)
    spec.when(b.discover(opp), ALICE).then_refused("needs_discovered_in_contact")


@freeze_time(NOW)
def test_needs_cannot_change_once_a_quote_is_issued(spec):
    opp = deal(spec, QUOTED)
    spec.when(b.discover(opp), ALICE).then_refused("needs_fixed_once_quoted")


@freeze_time(NOW)
def test_rediscovered_needs_are_prioritised_and_designed_for_again(spec):
    opp = deal(spec, ACKNOWLEDGED)
    spec.given((b.discover(opp), ALICE))
    spec.when(b.quote(opp), ALICE).then_refused("quote_for_acknowledged_solution")
    spec.when(b.prioritise(opp), ALICE).then("Opportunity.NeedsPrioritised")
    spec.when(b.design(opp), ALICE).then("Opportunity.SolutionDesigned")


@freeze_time(NOW)
def test_needs_are_prioritised_only_after_they_are_recorded(spec):
    opp = deal(spec, CONTACTED)
    spec.when(b.prioritise(opp), ALICE).then_refused("needs_prioritised_after_recorded")


@pytest.mark.parametrize(
    ("codes", "detail"),
    [
        (("N1",), "not ranked: N2; not recorded: none"),
        (("N1", "N2", "N3"), "not ranked: none; not recorded: N3"),
    ],
)
@freeze_time(NOW)
def test_prioritisation_ranks_exactly_the_recorded_needs(spec, codes, detail):
    opp = deal(spec, DISCOVERED)
    error = spec.when(ranking(opp, *codes), ALICE).then_refused("every_recorded_need_ranked")
    assert detail in str(error)


@freeze_time(NOW)
def test_priorities_are_fixed_once_a_solution_is_designed(spec):
    opp = deal(spec, DESIGNED)
    spec.when(b.prioritise(opp), ALICE).then_refused("priorities_fixed_once_designed")


# ---- 2.2.3 solution and feasibility ----------------------------------------------------


@pytest.mark.parametrize("upto", [CONTACTED, DISCOVERED], ids=["no-needs", "not-prioritised"])
@freeze_time(NOW)
def test_no_solution_without_recorded_and_prioritised_needs(spec, upto):
    opp = deal(spec, upto)
    spec.when(b.design(opp), ALICE).then_refused("solution_from_recorded_needs")


@freeze_time(NOW)
def test_the_solution_cannot_be_redesigned_after_a_quote(spec):
    opp = deal(spec, QUOTED)
    spec.when(b.design(opp), ALICE).then_refused("solution_fixed_once_quoted")


@freeze_time(NOW)
def test_a_redesigned_solution_needs_feasibility_confirmed_again(spec):
    opp = deal(spec, ACKNOWLEDGED)
    spec.given((b.design(opp), ALICE))
    spec.when(b.present(opp), ALICE).then_refused(
        "presented_solution_feasible", detail="waiting for: production"
    )


@freeze_time(NOW)
def test_a_redesigned_solution_is_acknowledged_again_before_a_quote(spec):
    opp = deal(spec, ACKNOWLEDGED)
    spec.given((b.design(opp), ALICE), (b.confirm(opp), PAT), (b.present(opp), ALICE))
    spec.when(b.quote(opp), ALICE).then_refused("quote_for_acknowledged_solution")


@freeze_time(NOW)
def test_feasibility_is_confirmed_only_by_an_involved_department(spec):
    opp = deal(spec, DESIGNED)  # the solution involves production only
    spec.when(b.confirm(opp), QUINN).then_rejected(
        NotAuthorised, step="2.2.3", rule="not in a department involved in the solution"
    )


@freeze_time(NOW)
def test_feasibility_is_not_confirmed_before_a_solution_exists(spec):
    opp = deal(spec, PRIORITISED)
    spec.when(b.confirm(opp), PAT).then_refused("feasibility_of_designed_solution")


@freeze_time(NOW)
def test_feasibility_is_not_confirmed_after_the_presentation(spec):
    opp = deal(spec, PRESENTED)
    spec.when(b.confirm(opp), PAT).then_refused("feasibility_before_presentation")


# ---- 2.3.1 presentation and acknowledgement --------------------------------------------


@freeze_time(NOW)
def test_only_a_designed_solution_is_presented(spec):
    opp = deal(spec, PRIORITISED)
    spec.when(b.present(opp), ALICE).then_refused("presented_solution_designed")


@freeze_time(NOW)
def test_presentation_waits_for_every_involved_department(spec):
    opp = deal(spec, PRIORITISED)
    spec.given((b.design(opp, (Role.PRODUCTION, Role.PROCUREMENT)), ALICE), (b.confirm(opp), PAT))
    spec.when(b.present(opp), ALICE).then_refused(
        "presented_solution_feasible", detail="waiting for: procurement"
    )


@freeze_time(NOW)
def test_a_department_finding_the_solution_infeasible_blocks_presentation(spec):
    opp = deal(spec, DESIGNED)
    spec.given((b.confirm(opp, feasible=False), PAT))
    spec.when(b.present(opp), ALICE).then_refused(
        "presented_solution_feasible", detail="waiting for: production"
    )


@freeze_time(NOW)
def test_the_customer_acknowledges_only_after_the_presentation(spec):
    opp = deal(spec, CONFIRMED)
    spec.when(b.acknowledge(opp), ALICE).then_refused("solution_acknowledged_after_presentation")


@freeze_time(NOW)
def test_the_solution_is_acknowledged_once(spec):
    opp = deal(spec, ACKNOWLEDGED)
    spec.when(b.acknowledge(opp), ALICE).then_refused("solution_acknowledged_once")


# ---- 2.3.2 quotes ----------------------------------------------------------------------


@freeze_time(NOW)
def test_no_quote_without_an_acknowledged_solution(spec):
    opp = deal(spec, PRESENTED)
    spec.when(b.quote(opp), ALICE).then_refused("quote_for_acknowledged_solution")


@freeze_time(NOW)
def test_the_first_quote_is_version_one(spec):
    opp = deal(spec, ACKNOWLEDGED)
    [issued] = spec.when(b.quote(opp), ALICE).then("Opportunity.QuoteIssued")
    assert (issued.quote_version, issued.supersedes, issued.approval) == (1, None, None)


@freeze_time(NOW)
def test_a_revised_quote_supersedes_the_previous_version(spec):
    opp = deal(spec, QUOTED)
    spec.given((b.quote(opp, "990"), ALICE))
    [issued] = spec.when(b.quote(opp, "960"), ALICE).then("Opportunity.QuoteIssued")
    assert (issued.quote_version, issued.supersedes, issued.discount) == (3, 2, Decimal("0.04"))


@freeze_time(NOW)
def test_a_quote_already_expired_is_refused(spec):
    opp = deal(spec, ACKNOWLEDGED)
    spec.when(b.quote(opp, valid_days=-1), ALICE).then_refused("quote_valid_from_issue")


@freeze_time(NOW)
def test_a_quote_delivering_in_the_past_is_refused(spec):
    opp = deal(spec, ACKNOWLEDGED)
    late = b.quote(opp, delivery_date=TODAY - timedelta(days=1))
    spec.when(late, ALICE).then_refused("quote_delivery_not_in_past")


def test_a_quote_is_accepted_on_its_last_valid_day(spec):
    with freeze_time(NOW) as frozen:
        opp = deal(spec, QUOTED)  # valid until TODAY + 30 days
        frozen.move_to("2026-04-01 18:00:00+00:00")
        spec.when(accept(opp), ALICE).then("Opportunity.QuoteAccepted")


def test_an_expired_quote_cannot_be_accepted(spec):
    with freeze_time(NOW) as frozen:
        opp = deal(spec, QUOTED)  # valid until TODAY + 30 days
        frozen.move_to("2026-04-02 09:00:00+00:00")
        spec.when(accept(opp), ALICE).then_refused("quote_accepted_while_valid")


@freeze_time(NOW)
def test_a_superseded_quote_cannot_be_accepted(spec):
    opp = deal(spec, QUOTED)
    spec.given((b.quote(opp, "980"), ALICE))
    spec.when(accept(opp, 1), ALICE).then_refused(
        "superseded_quote_not_accepted", detail="superseded by version 2"
    )


@pytest.mark.parametrize(("upto", "version"), [(ACKNOWLEDGED, 1), (QUOTED, 2)])
@freeze_time(NOW)
def test_only_an_issued_quote_version_can_be_accepted(spec, upto, version):
    opp = deal(spec, upto)
    spec.when(accept(opp, version), ALICE).then_refused("accepted_quote_issued")


# ---- 2.3.3 discounts beyond authority --------------------------------------------------


@freeze_time(NOW)
def test_a_rep_gives_a_discount_within_authority_without_approval(spec):
    opp = deal(spec, QUOTED)
    spec.when(b.quote(opp, "950"), ALICE).then("Opportunity.QuoteIssued")


@freeze_time(NOW)
def test_a_discount_beyond_the_reps_authority_needs_approval(spec):
    opp = deal(spec, QUOTED)
    spec.when(b.quote(opp, "880"), ALICE).then_refused("quote_within_authority_or_approved")


@freeze_time(NOW)
def test_an_approved_discount_can_be_quoted_and_the_quote_records_the_approval(spec):
    opp = deal(spec, QUOTED)
    spec.given((request(opp), ALICE), (approve(opp), MIA))
    [issued] = spec.when(b.quote(opp, "880", approval_id=1), ALICE).then("Opportunity.QuoteIssued")
    assert (issued.approval, issued.discount, issued.supersedes) == (1, Decimal("0.12"), 1)


def test_an_approval_covers_its_lines_quoted_the_next_day_without_a_date(spec):
    with freeze_time(NOW) as frozen:
        opp = deal(spec, QUOTED)
        spec.given((request(opp), ALICE), (approve(opp), MIA))  # valid until TODAY + 30 days
        frozen.move_to("2026-03-03 09:00:00+00:00")
        quote = b.quote(opp, "880", valid_days=None, approval_id=1)
        [issued] = spec.when(quote, ALICE).then("Opportunity.QuoteIssued")
    assert issued.terms.valid_until == TODAY + timedelta(days=1 + 30)  # the policy's 30 days
    assert (issued.approval, issued.discount) == (1, Decimal("0.12"))


@freeze_time(NOW)
def test_an_approval_does_not_bind_payment_delivery_or_validity(spec):
    opp = deal(spec, QUOTED)
    spec.given((request(opp), ALICE), (approve(opp), MIA))
    other = b.quote(
        opp,
        "880",
        valid_days=10,
        approval_id=1,
        payment_terms="100% on delivery",
        delivery_date=TODAY + timedelta(days=90),
    )
    spec.when(other, ALICE).then("Opportunity.QuoteIssued")


@freeze_time(NOW)
def test_a_quote_beyond_authority_names_the_approval_it_relies_on(spec):
    opp = deal(spec, QUOTED)
    spec.given((request(opp), ALICE), (approve(opp), MIA))
    spec.when(b.quote(opp, "880"), ALICE).then_refused(
        "quote_within_authority_or_approved", detail="approval #1 was granted for these lines"
    )


@pytest.mark.parametrize(
    ("price", "quantity"), [("870", "100"), ("880", "90")], ids=["price", "quantity"]
)
@freeze_time(NOW)
def test_an_approval_covers_only_the_priced_lines_it_approved(spec, price, quantity):
    opp = deal(spec, QUOTED)
    spec.given((request(opp), ALICE), (approve(opp), MIA))
    other = b.quote(opp, approval_id=1, lines=b.lines(price, qty=quantity))
    refused = spec.when(other, ALICE).then_refused("approval_for_the_priced_lines")
    assert "discount approval #1: approved, not quoted: RK-3" in str(refused)
    assert f"quoted, not approved: RK-3 Retrofit kit (Model RK-3, 380V) {quantity} at" in str(
        refused
    )


NAMED_APPROVAL_REFUSED = [
    pytest.param(
        lambda opp: [(request(opp), ALICE), (approve(opp), MIA)],
        2,
        ("approval_of_this_opportunity", "this opportunity has no discount approval #2"),
        id="unknown",
    ),
    pytest.param(
        lambda opp: [(request(opp), ALICE)],
        1,
        ("approval_granted", "discount approval #1 awaits a decision"),
        id="open",
    ),
    pytest.param(
        lambda opp: [(request(opp), ALICE), (reject(opp), MIA)],
        1,
        ("approval_granted", "discount approval #1 was refused"),
        id="refused",
    ),
    pytest.param(
        lambda opp: [
            (request(opp), ALICE),
            (approve(opp), MIA),
            (b.quote(opp, "880", approval_id=1), ALICE),
        ],
        1,
        ("approval_covers_one_quote", "discount approval #1 was used by quote version 2"),
        id="used",
    ),
]


@pytest.mark.parametrize(("history", "approval_id", "rule"), NAMED_APPROVAL_REFUSED)
@freeze_time(NOW)
def test_a_quote_naming_an_approval_it_may_not_use_is_refused(spec, history, approval_id, rule):
    opp = deal(spec, QUOTED)
    spec.given(*history(opp))
    rule_id, detail = rule
    spec.when(b.quote(opp, "880", approval_id=approval_id), ALICE).then_refused(
        rule_id, detail=detail
    )


@freeze_time(NOW)
def test_another_opportunitys_approval_does_not_cover_a_quote(spec):
    mine, theirs = deal(spec), deal(spec, reg=b.register("Ningbo Tools Ltd.", reg=""))
    spec.given((request(theirs), ALICE), (approve(theirs), MIA))
    spec.when(b.quote(mine, "880", approval_id=1), ALICE).then_refused(
        "approval_of_this_opportunity", detail="this opportunity has no discount approval #1"
    )


@freeze_time(NOW)
def test_a_margin_below_the_floor_on_the_first_quote_needs_approval(spec):
    opp = deal(spec, ACKNOWLEDGED)
    spec.when(costly_quote(opp), ALICE).then_refused(
        "quote_within_authority_or_approved", detail="margin 20.0%"
    )


@freeze_time(NOW)
def test_an_approved_low_margin_first_quote_can_be_issued(spec):
    opp = deal(spec, ACKNOWLEDGED)
    spec.given((request(opp, "1000", cost="800"), ALICE), (approve(opp), MIA))
    quote = costly_quote(opp).model_copy(update={"approval_id": 1})
    [issued] = spec.when(quote, ALICE).then("Opportunity.QuoteIssued")
    assert (issued.approval, issued.margin) == (1, Decimal("0.2"))


@freeze_time(NOW)
def test_approval_is_requested_for_an_acknowledged_solution(spec):
    opp = deal(spec, PRESENTED)
    spec.when(request(opp), ALICE).then_refused("prices_approved_for_acknowledged_solution")


@freeze_time(NOW)
def test_approval_is_not_requested_for_terms_within_authority(spec):
    opp = deal(spec, QUOTED)
    spec.when(request(opp, "960"), ALICE).then_refused("discount_requested_beyond_authority")


@freeze_time(NOW)
def test_only_one_discount_request_is_pending_at_a_time(spec):
    opp = deal(spec, QUOTED)
    spec.given((request(opp), ALICE))
    spec.when(request(opp, "870"), ALICE).then_refused("one_discount_request_at_a_time")


@freeze_time(NOW)
def test_there_must_be_a_request_to_approve(spec):
    opp = deal(spec, QUOTED)
    spec.when(approve(opp), MIA).then_refused(
        "discount_decided_on_request", detail="no discount request to approve"
    )


@freeze_time(NOW)
def test_a_sales_supervisor_cannot_approve_a_discount(spec):
    opp = deal(spec, QUOTED)
    spec.given((request(opp), ALICE))
    spec.when(approve(opp), SUE).then_rejected(
        NotAuthorised, step="2.3.3", rule="may not approve discounts"
    )


@freeze_time(NOW)
def test_a_sales_supervisor_cannot_reject_a_discount(spec):
    opp = deal(spec, QUOTED)
    spec.given((request(opp), ALICE))
    spec.when(reject(opp), SUE).then_rejected(
        NotAuthorised, step="2.3.3", rule="may not decide on discounts"
    )


@freeze_time(NOW)
def test_the_requester_cannot_approve_their_own_request(spec):
    opp = deal(spec, QUOTED)
    spec.given((request(opp, "750"), MIA))  # 25%: beyond the manager's own 20%
    spec.when(approve(opp), MIA).then_rejected(
        NotAuthorised, step="2.3.3", rule="cannot approve their own request"
    )


@freeze_time(NOW)
def test_an_approver_cannot_approve_beyond_their_own_authority(spec):
    opp = deal(spec, QUOTED)
    spec.given((request(opp, "750"), ALICE))  # 25% off
    spec.when(approve(opp), MIA).then_rejected(
        NotAuthorised, step="2.3.3", rule="may approve up to 20.0% discount"
    )


@freeze_time(NOW)
def test_a_director_approves_what_a_manager_may_not(spec):
    opp = deal(spec, QUOTED)
    spec.given((request(opp, "750"), ALICE), (approve(opp), DAN))
    [issued] = spec.when(b.quote(opp, "750", approval_id=1), ALICE).then("Opportunity.QuoteIssued")
    assert issued.approval == 1


@freeze_time(NOW)
def test_a_rejected_discount_cannot_be_quoted(spec):
    opp = deal(spec, QUOTED)
    spec.given((request(opp), ALICE), (reject(opp), MIA))
    spec.when(b.quote(opp, "880"), ALICE).then_refused("quote_within_authority_or_approved")


# ---- 2.3.3 negotiation -----------------------------------------------------------------


@freeze_time(NOW)
def test_a_price_is_negotiated_only_on_an_issued_quote(spec):
    opp = deal(spec, ACKNOWLEDGED)
    spec.when(b.negotiate(opp), ALICE).then_refused("negotiation_on_issued_quote")


@freeze_time(NOW)
def test_negotiation_rounds_are_numbered_and_move_the_stage_to_negotiation(spec):
    opp = deal(spec, QUOTED)
    spec.given((b.negotiate(opp), ALICE), (b.quote(opp, "960"), ALICE))
    [round_] = spec.when(b.negotiate(opp), ALICE).then("Opportunity.NegotiationRoundRecorded")
    assert round_.round_number == 2
    assert spec.app.load(Opportunity, opp).stage is Stage.NEGOTIATION


# ---- won and lost ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upto", "negotiated", "step"),
    [
        (OPENED, False, "2.1.3"),
        (PRIORITISED, False, "2.2.2"),
        (DESIGNED, False, "2.2.3"),
        (ACKNOWLEDGED, False, "2.3.1"),
        (QUOTED, False, "2.3.2"),
        (QUOTED, True, "2.3.3"),
    ],
)
@freeze_time(NOW)
def test_lost_is_recorded_under_the_step_of_the_stage_reached(spec, upto, negotiated, step):
    opp = deal(spec, upto)
    spec.given(*([(b.negotiate(opp), ALICE)] if negotiated else []))
    [event] = spec.when(lost(opp), ALICE).then("Opportunity.Lost")
    assert (event.sop_step, event.reason, event.competitor) == (step, "Budget frozen", "Acme")


@pytest.mark.parametrize(
    ("command", "actor", "step"),
    [
        (b.log_visit, ALICE, "2.1.3"),
        (b.quote, ALICE, "2.3.2"),
        (b.confirm, PAT, "2.2.3"),
        (lost, ALICE, "2.3.3"),
        (b.request_discount, ALICE, "2.3.3"),
    ],
)
@pytest.mark.parametrize("close", [accept, lost], ids=["won", "lost"])
@freeze_time(NOW)
def test_nothing_is_recorded_after_won_or_lost(spec, close, command, actor, step):
    opp = deal(spec, QUOTED)
    spec.given((close(opp), ALICE))
    spec.when(command(opp), actor).then_refused("opportunity_closed", step=step)


@freeze_time(NOW)
def test_no_discount_decision_after_the_opportunity_is_lost(spec):
    opp = deal(spec, QUOTED)
    spec.given((request(opp), ALICE), (lost(opp), ALICE))
    spec.when(approve(opp), MIA).then_refused("opportunity_closed", step="2.3.3")


# ---- weighted amount -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upto", "close", "weighted"),
    [
        (OPENED, None, "25000"),
        (DESIGNED, None, "125000"),
        (QUOTED, None, "60000"),
        (QUOTED, accept, "100000"),
        (QUOTED, lost, "0"),
    ],
)
@freeze_time(NOW)
def test_weighted_amount_uses_the_stage_probability(spec, upto, close, weighted):
    opp = deal(spec, upto)  # estimate 500,000; the quote is 100 x 1,000
    spec.given(*([(close(opp), ALICE)] if close else []))
    assert spec.app.load(Opportunity, opp).weighted_amount(spec.app.policy) == b.money(weighted)


@freeze_time(NOW)
def test_weighted_amount_follows_the_policy_figures(spec):
    opp = deal(spec, QUOTED)
    defaults = SalesPolicy().stage_probability
    policy = SalesPolicy(stage_probability={**defaults, Stage.QUOTED: Decimal("0.5")})
    assert spec.app.load(Opportunity, opp).weighted_amount(policy) == b.money("50000")
