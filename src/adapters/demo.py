"""The main job: a seeded quarter (2026-Q1) of a small company, run through the SOP.

Everything is deterministic for a given seed: ids, amounts, dates and the simulated
clock (business hours, Monday to Friday), so two runs record the same histories.

* The team (SOP 3.1-3.4): HR enrols the staff; a hiring need is agreed by the sales
  director, two candidates apply, one is hired, onboarded and trained; sales targets
  and KPI schemes are set for the quarter; a weekly team meeting agrees an action item
  and a hand-off to production; sales expenses are approved by the manager.
* The sales cases (SOP 2.1-2.6): six prospects - a straight win, a discount escalated
  to a sales manager whose revised quote wins, a loss to a competitor after
  negotiation, a loss during needs analysis, a deal still open at the quarter's end and
  a disqualified prospect.  The won deals go on: contract drafted, reviewed, approved
  (one by two levels, after a rejection and a revision), signed; the order opened by
  the named policy, coordinated, produced and procured, inspected (a failed lot is
  reworked and passes re-inspection), shipped in two parts, delivered and confirmed;
  after-sales: a complaint answered late, a service visit, a satisfaction survey with
  an improvement action.
* The quarter's end (SOP 3.3): appraisals with actual figures taken from the KPI read
  model, scores, interviews, plans and final scores; a bonus, a recognition and a
  coaching plan; one representative's two monthly appraisals below standard make the
  named policy raise an escalation by itself.
* Attempts the SOP refuses are reported with the rule that refused them.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid5

from adapters import demo_scale
from projections.appraisal_actuals import appraisal_actuals
from projections.conformance import ConformanceReport, conformance_report
from projections.integrity import ChainKeeper, Digest
from projections.kpi import KpiRow, kpi_table
from projections.log import SKIPPED_TOPIC as COMMAND_RECORD_TOPIC
from projections.pipeline import funnel, pipeline_as_of, win_rate
from projections.runner import ProjectionStopped
from salesdomain import clock
from salesdomain.aftersales import commands as ac
from salesdomain.aftersales.satisfaction_survey import SatisfactionSurvey
from salesdomain.aftersales.service_case import ServiceCase
from salesdomain.aftersales.values import (
    FeedbackChannel,
    FeedbackKind,
    FeedbackResponse,
    ImprovementAction,
    RootCause,
    ServiceWork,
    Severity,
    SurveyAnalysis,
    SurveyMethod,
    SurveyPeriod,
    SurveyResponse,
    VisitKind,
)
from salesdomain.application import SalesApplication
from salesdomain.commands import Command
from salesdomain.contracts import commands as cc
from salesdomain.contracts.contract import Contract
from salesdomain.contracts.values import ArchivedDocument, ContractClauses, Signatory
from salesdomain.errors import RecordNotFound, SalesDomainError
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
from salesdomain.orders import commands as odc
from salesdomain.orders.order import Order
from salesdomain.orders.values import (
    DeliveryReceipt,
    InspectionKind,
    Material,
    ProductionPlan,
    Purchase,
    ReceiptKind,
    ShipmentItem,
    TransportMode,
)
from salesdomain.people import commands as hc
from salesdomain.people.candidate import Candidate
from salesdomain.people.employee import Employee
from salesdomain.people.requisition import Requisition
from salesdomain.people.targets import SalesTarget
from salesdomain.people.values import (
    CriterionScore,
    HiringChannel,
    HiringDecision,
    InterviewCriterion,
    InterviewKind,
    JobProfile,
    Offer,
    OnboardingTopic,
    Period,
    RequirementCheck,
    RoleSet,
    Screening,
    TargetFigures,
    TargetSubject,
    TrainerKind,
)
from salesdomain.performance import commands as pfc
from salesdomain.performance.appraisal import Appraisal
from salesdomain.performance.escalation import Escalation
from salesdomain.performance.team_meeting import TeamMeeting
from salesdomain.performance.values import (
    ActionItem,
    Actual,
    CoachingPlan,
    ExpenseCategory,
    FeedbackInterview,
    HandOff,
    ImprovementGoal,
    ImprovementPlan,
    Incentive,
    IncentiveKind,
    Indicator,
    IndicatorScore,
    IndicatorSpec,
    MeetingKind,
    SelfAssessment,
)
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

if TYPE_CHECKING:
    from adapters.bootstrap import System

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # Monday of the quarter's first full week
QUARTER = Period.parse("2026-Q1")
MONTHS = (Period.parse("2026-01"), Period.parse("2026-02"))
CURRENCY = "CNY"
TEAM = "Sales East"
OPENING, CLOSING = time(9, 0), time(18, 0)

Progress = Callable[[str, int, int], None]
"""Told (what is being done, how far, out of how much)."""
REQUIREMENTS = ("Two years of B2B sales", "Degree in engineering or business")
NORA_STARTS = date(2026, 2, 2)


# ---- the report -------------------------------------------------------------------------


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
    owner: str = ""
    amount: str = ""
    featured: bool = False
    """Printed in full by ``salesdomain demo``; the others get one summary line."""


@dataclass(frozen=True)
class TeamLine:
    """One line of the team's quarter: the SOP step, who, what."""

    sop_step: str
    who: str
    what: str


@dataclass(frozen=True)
class AppraisalSummary:
    employee: str
    period: str
    cycle: str
    actuals: tuple[tuple[str, Decimal], ...]
    """The actual figures recorded (indicator, value), as the KPI read model gave them."""
    final_score: Decimal
    rating_band: str
    incentives: tuple[str, ...]
    coaching: bool
    closed: bool


@dataclass(frozen=True)
class EscalationSummary:
    employee: str
    cycle: str
    appraisals: int
    raised_by: str
    raised_by_role: Role
    rule: str
    resolution: str


@dataclass(frozen=True)
class FunnelLine:
    stage: str
    reached: int
    conversion: Decimal | None


@dataclass
class PipelineSummary:
    as_of: datetime
    funnel: list[FunnelLine]
    win_rate: Decimal | None
    open_count: int
    open_weighted: Decimal
    currency: str = CURRENCY


@dataclass
class DemoReport:
    seed: int
    period: str = QUARTER.code
    started: datetime = START
    finished: datetime = START
    cases: list[CaseReport] = field(default_factory=list)
    team: list[TeamLine] = field(default_factory=list)
    appraisals: list[AppraisalSummary] = field(default_factory=list)
    escalations: list[EscalationSummary] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    pipeline: PipelineSummary | None = None
    events: int = 0
    """Domain events stored (the log also holds one record per command handled)."""
    commands: int = 0
    kpi: list[KpiRow] = field(default_factory=list)
    """Each representative's KPIs per quarter against their targets (the KPI view)."""
    digest: Digest | None = None
    """The hash chain's head after the run: position and link (ADR 10)."""
    scale: demo_scale.ScaleSummary | None = None
    conformance: ConformanceReport | None = None
    """The quarter reviewed against the SOP from the raw log, as at the run's end (ADR 15)."""


# ---- the company: people, ids, clock ------------------------------------------------------


