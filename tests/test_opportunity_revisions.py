"""Keeping a deal up to date (issue 17): the expected close and the estimated value of an
open opportunity revised, with a reason, by its owner or a sales lead."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from freezegun import freeze_time

from salesdomain.commands import build_command
from salesdomain.errors import InvalidCommand, NotAuthorised
from salesdomain.opportunities import commands as oc
from salesdomain.opportunities.opportunity import Opportunity
from tests import builders as b

FROZEN = "2026-03-02 09:00:00+00:00"
REG = b.register()
CID = b.customer_id(REG)
OPP = uuid4()
OPENED = b.open_opportunity(CID, OPP)
OPEN = [*b.qualified_customer(REG), (OPENED, b.ALICE)]


def move_close(days: int = 120, opp=OPP) -> oc.ReviseExpectedClose:
    return oc.ReviseExpectedClose(
        opportunity_id=opp,
        expected_close=b.TODAY + timedelta(days=days),
        reason="Budget moved to the next quarter",
    )


def revise_value(amount: str = "650000", opp=OPP) -> oc.ReviseEstimatedValue:
    return oc.ReviseEstimatedValue(
        opportunity_id=opp, estimated_value=b.money(amount), reason="Second line added"
    )


@freeze_time(FROZEN)
def test_a_moved_close_is_recorded_with_the_day_it_replaces_and_why(spec):
    spec.given(*OPEN)
    (revised,) = spec.when(move_close(), b.ALICE).then("Opportunity.ExpectedCloseRevised")
    assert (revised.expected_close, revised.previous) == (
        b.TODAY + timedelta(days=120),
        OPENED.expected_close,
    )
    assert (revised.reason, revised.sop_step, revised.actor) == (
        "Budget moved to the next quarter",
        "2.1.3",
        b.ALICE,
    )
    assert spec.app.load(Opportunity, OPP).expected_close == b.TODAY + timedelta(days=120)


@freeze_time(FROZEN)
def test_a_revision_is_recorded_at_the_step_of_the_stage_the_deal_is_in(spec):
    spec.given(*OPEN, (b.log_visit(OPP), b.ALICE), (b.discover(OPP), b.ALICE))
    (revised,) = spec.when(move_close(), b.ALICE).then("Opportunity.ExpectedCloseRevised")
    assert revised.sop_step == "2.2.2"


@freeze_time(FROZEN)
def test_the_close_is_not_moved_into_the_past(spec):
    spec.given(*OPEN)
    spec.when(move_close(-1), b.ALICE).then_refused(
        "expected_close_revised_to_today_or_later", step="2.1.3"
    )
    spec.when(move_close(0), b.ALICE).then("Opportunity.ExpectedCloseRevised")


@freeze_time(FROZEN)
def test_a_revision_that_changes_nothing_is_refused(spec):
    spec.given(*OPEN)
    spec.when(move_close(90), b.ALICE).then_refused("opportunity_revision_changes_it")
    spec.when(revise_value("500000"), b.ALICE).then_refused("opportunity_revision_changes_it")


@freeze_time(FROZEN)
def test_a_revised_estimate_is_recorded_with_the_one_it_replaces(spec):
    spec.given(*OPEN)
    (revised,) = spec.when(revise_value(), b.ALICE).then("Opportunity.EstimatedValueRevised")
    assert (revised.estimated_value, revised.previous) == (b.money("650000"), b.money("500000"))
    assert revised.reason == "Second line added"
    assert spec.app.load(Opportunity, OPP).amount == b.money("650000")


@freeze_time(FROZEN)
def test_the_estimate_is_revised_until_the_first_quote_only(spec):
    spec.given(
        *b.qualified_customer(REG), *b.through_acknowledged(OPP, CID), (b.quote(OPP), b.ALICE)
    )
    spec.when(revise_value(), b.ALICE).then_refused("estimate_revised_until_quoted", step="2.3.2")
    spec.when(move_close(), b.ALICE).then("Opportunity.ExpectedCloseRevised")


@freeze_time(FROZEN)
def test_nothing_is_revised_once_the_deal_is_won(spec):
    spec.given(*b.won_deal(OPP))
    spec.when(move_close(), b.ALICE).then_refused("opportunity_closed", step="2.3.3")


@freeze_time(FROZEN)
def test_nothing_is_revised_once_the_deal_is_lost(spec):
    lost = oc.MarkOpportunityLost(opportunity_id=OPP, reason="Chose a cheaper supplier")
    spec.given(*OPEN, (lost, b.ALICE))
    spec.when(revise_value(), b.ALICE).then_refused("opportunity_closed", step="2.3.3")


@pytest.mark.parametrize("command", [move_close(), revise_value()], ids=["close", "value"])
@freeze_time(FROZEN)
def test_another_representative_does_not_revise_the_owner_s_deal(spec, command):
    spec.given(*OPEN)
    error = spec.when(command, b.BOB).then_rejected(NotAuthorised, step="2.1.3")
    assert "does not own this opportunity" in str(error)


@freeze_time(FROZEN)
def test_a_sales_supervisor_revises_any_deal(spec):
    spec.given(*OPEN)
    spec.when(move_close(), b.SUE).then("Opportunity.ExpectedCloseRevised")
    spec.when(revise_value(), b.SUE).then("Opportunity.EstimatedValueRevised")


@pytest.mark.parametrize(
    ("name", "fields", "field"),
    [
        ("ReviseExpectedClose", {"expected_close": "2026-09-01", "reason": " "}, "reason"),
        ("ReviseExpectedClose", {"expected_close": "someday", "reason": "x"}, "expected_close"),
        (
            "ReviseEstimatedValue",
            {"estimated_value": {"amount": "-1", "currency": "CNY"}, "reason": "x"},
            "estimated_value",
        ),
        (
            "ReviseEstimatedValue",
            {"estimated_value": {"amount": "1e40", "currency": "CNY"}, "reason": "x"},
            "estimated_value",
        ),
        (
            "ReviseEstimatedValue",
            {"estimated_value": {"amount": "10", "currency": "yuan"}, "reason": "x"},
            "estimated_value",
        ),
    ],
)
def test_a_bad_revision_is_refused_naming_its_field(name, fields, field):
    with pytest.raises(InvalidCommand) as caught:
        build_command(name, {"opportunity_id": str(uuid4()), **fields})
    assert caught.value.fields[0].split(".")[0] == field
