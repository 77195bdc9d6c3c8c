"""Every rule the Contract aggregate enforces (SOP 2.4.1-2.4.3), one Given/When/Then each.

Each test runs on the three stores (memory, SQLite, PostgreSQL) through the ``spec`` fixture.
A deal is won as ``tests.builders.won_deal`` leaves it (quote v1: 100 x RK-3, owner ALICE),
at 1,000 CNY a unit unless a test names another price: 5,000 (500,000 CNY, two approval
levels) or 15,000 (1,500,000 CNY, three levels).  The contract steps are those of
``tests.contract_builders``: LEO drafts, ALICE reviews, MIA approves and records the signing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time
from pydantic import ValidationError

from salesdomain.contracts import commands as cc
from salesdomain.contracts.contract import Contract
from salesdomain.contracts.values import ArchivedDocument
from salesdomain.errors import InvalidCommand, NotAuthorised
from salesdomain.opportunities import commands as oc
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.policy import SalesPolicy
from salesdomain.sop import Role
from salesdomain.values import Actor
from tests import builders as b
from tests import contract_builders as k
from tests.builders import ALICE, BOB, DAN, LEO, MIA, SUE, TODAY

NOW = "2026-03-02 09:00:00+00:00"  # builders.TODAY, 09:00 UTC
AT_NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)

GUS = b.person("Gus General", Role.GENERAL_MANAGER)
MAX = b.person("Max Manager", Role.SALES_MANAGER)
# The drafter, acting under another role (roles are taken as given until issue 4).
LEO_AS_MANAGER = Actor(employee_id=LEO.employee_id, role=Role.SALES_MANAGER, name=LEO.name)

SM, SD, GM = Role.SALES_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER
ONE_LEVEL, TWO_LEVELS, THREE_LEVELS = "1000", "5000", "15000"  # unit prices x 100


# ---- helpers ----------------------------------------------------------------------------


def won(spec, price: str = ONE_LEVEL, owner: Actor = ALICE) -> UUID:
    """A qualified customer and ``owner``'s opportunity, won on quote v1 at ``price``."""
    opp, reg = uuid4(), b.register()
    spec.given(
        *b.qualified_customer(reg),
        *b.through_acknowledged(opp, b.customer_id(reg), by=owner),
        (b.quote(opp, price), owner),
        (oc.AcceptQuote(opportunity_id=opp, quote_version=1, accepted_by="Li Na"), owner),
    )
    return opp


def drafted(spec, price: str = ONE_LEVEL, owner: Actor = ALICE, **overrides: object) -> UUID:
    """A contract LEO drafted for a deal won at ``price``; its id."""
    contract = uuid4()
    spec.given((k.draft(won(spec, price, owner), contract, **overrides), LEO))
    return contract


def in_approval(spec, price: str = ONE_LEVEL, reviewer: Actor = ALICE, **kw: object) -> UUID:
    """A contract drafted and passed by ``reviewer``: waiting for its first approval level."""
    contract = drafted(spec, price, **kw)
    spec.given((k.review(contract), reviewer))
    return contract


def approved_at_level_one(spec, approver: Actor) -> UUID:
    """A contract of two approval levels, ``approver`` passed level one."""
    contract = in_approval(spec, TWO_LEVELS)
    spec.given((k.approve(contract), approver))
    return contract


def signed_contract(spec) -> UUID:
    """The canned deal won and its contract signed; the contract's id."""
    opp, contract = uuid4(), uuid4()
    spec.given(*b.won_deal(opp), *k.signed_contract(opp, contract))
    return contract


def signed(outcome) -> Any:
    """The ``Contract.Signed`` event a signing recorded (named policies may react to it,
    e.g. by entering the order; their events are theirs to check)."""
    if outcome.error is not None:
        raise AssertionError(f"the signing was refused: {outcome.error}")
    names = [type(e).__qualname__ for e in outcome.events]
    assert names[0] == "Contract.Signed", names
    assert not any(n.startswith("Contract.") for n in names[1:]), names
    return outcome.events[0]


def load(spec, contract: UUID) -> Contract:
    return spec.app.load(Contract, contract)


LATER = TODAY + timedelta(days=90)