def _business_hours(moment: datetime) -> datetime:
    """``moment``, or the next opening time if the office is closed then."""
    if moment.time() >= CLOSING:
        moment = datetime.combine(moment.date() + timedelta(days=1), OPENING, UTC)
    elif moment.time() < OPENING:
        moment = datetime.combine(moment.date(), OPENING, UTC)
    while moment.weekday() >= 5:
        moment = datetime.combine(moment.date() + timedelta(days=1), OPENING, UTC)
    return moment


class _Company:
    """The demo's people, ids and clock, all derived from the seed."""

    def __init__(self, system: System, seed: int) -> None:
        self.app: SalesApplication = system.app
        self.views = system.views
        self.rng = random.Random(seed)
        self.ns = uuid5(UUID(int=0), f"salesdomain-demo-{seed}")
        self.clock = clock.SimulatedClock(START)
        self.counter = 0
        self.pace = (20, 150)  # minutes between two steps
        self.refused: list[tuple[str, str]] = []
        self.hana = self.person("Hana Li", Role.HR)
        self.dan = self.person("Dan Wu", Role.SALES_DIRECTOR)
        self.mia = self.person("Mia Chen", Role.SALES_MANAGER)
        self.alice = self.person("Alice Wang", Role.SALES_REPRESENTATIVE)
        self.bob = self.person("Bob Liu", Role.SALES_REPRESENTATIVE)
        self.carol = self.person("Carol Zhao", Role.SALES_REPRESENTATIVE)
        self.pat = self.person("Pat Sun", Role.PRODUCTION)
        self.quinn = self.person("Quinn Xu", Role.PROCUREMENT)
        self.mark = self.person("Mark Hu", Role.MARKETING)
        self.leo = self.person("Leo Zhang", Role.LEGAL)
        self.qin = self.person("Qin Yang", Role.QUALITY_CONTROL)
        self.lou = self.person("Lou Ma", Role.LOGISTICS)
        self.ada = self.person("Ada Zhou", Role.AFTER_SALES)
        self.nora = self.person("Nora Feng", Role.SALES_REPRESENTATIVE)  # hired this quarter

    def enrol_staff(self) -> None:
        """HR enrols herself (founding the staff register), then everyone else: the
        people who act in the demo are employees holding the roles they act under."""
        hired = date(2024, 1, 8)
        people = [
            (self.hana, "HR", None),
            (self.dan, TEAM, None),
            (self.mia, TEAM, self.dan),
            (self.alice, TEAM, self.mia),
            (self.bob, TEAM, self.mia),
            (self.carol, TEAM, self.mia),
            (self.pat, "Production", None),
            (self.quinn, "Procurement", None),
            (self.mark, "Marketing", None),
            (self.leo, "Legal", None),
            (self.qin, "Quality", None),
            (self.lou, "Logistics", None),
            (self.ada, "After-sales", None),
        ]
        with self.quickly():
            for actor, team, manager in people:
                self.do(
                    hc.EnrolEmployee,
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

    # ---- the simulated clock ---------------------------------------------------------

    @property
    def now(self) -> datetime:
        return self.clock()

    @property
    def today(self) -> date:
        return self.clock().date()

    def move_to(self, moment: datetime) -> None:
        """Move the clock forward to ``moment`` (in business hours); never back."""
        target = _business_hours(moment)
        if target > self.now:
            self.clock.advance(target - self.now)

    def on(self, day: date) -> None:
        """The next step happens on ``day`` (or now, if the clock is past it)."""
        self.move_to(datetime.combine(day, OPENING, UTC))

    def later(self, hours: int = 0, days: int = 0) -> None:
        self.move_to(self.now + timedelta(days=days, hours=hours))

    @contextmanager
    def quickly(self) -> Iterator[None]:
        """Steps a few minutes apart (a batch of routine records)."""
        before, self.pace = self.pace, (2, 10)
        try:
            yield
        finally:
            self.pace = before

    # ---- steps -----------------------------------------------------------------------

    def do(self, command_class: type[Command], actor: Actor, **data: Any) -> None:
        self.counter += 1
        command = command_class.model_validate(
            {"command_id": uuid5(self.ns, f"command-{self.counter}"), **data}
        )
        self.app.handle(command, actor)
        self.move_to(self.now + timedelta(minutes=self.rng.randint(*self.pace)))

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


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


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


# ---- 2.4 contract, 2.5 order, 2.6 after-sales of a won deal -------------------------------


def _clauses(liability: str = "") -> ContractClauses:
    return ContractClauses(
        rights_and_duties="Seller delivers and installs; buyer provides site access and pays",
        after_sales_terms="12 months warranty; on-site service within 48h",
        liability=liability,
        dispute_resolution="Hangzhou arbitration commission",
    )


class _Won:
    """A won deal taken on through contract, order and after-sales."""

    def __init__(self, deal: _Deal) -> None:
        self.deal = deal
        self.co = deal.co
        self.contract_id = self.co.id(f"contract {deal.company}")
        self.order_id: UUID | None = None
        self.tasks = 0

    # 2.4 ---------------------------------------------------------------------------

    def draft(self) -> None:
        self.co.do(
            cc.DraftContract,
            self.co.leo,
            contract_id=self.contract_id,
            opportunity_id=self.deal.opp_id,
            clauses=_clauses(),
        )
        self.deal.records.append(self.contract_id)

    def review(self, **explanations: str) -> None:
        self.co.do(
            cc.ReviewContract,
            self.deal.rep,
            contract_id=self.contract_id,
            explanations=explanations,
        )

    def approve(self, approver: Actor, comments: str) -> None:
        self.co.do(cc.ApproveContract, approver, contract_id=self.contract_id, comments=comments)

    def reject(self, approver: Actor, comments: str) -> None:
        self.co.do(cc.RejectContract, approver, contract_id=self.contract_id, comments=comments)

    def revise(self, liability: str, delivery_date: date) -> None:
        self.co.do(
            cc.ReviseContract,
            self.co.leo,
            contract_id=self.contract_id,
            clauses=_clauses(liability),
            delivery_date=delivery_date,
        )

    def signing(self, ours: Actor) -> dict[str, Any]:
        reference = f"archive://contracts/{self.contract_id}"
        return {
            "contract_id": self.contract_id,
            "our_signatory": Signatory(
                name=ours.name, title=ours.role.label.title(), authority="Power of attorney 2026"
            ),
            "customer_signatory": Signatory(
                name=self.deal.decider, title="General Manager", authority="Legal representative"
            ),
            "document": ArchivedDocument(reference=reference, sha256=_sha256(reference)),
            "signed_on": self.co.today,
        }

    def sign(self, ours: Actor) -> None:
        """Both parties sign; the named policy opens the sales order."""
        self.co.do(cc.SignContract, ours, **self.signing(ours))
        contract = self.co.app.load(Contract, self.contract_id)
        self.order_id = Order.id_for(self.contract_id, contract.revision)
        self.deal.records.append(self.order_id)

    # 2.5 ---------------------------------------------------------------------------

    @property
    def order(self) -> UUID:
        assert self.order_id is not None, "the contract is not signed"
        return self.order_id

    def coordinate(self, *tasks: tuple[Role, Actor, str]) -> None:
        for department, owner, description in tasks:
            self.co.do(
                odc.AssignCoordinationTask,
                self.deal.rep,
                order_id=self.order,
                department=department,
                owner_id=owner.employee_id,
                owner_name=owner.name,
                description=description,
            )
        first = self.tasks
        self.tasks += len(tasks)
        self.co.later(hours=5)
        for number, (_department, owner, _description) in enumerate(tasks, start=first + 1):
            self.co.do(
                odc.CompleteCoordinationTask,
                owner,
                order_id=self.order,
                task_number=number,
                outcome="Done; confirmed in the coordination meeting",
            )

    def plan(self, finish: date) -> None:
        self.co.do(
            odc.RecordProductionPlan,
            self.co.pat,
            order_id=self.order,
            plan=ProductionPlan(
                planned_start=self.co.today,
                planned_finish=finish,
                reference=f"MPS-{self.deal.company.split()[0].upper()}",
            ),
        )

    def procure(self, reference: str, supplier: str, material: str, qty: int, days: int) -> None:
        self.co.do(
            odc.RecordProcurement,
            self.co.quinn,
            order_id=self.order,
            purchase=Purchase(
                reference=reference,
                supplier=supplier,
                materials=(Material(name=material, quantity=Decimal(qty), unit="pcs"),),
                expected_on=self.co.today + timedelta(days=days),
            ),
        )

    def follow_up(self, reference: str, note: str, delay_days: int) -> None:
        order = self.co.app.load(Order, self.order)
        self.co.do(
            odc.AddSupplierFollowUp,
            self.co.quinn,
            order_id=self.order,
            reference=reference,
            note=note,
            expected_on=order.purchases[reference].expected_on + timedelta(days=delay_days),
        )

    def inspect(self, lot: str, qty: int, passed: bool = True, findings: str = "") -> None:
        self.co.do(
            odc.RecordInspection,
            self.co.qin,
            order_id=self.order,
            lot_id=lot,
            product_code="RK-3",
            quantity=Decimal(qty),
            kind=InspectionKind.FINAL,
            passed=passed,
            findings=findings,
        )

    def rework(self, lot: str, description: str) -> None:
        self.co.do(
            odc.RecordRework, self.co.pat, order_id=self.order, lot_id=lot, description=description
        )

    def shipment(self, tracking: str, qty: int, arrival: date) -> dict[str, Any]:
        return {
            "order_id": self.order,
            "carrier": "SF Freight",
            "transport": TransportMode.ROAD,
            "tracking_number": tracking,
            "expected_arrival": arrival,
            "items": (ShipmentItem(product_code="RK-3", quantity=Decimal(qty)),),
        }

    def notify(self, tracking: str) -> date:
        """Tell the customer the tracking number and the expected arrival."""
        arrival = self.co.today + timedelta(days=2)
        self.co.do(
            odc.NotifyCustomerOfDispatch,
            self.co.lou,
            order_id=self.order,
            carrier="SF Freight",
            tracking_number=tracking,
            expected_arrival=arrival,
            notified_contact="Purchasing lead",
            channel="e-mail",
        )
        return arrival

    def ship(self, tracking: str, qty: int) -> None:
        """Tell the customer, then dispatch."""
        arrival = self.notify(tracking)
        self.co.do(odc.DispatchShipment, self.co.lou, **self.shipment(tracking, qty, arrival))

    def confirm(self, tracking: str, note: str) -> None:
        self.co.do(
            odc.ConfirmDelivery,
            self.co.lou,
            order_id=self.order,
            tracking_number=tracking,
            receipt=DeliveryReceipt(
                kind=ReceiptKind.SIGNED_DELIVERY_NOTE,
                reference=note,
                signed_by="Purchasing lead",
                received_on=self.co.today,
            ),
        )


# ---- the quarter, step by step --------------------------------------------------------------


def _specs(*rows: tuple[Indicator, str, str, str]) -> tuple[IndicatorSpec, ...]:
    return tuple(
        IndicatorSpec.model_validate(
            {"indicator": i, "weight": w, "target": t, "calculation": calc}
        )
        for i, w, t, calc in rows
    )


QUARTERLY = _specs(
    (Indicator.REVENUE, "0.30", "400000", "revenue of orders completed (delivered), CNY"),
    (Indicator.PROFIT, "0.15", "120000", "revenue minus cost of orders completed, CNY"),
    (Indicator.NEW_CUSTOMERS, "0.15", "1", "customers whose first order was completed"),
    (Indicator.SATISFACTION, "0.10", "4", "average survey and service-visit score (2.6)"),
    (Indicator.VISITS, "0.15", "4", "visits and online meetings logged (2.1.3)"),
    (Indicator.CONVERSION_RATE, "0.15", "0.5", "won / (won + lost) opportunities"),
)
"""Quarterly: results and customers weigh 70% (SOP 3.3.2)."""

MONTHLY = _specs(
    (Indicator.VISITS, "0.30", "4", "visits and online meetings logged (2.1.3)"),
    (Indicator.CONVERSION_RATE, "0.20", "0.5", "won / (won + lost) opportunities"),
    (Indicator.EXPENSE_CONTROL, "0.10", "3000", "approved sales expenses, CNY"),
    (Indicator.REVENUE, "0.25", "130000", "revenue of orders completed (delivered), CNY"),
    (Indicator.NEW_CUSTOMERS, "0.15", "1", "customers whose first order was completed"),
)
"""Monthly: process indicators weigh 60% (SOP 3.3.2)."""


def _supervisor_score(spec: IndicatorSpec, actual: Decimal) -> Decimal:
    """The manager's rule: the share of the target reached, capped at 100 (for expense
    control, where less is better, the share of the budget not overspent)."""
    if spec.target == 0:
        return Decimal(100)
    if spec.higher_is_better:
        ratio = actual / spec.target
    else:
        ratio = Decimal(1) if actual <= spec.target else spec.target / actual
    return min(Decimal(100), max(Decimal(0), ratio * 100)).quantize(Decimal(1))


class _Quarter:
    """The quarter's story: every step, in the order it happens."""

    def __init__(self, co: _Company) -> None:
        self.co = co
        rng = co.rng
        self.price = Decimal(rng.choice([10400, 10800, 11200]))
        self.cost = (self.price * Decimal("0.62")).quantize(Decimal("1"))
        self.requisition = co.id("requisition sales representative 2026")
        self.candidates = {
            co.nora.name: co.id("candidate Nora Feng"),
            "Ivan Guo": co.id("candidate Ivan Guo"),
        }
        self.meeting = co.id("weekly meeting 2026-02-09")
        self.expenses: list[UUID] = []
        self.appraisals: list[UUID] = []
        self.service_case = co.id("service case Hangzhou spindle")
        self.service_visit = co.id("service visit Hangzhou spindle")
        self.straight = _Deal(
            co,
            "Hangzhou Precision Machinery Co., Ltd.",
            "East China",
            "Machinery",
            SourceChannel.TRADE_SHOW,
            co.alice,
            "Li Na",
        )
        self.escalated = _Deal(
            co,
            "Suzhou Bright Textiles Co., Ltd.",
            "East China",
            "Textiles",
            SourceChannel.REFERRAL,
            co.bob,
            "Zhang Wei",
        )
        self.lost_on_price = _Deal(
            co,
            "Ningbo Harbour Logistics Ltd.",
            "East China",
            "Logistics",
            SourceChannel.ONLINE_PLATFORM,
            co.carol,
            "Chen Jie",
        )
        self.lost_early = _Deal(
            co,
            "Shanghai Urban Devices Co., Ltd.",
            "East China",
            "Electronics",
            SourceChannel.SOCIAL_MEDIA,
            co.alice,
            "Wang Fang",
        )
        self.still_open = _Deal(
            co,
            "Jiaxing Auto Parts Co., Ltd.",
            "East China",
            "Automotive",
            SourceChannel.TRADE_SHOW,
            co.carol,
            "Liu Yang",
        )
        self.screened_out = _Deal(
            co,
            "Wuxi Green Foods Co.",
            "East China",
            "Food",
            SourceChannel.INDUSTRY_REPORT,
            co.carol,
            "Zhao Lei",
        )
        self.won_straight = _Won(self.straight)
        self.won_escalated = _Won(self.escalated)

    @property
    def deals(self) -> list[_Deal]:
        return [
            self.straight,
            self.escalated,
            self.lost_on_price,
            self.lost_early,
            self.still_open,
            self.screened_out,
        ]

    def lines(self, qty: int, price: Decimal | None = None) -> list[QuoteLine]:
        return _lines("RK-3", "Retrofit kit", qty, price or self.price, self.cost)

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
            ("quarterly appraisals", self.quarterly_appraisals),
        ]
        for done, (label, phase) in enumerate(phases):
            if progress is not None:
                progress(f"The quarter: {label}", done, len(phases))
            phase()
        if progress is not None:
            progress("The quarter", len(phases), len(phases))

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
        co.do(
            pc.DisqualifyProspect,
            co.carol,
            customer_id=self.screened_out.customer_id,
            reason="Purchasing power too low for our range",
        )
        co.on(date(2026, 1, 8))
        self.straight.qualify("Line 3 retrofit", 180_000)
        self.escalated.qualify("Dyeing line monitoring", 900_000)
        self.lost_on_price.qualify("Crane monitoring", 300_000)
        self.lost_early.qualify("Test bench automation", 150_000)
        co.on(date(2026, 1, 13))
        for deal in (self.straight, self.escalated, self.lost_on_price, self.lost_early):
            deal.visit()
        self.expense(co.carol, 900, "Train to Ningbo for the crane visit")

    def expense(self, who: Actor, amount: int, description: str) -> None:
        co = self.co
        expense_id = co.id(f"expense {len(self.expenses) + 1}")
        co.do(
            pfc.RecordSalesExpense,
            co.mia,
            expense_id=expense_id,
            employee_id=who.employee_id,
            incurred_on=co.today,
            category=ExpenseCategory.TRAVEL,
            amount=Money.of(amount, CURRENCY),
            description=description,
        )
        co.do(pfc.ApproveSalesExpense, co.mia, expense_id=expense_id, comments="Within budget")
        self.expenses.append(expense_id)

    # ---- 3.1 a hiring need ---------------------------------------------------------------

    def recruitment_opens(self) -> None:
        co = self.co
        co.on(date(2026, 1, 14))
        co.do(
            hc.OpenRequisition,
            co.hana,
            requisition_id=self.requisition,
            profile=JobProfile(
                position="Sales Representative",
                team=TEAM,
                roles=RoleSet.of(Role.SALES_REPRESENTATIVE),
                duties=("Develop customers in the region", "Follow deals from contact to order"),
                requirements=REQUIREMENTS,
            ),
            headcount=1,
            justification="Pipeline in East China outgrows three representatives",
        )
        co.do(
            hc.AgreeRequisition,
            co.dan,
            requisition_id=self.requisition,
            comments="Within the 2026 headcount budget",
        )
        co.do(
            hc.ChooseHiringChannels,
            co.hana,
            requisition_id=self.requisition,
            channels=(HiringChannel.JOB_SITE, HiringChannel.REFERRAL),
        )
        channels = (HiringChannel.JOB_SITE, HiringChannel.REFERRAL)
        for (name, candidate), channel in zip(self.candidates.items(), channels, strict=True):
            co.do(
                hc.RecordApplication,
                co.hana,
                candidate_id=candidate,
                requisition_id=self.requisition,
                name=name,
                contact=f"{name.split()[0].lower()}@example.com",
                channel=channel,
                cv_summary="Three years selling machine tools in Zhejiang",
            )
            co.do(
                hc.ScreenCandidate,
                co.hana,
                candidate_id=candidate,
                screening=Screening(
                    checks=tuple(
                        RequirementCheck(requirement=r, met=True, note="per CV")
                        for r in REQUIREMENTS
                    ),
                    passed=True,
                    reasons="Meets every requirement",
                ),
            )

    def interview(self, candidate: UUID, kind: InterviewKind, score: int) -> None:
        self.co.do(
            hc.RecordInterview,
            self.co.hana,
            candidate_id=candidate,
            kind=kind,
            held_on=self.co.today,
            interviewer_id=self.co.mia.employee_id,
            scores=tuple(CriterionScore(criterion=c, score=score) for c in InterviewCriterion),
            notes="Asked good questions about our products"
            if score >= 4
            else "Weak on product knowledge",
        )

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

    # ---- 3.1.3-3.1.4 the hire -------------------------------------------------------------

    def hiring(self) -> None:
        co = self.co
        nora, ivan = self.candidates.values()
        co.on(date(2026, 1, 22))
        self.interview(nora, InterviewKind.ON_SITE, 5)
        self.interview(ivan, InterviewKind.ON_SITE, 3)
        co.do(
            hc.DecideOnCandidate,
            co.dan,
            candidate_id=nora,
            decision=HiringDecision.HIRE,
            reasons="Strongest selling skill and product knowledge",
        )
        co.do(
            hc.DecideOnCandidate,
            co.dan,
            candidate_id=ivan,
            decision=HiringDecision.REJECT,
            reasons="Weaker product knowledge than the selected candidate",
        )
        co.do(
            hc.SendOffer,
            co.hana,
            candidate_id=nora,
            offer=Offer(
                position="Sales Representative",
                salary=Money.of(13_000, CURRENCY),
                start_date=NORA_STARTS,
                manager_id=co.mia.employee_id,
            ),
        )

    # ---- 2.3 quotation ---------------------------------------------------------------------

    def quotation(self) -> None:
        co, rng = self.co, self.co.rng
        co.on(date(2026, 1, 26))
        self.straight.quote(self.lines(rng.randint(10, 17)))

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

        lost = self.lost_on_price
        lost.quote(self.lines(rng.randint(20, 30)))
        lost.negotiate(
            "Needs 25% off to match an integrator", "0.25", "Cannot go below our margin floor"
        )
        lost.lose("Price 25% above the winning offer", "Delta Automation")

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

    # ---- 2.4 contracts ---------------------------------------------------------------------

    def contracts(self) -> None:
        co = self.co
        small, large = self.won_straight, self.won_escalated
        co.on(date(2026, 2, 2))
        small.draft()
        large.draft()
        small.review()
        large.review()
        small.approve(co.mia, "Terms match the accepted quote")
        small.sign(co.mia)
        self.coordinate(small)

        co.on(date(2026, 2, 3))
        large.approve(co.mia, "Commercially sound; discount was approved")
        co.attempt(
            "sign the Suzhou contract before the sales director approved it",
            cc.SignContract,
            co.mia,
            **large.signing(co.mia),
        )
        co.later(hours=4)
        large.reject(
            co.dan,
            "No liability cap, and the delivery date leaves production no margin",
        )
        co.on(date(2026, 2, 4))
        contract = co.app.load(Contract, large.contract_id)
        large.revise(
            liability="Liability capped at 10% of the contract amount",
            delivery_date=contract.current_terms.delivery_date + timedelta(days=14),
        )
        large.review(
            delivery_date="Customer agreed two more weeks on the call of 4 February",
        )
        large.approve(co.mia, "Revision 2 reviewed: liability cap and date acceptable")
        co.later(hours=3)
        large.approve(co.dan, "Approved at director level")
        co.on(date(2026, 2, 5))
        large.sign(co.dan)
        self.coordinate(large)

    def coordinate(self, won: _Won) -> None:
        """2.5.1: the departments get their tasks as soon as the order is entered."""
        co = self.co
        won.coordinate(
            (Role.PRODUCTION, co.pat, "Confirm line capacity for the RK-3 kits"),
            (Role.PROCUREMENT, co.quinn, "Order castings and sensors against the plan"),
            (Role.LOGISTICS, co.lou, "Book road freight for the delivery window"),
        )

    # ---- 3.2.1 onboarding ------------------------------------------------------------------

    def onboarding(self) -> None:
        co = self.co
        co.on(NORA_STARTS)
        co.do(
            hc.CompleteOnboardingTraining,
            co.hana,
            employee_id=co.nora.employee_id,
            topics=tuple(OnboardingTopic),
            completed_on=co.today,
        )
        co.do(
            hc.SetSalesTarget,
            co.mia,
            employee_id=co.nora.employee_id,
            period=QUARTER,
            figures=TargetFigures(revenue=Money.zero(CURRENCY), visits=3),
        )

    # ---- 2.5.1-2.5.2 the orders are coordinated, planned, procured --------------------------

    def order_coordination(self) -> None:
        co = self.co
        small, large = self.won_straight, self.won_escalated
        co.on(date(2026, 2, 10))
        for won in (small, large):
            delivery = co.app.load(Order, won.order).delivery_date
            won.plan(finish=delivery - timedelta(days=14))
        small.procure("PO-2026-011", "Ningbo Castings", "Housing casting", 20, days=12)
        large.procure("PO-2026-012", "Ningbo Castings", "Housing casting", 90, days=12)
        large.procure("PO-2026-013", "Shenzhen Sensors", "Vibration sensor", 180, days=10)
        co.on(date(2026, 2, 16))
        large.follow_up("PO-2026-012", "Second pour needed; castings three days late", 3)

    # ---- 3.4 the weekly team meeting ----------------------------------------------------------

    def team_meeting(self) -> None:
        co = self.co
        co.on(date(2026, 2, 16))
        co.do(
            pfc.HoldTeamMeeting,
            co.mia,
            meeting_id=self.meeting,
            kind=MeetingKind.WEEKLY,
            held_on=co.today,
            team=TEAM,
            attendees=tuple(p.employee_id for p in (co.mia, co.alice, co.bob, co.carol, co.nora)),
            progress="Two contracts signed; Suzhou needed a second revision",
            problems="Carol's pipeline is thin; castings for Suzhou are late",
            decisions=("Nora shadows Carol on her next visits",),
            action_items=(
                ActionItem(
                    description="Take Nora along to the next two customer visits",
                    owner_id=co.carol.employee_id,
                    due_on=co.today + timedelta(days=10),
                ),
            ),
        )
        co.do(
            pfc.AgreeHandOff,
            co.mia,
            meeting_id=self.meeting,
            description="Pass Suzhou's site drawings to production for installation planning",
            owner_id=co.pat.employee_id,
            due_on=co.today + timedelta(days=3),
            handoff=HandOff(from_department=Role.SALES_MANAGER, to_department=Role.PRODUCTION),
        )
        co.later(days=1)
        co.do(
            pfc.CompleteActionItem,
            co.pat,
            meeting_id=self.meeting,
            item_number=2,
            outcome="Drawings received; installation planned for the second shipment",
        )

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
        co.do(
            pfc.CompleteActionItem,
            co.carol,
            meeting_id=self.meeting,
            item_number=1,
            outcome="Nora joined the Jiaxing visits",
        )
        co.on(date(2026, 2, 25))
        deal.quote(self.lines(rng.randint(25, 40)))
        deal.negotiate("Asks for 3% off", "0.03", "Within our authority; waiting for their board")

    # ---- 2.5.3-2.5.4 production, quality, delivery -------------------------------------------

    def production_and_delivery(self) -> None:
        co = self.co
        small, large = self.won_straight, self.won_escalated
        small_qty = int(co.app.load(Order, small.order).lines.units)
        large_qty = int(co.app.load(Order, large.order).lines.units)
        first = large_qty * 3 // 5
        rest = large_qty - first

        co.on(date(2026, 3, 3))
        small.inspect("HZ-L1", small_qty)
        small.ship("SF-HZ-0001", small_qty)
        large.inspect("SZ-L1", first)
        large.ship("SF-SZ-0001", first)
        co.on(date(2026, 3, 4))
        planned = large.notify("SF-SZ-0002")
        large.inspect("SZ-L2", rest, passed=False, findings="Weld seam porosity on six housings")
        co.attempt(
            "ship the Suzhou lot that failed its final inspection",
            odc.DispatchShipment,
            co.lou,
            **large.shipment("SF-SZ-0002", rest, planned),
        )
        co.on(date(2026, 3, 5))
        small.confirm("SF-HZ-0001", "DN-HZ-0001")
        large.confirm("SF-SZ-0001", "DN-SZ-0001")
        co.later(hours=2)
        large.rework("SZ-L2", "Seams ground out and re-welded; housings pressure-tested")
        co.on(date(2026, 3, 9))
        large.inspect("SZ-L2", rest)
        large.ship("SF-SZ-0002", rest)
        co.on(date(2026, 3, 11))
        large.confirm("SF-SZ-0002", "DN-SZ-0002")

    # ---- 3.2.2 periodic training ------------------------------------------------------------

    def training(self) -> None:
        co = self.co
        co.on(date(2026, 3, 12))
        co.do(
            hc.RecordTraining,
            co.mia,
            employee_id=co.nora.employee_id,
            topic="CRM and the sales SOP in practice",
            trainer_kind=TrainerKind.INTERNAL,
            trainer=co.mia.name,
            hours=Decimal(4),
            held_on=co.today,
        )

    # ---- 2.6 after-sales ------------------------------------------------------------------

    def complaint(self) -> None:
        co = self.co
        case = self.service_case
        co.on(date(2026, 3, 16))
        co.do(
            ac.ReceiveFeedback,
            co.alice,
            service_case_id=case,
            customer_id=self.straight.customer_id,
            order_id=self.won_straight.order,
            channel=FeedbackChannel.PHONE,
            description="Spindle on line 3 overheats after two hours since the retrofit",
        )
        self.straight.records.append(case)
        co.do(
            ac.ClassifyFeedback,
            co.alice,
            service_case_id=case,
            kind=FeedbackKind.COMPLAINT,
            severity=Severity.HIGH,
        )
        co.do(ac.AssignServiceCase, co.alice, service_case_id=case, assignee=co.ada)
        # Ada is on another site: the answer comes after the policy's 24 hours.
        respond_by = co.app.load(ServiceCase, case).respond_by
        co.move_to(respond_by + timedelta(hours=3))
        co.do(
            ac.RespondToFeedback,
            co.ada,
            service_case_id=case,
            response=FeedbackResponse(
                answer="The coolant pump fitted with the kit is undersized for continuous duty",
                solution="Replace the pump under warranty on site this week",
                departments_involved=(Role.PRODUCTION, Role.LOGISTICS),
            ),
        )
        co.later(hours=20)
        co.do(
            ac.RecordServiceVisit,
            co.ada,
            visit_id=self.service_visit,
            customer_id=self.straight.customer_id,
            kind=VisitKind.ON_SITE,
            service_case_id=case,
            work=ServiceWork(
                visited_on=co.today,
                work_done="Replaced the coolant pump; ran the line for four hours",
                satisfaction=4,
                customer_comments="Fixed, but the first answer took too long",
                met_with="Plant manager",
            ),
        )
        self.straight.records.append(self.service_visit)
        co.do(
            ac.RecordRootCause,
            co.ada,
            service_case_id=case,
            root_cause=RootCause(
                cause="Wrong pump model in the kit's bill of materials",
                impact="Line 3 of the customer; every RK-3 kit of this batch",
            ),
        )
        co.do(
            ac.ResolveServiceCase,
            co.ada,
            service_case_id=case,
            resolution="Pump replaced; bill of materials corrected",
        )
        co.later(days=1)
        co.do(ac.CloseServiceCase, co.ada, service_case_id=case, remarks="Customer confirmed")

    def survey_of_suzhou(self) -> None:
        co = self.co
        deal = self.escalated
        co.on(date(2026, 3, 23))
        period = SurveyPeriod(starts_on=QUARTER.start, ends_on=QUARTER.end)
        survey = SatisfactionSurvey.id_for(deal.customer_id, period)
        co.do(
            ac.StartSatisfactionSurvey,
            co.ada,
            customer_id=deal.customer_id,
            period=period,
            method=SurveyMethod.PHONE,
        )
        deal.records.append(survey)
        for respondent, satisfaction, recommendation, comments in (
            ("Purchasing lead", 3, 6, "Second shipment came late after rework"),
            ("Plant manager", 4, 8, "Downtime is down; installation was smooth"),
        ):
            co.do(
                ac.RecordSurveyResponse,
                co.ada,
                survey_id=survey,
                response=SurveyResponse(
                    respondent=respondent,
                    satisfaction=satisfaction,
                    recommendation=recommendation,
                    comments=comments,
                ),
            )
        co.do(
            ac.AnalyseSurveyResults,
            co.ada,
            survey_id=survey,
            analysis=SurveyAnalysis(
                summary="Product valued; delivery reliability is the weak point",
                problems=("A failed lot delayed the second shipment by a week",),
            ),
        )
        co.do(
            ac.AddImprovementAction,
            co.ada,
            survey_id=survey,
            action=ImprovementAction(
                action="In-process weld inspection before the final inspection",
                owner_id=co.pat.employee_id,
                owner_name=co.pat.name,
                due=co.today + timedelta(days=30),
            ),
        )
        co.do(
            ac.CloseSatisfactionSurvey,
            co.ada,
            survey_id=survey,
            remarks="Action owned by production",
        )

    # ---- 3.3 appraisals -----------------------------------------------------------------------

    def actuals(
        self, who: Actor, period: Period, specs: tuple[IndicatorSpec, ...]
    ) -> tuple[Actual, ...]:
        """The period's figures as the KPI read model has them (caught up first)."""
        views = self.co.views
        views.catch_up()
        kpi = views.runner("kpi")
        return appraisal_actuals(
            kpi.engine,
            kpi.tables(),
            who.employee_id,
            period,
            [spec.indicator for spec in specs],
            currency=CURRENCY,
        )

    def appraise(
        self, who: Actor, period: Period, specs: tuple[IndicatorSpec, ...], summary: str
    ) -> UUID:
        """One appraisal up to its final score; the caller decides what follows."""
        co = self.co
        aid = Appraisal.id_for(who.employee_id, period)
        self.appraisals.append(aid)
        co.do(pfc.OpenAppraisal, co.mia, employee_id=who.employee_id, period=period)
        actuals = self.actuals(who, period, specs)
        co.do(pfc.RecordActuals, co.hana, appraisal_id=aid, figures=actuals)
        co.do(
            pfc.SubmitSelfAssessment,
            who,
            appraisal_id=aid,
            assessment=SelfAssessment(summary=summary),
        )
        co.do(
            pfc.ScoreAppraisal,
            co.mia,
            appraisal_id=aid,
            scores=tuple(
                IndicatorScore(
                    indicator=spec.indicator,
                    score=_supervisor_score(spec, actual.value),
                    comment=f"{actual.value} against a target of {spec.target}",
                )
                for spec, actual in zip(specs, actuals, strict=True)
            ),
        )
        co.do(
            pfc.RecordFeedbackInterview,
            co.mia,
            appraisal_id=aid,
            interview=FeedbackInterview(
                held_on=co.today, summary="Went through every indicator and the pipeline"
            ),
        )
        co.do(
            pfc.AgreeImprovementPlan,
            who,
            appraisal_id=aid,
            plan=ImprovementPlan(
                goals=(
                    ImprovementGoal(
                        description="More customer visits",
                        measure="at least 4 visits a month",
                        due_on=co.today + timedelta(days=60),
                    ),
                )
            ),
        )
        co.do(pfc.FinaliseAppraisal, co.mia, appraisal_id=aid)
        return aid

    def coach(self, aid: UUID) -> None:
        co = self.co
        co.do(
            pfc.PlanCoaching,
            co.mia,
            appraisal_id=aid,
            plan=CoachingPlan(
                coach_id=co.mia.employee_id,
                actions=("Weekly deal review", "Joint customer visits"),
                trainings=("Negotiation skills",),
                review_on=co.today + timedelta(days=30),
            ),
        )

    def monthly_appraisal(self, month: Period) -> None:
        """Carol is on a monthly cycle (below standard last year)."""
        co = self.co
        co.on(month.end + timedelta(days=2))
        aid = self.appraise(co.carol, month, MONTHLY, f"A quiet {month}: few visits, no order yet")
        if self._below(aid):
            self.coach(aid)
        co.do(pfc.CloseAppraisal, co.mia, appraisal_id=aid)

    def _below(self, aid: UUID) -> bool:
        band = self.co.app.load(Appraisal, aid).rating_band
        return band is not None and band.is_below_standard

    def resolve_escalation(self) -> None:
        """HR or the sales director handles what the policy raised, if it raised anything."""
        co = self.co
        for aid in self.appraisals:
            escalation = Escalation.id_for(aid)
            try:
                co.app.load(Escalation, escalation)
            except RecordNotFound:
                continue
            co.later(days=1)
            co.do(
                pfc.ResolveEscalation,
                co.dan,
                escalation_id=escalation,
                outcome="Formal performance improvement plan for Q2 under company rules",
            )

    def quarterly_appraisals(self) -> None:
        co = self.co
        co.on(QUARTER.end + timedelta(days=1))
        summaries = {
            co.alice.name: "Won Hangzhou; lost Shanghai to a budget freeze",
            co.bob.name: "Won Suzhou, our largest order this quarter",
            co.carol.name: "Lost Ningbo on price; Jiaxing still open",
        }
        finished = {
            rep.employee_id: self.appraise(rep, QUARTER, QUARTERLY, summaries[rep.name])
            for rep in (co.alice, co.bob, co.carol)
        }
        scores = {
            emp: co.app.load(Appraisal, aid).final_score or Decimal(0)
            for emp, aid in finished.items()
        }
        best = max(scores, key=lambda emp: scores[emp])
        for emp, aid in finished.items():
            if self._below(aid):
                co.attempt(
                    "close an appraisal below standard without a coaching plan",
                    pfc.CloseAppraisal,
                    co.mia,
                    appraisal_id=aid,
                )
                self.coach(aid)
            elif emp == best:
                co.do(
                    pfc.DecideIncentive,
                    co.dan,
                    appraisal_id=aid,
                    incentive=Incentive(
                        kind=IncentiveKind.BONUS,
                        bonus=Money.of(20_000, CURRENCY),
                        reason="Best result of the team this quarter",
                    ),
                )
            else:
                co.do(
                    pfc.DecideIncentive,
                    co.mia,
                    appraisal_id=aid,
                    incentive=Incentive(
                        kind=IncentiveKind.RECOGNITION,
                        reason="Met the standard and opened a new customer",
                    ),
                )
            co.do(pfc.CloseAppraisal, co.mia, appraisal_id=aid)


