"""Every rule the Opportunity aggregate enforces (SOP 2.1.3-2.3.3), one Given/When/Then each.

Each test runs on the three stores (memory, SQLite, PostgreSQL) through the ``spec`` fixture.
The canned history of one deal (``tests.builders``) is replayed up to a named point:

    OPENED, CONTACTED, DISCOVERED, PRIORITISED, DESIGNED, CONFIRMED, PRESENTED, ACKNOWLEDGED,
    QUOTED (version 1 at 1,000 CNY a unit, cost 600, valid 30 days from builders.TODAY).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time

from salesdomain.commands import Command
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
from tests.spec import Step, every_row, not_authorised, on, refused

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


def requested(opp: UUID) -> list[Step]:
    """ALICE asks approval for 12% off (beyond her 10%)."""
    return [(request(opp), ALICE)]


def approved(opp: UUID) -> list[Step]:
    """... and MIA approves it: approval #1."""
    return [*requested(opp), (approve(opp), MIA)]


def redesigned(opp: UUID) -> list[Step]:
    return [(b.design(opp), ALICE)]


def quote_at(price: str, **kw: object) -> Callable[[UUID], oc.IssueQuote]:
    return lambda opp: b.quote(opp, price, **kw)


# ---- every rule, one row each: the deal replayed to a point, then a step it rules out -------

TOMORROW, A_YEAR_AHEAD = TODAY + timedelta(days=1), TODAY + timedelta(days=366)


def dated_ahead(at: int, command: Callable[[UUID], Command], step: str, field: str, day: date):
    """A row: ``command`` (dated ``day`` in ``field``) refused at ``step`` as a fact
    recorded ahead of time."""
    return refused(
        at,
        command,
        ALICE,
        "fact_dated_when_it_happened",
        step=step,
        detail=f"{field} {day} is after today, {TODAY}",
        id=f"{field}-{day}",
    )