# ---- 2.4.1 draft: from the accepted quote, by legal, once per deal -----------------------


@freeze_time(NOW)
def test_a_draft_carries_over_the_accepted_quotes_terms(spec):
    opp, contract = won(spec), uuid4()
    events = spec.when(k.draft(opp, contract), LEO).then(
        "Contract.Drafted", "ContractClaim.Claimed"
    )
    quoted = spec.app.load(Opportunity, opp).accepted_quote
    assert quoted is not None
    draft = events[0]
    assert (draft.revision, draft.terms, draft.amount) == (1, quoted.terms, b.money("100000"))
    assert (draft.quote_version, draft.differences.items) == (1, ())
    assert (draft.owner_id, draft.opportunity_id) == (ALICE.employee_id, opp)


@freeze_time(NOW)
def test_the_contract_joins_the_deals_case_caused_by_the_quote_acceptance(spec):
    opp, contract = won(spec), uuid4()
    draft, claim = spec.when(k.draft(opp, contract), LEO).then(
        "Contract.Drafted", "ContractClaim.Claimed"
    )
    accepted = spec.app.history(opp)[-1]
    assert type(accepted).__qualname__ == "Opportunity.QuoteAccepted"
    assert draft.correlation_id == spec.app.load(Opportunity, opp).case_id
    assert draft.causation_id == accepted.event_id
    assert (claim.correlation_id, claim.causation_id) == (draft.correlation_id, draft.event_id)


@freeze_time(NOW)
def test_a_contract_is_drafted_only_from_an_accepted_quote(spec):
    opp, reg = uuid4(), b.register()
    spec.given(
        *b.qualified_customer(reg),
        *b.through_acknowledged(opp, b.customer_id(reg)),
        (b.quote(opp), ALICE),
    )
    spec.when(k.draft(opp, uuid4()), LEO).then_refused("contract_from_accepted_quote")


@freeze_time(NOW)
def test_a_won_opportunity_has_one_contract(spec):
    opp = won(spec)
    spec.given((k.draft(opp, uuid4()), LEO))
    spec.when(k.draft(opp, uuid4()), LEO).then_refused("one_contract_per_opportunity")


@freeze_time(NOW)
def test_the_draft_lists_every_difference_from_the_accepted_quote(spec):
    opp = won(spec)
    command = k.draft(
        opp,
        uuid4(),
        payment_terms="50% advance, 50% on delivery",
        delivery_date=LATER,
        lines=b.lines("990"),
    )
    [draft, _claim] = spec.when(command, LEO).then("Contract.Drafted", "ContractClaim.Claimed")
    listed = [(d.field, d.quote_value, d.draft_value) for d in draft.differences.items]
    assert listed == [
        ("payment_terms", "30% advance, 70% on delivery", "50% advance, 50% on delivery"),
        ("delivery_date", str(TODAY + timedelta(days=60)), str(LATER)),
        ("lines.RK-3.unit_price", "1,000.00 CNY", "990.00 CNY"),
    ]
    assert draft.amount == b.money("99000")


@freeze_time(NOW)
def test_a_product_only_on_one_side_is_a_difference(spec):
    opp = won(spec)
    command = k.draft(opp, uuid4(), lines=(*b.lines(), b.SENSORS))
    [draft, _claim] = spec.when(command, LEO).then("Contract.Drafted", "ContractClaim.Claimed")
    [difference] = draft.differences.items
    assert (difference.field, difference.quote_value) == ("lines.SN-1", "-")


# ---- 2.4.1 review: by sales, every difference explained ----------------------------------


@freeze_time(NOW)
def test_a_draft_matching_the_quote_passes_review_and_is_submitted_for_approval(spec):
    contract = drafted(spec)
    passed, submitted = spec.when(k.review(contract), ALICE).then(
        "Contract.ReviewPassed", "Contract.SubmittedForApproval"
    )
    assert (passed.revision, submitted.revision) == (1, 1)
    assert submitted.chain.levels == (SM,)
    assert (submitted.amount, submitted.policy_version) == (b.money("100000"), "2026.1")


