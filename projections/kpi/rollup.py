"""The facts added up as they are recorded: sums by day and by month, per representative,
measure and currency (ADR 41).

A KPI request by total, representative or team reads these sums, a few rows per
representative and day (or month), instead of every fact: a year of a 50-person company
is about 200,000 facts but some thousands of sums by month.  Only facts that name their
representative are summed here; the few that do not (events of version 1, which take
their owner from their record, and scores without an owner) are still added up from
the facts when asked, as a representative's team on a day is (a change of team may be
back-dated).

A sum is kept exactly on every backend as whole numbers: the value in hundred-millionths
(a figure has 8 places) cut into ``LIMBS`` parts of ten digits (``limbs``), each part
summed by the database in a 64-bit integer (``Add``), so the parts of up to 922 million
facts in one row add up without overflow; ``from_limbs`` puts the sums back together.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Context, Decimal
from typing import Any

from salesdomain.projections.changes import Add, RowChange
from salesdomain.projections.projection import Tables
from salesdomain.projections.types import FIGURE_PLACES, exact_figure
from sqlalchemy import BigInteger, Column, Date, Integer, String

LIMB = 10**10
LIMBS = 4
"""A figure below 10^30 with 8 places is below 10^38 hundred-millionths: four parts of
ten digits hold it."""

LIMB_COLUMNS = tuple(f"part_{n}" for n in range(LIMBS))

SUMS = {"sums_by_day": "day", "sums_by_month": "month"}
"""The tables of sums and the period each sums over."""

_EXACT = Context(prec=80)
"""Enough digits for any sum of parts: the default context keeps 28 and would round."""

NO_CURRENCY = ""
"""The currency column of a count (visits, orders): a key column is never NULL."""


def define_sums(tables: Tables) -> None:
    """The tables of sums: the facts that name their representative, added up by day
    (``day``) or by month (``day`` its first day), representative, measure and currency."""
    for name in SUMS:
        tables.add(
            name,
            Column("day", Date, primary_key=True),
            Column("rep_id", String(36), primary_key=True),
            Column("measure", String(40), primary_key=True),
            Column("currency", String(3), primary_key=True),
            Column("facts", Integer, nullable=False),
            *(Column(part, BigInteger, nullable=False) for part in LIMB_COLUMNS),
        )


def limbs(value: Decimal) -> tuple[int, ...]:
    """``value`` (below 10^30, rounded to a figure's 8 places as the facts store it) in
    hundred-millionths, cut into ``LIMBS`` ten-digit parts, lowest first, each with the
    value's sign."""
    units = int(exact_figure(value).scaleb(FIGURE_PLACES, context=_EXACT))
    sign, rest = (-1 if units < 0 else 1), abs(units)
    parts = []
    for _ in range(LIMBS):
        rest, part = divmod(rest, LIMB)
        parts.append(sign * part)
    return tuple(parts)


def from_limbs(parts: Sequence[int]) -> Decimal:
    """The sum of figures whose parts summed to ``parts`` (lowest first)."""
    units = sum(int(part) * LIMB**n for n, part in enumerate(parts))
    return Decimal(units).scaleb(-FIGURE_PLACES, context=_EXACT)


def summed(fact: dict[str, Any]) -> list[RowChange]:
    """What recording ``fact`` (a row of the facts table) adds to the sums: nothing if it
    names no representative."""
    if fact["rep_id"] is None:
        return []
    day: date = fact["day"]
    amounts = {"facts": 1, **dict(zip(LIMB_COLUMNS, limbs(fact["value"]), strict=True))}
    key = {
        "rep_id": fact["rep_id"],
        "measure": fact["measure"],
        "currency": fact["currency"] or NO_CURRENCY,
    }
    return [
        Add("sums_by_day", {"day": day, **key}, amounts),
        Add("sums_by_month", {"day": day.replace(day=1), **key}, amounts),
    ]
