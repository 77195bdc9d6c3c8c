"""People and canned commands for the tests: a small company and one deal's steps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID, uuid4, uuid5

from salesdomain.aggregate import Evidence
from salesdomain.catalogue import commands as cc
from salesdomain.opportunities import commands as oc
from salesdomain.opportunities import values as ov
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.policy import SalesPolicy
from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.customer import Customer
from salesdomain.prospecting.values import (
    Assessment,
    ContactPerson,
    ContactPersons,
    Level,
    SourceChannel,
)
from salesdomain.sop import Role
from salesdomain.values import Actor, Money
from tests.spec import Step

if TYPE_CHECKING:
    from salesdomain.application import SalesApplication

_NS = UUID("6f1c1f5e-2c55-4d4c-9d7e-000000000000")


def person(name: str, role: Role) -> Actor:
    return Actor(employee_id=uuid5(_NS, name), role=role, name=name)


ALICE = person("Alice Rep", Role.SALES_REPRESENTATIVE)
BOB = person("Bob Rep", Role.SALES_REPRESENTATIVE)
SUE = person("Sue Supervisor", Role.SALES_SUPERVISOR)
MIA = person("Mia Manager", Role.SALES_MANAGER)
DAN = person("Dan Director", Role.SALES_DIRECTOR)
PAT = person("Pat Production", Role.PRODUCTION)
QUINN = person("Quinn Procurement", Role.PROCUREMENT)
LEO = person("Leo Legal", Role.LEGAL)
MARK = person("Mark Marketing", Role.MARKETING)

TODAY = date(2026, 3, 2)
CNY = "CNY"


def money(amount: str) -> Money:
    return Money.of(amount, CNY)


def list_product(
    code: str = "RK-3", price: str = "1000", cost: str = "600", reason: str = "Price list"
) -> cc.ListProduct:
    """The retrofit kit put in the catalogue (SOP 4.1.1) as ``code``, at a list price and
    a standard cost in CNY."""
    return cc.ListProduct(
        product_code=code,
        name="Retrofit kit",
        unit="kit",
        list_price=money(price),
        standard_cost=money(cost),
        reason=reason,
    )


def register(
    name: str = "Hangzhou Precision Co., Ltd.", reg: str = "91330100MA27XX1234", **overrides: object
) -> pc.RegisterProspect:
    data: dict[str, object] = {
        "company_name": name,
        "registration_number": reg,
        "region": "East China",
        "industry": "Machinery",
        "source_channel": SourceChannel.TRADE_SHOW,
        "contacts": (ContactPerson(name="Chen Wei", title="Purchasing Manager"),),
    }
    data.update(overrides)
    return pc.RegisterProspect.model_validate(data)


def customer_id(command: pc.RegisterProspect) -> UUID:
    from salesdomain.prospecting.customer import Customer

    return Customer.id_for(command.company_name, command.registration_number)


def assess(cid: UUID, need: Level = Level.HIGH, power: Level = Level.MEDIUM) -> pc.AssessProspect:
    return pc.AssessProspect(
        customer_id=cid,
        assessment=Assessment(
            need_intent=need,
            purchasing_power=power,
            decision_process="Plant manager proposes, general manager signs",
        ),
    )


def qualify(cid: UUID, reason: str = "Budget approved for 2026") -> pc.QualifyProspect:
    return pc.QualifyProspect(customer_id=cid, reason=reason)


def qualified_customer(reg: pc.RegisterProspect | None = None, by: Actor = ALICE) -> list[Step]:
    reg = reg or register()
    cid = customer_id(reg)
    return [(reg, by), (assess(cid), by), (qualify(cid), by)]


def open_opportunity(cid: UUID, opp_id: UUID) -> oc.OpenOpportunity:
    return oc.OpenOpportunity(
        opportunity_id=opp_id,
        customer_id=cid,
        title="CNC line retrofit",
        estimated_value=money("500000"),
        expected_close=TODAY + timedelta(days=90),
    )


def log_visit(opp_id: UUID, on: date = TODAY) -> oc.LogContact:
    return oc.LogContact(
        opportunity_id=opp_id,
        contact=ov.Contact(
            channel=ov.ContactChannel.VISIT,
            occurred_on=on,
            participants=("Alice Rep", "Chen Wei"),
            notes="Toured the plant; downtime on line 3 is the main pain",
        ),
    )


def discover(opp_id: UUID) -> oc.DiscoverNeeds:
    return oc.DiscoverNeeds(
        opportunity_id=opp_id,
        discovery=ov.NeedsDiscovery(
            needs=(
                ov.Need(code="N1", description="Cut unplanned downtime", pain_point="8h/week"),
                ov.Need(code="N2", description="Remote monitoring"),
            ),
            organisation="Plant run by operations; purchasing centralised",
            decision_mechanism="Committee; general manager signs",
            stakeholders=(
                ov.Stakeholder(
                    name="Chen Wei", title="Purchasing", influence=ov.Influence.INFLUENCES
                ),
                ov.Stakeholder(
                    name="Li Na", title="General Manager", influence=ov.Influence.DECIDES
                ),
            ),
        ),
    )


def prioritise(opp_id: UUID) -> oc.PrioritiseNeeds:
    return oc.PrioritiseNeeds(
        opportunity_id=opp_id,
        prioritisation=ov.Prioritisation(
            priorities=(
                ov.NeedPriority(
                    code="N1", rank=1, feasibility=ov.Rating.HIGH, fit=ov.Rating.HIGH, key=True
                ),
                ov.NeedPriority(
                    code="N2", rank=2, feasibility=ov.Rating.MEDIUM, fit=ov.Rating.MEDIUM
                ),
            ),
            opportunity_summary="Retrofit with predictive maintenance package",
        ),
    )


def design(opp_id: UUID, departments: tuple[Role, ...] = (Role.PRODUCTION,)) -> oc.DesignSolution:
    return oc.DesignSolution(
        opportunity_id=opp_id,
        solution=ov.Solution(
            content="Retrofit kit and sensors for line 3",
            value_proposition="Halve unplanned downtime",
            implementation_plan="Install over two weekends",
            expected_results="Downtime under 4h/week",
            departments_involved=departments,
        ),
    )


def confirm(opp_id: UUID, feasible: bool = True) -> oc.ConfirmFeasibility:
    return oc.ConfirmFeasibility(opportunity_id=opp_id, feasible=feasible, remarks="Capacity ok")


def present(opp_id: UUID, on: date = TODAY) -> oc.PresentSolution:
    return oc.PresentSolution(
        opportunity_id=opp_id,
        presentation=ov.Presentation(presented_on=on, formats=("demo", "case study")),
    )


def acknowledge(opp_id: UUID) -> oc.AcknowledgeSolution:
    return oc.AcknowledgeSolution(opportunity_id=opp_id, acknowledged_by="Li Na")


def line(code: str, name: str, specification: str, qty: str, price: str, cost: str) -> ov.QuoteLine:
    """``qty`` units of the product ``code`` at ``price`` a unit (costing ``cost``), in CNY."""
    return ov.QuoteLine(
        product_code=code,
        product_name=name,
        specification=specification,
        quantity=Decimal(qty),
        unit_price=money(price),
        unit_cost=money(cost),
    )


def lines(price: str = "1000", cost: str = "600", qty: str = "100") -> tuple[ov.QuoteLine, ...]:
    return (line("RK-3", "Retrofit kit", "Model RK-3, 380V", qty, price, cost),)


SENSORS = line("SN-1", "Vibration sensor", "Model SN-1, wireless", "10", "1000", "400")
"""A second product for a quote: 10 x SN-1 at 1,000 CNY (cost 400)."""


def quote(
    opp_id: UUID, price: str = "1000", valid_days: int | None = 30, **kw: object
) -> oc.IssueQuote:
    """A quote of ``lines(price)``, valid ``valid_days`` from TODAY (``None``: no date)."""
    return oc.IssueQuote.model_validate(
        {
            "opportunity_id": opp_id,
            "lines": lines(price),
            "payment_terms": "30% advance, 70% on delivery",
            "delivery_date": TODAY + timedelta(days=60),
            "valid_until": None if valid_days is None else TODAY + timedelta(days=valid_days),
            **kw,
        }
    )


def negotiate(opp_id: UUID, requested: str = "0.15", on: date = TODAY) -> oc.RecordNegotiationRound:
    return oc.RecordNegotiationRound(
        opportunity_id=opp_id,
        negotiation=ov.NegotiationRound(
            held_on=on,
            customer_position="Competitor offers 15% less",
            requested_discount=Decimal(requested),
            our_response="Offered extended warranty instead",
        ),
    )


def request_discount(
    opp_id: UUID, price: str = "880", cost: str = "600"
) -> oc.RequestDiscountApproval:
    """Ask approval for the terms ``quote(opp_id, price)`` (with ``cost``) would issue."""
    return oc.RequestDiscountApproval(
        opportunity_id=opp_id,
        lines=lines(price, cost),
        payment_terms="30% advance, 70% on delivery",
        delivery_date=TODAY + timedelta(days=60),
        valid_until=TODAY + timedelta(days=30),
        justification="Strategic account; competitor at -15%",
    )


def through_acknowledged(opp_id: UUID, cid: UUID, by: Actor = ALICE) -> list[Step]:
    """History of an opportunity up to a solution the customer acknowledged."""
    return [
        (open_opportunity(cid, opp_id), by),
        (log_visit(opp_id), by),
        (discover(opp_id), by),
        (prioritise(opp_id), by),
        (design(opp_id), by),
        (confirm(opp_id), PAT),
        (present(opp_id), by),
        (acknowledge(opp_id), by),
    ]


def won_deal(opp_id: UUID, reg: pc.RegisterProspect | None = None) -> list[Step]:
    """History of a prospect qualified and won: quote v1 (100 x 1,000 CNY) accepted."""
    reg = reg or register()
    cid = customer_id(reg)
    return [
        *qualified_customer(reg),
        *through_acknowledged(opp_id, cid),
        (quote(opp_id), ALICE),
        (oc.AcceptQuote(opportunity_id=opp_id, quote_version=1, accepted_by="Li Na"), ALICE),
    ]


def long_running_opportunity(
    app: SalesApplication,
    contacts: int,
    *,
    rep: Actor,
    batch: int,
    tick: Callable[[], None] = lambda: None,
) -> UUID:
    """An opportunity of a qualified customer, opened and then ``contacts`` contacts
    logged (the n-th on day n), written straight to ``app`` (no commands, so as fast as
    a long history can be written) and saved every ``batch`` events; ``tick()`` is
    called before each contact (a caller may move a clock there).  Its id."""
    customer = Customer.register(
        Evidence(rep, uuid4(), "RegisterProspect"),
        company_name=f"Long Running Customer {uuid4().hex[:8]}",
        registration_number="",
        region="East China",
        industry="Machinery",
        source_channel=SourceChannel.TRADE_SHOW,
        contacts=ContactPersons(),
    )
    customer.assess(Evidence(rep, uuid4(), "AssessProspect"), assess(customer.id).assessment)
    customer.qualify(
        Evidence(rep, uuid4(), "QualifyProspect"), "Budget approved", policy=SalesPolicy()
    )
    app.save(customer)
    opportunity = Opportunity.open(
        Evidence(rep, uuid4(), "OpenOpportunity"),
        opportunity_id=uuid4(),
        customer=customer,
        title="CNC line retrofit",
        estimated_value=money("500000"),
        expected_close=TODAY + timedelta(days=90),
        today=TODAY,
    )
    for n in range(contacts):
        tick()
        visit = ov.Contact(
            channel=ov.ContactChannel.VISIT,
            occurred_on=date(2000, 1, 3) + timedelta(days=n % 9000),
            participants=(rep.name,),
            notes=f"Visit {n}",
        )
        opportunity.log_contact(Evidence(rep, uuid4(), "LogContact"), visit, today=TODAY)
        if len(opportunity.pending_events) >= batch:
            app.save(opportunity)
    app.save(opportunity)
    return opportunity.id
