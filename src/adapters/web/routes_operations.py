"""Read: operations views (SOP 2.5-2.6), open breaches of time limits, views' status."""

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, field_validator
from salesdomain.adapters.web.context import Ctx, CurrentToken
from salesdomain.adapters.web.errors import NotConfigured
from salesdomain.adapters.web.params import AsAt
from salesdomain.adapters.web.responses import ERROR_RESPONSES
from salesdomain.adapters.web.rows import row_model
from salesdomain.projections.operations import (
    InspectionRow,
    ServiceCaseRow,
    ShipmentRow,
    TaskRow,
    awaiting_inspection,
    awaiting_shipment,
    open_tasks,
    service_cases,
)
from salesdomain.projections.runner import ProjectionStatus

from salesdomain import clock

router = APIRouter(prefix="/views", responses=ERROR_RESPONSES)
OPERATIONS: list[str | Enum] = ["views: operations"]


class TasksOut(BaseModel):
    position: int
    as_at: datetime
    rows: list[TaskRow]


@router.get("/operations/tasks", response_model=TasksOut, tags=OPERATIONS)
def tasks(
    ctx: Ctx,
    _: CurrentToken,
    as_at: AsAt = None,
    owner_id: UUID | None = None,
    overdue_only: bool = False,
) -> TasksOut:
    """Open coordination tasks of orders in execution (2.5.1), earliest due first."""
    engine, tables, position = ctx.view("operations")
    now = as_at or clock.now()
    rows = open_tasks(engine, tables, now, owner_id=owner_id, overdue_only=overdue_only)
    return TasksOut(position=position, as_at=now, rows=rows)


class InspectionsOut(BaseModel):
    position: int
    as_at: datetime
    rows: list[InspectionRow]


@router.get("/operations/inspections", response_model=InspectionsOut, tags=OPERATIONS)
def inspections(ctx: Ctx, _: CurrentToken, as_at: AsAt = None) -> InspectionsOut:
    """Goods of orders in execution that have not passed the final inspection (2.5.3)."""
    engine, tables, position = ctx.view("operations")
    now = as_at or clock.now()
    before = ctx.system.app.policy.orders.inspection_before_delivery
    rows = awaiting_inspection(engine, tables, now, inspection_before_delivery=before)
    return InspectionsOut(position=position, as_at=now, rows=rows)


class ShipmentsOut(BaseModel):
    position: int
    as_at: datetime
    rows: list[ShipmentRow]


@router.get("/operations/shipments", response_model=ShipmentsOut, tags=OPERATIONS)
def shipments(ctx: Ctx, _: CurrentToken, as_at: AsAt = None) -> ShipmentsOut:
    """Goods that passed inspection and wait to be shipped or received (2.5.4)."""
    engine, tables, position = ctx.view("operations")
    now = as_at or clock.now()
    return ShipmentsOut(position=position, as_at=now, rows=awaiting_shipment(engine, tables, now))


if TYPE_CHECKING:  # the same fields, durations in seconds (salesdomain.adapters.web.rows)
    ServiceCaseRowOut = ServiceCaseRow
else:
    ServiceCaseRowOut = row_model(ServiceCaseRow)


class ServiceCasesOut(BaseModel):
    position: int
    as_at: datetime
    rows: list[ServiceCaseRowOut]


@router.get("/operations/service-cases", response_model=ServiceCasesOut, tags=OPERATIONS)
def cases(
    ctx: Ctx,
    _: CurrentToken,
    as_at: AsAt = None,
    open_only: bool = False,
    breached_only: bool = False,
) -> ServiceCasesOut:
    """After-sales cases with their response deadline and first answer (2.6.1)."""
    engine, tables, position = ctx.view("operations")
    now = as_at or clock.now()
    rows = service_cases(engine, tables, now, open_only=open_only, breached_only=breached_only)
    return ServiceCasesOut(position=position, as_at=now, rows=rows)


class BreachOut(BaseModel):
    """An SOP time limit missed: the case, the step, who is responsible, when it was due
    and when it was done (``None``: still not done).  Given as a dict (other keys pass
    through) or an object with these attributes."""

    model_config = ConfigDict(extra="allow", from_attributes=True)
    case: str
    step: str
    responsible: str | None = None
    due: datetime | None = None
    actual: datetime | None = None

    @field_validator("case", "step", "responsible", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return value if value is None or isinstance(value, str) else str(value)


class BreachesOut(BaseModel):
    as_at: datetime
    breaches: list[BreachOut]


@router.get(
    "/breaches",
    response_model=BreachesOut,
    tags=["views: conformance"],
    responses={503: {"description": "Conformance checks are not configured"}},
)
def breaches(ctx: Ctx, _: CurrentToken, as_at: AsAt = None) -> BreachesOut:
    """Open breaches of SOP time limits, from the conformance checks the server was
    given (``create_app(..., open_breaches=...)``); 503 when there are none."""
    if ctx.open_breaches is None:
        raise NotConfigured("conformance checks not configured on this server")
    now = as_at or clock.now()
    found = [BreachOut.model_validate(item) for item in ctx.open_breaches(now)]
    return BreachesOut(as_at=now, breaches=found)


class StatusOut(BaseModel):
    views: list[ProjectionStatus]


@router.get("/status", response_model=StatusOut, tags=["views: status"])
def status(ctx: Ctx, _: CurrentToken) -> StatusOut:
    """Position, lag and last error of every view (without catching up first)."""
    return StatusOut(views=list(ctx.system.views.status()))
