"""The product catalogue and the quotes priced from it (SOP 4.1.1, 2.3.2, issue 17), one
Given/When/Then each: products kept by the roles the policy names, list prices and
standard costs versioned by the day they take effect, quotes priced from the figures in
force on their day (discount against the list price, margin over the standard cost),
ad-hoc lines only where the policy allows them, flagged; a quote citing market research.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from freezegun import freeze_time

from salesdomain.catalogue import commands as cc
from salesdomain.catalogue.policy import CataloguePolicy
from salesdomain.catalogue.product import Product
from salesdomain.catalogue.values import product_id_for
from salesdomain.errors import NotAuthorised
from salesdomain.narrative import describe
from salesdomain.opportunities import commands as oc
from salesdomain.opportunities.values import OfferedLine
from salesdomain.policy import SalesPolicy
from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.values import CompetitorPrice, ResearchSubject
from salesdomain.sop import Role
from salesdomain.values import Money
from tests import builders as b
from tests.builders import ALICE, MIA, SUE, TODAY

NOW = "2026-03-02 09:00:00+00:00"  # builders.TODAY
TOMORROW = TODAY + timedelta(days=1)
RK3 = product_id_for("RK-3")


def listed(code: str = "RK-3", price: str = "1000", cost: str = "600") -> cc.ListProduct:
    return b.list_product(code, price, cost, reason="New product line")


def list_price(price: Money, day=TODAY, code: str = "RK-3") -> cc.SetListPrice:
    return cc.SetListPrice(
        product_code=code, price=price, effective_from=day, reason="Price list 2026"
    )


def standard_cost(cost: str, day=TODAY) -> cc.SetStandardCost:
    return cc.SetStandardCost(
        product_code="RK-3", cost=b.money(cost), effective_from=day, reason="Steel up 30%"
    )


def withdrawn() -> cc.WithdrawProduct:
    return cc.WithdrawProduct(product_code="RK-3", reason="Replaced by RK-4")


def offered(price: str = "950", code: str = "RK-3", **typed: object) -> OfferedLine:
    return OfferedLine.model_validate(
        {
            "product_code": code,
            "specification": "Model RK-3, 380V",
            "quantity": Decimal(100),
            "unit_price": typed.pop("unit_price", b.money(price)),
            **typed,
        }
    )


def quote(opp: UUID, *lines: OfferedLine, **kw: object) -> oc.IssueQuote:
    return b.quote(opp, lines=lines or (offered(),), **kw)


def acknowledged(spec) -> UUID:
    """RK-3 listed at 1,000 CNY (cost 600) by MIA; ALICE's deal up to an acknowledged
    solution."""
    opp = uuid4()
    spec.given(
        (listed(), MIA),
        *b.qualified_customer(),
        *b.through_acknowledged(opp, b.customer_id(b.register())),
    )
    return opp


# ---- the catalogue, kept by the roles the policy names -------------------------------------


@freeze_time(NOW)
def test_a_product_is_listed_with_its_prices_in_force_from_today(spec):
    (event,) = spec.when(listed(), MIA).then("Product.Listed")
    assert (event.sop_step, event.actor, event.reason) == ("4.1.1", MIA, "New product line")
    assert (event.list_price, event.standard_cost) == (b.money("1000"), b.money("600"))
    product = spec.app.load(Product, RK3)
    assert product.list_price_on(TODAY, "CNY") == b.money("1000")
    assert product.standard_cost_on(TODAY, "CNY") == b.money("600")
    assert product.list_price_on(TODAY - timedelta(days=1), "CNY") is None
    assert product.list_price_on(TODAY, "USD") is None


@freeze_time(NOW)
@pytest.mark.parametrize(
    "command",
    [listed(), list_price(b.money("900")), standard_cost("500"), withdrawn()],
    ids=["list", "price", "cost", "withdraw"],
)
def test_only_the_roles_the_policy_names_keep_the_catalogue(spec, command):
    if not isinstance(command, cc.ListProduct):
        spec.given((listed(), MIA))
    spec.when(command, ALICE).then_rejected(
        NotAuthorised, rule="may not keep the product catalogue"
    )


@freeze_time(NOW)
def test_the_policy_decides_who_keeps_the_catalogue(spec_with):
    policy = SalesPolicy(catalogue=CataloguePolicy(maintainers=frozenset({Role.SALES_SUPERVISOR})))
    spec = spec_with(policy)
    spec.when(listed(), SUE).then("Product.Listed")
    spec.when(list_price(b.money("900")), MIA).then_rejected(NotAuthorised, step="2.3.2")


@freeze_time(NOW)
def test_a_product_code_is_listed_once(spec):
    spec.given((listed(), MIA))
    spec.when(listed("rk-3"), MIA).then_refused("product_listed_once")


@freeze_time(NOW)
def test_a_price_takes_effect_from_its_day_in_its_currency(spec):
    spec.given((listed(), MIA))
    (event,) = spec.when(list_price(b.money("1100"), TOMORROW), MIA).then("Product.ListPriceSet")
    assert (event.sop_step, event.reason) == ("2.3.2", "Price list 2026")
    spec.when(list_price(Money.of("150", "USD")), MIA).then("Product.ListPriceSet")
    product = spec.app.load(Product, RK3)
    assert product.list_price_on(TODAY, "CNY") == b.money("1000")
    assert product.list_price_on(TOMORROW, "CNY") == b.money("1100")
    assert product.list_price_on(TODAY, "USD") == Money.of("150", "USD")


@freeze_time(NOW)
@pytest.mark.parametrize(
    "command",
    [
        list_price(b.money("900"), TODAY - timedelta(days=1)),
        standard_cost("500", TODAY - timedelta(days=1)),
    ],
    ids=["price", "cost"],
)
def test_a_price_or_cost_is_not_set_for_a_past_day(spec, command):
    spec.given((listed(), MIA))
    spec.when(command, MIA).then_refused("price_set_from_today_or_later")


@freeze_time(NOW)
@pytest.mark.parametrize(
    "command",
    [list_price(b.money("900")), standard_cost("500"), withdrawn()],
    ids=["price", "cost", "withdraw"],
)
def test_a_withdrawn_product_is_no_longer_priced_or_withdrawn(spec, command):
    spec.given((listed(), MIA), (withdrawn(), MIA))
    spec.when(command, MIA).then_refused("catalogue_product_withdrawn")


# ---- quotes priced from the catalogue ------------------------------------------------------


@freeze_time(NOW)
def test_a_quote_is_priced_from_the_catalogue_in_force_on_its_day(spec):
    opp = acknowledged(spec)
    (issued,) = spec.when(quote(opp), ALICE).then("Opportunity.QuoteIssued")
    (line,) = issued.terms.lines
    assert (line.product_name, line.unit_cost, line.list_price) == (
        "Retrofit kit",
        b.money("600"),
        b.money("1000"),
    )
    assert issued.discount == Decimal("0.05")  # against the list price, on a first quote
    assert issued.margin == Decimal("0.3684")  # (950 - 600) / 950
    assert list(issued.ad_hoc_lines.products) == []


@freeze_time(NOW)
def test_the_discount_of_a_first_quote_is_against_the_list_price(spec):
    opp = acknowledged(spec)
    spec.when(quote(opp, offered("880")), ALICE).then_refused(
        "quote_within_authority_or_approved", detail="discount 12.0%"
    )


@freeze_time(NOW)
def test_the_margin_is_over_the_standard_cost_in_force_on_the_quote_s_day(spec):
    opp = acknowledged(spec)
    spec.given((standard_cost("800"), MIA), (standard_cost("500", TOMORROW), MIA))
    spec.when(quote(opp, offered("1000")), ALICE).then_refused(
        "quote_within_authority_or_approved", detail="margin 20.0%"
    )
    with freeze_time(NOW.replace("03-02", "03-03")):
        (issued,) = spec.when(quote(opp, offered("1000")), ALICE).then("Opportunity.QuoteIssued")
    assert issued.terms.lines[0].unit_cost == b.money("500")


@freeze_time(NOW)
def test_a_list_price_from_a_later_day_does_not_price_today_s_quote(spec):
    opp = acknowledged(spec)
    spec.given((list_price(b.money("2000"), TOMORROW), MIA))
    (issued,) = spec.when(quote(opp), ALICE).then("Opportunity.QuoteIssued")
    assert issued.terms.lines[0].list_price == b.money("1000")


@freeze_time(NOW)
@pytest.mark.parametrize(
    "typed", [{"unit_cost": b.money("100")}, {"product_name": "Cheap kit"}], ids=["cost", "name"]
)
def test_a_catalogue_product_s_cost_and_name_are_not_typed_in(spec, typed):
    opp = acknowledged(spec)
    spec.when(quote(opp, offered(**typed)), ALICE).then_refused("catalogue_line_not_typed_in")


@freeze_time(NOW)
def test_a_catalogue_product_is_quoted_in_a_currency_it_is_priced_in(spec):
    opp = acknowledged(spec)
    usd = offered(unit_price=Money.of("140", "USD"))
    spec.when(quote(opp, usd), ALICE).then_refused(
        "quoted_product_priced_in_catalogue", detail="no list price and standard cost in USD"
    )


@freeze_time(NOW)
def test_a_withdrawn_product_is_not_quoted(spec):
    opp = acknowledged(spec)
    spec.given((withdrawn(), MIA))
    spec.when(quote(opp), ALICE).then_refused("catalogue_product_withdrawn")


SENSOR_COST = b.money("400")


def ad_hoc(cost: Money | None = SENSOR_COST) -> OfferedLine:
    return offered("1000", "SN-1", product_name="Vibration sensor", unit_cost=cost)


@freeze_time(NOW)
def test_an_ad_hoc_line_is_quoted_where_the_policy_allows_and_flagged(spec):
    opp = acknowledged(spec)
    (issued,) = spec.when(quote(opp, offered(), ad_hoc()), ALICE).then("Opportunity.QuoteIssued")
    assert list(issued.ad_hoc_lines.products) == ["SN-1"]
    assert "ad-hoc line(s), not from the catalogue: SN-1" in describe(issued)


@freeze_time(NOW)
def test_an_ad_hoc_line_is_refused_where_the_policy_does_not_allow_it(spec_with):
    policy = SalesPolicy(catalogue=CataloguePolicy(ad_hoc_quoters=frozenset({Role.SALES_MANAGER})))
    spec = spec_with(policy)
    opp = acknowledged(spec)
    spec.when(quote(opp, offered(), ad_hoc()), ALICE).then_refused("ad_hoc_line_allowed_by_policy")
    spec.when(quote(opp, offered()), ALICE).then("Opportunity.QuoteIssued")


@freeze_time(NOW)
def test_an_ad_hoc_line_names_its_product_and_cost(spec):
    opp = acknowledged(spec)
    spec.when(quote(opp, ad_hoc(None)), ALICE).then_refused("ad_hoc_line_names_product_and_cost")


@freeze_time(NOW)
def test_a_discount_approval_binds_the_catalogue_priced_lines(spec):
    opp = acknowledged(spec)
    request = oc.RequestDiscountApproval(
        opportunity_id=opp,
        lines=(offered("880"),),
        payment_terms="30% advance, 70% on delivery",
        delivery_date=TODAY + timedelta(days=60),
        valid_until=TODAY + timedelta(days=30),
        justification="Strategic account",
    )
    (requested,) = spec.when(request, ALICE).then("Opportunity.DiscountApprovalRequested")
    assert requested.terms.lines[0].list_price == b.money("1000")
    assert requested.discount == Decimal("0.12")
    spec.given((oc.ApproveDiscount(opportunity_id=opp), MIA))
    spec.when(quote(opp, offered("880"), approval_id=1), ALICE).then("Opportunity.QuoteIssued")


# ---- the pricing basis ---------------------------------------------------------------------


@freeze_time(NOW)
def test_a_quote_cites_market_research_with_its_competitor_prices(spec):
    opp = acknowledged(spec)
    note = pc.RecordMarketResearch(
        subject_kind=ResearchSubject.PRODUCT,
        subject="Retrofit kits, East China",
        competitor_prices=(
            CompetitorPrice(
                competitor="Acme", product_code="RK-3", price=b.money("920"), observed_on=TODAY
            ),
            CompetitorPrice(
                competitor="Acme", product_code="ZZ-9", price=b.money("10"), observed_on=TODAY
            ),
        ),
    )
    spec.given((note, ALICE))
    command = quote(opp, pricing_basis="Matched Acme", cites_research=note.note_id)
    (issued,) = spec.when(command, ALICE).then("Opportunity.QuoteIssued")
    research = issued.pricing_research
    assert (research.note_id, research.subject) == (note.note_id, "Retrofit kits, East China")
    assert [p.product_code for p in research.competitor_prices] == ["RK-3"]
    assert (
        "cites market research on Retrofit kits, East China (Acme RK-3 at 920.00 CNY"
        in describe(issued)
    )


# ---- quotes stored before the catalogue ----------------------------------------------------


@freeze_time(NOW)
def test_a_quote_stored_before_the_catalogue_loads_as_typed_in(spec):
    opp = acknowledged(spec)
    (issued,) = spec.when(quote(opp), ALICE).then("Opportunity.QuoteIssued")
    stored = spec.app.mapper.to_stored_event(issued)
    state = spec.app.mapper.transcoder.decode(stored.state)
    state["class_version"] = 2
    del state["ad_hoc_lines"], state["pricing_research"]
    from dataclasses import replace

    old = spec.app.mapper.to_domain_event(
        replace(stored, state=spec.app.mapper.transcoder.encode(state))
    )
    assert (old.ad_hoc_lines, old.pricing_research) == (None, None)
    assert old.terms == issued.terms
