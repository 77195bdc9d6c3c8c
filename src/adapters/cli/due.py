"""``salesdomain due``: the work queue (SOP 4.2.4, ADR 53), the SOP steps due from one
employee (``--team``: and from everyone reporting to them), overdue first, with each
deadline, how long is left and the command that discharges it.  Directly every item
(the administrator); in client mode the token's employee's queue as the web API lets
them read it (ADR 30), printed by the same code.  A page at a time (``paging``)."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Annotated

import typer
from rich.table import Table
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.cli import common, paging, remote, view_pages
from salesdomain.adapters.cli.actors import employee
from salesdomain.adapters.cli.client import Api
from salesdomain.adapters.cli.common import DatabaseUrl, ExitCode, Failure, JsonOutput
from salesdomain.projections.paging import DEFAULT_LIMIT, MAX_LIMIT, Page
from salesdomain.projections.workqueue import DueItem, QueueUnavailable, due_page
from salesdomain.projections.workqueue.items import left_in_words

from salesdomain import clock

Asked = dict[str, bool | datetime | None]
"""``--team``, ``--overdue`` and ``--as-of`` (``team``, ``overdue``, ``as_of``)."""


def due(
    ctx: typer.Context,
    who: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Whose queue: an employee's id or exact name (client mode: the token's).",
            show_default=False,
        ),
    ] = None,
    team: Annotated[
        bool, typer.Option("--team", help="Also the steps due from everyone reporting to them.")
    ] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only what is overdue.")] = False,
    as_of: Annotated[
        str | None,
        typer.Option(help="As it stood then (YYYY-MM-DD[THH:MM], UTC unless it says)."),
    ] = None,
    limit: paging.Limit = DEFAULT_LIMIT,
    cursor: paging.Cursor = None,
    every: paging.Every = False,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """The work queue: the SOP steps due from an employee (--team: and their team),
    overdue first, with the deadline from the policy, the time left and the command that
    discharges each, a page at a time."""
    moment = common.when(as_of, "--as-of")
    asked: Asked = {"team": team, "overdue": overdue, "as_of": moment}

    def through_the_api(api: Api, page: view_pages.Asked) -> tuple[int, Page[DueItem]]:
        remote.token_acts({"--as": who})
        return remote.due(api, page, asked)

    view_pages.read_view(
        ctx,
        database_url,
        as_json,
        view="conformance",
        what="item due",
        asked=(limit, cursor, every),
        remote=through_the_api,
        direct=lambda system: _page(system, who, asked, limit, cursor, every=every),
        show=_show,
    )


def _page(
    system: System,
    who: str | None,
    asked: Asked,
    limit: int,
    cursor: str | None,
    *,
    every: bool,
) -> Page[DueItem]:
    if not who:
        raise Failure(ExitCode.USAGE, "--as: whose queue? an employee's id or exact name")
    common.caught_up(system, "pipeline")  # the conformance view is caught up by read_view
    person = employee(system, who).id
    moment = asked["as_of"]
    at = moment if isinstance(moment, datetime) else None
    read = partial(
        due_page,
        system.views,
        system.app.policy,
        person,
        team=bool(asked["team"]),
        overdue_only=bool(asked["overdue"]),
        events_of=system.app.events.get,
        as_recorded=at is None,
    )
    first = (at or clock.now()) if cursor is None else at
    try:
        with paging.cursor_checked():
            if not every:
                return read(first, limit=limit, cursor=cursor)
            assert first is not None  # --all is refused with a --cursor
            return paging.every_page(
                first, lambda moment, page: read(moment, limit=MAX_LIMIT, cursor=page)
            )
    except QueueUnavailable as unavailable:
        raise Failure(ExitCode.VIEW_STOPPED, str(unavailable)) from None


def _show(found: Page[DueItem]) -> None:
    paging.print_page_table("Work queue", found, COLUMNS, _cells, "items")


COLUMNS = ("Due", "", "SOP step", "Record", "Responsible", "Next command")


def work_queue_table(title: str, at: datetime, items: list[DueItem]) -> Table:
    """The items as a table, overdue first (as they come), titled with the moment."""
    table = paging.page_table(title, Page(at, items, None), COLUMNS)
    for item in items:
        table.add_row(*_cells(item))
    return table


def _cells(item: DueItem) -> tuple[str, ...]:
    due = f"{item.due:%Y-%m-%d %H:%M}" if isinstance(item.due, datetime) else str(item.due)
    return (
        due,
        left_in_words(item),
        f"{item.sop_step} {item.step}",
        f"{item.record_kind}: {item.record}",
        item.responsible,
        item.next_command,
    )
