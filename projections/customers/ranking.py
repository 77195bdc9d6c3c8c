"""The customers ranked by revenue or profit of a period, with their cumulative share
and ABC class (SOP 4.2.1, a Pareto analysis; defined in docs/kpi.md, "Customers").

Money in one currency: the orders completed in another are not in the sums (the
ranking of each currency is its own).  Sums are made exactly, in ``Decimal``, over the
period's order rows, as the reader may see them (ADR 30).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from salesdomain.projections.access import sales_readable
from salesdomain.projections.customers.analysis import activity, counted_as, order_history
from salesdomain.projections.fractions import period_checked, share
from salesdomain.projections.rows import batches
from sqlalchemy import Table, func, select
from sqlalchemy.engine import Engine

from salesdomain.access import Reader
from salesdomain.prospecting.customer_policy import CustomerAnalysisPolicy
from salesdomain.values import Money

RankedBy = Literal["revenue", "profit"]
RANKING_LIMIT = 1000
"""The most customers one ranking lists (the classes count every customer)."""


@dataclass(frozen=True)
class RankedCustomer:
    rank: int
    """The customer's place in the ranking (1 is the largest)."""
    customer_id: str
    """The customer's id."""
    company_name: str
    """The customer's company name."""
    region: str
    """The customer's region."""
    industry: str
    """The customer's industry."""
    orders_completed: int
    """Completed in the period, in the ranking's currency."""
    revenue: Money
    """The customer's revenue in the period."""
    profit: Money
    """The customer's profit in the period."""
    share: Decimal | None
    """Its revenue (or profit) / the total of the customers with more than zero."""
    cumulative_share: Decimal | None
    """Of it and every customer ranked before it."""
    abc_class: str
    """``A`` until the cumulative share reaches the policy's ``abc_a`` (the customer
    that reaches it included), ``B`` until ``abc_b``, then ``C``; zero or less: ``C``."""
    last_order_on: date | None
    """Its last completed order by the period's end (any currency)."""
    days_since_last_order: int | None
    """Days from the last completed order to the period's end."""
    last_contact_on: date | None
    """The day of the last contact logged with the customer (2.1.3)."""
    days_since_last_contact: int | None
    """Days from the last contact to the period's end."""
    activity: str
    """``active``, ``dormant`` or ``lost`` on the period's last day (policy thresholds)."""


@dataclass(frozen=True)
class CustomerRanking:
    since: date
    """First day of the ranked period."""
    until: date
    """Last day of the ranked period."""
    currency: str
    """The currency the customers are ranked in."""
    by: RankedBy
    """What the customers are ranked by: revenue or profit."""
    total: Money
    """The revenue (or profit) of every customer ranked."""
    ranked: int
    """How many customers had an order completed in the period in the currency."""
    classes: dict[str, int]
    """How many customers in each class, A, B and C."""
    rows: list[RankedCustomer]
    """The first ``limit`` customers, from the largest."""


def _sums(
    engine: Engine,
    tables: Mapping[str, Table],
    since: date,
    until: date,
    currency: str,
    reader: Reader | None,
) -> dict[str, tuple[int, Decimal, Decimal]]:
    customers, orders = tables["customers"], tables["orders"]
    o = orders.c
    chosen = (
        select(counted_as(customers), o.revenue, o.profit)
        .select_from(orders.join(customers, customers.c.customer_id == o.customer_id))
        .where(o.delivered_on.between(since, until), o.currency == currency)
    )
    chosen = chosen.where(sales_readable(customers.c.owner_id, reader))
    sums: dict[str, tuple[int, Decimal, Decimal]] = {}
    with engine.connect() as conn:
        for whose, revenue, profit in conn.execute(chosen.execution_options(yield_per=5000)):
            count, revenues, profits = sums.get(whose, (0, Decimal(0), Decimal(0)))
            sums[whose] = (count + 1, revenues + revenue, profits + profit)
    return sums


