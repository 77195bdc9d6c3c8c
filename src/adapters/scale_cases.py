"""One generated business case of ``salesdomain demo --scale``, step by step.

``Case.steps`` is a generator: it performs the next SOP steps and yields how long
the case then waits (simulated time), so many cases interleave on one clock."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID, uuid5

from salesdomain.adapters.scale_delivery import Delivery

from salesdomain import clock
from salesdomain.commands import Command
from salesdomain.opportunities import commands as oc
from salesdomain.opportunities import values as ov
from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.customer import Customer
from salesdomain.prospecting.values import (
    Assessment,
    Level,
    QualificationOverride,
    SourceChannel,
)
from salesdomain.sop import Role
from salesdomain.values import Actor, Money

CURRENCY = "CNY"
REGIONS = ("East China", "North China", "South China", "Central China", "West China")
INDUSTRIES = ("Machinery", "Textiles", "Automotive", "Electronics", "Food", "Logistics")
CITIES = ("Hangzhou", "Suzhou", "Ningbo", "Wuxi", "Tianjin", "Foshan", "Wuhan", "Chengdu")
WORDS = ("Precision", "Bright", "Harbour", "Union", "Golden", "Eastern", "Smart", "Green")
PRODUCTS = (
    ("RK-2", "Retrofit kit, previous model"),
    ("SN-1", "Sensor node"),
    ("CM-2", "Control module"),
)
"""Products the scale's quotes name, priced as typed in: none is in the demo's catalogue
(the demo lists RK-3), so each is an ad-hoc line, which the default policy allows."""
CHANNELS = tuple(c for c in SourceChannel if c is not SourceChannel.IMPORTED)


@dataclass(frozen=True)
class Staff:
    reps: tuple[Actor, ...]
    legal: Actor
    production: Actor
    procurement: Actor
    quality: Actor
    logistics: Actor
    approvers: dict[Role, Actor]


class Runner(Protocol):
    staff: Staff
    ns: UUID
    won: int
    writer: Any

    def do(self, command_class: type[Command], actor: Actor, case: UUID, **data: Any) -> None: ...


def _hours(r: random.Random, low: int, high: int) -> timedelta:
    return timedelta(hours=r.randint(low, high))


def _days(r: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=r.randint(low, high), hours=r.randint(0, 6))


class Case(Delivery):
    price: Decimal
    """The unit price quoted (a competitor that won on price offered 10% less)."""

    def __init__(self, run: Runner, number: int, r: random.Random) -> None:
        self.run, self.number, self.r = run, number, r
        self.rep = r.choice(run.staff.reps)
        self.company = f"{r.choice(CITIES)} {r.choice(WORDS)} {r.choice(INDUSTRIES)} {number}"
        self.customer = Customer.id_for(self.company, f"SC{number:010d}")
        self.opportunity = uuid5(run.ns, f"opportunity {number}")
        self.contract = uuid5(run.ns, f"contract {number}")

    def do(self, command_class: type[Command], actor: Actor, **data: Any) -> None:
        self.run.do(command_class, actor, self.customer, **data)

    def on_customer(self, command_class: type[Command], **data: Any) -> None:
        """The representative's step on the case's customer."""
        self.do(command_class, self.rep, customer_id=self.customer, **data)

    def on_opportunity(self, command_class: type[Command], **data: Any) -> None:
        """The representative's step on the case's opportunity."""
        self.do(command_class, self.rep, opportunity_id=self.opportunity, **data)

    def steps(self) -> Iterator[timedelta]:
        r, rep = self.r, self.rep
        self.do(
            pc.RegisterProspect,
            rep,
            company_name=self.company,
            registration_number=f"SC{self.number:010d}",
            region=r.choice(REGIONS),
            industry=self.company.split()[2],
            source_channel=r.choice(CHANNELS),
        )
        yield _hours(r, 2, 48)
        power = r.choice((Level.HIGH, Level.MEDIUM, Level.LOW))
        self.on_customer(
            pc.AssessProspect,
            assessment=Assessment(
                need_intent=Level.HIGH, purchasing_power=power, decision_process="GM signs"
            ),
        )
        if power is Level.LOW and r.random() < 0.4:
            self.on_customer(pc.DisqualifyProspect, reason="No budget")
            return
        override = None
        if power is Level.LOW:  # outside the policy's assessments: a manager approves
            manager = self.run.staff.approvers[Role.SALES_MANAGER]
            override = QualificationOverride(
                approved_by=manager.employee_id,
                approver_role=Role.SALES_MANAGER,
                reason="Strategic account; parent company guarantees payment",
            )
        self.on_customer(pc.QualifyProspect, reason="Need and budget", override=override)
        yield from self.contacts()
        yield from self.forecast()
        if r.random() < 0.1:
            self.on_opportunity(
                oc.MarkOpportunityLost,
                reason="Project postponed by the customer",
            )
            return
        yield from self.needs_and_solution()
        yield from self.quote()
        if r.random() < 0.3:
            self.on_opportunity(
                oc.MarkOpportunityLost,
                reason="Price above the winning offer",
                competitor="Delta Automation",
                competitor_price=Money(
                    amount=(self.price * self.quantity * Decimal("0.9")).quantize(Decimal(1)),
                    currency=CURRENCY,
                ),
            )
            return
        self.on_opportunity(
            oc.AcceptQuote,
            quote_version=1,
            accepted_by="General Manager",
        )
        yield _days(r, 1, 4)
        yield from self.contract_signed()
        yield from self.order_delivered()
        self.run.won += 1

    def contacts(self) -> Iterator[timedelta]:
        r, rep = self.r, self.rep
        self.on_opportunity(
            oc.OpenOpportunity,
            customer_id=self.customer,
            title=f"Line upgrade {self.number}",
            estimated_value=Money.of(r.randint(5, 60) * 10_000, CURRENCY),
            expected_close=clock.now().date() + timedelta(days=60),
        )
        for k in range(r.randint(1, 4)):
            yield _days(r, 1, 6)
            channel = ov.ContactChannel.VISIT if k % 2 else ov.ContactChannel.PHONE
            self.on_opportunity(
                oc.LogContact,
                contact=ov.Contact(
                    channel=channel,
                    occurred_on=clock.now().date(),
                    participants=(rep.name, "Purchasing lead"),
                    notes=f"Contact {k + 1}",
                ),
            )

    def forecast(self) -> Iterator[timedelta]:
        """The rep's forecast category (SOP 4.2.3) and, now and then, the close moved out
        some days later (the deal then waits for its new close: it slips), drawn apart from
        the case's own draws, so the rest of the case is as before."""
        r = random.Random(f"forecast/{self.number}")
        category = r.choice(tuple(ov.ForecastCategory))
        if category is not ov.ForecastCategory.PIPELINE:
            self.on_opportunity(oc.SetForecastCategory, category=category, reason="Weekly call")
        if r.random() < 0.15:
            yield _days(r, 5, 20)
            waits = timedelta(days=r.randint(70, 120))
            moved = clock.now().date() + waits
            self.on_opportunity(oc.ReviseExpectedClose, expected_close=moved, reason="Budget moved")
            yield waits - timedelta(days=20)

    def needs_and_solution(self) -> Iterator[timedelta]:
        opp = self.opportunity
        yield _days(self.r, 1, 5)
        self.on_opportunity(
            oc.DiscoverNeeds,
            discovery=ov.NeedsDiscovery(
                needs=(
                    ov.Need(code="N1", description="Reduce downtime", pain_point="Weekly stops"),
                ),
                organisation="Plant operations",
                decision_mechanism="GM signs",
                stakeholders=(
                    ov.Stakeholder(name="General Manager", influence=ov.Influence.DECIDES),
                ),
            ),
        )
        self.on_opportunity(
            oc.PrioritiseNeeds,
            prioritisation=ov.Prioritisation(
                priorities=(
                    ov.NeedPriority(
                        code="N1", rank=1, feasibility=ov.Rating.HIGH, fit=ov.Rating.HIGH, key=True
                    ),
                ),
                opportunity_summary="Retrofit",
            ),
        )
        yield _days(self.r, 1, 5)
        self.on_opportunity(
            oc.DesignSolution,
            solution=ov.Solution(
                content="Retrofit kit",
                value_proposition="Less downtime",
                implementation_plan="Two weekends",
                expected_results="Downtime halved",
                departments_involved=(Role.PRODUCTION,),
            ),
        )
        yield _hours(self.r, 2, 30)
        self.do(
            oc.ConfirmFeasibility,
            self.run.staff.production,
            opportunity_id=opp,
            feasible=True,
            remarks="Capacity available",
        )
        yield _days(self.r, 1, 4)
        self.on_opportunity(
            oc.PresentSolution,
            presentation=ov.Presentation(presented_on=clock.now().date(), formats=("demo",)),
        )
        self.on_opportunity(
            oc.AcknowledgeSolution,
            acknowledged_by="GM",
            comments="Accepted",
        )

    def quote(self) -> Iterator[timedelta]:
        r = self.r
        code, name = r.choice(PRODUCTS)
        price = Decimal(r.choice((9_800, 10_400, 10_800, 11_200)))
        self.quantity = Decimal(r.randint(5, 60))
        self.price = price
        self.product = code
        today = clock.now().date()
        yield _days(r, 1, 3)
        self.on_opportunity(
            oc.IssueQuote,
            pricing_basis="Cost plus target margin",
            lines=[
                ov.QuoteLine(
                    product_code=code,
                    product_name=name,
                    specification=f"Model {code}",
                    quantity=self.quantity,
                    unit_price=Money(amount=price, currency=CURRENCY),
                    unit_cost=Money(
                        amount=(price * Decimal("0.62")).quantize(Decimal(1)), currency=CURRENCY
                    ),
                )
            ],
            payment_terms="30% advance, 70% on delivery",
            delivery_date=today + timedelta(days=75),
            valid_until=today + timedelta(days=30),
        )
        yield _days(r, 2, 10)