@freeze_time(NOW)
def test_explained_differences_pass_review_with_their_explanations(spec):
    contract = drafted(spec, delivery_date=LATER)
    review = k.review(contract, delivery_date="Customer's plant opens in June")
    [passed, _submitted] = spec.when(review, ALICE).then(
        "Contract.ReviewPassed", "Contract.SubmittedForApproval"
    )
    [difference] = passed.differences.items
    assert (difference.field, difference.explanation) == (
        "delivery_date",
        "Customer's plant opens in June",
    )


@freeze_time(NOW)
def test_a_draft_with_unexplained_differences_fails_review_listing_them(spec):
    contract = drafted(spec, delivery_date=LATER, payment_terms="Net 60")
    review = k.review(contract, payment_terms="Agreed in round 2")
    [failed] = spec.when(review, ALICE).then("Contract.ReviewFailed")
    assert failed.differences.unexplained.fields == ("delivery_date",)
    assert failed.differences.fields == ("payment_terms", "delivery_date")


@freeze_time(NOW)
def test_a_review_raising_issues_fails(spec):
    contract = drafted(spec)
    review = cc.ReviewContract(contract_id=contract, issues=("Liability is unlimited",))
    [failed] = spec.when(review, ALICE).then("Contract.ReviewFailed")
    assert failed.issues.items == ("Liability is unlimited",)


@freeze_time(NOW)
def test_a_failed_review_goes_back_to_legal_not_to_another_review(spec):
    contract = drafted(spec, delivery_date=LATER)
    spec.given((k.review(contract), ALICE))
    spec.when(k.review(contract, delivery_date="Agreed"), ALICE).then_refused(
        "revision_reviewed_once"
    )


@freeze_time(NOW)
def test_a_revision_that_failed_review_cannot_be_approved(spec):
    contract = drafted(spec, delivery_date=LATER)
    spec.given((k.review(contract), ALICE))
    spec.when(k.approve(contract), MIA).then_refused("approval_after_sales_review")


@freeze_time(NOW)
def test_explanations_name_differences_the_draft_has(spec):
    contract = drafted(spec)
    spec.when(k.review(contract, payment_terms="As agreed"), ALICE).then_refused(
        "differences_explained", detail="does not differ in: payment_terms"
    )


@freeze_time(NOW)
def test_a_sales_lead_reviews_a_deal_they_do_not_own(spec):
    contract = drafted(spec)
    spec.when(k.review(contract), SUE).then(
        "Contract.ReviewPassed", "Contract.SubmittedForApproval"
    )


# ---- 2.4.1 legal drafts, revises and amends; sales, the deal's owner or a lead, reviews ---------

DEPARTMENTS = [
    pytest.param(
        lambda spec: k.draft(won(spec), uuid4()), ALICE, "legal drafts contracts", id="rep-drafts"
    ),
    pytest.param(
        lambda spec: k.review(drafted(spec)), LEO, "sales reviews them", id="legal-reviews"
    ),
    pytest.param(
        lambda spec: k.review(drafted(spec)), BOB, "does not own the opportunity", id="other-rep"
    ),
    pytest.param(
        lambda spec: k.revise(drafted(spec)), ALICE, "legal revises contracts", id="rep-revises"
    ),
    pytest.param(
        lambda spec: k.amend(signed_contract(spec)),
        ALICE,
        "legal amends contracts",
        id="rep-amends",
    ),
]


@pytest.mark.parametrize(("command", "actor", "words"), DEPARTMENTS)
@freeze_time(NOW)
def test_legal_writes_the_contract_and_the_deals_owner_reviews_it(spec, command, actor, words):
    spec.when(command(spec), actor).then_rejected(NotAuthorised, step="2.4.1", rule=words)


# ---- 2.4.1 revision: a new number, reviewed and approved anew --------------------------


@freeze_time(NOW)
def test_legal_revises_a_draft_that_failed_review_under_a_new_number(spec):
    contract = drafted(spec, delivery_date=LATER)
    spec.given((k.review(contract), ALICE))
    revise = k.revise(contract, delivery_date=TODAY + timedelta(days=60))
    [revised] = spec.when(revise, LEO).then("Contract.Revised")
    assert (revised.revision, revised.differences.items) == (2, ())
    assert load(spec, contract).revision == 2


