"""Handlers of SOP 4.1.2: clean every line, look for duplicates in the store, then
record everything in one atomic save, or refuse the whole file naming every problem:
those inside the file and those against the store together, in one pass (a line with
a bad cell is looked for in the store as well, by the columns that can be read)."""

from __future__ import annotations

from uuid import UUID

from salesdomain.errors import ImportRefused, LineProblem
from salesdomain.handling import UnitOfWork, handles
from salesdomain.imports import commands as c
from salesdomain.imports.cleaning import (
    CustomerKey,
    CustomerRecord,
    OrderKeys,
    OrderRecord,
    clean_customers,
    clean_orders,
)
from salesdomain.imports.historical_order import HistoricalOrder
from salesdomain.orders.values import OrderLine, OrderLines
from salesdomain.people.employee import Employee
from salesdomain.prospecting.customer import Customer, CustomerNameClaim
from salesdomain.prospecting.values import name_claim_id_for
from salesdomain.values import Money


@handles(c.ImportCustomers)
def import_customers(cmd: c.ImportCustomers, uow: UnitOfWork) -> None:
    records, problems, unclean = clean_customers(cmd.columns, cmd.lines)
    every: list[CustomerRecord | CustomerKey] = [*records, *unclean]
    for record in every:
        existing = uow.find(Customer, record.customer_id)
        claim = uow.find(CustomerNameClaim, record.name_claim_id)
        if existing is not None:
            name, known = existing.company_name, existing.id
        elif claim is not None:
            name, known = claim.company_name, claim.customer_id
        else:
            continue
        problems.append(
            LineProblem(
                record.line,
                "company_name",
                f"already registered as '{name}' (customer {known}; duplicate record)",
            )
        )
    if problems:
        raise ImportRefused(type(cmd).__name__, cmd.source, problems)
    for record in records:
        customer = uow.add(
            Customer.imported(
                uow.evidence,
                company_name=record.company_name,
                registration_number=record.registration_number,
                region=record.region,
                industry=record.industry,
                source_channel=record.source_channel,
                imported_from=cmd.source,
                line=record.line,
            )
        )
        uow.add(CustomerNameClaim.claim(uow.evidence, customer))


@handles(c.ImportOrders)
def import_orders(cmd: c.ImportOrders, uow: UnitOfWork) -> None:
    orders, problems, unclean = clean_orders(cmd.columns, cmd.lines)
    found: list[tuple[OrderRecord, Customer, UUID | None]] = []
    today = uow.now().date()
    checked: set[str] = set()
    every: list[OrderRecord | OrderKeys] = [*orders, *unclean]
    for order in every:
        before = len(problems)
        number = order.order_number
        if number is not None and number.upper() not in checked:
            checked.add(number.upper())
            earlier = uow.find(HistoricalOrder, HistoricalOrder.id_for(number))
            if earlier is not None:
                problems.append(
                    LineProblem(
                        order.first_line,
                        "order_number",
                        f"order {number} was already imported from {earlier.imported_from} "
                        f"line {earlier.source_lines[0]} (duplicate record)",
                    )
                )
        if order.delivered_on is not None and order.delivered_on > today:
            problems.append(
                LineProblem(
                    order.first_line,
                    "delivered_on",
                    f"{order.delivered_on} is in the future; only completed orders are history",
                )
            )
        customer = _customer(order, uow) if order.customer else None
        if order.customer and customer is None:
            problems.append(
                LineProblem(
                    order.first_line,
                    "customer",
                    f"no customer '{order.customer}' is registered (import the customer "
                    "list first)",
                )
            )
        owner = _owner(order, uow, problems)
        if isinstance(order, OrderRecord) and customer is not None and len(problems) == before:
            found.append((order, customer, owner))
    if problems:
        raise ImportRefused(type(cmd).__name__, cmd.source, problems)
    for order, customer, owner in found:
        uow.add(
            HistoricalOrder.take_over(
                uow.evidence,
                order_number=order.order_number,
                customer_id=customer.id,
                customer_name=customer.company_name,
                owner_id=owner,
                ordered_on=order.ordered_on,
                delivered_on=order.delivered_on,
                lines=_lines(order),
                imported_from=cmd.source,
                source_lines=tuple(line.line for line in order.lines),
            )
        )


def _customer(order: OrderRecord | OrderKeys, uow: UnitOfWork) -> Customer | None:
    """The customer by its registration number, else by its (normalised) name."""
    found = uow.find(Customer, order.customer_id)
    if found is None and not order.customer_registration_number and order.customer:
        claim = uow.find(CustomerNameClaim, name_claim_id_for(order.customer))
        if claim is not None:
            found = uow.find(Customer, claim.customer_id)
    return found


def _owner(
    order: OrderRecord | OrderKeys, uow: UnitOfWork, problems: list[LineProblem]
) -> UUID | None:
    if not order.sales_rep:
        return None
    try:
        employee_id = UUID(order.sales_rep)
    except ValueError:
        employee_id = None
    if employee_id is None or uow.find(Employee, employee_id) is None:
        problems.append(
            LineProblem(
                order.first_line,
                "sales_rep",
                f"'{order.sales_rep}' is not an employee of the company (give the "
                "employee's id or exact name)",
            )
        )
        return None
    return employee_id


def _lines(order: OrderRecord) -> OrderLines:
    return OrderLines(
        lines=tuple(
            OrderLine(
                product_code=line.product_code,
                product_name=line.product_name,
                specification=line.specification,
                quantity=line.quantity,
                unit_price=Money(amount=line.unit_price, currency=order.currency),
                unit_cost=Money(amount=line.unit_cost, currency=order.currency),
            )
            for line in order.lines
        )
    )
