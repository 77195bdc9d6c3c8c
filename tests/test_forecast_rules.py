"""SOP 4.2.3 The forecast category of an open opportunity: set by its owner, reviewed
(confirmed or changed, with a reason) by the owner's manager (ADR 52)."""

from __future__ import annotations

from uuid import uuid4

import pytest
from freezegun import freeze_time

from salesdomain.commands import build_command
from salesdomain.errors import InvalidCommand, NotAuthorised
from salesdomain.opportunities import commands as oc
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.opportunities.values import ForecastCategory
from tests import builders as b
from tests.people_builders import founding

FROZEN = "2026-03-02 09:00:00+00:00"
REG = b.register()
CID = b.customer_id(REG)
OPP = uuid4()
OPEN = [*founding(), *b.qualified_customer(REG), (b.open_opportunity(CID, OPP), b.ALICE)]
C = ForecastCategory


def categorise(category: ForecastCategory, reason: str = "") -> oc.SetForecastCategory:
    return oc.SetForecastCategory(opportunity_id=OPP, category=category, reason=reason)


def review(category: ForecastCategory, reason: str = "") -> oc.ReviewForecastCategory:
    return oc.ReviewForecastCategory(opportunity_id=OPP, category=category, reason=reason)


@freeze_time(FROZEN)
def test_an_open_deal_counts_as_pipeline_until_its_owner_categorises_it(spec):
    spec.given(*OPEN)
    assert spec.app.load(Opportunity, OPP).forecast_category is C.PIPELINE
    (set_,) = spec.when(categorise(C.COMMIT, "PO in signature"), b.ALICE).then(
        "Opportunity.ForecastCategorised"
    )
    assert (set_.category, set_.previous, set_.reason) == (C.COMMIT, C.PIPELINE, "PO in signature")
    assert (set_.sop_step, set_.owner_id, set_.actor) == ("4.2.3", b.ALICE.employee_id, b.ALICE)
    assert spec.app.load(Opportunity, OPP).forecast_category is C.COMMIT


@freeze_time(FROZEN)
def test_a_category_the_deal_has_already_is_refused(spec):
    spec.given(*OPEN)
    spec.when(categorise(C.PIPELINE), b.ALICE).then_refused("forecast_category_changes_it")


@pytest.mark.parametrize("who", [b.BOB, b.SUE, b.MIA], ids=["rep", "supervisor", "manager"])
@freeze_time(FROZEN)
def test_only_the_owner_sets_the_category(spec, who):
    spec.given(*OPEN)
    error = spec.when(categorise(C.COMMIT), who).then_rejected(NotAuthorised, step="4.2.3")
    assert "is set by its owner" in str(error)


@freeze_time(FROZEN)
def test_the_owners_manager_confirms_the_category_without_a_reason(spec):
    spec.given(*OPEN, (categorise(C.BEST_CASE), b.ALICE))
    (reviewed,) = spec.when(review(C.BEST_CASE), b.MIA).then("Opportunity.ForecastReviewed")
    assert (reviewed.category, reviewed.previous, reviewed.actor) == (
        C.BEST_CASE,
        C.BEST_CASE,
        b.MIA,
    )


@freeze_time(FROZEN)
def test_the_owners_manager_changes_the_category_saying_why(spec):
    spec.given(*OPEN, (categorise(C.COMMIT), b.ALICE))
    spec.when(review(C.BEST_CASE), b.MIA).then_refused("forecast_change_has_reason")
    (changed,) = spec.when(review(C.BEST_CASE, "No budget signed yet"), b.MIA).then(
        "Opportunity.ForecastReviewed"
    )
    assert (changed.category, changed.previous) == (C.BEST_CASE, C.COMMIT)
    assert spec.app.load(Opportunity, OPP).forecast_category is C.BEST_CASE


@pytest.mark.parametrize("who", [b.DAN, b.SUE, b.ALICE], ids=["director", "supervisor", "owner"])
@freeze_time(FROZEN)
def test_only_the_owners_manager_reviews(spec, who):
    spec.given(*OPEN, (categorise(C.COMMIT), b.ALICE))
    error = spec.when(review(C.COMMIT), who).then_rejected(NotAuthorised, step="4.2.3")
    assert "manager" in str(error) or "their own" in str(error)


@freeze_time(FROZEN)
def test_no_category_is_set_or_reviewed_once_the_deal_is_won(spec):
    spec.given(*founding(), *b.won_deal(OPP))
    spec.when(categorise(C.COMMIT), b.ALICE).then_refused("forecast_of_open_opportunity")
    spec.when(review(C.PIPELINE), b.MIA).then_refused("forecast_of_open_opportunity")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"category": "likely"}, "category"),
        ({"category": "commit", "reason": "x" * 5000}, "reason"),
    ],
)
def test_a_bad_category_command_is_refused_naming_its_field(fields, field):
    with pytest.raises(InvalidCommand) as caught:
        build_command("SetForecastCategory", {"opportunity_id": str(uuid4()), **fields})
    assert caught.value.fields[0].split(".")[0] == field