RULES = on(
    deal,
    [
        # 1: facts are dated when they happened, not ahead of time
        dated_ahead(
            OPENED, lambda opp: b.log_visit(opp, TOMORROW), "2.1.3", "occurred_on", TOMORROW
        ),
        dated_ahead(
            CONTACTED,
            lambda opp: b.log_visit(opp, A_YEAR_AHEAD),
            "2.1.3",
            "occurred_on",
            A_YEAR_AHEAD,
        ),
        dated_ahead(
            CONFIRMED, lambda opp: b.present(opp, TOMORROW), "2.3.1", "presented_on", TOMORROW
        ),
        dated_ahead(
            QUOTED, lambda opp: b.negotiate(opp, on=TOMORROW), "2.3.3", "held_on", TOMORROW
        ),
        # 2.2.1 / 2.2.2 needs
        refused(OPENED, b.discover, ALICE, "needs_discovered_in_contact"),
        refused(QUOTED, b.discover, ALICE, "needs_fixed_once_quoted"),
        refused(CONTACTED, b.prioritise, ALICE, "needs_prioritised_after_recorded"),
        refused(DESIGNED, b.prioritise, ALICE, "priorities_fixed_once_designed"),
        # 2.2.3 solution and feasibility
        refused(CONTACTED, b.design, ALICE, "solution_from_recorded_needs", id="no-needs"),
        refused(DISCOVERED, b.design, ALICE, "solution_from_recorded_needs", id="not-prioritised"),
        refused(QUOTED, b.design, ALICE, "solution_fixed_once_quoted"),
        not_authorised(
            DESIGNED,  # the solution involves production only
            b.confirm,
            QUINN,
            "not in a department involved in the solution",
            step="2.2.3",
            id="only-an-involved-department-confirms-feasibility",
        ),
        refused(PRIORITISED, b.confirm, PAT, "feasibility_of_designed_solution"),
        refused(PRESENTED, b.confirm, PAT, "feasibility_before_presentation"),
        # 2.3.1 presentation and acknowledgement
        refused(PRIORITISED, b.present, ALICE, "presented_solution_designed"),
        refused(
            PRIORITISED,
            b.present,
            ALICE,
            "presented_solution_feasible",
            given=lambda opp: [
                (b.design(opp, (Role.PRODUCTION, Role.PROCUREMENT)), ALICE),
                (b.confirm(opp), PAT),
            ],
            detail="waiting for: procurement",
            id="waiting-for-every-involved-department",
        ),
        refused(
            DESIGNED,
            b.present,
            ALICE,
            "presented_solution_feasible",
            given=lambda opp: [(b.confirm(opp, feasible=False), PAT)],
            detail="waiting for: production",
            id="a-department-found-it-infeasible",
        ),
        refused(
            ACKNOWLEDGED,
            b.present,
            ALICE,
            "presented_solution_feasible",
            given=redesigned,
            detail="waiting for: production",
            id="redesigned-feasibility-confirmed-again",
        ),
        refused(CONFIRMED, b.acknowledge, ALICE, "solution_acknowledged_after_presentation"),
        refused(ACKNOWLEDGED, b.acknowledge, ALICE, "solution_acknowledged_once"),
        # 2.3.2 quotes
        refused(PRESENTED, b.quote, ALICE, "quote_for_acknowledged_solution"),
        refused(ACKNOWLEDGED, quote_at("1000", valid_days=-1), ALICE, "quote_valid_from_issue"),
        refused(
            ACKNOWLEDGED,
            quote_at("1000", delivery_date=TODAY - timedelta(days=1)),
            ALICE,
            "quote_delivery_not_in_past",
        ),
        refused(
            QUOTED,
            accept,
            ALICE,
            "superseded_quote_not_accepted",
            given=lambda opp: [(b.quote(opp, "980"), ALICE)],
            detail="superseded by version 2",
        ),
        refused(ACKNOWLEDGED, accept, ALICE, "accepted_quote_issued", id="no-quote-issued"),
        refused(
            QUOTED, lambda opp: accept(opp, 2), ALICE, "accepted_quote_issued", id="no-version-2"
        ),
        # 2.3.3 discounts beyond authority
        refused(QUOTED, quote_at("880"), ALICE, "quote_within_authority_or_approved"),
        refused(
            QUOTED,
            quote_at("880"),
            ALICE,
            "quote_within_authority_or_approved",
            given=approved,
            detail="approval #1 was granted for these lines",
            id="names-the-approval-it-relies-on",
        ),
        refused(
            ACKNOWLEDGED,
            costly_quote,
            ALICE,
            "quote_within_authority_or_approved",
            detail="margin 20.0%",
            id="a-margin-below-the-floor",
        ),
        refused(
            QUOTED,
            quote_at("880"),
            ALICE,
            "quote_within_authority_or_approved",
            given=lambda opp: [*requested(opp), (reject(opp), MIA)],
            id="a-rejected-discount",
        ),
        refused(
            QUOTED,
            quote_at("880", approval_id=2),
            ALICE,
            "approval_of_this_opportunity",
            given=approved,
            detail="this opportunity has no discount approval #2",
        ),
        refused(
            QUOTED,
            quote_at("880", approval_id=1),
            ALICE,
            "approval_granted",
            given=requested,
            detail="discount approval #1 awaits a decision",
            id="approval-awaits-a-decision",
        ),
        refused(
            QUOTED,
            quote_at("880", approval_id=1),
            ALICE,
            "approval_granted",
            given=lambda opp: [*requested(opp), (reject(opp), MIA)],
            detail="discount approval #1 was refused",
            id="approval-refused",
        ),
        refused(
            QUOTED,
            quote_at("880", approval_id=1),
            ALICE,
            "approval_covers_one_quote",
            given=lambda opp: [*approved(opp), (b.quote(opp, "880", approval_id=1), ALICE)],
            detail="discount approval #1 was used by quote version 2",
        ),
        refused(PRESENTED, request, ALICE, "prices_approved_for_acknowledged_solution"),
        refused(
            QUOTED, lambda opp: request(opp, "960"), ALICE, "discount_requested_beyond_authority"
        ),
        refused(
            QUOTED,
            lambda opp: request(opp, "870"),
            ALICE,
            "one_discount_request_at_a_time",
            given=requested,
        ),
        refused(
            QUOTED,
            approve,
            MIA,
            "discount_decided_on_request",
            detail="no discount request to approve",
        ),
        not_authorised(
            QUOTED,
            approve,
            SUE,
            "may not approve discounts",
            given=requested,
            step="2.3.3",
            id="a-sales-supervisor-does-not-approve-a-discount",
        ),
        not_authorised(
            QUOTED,
            reject,
            SUE,
            "may not decide on discounts",
            given=requested,
            step="2.3.3",
            id="a-sales-supervisor-does-not-reject-a-discount",
        ),
        not_authorised(
            QUOTED,
            approve,
            MIA,
            "cannot approve their own request",
            given=lambda opp: [(request(opp, "750"), MIA)],  # 25%: beyond the manager's own 20%
            step="2.3.3",
            id="the-requester-does-not-approve-their-own-request",
        ),
        not_authorised(
            QUOTED,
            approve,
            MIA,
            "may approve up to 20.0% discount",
            given=lambda opp: [(request(opp, "750"), ALICE)],  # 25% off
            step="2.3.3",
            id="no-approval-beyond-the-approvers-own-authority",
        ),
        # 2.3.3 negotiation, and after the deal is lost
        refused(ACKNOWLEDGED, b.negotiate, ALICE, "negotiation_on_issued_quote"),
        refused(
            QUOTED,
            approve,
            MIA,
            "opportunity_closed",
            given=lambda opp: [*requested(opp), (lost(opp), ALICE)],
            step="2.3.3",
            id="no-discount-decision-after-lost",
        ),
    ],
)


