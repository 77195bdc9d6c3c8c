"""``salesdomain customers``: the customer list (SOP 2.1.2, 4.1.2) from the customers
view, searched by name, region, industry, owner and status.  Directly every customer
(the administrator); in client mode those the web API lets the token's employee read
(ADR 30), printed by the same code.  A page at a time (``--limit``, ``--cursor``,
``--all``: ``paging``), in the order of the names."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.cli import paging, remote, view_pages, vocabulary
from salesdomain.adapters.cli.common import DatabaseUrl, JsonOutput
from salesdomain.projections.customers import (
    CustomerFilter,
    CustomerRow,
    CustomerStatus,
    customers_page,
    iter_customers,
)
from salesdomain.projections.paging import DEFAULT_LIMIT, Page

Text = Annotated[str | None, typer.Option(show_default=False)]


def customers(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option(help="A part of the company name, any case.")] = None,
    region: Text = None,
    industry: Text = None,
    owner: vocabulary.Owner = None,
    status: Annotated[CustomerStatus | None, typer.Option(help="Where it stands.")] = None,
    limit: paging.Limit = DEFAULT_LIMIT,
    cursor: paging.Cursor = None,
    every: paging.Every = False,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """The customers (SOP 2.1.2): details, owner, status (prospect, qualified,
    disqualified, customer, inactive, merged into another record) and last contact, by
    name, a page at a time."""
    owner_id = None if owner is None else str(owner)
    chosen = CustomerFilter(name, region, industry, owner_id, status)
    view_pages.read_view(
        ctx,
        database_url,
        as_json,
        view="customers",
        what="customer",
        asked=(limit, cursor, every),
        remote=lambda api, asked: remote.customers(api, asked, chosen.described()),
        direct=lambda system: _page(system, chosen, limit, cursor, every=every),
        show=_show,
    )


def _page(
    system: System, chosen: CustomerFilter, limit: int, cursor: str | None, *, every: bool
) -> Page[CustomerRow]:
    engine, tables = system.views.view("customers")
    now = datetime.now(UTC)
    if every:
        return Page(now, list(iter_customers(engine, tables, filters=chosen)), None)
    with paging.cursor_checked():
        return customers_page(
            engine,
            tables,
            None if cursor else now,
            filters=chosen,
            limit=limit,
            cursor=cursor,
        )


def _show(found: Page[CustomerRow]) -> None:
    columns = ("Customer", "Region", "Industry", "Owner", "Status", "Last contact")
    paging.print_page_table("Customers", found, columns, _cells, "customers")


def _cells(row: CustomerRow) -> tuple[str, ...]:
    return (
        row.company_name,
        row.region,
        row.industry,
        row.owner_name,
        _status(row),
        "" if row.last_contact_on is None else str(row.last_contact_on),
    )


def _status(row: CustomerRow) -> str:
    """The status, naming the record a merged one was merged into and how many records
    a survivor absorbed."""
    if row.merged_into is not None:
        return f"merged into {row.merged_into_name} ({row.merged_into[:8]})"
    if row.merged_records:
        return f"{row.status.value} (+{row.merged_records} merged)"
    return row.status.value
