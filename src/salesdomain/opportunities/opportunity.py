"""Opportunity: one qualified customer's path from first contact to won or lost.

SOP 2.1.3 contact and communication, 2.2 needs analysis, 2.3 quotation.  The SOP's
order holds: no solution without recorded and prioritised needs, no presentation
without the involved departments confirming feasibility, no quote without the
solution presented and acknowledged, no quote beyond the issuer's authority unless it
names a granted discount approval of its priced lines (``approvals``), no acceptance of
an expired or superseded quote, and nothing at all once the opportunity is won or lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.authority import SALES_LEADS, among, not_their_own, responsible_or_lead
from salesdomain.errors import NotAuthorised, SopRuleViolation
from salesdomain.facts import happened_by
from salesdomain.opportunities.approvals import (
    Decision,
    DiscountApproval,
    change,
    check_approval,
    covering,
)
from salesdomain.opportunities.stages import Stage
from salesdomain.opportunities.values import (
    AdHocLines,
    Contact,
    ForecastCategory,
    NeedsDiscovery,
    NegotiationRound,
    Presentation,
    PricingResearch,
    Prioritisation,
    QuoteLine,
    QuoteTerms,
    Solution,
)
from salesdomain.policy import SalesPolicy
from salesdomain.prospecting.customer import Customer
from salesdomain.rules.customer_development import (
    OPPORTUNITY_CLOSES_TODAY_OR_LATER,
    OPPORTUNITY_FOR_ACTIVE_CUSTOMER,
    OPPORTUNITY_FOR_QUALIFIED_PROSPECT,
    OPPORTUNITY_FOR_SURVIVING_CUSTOMER,
)
from salesdomain.rules.forecast import (
    FORECAST_CATEGORY_CHANGES_IT,
    FORECAST_CATEGORY_SET_BY_OWNER,
    FORECAST_CHANGE_HAS_REASON,
    FORECAST_OF_OPEN_OPPORTUNITY,
    FORECAST_REVIEWED_BY_OWNERS_MANAGER,
)
from salesdomain.rules.general import (
    ESTIMATE_REVISED_UNTIL_QUOTED,
    EXPECTED_CLOSE_REVISED_TO_TODAY_OR_LATER,
    OPPORTUNITY_CLOSED,
    OPPORTUNITY_REVISION_CHANGES_IT,
)
from salesdomain.rules.needs_analysis import (
    EVERY_RECORDED_NEED_RANKED,
    FEASIBILITY_BEFORE_PRESENTATION,
    FEASIBILITY_OF_DESIGNED_SOLUTION,
    NEEDS_DISCOVERED_IN_CONTACT,
    NEEDS_FIXED_ONCE_QUOTED,
    NEEDS_PRIORITISED_AFTER_RECORDED,
    PRIORITIES_FIXED_ONCE_DESIGNED,
    SOLUTION_FIXED_ONCE_QUOTED,
    SOLUTION_FROM_RECORDED_NEEDS,
)
from salesdomain.rules.quotation import (
    ACCEPTED_QUOTE_ISSUED,
    DISCOUNT_DECIDED_ON_REQUEST,
    DISCOUNT_REQUESTED_BEYOND_AUTHORITY,
    NEGOTIATION_ON_ISSUED_QUOTE,
    ONE_DISCOUNT_REQUEST_AT_A_TIME,
    PRESENTED_SOLUTION_DESIGNED,
    PRESENTED_SOLUTION_FEASIBLE,
    PRICES_APPROVED_FOR_ACKNOWLEDGED_SOLUTION,
    QUOTE_ACCEPTED_WHILE_VALID,
    QUOTE_DELIVERY_NOT_IN_PAST,
    QUOTE_FOR_ACKNOWLEDGED_SOLUTION,
    QUOTE_VALID_FROM_ISSUE,
    QUOTE_WITHIN_AUTHORITY_OR_APPROVED,
    SOLUTION_ACKNOWLEDGED_AFTER_PRESENTATION,
    SOLUTION_ACKNOWLEDGED_ONCE,
    SUPERSEDED_QUOTE_NOT_ACCEPTED,
)
from salesdomain.sop import Role
from salesdomain.values import Money, Text

_QUOTED_OR_FURTHER = frozenset({Stage.QUOTED, Stage.NEGOTIATION})
"""A quote issued in these stages is a revision: the opportunity stays where it is."""


@dataclass(frozen=True)
class Quote:
    """A formal quote as it stands in the opportunity (state, not an event)."""

    version: int
    terms: QuoteTerms
    issued_at: datetime
    discount: Decimal
    approval: int | None


class Opportunity(SopAggregate):
    class Event(SopAggregate.Event):
        pass

    class Opened(Event, SopAggregate.Created):
        SOP_STEP = "2.1.3"
        class_version: ClassVar[int] = 2
        customer_id: UUID
        customer_name: str
        region: str
        industry: str
        title: str
        owner_id: UUID
        owner_name: str
        estimated_value: Money
        expected_close: date
        stage_entered: Stage

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 had neither: the owner opened it, in the contact stage."""
            state["owner_name"] = state["actor"].name
            state["stage_entered"] = Stage.CONTACT

        def apply(self, opp: Opportunity) -> None:
            opp.customer_id = self.customer_id
            opp.customer_name = self.customer_name
            opp.title = self.title
            opp.owner_id = self.owner_id
            opp.estimated_value = self.estimated_value
            opp.expected_close = self.expected_close
            opp.stage = Stage.CONTACT
            opp.contacts_logged = 0
            opp.last_contact_on = None
            opp.discovery = None
            opp.prioritisation = None
            opp.solution = None
            opp.feasibility = {}
            opp.presentation = None
            opp.acknowledged = False
            opp.quotes = []
            opp.rounds = 0
            opp.approvals = {}
            opp.outcome_reason = ""

    class ContactLogged(Event):
        SOP_STEP = "2.1.3"
        class_version: ClassVar[int] = 2
        contact: Contact
        owner_id: UUID | None
        """The opportunity's owner and customer (``None`` only in version 1: unknown)."""
        customer_id: UUID | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 did not name the owner and customer: unknown (``None``)."""
            state.update(owner_id=None, customer_id=None)

        def apply(self, opp: Opportunity) -> None:
            opp.contacts_logged += 1
            opp.last_contact_on = max(
                self.contact.occurred_on, opp.last_contact_on or self.contact.occurred_on
            )

    class NeedsDiscovered(Event):
        SOP_STEP = "2.2.1"
        class_version: ClassVar[int] = 2
        discovery: NeedsDiscovery
        stage_entered: Stage

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["stage_entered"] = Stage.NEEDS_ANALYSIS

        def apply(self, opp: Opportunity) -> None:
            # New needs send the deal back to needs analysis: what was prioritised,
            # designed, confirmed, presented and acknowledged for the old needs no
            # longer stands (else priorities, fixed once a solution exists, could
            # never be set again, and a quote could follow on unprioritised needs).
            opp.discovery = self.discovery
            opp.prioritisation = None
            opp.solution = None
            opp.feasibility = {}
            opp.presentation = None
            opp.acknowledged = False
            opp.stage = Stage.NEEDS_ANALYSIS

    class NeedsPrioritised(Event):
        SOP_STEP = "2.2.2"
        prioritisation: Prioritisation

        def apply(self, opp: Opportunity) -> None:
            opp.prioritisation = self.prioritisation

    class SolutionDesigned(Event):
        SOP_STEP = "2.2.3"
        class_version: ClassVar[int] = 2
        solution: Solution
        stage_entered: Stage

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["stage_entered"] = Stage.SOLUTION_DESIGN

        def apply(self, opp: Opportunity) -> None:
            opp.solution = self.solution
            opp.feasibility = {}
            opp.presentation = None
            opp.acknowledged = False
            opp.stage = Stage.SOLUTION_DESIGN

    class FeasibilityConfirmed(Event):
        SOP_STEP = "2.2.3"
        department: Role
        feasible: bool
        remarks: str

        def apply(self, opp: Opportunity) -> None:
            opp.feasibility[self.department] = self.feasible

    class SolutionPresented(Event):
        SOP_STEP = "2.3.1"
        class_version: ClassVar[int] = 2
        presentation: Presentation
        stage_entered: Stage

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["stage_entered"] = Stage.SOLUTION_PRESENTED

        def apply(self, opp: Opportunity) -> None:
            opp.presentation = self.presentation
            opp.stage = Stage.SOLUTION_PRESENTED

    class SolutionAcknowledged(Event):
        SOP_STEP = "2.3.1"
        acknowledged_by: str
        comments: str

        def apply(self, opp: Opportunity) -> None:
            opp.acknowledged = True

    class QuoteIssued(Event):
        SOP_STEP = "2.3.2"
        class_version: ClassVar[int] = 3
        quote_version: int
        terms: QuoteTerms
        amount: Money
        cost: Money
        margin: Decimal
        discount: Decimal
        supersedes: int | None
        approval: int | None
        pricing_basis: str
        stage_entered: Stage | None
        """``QUOTED``, unless the opportunity is quoted or negotiating already."""
        policy_version: str | None
        """The policy the quote was issued under (``None`` only in version 1: unknown)."""
        ad_hoc_lines: AdHocLines | None
        """The products quoted on ad-hoc lines, not priced from the catalogue (``None``
        before version 3: quoted before the catalogue, every line typed in)."""
        pricing_research: PricingResearch | None
        """The market research note cited as the pricing basis, if one was."""

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 recorded neither: a first quote entered the quoted stage."""
            state["stage_entered"] = Stage.QUOTED if state["supersedes"] is None else None
            state["policy_version"] = None

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Before version 3 there was no catalogue: lines were typed in, no research
            note cited."""
            state.update(ad_hoc_lines=None, pricing_research=None)

        def apply(self, opp: Opportunity) -> None:
            opp.quotes.append(
                Quote(self.quote_version, self.terms, self.timestamp, self.discount, self.approval)
            )
            if self.approval is not None:
                change(opp.approvals, self.approval, quoted_in=self.quote_version)
            if opp.stage is not Stage.NEGOTIATION:
                opp.stage = Stage.QUOTED

    class NegotiationRoundRecorded(Event):
        SOP_STEP = "2.3.3"
        class_version: ClassVar[int] = 2
        round_number: int
        negotiation: NegotiationRound
        stage_entered: Stage | None
        """``NEGOTIATION``, unless the opportunity is negotiating already."""

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 did not record it: the first round entered negotiation."""
            state["stage_entered"] = Stage.NEGOTIATION if state["round_number"] == 1 else None

        def apply(self, opp: Opportunity) -> None:
            opp.rounds = self.round_number
            opp.stage = Stage.NEGOTIATION

    class DiscountApprovalRequested(Event):
        SOP_STEP = "2.3.3"
        request_number: int
        terms: QuoteTerms
        discount: Decimal
        margin: Decimal
        justification: str
        policy_version: str

        def apply(self, opp: Opportunity) -> None:
            requested = DiscountApproval(self.request_number, self.terms, self.actor.employee_id)
            opp.approvals[self.request_number] = requested

    class DiscountApproved(Event):
        SOP_STEP = "2.3.3"
        request_number: int
        comments: str
        discount_limit: Decimal
        margin_floor: Decimal
        policy_version: str

        def apply(self, opp: Opportunity) -> None:
            change(opp.approvals, self.request_number, decision=Decision.GRANTED)

    class DiscountRejected(Event):
        SOP_STEP = "2.3.3"
        request_number: int
        comments: str
        policy_version: str

        def apply(self, opp: Opportunity) -> None:
            change(opp.approvals, self.request_number, decision=Decision.REFUSED)

    class QuoteAccepted(Event):
        SOP_STEP = "2.3.3"
        class_version: ClassVar[int] = 2
        quote_version: int
        amount: Money
        accepted_by: str
        stage_entered: Stage
        owner_id: UUID | None
        """The opportunity's owner and customer (``None`` only in version 1: unknown)."""
        customer_id: UUID | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 did not name the owner and customer: unknown (``None``)."""
            state.update(stage_entered=Stage.WON, owner_id=None, customer_id=None)

        def apply(self, opp: Opportunity) -> None:
            opp.stage = Stage.WON
            opp.accepted_version = self.quote_version
            opp.accepted_event_id = self.event_id

    class Lost(Event):
        # Recorded under the step of the stage the opportunity had reached.
        class_version: ClassVar[int] = 3
        reason: str
        competitor: str
        stage_reached: Stage
        stage_entered: Stage
        owner_id: UUID | None
        """The opportunity's owner and customer (``None`` only in version 1: unknown)."""
        customer_id: UUID | None
        last_quote: Money | None
        """Our last quote's amount (``None``: no quote was issued, or version 1-2)."""
        competitor_price: Money | None
        """The price the competitor won with, where the customer told it (``None``: not
        recorded; always in versions 1-2)."""

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 did not name the owner and customer: unknown (``None``)."""
            state.update(stage_entered=Stage.LOST, owner_id=None, customer_id=None)

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Version 2 recorded neither our last quote nor the competitor's price."""
            state.update(last_quote=None, competitor_price=None)

        def apply(self, opp: Opportunity) -> None:
            opp.stage = Stage.LOST
            opp.outcome_reason = self.reason

    class ExpectedCloseRevised(Event):
        """The day the opportunity is now expected to close, the day it replaces and why
        (recorded under the step of the stage the opportunity is in)."""

        expected_close: date
        previous: date
        reason: str

        def apply(self, opp: Opportunity) -> None:
            opp.expected_close = self.expected_close

    class EstimatedValueRevised(Event):
        """The opportunity's estimated value now, the one it replaces and why (recorded
        under the step of the stage the opportunity is in; only before a quote)."""

        estimated_value: Money
        previous: Money
        reason: str

        def apply(self, opp: Opportunity) -> None:
            opp.estimated_value = self.estimated_value

    class ForecastCategorised(Event):
        """The owner's forecast category (SOP 4.2.3), the one it replaces (``pipeline``
        if it had none) and why."""

        SOP_STEP = "4.2.3"
        category: ForecastCategory
        previous: ForecastCategory
        reason: str
        owner_id: UUID

        def apply(self, opp: Opportunity) -> None:
            opp._forecast_category = self.category

    class ForecastReviewed(Event):
        """The owner's manager reviewed the forecast category (SOP 4.2.3): confirmed it
        (``category`` is ``previous``) or changed it, with the reason."""

        SOP_STEP = "4.2.3"
        category: ForecastCategory
        previous: ForecastCategory
        reason: str
        owner_id: UUID

        def apply(self, opp: Opportunity) -> None:
            opp._forecast_category = self.category

    if TYPE_CHECKING:
        _forecast_category: ForecastCategory
        customer_id: UUID
        customer_name: str
        title: str
        owner_id: UUID
        estimated_value: Money
        expected_close: date
        stage: Stage
        contacts_logged: int
        """How many contacts and visits were logged (each one is in the history: the
        state keeps what decisions need, so a long-lived deal replays in linear time)."""
        last_contact_on: date | None
        discovery: NeedsDiscovery | None
        prioritisation: Prioritisation | None
        solution: Solution | None
        feasibility: dict[Role, bool]
        presentation: Presentation | None
        acknowledged: bool
        quotes: list[Quote]
        rounds: int
        approvals: dict[int, DiscountApproval]
        """Every discount request by its number, the approval id a quote names."""
        accepted_version: int
        accepted_event_id: UUID
        outcome_reason: str

    # ---- 2.1.3 Contact and communication -------------------------------------------

    @classmethod
    def open(
        cls,
        evidence: Evidence,
        *,
        opportunity_id: UUID,
        customer: Customer,
        title: Text,
        estimated_value: Money,
        expected_close: date,
        today: date,
    ) -> Opportunity:
        if customer.merged_into is not None:
            raise SopRuleViolation(
                OPPORTUNITY_FOR_SURVIVING_CUSTOMER,
                f"{customer.company_name} was merged into customer {customer.merged_into}",
            )
        if not customer.active:
            raise SopRuleViolation(
                OPPORTUNITY_FOR_ACTIVE_CUSTOMER,
                f"{customer.company_name} is inactive: {customer.deactivation_reason}",
            )
        if not customer.is_qualified:
            raise SopRuleViolation(
                OPPORTUNITY_FOR_QUALIFIED_PROSPECT, f"{customer.company_name} is not qualified"
            )
        if expected_close < today:
            raise SopRuleViolation(
                OPPORTUNITY_CLOSES_TODAY_OR_LATER,
                f"the expected close {expected_close} is before today, {today}",
            )
        return cls._start(
            cls.Opened,
            evidence,
            id=opportunity_id,
            customer_id=customer.id,
            customer_name=customer.company_name,
            region=customer.region,
            industry=customer.industry,
            title=title,
            owner_id=evidence.actor.employee_id,
            owner_name=evidence.actor.name,
            estimated_value=estimated_value,
            expected_close=expected_close,
            stage_entered=Stage.CONTACT,
        )

    def log_contact(self, evidence: Evidence, contact: Contact, *, today: date) -> None:
        self._may_work_on(evidence, "2.1.3")
        happened_by(today, "2.1.3", occurred_on=contact.occurred_on)
        self._record(
            self.ContactLogged,
            evidence,
            contact=contact,
            owner_id=self.owner_id,
            customer_id=self.customer_id,
        )

    # ---- 2.2 Needs analysis ---------------------------------------------------------

    def discover_needs(self, evidence: Evidence, discovery: NeedsDiscovery) -> None:
        self._may_work_on(evidence, "2.2.1")
        if not self.contacts_logged:
            raise SopRuleViolation(NEEDS_DISCOVERED_IN_CONTACT)
        if self.quotes:
            raise SopRuleViolation(NEEDS_FIXED_ONCE_QUOTED)
        self._record(
            self.NeedsDiscovered, evidence, discovery=discovery, stage_entered=Stage.NEEDS_ANALYSIS
        )

    def prioritise_needs(self, evidence: Evidence, prioritisation: Prioritisation) -> None:
        self._may_work_on(evidence, "2.2.2")
        if self.discovery is None:
            raise SopRuleViolation(NEEDS_PRIORITISED_AFTER_RECORDED)
        recorded = {need.code for need in self.discovery.needs}
        ranked = {p.code for p in prioritisation.priorities}
        if ranked != recorded:
            missing = ", ".join(sorted(recorded - ranked)) or "none"
            unknown = ", ".join(sorted(ranked - recorded)) or "none"
            raise SopRuleViolation(
                EVERY_RECORDED_NEED_RANKED, f"not ranked: {missing}; not recorded: {unknown}"
            )
        if self.solution is not None:
            raise SopRuleViolation(PRIORITIES_FIXED_ONCE_DESIGNED)
        self._record(self.NeedsPrioritised, evidence, prioritisation=prioritisation)

    def design_solution(self, evidence: Evidence, solution: Solution) -> None:
        self._may_work_on(evidence, "2.2.3")
        if self.discovery is None or self.prioritisation is None:
            raise SopRuleViolation(SOLUTION_FROM_RECORDED_NEEDS)
        if self.quotes:
            raise SopRuleViolation(SOLUTION_FIXED_ONCE_QUOTED)
        self._record(
            self.SolutionDesigned, evidence, solution=solution, stage_entered=Stage.SOLUTION_DESIGN
        )

    def confirm_feasibility(self, evidence: Evidence, *, feasible: bool, remarks: str) -> None:
        self._ensure_open("2.2.3")
        department = evidence.actor.role
        if self.solution is None:
            raise SopRuleViolation(FEASIBILITY_OF_DESIGNED_SOLUTION)
        if department not in self.solution.departments_involved:
            raise NotAuthorised(
                "2.2.3",
                str(evidence.actor),
                f"is not in a department involved in the solution "
                f"({', '.join(d.label for d in self.solution.departments_involved)})",
            )
        if self.presentation is not None:
            raise SopRuleViolation(FEASIBILITY_BEFORE_PRESENTATION)
        self._record(
            self.FeasibilityConfirmed,
            evidence,
            department=department,
            feasible=feasible,
            remarks=remarks,
        )

    # ---- 2.3.1 Present the solution -------------------------------------------------

    def present_solution(
        self, evidence: Evidence, presentation: Presentation, *, today: date
    ) -> None:
        self._may_work_on(evidence, "2.3.1")
        happened_by(today, "2.3.1", presented_on=presentation.presented_on)
        if self.solution is None:
            raise SopRuleViolation(PRESENTED_SOLUTION_DESIGNED)
        unconfirmed = [
            d.label for d in self.solution.departments_involved if not self.feasibility.get(d)
        ]
        if unconfirmed:
            raise SopRuleViolation(
                PRESENTED_SOLUTION_FEASIBLE, f"waiting for: {', '.join(unconfirmed)}"
            )
        self._record(
            self.SolutionPresented,
            evidence,
            presentation=presentation,
            stage_entered=Stage.SOLUTION_PRESENTED,
        )

    def acknowledge_solution(
        self, evidence: Evidence, *, acknowledged_by: str, comments: str
    ) -> None:
        self._may_work_on(evidence, "2.3.1")
        if self.presentation is None:
            raise SopRuleViolation(SOLUTION_ACKNOWLEDGED_AFTER_PRESENTATION)
        if self.acknowledged:
            raise SopRuleViolation(SOLUTION_ACKNOWLEDGED_ONCE)
        self._record(
            self.SolutionAcknowledged,
            evidence,
            acknowledged_by=acknowledged_by,
            comments=comments,
        )

    # ---- 2.3.2 Price and quote ------------------------------------------------------

    def issue_quote(
        self,
        evidence: Evidence,
        lines: tuple[QuoteLine, ...],
        *,
        payment_terms: str,
        delivery_date: date,
        valid_until: date | None,
        approval_id: int | None,
        pricing_basis: str,
        policy: SalesPolicy,
        today: date,
        cites_research: PricingResearch | None = None,
    ) -> None:
        """Issue the next quote version of ``lines`` priced from the catalogue on
        ``today`` (``salesdomain.catalogue.pricing``).  Without ``valid_until`` it is
        valid for the policy's quote validity from ``today``, the day it is issued.  A
        quote beyond the issuer's authority names the discount approval
        (``approval_id``) granted for its priced lines; a quote that names one is checked
        against it and uses it up.  ``cites_research``: the research note it is priced
        on."""
        self._may_work_on(evidence, "2.3.2")
        if not self.acknowledged:
            raise SopRuleViolation(QUOTE_FOR_ACKNOWLEDGED_SOLUTION)
        terms = QuoteTerms(
            lines=lines,
            payment_terms=payment_terms,
            delivery_date=delivery_date,
            valid_until=valid_until or today + policy.quote_validity,
        )
        if terms.valid_until < today:
            raise SopRuleViolation(
                QUOTE_VALID_FROM_ISSUE, f"valid until {terms.valid_until}, issued {today}"
            )
        if terms.delivery_date < today:
            raise SopRuleViolation(QUOTE_DELIVERY_NOT_IN_PAST)
        discount = terms.discount_against(self.opening_terms)
        margin = terms.margin
        if approval_id is not None:
            check_approval(self.approvals, approval_id, lines)
        elif not policy.within_authority(evidence.actor.role, discount, margin):
            granted = covering(self.approvals, lines)
            raise SopRuleViolation(
                QUOTE_WITHIN_AUTHORITY_OR_APPROVED,
                f"discount {_pct(discount)}, margin {_pct(margin)}; "
                f"{evidence.actor.role.label} may give up to "
                f"{_pct(policy.discount_limit(evidence.actor.role))} discount and "
                f"{_pct(policy.margin_limit(evidence.actor.role))} margin"
                + (
                    f"; approval #{granted[0]} was granted for these lines: name it (approval_id)"
                    if granted
                    else ""
                ),
            )
        current = self.current_quote
        self._record(
            self.QuoteIssued,
            evidence,
            quote_version=len(self.quotes) + 1,
            terms=terms,
            amount=terms.amount,
            cost=terms.cost,
            margin=margin,
            discount=discount,
            supersedes=current.version if current else None,
            approval=approval_id,
            pricing_basis=pricing_basis,
            stage_entered=None if self.stage in _QUOTED_OR_FURTHER else Stage.QUOTED,
            policy_version=policy.version,
            ad_hoc_lines=AdHocLines(products=terms.ad_hoc_lines),
            pricing_research=cites_research,
        )

    # ---- 2.3.3 Negotiate the price --------------------------------------------------

    def record_negotiation(
        self, evidence: Evidence, negotiation: NegotiationRound, *, today: date
    ) -> None:
        self._may_work_on(evidence, "2.3.3")
        happened_by(today, "2.3.3", held_on=negotiation.held_on)
        if self.current_quote is None:
            raise SopRuleViolation(NEGOTIATION_ON_ISSUED_QUOTE)
        self._record(
            self.NegotiationRoundRecorded,
            evidence,
            round_number=self.rounds + 1,
            negotiation=negotiation,
            stage_entered=None if self.stage is Stage.NEGOTIATION else Stage.NEGOTIATION,
        )

    def request_discount_approval(
        self,
        evidence: Evidence,
        terms: QuoteTerms,
        *,
        justification: str,
        policy: SalesPolicy,
    ) -> None:
        self._may_work_on(evidence, "2.3.3")
        if not self.acknowledged:
            raise SopRuleViolation(PRICES_APPROVED_FOR_ACKNOWLEDGED_SOLUTION)
        if self._pending_request() is not None:
            raise SopRuleViolation(ONE_DISCOUNT_REQUEST_AT_A_TIME)
        discount = terms.discount_against(self.opening_terms)
        margin = terms.margin
        if policy.within_authority(evidence.actor.role, discount, margin):
            raise SopRuleViolation(
                DISCOUNT_REQUESTED_BEYOND_AUTHORITY,
                f"discount {_pct(discount)}, margin {_pct(margin)} are within it",
            )
        self._record(
            self.DiscountApprovalRequested,
            evidence,
            request_number=len(self.approvals) + 1,
            terms=terms,
            discount=discount,
            margin=margin,
            justification=justification,
            policy_version=policy.version,
        )

    def approve_discount(self, evidence: Evidence, *, comments: str, policy: SalesPolicy) -> None:
        pending = self._pending("approve")
        approver = evidence.actor
        among(
            approver,
            policy.discount_approvers,
            "2.3.3",
            "may not approve discounts; approvers are ",
        )
        not_their_own(approver, pending.requested_by, "2.3.3", "cannot approve their own request")
        discount = pending.terms.discount_against(self.opening_terms)
        margin = pending.terms.margin
        if not policy.within_authority(approver.role, discount, margin):
            raise NotAuthorised(
                "2.3.3",
                str(approver),
                f"may approve up to {_pct(policy.discount_limit(approver.role))} discount "
                f"and down to {_pct(policy.margin_limit(approver.role))} margin; this asks "
                f"{_pct(discount)} and {_pct(margin)}",
            )
        self._record(
            self.DiscountApproved,
            evidence,
            request_number=pending.number,
            comments=comments,
            discount_limit=policy.discount_limit(approver.role),
            margin_floor=policy.margin_limit(approver.role),
            policy_version=policy.version,
        )

    def reject_discount(self, evidence: Evidence, *, comments: str, policy: SalesPolicy) -> None:
        pending = self._pending("reject")
        if evidence.actor.role not in policy.discount_approvers:
            raise NotAuthorised("2.3.3", str(evidence.actor), "may not decide on discounts")
        self._record(
            self.DiscountRejected,
            evidence,
            request_number=pending.number,
            comments=comments,
            policy_version=policy.version,
        )

    def accept_quote(
        self, evidence: Evidence, *, quote_version: int, accepted_by: str, today: date
    ) -> None:
        self._may_work_on(evidence, "2.3.3")
        current = self.current_quote
        if current is None or not 1 <= quote_version <= len(self.quotes):
            raise SopRuleViolation(
                ACCEPTED_QUOTE_ISSUED, f"there is no quote version {quote_version}"
            )
        if quote_version != current.version:
            raise SopRuleViolation(
                SUPERSEDED_QUOTE_NOT_ACCEPTED,
                f"version {quote_version} was superseded by version {current.version}",
            )
        if today > current.terms.valid_until:
            raise SopRuleViolation(
                QUOTE_ACCEPTED_WHILE_VALID,
                f"version {quote_version} was valid until {current.terms.valid_until}",
            )
        self._record(
            self.QuoteAccepted,
            evidence,
            quote_version=quote_version,
            amount=current.terms.amount,
            accepted_by=accepted_by,
            stage_entered=Stage.WON,
            owner_id=self.owner_id,
            customer_id=self.customer_id,
        )

    def mark_lost(
        self,
        evidence: Evidence,
        *,
        reason: str,
        competitor: str,
        competitor_price: Money | None = None,
    ) -> None:
        self._may_work_on(evidence, self.stage.sop_step)
        self._record(
            self.Lost,
            evidence,
            sop_step=self.stage.sop_step,
            reason=reason,
            competitor=competitor,
            stage_reached=self.stage,
            stage_entered=Stage.LOST,
            owner_id=self.owner_id,
            customer_id=self.customer_id,
            last_quote=self.quotes[-1].terms.amount if self.quotes else None,
            competitor_price=competitor_price,
        )

    # ---- keeping the deal up to date (issue 17) -------------------------------------

    def revise_expected_close(
        self, evidence: Evidence, *, expected_close: date, reason: str, today: date
    ) -> None:
        """Move the expected close (a plan: today or later), with the reason."""
        code = self.stage.sop_step
        self._may_work_on(evidence, code)
        if expected_close < today:
            raise SopRuleViolation(
                EXPECTED_CLOSE_REVISED_TO_TODAY_OR_LATER,
                f"the expected close {expected_close} is before today, {today}",
                at_step=code,
            )
        self._revise(
            evidence,
            self.ExpectedCloseRevised,
            code,
            f"expected to close on {expected_close}",
            expected_close=(expected_close, self.expected_close),
            reason=reason,
        )

    def revise_estimated_value(
        self, evidence: Evidence, *, estimated_value: Money, reason: str
    ) -> None:
        """Revise the estimate the pipeline weighs until the first quote gives the value."""
        code = self.stage.sop_step
        self._may_work_on(evidence, code)
        if self.quotes:
            raise SopRuleViolation(
                ESTIMATE_REVISED_UNTIL_QUOTED,
                f"{self.title} is quoted at {self.amount} (version {len(self.quotes)})",
                at_step=code,
            )
        self._revise(
            evidence,
            self.EstimatedValueRevised,
            code,
            f"estimated at {estimated_value.amount} {estimated_value.currency}",
            estimated_value=(estimated_value, self.estimated_value),
            reason=reason,
        )

    def _revise(
        self,
        evidence: Evidence,
        revised: type[Opportunity.Event],
        code: str,
        already: str,
        *,
        reason: str,
        **change: tuple[Any, Any],
    ) -> None:
        """Record the revision of the one field in ``change`` (its new and its current
        value) at step ``code``, unless it changes nothing."""
        ((field, (new, current)),) = change.items()
        facts: dict[str, Any] = {field: new, "previous": current, "reason": reason}
        if new == current:
            raise SopRuleViolation(
                OPPORTUNITY_REVISION_CHANGES_IT, f"{self.title} is already {already}", at_step=code
            )
        self._record(revised, evidence, sop_step=code, **facts)

    # ---- 4.2.3 The forecast category ------------------------------------------------

    def set_forecast_category(
        self, evidence: Evidence, *, category: ForecastCategory, reason: str
    ) -> None:
        """The owner's forecast category for the deal (its expected close's period)."""
        self._forecast_open()
        if evidence.actor.employee_id != self.owner_id:
            raise NotAuthorised(
                "4.2.3",
                str(evidence.actor),
                f"does not own {self.title}: {FORECAST_CATEGORY_SET_BY_OWNER.text}",
            )
        current = self.forecast_category
        if category is current:
            raise SopRuleViolation(
                FORECAST_CATEGORY_CHANGES_IT, f"{self.title} is {current.label} already"
            )
        self._record(
            self.ForecastCategorised,
            evidence,
            category=category,
            previous=current,
            reason=reason,
            owner_id=self.owner_id,
        )

    def review_forecast_category(
        self,
        evidence: Evidence,
        *,
        category: ForecastCategory,
        reason: str,
        owner_manager_id: UUID | None,
    ) -> None:
        """The owner's manager (``owner_manager_id``, from the staff register) confirms
        the category (the same one) or changes it, saying why."""
        self._forecast_open()
        actor = evidence.actor
        not_their_own(actor, self.owner_id, "4.2.3", "cannot review their own forecast")
        if owner_manager_id is None or actor.employee_id != owner_manager_id:
            raise NotAuthorised(
                "4.2.3",
                str(actor),
                f"is not the manager of {self.title}'s owner: "
                f"{FORECAST_REVIEWED_BY_OWNERS_MANAGER.text}",
            )
        current = self.forecast_category
        if category is not current and not reason.strip():
            raise SopRuleViolation(
                FORECAST_CHANGE_HAS_REASON, f"from {current.label} to {category.label}"
            )
        self._record(
            self.ForecastReviewed,
            evidence,
            category=category,
            previous=current,
            reason=reason,
            owner_id=self.owner_id,
        )

    def _forecast_open(self) -> None:
        if not self.stage.is_open:
            raise SopRuleViolation(
                FORECAST_OF_OPEN_OPPORTUNITY, f"{self.title} is {self.stage.value}"
            )

    # ---- reading --------------------------------------------------------------------

    @property
    def forecast_category(self) -> ForecastCategory:
        """The category standing now: ``pipeline`` until one is set (ADR 52)."""
        return getattr(self, "_forecast_category", ForecastCategory.PIPELINE)

    @property
    def current_quote(self) -> Quote | None:
        return self.quotes[-1] if self.quotes else None

    @property
    def accepted_quote(self) -> Quote | None:
        """The quote the customer accepted (the basis of the contract, 2.4.1)."""
        if self.stage is not Stage.WON:
            return None
        return self.quotes[self.accepted_version - 1]

    @property
    def opening_terms(self) -> QuoteTerms | None:
        return self.quotes[0].terms if self.quotes else None

    @property
    def amount(self) -> Money:
        """The current quote's amount, else the estimate."""
        current = self.current_quote
        return current.terms.amount if current else self.estimated_value

    def weighted_amount(self, policy: SalesPolicy) -> Money:
        return self.amount.times(policy.stage_probability[self.stage])

    # ---- rules shared by the steps --------------------------------------------------

    def _ensure_open(self, code: str) -> None:
        if not self.stage.is_open:
            raise SopRuleViolation(
                OPPORTUNITY_CLOSED, f"{self.title} is {self.stage.value}", at_step=code
            )

    def _may_work_on(self, evidence: Evidence, code: str) -> None:
        self._ensure_open(code)
        responsible_or_lead(
            evidence.actor,
            self.owner_id,
            SALES_LEADS,
            code,
            "does not own this opportunity and is not a sales lead",
        )

    def _pending(self, verb: str) -> DiscountApproval:
        self._ensure_open("2.3.3")
        pending = self._pending_request()
        if pending is None:
            raise SopRuleViolation(
                DISCOUNT_DECIDED_ON_REQUEST, f"there is no discount request to {verb}"
            )
        return pending

    def _pending_request(self) -> DiscountApproval | None:
        for request in self.approvals.values():
            if request.decision is Decision.PENDING:
                return request
        return None


def _pct(fraction: Decimal) -> str:
    return f"{(fraction * 100).quantize(Decimal('0.1'))}%"