# ---- the main job ---------------------------------------------------------------------------


def run_demo(
    system: System, seed: int = 7, *, scale: int | None = None, progress: Progress | None = None
) -> DemoReport:
    """Run the quarter on ``system`` (its application and read models) and report it;
    with ``scale``, then simulate business cases until about ``scale`` events more
    are stored (``adapters.demo_scale``).  ``progress(what, done, total)`` is told how
    far it got."""
    co = _Company(system, seed)
    quarter = _Quarter(co)
    generated = None
    with clock.simulated(co.clock):
        quarter.run(progress)
        if scale:
            generated = demo_scale.generate(
                system.app,
                scale_staff(co),
                co.clock,
                events=scale,
                seed=seed,
                progress=None if progress is None else _told(progress, "Simulated cases"),
            )
        finished = co.now
    app = system.app
    _catch_up(system, progress)
    events, commands = _count(app)
    report = DemoReport(
        seed=seed,
        finished=finished,
        refused=co.refused,
        events=events,
        commands=commands,
        scale=generated,
    )
    featured = {quarter.escalated.opp_id, quarter.straight.opp_id}
    for deal in quarter.deals:
        case = case_report(app, deal)
        case.featured = deal.opp_id in featured
        report.cases.append(case)
    report.team = team_lines(co, quarter)
    report.appraisals = [appraisal_summary(app, aid) for aid in quarter.appraisals]
    report.escalations = escalation_summaries(app, quarter.appraisals)
    report.pipeline = pipeline_summary(system, finished)
    report.kpi = kpi_against_targets(system, finished)
    if progress is not None:
        progress("Conformance review of the log", 0, 1)
    report.conformance = conformance_report(
        app, app.policy, QUARTER.start, QUARTER.end, as_at=finished
    )
    if progress is not None:
        progress("Conformance review of the log", 1, 1)
    keeper = ChainKeeper(system.views.engine, app)
    keeper.catch_up()
    report.digest = keeper.digest()
    return report


