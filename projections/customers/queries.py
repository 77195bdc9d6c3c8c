"""Reads of the customers view: a page of the customers found by name, region,
industry, owner and status, in the order of their names, as the reader may see them
(a sales representative: the customers they own; ADR 30)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import Enum
from typing import Any

from salesdomain.projections.access import sales_readable
from salesdomain.projections.customers.projection import searchable
from salesdomain.projections.paging import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Kind,
    Page,
    check_limit,
    page_from,
    resume,
)
from sqlalchemy import ColumnElement, Select, Table, and_, case, false, func, or_, select
from sqlalchemy.engine import Engine

from salesdomain.access import Reader

CUSTOMERS = Kind("customers", "c1", 2)
"""The list's cursors: a row's place is its folded name and its id."""


class CustomerStatus(Enum):
    """Where a customer stands, from the events the SOP defines (``projection``)."""

    PROSPECT = "prospect"
    QUALIFIED = "qualified"
    DISQUALIFIED = "disqualified"
    CUSTOMER = "customer"
    INACTIVE = "inactive"
    MERGED = "merged"


@dataclass(frozen=True)
class CustomerRow:
    customer_id: str
    """The customer's id."""
    company_name: str
    """The customer's company name."""
    registration_number: str
    """The company's official registration number (empty if not recorded)."""
    region: str
    """The customer's region."""
    industry: str
    """The customer's industry."""
    owner_id: str
    """The sales representative who owns the customer."""
    owner_name: str
    """The name of the representative who owns the customer."""
    status: CustomerStatus
    """Where the customer stands in prospect screening (2.1.2) or as a customer."""
    registered_at: datetime
    """When the prospect was registered (2.1.2)."""
    last_contact_on: date | None
    """The day of the latest contact or visit logged with it (SOP 2.1.3), if any; a
    survivor's counts those of the records merged into it."""
    merged_into: str | None
    """The record it was merged into (status ``merged``), if any."""
    merged_into_name: str | None
    """That record's company name now."""
    merged_records: int
    """How many records were merged into this one."""


@dataclass(frozen=True)
class CustomerFilter:
    """Which customers (each ``None``: any): ``name`` is a part of the company name in
    any case; the others are equal to the customer's."""

    name: str | None = None
    region: str | None = None
    industry: str | None = None
    owner_id: str | None = None
    status: CustomerStatus | None = None

    def described(self) -> dict[str, str | None]:
        """The filters as texts (what a cursor is bound to)."""
        status = None if self.status is None else self.status.value
        return {**{f.name: getattr(self, f.name) for f in fields(self)}, "status": status}


ANY = CustomerFilter()


def customer_status(customers: Table, merged: Any) -> ColumnElement[str]:
    """Merged, else inactive, else a customer once it or a record merged into it bought,
    else the latest qualification decision."""
    c = customers.c
    bought_merged = select(merged.c.customer_id).where(
        merged.c.merged_into == c.customer_id, merged.c.bought
    )
    return case(
        (c.merged_into.is_not(None), CustomerStatus.MERGED.value),
        (c.active == false(), CustomerStatus.INACTIVE.value),
        (or_(c.bought, bought_merged.exists()), CustomerStatus.CUSTOMER.value),
        else_=c.qualification,
    )


