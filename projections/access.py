"""The read policy applied to the views: who the reader is in the staff directory, and
which rows of a view are theirs to read (``salesdomain.access``, ADR 30)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar
from uuid import UUID

from sqlalchemy import ColumnElement, Engine, Table, select, true

from salesdomain.access import People, Reach, Reader, StaffMember
from salesdomain.sop import Role

RowT = TypeVar("RowT")


def staff_directory(engine: Engine, kpi_tables: Mapping[str, Table]) -> list[StaffMember]:
    """Every employee on record, with their team and manager (the KPI view's)."""
    employees = kpi_tables["employees"]
    query = select(
        employees.c.employee_id, employees.c.team, employees.c.manager_id, employees.c.active
    )
    with engine.connect() as conn:
        return [
            StaffMember(row.employee_id, row.team, row.manager_id, bool(row.active))
            for row in conn.execute(query)
        ]


def reader_of(
    engine: Engine, kpi_tables: Mapping[str, Table], employee_id: UUID | str, role: Role
) -> Reader:
    """``employee_id`` reading as ``role``, their reach resolved from the directory."""
    return Reader.of(employee_id, role, staff_directory(engine, kpi_tables))


def owned_by(
    rows: Iterable[RowT], people: People, owner: Callable[[RowT], str | None]
) -> list[RowT]:
    """The rows whose ``owner`` is one of ``people`` (``None``: every row)."""
    if people is None:
        return list(rows)
    return [row for row in rows if owner(row) in people]


def sales_readable(owner: ColumnElement[str], reader: Reader | None) -> ColumnElement[bool]:
    """The rows whose ``owner`` the reader's sales reach covers (ADR 30); every row for
    no reader (``None``) or a reach over everyone."""
    if reader is not None and reader.sales is not None:
        return owner.in_(sorted(reader.sales))
    return true()


def orders_read_by(reader: Reader | None, tables: Mapping[str, Table]) -> ColumnElement[bool]:
    """The operations view's orders the reader follows: those their reach covers by
    owner, and with ``ASSIGNED`` those they hold a coordination task on."""
    if reader is None or reader.operations is None:
        return true()
    orders, tasks = tables["orders"], tables["tasks"]
    if reader.grant.operations is Reach.ASSIGNED:
        mine = select(tasks.c.order_id).where(tasks.c.owner_id == reader.employee_id)
        return orders.c.order_id.in_(mine)
    return orders.c.owner_id.in_(sorted(reader.operations))
