"""A lost deal records our last quote and, where the customer told it, the winning
competitor's price (issue 18, ADR 51: ``Opportunity.Lost`` version 3); versions 1 and
2 load with neither."""

from __future__ import annotations

from uuid import uuid4

import pytest
from freezegun import freeze_time
from pydantic import ValidationError

from salesdomain.opportunities import commands as oc
from tests import builders as b
from tests.spec import Spec, event_name, events_after
from tests.test_events_carry_the_facts import stored  # noqa: F401 (a fixture)

T0 = "2026-03-02 09:00:00+00:00"


@freeze_time(T0)
def test_a_deal_lost_after_a_quote_records_it_beside_the_winners_price(spec: Spec) -> None:
    opp, reg = uuid4(), b.register()
    spec.given(
        *b.qualified_customer(reg),
        *b.through_acknowledged(opp, b.customer_id(reg)),
        (b.quote(opp), b.ALICE),
    )
    lose = oc.MarkOpportunityLost(
        opportunity_id=opp, reason="Price", competitor="Rival", competitor_price=b.money("90000")
    )
    [lost] = spec.when(lose, b.ALICE).then("Opportunity.Lost")
    assert (lost.last_quote, lost.competitor_price) == (b.money("100000"), b.money("90000"))


@freeze_time(T0)
def test_a_deal_lost_before_any_quote_has_no_last_quote(spec: Spec) -> None:
    opp, reg = uuid4(), b.register()
    spec.given(*b.qualified_customer(reg), (b.open_opportunity(b.customer_id(reg), opp), b.ALICE))
    lose = oc.MarkOpportunityLost(opportunity_id=opp, reason="No budget")
    [lost] = spec.when(lose, b.ALICE).then("Opportunity.Lost")
    assert (lost.last_quote, lost.competitor_price) == (None, None)


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        pytest.param(
            {"competitor": "Rival", "competitor_price": b.money("0")}, "above zero", id="zero"
        ),
        pytest.param({"competitor_price": b.money("100")}, "needs the competitor", id="whose"),
        pytest.param(
            {"competitor": "Rival", "competitor_price": {"amount": "1e15", "currency": "CNY"}},
            "amount",
            id="too-large",
        ),
    ],
)
def test_the_competitors_price_is_bounded_and_theirs(
    given: dict[str, object], problem: str
) -> None:
    with pytest.raises(ValidationError, match=problem):
        oc.MarkOpportunityLost.model_validate(
            {"opportunity_id": uuid4(), "reason": "Price", **given}
        )


def test_stored_losses_of_earlier_versions_have_neither(stored) -> None:  # noqa: F811
    lost = [e for e in events_after(stored, 0) if event_name(e) == "Opportunity.Lost"]
    assert lost
    assert {(e.last_quote, e.competitor_price) for e in lost} == {(None, None)}
