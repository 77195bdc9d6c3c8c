"""Keeping a customer's record up to date (SOP 2.1.2, issue 17): details corrected,
the customer deactivated and reactivated, each by its owner or a sales lead."""

from __future__ import annotations

from uuid import uuid4

import pytest
from freezegun import freeze_time

from salesdomain.commands import build_command
from salesdomain.errors import AlreadyRegistered, InvalidCommand, NotAuthorised
from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.customer import Customer, CustomerNameClaim
from salesdomain.prospecting.values import name_claim_id_for
from tests import builders as b

FROZEN = "2026-03-02 09:00:00+00:00"
REG = b.register()
CID = b.customer_id(REG)
OTHER = b.register("Ningbo Tools Co., Ltd.", "91330200MA2XXX0001")


def correct(**details: str) -> pc.CorrectCustomerDetails:
    return pc.CorrectCustomerDetails(customer_id=CID, reason="Typo in the register", **details)


def deactivate(cid=CID) -> pc.DeactivateCustomer:
    return pc.DeactivateCustomer(customer_id=cid, reason="Plant closed")


def reactivate(cid=CID) -> pc.ReactivateCustomer:
    return pc.ReactivateCustomer(customer_id=cid, reason="Plant reopened")


# ---- correcting details ------------------------------------------------------------------


@freeze_time(FROZEN)
def test_a_corrected_region_is_recorded_with_its_reason(spec):
    spec.given((REG, b.ALICE))
    (corrected,) = spec.when(correct(region="South China"), b.ALICE).then(
        "Customer.DetailsCorrected"
    )
    assert (corrected.region, corrected.industry) == ("South China", "Machinery")
    assert (corrected.reason, corrected.sop_step, corrected.actor) == (
        "Typo in the register",
        "2.1.2",
        b.ALICE,
    )
    assert spec.app.load(Customer, CID).region == "South China"


@freeze_time(FROZEN)
def test_a_corrected_name_is_claimed_so_the_company_is_found_under_it(spec):
    spec.given((REG, b.ALICE))
    _, claimed = spec.when(correct(company_name="Hangzhou Precision Machinery"), b.ALICE).then(
        "Customer.DetailsCorrected", "CustomerNameClaim.Claimed"
    )
    assert claimed.customer_id == CID
    again = b.register("Hangzhou Precision Machinery", "")
    spec.when(again, b.BOB).then_refused("company_registered_once")


@freeze_time(FROZEN)
def test_a_name_corrected_to_another_registered_company_s_is_refused(spec):
    spec.given((REG, b.ALICE), (OTHER, b.BOB))
    error = spec.when(correct(company_name="Ningbo Tools Ltd"), b.ALICE).then_refused(
        "company_registered_once"
    )
    assert isinstance(error, AlreadyRegistered)
    assert error.existing_id == b.customer_id(OTHER)


@freeze_time(FROZEN)
def test_a_customer_takes_back_an_earlier_name_of_its_own(spec):
    spec.given((REG, b.ALICE), (correct(company_name="HP Machinery Co."), b.ALICE))
    spec.when(correct(company_name=REG.company_name), b.ALICE).then("Customer.DetailsCorrected")
    claim = spec.app.load(CustomerNameClaim, name_claim_id_for(REG.company_name))
    assert claim.customer_id == CID


@freeze_time(FROZEN)
def test_a_correction_that_changes_nothing_is_refused(spec):
    spec.given((REG, b.ALICE))
    spec.when(correct(region=REG.region, industry=REG.industry), b.ALICE).then_refused(
        "customer_correction_changes_details"
    )


def test_a_correction_needs_a_reason():
    with pytest.raises(InvalidCommand) as caught:
        build_command(
            "CorrectCustomerDetails", {"customer_id": str(uuid4()), "region": "X", "reason": " "}
        )
    assert caught.value.fields == ("reason",)


# ---- deactivating and reactivating -------------------------------------------------------


@freeze_time(FROZEN)
def test_a_deactivated_customer_is_not_deactivated_again(spec):
    spec.given((REG, b.ALICE))
    (deactivated,) = spec.when(deactivate(), b.ALICE).then("Customer.Deactivated")
    assert (deactivated.reason, deactivated.sop_step) == ("Plant closed", "2.1.2")
    assert spec.app.load(Customer, CID).active is False
    spec.when(deactivate(), b.ALICE).then_refused("customer_deactivated_once")


@freeze_time(FROZEN)
def test_only_an_inactive_customer_is_reactivated(spec):
    spec.given((REG, b.ALICE))
    spec.when(reactivate(), b.ALICE).then_refused("customer_reactivated_when_inactive")
    spec.given((deactivate(), b.ALICE))
    spec.when(reactivate(), b.ALICE).then("Customer.Reactivated")
    assert spec.app.load(Customer, CID).active is True


@freeze_time(FROZEN)
def test_no_new_opportunity_for_an_inactive_customer_until_reactivated(spec):
    spec.given(*b.qualified_customer(REG), (deactivate(), b.ALICE))
    opening = b.open_opportunity(CID, uuid4())
    spec.when(opening, b.ALICE).then_refused("opportunity_for_active_customer", detail="Plant")
    spec.given((reactivate(), b.ALICE))
    spec.when(opening, b.ALICE).then("Opportunity.Opened")


@freeze_time(FROZEN)
def test_an_open_opportunity_runs_on_after_its_customer_is_deactivated(spec):
    opp = uuid4()
    spec.given(*b.qualified_customer(REG), (b.open_opportunity(CID, opp), b.ALICE))
    spec.when(deactivate(), b.ALICE).then("Customer.Deactivated")
    spec.when(b.log_visit(opp), b.ALICE).then("Opportunity.ContactLogged")


# ---- who keeps the record ----------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [correct(region="South China"), deactivate()],
    ids=["correct", "deactivate"],
)
@freeze_time(FROZEN)
def test_another_representative_does_not_keep_the_owner_s_customer(spec, command):
    spec.given((REG, b.ALICE))
    error = spec.when(command, b.BOB).then_rejected(NotAuthorised, step="2.1.2")
    assert "owner" in str(error)


@freeze_time(FROZEN)
def test_another_representative_does_not_reactivate_the_owner_s_customer(spec):
    spec.given((REG, b.ALICE), (deactivate(), b.ALICE))
    spec.when(reactivate(), b.BOB).then_rejected(NotAuthorised, step="2.1.2")


@freeze_time(FROZEN)
def test_a_sales_manager_keeps_any_customer(spec):
    spec.given((REG, b.ALICE))
    spec.when(correct(industry="Automation"), b.MIA).then("Customer.DetailsCorrected")
    spec.when(deactivate(), b.MIA).then("Customer.Deactivated")
    spec.when(reactivate(), b.MIA).then("Customer.Reactivated")
