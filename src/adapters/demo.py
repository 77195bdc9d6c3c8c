"""The main job for now: a seeded walkthrough of SOP 2.1-2.3 with several prospects.

Everything is deterministic for a given seed: ids, amounts, dates and the simulated
clock, so two runs print the same histories.  Outcomes covered: a straight win, a
discount escalated to a sales manager and a revised quote that wins, a loss to a
competitor after negotiation, a loss during needs analysis, a disqualified prospect,
and two attempts the SOP refuses (a duplicate registration and an unapproved discount).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid5

from salesdomain import clock
from salesdomain.application import SalesApplication
from salesdomain.commands import Command
from salesdomain.errors import SalesDomainError
from salesdomain.narrative import describe
from salesdomain.opportunities import commands as oc
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.opportunities.values import (
    Contact,
    ContactChannel,
    Influence,
    Need,
    NeedPriority,
    NeedsDiscovery,
    NegotiationRound,
    Presentation,
    Prioritisation,
    QuoteLine,
    Rating,
    Solution,
    Stakeholder,
)
from salesdomain.people.commands import EnrolEmployee
from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.customer import Customer
from salesdomain.prospecting.values import (
    Assessment,
    CompetitorPrice,
    ContactPerson,
    Findings,
    Level,
    ResearchSubject,
    SourceChannel,
)
from salesdomain.sop import Role, step
from salesdomain.values import Actor, Money

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CURRENCY = "CNY"


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    sop_step: str
    step_title: str
    actor: str
    what: str


@dataclass
class CaseReport:
    title: str
    customer: str
    outcome: str
    history: list[HistoryLine]


@dataclass
class DemoReport:
    seed: int
    cases: list[CaseReport] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    events: int = 0


class _Company:
    """The demo's people, ids and clock, all derived from the seed."""

    def __init__(self, app: SalesApplication, seed: int) -> None:
        self.app = app
        self.rng = random.Random(seed)
        self.ns = uuid5(UUID(int=0), f"salesdomain-demo-{seed}")
        self.clock = clock.SimulatedClock(START)
        self.counter = 0
        self.refused: list[tuple[str, str]] = []
        self.alice = self.person("Alice Wang", Role.SALES_REPRESENTATIVE)
        self.bob = self.person("Bob Liu", Role.SALES_REPRESENTATIVE)
        self.carol = self.person("Carol Zhao", Role.SALES_REPRESENTATIVE)
        self.mia = self.person("Mia Chen", Role.SALES_MANAGER)
        self.pat = self.person("Pat Sun", Role.PRODUCTION)
        self.quinn = self.person("Quinn Xu", Role.PROCUREMENT)
        self.mark = self.person("Mark Hu", Role.MARKETING)
        self.hana = self.person("Hana Li", Role.HR)

    def enrol_staff(self) -> None:
        """HR enrols herself (founding the staff register), then everyone else: the
        people who act in the demo are employees holding the roles they act under."""
        hired = date(2024, 1, 8)
        people = [
            (self.hana, "HR", None),
            (self.mia, "Sales East", None),
            (self.alice, "Sales East", self.mia),
            (self.bob, "Sales East", self.mia),
            (self.carol, "Sales East", self.mia),
            (self.pat, "Production", None),
            (self.quinn, "Procurement", None),
            (self.mark, "Marketing", None),
        ]
        for actor, team, manager in people:
            self.do(
                EnrolEmployee,
                self.hana,
                employee_id=actor.employee_id,
                name=actor.name,
                position=actor.role.label.title(),
                team=team,
                manager_id=manager.employee_id if manager else None,
                roles=(actor.role,),
                salary=Money.of(15_000, CURRENCY),
                start_date=hired,
            )

    def person(self, name: str, role: Role) -> Actor:
        return Actor(employee_id=uuid5(self.ns, name), role=role, name=name)

    def id(self, name: str) -> UUID:
        return uuid5(self.ns, name)

    def later(self, hours: int = 0, days: int = 0) -> None:
        self.clock.advance(timedelta(days=days, hours=hours))

    @property
    def today(self) -> date:
        return self.clock().date()

    def do(self, command_class: type[Command], actor: Actor, **data: Any) -> None:
        self.counter += 1
        command = command_class.model_validate(
            {"command_id": uuid5(self.ns, f"command-{self.counter}"), **data}
        )
        self.app.handle(command, actor)
        self.later(hours=self.rng.randint(2, 30))

    def attempt(self, what: str, command_class: type[Command], actor: Actor, **data: Any) -> None:
        """A step the SOP is expected to refuse; the refusal is reported."""
        try:
            self.do(command_class, actor, **data)
        except SalesDomainError as error:
            self.refused.append((what, str(error)))
        else:
            raise AssertionError(f"the SOP should have refused: {what}")