def scale_staff(co: _Company) -> demo_scale.Staff:
    return demo_scale.Staff(
        reps=(co.alice, co.bob, co.carol, co.nora),
        legal=co.leo,
        production=co.pat,
        procurement=co.quinn,
        quality=co.qin,
        logistics=co.lou,
        approvers={Role.SALES_MANAGER: co.mia, Role.SALES_DIRECTOR: co.dan},
    )


def _told(progress: Progress, what: str) -> Callable[[int, int], None]:
    return lambda done, total: progress(what, done, total)


def _catch_up(system: System, progress: Progress | None, page_size: int = 1000) -> None:
    """Bring every view up to the log's head in one pass: each page of the log is read
    and decoded once and given to every view (as ``ReadModels.rebuild`` does)."""
    views = system.views
    runners = [(runner, runner.active_generation()) for runner in views.runners.values()]
    head = views.log.head()
    position = min(runner.position(generation) for runner, generation in runners)
    while position < head and runners:
        page = views.log.read(position, page_size)
        if not page:
            break
        for runner, generation in list(runners):
            at = runner.position(generation)
            part = [item for item in page if item[0] > at]
            try:
                if part:
                    runner.process(part, at, generation)
            except ProjectionStopped as stopped:
                views.stopped[runner.projection.name] = stopped
                runners.remove((runner, generation))
        position = page[-1][0]
        if progress is not None:
            progress("Views following the log", position, head)