def _chosen(
    tables: Mapping[str, Table], filters: CustomerFilter, reader: Reader | None
) -> Select[Any]:
    customers, contacts = tables["customers"], tables["contacts"]
    c = customers.c
    merged, survivor = customers.alias("merged"), customers.alias("survivor")
    status = customer_status(customers, merged)
    own = (
        select(func.max(contacts.c.occurred_on))
        .where(contacts.c.customer_id == c.customer_id)
        .scalar_subquery()
    )
    theirs = (
        select(func.max(contacts.c.occurred_on))
        .select_from(contacts.join(merged, merged.c.customer_id == contacts.c.customer_id))
        .where(merged.c.merged_into == c.customer_id)
        .scalar_subquery()
    )
    # the later of the two, each found by the index of a customer's contacts: one
    # statement with both (``OR``) made PostgreSQL read every contact for each row
    last_contact = case(
        (theirs.is_(None), own), (or_(own.is_(None), theirs > own), theirs), else_=own
    )
    survivor_name = (
        select(survivor.c.company_name)
        .where(survivor.c.customer_id == c.merged_into)
        .scalar_subquery()
    )
    merged_records = (
        select(func.count()).where(merged.c.merged_into == c.customer_id).scalar_subquery()
    )
    chosen = select(
        *(c[name] for name in _STORED),
        c.search_name,
        c.merged_into,
        status.label("status"),
        last_contact.label("last_contact_on"),
        survivor_name.label("merged_into_name"),
        merged_records.label("merged_records"),
    )
    chosen = chosen.where(sales_readable(c.owner_id, reader))
    if filters.name is not None:
        chosen = chosen.where(c.search_name.contains(searchable(filters.name), autoescape=True))
    for column in ("region", "industry", "owner_id"):
        value = getattr(filters, column)
        if value is not None:
            chosen = chosen.where(c[column] == value)
    if filters.status is not None:
        chosen = chosen.where(status == filters.status.value)
    return chosen


_STORED = (
    "customer_id",
    "company_name",
    "registration_number",
    "region",
    "industry",
    "owner_id",
    "owner_name",
    "registered_at",
)


def _rows(
    engine: Engine,
    tables: Mapping[str, Table],
    filters: CustomerFilter,
    reader: Reader | None,
    after: tuple[str, ...],
    limit: int,
) -> list[tuple[str, CustomerRow]]:
    """Up to ``limit`` customers after the place ``after`` (folded name, id), each with
    its folded name."""
    c = tables["customers"].c
    chosen = _chosen(tables, filters, reader)
    if after:
        name, customer = after
        chosen = chosen.where(
            c.search_name >= name,
            or_(c.search_name > name, and_(c.search_name == name, c.customer_id > customer)),
        )
    with engine.connect() as conn:
        found = conn.execute(chosen.order_by(c.search_name, c.customer_id).limit(limit)).all()
    return [
        (
            row.search_name,
            CustomerRow(
                **{name: getattr(row, name) for name in _STORED},
                status=CustomerStatus(row.status),
                last_contact_on=row.last_contact_on,
                merged_into=row.merged_into,
                merged_into_name=row.merged_into_name,
                merged_records=row.merged_records,
            ),
        )
        for row in found
    ]


def customers_page(
    engine: Engine,
    tables: Mapping[str, Table],
    at: datetime | None,
    *,
    filters: CustomerFilter = ANY,
    reader: Reader | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> Page[CustomerRow]:
    """One page of the customers that pass ``filters`` and the read policy: at most
    ``limit`` (1 to ``MAX_LIMIT``) in the order of their names (case folded), then ids,
    after the row ``cursor`` points at (``None``: from the first).  The view holds the
    customers as they are now; ``at`` is the moment the first page was read, which a
    cursor keeps (``None`` with a cursor).  Raises ``InvalidCursor`` for a cursor made
    for other filters, altered or not one."""
    check_limit(limit)
    described = filters.described()
    start = resume(CUSTOMERS, cursor, at, described)
    found = _rows(engine, tables, filters, reader, start.after, limit + 1)
    return page_from(
        found,
        limit,
        CUSTOMERS,
        start,
        described,
        place=lambda last: (last[0], last[1].customer_id),
        row=lambda named: named[1],
    )


def iter_customers(
    engine: Engine,
    tables: Mapping[str, Table],
    *,
    filters: CustomerFilter = ANY,
    reader: Reader | None = None,
    page_size: int = MAX_LIMIT,
) -> Iterator[CustomerRow]:
    """Every customer that passes ``filters`` and the read policy, in the order of
    ``customers_page``, read ``page_size`` at a time (memory bounded by a page)."""
    after: tuple[str, ...] = ()
    while True:
        found = _rows(engine, tables, filters, reader, after, page_size)
        yield from (row for _, row in found)
        if len(found) < page_size:
            return
        name, last = found[-1]
        after = (name, last.customer_id)
