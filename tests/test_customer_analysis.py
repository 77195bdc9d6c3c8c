"""The customer and loss analyses (issue 18, SOP 4.2.1, ADR 51): each figure of
docs/kpi.md "Customers" and "Losses" against values worked out by hand, on memory, a
SQLite file and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from freezegun import freeze_time
from salesdomain.projections.customers import (
    Customers,
    LossGroup,
    PriceGap,
    Share,
    customer_analysis,
    customer_ranking,
    loss_analysis,
)
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.runner import ProjectionRunner

from salesdomain.access import Reader
from salesdomain.aftersales import commands as ac
from salesdomain.aftersales import values as av
from salesdomain.aftersales.satisfaction_survey import SatisfactionSurvey
from salesdomain.opportunities import commands as oc
from salesdomain.prospecting.customer import Customer
from salesdomain.prospecting.customer_policy import CustomerAnalysisPolicy
from salesdomain.sop import Role
from tests import builders as b
from tests import import_builders as ib

T0 = "2026-03-02 09:00:00+00:00"
POLICY = CustomerAnalysisPolicy()
ADA = b.person("Ada Service", Role.AFTER_SALES)
CUSTOMERS = (
    ("Acme Co., Ltd.", "", "East China", "Machinery"),
    ("Beta Foods", "", "North China", "Food"),
    ("Gamma Steel", "", "East China", "Machinery"),
    ("Delta Textiles", "", "West", "Textiles"),
    ("Epsilon Paper", "", "South", "Paper"),
)
ORDERS = (  # number, customer, delivered, price, cost, currency (quantity 1)
    ("SO-1", "Acme Co., Ltd.", "2025-06-10", "20000", "12000", "CNY"),
    ("SO-2", "Acme Co., Ltd.", "2026-01-15", "50000", "30000", "CNY"),
    ("SO-3", "Beta Foods", "2026-02-01", "30000", "27000", "CNY"),
    ("SO-4", "Gamma Steel", "2025-01-05", "5000", "1000", "CNY"),
    ("SO-5", "Beta Foods", "2026-02-10", "1000", "400", "USD"),
    ("SO-6", "Epsilon Paper", "2025-10-01", "10000", "5000", "CNY"),
)


def _order(number: str, customer: str, day: str, price: str, cost: str, currency: str) -> Any:
    return ib.order_line(
        number, customer, "RK-3", "1", price, cost, currency, ordered=day, delivered=day
    )


def _history(app: Any) -> None:
    with freeze_time(T0):
        app.handle(ib.customers(*CUSTOMERS), ib.OLGA)
        app.handle(ib.orders(*(_order(*row) for row in ORDERS)), ib.OLGA)
        acme = Customer.id_for("Acme Co., Ltd.")
        period = av.SurveyPeriod(starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 31))
        app.handle(
            ac.StartSatisfactionSurvey(
                customer_id=acme, period=period, method=av.SurveyMethod.QUESTIONNAIRE
            ),
            ADA,
        )
        survey = SatisfactionSurvey.id_for(acme, period)
        for who, satisfied, recommends in (("A", 5, 10), ("B", 4, 9), ("C", 4, 7), ("D", 2, 3)):
            response = av.SurveyResponse(
                respondent=who, satisfaction=satisfied, recommendation=recommends
            )
            app.handle(ac.RecordSurveyResponse(survey_id=survey, response=response), ADA)


def _view(app: Any, views: Any) -> tuple[Any, Any]:
    runner = ProjectionRunner(Customers(), views, ApplicationLog(app))
    runner.catch_up()
    return runner.engine, runner.tables()


def test_number_structure_activity_satisfaction_and_loyalty(app, views):
    _history(app)
    found = customer_analysis(
        *_view(app, views), since=date(2026, 1, 1), until=date(2026, 3, 31), policy=POLICY
    )
    assert (
        found.customers,
        found.customers_served,
        found.new_customers,
        found.existing_customers,
    ) == (5, 2, 1, 1)
    assert found.new_share == Decimal("0.5000")
    assert found.by_industry == [
        Share("Machinery", 2, Decimal("0.4000")),
        Share("Food", 1, Decimal("0.2000")),
        Share("Paper", 1, Decimal("0.2000")),
        Share("Textiles", 1, Decimal("0.2000")),
    ]
    assert [(s.name, s.customers) for s in found.by_region] == [
        ("East China", 2),
        ("North China", 1),
        ("South", 1),
        ("West", 1),
    ]
    # on 31 March: Acme 75 days, Beta 49 (active), Epsilon 181 (dormant), Gamma 450 (lost)
    assert (
        found.active_customers,
        found.dormant_customers,
        found.lost_customers,
        found.never_ordered,
    ) == (2, 1, 1, 1)
    assert found.repeat_purchase_rate == Decimal("0.5000")  # Acme, Beta of four
    s = found.surveys
    assert (s.answers, s.promoters, s.passives, s.detractors) == (4, 2, 1, 1)
    assert (s.average_satisfaction, s.average_recommendation) == (Decimal("3.75"), Decimal("7.25"))
    assert s.nps == Decimal("25.00")
    assert found.complete


def test_a_period_before_the_customers_were_registered_has_none(app, views):
    _history(app)
    found = customer_analysis(
        *_view(app, views), since=date(2026, 1, 1), until=date(2026, 3, 1), policy=POLICY
    )
    assert (found.customers, found.customers_served, found.new_share) == (0, 2, Decimal("0.5000"))
    assert found.surveys.answers == 0
    assert found.surveys.nps is None


@pytest.mark.parametrize(
    ("by", "ranked"),
    [
        pytest.param(
            "revenue",
            [
                ("Acme Co., Ltd.", "70000", "0.6087", "0.6087", "A"),
                ("Beta Foods", "30000", "0.2609", "0.8696", "A"),
                ("Epsilon Paper", "10000", "0.0870", "0.9565", "B"),
                ("Gamma Steel", "5000", "0.0435", "1.0000", "C"),
            ],
            id="revenue",
        ),
        pytest.param(
            "profit",
            [
                ("Acme Co., Ltd.", "28000", "0.7000", "0.7000", "A"),
                ("Epsilon Paper", "5000", "0.1250", "0.8250", "A"),
                ("Gamma Steel", "4000", "0.1000", "0.9250", "B"),
                ("Beta Foods", "3000", "0.0750", "1.0000", "B"),
            ],
            id="profit",
        ),
    ],
)
def test_the_ranking_has_cumulative_shares_and_abc_classes(app, views, by, ranked):
    _history(app)
    found = customer_ranking(
        *_view(app, views),
        since=date(2025, 1, 1),
        until=date(2026, 3, 31),
        currency="CNY",
        by=by,
        policy=POLICY,
    )
    measure = "revenue" if by == "revenue" else "profit"
    assert [
        (
            r.company_name,
            f"{getattr(r, measure).amount:.0f}",
            str(r.share),
            str(r.cumulative_share),
            r.abc_class,
        )
        for r in found.rows
    ] == ranked
    assert found.total.amount == sum(Decimal(row[1]) for row in ranked)
    acme = found.rows[0]
    assert (acme.orders_completed, acme.last_order_on, acme.days_since_last_order) == (
        2,
        date(2026, 1, 15),
        75,
    )
    assert acme.activity == "active"
    assert acme.last_contact_on is None


def test_the_ranking_of_another_currency_is_its_own(app, views):
    _history(app)
    found = customer_ranking(
        *_view(app, views),
        since=date(2026, 1, 1),
        until=date(2026, 3, 31),
        currency="USD",
        policy=POLICY,
        limit=1,
    )
    assert [(r.company_name, r.revenue.amount, r.profit.amount) for r in found.rows] == [
        ("Beta Foods", Decimal("1000"), Decimal("600"))
    ]
    assert found.classes == {"A": 1, "B": 0, "C": 0}


def _lost_deals(app: Any) -> None:
    """Alice loses one quoted deal to Rival at 90,000 against our 100,000 and one at the
    first contact for no budget; Bob one to Rival without its price."""
    alice = b.register("Lost Co.", "")
    bob = b.register("Bob's Co.", "")
    quoted, early, bobs = uuid4(), uuid4(), uuid4()
    steps = [
        *b.qualified_customer(alice),
        *b.qualified_customer(bob, by=b.BOB),
        *b.through_acknowledged(quoted, b.customer_id(alice)),
        (b.quote(quoted), b.ALICE),
        (
            oc.MarkOpportunityLost(
                opportunity_id=quoted,
                reason="Price too high",
                competitor="Rival",
                competitor_price=b.money("90000"),
            ),
            b.ALICE,
        ),
        (b.open_opportunity(b.customer_id(alice), early), b.ALICE),
        (oc.MarkOpportunityLost(opportunity_id=early, reason="No budget"), b.ALICE),
        (b.open_opportunity(b.customer_id(bob), bobs), b.BOB),
        (
            oc.MarkOpportunityLost(
                opportunity_id=bobs, reason="Price too high", competitor="Rival"
            ),
            b.BOB,
        ),
    ]
    with freeze_time(T0):
        for command, actor in steps:
            app.handle(command, actor)


def test_losses_by_reason_stage_competitor_and_price_gap(app, views):
    _lost_deals(app)
    found = loss_analysis(*_view(app, views), since=b.TODAY, until=b.TODAY)
    assert found.lost == 3
    assert found.by_reason == [
        LossGroup("Price too high", 2, Decimal("0.6667")),
        LossGroup("No budget", 1, Decimal("0.3333")),
    ]
    assert [(g.name, g.lost) for g in found.by_stage] == [("contact", 2), ("quoted", 1)]
    assert [(g.name, g.lost) for g in found.by_competitor] == [("Rival", 2), ("", 1)]
    assert found.price_gaps == [PriceGap("Rival", 2, 1, Decimal("-0.1000"))]


def test_a_representative_reads_the_losses_of_their_own_deals(app, views):
    _lost_deals(app)
    bob = Reader.of(b.BOB.employee_id, Role.SALES_REPRESENTATIVE, [])
    found = loss_analysis(*_view(app, views), since=b.TODAY, until=b.TODAY, reader=bob)
    assert (found.lost, found.price_gaps) == (1, [PriceGap("Rival", 1, 0, None)])
    hr = Reader.of(b.BOB.employee_id, Role.HR, [])
    assert loss_analysis(*_view(app, views), since=b.TODAY, until=b.TODAY, reader=hr).lost == 0


def test_a_period_that_ends_before_it_starts_is_refused(app, views):
    with pytest.raises(ValueError, match="ends"):
        loss_analysis(*_view(app, views), since=b.TODAY, until=date(2026, 1, 1))


def test_a_representative_analyses_the_customers_they_own(app, views):
    _history(app)  # every customer imported by Olga (sales operations): she owns them
    with freeze_time(T0):
        app.handle(b.register("Alice's Co.", "", industry="Food"), b.ALICE)
    period = {"since": date(2026, 1, 1), "until": date(2026, 3, 31), "policy": POLICY}
    alice = Reader.of(b.ALICE.employee_id, Role.SALES_REPRESENTATIVE, [])
    director = Reader.of(b.DAN.employee_id, Role.SALES_DIRECTOR, [])
    theirs = customer_analysis(*_view(app, views), **period, reader=alice)
    assert (theirs.customers, theirs.customers_served, theirs.surveys.answers) == (1, 0, 0)
    assert theirs.by_industry == [Share("Food", 1, Decimal("1.0000"))]
    every = customer_analysis(*_view(app, views), **period, reader=director)
    assert (every.customers, every.customers_served, every.surveys.answers) == (6, 2, 4)
    ranked = customer_ranking(*_view(app, views), **period, currency="CNY", reader=alice)
    assert (ranked.ranked, ranked.rows) == (0, [])
