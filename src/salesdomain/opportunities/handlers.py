"""Handlers of the opportunity: load, call the aggregate, done."""

from __future__ import annotations

from salesdomain.errors import SopRuleViolation
from salesdomain.handling import UnitOfWork, handles
from salesdomain.opportunities import commands as c
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.opportunities.values import QuoteTerms
from salesdomain.people.employee import Employee
from salesdomain.prospecting.customer import Customer
from salesdomain.rules.training import ONBOARDING_BEFORE_OWNING_OPPORTUNITIES


@handles(c.OpenOpportunity)
def open_opportunity(cmd: c.OpenOpportunity, uow: UnitOfWork) -> None:
    owner = uow.find(Employee, uow.evidence.actor.employee_id)
    if owner is not None and not owner.onboarding_completed:
        raise SopRuleViolation(ONBOARDING_BEFORE_OWNING_OPPORTUNITIES, owner.name)
    customer = uow.load(Customer, cmd.customer_id)
    uow.add(
        Opportunity.open(
            uow.evidence,
            opportunity_id=cmd.opportunity_id,
            customer=customer,
            title=cmd.title,
            estimated_value=cmd.estimated_value,
            expected_close=cmd.expected_close,
            today=uow.now().date(),
        )
    )


@handles(c.LogContact)
def log_contact(cmd: c.LogContact, uow: UnitOfWork) -> None:
    uow.load(Opportunity, cmd.opportunity_id).log_contact(uow.evidence, cmd.contact)


@handles(c.DiscoverNeeds)
def discover_needs(cmd: c.DiscoverNeeds, uow: UnitOfWork) -> None:
    uow.load(Opportunity, cmd.opportunity_id).discover_needs(uow.evidence, cmd.discovery)


@handles(c.PrioritiseNeeds)
def prioritise_needs(cmd: c.PrioritiseNeeds, uow: UnitOfWork) -> None:
    uow.load(Opportunity, cmd.opportunity_id).prioritise_needs(uow.evidence, cmd.prioritisation)


@handles(c.DesignSolution)
def design_solution(cmd: c.DesignSolution, uow: UnitOfWork) -> None:
    uow.load(Opportunity, cmd.opportunity_id).design_solution(uow.evidence, cmd.solution)


@handles(c.ConfirmFeasibility)
def confirm_feasibility(cmd: c.ConfirmFeasibility, uow: UnitOfWork) -> None:
    uow.load(Opportunity, cmd.opportunity_id).confirm_feasibility(
        uow.evidence, feasible=cmd.feasible, remarks=cmd.remarks
    )


@handles(c.PresentSolution)
def present_solution(cmd: c.PresentSolution, uow: UnitOfWork) -> None:
    uow.load(Opportunity, cmd.opportunity_id).present_solution(uow.evidence, cmd.presentation)


@handles(c.AcknowledgeSolution)
def acknowledge_solution(cmd: c.AcknowledgeSolution, uow: UnitOfWork) -> None:
    uow.load(Opportunity, cmd.opportunity_id).acknowledge_solution(
        uow.evidence, acknowledged_by=cmd.acknowledged_by, comments=cmd.comments
    )


@handles(c.IssueQuote)
def issue_quote(cmd: c.IssueQuote, uow: UnitOfWork) -> None:
    uow.load(Opportunity, cmd.opportunity_id).issue_quote(
        uow.evidence,
        cmd.lines,
        payment_terms=cmd.payment_terms,
        delivery_date=cmd.delivery_date,
        valid_until=cmd.valid_until,
        approval_id=cmd.approval_id,
        pricing_basis=cmd.pricing_basis,
        policy=uow.policy,
        today=uow.now().date(),
    )


@handles(c.RecordNegotiationRound)
def record_negotiation_round(cmd: c.RecordNegotiationRound, uow: UnitOfWork) -> None:
    uow.load(Opportunity, cmd.opportunity_id).record_negotiation(uow.evidence, cmd.negotiation)


@handles(c.RequestDiscountApproval)
def request_discount_approval(cmd: c.RequestDiscountApproval, uow: UnitOfWork) -> None:
    terms = QuoteTerms(
        lines=cmd.lines,
        payment_terms=cmd.payment_terms,
        delivery_date=cmd.delivery_date,
        valid_until=cmd.valid_until,
    )
    uow.load(Opportunity, cmd.opportunity_id).request_discount_approval(
        uow.evidence, terms, justification=cmd.justification, policy=uow.policy
    )


@handles(c.ApproveDiscount)
def approve_discount(cmd: c.ApproveDiscount, uow: UnitOfWork) -> None:
    uow.load(Opportunity, cmd.opportunity_id).approve_discount(
        uow.evidence, comments=cmd.comments, policy=uow.policy
    )


@handles(c.RejectDiscount)
def reject_discount(cmd: c.RejectDiscount, uow: UnitOfWork) -> None:
    uow.load(Opportunity, cmd.opportunity_id).reject_discount(
        uow.evidence, comments=cmd.comments, policy=uow.policy
    )


@handles(c.AcceptQuote)
def accept_quote(cmd: c.AcceptQuote, uow: UnitOfWork) -> None:
    uow.load(Opportunity, cmd.opportunity_id).accept_quote(
        uow.evidence,
        quote_version=cmd.quote_version,
        accepted_by=cmd.accepted_by,
        today=uow.now().date(),
    )


@handles(c.MarkOpportunityLost)
def mark_opportunity_lost(cmd: c.MarkOpportunityLost, uow: UnitOfWork) -> None:
    uow.load(Opportunity, cmd.opportunity_id).mark_lost(
        uow.evidence, reason=cmd.reason, competitor=cmd.competitor
    )
