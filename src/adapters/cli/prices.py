"""``salesdomain prices``: competitor prices against our list prices (SOP 2.1.1, 2.3.2)
from the prices view, for one product or all.  Directly every row (the administrator);
in client mode those the web API lets the token's employee read (ADR 30), printed by the
same code.  A page at a time (``--limit``, ``--cursor``, ``--all``: ``paging``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.cli import paging, remote, view_pages
from salesdomain.adapters.cli.common import DatabaseUrl, JsonOutput
from salesdomain.projections.paging import DEFAULT_LIMIT, MAX_LIMIT, Page
from salesdomain.projections.prices import PriceComparison, prices_page


def prices(
    ctx: typer.Context,
    product: Annotated[
        str | None, typer.Option(help="A product code, any case.", show_default=False)
    ] = None,
    limit: paging.Limit = DEFAULT_LIMIT,
    cursor: paging.Cursor = None,
    every: paging.Every = False,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """Competitor prices (SOP 2.1.1) against our list price of the same product on the
    day each was observed (2.3.2), with the difference, by product, a page at a time."""
    view_pages.read_view(
        ctx,
        database_url,
        as_json,
        view="prices",
        what="price",
        asked=(limit, cursor, every),
        remote=lambda api, asked: remote.prices(api, asked, {"product": product}),
        direct=lambda system: _page(system, product, limit, cursor, every=every),
        show=_show,
    )


def _page(
    system: System, product: str | None, limit: int, cursor: str | None, *, every: bool
) -> Page[PriceComparison]:
    engine, tables = system.views.view("prices")
    now = datetime.now(UTC)
    with paging.cursor_checked():
        if every:
            return paging.every_page(
                now,
                lambda at, page: prices_page(
                    engine, tables, at, product=product, limit=MAX_LIMIT, cursor=page
                ),
            )
        return prices_page(
            engine, tables, None if cursor else now, product=product, limit=limit, cursor=cursor
        )


def _show(found: Page[PriceComparison]) -> None:
    columns = ("Product", "Competitor", "Observed", "Their price", "Our list price", "Difference")
    paging.print_page_table("Competitor prices against ours", found, columns, _cells, "prices")


def _cells(row: PriceComparison) -> tuple[str, ...]:
    name = f"{row.product_code}" + ("" if row.product_name is None else f" {row.product_name}")
    return (
        name,
        row.competitor,
        str(row.observed_on),
        str(row.competitor_price),
        "" if row.list_price is None else str(row.list_price),
        "" if row.difference is None else f"{row.difference * 100:+.1f}%",
    )
