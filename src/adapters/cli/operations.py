"""``salesdomain operations``: what waits for someone (SOP 2.5, 2.6.1), from the
operations view: open coordination tasks, goods awaiting the final inspection or
shipment, service cases and their response deadlines.  Directly every row (the
administrator); in client mode the rows the web API lets the token's employee read
(ADR 30), printed by the same code.  A page at a time (``--limit``, ``--cursor``,
``--all``: ``paging``), in the order of ``operations.pages``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

import typer
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.cli import common, paging, remote, view_pages, vocabulary
from salesdomain.adapters.cli.common import DatabaseUrl, JsonOutput
from salesdomain.adapters.cli.tables import figure
from salesdomain.projections import operations as view
from salesdomain.projections.operations import pages
from salesdomain.projections.paging import DEFAULT_LIMIT, Page

operations_app = typer.Typer(
    help="What waits for someone: open tasks, goods awaiting inspection or shipment, "
    "service cases (SOP 2.5, 2.6.1).",
    no_args_is_help=True,
)

Row = TypeVar("Row")
Query = Callable[..., list[Row]]
"""A query of the operations view: ``(system, engine, tables, at, **filters) -> rows``."""
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="The time to judge by (default: now).", show_default=False),
]


@dataclass(frozen=True)
class _Listing(Generic[Row]):
    """One command's rows: the web API's ``/views/operations/{path}`` and its table."""

    path: str
    row: type[Row]
    query: Query[Row]
    title: str
    columns: tuple[str, ...]
    cells: Callable[[Row], tuple[str, ...]]

    def show(
        self,
        ctx: typer.Context,
        options: tuple[tuple[str | None, str | None], str | None, bool],
        page: tuple[int, str | None, bool],
        **filters: UUID | bool | None,
    ) -> None:
        """A page of the rows the query finds with ``filters`` in the operations view
        (directly), or the web API answers to them (client mode: the same names), as at
        ``--as-of``; ``options``: that and its old spelling ``--as-at``,
        ``--database-url`` and ``--json``; ``page``: ``--limit``, ``--cursor`` and
        ``--all``."""
        moments, database_url, as_json = options
        _, cursor, every = page
        with common.reported(as_json):
            if every:  # refused before a bad moment, as ever (read_view checks it again)
                paging.every_from_the_start(cursor, "row")
            as_of = vocabulary.given(*moments, "--as-of", "--as-at")
            at = common.when(as_of, "--as-of") or (None if cursor else datetime.now(UTC))
        sent = {k: "true" if v is True else v or None for k, v in filters.items()}
        view_pages.read_view(
            ctx,
            database_url,
            as_json,
            view="operations",
            what="row",
            asked=page,
            remote=lambda api, _: remote.operations(api, self.path, self.row, at, page, **sent),
            direct=lambda system: self._page(system, at, page, filters),
            show=lambda found: paging.print_page_table(
                self.title, found, self.columns, self.cells, "rows"
            ),
        )

    def _page(
        self,
        system: System,
        at: datetime | None,
        page: tuple[int, str | None, bool],
        filters: dict[str, UUID | bool | None],
    ) -> Page[Row]:
        engine, tables = system.views.view("operations")
        limit, cursor, every = page
        if every:
            assert at is not None  # without a cursor, given or now
            return pages.every_row(self.path, self.query(system, engine, tables, at, **filters), at)
        with paging.cursor_checked():
            return pages.operations_page(
                self.path,
                partial(self.query, system, engine, tables, **filters),
                at,
                limit=limit,
                cursor=cursor,
                filters=filters,
            )


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else ""


PRODUCT_LINE = ("Order", "Customer", "Product", "Ordered", "Passed", "Plan finishes")


def _plan(row: view.InspectionRow | view.ShipmentRow) -> str:
    """The plan's finish; flagged when it is after the delivery date (SOP 2.5.2)."""
    if row.planned_finish is None:
        return ""
    if not row.plan_finishes_late:
        return str(row.planned_finish)
    told = f", customer told {row.customer_told_on}" if row.customer_told_on else ""
    return f"{row.planned_finish} LATE{told}"


def _product_line(row: view.InspectionRow | view.ShipmentRow) -> tuple[str, ...]:
    return (
        row.order_id[:8],
        row.customer_name,
        row.product_name,
        figure(row.ordered),
        figure(row.passed),
        _plan(row),
    )