test_a_step_the_sop_rules_out_is_refused_and_nothing_stored = every_row(RULES, NOW)


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
def test_a_redesigned_solution_is_acknowledged_again_before_a_quote(spec):
    opp = deal(spec, ACKNOWLEDGED)
    spec.given(*redesigned(opp), (b.confirm(opp), PAT), (b.present(opp), ALICE))
    spec.when(b.quote(opp), ALICE).then_refused("quote_for_acknowledged_solution")


@freeze_time(NOW)
def test_rediscovered_needs_are_prioritised_and_designed_for_again(spec):
    opp = deal(spec, ACKNOWLEDGED)
    spec.given((b.discover(opp), ALICE))
    spec.when(b.quote(opp), ALICE).then_refused("quote_for_acknowledged_solution")
    spec.when(b.prioritise(opp), ALICE).then("Opportunity.NeedsPrioritised")
    spec.when(b.design(opp), ALICE).then("Opportunity.SolutionDesigned")


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


# ---- 2.2.3 solution and feasibility ----------------------------------------------------


# ---- 2.3.1 presentation and acknowledgement --------------------------------------------


# ---- 2.3.2 quotes ----------------------------------------------------------------------


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


# ---- 2.3.3 discounts beyond authority --------------------------------------------------


@freeze_time(NOW)
def test_a_rep_gives_a_discount_within_authority_without_approval(spec):
    opp = deal(spec, QUOTED)
    spec.when(b.quote(opp, "950"), ALICE).then("Opportunity.QuoteIssued")


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


@freeze_time(NOW)
def test_another_opportunitys_approval_does_not_cover_a_quote(spec):
    mine, theirs = deal(spec), deal(spec, reg=b.register("Ningbo Tools Ltd.", reg=""))
    spec.given((request(theirs), ALICE), (approve(theirs), MIA))
    spec.when(b.quote(mine, "880", approval_id=1), ALICE).then_refused(
        "approval_of_this_opportunity", detail="this opportunity has no discount approval #1"
    )


@freeze_time(NOW)
def test_an_approved_low_margin_first_quote_can_be_issued(spec):
    opp = deal(spec, ACKNOWLEDGED)
    spec.given((request(opp, "1000", cost="800"), ALICE), (approve(opp), MIA))
    quote = costly_quote(opp).model_copy(update={"approval_id": 1})
    [issued] = spec.when(quote, ALICE).then("Opportunity.QuoteIssued")
    assert (issued.approval, issued.margin) == (1, Decimal("0.2"))


@freeze_time(NOW)
def test_a_director_approves_what_a_manager_may_not(spec):
    opp = deal(spec, QUOTED)
    spec.given((request(opp, "750"), ALICE), (approve(opp), DAN))
    [issued] = spec.when(b.quote(opp, "750", approval_id=1), ALICE).then("Opportunity.QuoteIssued")
    assert issued.approval == 1


# ---- 2.3.3 negotiation -----------------------------------------------------------------


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
        pytest.param(OPENED, False, "2.1.3", id="contacted"),
        pytest.param(PRIORITISED, False, "2.2.2", id="needs-prioritised"),
        pytest.param(DESIGNED, False, "2.2.3", id="solution-designed"),
        pytest.param(ACKNOWLEDGED, False, "2.3.1", id="solution-acknowledged"),
        pytest.param(QUOTED, False, "2.3.2", id="quoted"),
        pytest.param(QUOTED, True, "2.3.3", id="negotiating"),
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
