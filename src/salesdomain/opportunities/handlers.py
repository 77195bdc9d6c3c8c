"""Handlers of the opportunity: load, call the aggregate, done."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from salesdomain.catalogue.pricing import priced_lines
from salesdomain.catalogue.product import Product
from salesdomain.catalogue.values import product_id_for
from salesdomain.errors import SopRuleViolation
from salesdomain.handling import (
    FROM_THE_UNIT_OF_WORK,
    UnitOfWork,
    delegate_to,
    handles,
    makes,
)
from salesdomain.opportunities import commands as c
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.opportunities.values import (
    OfferedLine,
    PricingResearch,
    QuoteLine,
    QuoteTerms,
)
from salesdomain.people.employee import Employee
from salesdomain.prospecting.customer import Customer
from salesdomain.prospecting.market_research import MarketResearch
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


def _priced(lines: tuple[OfferedLine, ...], uow: UnitOfWork) -> tuple[QuoteLine, ...]:
    """The offered lines priced from the catalogue's products on the day."""
    products = {
        line.product_code: uow.find(Product, product_id_for(line.product_code)) for line in lines
    }
    role = uow.evidence.actor.role
    return priced_lines(lines, products, role=role, policy=uow.policy, day=uow.now().date())


def _terms(
    lines: tuple[OfferedLine, ...],
    payment_terms: str,
    delivery_date: date,
    valid_until: date,
    uow: UnitOfWork,
) -> QuoteTerms:
    return QuoteTerms(
        lines=_priced(lines, uow),
        payment_terms=payment_terms,
        delivery_date=delivery_date,
        valid_until=valid_until,
    )


def _research(
    cites_research: UUID | None, lines: tuple[OfferedLine, ...], uow: UnitOfWork
) -> PricingResearch | None:
    """The research note cited, with its competitor prices for the quoted products."""
    if cites_research is None:
        return None
    note = uow.load(MarketResearch, cites_research)
    quoted = {line.product_code.casefold() for line in lines}
    return PricingResearch(
        note_id=note.id,
        subject=note.subject,
        competitor_prices=tuple(
            p for p in note.competitor_prices if p.product_code.casefold() in quoted
        ),
    )


passes_to_opportunity(
    c.IssueQuote, Opportunity.issue_quote, lines=_priced, cites_research=_research
)
passes_to_opportunity(c.RecordNegotiationRound, Opportunity.record_negotiation)


passes_to_opportunity(
    c.RequestDiscountApproval, Opportunity.request_discount_approval, terms=_terms
)
passes_to_opportunity(c.ApproveDiscount, Opportunity.approve_discount)
passes_to_opportunity(c.RejectDiscount, Opportunity.reject_discount)
passes_to_opportunity(c.AcceptQuote, Opportunity.accept_quote)
passes_to_opportunity(c.MarkOpportunityLost, Opportunity.mark_lost)
passes_to_opportunity(c.ReviseExpectedClose, Opportunity.revise_expected_close)
passes_to_opportunity(c.ReviseEstimatedValue, Opportunity.revise_estimated_value)
passes_to_opportunity(c.SetForecastCategory, Opportunity.set_forecast_category)


def _owner_manager(uow: UnitOfWork, opportunity: Opportunity) -> UUID | None:
    """The manager of the opportunity's owner, as the staff register shows them now
    (``None``: none, or the owner is not on the register)."""
    owner = uow.find(Employee, opportunity.owner_id)
    return None if owner is None else owner.manager_id


delegate_to(
    Opportunity,
    by="opportunity_id",
    supplies={**FROM_THE_UNIT_OF_WORK, "owner_manager_id": _owner_manager},
)(c.ReviewForecastCategory, Opportunity.review_forecast_category)