def _count(app: SalesApplication) -> tuple[int, int]:
    """Domain events and command records stored (read in pages, without decoding)."""
    events = commands = 0
    position = 0
    while True:
        page = app.recorder.select_notifications(start=position + 1, limit=10_000)
        if not page:
            return events, commands
        for notification in page:
            if notification.topic.startswith(COMMAND_RECORD_TOPIC):
                commands += 1
            else:
                events += 1
        position = page[-1].id


def kpi_against_targets(system: System, until: datetime) -> list[KpiRow]:
    """Each representative's figures per quarter, from the quarter's start, against
    the targets set for them."""
    runner = system.views.runner("kpi")
    return kpi_table(
        runner.engine,
        runner.tables(),
        grain="quarter",
        by="rep",
        since=START.date(),
        until=until.date(),
        currency=CURRENCY,
    )


# ---- reading the results back ----------------------------------------------------------------


def history_lines(app: SalesApplication, aggregate_id: UUID) -> list[HistoryLine]:
    events: list[Any] = list(app.history(aggregate_id))
    return [
        HistoryLine(
            at=event.timestamp,
            sop_step=event.sop_step,
            step_title=step(event.sop_step).title,
            actor=str(event.actor),
            what=describe(event),
        )
        for event in events
    ]


def case_history(app: SalesApplication, records: list[UUID]) -> list[HistoryLine]:
    """The history of every record of a case, merged in time order (records started
    by the same step keep the order in which they were started)."""
    lines = [line for record in records for line in history_lines(app, record)]
    return sorted(lines, key=lambda line: line.at)


