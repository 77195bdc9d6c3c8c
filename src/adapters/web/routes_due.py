"""Read: the work queue (SOP 4.2.4, ADR 53), the SOP steps due from the signed-in
employee (or another they may read), with their team's for a manager, a page at a time."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict
from salesdomain.adapters.web import params
from salesdomain.adapters.web.context import CurrentReader, CurrentToken, ReadCtx
from salesdomain.adapters.web.errors import InvalidQuery, NotConfigured
from salesdomain.adapters.web.responses import ERROR_RESPONSES
from salesdomain.adapters.web.rows import row_model
from salesdomain.projections.workqueue import (
    DueItem,
    NotOnRegister,
    QueueUnavailable,
    due_page,
)

router = APIRouter(prefix="/views/due", tags=["views: work queue"], responses=ERROR_RESPONSES)

if TYPE_CHECKING:
    DueItemOut = DueItem
else:
    DueItemOut = row_model(DueItem)


class DueOut(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    position: int
    """The log position the conformance view shows (every event up to it is counted)."""
    as_at: datetime
    """The moment the queue stands at (the first page's)."""
    rows: list[DueItemOut]
    """Overdue first, then by deadline."""
    next_cursor: str | None
    """For the next page (``cursor=``); ``null``: this is the last page."""


@router.get("", response_model=DueOut)
def due(
    ctx: ReadCtx,
    token: CurrentToken,
    reader: CurrentReader,
    page: params.Paging,
    as_of: params.AsOf = None,
    employee: Annotated[
        UUID | None, Query(description="Whose queue (default: the signed-in employee's)")
    ] = None,
    team: Annotated[
        bool, Query(description="true: also the steps due from everyone reporting to them")
    ] = False,
    overdue: Annotated[bool, Query(description="true: only what is overdue")] = False,
) -> DueOut:
    """The SOP steps due from an employee (``team=true``: and from everyone reporting to
    them): a contract to approve, a complaint to answer, an appraisal step, a coordination
    task, a final inspection, a labour contract, an action item, a quote about to expire,
    a stale deal, a recurring duty; each with its deadline, whether it is overdue or the
    seconds left, who is responsible and the command that discharges it.  Overdue first.
    What the read policy lets the reader see: their own, and another's by their reach."""
    _, _, position = ctx.view("conformance")
    ctx.view("pipeline")
    system = ctx.system
    try:
        found = due_page(
            system.views,
            system.app.policy,
            employee or token.employee_id,
            page.at(as_of),
            limit=page.limit,
            cursor=page.cursor,
            team=team,
            overdue_only=overdue,
            reader=reader,
            events_of=system.app.events.get,
            as_recorded=as_of is None,
        )
    except NotOnRegister as error:
        raise InvalidQuery("employee", str(error)) from None
    except QueueUnavailable as error:
        raise NotConfigured(str(error)) from None
    return DueOut(position=position, as_at=found.at, rows=found.rows, next_cursor=found.next_cursor)
