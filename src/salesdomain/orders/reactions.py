"""Named policies of order execution (SOP 2.5.1).

``OpenOrderWhenContractSigned``: the signed contract becomes a sales order, in the same
atomic write as the signing.  The order's id is derived from the contract and the
signed revision (``order_id_for``), its first event joins the business case and names
the ``Contract.Signed`` event as its cause.

A contract has one order in execution.  When an amended revision is signed:

* if an order for an earlier revision is in execution, no second order is opened: that
  order follows the amended terms (``Order.ContractAmended``), provided it does not
  order less of a product than has already been shipped (else the signing is refused,
  nothing is stored);
* if that order is complete, an amendment that leaves lines, delivery date and payment
  terms as they were changes nothing; one that changes them is refused (a completed
  order is not reopened: further goods need a new contract);
* if every earlier order was cancelled, the signed revision opens a new order.
"""

from __future__ import annotations

from salesdomain.contracts.contract import Contract
from salesdomain.handling import UnitOfWork
from salesdomain.orders.order import Order
from salesdomain.orders.values import order_id_for
from salesdomain.reactions import reacts_to


@reacts_to(
    Contract.Signed,
    name="OpenOrderWhenContractSigned",
    rule="the signed contract becomes a sales order in the sales system (2.5.1)",
)
def open_order_when_contract_signed(event: Contract.Signed, uow: UnitOfWork) -> None:
    contract_id = event.originator_id
    if uow.find(Order, order_id_for(contract_id, event.revision)) is not None:
        return  # this revision's order is already entered
    earlier = [uow.find(Order, order_id_for(contract_id, n)) for n in range(1, event.revision)]
    in_force = [order for order in earlier if order is not None and not order.is_cancelled]
    if in_force:
        in_force[-1].amend_contract(
            uow.evidence,
            contract_revision=event.revision,
            terms=event.terms,
            signed_on=event.signed_on,
        )
        return
    uow.add(
        Order.enter(
            uow.evidence,
            case_id=event.correlation_id,
            contract_id=contract_id,
            contract_revision=event.revision,
            opportunity_id=event.opportunity_id,
            customer_id=event.customer_id,
            customer_name=event.customer_name,
            owner_id=event.owner_id,
            terms=event.terms,
            signed_on=event.signed_on,
        )
    )