def case_report(app: SalesApplication, deal: _Deal) -> CaseReport:
    customer = app.load(Customer, deal.customer_id)
    history = case_history(app, deal.records)
    owner = deal.rep.name
    if deal.opp_id not in deal.records:
        outcome = "qualified" if customer.is_qualified else f"disqualified: {customer.reason}"
        return CaseReport("(screening only)", customer.company_name, outcome, history, owner)
    opp = app.load(Opportunity, deal.opp_id)
    stage = opp.stage.value
    if stage == "won":
        outcome = f"won, {opp.amount}" + _after_the_win(app, deal)
    elif stage == "lost":
        outcome = f"lost: {opp.outcome_reason}"
    else:
        outcome = f"open: {stage}"
    return CaseReport(opp.title, opp.customer_name, outcome, history, owner, str(opp.amount))


def _after_the_win(app: SalesApplication, deal: _Deal) -> str:
    parts = []
    for record in deal.records:
        found: Any = app.repository.get(record)
        if isinstance(found, Contract):
            parts.append(f"contract revision {found.revision} {found.status.value}")
        elif isinstance(found, Order):
            shipped = len(found.shipments)
            parts.append(f"order {found.status.value} ({shipped} shipment(s))")
        elif isinstance(found, ServiceCase):
            state = "closed" if found.closed else "open"
            parts.append(f"service case {state}")
        elif isinstance(found, SatisfactionSurvey):
            parts.append("surveyed")
    return "; " + "; ".join(parts) if parts else ""


