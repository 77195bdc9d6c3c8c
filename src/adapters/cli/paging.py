"""Lists printed a page at a time (``projections.paging``): ``--limit`` rows, from the
``--cursor`` the previous page printed (it keeps that page's moment), or ``--all`` of
them for an export; JSON gives the ``next_cursor`` (``null``: the last page)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table
from salesdomain.adapters.cli.common import ExitCode, Failure
from salesdomain.adapters.cli.output import out, print_json
from salesdomain.adapters.cli.pipeline_tables import show_more as show_more
from salesdomain.projections.paging import MAX_LIMIT, InvalidCursor, Page

Limit = Annotated[
    int, typer.Option(min=1, max=MAX_LIMIT, help=f"Rows per page (1 to {MAX_LIMIT:,}).")
]
Cursor = Annotated[
    str | None,
    typer.Option(help="The next page: the cursor the previous page printed (keeps its moment)."),
]
Every = Annotated[bool, typer.Option("--all", help="Every row, page after page (an export).")]
Wide = Annotated[bool, typer.Option("--wide", help="Full ids (default: their first 8 characters).")]


Row = TypeVar("Row")


def every_page(at: datetime, read: Callable[[datetime | None, str | None], Page[Row]]) -> Page[Row]:
    """Every row of a list as at ``at``, read ``MAX_LIMIT`` at a time: ``read(moment,
    cursor)`` answers a page (the first: as at ``moment``, no cursor; the next: no moment,
    the previous page's cursor), as a query of ``projections`` does."""
    rows: list[Row] = []
    got = read(at, None)
    rows.extend(got.rows)
    while got.next_cursor is not None:
        got = read(None, got.next_cursor)
        rows.extend(got.rows)
    return Page(at, rows, None)


@contextmanager
def cursor_checked() -> Iterator[None]:
    """A ``--cursor`` the list did not make (another list, other filters, damaged) is
    refused as a usage error saying why."""
    try:
        yield
    except InvalidCursor as bad:
        raise Failure(ExitCode.USAGE, f"--cursor: {bad}") from None


def every_from_the_start(cursor: str | None, what: str) -> None:
    """``--all`` reads a list from its first row: refused with a cursor."""
    if cursor is not None:
        raise Failure(ExitCode.USAGE, f"--all reads every {what}: leave --cursor out")


def print_page(position: int, found: Page[Any]) -> None:
    """A page as ``--json`` prints it: the log position its view shows, its moment,
    its rows and the cursor of the next page."""
    print_json(
        {
            "position": position,
            "as_at": found.at,
            "rows": found.rows,
            "next_cursor": found.next_cursor,
        }
    )


def page_table(title: str, found: Page[Any], columns: tuple[str, ...]) -> Table:
    """The table a page of rows is printed in, its title saying when and how many."""
    table = Table(
        title=f"{title} at {found.at:%Y-%m-%d %H:%M} UTC: {len(found.rows)}",
        title_justify="left",
    )
    for column in columns:
        table.add_column(column)
    return table


def print_page_table(
    title: str,
    found: Page[Row],
    columns: tuple[str, ...],
    cells: Callable[[Row], Sequence[str]],
    what: str,
) -> None:
    """Print a page of rows in its table (``page_table``), each row's ``cells`` a line,
    then how to ask for the next page of ``what``."""
    table = page_table(title, found, columns)
    for row in found.rows:
        table.add_row(*cells(row))
    out().print(table)
    show_more(what, found.next_cursor)
