"""Read: operations views (SOP 2.5-2.6), open breaches of time limits, views' status."""

from collections.abc import Callable, Mapping
from datetime import datetime
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, field_validator
from salesdomain.adapters.web.context import Ctx, CurrentReader, CurrentToken, ReadCtx, WebContext
from salesdomain.adapters.web.errors import NotConfigured
from salesdomain.adapters.web.params import AsAt, Page, Paging
from salesdomain.adapters.web.responses import ERROR_RESPONSES
from salesdomain.adapters.web.rows import row_model
from salesdomain.projections import operations
from salesdomain.projections.conformance.view import NAME as CONFORMANCE
from salesdomain.projections.operations import pages
from salesdomain.projections.runner import ProjectionStatus
from sqlalchemy import Engine, Table

from salesdomain import clock

router = APIRouter(prefix="/views", responses=ERROR_RESPONSES)
OPERATIONS: list[str | Enum] = ["views: operations"]


RowT = TypeVar("RowT")
RowsQuery = Callable[[Engine, Mapping[str, Table], datetime], list[RowT]]


class _OperationsOut(BaseModel, Generic[RowT]):
    model_config = ConfigDict(use_attribute_docstrings=True)

    position: int
    """The log position the view shows."""
    as_at: datetime
    """The moment the list was read (the first page's)."""
    rows: list[RowT]
    """The page's rows."""
    next_cursor: str | None
    """For the next page (``cursor=``); ``null``: this is the last page."""

    @classmethod
    def read(
        cls,
        ctx: WebContext,
        name: str,
        as_at: datetime | None,
        page: Page,
        query: RowsQuery[RowT],
        **filters: object,
    ) -> Self:
        """A page of the list ``name``: the rows ``query`` finds in the operations view
        as at ``as_at`` (default: now; with a cursor, its moment), with the log position
        the view shows; ``filters``: those ``query`` applies (a cursor is bound to them)."""
        engine, tables, position = ctx.view("operations")
        at = page.at(as_at)
        found = pages.operations_page(
            name,
            partial(query, engine, tables),
            at,
            limit=page.limit,
            cursor=page.cursor,
            filters=filters,
        )
        return cls(
            position=position, as_at=found.at, rows=found.rows, next_cursor=found.next_cursor
        )


class TasksOut(_OperationsOut[operations.TaskRow]):
    pass


@router.get("/operations/tasks", response_model=TasksOut, tags=OPERATIONS)
def tasks(
    ctx: ReadCtx,
    reader: CurrentReader,
    page: Paging,
    as_at: AsAt = None,
    owner_id: UUID | None = None,
    overdue_only: bool = False,
) -> TasksOut:
    """Open coordination tasks of orders in execution (2.5.1), earliest due first."""
    query = partial(
        operations.open_tasks, owner_id=owner_id, overdue_only=overdue_only, reader=reader
    )
    filters = {"owner_id": owner_id, "overdue_only": overdue_only}
    return TasksOut.read(ctx, "tasks", as_at, page, query, **filters)


if TYPE_CHECKING:
    InspectionRowOut = operations.InspectionRow
    ShipmentRowOut = operations.ShipmentRow
else:  # models, so that the fields they inherit keep their descriptions
    InspectionRowOut = row_model(operations.InspectionRow)
    ShipmentRowOut = row_model(operations.ShipmentRow)


class InspectionsOut(_OperationsOut[InspectionRowOut]):
    pass


@router.get("/operations/inspections", response_model=InspectionsOut, tags=OPERATIONS)
def inspections(
    ctx: ReadCtx, reader: CurrentReader, page: Paging, as_at: AsAt = None
) -> InspectionsOut:
    """Goods of orders in execution that have not passed the final inspection (2.5.3)."""
    before = ctx.system.app.policy.orders.inspection_before_delivery
    query = partial(
        operations.awaiting_inspection, inspection_before_delivery=before, reader=reader
    )
    return InspectionsOut.read(ctx, "inspections", as_at, page, query)