def team_lines(co: _Company, quarter: _Quarter) -> list[TeamLine]:
    app = co.app
    lines: list[TeamLine] = []
    req = app.load(Requisition, quarter.requisition)
    chosen = req.channels.channels if req.channels is not None else ()
    channels = ", ".join(c.value.replace("_", " ") for c in chosen)
    lines.append(
        TeamLine(
            "3.1.1",
            co.dan.name,
            f"agreed the hiring need: {req.headcount} x {req.profile.position} ({TEAM}); "
            f"channels: {channels}; filled {req.filled}/{req.headcount}"
            + (", closed" if req.is_closed else ""),
        )
    )
    for name, candidate_id in quarter.candidates.items():
        cand = app.load(Candidate, candidate_id)
        interviews = ", ".join(
            f"{i.kind.value.replace('_', '-')} {i.average}" for i in cand.interviews
        )
        what = f"applied via {cand.channel.value.replace('_', ' ')}; interviews {interviews}; "
        if cand.employee_id is not None:
            employee = app.load(Employee, cand.employee_id)
            what += (
                f"HIRED as {employee.position}, starts {employee.start_date}, "
                f"reports to {co.mia.name}"
            )
        else:
            what += cand.status.value
        lines.append(TeamLine("3.1.4", name, what))
    nora = app.load(Employee, co.nora.employee_id)
    lines.append(
        TeamLine(
            "3.2.1-2",
            nora.name,
            "onboarding training "
            + ("completed" if nora.onboarding_completed else "pending")
            + f"; {nora.training_count} periodic training(s), {nora.training_hours} h",
        )
    )
    for rep in (co.alice, co.bob, co.carol, co.nora):
        target = _target(app, rep)
        if target is not None:
            lines.append(TeamLine("3.3.1", rep.name, f"target {QUARTER}: {target}"))
    lines.append(
        TeamLine(
            "3.3.1",
            co.carol.name,
            f"{len(quarter.expenses)} sales expense(s) approved by {co.mia.name}",
        )
    )
    for aid in quarter.appraisals:
        summary = appraisal_summary(app, aid)
        figures = ", ".join(f"{name} {_plain(value)}" for name, value in summary.actuals)
        what = (
            f"{summary.period} ({summary.cycle}) on {figures}: final score "
            f"{summary.final_score}, {summary.rating_band}"
        )
        if summary.incentives:
            what += "; " + "; ".join(summary.incentives)
        if summary.coaching:
            what += "; coaching planned"
        lines.append(TeamLine("3.3.3", summary.employee, what))
    for escalation in escalation_summaries(app, quarter.appraisals):
        lines.append(
            TeamLine(
                "3.3.4",
                escalation.employee,
                f"ESCALATION raised by {escalation.raised_by}: {escalation.rule}"
                + (f"; resolved: {escalation.resolution}" if escalation.resolution else ""),
            )
        )
    meeting = app.load(TeamMeeting, quarter.meeting)
    handoffs = [i for i in meeting.items if i.item.handoff is not None]
    done = sum(1 for i in meeting.items if i.done)
    lines.append(
        TeamLine(
            "3.4.2",
            co.mia.name,
            f"{meeting.kind.value} meeting {meeting.held_on}: {len(meeting.items)} action item(s) "
            f"of which {len(handoffs)} hand-off(s) "
            + ", ".join(
                f"{h.item.handoff.from_department.label} → {h.item.handoff.to_department.label}"
                for h in handoffs
                if h.item.handoff is not None
            )
            + f"; {done}/{len(meeting.items)} completed",
        )
    )
    return lines


