"""Handlers of the opportunity: load, call the aggregate, done."""

from __future__ import annotations

from uuid import UUID

from salesdomain.errors import SopRuleViolation
from salesdomain.handling import UnitOfWork, delegate_to, handles, makes
from salesdomain.opportunities import commands as c
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.opportunities.values import QuoteTerms
from salesdomain.people.employee import Employee
from salesdomain.prospecting.customer import Customer
from salesdomain.rules.training import ONBOARDING_BEFORE_OWNING_OPPORTUNITIES

passes_to_opportunity = delegate_to(Opportunity, by="opportunity_id")
"""Registers a handler that only passes the command's fields to a method of the opportunity."""


def _customer(uow: UnitOfWork, customer_id: UUID) -> Customer:
    return uow.load(Customer, customer_id)


_open = makes(Opportunity)(c.OpenOpportunity, Opportunity.open, customer=_customer)


@handles(c.OpenOpportunity)
def open_opportunity(cmd: c.OpenOpportunity, uow: UnitOfWork) -> None:
    owner = uow.find(Employee, uow.evidence.actor.employee_id)
    if owner is not None and not owner.onboarding_completed:
        raise SopRuleViolation(ONBOARDING_BEFORE_OWNING_OPPORTUNITIES, owner.name)
    _open(cmd, uow)


passes_to_opportunity(c.LogContact, Opportunity.log_contact)
passes_to_opportunity(c.DiscoverNeeds, Opportunity.discover_needs)
passes_to_opportunity(c.PrioritiseNeeds, Opportunity.prioritise_needs)
passes_to_opportunity(c.DesignSolution, Opportunity.design_solution)
passes_to_opportunity(c.ConfirmFeasibility, Opportunity.confirm_feasibility)
passes_to_opportunity(c.PresentSolution, Opportunity.present_solution)
passes_to_opportunity(c.AcknowledgeSolution, Opportunity.acknowledge_solution)
passes_to_opportunity(c.IssueQuote, Opportunity.issue_quote)
passes_to_opportunity(c.RecordNegotiationRound, Opportunity.record_negotiation)


passes_to_opportunity(
    c.RequestDiscountApproval, Opportunity.request_discount_approval, terms=QuoteTerms
)
passes_to_opportunity(c.ApproveDiscount, Opportunity.approve_discount)
passes_to_opportunity(c.RejectDiscount, Opportunity.reject_discount)
passes_to_opportunity(c.AcceptQuote, Opportunity.accept_quote)
passes_to_opportunity(c.MarkOpportunityLost, Opportunity.mark_lost)
passes_to_opportunity(c.ReviseExpectedClose, Opportunity.revise_expected_close)
passes_to_opportunity(c.ReviseEstimatedValue, Opportunity.revise_estimated_value)
