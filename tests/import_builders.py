"""Builders of SOP 4.1.2 import commands from CSV-like rows (header + lines)."""

from __future__ import annotations

from salesdomain.imports.commands import ImportCustomers, ImportOrders
from salesdomain.sop import Role
from tests.builders import person

OLGA = person("Olga Operations", Role.SALES_OPERATIONS)

CUSTOMER_HEADER = ("company_name", "registration_number", "region", "industry")
ORDER_HEADER = (
    "order_number",
    "customer",
    "ordered_on",
    "delivered_on",
    "product_code",
    "product_name",
    "specification",
    "quantity",
    "unit_price",
    "unit_cost",
    "currency",
)


def _lines(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> list[dict[str, object]]:
    return [
        {"line": number, "values": dict(zip(header, row, strict=True))}
        for number, row in enumerate(rows, start=2)
    ]


def customers(
    *rows: tuple[str, ...], header: tuple[str, ...] = CUSTOMER_HEADER, source: str = "c.csv"
) -> ImportCustomers:
    return ImportCustomers.model_validate(
        {"source": source, "columns": header, "lines": _lines(header, rows)}
    )


def orders(
    *rows: tuple[str, ...], header: tuple[str, ...] = ORDER_HEADER, source: str = "o.csv"
) -> ImportOrders:
    return ImportOrders.model_validate(
        {"source": source, "columns": header, "lines": _lines(header, rows)}
    )


ACME = ("Acme Co., Ltd.", "", "East China", "Machinery")
BETA = ("Beta Foods", "91330100MA27XX0001", "North China", "Food")


def order_line(
    number: str = "SO-1",
    customer: str = "Acme",
    product: str = "RK-3",
    quantity: str = "2",
    price: str = "10000",
    cost: str = "6000",
    currency: str = "CNY",
    ordered: str = "2025-11-03",
    delivered: str = "2025-11-28",
) -> tuple[str, ...]:
    return (
        number,
        customer,
        ordered,
        delivered,
        product,
        "Retrofit kit",
        f"Model {product}",
        quantity,
        price,
        cost,
        currency,
    )
