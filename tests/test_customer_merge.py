"""Two records of the same company merged (SOP 2.1.2, issue 17, ADR 47): both
histories kept and linked, new work under the survivor, by a sales lead; the names the
duplicate claimed (ADR 5) lead to the survivor."""

from __future__ import annotations

from uuid import uuid4

import pytest
from freezegun import freeze_time

from salesdomain.errors import AlreadyRegistered, NotAuthorised
from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.customer import Customer
from tests import builders as b

FROZEN = "2026-03-02 09:00:00+00:00"
SURVIVOR = b.register()  # Hangzhou Precision Machinery Co., Ltd., with its number
DUPLICATE = b.register("HZ Precision Machinery Works", "")
KEPT, GONE = b.customer_id(SURVIVOR), b.customer_id(DUPLICATE)


def merge(duplicate=GONE, into=KEPT) -> pc.MergeCustomers:
    return pc.MergeCustomers(
        customer_id=duplicate, into_customer_id=into, reason="Same registration number"
    )


@freeze_time(FROZEN)
def test_a_merge_is_recorded_on_both_records_and_deletes_nothing(spec):
    spec.given((SURVIVOR, b.ALICE), (DUPLICATE, b.BOB))
    merged, absorbed = spec.when(merge(), b.SUE).then("Customer.MergedInto", "Customer.Absorbed")
    assert (merged.originator_id, merged.survivor_id, merged.survivor_name) == (
        GONE,
        KEPT,
        SURVIVOR.company_name,
    )
    assert (absorbed.originator_id, absorbed.duplicate_id, absorbed.duplicate_name) == (
        KEPT,
        GONE,
        DUPLICATE.company_name,
    )
    assert (merged.sop_step, merged.reason, absorbed.actor) == (
        "2.1.2",
        "Same registration number",
        b.SUE,
    )
    gone = spec.app.load(Customer, GONE)
    assert (gone.merged_into, gone.company_name) == (KEPT, DUPLICATE.company_name)
    assert spec.app.load(Customer, KEPT).absorbed == (GONE,)


@pytest.mark.parametrize("who", [b.ALICE, b.BOB], ids=["survivor's owner", "duplicate's owner"])
@freeze_time(FROZEN)
def test_only_a_sales_lead_merges_customer_records(spec, who):
    spec.given((SURVIVOR, b.ALICE), (DUPLICATE, b.BOB))
    error = spec.when(merge(), who).then_rejected(NotAuthorised, step="2.1.2")
    assert "may not merge customer records" in str(error)


@freeze_time(FROZEN)
def test_a_record_is_not_merged_into_itself(spec):
    spec.given((SURVIVOR, b.ALICE))
    spec.when(merge(KEPT, KEPT), b.MIA).then_refused("customer_merged_into_another_record")


@freeze_time(FROZEN)
def test_a_merged_record_is_kept_as_history(spec):
    third = b.register("Ningbo Tools Co., Ltd.", "91330200MA2XXX0001")
    spec.given((SURVIVOR, b.ALICE), (DUPLICATE, b.BOB), (third, b.BOB), (merge(), b.MIA))
    again = "merged_customer_kept_as_history"
    spec.when(merge(), b.MIA).then_refused(again)  # merged once
    spec.when(merge(b.customer_id(third), GONE), b.MIA).then_refused(again)  # nothing into it
    spec.when(merge(KEPT, b.customer_id(third)), b.MIA).then_refused(again)  # survivor stays
    correct = pc.CorrectCustomerDetails(customer_id=GONE, region="North", reason="Moved")
    spec.when(correct, b.MIA).then_refused(again)
    spec.when(b.assess(GONE), b.BOB).then_refused(again)
    spec.when(pc.DeactivateCustomer(customer_id=GONE, reason="Gone"), b.BOB).then_refused(again)


@freeze_time(FROZEN)
def test_no_new_opportunity_for_a_merged_record_but_for_its_survivor(spec):
    spec.given(
        *b.qualified_customer(SURVIVOR), *b.qualified_customer(DUPLICATE, b.BOB), (merge(), b.MIA)
    )
    error = spec.when(b.open_opportunity(GONE, uuid4()), b.BOB).then_refused(
        "opportunity_for_surviving_customer"
    )
    assert str(KEPT) in str(error)
    spec.when(b.open_opportunity(KEPT, uuid4()), b.ALICE).then("Opportunity.Opened")


@freeze_time(FROZEN)
def test_an_open_deal_of_the_merged_record_runs_on(spec):
    opp = uuid4()
    spec.given(*b.qualified_customer(DUPLICATE, b.BOB), (b.open_opportunity(GONE, opp), b.BOB))
    spec.given((SURVIVOR, b.ALICE), (merge(), b.MIA))
    spec.when(b.log_visit(opp), b.BOB).then("Opportunity.ContactLogged")


@freeze_time(FROZEN)
def test_the_duplicate_s_names_lead_to_the_survivor(spec):
    spec.given((SURVIVOR, b.ALICE), (DUPLICATE, b.BOB), (merge(), b.MIA))
    again = b.register(DUPLICATE.company_name, "")  # the same company id
    error = spec.when(again, b.BOB).then_refused("company_registered_once")
    assert isinstance(error, AlreadyRegistered)
    assert error.existing_id == KEPT
    spelled = b.register("HZ PRECISION MACHINERY WORKS LTD", "")
    error = spec.when(spelled, b.BOB).then_refused("company_registered_once")
    assert isinstance(error, AlreadyRegistered)
    assert error.existing_id == KEPT


@freeze_time(FROZEN)
def test_the_survivor_may_take_the_duplicate_s_name(spec):
    spec.given((SURVIVOR, b.ALICE), (DUPLICATE, b.BOB))
    take = pc.CorrectCustomerDetails(
        customer_id=KEPT, company_name=DUPLICATE.company_name, reason="Trading name"
    )
    spec.when(take, b.ALICE).then_refused("company_registered_once")  # another's, unmerged
    spec.given((merge(), b.MIA))
    spec.when(take, b.ALICE).then("Customer.DetailsCorrected")  # no new claim: it is its own
    assert spec.app.load(Customer, KEPT).company_name == DUPLICATE.company_name


def test_a_merge_needs_both_records_and_a_reason():
    from salesdomain.commands import build_command
    from salesdomain.errors import InvalidCommand

    with pytest.raises(InvalidCommand) as caught:
        build_command("MergeCustomers", {"customer_id": str(GONE), "reason": " "})
    assert set(caught.value.fields) == {"into_customer_id", "reason"}
