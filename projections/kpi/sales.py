"""What each event changes, sales (SOP 3, 4.1.2): customers, opportunities, contracts and
orders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias
from uuid import UUID

from salesdomain.projections.changes import RowChange, Update, Upsert
from salesdomain.projections.dispatch import Handlers
from salesdomain.projections.kpi.facts import _Facts, _owned_record, _utc_day, _whose

from salesdomain.contracts.contract import Contract
from salesdomain.imports.historical_order import HistoricalOrder
from salesdomain.opportunities.opportunity import Opportunity
from salesdomain.opportunities.values import QuoteLine
from salesdomain.orders.order import Order
from salesdomain.orders.values import OrderLine, OrderLines
from salesdomain.prospecting.customer import Customer

HANDLERS = Handlers[RowChange]()


def _product(line: QuoteLine | OrderLine) -> Upsert:
    return Upsert(
        "products",
        {"product_code": line.product_code},
        {"name": line.product_name, "specification": line.specification},
    )


def _order_lines(order_id: UUID, revision: int, lines: OrderLines) -> list[RowChange]:
    changes: list[RowChange] = []
    for line in lines.lines:
        changes.append(
            Upsert(
                "order_lines",
                {
                    "order_id": str(order_id),
                    "revision": revision,
                    "product_code": line.product_code,
                },
                {
                    "quantity": line.quantity,
                    "unit_price": line.unit_price.amount,
                    "unit_cost": line.unit_cost.amount,
                    "currency": line.unit_price.currency,
                },
            )
        )
        changes.append(_product(line))
    return changes


@HANDLERS.on(Customer.Registered, Customer.Imported)
def _customer_registered(
    event: Customer.Registered | Customer.Imported, position: int
) -> list[RowChange]:
    return [
        Upsert(
            "customers",
            {"customer_id": str(event.originator_id)},
            {
                "name": event.company_name,
                "region": event.region,
                "industry": event.industry,
                "registered_at": event.timestamp,
            },
        )
    ]


@HANDLERS.on(Customer.MergedInto)
def _customer_merged(event: Customer.MergedInto, position: int) -> list[RowChange]:
    """The customer's facts count for the record it was merged into (``grouped``)."""
    merged = {"merged_into": str(event.survivor_id)}
    return [Update("customers", {"customer_id": str(event.originator_id)}, merged)]


@HANDLERS.on(Opportunity.Opened)
def _opportunity_opened(event: Opportunity.Opened, position: int) -> list[RowChange]:
    """The owner's name (a label), and owner and customer."""
    return [_owned_record(event, "opportunity", owner_name=event.owner_name or None)]


@HANDLERS.on(Opportunity.ContactLogged)
def _contact_logged(event: Opportunity.ContactLogged, position: int) -> list[RowChange]:
    if not event.contact.channel.is_visit:
        return []
    facts = _Facts(event, position)
    facts.add("visits", 1, day=event.contact.occurred_on, **_whose(event))
    return facts.rows


Closed: TypeAlias = Opportunity.QuoteAccepted | Opportunity.Lost


def _closed(measure: str) -> Callable[[Closed, int], list[RowChange]]:
    def changes(event: Closed, position: int) -> list[RowChange]:
        facts = _Facts(event, position)
        facts.add(measure, 1, day=_utc_day(event.timestamp), **_whose(event))
        return facts.rows

    return changes


HANDLERS.on(Opportunity.QuoteAccepted)(_closed("won"))
HANDLERS.on(Opportunity.Lost)(_closed("lost"))


@HANDLERS.on(Contract.Signed)
def _contract_signed(event: Contract.Signed, position: int) -> list[RowChange]:
    facts = _Facts(event, position)
    for line in event.terms.lines:
        facts.add(
            "bookings",
            line.unit_price.amount * line.quantity,
            day=event.signed_on,
            currency=line.unit_price.currency,
            product=line.product_code,
            revision=event.revision,
            amends=event.amends,
            **_whose(event),
        )
    return [*facts.rows, *(_product(line) for line in event.terms.lines)]


@HANDLERS.on(Order.Entered)
def _order_entered(event: Order.Entered, position: int) -> list[RowChange]:
    return [
        _owned_record(event, "order", revision=event.contract_revision),
        *_order_lines(event.originator_id, event.contract_revision, event.lines),
    ]


@HANDLERS.on(Order.ContractAmended)
def _order_amended(event: Order.ContractAmended, position: int) -> list[RowChange]:
    return [
        Update(
            "records",
            {"record_id": str(event.originator_id)},
            {"revision": event.contract_revision},
        ),
        *_order_lines(event.originator_id, event.contract_revision, event.lines),
    ]


def _completed_order_facts(
    event: Order.Completed | HistoricalOrder.Imported, position: int
) -> _Facts:
    """Revenue, profit, units and one completed order on the delivery day."""
    facts = _Facts(event, position)
    common: dict[str, Any] = {"day": event.delivered_on, **_whose(event)}
    currency = event.amount.currency
    facts.add("revenue", event.amount.amount, currency=currency, **common)
    facts.add("profit", event.amount.amount - event.cost.amount, currency=currency, **common)
    facts.add("units", event.units, **common)
    facts.add("orders_completed", 1, **common)
    return facts


@HANDLERS.on(Order.Completed)
def _order_completed(event: Order.Completed, position: int) -> list[RowChange]:
    return _completed_order_facts(event, position).rows


@HANDLERS.on(HistoricalOrder.Imported)
def _order_imported(event: HistoricalOrder.Imported, position: int) -> list[RowChange]:
    """A completed order taken over from another system (SOP 4.1.2) counts like an
    ``Order.Completed`` on its delivery day, split by its lines as revision 0."""
    facts = _completed_order_facts(event, position)
    record = _owned_record(event, "order", revision=0)
    return [record, *_order_lines(event.originator_id, 0, event.lines), *facts.rows]


@HANDLERS.on(Order.Cancelled)
def _order_cancelled(event: Order.Cancelled, position: int) -> list[RowChange]:
    facts = _Facts(event, position)
    day, amount = _utc_day(event.timestamp), event.amount
    facts.add("cancelled", amount.amount, day=day, currency=amount.currency, **_whose(event))
    return facts.rows
