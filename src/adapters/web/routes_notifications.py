"""Read: the warnings of SOP 4.2.4 sent or to be sent to the reader (ADR 54), a page at a
time, from the outbox."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict
from salesdomain.adapters.web import params
from salesdomain.adapters.web.context import CurrentReader, ReadCtx
from salesdomain.adapters.web.responses import ERROR_RESPONSES
from salesdomain.adapters.web.rows import row_model
from salesdomain.projections.notifications import Notification, notifications_page

from salesdomain.notifications import WarningKind

router = APIRouter(
    prefix="/views/notifications", tags=["views: notifications"], responses=ERROR_RESPONSES
)

if TYPE_CHECKING:
    NotificationOut = Notification
else:
    NotificationOut = row_model(Notification)


class NotificationsOut(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    as_at: datetime
    """When the first page was read (a warning raised later is on the first page of a
    later read)."""
    rows: list[NotificationOut]
    """In the order raised."""
    next_cursor: str | None
    """For the next page (``cursor=``); ``null``: this is the last page."""


@router.get("", response_model=NotificationsOut)
def notifications(
    ctx: ReadCtx,
    reader: CurrentReader,
    page: params.Paging,
    status: Annotated[
        Literal["pending", "sent", "undeliverable", "withdrawn"] | None,
        Query(description="Only the warnings pending, sent, undeliverable or withdrawn"),
    ] = None,
    kind: Annotated[WarningKind | None, Query(description="Only this kind of warning")] = None,
) -> NotificationsOut:
    """The warnings addressed to the reader (deadlines approaching or overdue, KPIs below
    their policy floors), each with whether and when it was sent by e-mail; everyone
    reads their own only.  A page at a time (follow ``next_cursor`` until ``null``)."""
    found = notifications_page(
        ctx.system.store,
        page.at(),
        recipient=reader.employee_id,
        status=status,
        kind=kind,
        limit=page.limit,
        cursor=page.cursor,
    )
    return NotificationsOut(as_at=found.at, rows=found.rows, next_cursor=found.next_cursor)
