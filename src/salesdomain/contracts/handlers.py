"""Handlers of the contract: load, call the aggregate, done."""

from __future__ import annotations

from salesdomain.contracts import commands as c
from salesdomain.contracts.contract import Contract, ContractClaim, TermChanges
from salesdomain.contracts.values import contract_claim_id_for
from salesdomain.handling import UnitOfWork, handles
from salesdomain.opportunities.opportunity import Opportunity


def _changes(cmd: c.TermOverrides) -> TermChanges:
    return TermChanges(
        lines=cmd.lines, payment_terms=cmd.payment_terms, delivery_date=cmd.delivery_date
    )


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
            changes=_changes(cmd),
            drafted_already=claim.contract_id if claim else None,
        )
    )
    uow.add(ContractClaim.claim(uow.evidence, contract))


@handles(c.ReviewContract)
def review_contract(cmd: c.ReviewContract, uow: UnitOfWork) -> None:
    uow.load(Contract, cmd.contract_id).review(
        uow.evidence,
        explanations=cmd.explanations,
        issues=cmd.issues,
        policy=uow.policy,
        now=uow.now(),
    )


@handles(c.ReviseContract)
def revise_contract(cmd: c.ReviseContract, uow: UnitOfWork) -> None:
    uow.load(Contract, cmd.contract_id).revise(
        uow.evidence, clauses=cmd.clauses, changes=_changes(cmd)
    )


@handles(c.ApproveContract)
def approve_contract(cmd: c.ApproveContract, uow: UnitOfWork) -> None:
    uow.load(Contract, cmd.contract_id).approve(
        uow.evidence, comments=cmd.comments, policy=uow.policy, now=uow.now()
    )


@handles(c.RejectContract)
def reject_contract(cmd: c.RejectContract, uow: UnitOfWork) -> None:
    uow.load(Contract, cmd.contract_id).reject(
        uow.evidence, comments=cmd.comments, policy=uow.policy
    )


@handles(c.SignContract)
def sign_contract(cmd: c.SignContract, uow: UnitOfWork) -> None:
    uow.load(Contract, cmd.contract_id).sign(
        uow.evidence,
        our_signatory=cmd.our_signatory,
        customer_signatory=cmd.customer_signatory,
        document=cmd.document,
        signed_on=cmd.signed_on,
        today=uow.now().date(),
    )


@handles(c.AmendContract)
def amend_contract(cmd: c.AmendContract, uow: UnitOfWork) -> None:
    uow.load(Contract, cmd.contract_id).amend(
        uow.evidence, clauses=cmd.clauses, changes=_changes(cmd), reason=cmd.reason
    )
