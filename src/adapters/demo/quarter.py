"""The quarter's story: the SOP areas' steps, run in the order they happen."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from salesdomain.adapters.demo.kpi_schemes import MONTHLY, QUARTERLY
from salesdomain.adapters.demo.quarter_aftersales import _AfterSalesSteps
from salesdomain.adapters.demo.quarter_orders import _OrderSteps
from salesdomain.adapters.demo.quarter_sales import _SalesSteps
from salesdomain.adapters.demo.setting import CURRENCY, MONTHS, QUARTER, TEAM, Progress

from salesdomain.people import commands as hc
from salesdomain.people.values import TargetFigures
from salesdomain.performance import commands as pfc
from salesdomain.prospecting import commands as pc
from salesdomain.prospecting.values import (
    CompetitorPrice,
    Findings,
    MarketDimension,
    MarketSize,
    ResearchSubject,
)
from salesdomain.values import Money

# ---- the quarter, step by step --------------------------------------------------------------


class _Quarter(_SalesSteps, _OrderSteps, _AfterSalesSteps):
    """The quarter's story: every step, in the order it happens."""

    def run(self, progress: Progress | None = None) -> None:
        phases: list[tuple[str, Callable[[], None]]] = [
            ("staff, KPI schemes, targets", self.set_up),
            ("prospects", self.prospecting),
            ("hiring need", self.recruitment_opens),
            ("needs and solutions", self.needs_and_solutions),
            ("hiring", self.hiring),
            ("quotes", self.quotation),
            ("contracts", self.contracts),
            ("onboarding", self.onboarding),
            ("January appraisals", lambda: self.monthly_appraisal(MONTHS[0])),
            ("order coordination", self.order_coordination),
            ("team meeting", self.team_meeting),
            ("a new prospect", self.new_prospect),
            ("February appraisals", lambda: self.monthly_appraisal(MONTHS[1])),
            ("escalation", self.resolve_escalation),
            ("production and delivery", self.production_and_delivery),
            ("training", self.training),
            ("a complaint", self.complaint),
            ("satisfaction survey", self.survey_of_suzhou),
            ("weekly meetings", self.weekly_meetings),
            ("quarterly appraisals", self.quarterly_appraisals),
        ]
        for done, (label, phase) in enumerate(phases):
            if progress is not None:
                progress(f"The quarter: {label}", done, len(phases))
            phase()
        if progress is not None:
            progress("The quarter", len(phases), len(phases))

    def market_sizes(self) -> None:
        """Marketing sizes the quarter's market (SOP 2.1.1) on its research note: what
        the quarter's market share is measured against (4.2.1).  Recorded with the note,
        without drawing on the simulation's chance or clock, so the rest of the quarter
        is the same as before sizes were recorded."""
        co = self.co
        for dimension, segment, size in (
            (MarketDimension.REGION, "East China", 6_000_000),
            (MarketDimension.PRODUCT, "RK-3", 2_500_000),
        ):
            sized = MarketSize(
                dimension=dimension,
                segment=segment,
                period=QUARTER,
                size=Money.of(size, CURRENCY),
            )
            command = pc.RecordMarketSize(
                command_id=co.id(f"market size {segment}"),
                note_id=co.id("research retrofit"),
                market_size=sized,
            )
            co.app.handle(command, co.mark)

    # ---- week 1: staff, schemes, targets, market research ------------------------------

    def set_up(self) -> None:
        co = self.co
        co.enrol_staff()
        with co.quickly():
            co.do(
                pfc.DefineKpiScheme,
                co.mia,
                period=QUARTER,
                title=f"{TEAM} KPIs {QUARTER}",
                specs=QUARTERLY,
            )
            for month in MONTHS:
                co.do(
                    pfc.DefineKpiScheme,
                    co.mia,
                    period=month,
                    title=f"{TEAM} monthly check {month}",
                    specs=MONTHLY,
                )
            for rep, revenue in ((co.alice, 400_000), (co.bob, 800_000), (co.carol, 400_000)):
                co.do(
                    hc.SetSalesTarget,
                    co.mia,
                    employee_id=rep.employee_id,
                    period=QUARTER,
                    figures=TargetFigures(
                        revenue=Money.of(revenue, CURRENCY),
                        profit=Money.of(revenue * 3 // 10, CURRENCY),
                        units=Decimal(revenue // 10_000),
                        new_customers=1,
                        visits=4,
                    ),
                )
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
                    price=Money.of(co.rng.choice([9200, 9400, 9600]), CURRENCY),
                    observed_on=co.today,
                )
            ],
        )
        self.market_sizes()
