"""The operations lists a page at a time (``paging``): where a row stands in each
list's order, as texts, and the filters a cursor is bound to.  The lists are what waits
now (open tasks, goods of orders in execution, service cases), found whole by their
queries (bounded by the work in hand, not by the history, except service cases) and
paged here, in the order of these places on every store."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from salesdomain.projections.operations.cases import ServiceCaseRow
from salesdomain.projections.operations.queries import InspectionRow, ShipmentRow
from salesdomain.projections.operations.tasks import TaskRow
from salesdomain.projections.paging import (
    DEFAULT_LIMIT,
    Filters,
    Kind,
    Page,
    page_of,
    resume,
    sortable,
)

Row = TypeVar("Row")


def task_place(row: TaskRow) -> tuple[str, ...]:
    """Earliest due first, then assigned, order, task number (``open_tasks``)."""
    return (
        sortable(row.due_on),
        sortable(row.assigned_at),
        row.order_id,
        sortable(row.task_number),
    )


def line_place(row: InspectionRow | ShipmentRow) -> tuple[str, ...]:
    """Earliest delivery first, then order and product (the goods waiting)."""
    return (sortable(row.delivery_date), row.order_id, row.product_code)


def case_place(row: ServiceCaseRow) -> tuple[str, ...]:
    """Earliest response deadline first, then case (``service_cases``)."""
    return (sortable(row.respond_by), row.case_id)


def described(**filters: object) -> Filters:
    """The filters of a list as texts (what a cursor is bound to): a filter not set
    (``None``, ``False``) is left out."""
    return {name: str(value) for name, value in filters.items() if value not in (None, False)}


class Listing(NamedTuple):
    kind: Kind
    place: Callable[[Any], tuple[str, ...]]


LISTINGS = {
    "tasks": Listing(Kind("tasks", "o1", 4), task_place),
    "inspections": Listing(Kind("inspections", "o1", 3), line_place),
    "shipments": Listing(Kind("shipments", "o1", 3), line_place),
    "service-cases": Listing(Kind("service-cases", "o1", 2), case_place),
}
"""Each list by its name (the web API's ``/views/operations/{name}``)."""


def operations_page(
    name: str,
    query: Callable[[datetime], list[Row]],
    at: datetime | None,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    filters: Mapping[str, object] | None = None,
) -> Page[Row]:
    """A page of the list ``name``: the rows ``query`` finds as at ``at`` (with a
    cursor: its moment), at most ``limit`` after the row ``cursor`` points at.  Raises
    ``InvalidCursor`` for a cursor not made for this list with these ``filters``."""
    kind, place = LISTINGS[name]
    bound = described(**(filters or {}))
    start = resume(kind, cursor, at, bound)
    return page_of(query(start.at), place, kind, start, limit=limit, filters=bound)


def every_row(name: str, rows: list[Row], at: datetime) -> Page[Row]:
    """The whole list ``name`` in one page (an export), in its order."""
    return Page(at, sorted(rows, key=LISTINGS[name].place), None)
