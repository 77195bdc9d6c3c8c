"""The quarter's sales steps: prospects, needs and solutions, quotes (SOP 2.1-2.3)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from salesdomain.adapters.demo.quarter_people import _PeopleSteps
from salesdomain.adapters.demo.quarter_performance import _PerformanceSteps
from salesdomain.adapters.demo.setting import CURRENCY

from salesdomain.catalogue import commands as cc
from salesdomain.opportunities import commands as oc
from salesdomain.opportunities import values as ov
from salesdomain.opportunities.values import ForecastCategory
from salesdomain.people import commands as hc
from salesdomain.people.values import InterviewKind
from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.customer import Customer
from salesdomain.prospecting.values import CompetitorPrice, Level, SourceChannel
from salesdomain.values import Money


class _SalesSteps(_PeopleSteps, _PerformanceSteps):
    """SOP 2.1-2.3; the sales weeks also hold interviews, an offer and expenses."""

    # ---- 2.1 prospects -------------------------------------------------------------------

    def prospecting(self) -> None:
        co = self.co
        co.on(date(2026, 1, 7))
        self.straight.screen()
        co.attempt(
            "register Hangzhou Precision again under another spelling",
            pc.RegisterProspect,
            co.bob,
            company_name="HANGZHOU PRECISION MACHINERY LTD",
            region="East China",
            industry="Machinery",
            source_channel=SourceChannel.REFERRAL,
        )
        for deal in (self.escalated, self.lost_on_price, self.lost_early):
            deal.screen()
        self.screened_out.screen(power=Level.LOW)
        co.attempt(
            "qualify a prospect with low purchasing power without an approved override",
            pc.QualifyProspect,
            self.screened_out.rep,
            customer_id=self.screened_out.customer_id,
            reason="They may find a budget",
        )
        co.do(
            pc.DisqualifyProspect,
            co.carol,
            customer_id=self.screened_out.customer_id,
            reason="Purchasing power too low for our range",
        )
        twin = "Hangzhou Precision Machinery Works"  # the same company, its plant's name
        co.do(
            pc.RegisterProspect,
            co.bob,
            company_name=twin,
            region="East China",
            industry="Machinery",
            source_channel=SourceChannel.ONLINE_PLATFORM,
        )
        co.on(date(2026, 1, 8))
        self.straight.qualify("Line 3 retrofit", 180_000)
        co.do(
            pc.MergeCustomers,
            co.mia,
            customer_id=Customer.id_for(twin),
            into_customer_id=self.straight.customer_id,
            reason="The Works is Hangzhou Precision's plant: one company, one record",
        )
        co.attempt(
            "open an opportunity for the record merged into Hangzhou Precision",
            oc.OpenOpportunity,
            co.bob,
            customer_id=Customer.id_for(twin),
            title="Spare parts",
            estimated_value=Money.of(20_000, CURRENCY),
            expected_close=co.today + timedelta(days=30),
        )
        self.escalated.qualify("Dyeing line monitoring", 900_000)
        self.lost_on_price.qualify("Crane monitoring", 300_000)
        self.lost_early.qualify("Test bench automation", 150_000)
        co.on(date(2026, 1, 13))
        for deal in (self.straight, self.escalated, self.lost_on_price, self.lost_early):
            deal.visit()
        co.attempt(
            "log next week's booked visit as if it had already taken place",
            oc.LogContact,
            self.straight.rep,
            opportunity_id=self.straight.opp_id,
            contact=ov.Contact(
                channel=ov.ContactChannel.VISIT,
                occurred_on=co.today + timedelta(days=7),
                participants=("Plant manager",),
                notes="Follow-up visit booked",
            ),
        )
        self.expense(co.carol, 900, "Train to Ningbo for the crane visit")

    # ---- 2.2 needs and solutions --------------------------------------------------------

    def needs_and_solutions(self) -> None:
        co = self.co
        co.on(date(2026, 1, 15))
        for deal in (self.straight, self.escalated, self.lost_on_price, self.lost_early):
            deal.analyse()
        co.on(date(2026, 1, 16))
        nora, ivan = self.candidates.values()
        self.interview(nora, InterviewKind.PHONE, 4)
        self.interview(ivan, InterviewKind.PHONE, 3)
        co.on(date(2026, 1, 19))
        self.lost_early.lose("Budget frozen until next year")
        co.on(date(2026, 1, 20))
        for deal in (self.straight, self.escalated, self.lost_on_price):
            deal.propose()

    # ---- 2.3 quotation ---------------------------------------------------------------------

    def quotation(self) -> None:
        co, rng = self.co, self.co.rng
        co.on(date(2026, 1, 26))
        co.do(
            cc.ListProduct,
            co.mia,
            product_code="RK-3",
            name="Retrofit kit",
            unit="kit",
            list_price=Money(amount=self.price, currency=CURRENCY),
            standard_cost=Money(amount=self.cost, currency=CURRENCY),
            reason="Price list 2026: cost plus target margin",
        )
        co.do(
            pc.AddCompetitorPrice,
            co.mark,
            note_id=co.id("research retrofit"),
            price=CompetitorPrice(
                competitor="Delta Automation",
                product_code="RK-3",
                price=Money(amount=self.price * Decimal("0.9"), currency=CURRENCY),
                observed_on=co.today,
            ),
        )
        co.attempt(
            "type a lower unit cost into a quote line of a catalogue product",
            oc.IssueQuote,
            self.straight.rep,
            opportunity_id=self.straight.opp_id,
            **self.straight.terms(
                [
                    ov.OfferedLine(
                        product_code="RK-3",
                        specification="Model RK-3",
                        quantity=Decimal(12),
                        unit_price=Money(amount=self.price, currency=CURRENCY),
                        unit_cost=Money(amount=self.cost / 2, currency=CURRENCY),
                    )
                ]
            ),
        )
        self.straight.quote(self.lines(rng.randint(10, 17)), co.id("research retrofit"))

        escalated = self.escalated
        qty = rng.randint(60, 90)
        escalated.quote(self.lines(qty))
        escalated.negotiate(
            "A competitor offers 12% less",
            "0.12",
            "Offered a longer warranty; will ask for a manager's discount",
        )
        discounted = (self.price * Decimal("0.88")).quantize(Decimal(1))
        revised = escalated.terms(self.lines(qty, discounted))
        co.attempt(
            "issue a 12% discount without a manager's approval",
            oc.IssueQuote,
            co.bob,
            opportunity_id=escalated.opp_id,
            **revised,
        )
        escalated.on_opportunity(
            oc.RequestDiscountApproval,
            justification="Strategic account, three more plants to follow",
            **revised,
        )
        co.do(
            oc.ApproveDiscount,
            co.mia,
            opportunity_id=escalated.opp_id,
            comments="Approved for the multi-plant roll-out",
        )
        escalated.on_opportunity(
            oc.IssueQuote, pricing_basis="Manager-approved discount", approval_id=1, **revised
        )

        lost = self.lost_on_price
        offered = self.lines(rng.randint(20, 30))
        lost.quote(offered)
        lost.negotiate(
            "Needs 25% off to match an integrator", "0.25", "Cannot go below our margin floor"
        )
        ours = sum((line.unit_price.amount * line.quantity for line in offered), Decimal(0))
        theirs = Money(amount=(ours / Decimal("1.25")).quantize(Decimal(1)), currency=CURRENCY)
        lost.lose("Price 25% above the winning offer", "Delta Automation", theirs)

        co.on(date(2026, 1, 27))
        nora = self.candidates[co.nora.name]
        co.do(hc.AcceptOffer, co.hana, candidate_id=nora)
        co.later(days=1)
        co.do(
            hc.SignLabourContract,
            co.hana,
            candidate_id=nora,
            employee_id=co.nora.employee_id,
            signed_on=co.today,
            contract_number="LC-2026-007",
        )
        co.on(date(2026, 1, 29))
        self.straight.accept(1)
        escalated.accept(2)

    # ---- February: a new prospect (still open at the quarter's end) -------------------------

    def new_prospect(self) -> None:
        co, rng = self.co, self.co.rng
        deal = self.still_open
        co.on(date(2026, 2, 18))
        deal.screen()
        deal.qualify("Press line monitoring", 350_000)
        co.on(date(2026, 2, 20))
        deal.visit()
        self.expense(co.carol, 600, "Train to Jiaxing for the press line visit")
        co.on(date(2026, 2, 23))
        deal.analyse()
        deal.propose()
        self.action_item_done(co.carol, 1, "Nora joined the Jiaxing visits")
        co.on(date(2026, 2, 25))
        deal.quote(self.lines(rng.randint(25, 40)))
        deal.negotiate("Asks for 3% off", "0.03", "Within our authority; waiting for their board")
        deal.on_opportunity(
            oc.SetForecastCategory, category=ForecastCategory.COMMIT, reason="Board in March"
        )
        co.on(date(2026, 2, 27))
        co.attempt(
            "move the press line's expected close to a day already past",
            oc.ReviseExpectedClose,
            deal.rep,
            opportunity_id=deal.opp_id,
            expected_close=co.today - timedelta(days=1),
            reason="Entered the board's old date",
        )
        co.attempt(
            "revise the press line's estimate after it was quoted",
            oc.ReviseEstimatedValue,
            deal.rep,
            opportunity_id=deal.opp_id,
            estimated_value=Money.of(400_000, CURRENCY),
            reason="They may add a second press line",
        )
        deal.on_opportunity(
            oc.ReviseExpectedClose,
            expected_close=date(2026, 4, 30),
            reason="Their board postponed the decision to its April meeting",
        )
        co.do(
            oc.ReviewForecastCategory,
            co.mia,
            opportunity_id=deal.opp_id,
            category=ForecastCategory.BEST_CASE,
            reason="Postponed once already; best case until the board decides",
        )