def _lines(product: str, name: str, qty: int, price: Decimal, cost: Decimal) -> list[QuoteLine]:
    return [
        QuoteLine(
            product_code=product,
            product_name=name,
            specification=f"Model {product}",
            quantity=Decimal(qty),
            unit_price=Money(amount=price, currency=CURRENCY),
            unit_cost=Money(amount=cost, currency=CURRENCY),
        )
    ]


class _Deal:
    """One prospect taken through the SOP by its representative."""

    def __init__(
        self,
        co: _Company,
        company: str,
        region: str,
        industry: str,
        channel: SourceChannel,
        rep: Actor,
    ) -> None:
        self.co = co
        self.company = company
        self.rep = rep
        self.customer_id = Customer.id_for(company)
        self.opp_id = co.id(f"opportunity {company}")
        self.region = region
        self.industry = industry
        self.channel = channel

    def screen(self, power: Level = Level.HIGH) -> None:
        co, rep = self.co, self.rep
        co.do(
            pc.RegisterProspect,
            rep,
            company_name=self.company,
            region=self.region,
            industry=self.industry,
            source_channel=self.channel,
            contacts=[ContactPerson(name="Purchasing lead", title="Purchasing Manager")],
        )
        co.do(
            pc.AssessProspect,
            rep,
            customer_id=self.customer_id,
            assessment=Assessment(
                need_intent=Level.HIGH,
                purchasing_power=power,
                decision_process="Department head proposes, GM signs",
            ),
        )

    def qualify(self, title: str, estimate: int) -> None:
        co, rep = self.co, self.rep
        co.do(
            pc.QualifyProspect,
            rep,
            customer_id=self.customer_id,
            reason="Clear need and budget this year",
        )
        co.do(
            oc.OpenOpportunity,
            rep,
            opportunity_id=self.opp_id,
            customer_id=self.customer_id,
            title=title,
            estimated_value=Money.of(estimate, CURRENCY),
            expected_close=co.today + timedelta(days=75),
        )
        co.do(
            oc.LogContact,
            rep,
            opportunity_id=self.opp_id,
            contact=Contact(
                channel=ContactChannel.PHONE,
                occurred_on=co.today,
                participants=(rep.name, "Purchasing lead"),
                notes="First call; booked a visit",
            ),
        )
        co.do(
            oc.LogContact,
            rep,
            opportunity_id=self.opp_id,
            contact=Contact(
                channel=ContactChannel.VISIT,
                occurred_on=co.today,
                participants=(rep.name, "Purchasing lead", "Plant manager"),
                notes="Walked the line; heard the pain points",
            ),
        )

    def analyse(self) -> None:
        co, rep = self.co, self.rep
        co.do(
            oc.DiscoverNeeds,
            rep,
            opportunity_id=self.opp_id,
            discovery=NeedsDiscovery(
                needs=(
                    Need(
                        code="N1",
                        description="Reduce unplanned downtime",
                        pain_point="Line stops weekly",
                    ),
                    Need(code="N2", description="Monitor machines remotely"),
                ),
                organisation="Operations owns the plant; purchasing is central",
                decision_mechanism="Investment committee; GM signs",
                stakeholders=(
                    Stakeholder(name="Plant manager", influence=Influence.INFLUENCES),
                    Stakeholder(name="General manager", influence=Influence.DECIDES),
                ),
            ),
        )
        co.do(
            oc.PrioritiseNeeds,
            rep,
            opportunity_id=self.opp_id,
            prioritisation=Prioritisation(
                priorities=(
                    NeedPriority(
                        code="N1", rank=1, feasibility=Rating.HIGH, fit=Rating.HIGH, key=True
                    ),
                    NeedPriority(code="N2", rank=2, feasibility=Rating.MEDIUM, fit=Rating.MEDIUM),
                ),
                opportunity_summary="Retrofit with condition monitoring",
            ),
        )

    def propose(self) -> None:
        co, rep = self.co, self.rep
        co.do(
            oc.DesignSolution,
            rep,
            opportunity_id=self.opp_id,
            solution=Solution(
                content="Retrofit kit with condition-monitoring sensors",
                value_proposition="Halve unplanned downtime",
                implementation_plan="Install over two weekends, train operators",
                expected_results="Downtime below 4 hours a week",
                departments_involved=(Role.PRODUCTION, Role.PROCUREMENT),
            ),
        )
        co.do(
            oc.ConfirmFeasibility,
            co.pat,
            opportunity_id=self.opp_id,
            feasible=True,
            remarks="Capacity available in the delivery window",
        )
        co.do(
            oc.ConfirmFeasibility,
            co.quinn,
            opportunity_id=self.opp_id,
            feasible=True,
            remarks="Sensors in stock with the usual supplier",
        )
        co.do(
            oc.PresentSolution,
            rep,
            opportunity_id=self.opp_id,
            presentation=Presentation(
                presented_on=co.today, formats=("live demo", "reference case")
            ),
        )
        co.do(
            oc.AcknowledgeSolution,
            rep,
            opportunity_id=self.opp_id,
            acknowledged_by="General manager",
            comments="Content understood and accepted",
        )

    def quote(self, lines: list[QuoteLine], actor: Actor | None = None) -> None:
        co = self.co
        co.do(
            oc.IssueQuote,
            actor or self.rep,
            opportunity_id=self.opp_id,
            lines=lines,
            payment_terms="30% advance, 70% on delivery",
            delivery_date=co.today + timedelta(days=60),
            valid_until=co.today + timedelta(days=30),
            pricing_basis="Cost plus target margin; checked against competitor prices",
        )

    def terms(self, lines: list[QuoteLine]) -> dict[str, Any]:
        co = self.co
        return {
            "lines": lines,
            "payment_terms": "30% advance, 70% on delivery",
            "delivery_date": co.today + timedelta(days=60),
            "valid_until": co.today + timedelta(days=30),
        }

    def negotiate(self, position: str, requested: str, response: str) -> None:
        self.co.do(
            oc.RecordNegotiationRound,
            self.rep,
            opportunity_id=self.opp_id,
            negotiation=NegotiationRound(
                held_on=self.co.today,
                customer_position=position,
                requested_discount=Decimal(requested),
                our_response=response,
            ),
        )

    def accept(self, version: int) -> None:
        self.co.do(
            oc.AcceptQuote,
            self.rep,
            opportunity_id=self.opp_id,
            quote_version=version,
            accepted_by="General manager",
        )

    def lose(self, reason: str, competitor: str = "") -> None:
        self.co.do(
            oc.MarkOpportunityLost,
            self.rep,
            opportunity_id=self.opp_id,
            reason=reason,
            competitor=competitor,
        )


