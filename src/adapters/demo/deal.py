"""One prospect taken through the SOP by its representative (SOP 2.1-2.3)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from salesdomain.adapters.demo.company import _Company
from salesdomain.adapters.demo.setting import CURRENCY

from salesdomain.opportunities import commands as oc
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
from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.customer import Customer
from salesdomain.prospecting.values import Assessment, ContactPerson, Level, SourceChannel
from salesdomain.sop import Role
from salesdomain.values import Actor, Money


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
                decision_process=f"Department head proposes, {self.decider} (GM) signs",
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
            expected_close=co.today + timedelta(days=45),
        )
        self.records.append(self.opp_id)
        self.contact(ContactChannel.PHONE, "First call; booked a visit", "Purchasing lead")

    def contact(self, channel: ContactChannel, notes: str, *participants: str) -> None:
        self.co.do(
            oc.LogContact,
            self.rep,
            opportunity_id=self.opp_id,
            contact=Contact(
                channel=channel,
                occurred_on=self.co.today,
                participants=(self.rep.name, *participants),
                notes=notes,
            ),
        )

    def visit(self) -> None:
        self.contact(
            ContactChannel.VISIT,
            "Walked the line; heard the pain points",
            "Purchasing lead",
            "Plant manager",
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
                decision_mechanism=f"Investment committee; {self.decider} signs",
                stakeholders=(
                    Stakeholder(name="Plant manager", influence=Influence.INFLUENCES),
                    Stakeholder(name=self.decider, influence=Influence.DECIDES),
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
        self.contact(
            ContactChannel.VISIT, "Presented the solution on site", "Plant manager", self.decider
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
            acknowledged_by=self.decider,
            comments="Content understood and accepted",
        )

    def terms(self, lines: list[QuoteLine]) -> dict[str, Any]:
        co = self.co
        return {
            "lines": lines,
            "payment_terms": "30% advance, 70% on delivery",
            "delivery_date": co.today + timedelta(days=60),
            "valid_until": co.today + timedelta(days=30),
        }

    def quote(self, lines: list[QuoteLine]) -> None:
        self.co.do(
            oc.IssueQuote,
            self.rep,
            opportunity_id=self.opp_id,
            pricing_basis="Cost plus target margin; checked against competitor prices",
            **self.terms(lines),
        )

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
            accepted_by=self.decider,
        )

    def lose(self, reason: str, competitor: str = "") -> None:
        self.co.do(
            oc.MarkOpportunityLost,
            self.rep,
            opportunity_id=self.opp_id,
            reason=reason,
            competitor=competitor,
        )
