"""SOP 4.1.2 Cleaning: read every line, name every error, incomplete record and
duplicate within the file.  (Duplicates of records already stored, and orders of
unknown customers, are found by the handlers, which can look at the store: for every
line whose key columns can be read, a line with other problems too, so that one pass
names every problem.)

Customer lists hold ``CUSTOMER_COLUMNS``; order files hold one line per product of an
order (``ORDER_COLUMNS``; the lines of one order share its number, customer, dates,
currency and representative).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID

from salesdomain.errors import LineProblem
from salesdomain.imports.columns import CODE, REFERENCE, Column, LineReader, line_readers
from salesdomain.imports.commands import SourceLine
from salesdomain.prospecting.values import (
    SourceChannel,
    customer_id_for,
    customer_key,
    name_claim_id_for,
    normalised_name,
)

CUSTOMER_COLUMNS = (
    Column("company_name", True, "the company's name (dimension customer: name)"),
    Column("registration_number", False, "its registration number, if known", 64),
    Column("region", True, "dimension customer: region", 100),
    Column("industry", True, "dimension customer: industry", 100),
    Column("source_channel", False, "where it was found (default: imported)", 32),
)
ORDER_COLUMNS = (
    Column("order_number", True, "the order's number in the old system", 64),
    Column("customer", True, "the customer's company name"),
    Column("customer_registration_number", False, "its registration number", 64),
    Column("ordered_on", True, "the order date, YYYY-MM-DD (dimension time)"),
    Column("delivered_on", True, "the date it was delivered and complete (revenue day)"),
    Column("product_code", True, "product model (dimension product)", 32),
    Column("product_name", True, "product name (dimension product)"),
    Column("specification", True, "product specification (dimension product)"),
    Column("quantity", True, "units (measure)"),
    Column("unit_price", True, "price per unit (revenue = quantity x unit price)"),
    Column("unit_cost", True, "cost per unit (profit = revenue - cost)"),
    Column("currency", True, "ISO 4217 code, the same on every line of an order", 3),
    Column("sales_rep", False, "the employee id of the order's representative", 64),
)


@dataclass(frozen=True)
class CustomerKey:
    """What a line says the company is (its name and registration number), read even
    when other columns of the line have problems: the store is asked about it too."""

    line: int
    company_name: str
    registration_number: str

    @property
    def customer_id(self) -> UUID:
        return customer_id_for(customer_key(self.company_name, self.registration_number))

    @property
    def name_claim_id(self) -> UUID:
        return name_claim_id_for(self.company_name)


@dataclass(frozen=True)
class CustomerRecord(CustomerKey):
    region: str
    industry: str
    source_channel: SourceChannel


def clean_customers(
    columns: tuple[str, ...], lines: Sequence[SourceLine]
) -> tuple[list[CustomerRecord], list[LineProblem], list[CustomerKey]]:
    """The clean records, every problem, and the keys of the lines not clean for other
    reasons than their key (to be looked for in the store as well)."""
    problems: list[LineProblem] = []
    records: list[CustomerRecord] = []
    unclean: list[CustomerKey] = []
    first_of: dict[UUID, int] = {}
    for read in line_readers(columns, lines, CUSTOMER_COLUMNS, problems):
        name = read.text("company_name")
        if name and not normalised_name(name):
            read.problem("company_name", f"'{name}' is only a legal form or punctuation")
            name = None
        number = read.text("registration_number")
        region, industry = read.text("region"), read.text("industry")
        channel = _channel(read)
        if not read.ok or name is None or region is None or industry is None:
            if name and number is not None:
                unclean.append(CustomerKey(read.line_number, name, number))
            continue
        record = CustomerRecord(read.line_number, name, number or "", region, industry, channel)
        duplicate = first_of.get(record.customer_id) or first_of.get(record.name_claim_id)
        if duplicate is not None:
            which = "registration_number" if number else "company_name"
            read.problem(which, f"the same company as line {duplicate} (duplicate record)")
            continue
        first_of[record.customer_id] = first_of[record.name_claim_id] = read.line_number
        records.append(record)
    return records, problems, unclean


def _channel(read: LineReader) -> SourceChannel:
    value = read.text("source_channel")
    if not value:
        return SourceChannel.IMPORTED
    try:
        return SourceChannel(value.strip().lower().replace(" ", "_"))
    except ValueError:
        known = ", ".join(c.value for c in SourceChannel)
        read.problem("source_channel", f"'{value}' is not a source channel ({known})")
        return SourceChannel.IMPORTED


@dataclass(frozen=True)
class OrderLineRecord:
    line: int
    product_code: str
    product_name: str
    specification: str
    quantity: Decimal
    unit_price: Decimal
    unit_cost: Decimal


@dataclass
class OrderRecord:
    """The lines of one order number, and what they share."""

    order_number: str
    first_line: int
    customer: str
    customer_registration_number: str
    ordered_on: date
    delivered_on: date
    currency: str
    sales_rep: str
    lines: list[OrderLineRecord] = field(default_factory=list)

    SHARED = (
        "customer",
        "customer_registration_number",
        "ordered_on",
        "delivered_on",
        "currency",
        "sales_rep",
    )

    @property
    def customer_id(self) -> UUID:
        return customer_id_for(customer_key(self.customer, self.customer_registration_number))


@dataclass(frozen=True)
class OrderKeys:
    """What a line with problems says of its order that the store can be asked about
    (``None``: the column cannot be read)."""

    first_line: int
    order_number: str | None
    customer: str | None
    customer_registration_number: str
    delivered_on: date | None
    sales_rep: str

    @property
    def customer_id(self) -> UUID:
        return customer_id_for(customer_key(self.customer or "", self.customer_registration_number))


def clean_orders(
    columns: tuple[str, ...], lines: Sequence[SourceLine]
) -> tuple[list[OrderRecord], list[LineProblem], list[OrderKeys]]:
    """The clean orders, every problem, and what the lines with problems say of their
    orders (to be looked for in the store as well)."""
    problems: list[LineProblem] = []
    unclean: list[OrderKeys] = []
    orders: dict[str, OrderRecord] = {}
    for read in line_readers(columns, lines, ORDER_COLUMNS, problems):
        number = read.matching("order_number", REFERENCE, "an order number (letters, digits, -_./)")
        customer = read.text("customer")
        registration = read.text("customer_registration_number")
        ordered_on, delivered_on = read.day("ordered_on"), read.day("delivered_on")
        code = read.matching("product_code", CODE, "a product code (letters, digits, -_.)")
        name, specification = read.text("product_name"), read.text("specification")
        quantity = read.number("quantity", more_than_zero=True, quantity=True)
        price = read.number("unit_price", more_than_zero=True)
        cost = read.number("unit_cost")
        currency = read.currency("currency")
        rep = read.text("sales_rep")
        if ordered_on and delivered_on and delivered_on < ordered_on:
            read.problem("delivered_on", f"{delivered_on} is before the order date {ordered_on}")
        if not read.ok:
            unclean.append(
                OrderKeys(
                    read.line_number,
                    number,
                    customer,
                    registration or "",
                    delivered_on,
                    rep or "",
                )
            )
            continue
        assert number
        assert customer
        assert ordered_on
        assert delivered_on
        assert code
        assert name
        assert specification
        assert quantity
        assert price
        assert cost is not None
        assert currency
        this = OrderRecord(
            number,
            read.line_number,
            customer,
            registration or "",
            ordered_on,
            delivered_on,
            currency,
            rep or "",
        )
        order = orders.setdefault(number.upper(), this)
        line = OrderLineRecord(read.line_number, code, name, specification, quantity, price, cost)
        if order is not this and not _agrees(order, this, line, read):
            continue
        order.lines.append(line)
    return [order for order in orders.values() if order.lines], problems, unclean


def _agrees(order: OrderRecord, this: OrderRecord, line: OrderLineRecord, read: LineReader) -> bool:
    """A further line of an order gives what its first line gave, and a product once."""
    for column in OrderRecord.SHARED:
        if getattr(this, column) != getattr(order, column):
            read.problem(
                column,
                f"order {order.order_number} has '{getattr(order, column)}' on line "
                f"{order.first_line}; every line of an order gives the same",
            )
    for earlier in order.lines:
        if earlier.product_code.upper() == line.product_code.upper():
            read.problem(
                "product_code",
                f"{line.product_code} is already on line {earlier.line} of order "
                f"{order.order_number} (duplicate line)",
            )
    return read.ok