def run_demo(app: SalesApplication, seed: int = 7) -> DemoReport:
    """Run the walkthrough on ``app`` and return every opportunity's history."""
    co = _Company(app, seed)
    rng = co.rng
    with clock.simulated(co.clock):
        co.enrol_staff()
        co.do(
            pc.RecordMarketResearch,
            co.mark,
            note_id=co.id("research retrofit"),
            subject_kind=ResearchSubject.PRODUCT,
            subject="Line retrofit kits",
            findings=Findings(
                industry_trends="Plants automate to offset labour costs",
                competitors="Two regional integrators undercut on price",
            ),
            competitor_prices=[
                CompetitorPrice(
                    competitor="Delta Automation",
                    product_code="RK-3",
                    price=Money.of(rng.choice([9200, 9400, 9600]), CURRENCY),
                    observed_on=co.today,
                )
            ],
        )

        price = Decimal(rng.choice([10400, 10800, 11200]))
        cost = (price * Decimal("0.62")).quantize(Decimal("1"))

        straight = _Deal(
            co,
            "Hangzhou Precision Machinery Co., Ltd.",
            "East China",
            "Machinery",
            SourceChannel.TRADE_SHOW,
            co.alice,
        )
        straight.screen()
        straight.qualify("Line 3 retrofit", 400_000)
        straight.analyse()
        straight.propose()
        straight.quote(_lines("RK-3", "Retrofit kit", rng.randint(30, 45), price, cost))
        straight.accept(1)

        co.attempt(
            "register Hangzhou Precision again under another spelling",
            pc.RegisterProspect,
            co.bob,
            company_name="HANGZHOU PRECISION MACHINERY LTD",
            region="East China",
            industry="Machinery",
            source_channel=SourceChannel.REFERRAL,
        )

        escalated = _Deal(
            co,
            "Suzhou Bright Textiles Co., Ltd.",
            "East China",
            "Textiles",
            SourceChannel.REFERRAL,
            co.bob,
        )
        escalated.screen()
        escalated.qualify("Dyeing line monitoring", 900_000)
        escalated.analyse()
        escalated.propose()
        qty = rng.randint(60, 90)
        escalated.quote(_lines("RK-3", "Retrofit kit", qty, price, cost))
        escalated.negotiate(
            "A competitor offers 12% less",
            "0.12",
            "Offered a longer warranty; will ask for a manager's discount",
        )
        discounted = _lines(
            "RK-3", "Retrofit kit", qty, (price * Decimal("0.88")).quantize(Decimal("1")), cost
        )
        revised = escalated.terms(discounted)
        co.attempt(
            "issue a 12% discount without a manager's approval",
            oc.IssueQuote,
            co.bob,
            opportunity_id=escalated.opp_id,
            **revised,
        )
        co.do(
            oc.RequestDiscountApproval,
            co.bob,
            opportunity_id=escalated.opp_id,
            justification="Strategic account, three more plants to follow",
            **revised,
        )
        co.do(
            oc.ApproveDiscount,
            co.mia,
            opportunity_id=escalated.opp_id,
            comments="Approved for the multi-plant roll-out",
        )
        co.do(
            oc.IssueQuote,
            co.bob,
            opportunity_id=escalated.opp_id,
            pricing_basis="Manager-approved discount",
            **revised,
        )
        escalated.accept(2)

        lost_on_price = _Deal(
            co,
            "Ningbo Harbour Logistics Ltd.",
            "East China",
            "Logistics",
            SourceChannel.ONLINE_PLATFORM,
            co.carol,
        )
        lost_on_price.screen()
        lost_on_price.qualify("Crane monitoring", 300_000)
        lost_on_price.analyse()
        lost_on_price.propose()
        lost_on_price.quote(_lines("RK-3", "Retrofit kit", rng.randint(20, 30), price, cost))
        lost_on_price.negotiate(
            "Needs 25% off to match an integrator", "0.25", "Cannot go below our margin floor"
        )
        lost_on_price.lose("Price 25% above the winning offer", "Delta Automation")

        lost_early = _Deal(
            co,
            "Shanghai Urban Devices Co., Ltd.",
            "East China",
            "Electronics",
            SourceChannel.SOCIAL_MEDIA,
            co.alice,
        )
        lost_early.screen()
        lost_early.qualify("Test bench automation", 150_000)
        lost_early.analyse()
        lost_early.lose("Budget frozen until next year")

        screened_out = _Deal(
            co,
            "Wuxi Green Foods Co.",
            "East China",
            "Food",
            SourceChannel.INDUSTRY_REPORT,
            co.carol,
        )
        screened_out.screen(power=Level.LOW)
        co.do(
            pc.DisqualifyProspect,
            co.carol,
            customer_id=screened_out.customer_id,
            reason="Purchasing power too low for our range",
        )

    report = DemoReport(
        seed=seed, refused=co.refused, events=app.recorder.max_notification_id() or 0
    )
    for deal in (straight, escalated, lost_on_price, lost_early):
        report.cases.append(case_report(app, deal.opp_id))
    report.cases.append(customer_report(app, screened_out.customer_id))
    return report


def history_lines(app: SalesApplication, aggregate_id: UUID) -> list[HistoryLine]:
    return [
        HistoryLine(
            at=event.timestamp,
            sop_step=event.sop_step,
            step_title=step(event.sop_step).title,
            actor=str(event.actor),
            what=describe(event),
        )
        for event in app.history(aggregate_id)
    ]


def case_report(app: SalesApplication, opportunity_id: UUID) -> CaseReport:
    opp = app.load(Opportunity, opportunity_id)
    outcome = opp.stage.value
    if opp.stage.value == "won":
        outcome = f"won, {opp.amount}"
    elif opp.stage.value == "lost":
        outcome = f"lost: {opp.outcome_reason}"
    lines = history_lines(app, opp.customer_id) + history_lines(app, opportunity_id)
    return CaseReport(opp.title, opp.customer_name, outcome, lines)


def customer_report(app: SalesApplication, customer_id: UUID) -> CaseReport:
    customer = app.load(Customer, customer_id)
    outcome = "qualified" if customer.is_qualified else f"disqualified: {customer.reason}"
    return CaseReport(
        "(screening only)", customer.company_name, outcome, history_lines(app, customer_id)
    )
