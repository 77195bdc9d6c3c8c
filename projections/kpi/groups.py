"""Groups and their labels: by rep, team (the one the rep was in on the fact's day),
customer, region, industry, product (its model: the product code), product name,
specification or in total; a table may combine two of them (``Grouping``)."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Collection, Mapping
from datetime import date
from typing import Literal, get_args

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection, Engine

GroupBy = Literal[
    "rep",
    "team",
    "customer",
    "region",
    "industry",
    "product",
    "product_name",
    "specification",
    "total",
]
GROUPINGS: tuple[GroupBy, ...] = get_args(GroupBy)

Grouping = tuple[GroupBy, ...]
"""The dimensions of a table besides its periods: one, or two combined (``grouping``)."""

Group = tuple[str | None, ...]
"""The key of a row's group: one per dimension of its ``Grouping``."""

OF_CUSTOMER = frozenset({"customer", "region", "industry"})
"""The dimensions a fact takes from its customer (an expense has none)."""

OF_PRODUCT = frozenset({"product", "product_name", "specification"})
"""The dimensions a fact takes from its product (only sales and bookings have one)."""


def grouping(by: GroupBy, then_by: GroupBy | None = None) -> Grouping:
    """The dimensions ``by`` and, combined with it, ``then_by``: refused if unknown, the
    same twice, or ``total`` combined with another."""
    dims: Grouping = (by,) if then_by is None else (by, then_by)
    for dim in dims:
        if dim not in GROUPINGS:
            raise ValueError(f"unknown grouping {dim!r}: {', '.join(GROUPINGS)}")
    if then_by is not None and (then_by == by or "total" in dims):
        raise ValueError(
            f"by {by} and then by {then_by}: two different dimensions, neither of them total"
        )
    return dims


UNASSIGNED = "(unassigned)"
NO_TEAM = "(no team)"
UNKNOWN = "(unknown)"


TeamHistory = Mapping[str, list[tuple[date, int, str]]]
"""Each employee's teams: (effective on, log position, team), in order."""


def team_history(conn: Connection, tables: Mapping[str, Table]) -> TeamHistory:
    """Every employee's teams from the ``team_history`` table, in order."""
    history: dict[str, list[tuple[date, int, str]]] = {}
    for entry in conn.execute(select(tables["team_history"])):
        history.setdefault(entry.employee_id, []).append(
            (entry.effective_on, entry.position, entry.team)
        )
    for entries in history.values():
        entries.sort()
    return history


def _team_on(
    teams: Mapping[str, list[tuple[date, int, str]]], rep: str | None, day: date
) -> str | None:
    """The team ``rep`` was in on ``day`` (``None`` without a rep)."""
    if rep is None:
        return None
    entries = teams.get(rep)
    if not entries:
        return NO_TEAM
    index = bisect.bisect_right([e[0] for e in entries], day)
    return entries[max(index - 1, 0)][2]


def _names(
    engine: Engine, tables: Mapping[str, Table], keys: Collection[str | None] | None = None
) -> dict[str, str]:
    """Employees' names: from the employee records, else as they were given when they
    opened an opportunity, answered a service case or recorded an expense.  With
    ``keys``, those of the employee records and, for the keys they do not name, the
    given ones (the records of a year of history are tens of thousands of rows, read
    only for someone who has no employee record)."""
    p, e, r = tables["people"], tables["employees"], tables["records"]
    with engine.connect() as conn:
        known = {row.employee_id: row.name for row in conn.execute(select(p)) if row.name}
        known.update({row.employee_id: row.name for row in conn.execute(select(e))})
        owners = select(r.c.owner_id, r.c.owner_name).where(r.c.owner_name.is_not(None))
        if keys is not None:
            missing = sorted({key for key in keys if key is not None} - known.keys())
            if not missing:
                return known
            owners = owners.where(r.c.owner_id.in_(missing))
        names = {row.owner_id: row.owner_name for row in conn.execute(owners.distinct())}
    return {**names, **known}


def _labeller(
    engine: Engine,
    tables: Mapping[str, Table],
    by: str,
    keys: Collection[str | None] | None = None,
) -> Callable[[str | None], str]:
    """How a group of dimension ``by`` is named; ``keys``: the groups that will be asked
    for (``None``: any)."""
    if by == "total":
        return lambda key: "Total"
    if by == "rep":
        names = _names(engine, tables, keys)
        return lambda key: UNASSIGNED if key is None else names.get(key, key)
    if by == "product":
        p = tables["products"]
        with engine.connect() as conn:
            products = {row.product_code: row.name for row in conn.execute(select(p))}
        return lambda key: UNKNOWN if key is None else f"{products.get(key, key)} ({key})"
    if by == "customer":
        cu = tables["customers"]
        with engine.connect() as conn:
            customers = {row.customer_id: row.name for row in conn.execute(select(cu))}
        return lambda key: UNKNOWN if key is None else customers.get(key, key)
    if by == "team":
        return lambda key: UNASSIGNED if key is None else key
    return lambda key: UNKNOWN if key is None else key
