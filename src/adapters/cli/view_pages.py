"""A list read from a view a page at a time, in direct or client mode, printed as a table
or JSON by the same code (``customers``, ``prices``, ``due``, ``operations``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import typer
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.cli import client, common, paging
from salesdomain.adapters.cli.client import Api
from salesdomain.projections.paging import Page

Row = TypeVar("Row")
Asked = tuple[int, str | None, bool]
"""The page asked for: ``--limit``, ``--cursor`` and whether every page (``--all``)."""


def read_view(
    ctx: typer.Context,
    database_url: str | None,
    as_json: bool,
    *,
    view: str,
    what: str,
    asked: Asked,
    remote: Callable[[Api, Asked], tuple[int, Page[Row]]],
    direct: Callable[[System], Page[Row]],
    show: Callable[[Page[Row]], None],
) -> None:
    """Read ``what`` (a row's name) from the view ``view``: through the web API in client
    mode (``remote``), else from the store with the view caught up (``direct``); print the
    page as JSON or with ``show``."""
    _, cursor, every = asked
    with common.reported(as_json):
        if every:
            paging.every_from_the_start(cursor, what)
        api = client.connect(ctx, database_url)
        if api is not None:
            position, found = remote(api, asked)
        else:
            with common.open_system(ctx, database_url) as system:
                common.caught_up(system, view)
                found = direct(system)
                position = system.views.runner(view).position()
    if as_json:
        paging.print_page(position, found)
        return
    show(found)
