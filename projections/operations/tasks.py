"""The coordination tasks still open: ``open_tasks``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from salesdomain.projections.access import orders_read_by
from salesdomain.projections.operations.queries import _today
from salesdomain.projections.operations.statuses import IN_EXECUTION
from salesdomain.projections.rows import row_of
from sqlalchemy import Table, select
from sqlalchemy.engine import Engine

from salesdomain.access import Reader


@dataclass(frozen=True)
class TaskRow:
    order_id: str
    """The sales order the task coordinates (2.5.1)."""
    task_number: int
    """The task's number on the order."""
    customer_name: str
    """The customer's company name."""
    department: str
    """The department responsible (production, procurement, logistics, ...)."""
    owner_id: str
    """The employee responsible for the task."""
    owner_name: str
    """The name of the employee responsible."""
    description: str
    """What must be done."""
    due_on: date
    """The deadline fixed at the coordination meeting."""
    assigned_at: datetime
    """When the task was assigned."""
    overdue: bool
    """Whether the deadline has passed."""
    days_overdue: int
    """Days past the deadline."""


def open_tasks(
    engine: Engine,
    tables: Mapping[str, Table],
    now: datetime,
    *,
    owner_id: UUID | str | None = None,
    overdue_only: bool = False,
    reader: Reader | None = None,
) -> list[TaskRow]:
    """Coordination tasks not yet completed, on orders still in execution, earliest due
    first; overdue once their due date has passed."""
    today = _today(now)
    tasks, orders = tables["tasks"], tables["orders"]
    query = (
        select(tasks, orders.c.customer_name)
        .select_from(tasks.join(orders, orders.c.order_id == tasks.c.order_id))
        .where(tasks.c.completed_on.is_(None), orders.c.status == IN_EXECUTION)
        .where(orders_read_by(reader, tables))
        .order_by(tasks.c.due_on, tasks.c.assigned_at, tasks.c.order_id, tasks.c.task_number)
    )
    if owner_id is not None:
        query = query.where(tasks.c.owner_id == str(owner_id))
    if overdue_only:
        query = query.where(tasks.c.due_on < today)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        row_of(
            TaskRow, row, overdue=row.due_on < today, days_overdue=max((today - row.due_on).days, 0)
        )
        for row in rows
    ]
