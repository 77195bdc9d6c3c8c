"""``salesdomain operations``: what waits for someone (SOP 2.5, 2.6.1), from the
operations view: open coordination tasks, goods awaiting the final inspection or
shipment, service cases and their response deadlines.  Directly every row (the
administrator); in client mode the rows the web API lets the token's employee read
(ADR 30), printed by the same code."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar
from uuid import UUID

import typer
from rich.table import Table
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.cli import client, common, remote
from salesdomain.adapters.cli.common import DatabaseUrl, JsonOutput
from salesdomain.adapters.cli.output import out, print_json
from salesdomain.adapters.cli.tables import figure
from salesdomain.projections import operations as view
from sqlalchemy import Engine
from sqlalchemy import Table as SqlTable

operations_app = typer.Typer(
    help="What waits for someone: open tasks, goods awaiting inspection or shipment, "
    "service cases (SOP 2.5, 2.6.1).",
    no_args_is_help=True,
)

Row = TypeVar("Row")
Query = Callable[[System, Engine, Mapping[str, SqlTable], datetime], list[Row]]
AsAt = Annotated[str | None, typer.Option("--as-at", help="The time to judge by (default: now).")]


def _found(
    ctx: typer.Context,
    database_url: str | None,
    as_at: str | None,
    path: str,
    row: type[Row],
    query: Query[Row],
    **filters: object,
) -> dict[str, Any]:
    """The rows of the operations view ``query`` finds as at ``as_at`` (directly), or
    the web API's ``/views/operations/{path}`` with ``filters`` (client mode)."""
    at = common.when(as_at, "--as-at") or datetime.now(UTC)
    api = client.connect(ctx, database_url)
    if api is not None:
        position, rows = remote.operations(api, path, row, at, **filters)
    else:
        with common.open_system(ctx, database_url) as system:
            common.caught_up(system, "operations")
            runner = system.views.runner("operations")
            rows = query(system, runner.engine, runner.tables(), at)
            position = runner.position()
    return {"position": position, "as_at": at, "rows": rows}


def _show(
    found: dict[str, Any],
    as_json: bool,
    title: str,
    columns: Sequence[str],
    cells: Callable[[Any], Sequence[str]],
) -> None:
    if as_json:
        print_json(found)
        return
    rows = found["rows"]
    table = Table(
        title=f"{title} at {found['as_at']:%Y-%m-%d %H:%M} UTC: {len(rows)}",
        title_justify="left",
    )
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*cells(row))
    out().print(table)


def _flag(given: bool) -> str | None:
    return "true" if given else None


@operations_app.command()
def tasks(
    ctx: typer.Context,
    as_at: AsAt = None,
    owner: Annotated[UUID | None, typer.Option(help="One owner's tasks (employee id).")] = None,
    overdue_only: Annotated[bool, typer.Option("--overdue-only", help="Only overdue.")] = False,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """Open coordination tasks of orders in execution (2.5.1), earliest due first."""
    with common.reported(as_json):
        found = _found(
            ctx,
            database_url,
            as_at,
            "tasks",
            view.TaskRow,
            lambda _, engine, tables, at: view.open_tasks(
                engine, tables, at, owner_id=owner, overdue_only=overdue_only
            ),
            owner_id=owner,
            overdue_only=_flag(overdue_only),
        )
    _show(
        found,
        as_json,
        "Open coordination tasks",
        ("Due", "Overdue", "Order", "Task", "Customer", "Department", "Owner", "What"),
        lambda t: (
            str(t.due_on),
            f"{t.days_overdue} d" if t.overdue else "",
            t.order_id[:8],
            str(t.task_number),
            t.customer_name,
            t.department,
            t.owner_name,
            t.description,
        ),
    )


@operations_app.command()
def inspections(
    ctx: typer.Context,
    as_at: AsAt = None,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """Goods of orders in execution that have not passed the final inspection (2.5.3)."""
    with common.reported(as_json):
        found = _found(
            ctx,
            database_url,
            as_at,
            "inspections",
            view.InspectionRow,
            lambda system, engine, tables, at: view.awaiting_inspection(
                engine,
                tables,
                at,
                inspection_before_delivery=system.app.policy.orders.inspection_before_delivery,
            ),
        )
    _show(
        found,
        as_json,
        "Awaiting the final inspection",
        (
            "Order",
            "Customer",
            "Product",
            "Ordered",
            "Passed",
            "Awaiting",
            "Failed lots",
            "Reworked lots",
            "Delivery",
            "Inspect by",
            "Overdue",
        ),
        lambda r: (
            r.order_id[:8],
            r.customer_name,
            r.product_name,
            figure(r.ordered),
            figure(r.passed),
            figure(r.awaiting),
            ", ".join(r.failed_lots),
            ", ".join(r.reworked_lots),
            str(r.delivery_date),
            str(r.inspect_by or ""),
            "yes" if r.overdue else "",
        ),
    )


@operations_app.command()
def shipments(
    ctx: typer.Context,
    as_at: AsAt = None,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """Goods that passed inspection and wait to be shipped or received (2.5.4)."""
    with common.reported(as_json):
        found = _found(
            ctx,
            database_url,
            as_at,
            "shipments",
            view.ShipmentRow,
            lambda _, engine, tables, at: view.awaiting_shipment(engine, tables, at),
        )
    _show(
        found,
        as_json,
        "Awaiting shipment or receipt",
        (
            "Order",
            "Customer",
            "Product",
            "Ordered",
            "Passed",
            "Ready",
            "Shipped",
            "In transit",
            "Delivery",
            "Late",
        ),
        lambda r: (
            r.order_id[:8],
            r.customer_name,
            r.product_name,
            figure(r.ordered),
            figure(r.passed),
            figure(r.ready),
            figure(r.shipped),
            figure(r.in_transit),
            str(r.delivery_date),
            "yes" if r.late else "",
        ),
    )


@operations_app.command("service-cases")
def service_cases(
    ctx: typer.Context,
    as_at: AsAt = None,
    open_only: Annotated[bool, typer.Option("--open-only", help="Leave out closed ones.")] = False,
    breached_only: Annotated[
        bool, typer.Option("--breached-only", help="Only those answered late or not in time.")
    ] = False,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """After-sales cases with their response deadline and first answer (2.6.1)."""
    with common.reported(as_json):
        found = _found(
            ctx,
            database_url,
            as_at,
            "service-cases",
            view.ServiceCaseRow,
            lambda _, engine, tables, at: view.service_cases(
                engine, tables, at, open_only=open_only, breached_only=breached_only
            ),
            open_only=_flag(open_only),
            breached_only=_flag(breached_only),
        )
    _show(
        found,
        as_json,
        "Service cases",
        (
            "Case",
            "Customer",
            "Order",
            "Kind",
            "Severity",
            "Status",
            "Assignee",
            "Received",
            "Respond by",
            "Answered",
            "Late by",
            "Late answers",
        ),
        lambda c: (
            c.case_id[:8],
            c.customer_name,
            (c.order_id or "")[:8],
            c.kind or "",
            c.severity or "",
            c.status,
            c.assignee_name or "",
            f"{c.received_at:%Y-%m-%d %H:%M}",
            f"{c.respond_by:%Y-%m-%d %H:%M}",
            f"{c.responded_at:%Y-%m-%d %H:%M}" if c.responded_at else "",
            f"{c.overdue_by.total_seconds() / 3600:,.1f} h" if c.overdue_by else "",
            str(c.late_answers),
        ),
    )
