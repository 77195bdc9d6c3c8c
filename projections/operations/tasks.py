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
    task_number: int
    customer_name: str
    department: str
    owner_id: str
    owner_name: str
    description: str
    due_on: date
    assigned_at: datetime
    overdue: bool
    days_overdue: int


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
