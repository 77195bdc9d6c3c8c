"""Handlers of the contract: load, call the aggregate, done."""

from __future__ import annotations

from salesdomain.contracts import commands as c
from salesdomain.contracts.contract import Contract, ContractClaim, TermChanges
from salesdomain.contracts.values import OurSignatory, contract_claim_id_for
from salesdomain.handling import UnitOfWork, delegate_to, handles
from salesdomain.opportunities.opportunity import Opportunity

passes_to_contract = delegate_to(Contract, by="contract_id")
"""Registers a handler that only passes the command's fields to a method of the contract."""


@handles(c.DraftContract)
def draft_contract(cmd: c.DraftContract, uow: UnitOfWork) -> None:
    opportunity = uow.load(Opportunity, cmd.opportunity_id)
    claim = uow.find(ContractClaim, contract_claim_id_for(cmd.opportunity_id))
    contract = uow.add(
        Contract.draft(
            uow.evidence,
            contract_id=cmd.contract_id,
            opportunity=opportunity,
            clauses=cmd.clauses,
            changes=TermChanges(
                lines=cmd.lines, payment_terms=cmd.payment_terms, delivery_date=cmd.delivery_date
            ),
            drafted_already=claim.contract_id if claim else None,
        )
    )
    uow.add(ContractClaim.claim(uow.evidence, contract))


passes_to_contract(c.ReviewContract, Contract.review)
passes_to_contract(c.ReviseContract, Contract.revise, changes=TermChanges)
passes_to_contract(c.ApproveContract, Contract.approve)
passes_to_contract(c.RejectContract, Contract.reject)


def _staff_signatory(our_signatory: OurSignatory, uow: UnitOfWork) -> OurSignatory:
    """Our signatory as the staff register names them: an active employee holding the
    role they sign under."""
    member = uow.staff_member(
        our_signatory.employee_id, our_signatory.role, at_step="2.4.3", name=our_signatory.name
    )
    return our_signatory.model_copy(update={"name": member.name})


passes_to_contract(c.SignContract, Contract.sign, our_signatory=_staff_signatory)
passes_to_contract(c.AmendContract, Contract.amend, changes=TermChanges)