@freeze_time(NOW)
def test_a_revision_keeps_what_it_does_not_change(spec):
    contract = drafted(spec, delivery_date=LATER)
    [revised] = spec.when(k.revise(contract, payment_terms="Net 60"), LEO).then("Contract.Revised")
    assert revised.differences.fields == ("payment_terms", "delivery_date")


@freeze_time(NOW)
def test_a_revision_is_reviewed_again(spec):
    contract = in_approval(spec)
    spec.given((k.revise(contract), LEO))
    spec.when(k.approve(contract), MIA).then_refused("approval_after_sales_review")


# ---- 2.4.2 approval: the chain by amount, in order, segregation of duties -----------------


@pytest.mark.parametrize(
    ("price", "levels"),
    [(ONE_LEVEL, (SM,)), (TWO_LEVELS, (SM, SD)), (THREE_LEVELS, (SM, SD, GM))],
    ids=["100k", "500k", "1.5M"],
)
@freeze_time(NOW)
def test_the_authority_matrix_sets_the_chain_by_amount(spec, price, levels):
    contract = drafted(spec, price)
    [_passed, submitted] = spec.when(k.review(contract), ALICE).then(
        "Contract.ReviewPassed", "Contract.SubmittedForApproval"
    )
    assert submitted.chain.levels == levels
    assert submitted.amount == b.money(str(int(price) * 100))


@freeze_time(NOW)
def test_a_reporting_currency_without_tiers_in_the_matrix_cannot_be_submitted(spec):
    contract = drafted(spec, lines=k.usd_lines())
    review = k.review(contract, **{"lines__RK-3__unit_price": "Customer pays in USD"})
    spec.app.policy = SalesPolicy(
        currencies={
            "reporting_currency": "EUR",
            "exchange_rates": [
                {"currency": "USD", "rate": "0.9", "effective_from": "2026-01-01", "source": "ECB"}
            ],
        }
    )
    spec.when(review, ALICE).then_refused(
        "contract_chain_by_authority_matrix", detail="no tiers for EUR"
    )


@freeze_time(NOW)
def test_each_level_has_the_approval_turnaround_to_decide(spec):
    contract = in_approval(spec, TWO_LEVELS)
    submitted = spec.app.history(contract)[-1]
    assert submitted.due_by == AT_NOW + timedelta(days=3)
    [approved] = spec.when(k.approve(contract), MIA).then("Contract.Approved")
    assert (approved.next_level, approved.due_by) == (SD, AT_NOW + timedelta(days=3))


@freeze_time(NOW)
def test_the_turnaround_comes_from_policy_data(spec):
    contract = drafted(spec)
    spec.app.policy = SalesPolicy(contracts={"approval_turnaround_days": 5})
    [_passed, submitted] = spec.when(k.review(contract), ALICE).then(
        "Contract.ReviewPassed", "Contract.SubmittedForApproval"
    )
    assert submitted.due_by == AT_NOW + timedelta(days=5)


@freeze_time(NOW)
def test_an_approval_records_level_comments_and_the_policy_version(spec):
    contract = in_approval(spec)
    spec.app.policy = SalesPolicy(version="2026.2")
    [approved] = spec.when(k.approve(contract, "Risk acceptable"), MIA).then("Contract.Approved")
    assert (approved.level, approved.position, approved.of_levels) == (SM, 1, 1)
    assert (approved.comments, approved.policy_version) == ("Risk acceptable", "2026.2")
    assert (approved.actor, approved.next_level, approved.due_by) == (MIA, None, None)


@freeze_time(NOW)
def test_levels_approve_in_order_a_higher_role_standing_in_for_the_lower(spec):
    contract = in_approval(spec, TWO_LEVELS)
    [approved] = spec.when(k.approve(contract), DAN).then("Contract.Approved")
    assert (approved.level, approved.position, approved.next_level) == (SM, 1, SD)
    assert load(spec, contract).next_level is SD


@freeze_time(NOW)
def test_a_three_level_contract_is_approved_by_three_people_in_order(spec):
    contract = in_approval(spec, THREE_LEVELS)
    spec.given((k.approve(contract), MIA), (k.approve(contract), DAN))
    [approved] = spec.when(k.approve(contract), GUS).then("Contract.Approved")
    assert (approved.level, approved.position, approved.next_level) == (GM, 3, None)
    assert [level for level, _who in load(spec, contract).approvals] == [SM, SD, GM]


