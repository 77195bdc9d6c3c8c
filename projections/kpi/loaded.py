"""The facts as the queries read them (their owner and customer resolved), the completed
orders, and what the figures need besides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class _Fact:
    day: date
    position: int
    measure: str
    value: Decimal
    currency: str | None
    rep_id: str | None
    customer_id: str | None
    product_code: str | None
    record_id: str | None


@dataclass(frozen=True)
class _Completion:
    day: date
    position: int
    order_id: str
    rep_id: str | None


@dataclass
class _Data:
    facts: list[_Fact]
    first_order: dict[str, str]
    """customer -> the order that made it a customer (its first completed order)."""
    second_order: dict[str, str]
    """customer -> its second completed order (it bought again: loyalty)."""
    teams: dict[str, list[tuple[date, int, str]]]
    """employee -> [(effective_on, position, team)], in order."""
