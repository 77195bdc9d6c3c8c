"""Handlers of customer development: load, call the aggregate, done."""

from __future__ import annotations

from salesdomain.errors import AlreadyRegistered
from salesdomain.handling import UnitOfWork, creates, delegate_to, handles, makes
from salesdomain.prospecting import commands as c
from salesdomain.prospecting.customer import Customer, CustomerNameClaim
from salesdomain.prospecting.market_research import MarketResearch
from salesdomain.prospecting.values import (
    CompetitorPrices,
    ContactPersons,
    QualificationOverride,
    name_claim_id_for,
)

passes_to_research_note = delegate_to(MarketResearch, by="note_id")
"""Registers a handler that only passes the command's fields to a method of the research note."""

passes_to_customer = delegate_to(Customer, by="customer_id")
"""Registers a handler that only passes the command's fields to a method of the customer."""


creates(MarketResearch)(
    c.RecordMarketResearch,
    MarketResearch.record,
    competitor_prices=lambda competitor_prices: CompetitorPrices(prices=competitor_prices),
)
passes_to_research_note(c.AddCompetitorPrice, MarketResearch.add_competitor_price)
passes_to_research_note(c.RecordMarketSize, MarketResearch.record_market_size)


_register = makes(Customer)(
    c.RegisterProspect,
    Customer.register,
    contacts=lambda contacts: ContactPersons(people=contacts),
)


def _surviving(uow: UnitOfWork, customer: Customer) -> Customer:
    """The record the company is kept under: ``customer``, or the one it was merged into."""
    if customer.merged_into is None:
        return customer
    return uow.load(Customer, customer.merged_into)


@handles(c.RegisterProspect)
def register_prospect(cmd: c.RegisterProspect, uow: UnitOfWork) -> None:
    """A company registered already is refused naming its record: the one a merged record
    was merged into (the claims of its names stay, ADR 5 and 47)."""
    existing = uow.find(Customer, Customer.id_for(cmd.company_name, cmd.registration_number))
    if existing is not None:
        kept = _surviving(uow, existing)
        raise AlreadyRegistered(kept.id, kept.company_name)
    claim = uow.find(CustomerNameClaim, name_claim_id_for(cmd.company_name))
    if claim is not None:
        kept = _surviving(uow, uow.load(Customer, claim.customer_id))
        raise AlreadyRegistered(kept.id, kept.company_name)
    customer = _register(cmd, uow)
    uow.add(CustomerNameClaim.claim(uow.evidence, customer))


passes_to_customer(c.AddContactPerson, Customer.add_contact_person)
passes_to_customer(c.AssessProspect, Customer.assess)


def _approved(
    override: QualificationOverride | None, uow: UnitOfWork
) -> QualificationOverride | None:
    """The override with its approver as the staff register names them: an active
    employee holding the role they approve under."""
    if override is None:
        return None
    approver = uow.staff_member(
        override.approved_by, override.approver_role, at_step="2.1.2", name=override.approver_name
    )
    return override.model_copy(update={"approver_name": approver.name})


passes_to_customer(c.QualifyProspect, Customer.qualify, override=_approved)
passes_to_customer(c.DisqualifyProspect, Customer.disqualify)
passes_to_customer(c.ForgetContactPerson, Customer.forget_contact_person)
passes_to_customer(c.DeactivateCustomer, Customer.deactivate)
passes_to_customer(c.ReactivateCustomer, Customer.reactivate)


@handles(c.CorrectCustomerDetails)
def correct_customer_details(cmd: c.CorrectCustomerDetails, uow: UnitOfWork) -> None:
    """A corrected name is claimed as a registration's is: one that another company
    holds is refused (ADR 5); the customer's earlier names keep their claims, so the
    company is still found under them."""
    customer = uow.load(Customer, cmd.customer_id)
    customer.correct_details(
        uow.evidence,
        company_name=cmd.company_name,
        region=cmd.region,
        industry=cmd.industry,
        reason=cmd.reason,
    )
    claim = uow.find(CustomerNameClaim, name_claim_id_for(customer.company_name))
    if claim is None:
        uow.add(CustomerNameClaim.claim(uow.evidence, customer))
    elif claim.customer_id != customer.id:
        holder = _surviving(uow, uow.load(Customer, claim.customer_id))
        if holder.id != customer.id:  # a name of a record merged into this one is its own
            raise AlreadyRegistered(holder.id, holder.company_name)


@handles(c.MergeCustomers)
def merge_customers(cmd: c.MergeCustomers, uow: UnitOfWork) -> None:
    """Both records in one save: the duplicate merged into the survivor, the survivor
    absorbing it."""
    duplicate = uow.load(Customer, cmd.customer_id)
    survivor = uow.load(Customer, cmd.into_customer_id)
    duplicate.merge_into(uow.evidence, survivor, cmd.reason)