DECIDERS = [
    pytest.param(
        lambda spec: in_approval(spec, TWO_LEVELS),
        k.approve,
        SUE,
        "a sales manager or higher decides",
        id="supervisor-at-level-1",
    ),
    pytest.param(
        lambda spec: approved_at_level_one(spec, MIA),
        k.approve,
        MAX,
        "a sales director or higher decides",
        id="manager-at-level-2",
    ),
    pytest.param(
        lambda spec: approved_at_level_one(spec, MIA),
        k.reject,
        MAX,
        "a sales director or higher decides",
        id="manager-rejects-at-level-2",
    ),
    pytest.param(
        lambda spec: approved_at_level_one(spec, DAN),
        k.approve,
        DAN,
        "each level is another person",
        id="one-person-at-two-levels",
    ),
    pytest.param(
        lambda spec: in_approval(spec, reviewer=SUE, owner=MIA),
        k.approve,
        MIA,
        "owns the opportunity",
        id="the-deals-owner",
    ),
    pytest.param(
        lambda spec: in_approval(spec, reviewer=MIA),
        k.approve,
        MIA,
        "reviewed this contract",
        id="its-reviewer",
    ),
    pytest.param(in_approval, k.approve, LEO_AS_MANAGER, "drafted this contract", id="its-drafter"),
]


@pytest.mark.parametrize(("contract", "decision", "actor", "words"), DECIDERS)
@freeze_time(NOW)
def test_each_level_is_decided_at_that_level_or_higher_by_someone_with_no_hand_in_it(
    spec, contract, decision, actor, words
):
    outcome = spec.when(decision(contract(spec)), actor)
    outcome.then_rejected(NotAuthorised, step="2.4.2", rule=words)


@freeze_time(NOW)
def test_a_rejection_sends_the_contract_back_to_legal(spec):
    contract = in_approval(spec)
    [rejected] = spec.when(k.reject(contract, "Liability cap missing"), MIA).then(
        "Contract.Rejected"
    )
    assert (rejected.level, rejected.comments, rejected.policy_version) == (
        SM,
        "Liability cap missing",
        "2026.1",
    )
    spec.when(k.approve(contract), DAN).then_refused("approval_after_sales_review")


@freeze_time(NOW)
def test_a_new_revision_needs_the_whole_chain_again(spec):
    contract = in_approval(spec, TWO_LEVELS)
    spec.given(
        (k.approve(contract), MIA),
        (k.reject(contract), DAN),
        (k.revise(contract), LEO),
        (k.review(contract), ALICE),
    )
    [approved] = spec.when(k.approve(contract), DAN).then("Contract.Approved")
    assert (approved.revision, approved.level, approved.position) == (2, SM, 1)


def test_a_rejection_needs_comments():
    with pytest.raises(InvalidCommand) as refused:
        cc.RejectContract.build({"contract_id": str(uuid4()), "comments": " "})
    assert refused.value.fields == ("comments",)


# ---- 2.4.3 signing: only the fully approved current revision -------------------------------


@freeze_time(NOW)
def test_a_fully_approved_revision_is_signed_with_signatories_and_archived_copy(spec):
    opp, contract = uuid4(), uuid4()
    spec.given(*b.won_deal(opp), *k.approved_contract(opp, contract))
    signing = signed(spec.when(k.sign(contract), MIA))
    quoted = spec.app.load(Opportunity, opp).accepted_quote
    assert quoted is not None
    assert (signing.revision, signing.amends, signing.opportunity_id) == (1, None, opp)
    assert (signing.owner_id, signing.terms, signing.amount) == (
        ALICE.employee_id,
        quoted.terms,
        b.money("100000"),
    )
    assert (signing.our_signatory, signing.customer_signatory) == (
        k.OUR_SIGNATORY,
        k.CUSTOMER_SIGNATORY,
    )
    assert (signing.document.sha256, signing.signed_on) == (k.DOCUMENT_SHA256, TODAY)
    assert signing.customer_id == spec.app.load(Opportunity, opp).customer_id
    assert load(spec, contract).is_signed