class ShipmentsOut(_OperationsOut[ShipmentRowOut]):
    pass


@router.get("/operations/shipments", response_model=ShipmentsOut, tags=OPERATIONS)
def shipments(
    ctx: ReadCtx, reader: CurrentReader, page: Paging, as_at: AsAt = None
) -> ShipmentsOut:
    """Goods that passed inspection and wait to be shipped or received (2.5.4)."""
    query = partial(operations.awaiting_shipment, reader=reader)
    return ShipmentsOut.read(ctx, "shipments", as_at, page, query)


if TYPE_CHECKING:  # the same fields, durations in seconds (salesdomain.adapters.web.rows)
    ServiceCaseRowOut = operations.ServiceCaseRow
else:
    ServiceCaseRowOut = row_model(operations.ServiceCaseRow)


class ServiceCasesOut(_OperationsOut[ServiceCaseRowOut]):
    pass


@router.get("/operations/service-cases", response_model=ServiceCasesOut, tags=OPERATIONS)
def cases(
    ctx: ReadCtx,
    reader: CurrentReader,
    page: Paging,
    as_at: AsAt = None,
    open_only: bool = False,
    breached_only: bool = False,
) -> ServiceCasesOut:
    """After-sales cases with their response deadline and first answer (2.6.1)."""
    query = partial(
        operations.service_cases,
        open_only=open_only,
        breached_only=breached_only,
        reader=reader,
    )
    filters = {"open_only": open_only, "breached_only": breached_only}
    return ServiceCasesOut.read(ctx, "service-cases", as_at, page, query, **filters)


class BreachOut(BaseModel):
    """An SOP time limit missed: the case, the step, who is responsible, when it was due
    and when it was done (``None``: still not done).  Given as a dict (other keys pass
    through) or an object with these attributes."""

    model_config = ConfigDict(use_attribute_docstrings=True, extra="allow", from_attributes=True)
    case: str
    """The record the time limit was missed on."""
    step: str
    """The SOP step whose time limit was missed."""
    responsible: str | None = None
    """The responsible person's name."""
    responsible_id: str | None = None
    """The responsible employee's id (``None``: a role, no person named yet)."""
    due: datetime | None = None
    """When the step was due."""
    actual: datetime | None = None
    """When the step was done (empty while still open)."""

    @field_validator("case", "step", "responsible", "responsible_id", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return value if value is None or isinstance(value, str) else str(value)


class BreachesOut(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    as_at: datetime
    """The moment the breaches stand at."""
    breaches: list[BreachOut]
    """SOP time limits missed, late or still open."""


@router.get(
    "/breaches",
    response_model=BreachesOut,
    tags=["views: conformance"],
    responses={503: {"description": "Conformance checks are not configured"}},
)
def breaches(ctx: ReadCtx, reader: CurrentReader, as_at: AsAt = None) -> BreachesOut:
    """Open breaches of SOP time limits, from the conformance checks the server was
    given (``create_app(..., open_breaches=...)``); 503 when there are none.  Roles the
    read policy lets review conformance read them all, others those of the people their
    sales reach covers (a manager: their team's; ADR 30)."""
    if ctx.open_breaches is None:
        raise NotConfigured("conformance checks not configured on this server")
    if CONFORMANCE in ctx.system.views.runners:
        ctx.view(CONFORMANCE)  # waits for X-Salesdomain-After; a stopped view says so
    now = as_at or clock.now()
    found = [BreachOut.model_validate(item) for item in ctx.open_breaches(as_at)]
    if not reader.grant.conformance:
        found = [b for b in found if reader.reaches(reader.sales, b.responsible_id)]
    return BreachesOut(as_at=now, breaches=found)


class StatusOut(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    views: list[ProjectionStatus]
    """Every view's position, head and last error."""


@router.get("/status", response_model=StatusOut, tags=["views: status"])
def status(ctx: Ctx, _: CurrentToken) -> StatusOut:
    """Position, lag and last error of every view (without catching up first)."""
    return StatusOut(views=list(ctx.system.views.status()))
