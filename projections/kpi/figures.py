"""The figures of a period and group: from what its facts add up to, one ``KpiRow`` each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal

from salesdomain.projections.kpi.groups import OF_CUSTOMER, OF_PRODUCT
from salesdomain.projections.types import plain

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

CUSTOMER_COUNTS = ("customers_served", "new_customers", "repeat_customers")
"""The figures that number each company's completed orders over its whole history
(a new customer's first order, a repeat customer's second): the dearest to read."""


@dataclass
class _Tally:
    """What the facts of one period and group add up to, as the database summed them:
    sums by measure and currency, the satisfaction scores' sum and count, and how many
    customers were served, new and repeat."""

    sums: dict[tuple[str, str | None], Decimal] = field(
        default_factory=lambda: defaultdict(Decimal)
    )
    scores: Decimal = Decimal(0)
    score_count: int = 0
    served: int = 0
    new: int = 0
    repeat: int = 0

    def add(self, measure: str, currency: str | None, value: Decimal, count: int) -> None:
        """``count`` facts of ``measure`` in ``currency`` worth ``value`` together."""
        if measure == "satisfaction":
            self.scores += value
            self.score_count += count
        else:
            self.sums[(measure, currency)] += value

    def figures(
        self, by: Sequence[str], currency: str | None, *, customers: bool = True
    ) -> dict[str, Decimal | None]:
        """The figures of ``KpiRow`` by the dimensions ``by``, money in ``currency``
        only; without ``customers``, the customer counts are ``None`` (not counted)."""
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for (measure, unit), value in self.sums.items():
            if measure not in MONEY_MEASURES or unit == currency:
                sums[measure] += value
        won, lost = sums["won"], sums["lost"]
        responses = sums["service_responses"]
        figures: dict[str, Decimal | None] = {
            "revenue": sums["revenue"].quantize(_CENT),
            "units": plain(sums["units"]),
            "profit": sums["profit"].quantize(_CENT),
            "bookings": sums["bookings"].quantize(_CENT),
            "cancelled": sums["cancelled"].quantize(_CENT),
            "orders_completed": plain(sums["orders_completed"]),
            "customers_served": Decimal(self.served),
            "new_customers": Decimal(self.new),
            "repeat_customers": Decimal(self.repeat),
            "visits": plain(sums["visits"]),
            "won": plain(won),
            "lost": plain(lost),
            "win_rate": _ratio(won, won + lost),
            "sales_expense": sums["sales_expense"].quantize(_CENT),
            "satisfaction": (
                (self.scores / self.score_count).quantize(_CENT) if self.score_count else None
            ),
            "satisfaction_scores": Decimal(self.score_count),
            "service_responses": plain(responses),
            "service_on_time": plain(sums["service_on_time"]),
            "service_on_time_rate": _ratio(sums["service_on_time"], responses),
        }
        if OF_PRODUCT.intersection(by):
            figures = {m: (v if m in PRODUCT_MEASURES else None) for m, v in figures.items()}
        if OF_CUSTOMER.intersection(by):
            figures["sales_expense"] = None
        if not customers:
            figures.update(dict.fromkeys(CUSTOMER_COUNTS, None))
        return figures


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

    ``second_group`` and ``second_label``: the group of the second dimension of a table
    by two (``kpi_table(then_by=...)``; ``None`` by one).

    ``growth`` is the relative change of each figure from the same group's previous
    period ((this - previous) / previous; ``None`` where the previous figure is zero or
    missing); ``growth_yoy`` from the same group's same period of the previous year.
    ``target`` holds the target figures set for the group (an employee or a
    team; a team without one of its own: its members' summed) for this period's code,
    ``target_currency`` the currency of each money target (it may differ from
    ``currency``: a target is never converted), ``attainment`` the figure / target."""

    period: str
    """The period: a day, ISO week, month, quarter or year code."""
    period_start: date
    """First day of the period."""
    period_end: date
    """Last day of the period."""
    group: str | None
    """The group's id (representative, team, region, ...; empty for the company total)."""
    label: str
    """The group's name."""
    second_group: str | None
    """The second grouping's id, when grouped by two dimensions."""
    second_label: str | None
    """The second grouping's name."""
    currency: str | None
    """The currency of the money figures (3.3.1 results)."""
    revenue: Decimal | None
    """Revenue of completed orders (3.3.1; docs/kpi.md, revenue)."""
    units: Decimal | None
    """Units sold on completed orders (3.3.1)."""
    profit: Decimal | None
    """Profit of completed orders: revenue less cost (3.3.1)."""
    bookings: Decimal | None
    """Value of contracts signed in the period (2.4.3)."""
    cancelled: Decimal | None
    """Value of orders cancelled in the period."""
    orders_completed: Decimal | None
    """Orders completed by a receipt confirmation (2.5.4)."""
    customers_served: Decimal | None
    """Customers with a completed order in the period."""
    new_customers: Decimal | None
    """Customers whose first order completed in the period (3.3.1 customers)."""
    repeat_customers: Decimal | None
    """Customers with a completed order in the period who had ordered before."""
    visits: Decimal | None
    """Visits and meetings logged with customers (2.1.3, 3.3.1 process)."""
    won: Decimal | None
    """Deals won in the period."""
    lost: Decimal | None
    """Deals lost in the period."""
    win_rate: Decimal | None
    """Won divided by won plus lost (conversion rate, 3.3.1)."""
    sales_expense: Decimal | None
    """Approved sales expenses (3.3.1 sales-expense control)."""
    satisfaction: Decimal | None
    """Average satisfaction score of service visits and surveys (2.6.2, 2.6.3)."""
    satisfaction_scores: Decimal | None
    """Number of satisfaction scores averaged."""
    service_responses: Decimal | None
    """After-sales feedback answered in the period (2.6.1)."""
    service_on_time: Decimal | None
    """After-sales feedback answered within the time limit (2.6.1)."""
    service_on_time_rate: Decimal | None
    """Share of feedback answered within the time limit."""
    growth: Mapping[str, Decimal | None]
    """Growth of each figure against the previous period (4.2.1)."""
    growth_yoy: Mapping[str, Decimal | None]
    """Growth of each figure against the same period a year before (4.2.1)."""
    target: Mapping[str, Decimal]
    """The sales target of each figure for the period (section 1, goal-driven)."""
    attainment: Mapping[str, Decimal | None]
    """Each figure divided by its target."""
    target_currency: Mapping[str, str] = field(default_factory=dict)
    """The currency of each money target (a target is never converted)."""

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
        "second_group",
        "second_label",
        "currency",
        "growth",
        "growth_yoy",
        "target",
        "attainment",
        "target_currency",
    }
)