@pytest.mark.parametrize(
    "history",
    ["drafted", "in approval", "partly approved", "failed review", "rejected", "revised"],
)
@freeze_time(NOW)
def test_nothing_is_signed_that_was_not_fully_approved_in_its_current_revision(spec, history):
    contract = drafted(spec, TWO_LEVELS)
    steps = {
        "drafted": [],
        "in approval": [(k.review(contract), ALICE)],
        "partly approved": [(k.review(contract), ALICE), (k.approve(contract), MIA)],
        "failed review": [(cc.ReviewContract(contract_id=contract, issues=("No cap",)), ALICE)],
        "rejected": [(k.review(contract), ALICE), (k.reject(contract), MIA)],
        "revised": [
            (k.review(contract), ALICE),
            (k.approve(contract), MIA),
            (k.approve(contract), DAN),
            (k.revise(contract), LEO),
        ],
    }[history]
    spec.given(*steps)
    spec.when(k.sign(contract), MIA).then_refused("contract_signed_when_fully_approved")


@freeze_time(NOW)
def test_a_signing_is_not_dated_in_the_future(spec):
    contract = in_approval(spec)
    spec.given((k.approve(contract), MIA))
    spec.when(k.sign(contract, on=TODAY + timedelta(days=1)), MIA).then_refused(
        "signing_recorded_once_happened"
    )


@freeze_time(NOW)
def test_a_signing_is_not_dated_before_the_full_approval(spec):
    contract = in_approval(spec)
    spec.given((k.approve(contract), MIA))
    spec.when(k.sign(contract, on=TODAY - timedelta(days=1)), MIA).then_refused(
        "signed_after_approval"
    )


def test_the_archived_copy_is_identified_by_its_sha256():
    assert ArchivedDocument(reference="a", sha256=k.DOCUMENT_SHA256.upper()).sha256 == (
        k.DOCUMENT_SHA256
    )
    with pytest.raises(ValidationError):
        ArchivedDocument(reference="a", sha256=k.DOCUMENT_SHA256[:-1])


@pytest.mark.parametrize(
    ("command", "actor", "step"),
    [
        (k.review, ALICE, "2.4.1"),
        (k.revise, LEO, "2.4.1"),
        (k.approve, DAN, "2.4.2"),
        (k.reject, DAN, "2.4.2"),
        (k.sign, MIA, "2.4.3"),
    ],
    ids=["review", "revise", "approve", "reject", "sign"],
)
@freeze_time(NOW)
def test_a_signed_contract_is_not_changed(spec, command, actor, step):
    contract = signed_contract(spec)
    spec.when(command(contract), actor).then_refused("signed_contract_unchanged", step=step)


# ---- amendments: a new revision, reviewed, approved and signed again ------------------------


@freeze_time(NOW)
def test_only_a_signed_contract_is_amended(spec):
    contract = in_approval(spec)
    spec.when(k.amend(contract), LEO).then_refused("only_signed_contract_amended")


@freeze_time(NOW)
def test_an_amendment_is_a_new_revision_that_must_be_approved_before_it_is_signed(spec):
    contract = signed_contract(spec)
    [amended] = spec.when(k.amend(contract, delivery_date=LATER), LEO).then("Contract.Amended")
    assert (amended.revision, amended.amends, amended.differences.fields) == (
        2,
        1,
        ("delivery_date",),
    )
    assert not load(spec, contract).is_signed
    spec.when(k.sign(contract), MIA).then_refused("contract_signed_when_fully_approved")


@freeze_time(NOW)
def test_an_approved_amendment_is_signed_with_its_new_terms(spec):
    opp, contract = uuid4(), uuid4()
    spec.given(
        *b.won_deal(opp),
        *k.signed_contract(opp, contract),
        (k.amend(contract, delivery_date=LATER), LEO),
        (k.review(contract, delivery_date="Plant opens later"), ALICE),
        (k.approve(contract), MIA),
    )
    signing = signed(spec.when(k.sign(contract), MIA))
    assert (signing.revision, signing.amends, signing.terms.delivery_date) == (2, 1, LATER)
    signed_contract = load(spec, contract)
    assert (signed_contract.revision, signed_contract.current_terms.delivery_date) == (2, LATER)
    assert signed_contract.is_signed