TASKS = _Listing(
    "tasks",
    view.TaskRow,
    lambda _, engine, tables, at, **f: view.open_tasks(engine, tables, at, **f),
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
INSPECTIONS = _Listing(
    "inspections",
    view.InspectionRow,
    lambda system, engine, tables, at: view.awaiting_inspection(
        engine,
        tables,
        at,
        inspection_before_delivery=system.app.policy.orders.inspection_before_delivery,
    ),
    "Awaiting the final inspection",
    (*PRODUCT_LINE, "Awaiting", "Failed lots", "Reworked", "Delivery", "Inspect by", "Overdue"),
    lambda r: (
        *_product_line(r),
        figure(r.awaiting),
        ", ".join(r.failed_lots),
        ", ".join(r.reworked_lots),
        str(r.delivery_date),
        str(r.inspect_by or ""),
        "yes" if r.overdue else "",
    ),
)
SHIPMENTS = _Listing(
    "shipments",
    view.ShipmentRow,
    lambda _, engine, tables, at: view.awaiting_shipment(engine, tables, at),
    "Awaiting shipment or receipt",
    (*PRODUCT_LINE, "Ready", "Shipped", "In transit", "Delivery", "Late"),
    lambda r: (
        *_product_line(r),
        figure(r.ready),
        figure(r.shipped),
        figure(r.in_transit),
        str(r.delivery_date),
        "yes" if r.late else "",
    ),
)
SERVICE_CASES = _Listing(
    "service-cases",
    view.ServiceCaseRow,
    lambda _, engine, tables, at, **f: view.service_cases(engine, tables, at, **f),
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
        _when(c.received_at),
        _when(c.respond_by),
        _when(c.responded_at),
        f"{c.overdue_by.total_seconds() / 3600:,.1f} h" if c.overdue_by else "",
        str(c.late_answers),
    ),
)


@operations_app.command()
def tasks(
    ctx: typer.Context,
    as_of: AsOf = None,
    old_as_at: vocabulary.OldAsAt = None,
    owner: Annotated[UUID | None, typer.Option(help="One owner's tasks (employee id).")] = None,
    overdue_only: Annotated[bool, typer.Option("--overdue-only", help="Only overdue.")] = False,
    limit: paging.Limit = DEFAULT_LIMIT,
    cursor: paging.Cursor = None,
    every: paging.Every = False,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """Open coordination tasks of orders in execution (2.5.1), earliest due first."""
    options, page = ((as_of, old_as_at), database_url, as_json), (limit, cursor, every)
    TASKS.show(ctx, options, page, owner_id=owner, overdue_only=overdue_only)


def _without_filters(listing: _Listing[Any], summary: str) -> Callable[..., None]:
    def command(
        ctx: typer.Context,
        as_of: AsOf = None,
        old_as_at: vocabulary.OldAsAt = None,
        limit: paging.Limit = DEFAULT_LIMIT,
        cursor: paging.Cursor = None,
        every: paging.Every = False,
        database_url: DatabaseUrl = None,
        as_json: JsonOutput = False,
    ) -> None:
        listing.show(ctx, ((as_of, old_as_at), database_url, as_json), (limit, cursor, every))

    command.__doc__ = summary
    return command


operations_app.command("inspections")(
    _without_filters(
        INSPECTIONS,
        "Goods of orders in execution that have not passed the final inspection (2.5.3).",
    )
)
operations_app.command("shipments")(
    _without_filters(
        SHIPMENTS, "Goods that passed inspection and wait to be shipped or received (2.5.4)."
    )
)


@operations_app.command("service-cases")
def service_cases(
    ctx: typer.Context,
    as_of: AsOf = None,
    old_as_at: vocabulary.OldAsAt = None,
    open_only: Annotated[bool, typer.Option("--open-only", help="Leave out closed ones.")] = False,
    breached_only: Annotated[
        bool, typer.Option("--breached-only", help="Only those answered late or not in time.")
    ] = False,
    limit: paging.Limit = DEFAULT_LIMIT,
    cursor: paging.Cursor = None,
    every: paging.Every = False,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """After-sales cases with their response deadline and first answer (2.6.1)."""
    options, page = ((as_of, old_as_at), database_url, as_json), (limit, cursor, every)
    SERVICE_CASES.show(ctx, options, page, open_only=open_only, breached_only=breached_only)
