"""One prospect taken through the SOP by its representative (SOP 2.1-2.3)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from salesdomain.adapters.demo.company import _Company
from salesdomain.adapters.demo.setting import CURRENCY

from salesdomain.opportunities import commands as oc
from salesdomain.opportunities import values as ov
from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.customer import Customer
from salesdomain.prospecting.values import Assessment, ContactPerson, Level, SourceChannel
from salesdomain.sop import Role
from salesdomain.values import Actor, Money


def _lines(product: str, qty: int, price: Decimal) -> list[ov.OfferedLine]:
    """``qty`` of the catalogue's ``product`` offered at ``price`` a unit (its name, list
    price and standard cost are the catalogue's)."""
    return [
        ov.OfferedLine(
            product_code=product,
            specification=f"Model {product}",
            quantity=Decimal(qty),
            unit_price=Money(amount=price, currency=CURRENCY),
        )
    ]


# ---- 2.1-2.3 one prospect taken through the SOP by its representative ---------------------


class _Deal:
    def __init__(
        self,
        co: _Company,
        company: str,
        region: str,
        industry: str,
        channel: SourceChannel,
        rep: Actor,
        decider: str,
    ) -> None:
        self.co = co
        self.company = company
        self.rep = rep
        self.decider = decider
        self.customer_id = Customer.id_for(company)
        self.opp_id = co.id(f"opportunity {company}")
        self.region = region
        self.industry = industry
        self.channel = channel
        self.records: list[UUID] = [self.customer_id]
        """Every record of the case, in the order they were started."""
        self.on_customer = co.acting(rep, customer_id=self.customer_id)
        """The representative's step on the deal's customer."""
        self.on_opportunity = co.acting(rep, opportunity_id=self.opp_id)
        """The representative's step on the deal's opportunity."""

    def screen(self, power: Level = Level.HIGH) -> None:
        self.co.do(
            pc.RegisterProspect,
            self.rep,
            company_name=self.company,
            region=self.region,
            industry=self.industry,
            source_channel=self.channel,
            contacts=[ContactPerson(name="Purchasing lead", title="Purchasing Manager")],
        )
        process = f"Department head proposes, {self.decider} (GM) signs"
        self.on_customer(
            pc.AssessProspect,
            assessment=Assessment(
                need_intent=Level.HIGH, purchasing_power=power, decision_process=process
            ),
        )

    def qualify(self, title: str, estimate: int) -> None:
        self.on_customer(pc.QualifyProspect, reason="Clear need and budget this year")
        self.on_opportunity(
            oc.OpenOpportunity,
            customer_id=self.customer_id,
            title=title,
            estimated_value=Money.of(estimate, CURRENCY),
            expected_close=self.co.today + timedelta(days=45),
        )
        self.records.append(self.opp_id)
        self.contact(ov.ContactChannel.PHONE, "First call; booked a visit", "Purchasing lead")

    def contact(self, channel: ov.ContactChannel, notes: str, *participants: str) -> None:
        self.on_opportunity(
            oc.LogContact,
            contact=ov.Contact(
                channel=channel,
                occurred_on=self.co.today,
                participants=(self.rep.name, *participants),
                notes=notes,
            ),
        )

    def visit(self) -> None:
        self.contact(
            ov.ContactChannel.VISIT,
            "Walked the line; heard the pain points",
            "Purchasing lead",
            "Plant manager",
        )

    def analyse(self) -> None:
        self.on_opportunity(
            oc.DiscoverNeeds,
            discovery=ov.NeedsDiscovery(
                needs=(
                    ov.Need(
                        code="N1",
                        description="Reduce unplanned downtime",
                        pain_point="Line stops weekly",
                    ),
                    ov.Need(code="N2", description="Monitor machines remotely"),
                ),
                organisation="Operations owns the plant; purchasing is central",
                decision_mechanism=f"Investment committee; {self.decider} signs",
                stakeholders=(
                    ov.Stakeholder(name="Plant manager", influence=ov.Influence.INFLUENCES),
                    ov.Stakeholder(name=self.decider, influence=ov.Influence.DECIDES),
                ),
            ),
        )
        high, medium = ov.Rating.HIGH, ov.Rating.MEDIUM
        self.on_opportunity(
            oc.PrioritiseNeeds,
            prioritisation=ov.Prioritisation(
                priorities=(
                    ov.NeedPriority(code="N1", rank=1, feasibility=high, fit=high, key=True),
                    ov.NeedPriority(code="N2", rank=2, feasibility=medium, fit=medium),
                ),
                opportunity_summary="Retrofit with condition monitoring",
            ),
        )

    def propose(self) -> None:
        co = self.co
        self.on_opportunity(
            oc.DesignSolution,
            solution=ov.Solution(
                content="Retrofit kit with condition-monitoring sensors",
                value_proposition="Halve unplanned downtime",
                implementation_plan="Install over two weekends, train operators",
                expected_results="Downtime below 4 hours a week",
                departments_involved=(Role.PRODUCTION, Role.PROCUREMENT),
            ),
        )
        for department, remarks in (
            (co.pat, "Capacity available in the delivery window"),
            (co.quinn, "Sensors in stock with the usual supplier"),
        ):
            step = co.acting(department, opportunity_id=self.opp_id)
            step(oc.ConfirmFeasibility, feasible=True, remarks=remarks)
        self.contact(
            ov.ContactChannel.VISIT, "Presented the solution on site", "Plant manager", self.decider
        )
        formats = ("live demo", "reference case")
        self.on_opportunity(
            oc.PresentSolution,
            presentation=ov.Presentation(presented_on=co.today, formats=formats),
        )
        self.on_opportunity(
            oc.AcknowledgeSolution,
            acknowledged_by=self.decider,
            comments="Content understood and accepted",
        )

    def terms(self, lines: list[ov.OfferedLine]) -> dict[str, Any]:
        co = self.co
        return {
            "lines": lines,
            "payment_terms": "30% advance, 70% on delivery",
            "delivery_date": co.today + timedelta(days=60),
            "valid_until": co.today + timedelta(days=30),
        }

    def quote(self, lines: list[ov.OfferedLine], research: UUID | None = None) -> None:
        self.on_opportunity(
            oc.IssueQuote,
            pricing_basis="Catalogue list price; checked against competitor prices",
            cites_research=research,
            **self.terms(lines),
        )

    def negotiate(self, position: str, requested: str, response: str) -> None:
        self.on_opportunity(
            oc.RecordNegotiationRound,
            negotiation=ov.NegotiationRound(
                held_on=self.co.today,
                customer_position=position,
                requested_discount=Decimal(requested),
                our_response=response,
            ),
        )

    def accept(self, version: int) -> None:
        self.on_opportunity(oc.AcceptQuote, quote_version=version, accepted_by=self.decider)

    def lose(self, reason: str, competitor: str = "", price: Money | None = None) -> None:
        """Lost, to ``competitor`` at ``price`` where the customer told them."""
        self.on_opportunity(
            oc.MarkOpportunityLost, reason=reason, competitor=competitor, competitor_price=price
        )
