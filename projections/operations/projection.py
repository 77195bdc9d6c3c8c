"""The projection: the operations tables and the rows each event changes in them."""

from __future__ import annotations

from salesdomain.projections.changes import RowChange
from salesdomain.projections.operations.handlers import HANDLERS
from salesdomain.projections.projection import Projection, Tables
from salesdomain.projections.types import UtcDateTime, quantity
from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table, Text, func

from salesdomain.bounds import NAME_LENGTH


class Operations(Projection):
    """Version 2 added the production plan's finish to ``orders`` (``planned_finish``,
    and ``customer_told_on`` for a plan finishing after the delivery date); a view that
    version 1 built gets the columns empty until it is rebuilt.

    Version 3 (ADR 66): indexes for the lists of orders and service cases (their time
    and name orders, owner, customer and the cases of an order)."""

    name = "operations"
    version = 3
    rebuild_weight = 9

    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        tables = Tables(metadata, prefix)
        orders = tables.add(
            "orders",
            Column("order_id", String(36), primary_key=True),
            Column("customer_id", String(36), nullable=False),
            Column("customer_name", String(NAME_LENGTH), nullable=False),
            Column("owner_id", String(36), nullable=False),
            Column("revision", Integer, nullable=False),
            Column("status", String(20), nullable=False),
            Column("delivery_date", Date, nullable=False),
            Column("inspect_by", Date),
            Column("planned_finish", Date),
            Column("customer_told_on", Date),
            Column("entered_at", UtcDateTime, nullable=False),
            Column("closed_at", UtcDateTime),
        )
        # Quantities are added to (``Add``), so every column but the key may be empty
        # when the row is first created and the counters start at zero.
        tables.add(
            "order_products",
            Column("order_id", String(36), primary_key=True),
            Column("product_code", String(32), primary_key=True),
            Column("product_name", String(NAME_LENGTH)),
            Column("revision", Integer),
            Column("ordered", quantity()),
            Column("passed", quantity(), nullable=False, default=0, server_default="0"),
            Column("shipped", quantity(), nullable=False, default=0, server_default="0"),
            Column("delivered", quantity(), nullable=False, default=0, server_default="0"),
        )
        tables.add(
            "lots",
            Column("order_id", String(36), primary_key=True),
            Column("lot_id", String(64), primary_key=True),
            Column("product_code", String(32), nullable=False),
            Column("quantity", quantity(), nullable=False),
            Column("status", String(20), nullable=False),
            Column("inspections", Integer, nullable=False),
            Column("reworks", Integer, nullable=False, default=0, server_default="0"),
            Column("last_inspected_on", Date, nullable=False),
            Column("findings", Text, nullable=False),
        )
        tasks = tables.add(
            "tasks",
            Column("order_id", String(36), primary_key=True),
            Column("task_number", Integer, primary_key=True),
            Column("department", String(40), nullable=False),
            Column("owner_id", String(36), nullable=False),
            Column("owner_name", String(NAME_LENGTH), nullable=False),
            Column("description", Text, nullable=False),
            Column("due_on", Date, nullable=False),
            Column("assigned_at", UtcDateTime, nullable=False),
            Column("completed_on", Date),
            Column("outcome", Text),
        )
        service_cases = tables.add(
            "service_cases",
            Column("case_id", String(36), primary_key=True),
            Column("customer_id", String(36), nullable=False),
            Column("customer_name", String(NAME_LENGTH), nullable=False),
            Column("order_id", String(36)),
            Column("channel", String(20), nullable=False),
            Column("received_at", UtcDateTime, nullable=False),
            Column("kind", String(20)),
            Column("severity", String(20)),
            Column("respond_by", UtcDateTime, nullable=False),
            Column("assignee_id", String(36)),
            Column("assignee_name", Text),  # an actor's name: free text
            Column("responded_at", UtcDateTime),
            Column("within_time_limit", Boolean),
            Column("status", String(20), nullable=False),
            Column("closed_at", UtcDateTime),
            Column("reopened_at", UtcDateTime),
        )
        responses = tables.add(
            "responses",
            Column("position", Integer, primary_key=True),
            Column("case_id", String(36), nullable=False),
            Column("responded_at", UtcDateTime, nullable=False),
            Column("respond_by", UtcDateTime, nullable=False),
            Column("within_time_limit", Boolean, nullable=False),
            Column("responder_id", String(36), nullable=False),
            Column("responder_name", Text, nullable=False),  # an actor's name
        )
        tables.index("tasks_by_due", tasks.c.completed_on, tasks.c.due_on)
        tables.index("cases_by_status", service_cases.c.status)
        tables.index("responses_by_case", responses.c.case_id)
        o, sc = orders.c, service_cases.c
        tables.index("orders_by_time", o.entered_at, o.order_id)
        tables.index("orders_by_name", func.lower(o.customer_name), o.order_id)
        tables.index("orders_by_owner", o.owner_id, o.entered_at)
        tables.index("orders_by_customer", o.customer_id, o.entered_at)
        tables.index("cases_by_time", sc.received_at, sc.case_id)
        tables.index("cases_by_name", func.lower(sc.customer_name), sc.case_id)
        tables.index("cases_by_order", sc.order_id)
        tables.index("cases_by_customer", sc.customer_id, sc.received_at)
        return tables.defined

    def changes(self, event: object, position: int) -> list[RowChange]:
        return HANDLERS.changes(event, position)
