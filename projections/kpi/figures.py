"""The figures of a period and group: tallied from the facts, one ``KpiRow`` each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal

from salesdomain.projections.kpi.loaded import _Data, _Fact

MONEY_MEASURES = frozenset({"revenue", "profit", "bookings", "cancelled", "sales_expense"})
PRODUCT_MEASURES = frozenset(
    {
        "revenue",
        "units",
        "profit",
        "bookings",
        "orders_completed",
        "customers_served",
        "new_customers",
        "repeat_customers",
    }
)
"""The measures that can be told by product; the others are ``None`` by product."""

_CENT = Decimal("0.01")
_RATE = Decimal("0.0001")


@dataclass
class _Tally:
    sums: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    scores: list[Decimal] = field(default_factory=list)
    served: set[str] = field(default_factory=set)
    new: set[str] = field(default_factory=set)
    repeat: set[str] = field(default_factory=set)

    def count(self, fact: _Fact, data: _Data, currency: str | None) -> None:
        if fact.measure == "satisfaction":
            self.scores.append(fact.value)
            return
        if fact.measure in MONEY_MEASURES and fact.currency != currency:
            return
        self.sums[fact.measure] += fact.value
        customer = fact.customer_id
        if fact.measure == "orders_completed" and customer is not None:
            self.served.add(customer)
            if data.first_order.get(customer) == fact.record_id:
                self.new.add(customer)
            if data.second_order.get(customer) == fact.record_id:
                self.repeat.add(customer)

    def figures(self, by: str) -> dict[str, Decimal | None]:
        sums = self.sums
        won, lost = sums["won"], sums["lost"]
        responses = sums["service_responses"]
        figures: dict[str, Decimal | None] = {
            "revenue": sums["revenue"].quantize(_CENT),
            "units": _plain(sums["units"]),
            "profit": sums["profit"].quantize(_CENT),
            "bookings": sums["bookings"].quantize(_CENT),
            "cancelled": sums["cancelled"].quantize(_CENT),
            "orders_completed": _plain(sums["orders_completed"]),
            "customers_served": Decimal(len(self.served)),
            "new_customers": Decimal(len(self.new)),
            "repeat_customers": Decimal(len(self.repeat)),
            "visits": _plain(sums["visits"]),
            "won": _plain(won),
            "lost": _plain(lost),
            "win_rate": _ratio(won, won + lost),
            "sales_expense": sums["sales_expense"].quantize(_CENT),
            "satisfaction": (
                (sum(self.scores, Decimal(0)) / len(self.scores)).quantize(_CENT)
                if self.scores
                else None
            ),
            "satisfaction_scores": Decimal(len(self.scores)),
            "service_responses": _plain(responses),
            "service_on_time": _plain(sums["service_on_time"]),
            "service_on_time_rate": _ratio(sums["service_on_time"], responses),
        }
        if by == "product":
            return {m: (v if m in PRODUCT_MEASURES else None) for m, v in figures.items()}
        if by in ("region", "industry"):
            figures["sales_expense"] = None
        return figures


def _plain(value: Decimal) -> Decimal:
    """A quantity without the storage's trailing zeros (100.000000 -> 100)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole).quantize(_RATE) if whole else None


def _growth(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    if current is None or previous is None or previous == 0:
        return None
    return ((current - previous) / abs(previous)).quantize(_RATE)


@dataclass(frozen=True)
class KpiRow:
    """The figures of one group in one period (``None``: not applicable, e.g. visits by
    product, or no denominator, e.g. a win rate with nothing closed).

    ``growth`` is the relative change of each figure from the same group's previous
    period ((this - previous) / previous; ``None`` where the previous figure is zero or
    missing).  ``target`` holds the target figures set for the group (an employee or a
    team) for this period's code, ``attainment`` the figure / target."""

    period: str
    period_start: date
    period_end: date
    group: str | None
    label: str
    currency: str | None
    revenue: Decimal | None
    units: Decimal | None
    profit: Decimal | None
    bookings: Decimal | None
    cancelled: Decimal | None
    orders_completed: Decimal | None
    customers_served: Decimal | None
    new_customers: Decimal | None
    repeat_customers: Decimal | None
    visits: Decimal | None
    won: Decimal | None
    lost: Decimal | None
    win_rate: Decimal | None
    sales_expense: Decimal | None
    satisfaction: Decimal | None
    satisfaction_scores: Decimal | None
    service_responses: Decimal | None
    service_on_time: Decimal | None
    service_on_time_rate: Decimal | None
    growth: Mapping[str, Decimal | None]
    target: Mapping[str, Decimal]
    attainment: Mapping[str, Decimal | None]

    def figures(self) -> dict[str, Decimal | None]:
        """Every measure of the row by name."""
        return {name: getattr(self, name) for name in MEASURES}


MEASURES = tuple(
    f.name
    for f in fields(KpiRow)
    if f.name
    not in {
        "period",
        "period_start",
        "period_end",
        "group",
        "label",
        "currency",
        "growth",
        "target",
        "attainment",
    }
)