def _plain(value: Decimal) -> str:
    """A figure without trailing zeros, thousands separated: 151,200 / 0.5 / 3.5."""
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value.normalize():,f}"


def _target(app: SalesApplication, rep: Actor) -> str | None:
    try:
        target = app.load(
            SalesTarget, SalesTarget.id_for(TargetSubject.employee(rep.employee_id), QUARTER)
        )
    except RecordNotFound:
        return None
    figures = target.figures
    parts = [f"revenue {figures.revenue}"] if figures.revenue.amount else []
    if figures.new_customers:
        parts.append(f"{figures.new_customers} new customer(s)")
    parts.append(f"{figures.visits} visits")
    return ", ".join(parts)


def appraisal_summary(app: SalesApplication, appraisal_id: UUID) -> AppraisalSummary:
    appraisal = app.load(Appraisal, appraisal_id)
    incentives = []
    for incentive in appraisal.incentives:
        if incentive.bonus is not None:
            incentives.append(f"bonus {incentive.bonus}")
        else:
            incentives.append(incentive.kind.value.replace("_", " "))
    figures = appraisal.actuals.figures if appraisal.actuals is not None else ()
    return AppraisalSummary(
        employee=appraisal.employee_name,
        period=appraisal.period.code,
        cycle=appraisal.cycle.value,
        actuals=tuple((f.indicator.label, f.value) for f in figures),
        final_score=appraisal.final_score or Decimal(0),
        rating_band=appraisal.rating_band.label if appraisal.rating_band else "",
        incentives=tuple(incentives),
        coaching=appraisal.coaching is not None,
        closed=appraisal.stage.value == "closed",
    )


def escalation_summaries(
    app: SalesApplication, appraisal_ids: list[UUID]
) -> list[EscalationSummary]:
    found = []
    for aid in appraisal_ids:
        try:
            app.load(Escalation, Escalation.id_for(aid))
        except RecordNotFound:
            continue
        events: list[Any] = list(app.history(Escalation.id_for(aid)))
        raised = events[0]
        resolved = next((e for e in events if type(e).__name__ == "Resolved"), None)
        found.append(
            EscalationSummary(
                employee=raised.employee_name,
                cycle=raised.cycle.value,
                appraisals=len(raised.appraisals.ids),
                raised_by=str(raised.actor),
                raised_by_role=raised.actor.role,
                rule=raised.rule,
                resolution=resolved.outcome if resolved is not None else "",
            )
        )
    return found


def pipeline_summary(system: System, at: datetime) -> PipelineSummary:
    """The funnel and win rate as the pipeline read model has them at ``at``."""
    runner = system.views.runner("pipeline")
    tables = runner.tables()
    rows = pipeline_as_of(runner.engine, tables, system.app.policy.stage_probability, at)
    steps = funnel(rows, runner.engine, tables)
    open_rows = [row for row in rows if row.stage.is_open]
    return PipelineSummary(
        as_of=at,
        funnel=[FunnelLine(s.stage.value, s.reached, s.conversion_from_previous) for s in steps],
        win_rate=win_rate(rows),
        open_count=len(open_rows),
        open_weighted=sum((row.weighted_amount for row in open_rows), Decimal(0)),
    )
