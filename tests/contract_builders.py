"""Canned contract steps (SOP 2.4) for the tests, on top of ``tests.builders.won_deal``.

    spec.given(*b.won_deal(opp), *signed_contract(opp, contract))

``signed_contract`` assumes:

* the opportunity ``opp_id`` is won as ``won_deal(opp_id)`` leaves it: quote v1 accepted,
  100 x RK-3 at 1,000 CNY = 100,000 CNY, owner ALICE;
* the default policy (``SalesPolicy()``): 100,000 CNY is in the lowest tier of the
  authority matrix, so one level approves (a sales manager);
* the clock is frozen at ``builders.TODAY`` (or later): the contract is signed on TODAY.

Its steps: LEO (legal) drafts revision 1 with the quote's terms unchanged; ALICE (the
owner, sales) reviews it (no differences, so nothing to explain) and it is submitted
for approval; MIA (sales manager) approves; MIA records the signing by both parties,
MIA signing for the company (a sales manager's signing authority covers 100,000 CNY).
The ``Contract.Signed`` event carries the quote's terms and amount (100,000 CNY).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from salesdomain.contracts import commands as cc
from salesdomain.contracts.values import (
    ArchivedDocument,
    ContractClauses,
    OurSignatory,
    Signatory,
)
from salesdomain.opportunities.values import QuoteLine
from salesdomain.sop import Role
from salesdomain.values import Actor, Money
from tests.builders import ALICE, LEO, MIA, TODAY, lines
from tests.spec import Step

DOCUMENT_SHA256 = "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b"


def clauses(after_sales: str = "12 months warranty; on-site service within 48h") -> ContractClauses:
    return ContractClauses(
        rights_and_duties="Seller delivers and installs; buyer provides site access and pays",
        after_sales_terms=after_sales,
        dispute_resolution="Hangzhou arbitration commission",
    )


def usd_lines(unit_price: str = "150", unit_cost: str = "90") -> tuple[QuoteLine, ...]:
    """The lines of ``builders.lines()`` priced in USD (100 x RK-3 at ``unit_price``)."""
    return tuple(
        line.model_copy(
            update={
                "unit_price": Money.of(unit_price, "USD"),
                "unit_cost": Money.of(unit_cost, "USD"),
            }
        )
        for line in lines()
    )


def draft(opp_id: UUID, contract_id: UUID, **overrides: object) -> cc.DraftContract:
    """Draft from the accepted quote; ``overrides`` (lines, payment_terms, delivery_date,
    clauses) change what the draft says."""
    data: dict[str, object] = {
        "contract_id": contract_id,
        "opportunity_id": opp_id,
        "clauses": clauses(),
    }
    data.update(overrides)
    return cc.DraftContract.model_validate(data)


def review(contract_id: UUID, **explanations: str) -> cc.ReviewContract:
    """Review; keyword names are difference fields with '__' for '.' (lines__RK-3 ...)."""
    return cc.ReviewContract(
        contract_id=contract_id,
        explanations={k.replace("__", "."): v for k, v in explanations.items()},
    )


def revise(contract_id: UUID, **overrides: object) -> cc.ReviseContract:
    data: dict[str, object] = {"contract_id": contract_id, "clauses": clauses()}
    data.update(overrides)
    return cc.ReviseContract.model_validate(data)


def approve(contract_id: UUID, comments: str = "Terms and risk acceptable") -> cc.ApproveContract:
    return cc.ApproveContract(contract_id=contract_id, comments=comments)


def reject(contract_id: UUID, comments: str = "Liability cap missing") -> cc.RejectContract:
    return cc.RejectContract(contract_id=contract_id, comments=comments)


def signatory(who: Actor, role: Role | None = None) -> OurSignatory:
    """``who`` signing for the company under ``role`` (default: the role they act under)."""
    return OurSignatory(employee_id=who.employee_id, role=role or who.role, name=who.name)


OUR_SIGNATORY = signatory(MIA)
CUSTOMER_SIGNATORY = Signatory(
    name="Li Na", title="General Manager", authority="Legal representative"
)


def sign(
    contract_id: UUID,
    on: date = TODAY,
    sha256: str = DOCUMENT_SHA256,
    ours: OurSignatory = OUR_SIGNATORY,
) -> cc.SignContract:
    return cc.SignContract(
        contract_id=contract_id,
        our_signatory=ours,
        customer_signatory=CUSTOMER_SIGNATORY,
        document=ArchivedDocument(reference=f"archive://contracts/{contract_id}", sha256=sha256),
        signed_on=on,
    )


def amend(
    contract_id: UUID, reason: str = "Customer asked for a later delivery", **overrides: object
) -> cc.AmendContract:
    data: dict[str, object] = {"contract_id": contract_id, "clauses": clauses(), "reason": reason}
    data.update(overrides)
    return cc.AmendContract.model_validate(data)


def approved_contract(opp_id: UUID, contract_id: UUID) -> list[Step]:
    """Steps taking a ``won_deal(opp_id)`` opportunity to a fully approved revision 1."""
    return [
        (draft(opp_id, contract_id), LEO),
        (review(contract_id), ALICE),
        (approve(contract_id), MIA),
    ]


def signed_contract(opp_id: UUID, contract_id: UUID) -> list[Step]:
    """Steps taking a ``won_deal(opp_id)`` opportunity to a signed contract (see the
    module docstring for the assumptions)."""
    return [*approved_contract(opp_id, contract_id), (sign(contract_id), MIA)]
