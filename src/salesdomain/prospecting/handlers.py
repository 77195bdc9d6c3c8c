"""Handlers of customer development: load, call the aggregate, done."""

from __future__ import annotations

from salesdomain.errors import AlreadyRegistered
from salesdomain.handling import UnitOfWork, handles
from salesdomain.prospecting import commands as c
from salesdomain.prospecting.customer import Customer, CustomerNameClaim
from salesdomain.prospecting.market_research import MarketResearch
from salesdomain.prospecting.values import CompetitorPrices, ContactPersons, name_claim_id_for


@handles(c.RecordMarketResearch)
def record_market_research(cmd: c.RecordMarketResearch, uow: UnitOfWork) -> None:
    uow.add(
        MarketResearch.record(
            uow.evidence,
            note_id=cmd.note_id,
            subject_kind=cmd.subject_kind,
            subject=cmd.subject,
            findings=cmd.findings,
            competitor_prices=CompetitorPrices(prices=cmd.competitor_prices),
        )
    )


@handles(c.AddCompetitorPrice)
def add_competitor_price(cmd: c.AddCompetitorPrice, uow: UnitOfWork) -> None:
    uow.load(MarketResearch, cmd.note_id).add_competitor_price(uow.evidence, cmd.price)


@handles(c.RegisterProspect)
def register_prospect(cmd: c.RegisterProspect, uow: UnitOfWork) -> None:
    existing = uow.find(Customer, Customer.id_for(cmd.company_name, cmd.registration_number))
    if existing is not None:
        raise AlreadyRegistered(existing.id, existing.company_name)
    claim = uow.find(CustomerNameClaim, name_claim_id_for(cmd.company_name))
    if claim is not None:
        raise AlreadyRegistered(claim.customer_id, claim.company_name)
    customer = uow.add(
        Customer.register(
            uow.evidence,
            company_name=cmd.company_name,
            registration_number=cmd.registration_number,
            region=cmd.region,
            industry=cmd.industry,
            source_channel=cmd.source_channel,
            contacts=ContactPersons(people=cmd.contacts),
        )
    )
    uow.add(CustomerNameClaim.claim(uow.evidence, customer))


@handles(c.AddContactPerson)
def add_contact_person(cmd: c.AddContactPerson, uow: UnitOfWork) -> None:
    uow.load(Customer, cmd.customer_id).add_contact_person(uow.evidence, cmd.person)


@handles(c.AssessProspect)
def assess_prospect(cmd: c.AssessProspect, uow: UnitOfWork) -> None:
    uow.load(Customer, cmd.customer_id).assess(uow.evidence, cmd.assessment)


@handles(c.QualifyProspect)
def qualify_prospect(cmd: c.QualifyProspect, uow: UnitOfWork) -> None:
    uow.load(Customer, cmd.customer_id).qualify(uow.evidence, cmd.reason)


@handles(c.DisqualifyProspect)
def disqualify_prospect(cmd: c.DisqualifyProspect, uow: UnitOfWork) -> None:
    uow.load(Customer, cmd.customer_id).disqualify(uow.evidence, cmd.reason)


@handles(c.ForgetContactPerson)
def forget_contact_person(cmd: c.ForgetContactPerson, uow: UnitOfWork) -> None:
    uow.load(Customer, cmd.customer_id).forget_contact_person(
        uow.evidence, cmd.subject_id, reason=cmd.reason, requested_by=cmd.requested_by
    )