def _classes(
    values: list[Decimal], policy: CustomerAnalysisPolicy
) -> list[tuple[Decimal | None, Decimal | None, str]]:
    """Each value's share, cumulative share and class, in the order given (largest first)."""
    total = sum((v for v in values if v > 0), Decimal(0))
    before, found = Decimal(0), []
    for value in values:
        if value <= 0 or not total:
            found.append((share(value, total) if total else None, share(before, total), "C"))
            continue
        reached = before < policy.abc_a * total
        in_b = before < policy.abc_b * total
        before += value
        klass = "A" if reached else "B" if in_b else "C"
        found.append((share(value, total), share(before, total), klass))
    return found


def customer_ranking(
    engine: Engine,
    tables: Mapping[str, Table],
    *,
    since: date,
    until: date,
    currency: str,
    by: RankedBy = "revenue",
    policy: CustomerAnalysisPolicy,
    reader: Reader | None = None,
    limit: int = 20,
) -> CustomerRanking:
    """The customers with an order completed from ``since`` to ``until`` in
    ``currency``, ranked by their revenue or profit there (ties: by name, then id), the
    first ``limit`` (1 to ``RANKING_LIMIT``) listed.  Raises ``ValueError`` for a period
    that ends before it starts or a limit out of range."""
    period_checked(since, until)
    if not 1 <= limit <= RANKING_LIMIT:
        raise ValueError(f"a ranking lists 1 to {RANKING_LIMIT} customers, not {limit}")
    sums = _sums(engine, tables, since, until, currency, reader)
    value = {
        c: (revenue if by == "revenue" else profit) for c, (_, revenue, profit) in sums.items()
    }
    names = _names(engine, tables, list(sums))
    ranked = sorted(sums, key=lambda c: (-value[c], names[c][0].casefold(), c))
    classes = _classes([value[c] for c in ranked], policy)
    history = order_history(engine, tables, since, until, reader)
    contacts = _last_contacts(engine, tables, ranked[:limit], until)
    rows = []
    for rank, customer in enumerate(ranked[:limit], start=1):
        count, revenue, profit = sums[customer]
        last = history[customer].last if customer in history else None
        contact = contacts.get(customer)
        share_of, cumulative, klass = classes[rank - 1]
        name, region, industry = names[customer]
        rows.append(
            RankedCustomer(
                rank=rank,
                customer_id=customer,
                company_name=name,
                region=region,
                industry=industry,
                orders_completed=count,
                revenue=Money(amount=revenue, currency=currency),
                profit=Money(amount=profit, currency=currency),
                share=share_of,
                cumulative_share=cumulative,
                abc_class=klass,
                last_order_on=last,
                days_since_last_order=None if last is None else (until - last).days,
                last_contact_on=contact,
                days_since_last_contact=None if contact is None else (until - contact).days,
                activity=activity(last, until, policy),
            )
        )
    total = sum((value[c] for c in ranked), Decimal(0))
    return CustomerRanking(
        since=since,
        until=until,
        currency=currency,
        by=by,
        total=Money(amount=total, currency=currency),
        ranked=len(ranked),
        classes={k: sum(1 for _, _, c in classes if c == k) for k in "ABC"},
        rows=rows,
    )


def _names(
    engine: Engine, tables: Mapping[str, Table], customer_ids: list[str]
) -> dict[str, tuple[str, str, str]]:
    c = tables["customers"].c
    found: dict[str, tuple[str, str, str]] = {}
    with engine.connect() as conn:
        for some in batches(customer_ids):
            chosen = select(c.customer_id, c.company_name, c.region, c.industry).where(
                c.customer_id.in_(some)
            )
            found.update({row[0]: (row[1], row[2], row[3]) for row in conn.execute(chosen)})
    return found


def _last_contacts(
    engine: Engine, tables: Mapping[str, Table], customer_ids: list[str], until: date
) -> dict[str, date]:
    """The last contact by ``until`` of each customer, counting the records merged into it."""
    customers, contacts = tables["customers"], tables["contacts"]
    whose = counted_as(customers)
    chosen = (
        select(whose, func.max(contacts.c.occurred_on))
        .select_from(contacts.join(customers, customers.c.customer_id == contacts.c.customer_id))
        .where(contacts.c.occurred_on <= until, whose.in_(customer_ids))
        .group_by(whose)
    )
    with engine.connect() as conn:
        return {row[0]: row[1] for row in conn.execute(chosen)}
