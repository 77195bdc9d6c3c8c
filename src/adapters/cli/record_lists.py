"""``salesdomain list KIND`` and ``salesdomain show KIND ID`` (issue 19, ADR 59, 66): the
records of a kind (customers, opportunities, contracts, orders, service cases, employees,
candidates, appraisals) searched and filtered alike, a page at a time by ``--cursor``,
with their ids (8 characters, full with ``--wide`` and in ``--json``); one record as it
stands or stood ``--as-of`` a moment, with its history.  Directly, as the administrator
(every record); in client mode (``--api``) through the web API's ``GET /records/{kind}``
and ``GET /records/{kind}/{id}``, the records its token's employee may read, printed by
the same code, refused alike (ADR 59)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

import typer
from rich.table import Table
from salesdomain.adapters.cli import client, common, paging, remote, vocabulary
from salesdomain.adapters.cli.common import DatabaseUrl, ExitCode, Failure, JsonOutput
from salesdomain.adapters.cli.output import out, print_json
from salesdomain.adapters.cli.past import shown
from salesdomain.adapters.cli.pipeline_tables import SHORT_ID
from salesdomain.adapters.cli.tables import history_table
from salesdomain.projections.paging import DEFAULT_LIMIT, InvalidCursor, Page
from salesdomain.projections.records import (
    LISTS,
    RecordFilter,
    RecordRow,
    Sort,
    UnknownKind,
    kind_of_record,
    record_list,
    records_page,
    show_record,
)

from salesdomain.past import moment

KindArgument = Annotated[
    str, typer.Argument(help=f"The kind of record: {', '.join(LISTS)} (or customer, order...).")
]


def shown_id(record_id: str | None, wide: bool) -> str:
    """An id as a table shows it: its first ``SHORT_ID`` characters, or whole (``wide``)."""
    if record_id is None:
        return ""
    return record_id if wide else record_id[:SHORT_ID]


def list_records(
    ctx: typer.Context,
    kind: KindArgument,
    search: Annotated[
        str | None, typer.Option(help="A part of the name or number (any case), or the id's start.")
    ] = None,
    owner: vocabulary.Owner = None,
    status: Annotated[
        str | None, typer.Option(help="Where it stands (the kind's statuses).")
    ] = None,
    customer: Annotated[UUID | None, typer.Option(help="The customer's id.")] = None,
    since: Annotated[str | None, typer.Option(help="Recorded from this time (included).")] = None,
    until: Annotated[str | None, typer.Option(help="Recorded before this time.")] = None,
    sort: Annotated[
        Sort | None, typer.Option(help="newest or oldest first, or by name (default: newest).")
    ] = None,
    role: Annotated[
        str | None,
        typer.Option(help="Employees holding this role, candidates for a position with it."),
    ] = None,
    limit: paging.Limit = DEFAULT_LIMIT,
    cursor: paging.Cursor = None,
    wide: paging.Wide = False,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """The records of a kind with their ids: search by name, number or id; filter by
    owner, status, customer and period; a page at a time (--cursor)."""
    with common.reported(as_json):
        try:
            listed = record_list(kind)
        except UnknownKind as error:
            raise Failure(ExitCode.USAGE, f"KIND: {error}") from None
        chosen = RecordFilter(
            search,
            None if owner is None else str(owner),
            status,
            None if customer is None else str(customer),
            common.when(since, "--since"),
            common.when(until, "--until"),
            role,
        )
        api = client.connect(ctx, database_url)
        if api is not None:
            position, found = _remote_page(api, listed.name, chosen, sort, (limit, cursor))
        else:
            with common.open_system(ctx, database_url) as system:
                common.caught_up(system, listed.view)
                runner = system.views.runner(listed.view)
                try:
                    found = records_page(
                        runner.engine,
                        runner.tables(),
                        listed.name,
                        None if cursor else datetime.now(UTC),
                        filters=chosen,
                        sort=sort,
                        limit=limit,
                        cursor=cursor,
                    )
                except InvalidCursor as error:
                    raise refused_option("cursor", str(error)) from None
                except ValueError as error:
                    raise refused_option(*str(error).partition(": ")[::2]) from None
                position = runner.position()
    if as_json:
        paging.print_page(position, found)
        return
    _show_page(listed.name, found, wide, valued=listed.value is not None)


OPTIONS = {
    "search": "--search",
    "owner_id": "--owner",
    "status": "--status",
    "customer": "--customer",
    "customer_id": "--customer",
    "since": "--since",
    "until": "--until",
    "role": "--role",
    "sort": "--sort",
    "limit": "--limit",
    "cursor": "--cursor",
}
"""The option of ``list`` each filter or paging field is given by (the web API's
parameter names and the list's own)."""


def refused_option(field: str, problem: str) -> Failure:
    """A filter, order or cursor the list cannot take, refused as a usage error (exit 2)
    naming the option (``--cursor: ...``), in direct and client mode alike."""
    option = OPTIONS.get(field.rpartition(".")[2])
    if option is not None:
        return Failure(ExitCode.USAGE, f"{option}: {problem}")
    return Failure(ExitCode.USAGE, f"{field}: {problem}" if problem else field)


def _remote_page(
    api: client.Api,
    name: str,
    chosen: RecordFilter,
    sort: Sort | None,
    page: tuple[int, str | None],
) -> tuple[int, Page[RecordRow]]:
    """A page of the list through the web API (``GET /records/{kind}``): the records
    the token's employee may read; a parameter the API refuses (422), as direct mode
    refuses its option."""
    filters = {
        "search": chosen.search,
        "owner_id": chosen.owner_id,
        "status": chosen.status,
        "customer_id": chosen.customer_id,
        "since": None if chosen.since is None else chosen.since.isoformat(),
        "until": None if chosen.until is None else chosen.until.isoformat(),
        "role": chosen.role,
        "sort": None if sort is None else sort.value,
    }
    try:
        return remote.records(api, name, (*page, False), filters)
    except Failure as refused:
        problems = refused.report.details
        if refused.report.kind != "invalid_request" or len(problems) != 1:
            raise
        raise refused_option(problems[0].field, problems[0].problem) from None


def _value(row: RecordRow) -> str:
    """A row's value as a table shows it: with its currency, or why it is withheld."""
    if row.withheld is not None:
        return "(confidential)"
    if row.value is None:
        return ""
    return f"{row.value:,.2f} {row.currency or ''}".rstrip()


def _show_page(name: str, found: Page[RecordRow], wide: bool, *, valued: bool) -> None:
    columns: tuple[str, ...] = ("Id", "Name", "Number", "Status", "Customer", "Owner")
    columns += ("Recorded (UTC)",)
    columns += ("Value", "Day") if valued else ()

    def cells(row: RecordRow) -> tuple[str, ...]:
        more = (_value(row), "" if row.day is None else f"{row.day}") if valued else ()
        return (
            shown_id(row.id, wide),
            row.name,
            row.number or "",
            row.status or "",
            row.customer_name or "",
            row.owner_name or shown_id(row.owner_id, wide),
            "" if row.at is None else f"{row.at:%Y-%m-%d %H:%M}",
            *more,
        )

    paging.print_page_table(name.replace("-", " ").capitalize(), found, columns, cells, name)


def show(
    ctx: typer.Context,
    kind: KindArgument,
    record_id: Annotated[UUID, typer.Argument(help="The record's full id.")],
    as_of: vocabulary.AsOfMoment = None,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """One record: its state and its history (time, SOP step, actor, what happened), as
    it stands or as it stood --as-of a moment."""
    with common.reported(as_json):
        moment_asked = common.when(as_of, "--as-of")
        api = client.connect(ctx, database_url)
        if api is not None:
            try:
                chosen = kind_of_record(kind).__name__
            except UnknownKind as error:
                raise Failure(ExitCode.USAGE, f"KIND: {error}") from None
            found = remote.record(api, chosen, record_id, moment_asked)
        else:
            with common.open_system(ctx, database_url) as system:
                common.caught_up(system, "audit")
                runner = system.views.runner("audit")
                try:
                    found = show_record(
                        system.app,
                        runner.engine,
                        runner.tables(),
                        kind,
                        record_id,
                        as_of=moment_asked,
                        log=system.views.log,
                    )
                except UnknownKind as error:
                    raise Failure(ExitCode.USAGE, f"KIND: {error}") from None
    if as_json:
        print_json(found)
        return
    when = "now" if moment_asked is None else f"as of {moment(moment_asked)}"
    out().print(f"{found.kind} {found.id} {when}: version {found.version}", soft_wrap=True)
    if found.state is None:
        out().print(found.withheld or "", soft_wrap=True)
    else:
        table = Table()
        table.add_column("Fact")
        table.add_column("Value")
        for name, value in found.state.items():
            if name not in ("kind", "id", "version"):
                table.add_row(name, shown(value))
        out().print(table)
    out().print(history_table(f"History ({len(found.history)} lines)", found.history))
