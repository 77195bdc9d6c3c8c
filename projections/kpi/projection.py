"""The projection: the KPI tables and the rows each event adds to them."""

from __future__ import annotations

from salesdomain.projections.changes import RowChange
from salesdomain.projections.kpi.handlers import HANDLERS
from salesdomain.projections.projection import Projection
from salesdomain.projections.types import UtcDateTime, figure
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from salesdomain.bounds import NAME_LENGTH


class Kpi(Projection):
    name = "kpi"

    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        facts = Table(
            f"{prefix}facts",
            metadata,
            Column("position", Integer, primary_key=True),
            Column("seq", Integer, primary_key=True),
            Column("occurred_at", UtcDateTime, nullable=False),
            Column("day", Date, nullable=False),
            Column("measure", String(40), nullable=False),
            Column("value", figure(), nullable=False),
            Column("currency", String(3)),
            Column("rep_id", String(36)),
            Column("customer_id", String(36)),
            Column("product_code", String(32)),
            Column("record_id", String(36)),
            Column("revision", Integer),
            Column("amends", Integer),
        )
        Index(f"{prefix}facts_by_day", facts.c.day)
        Index(f"{prefix}facts_by_record", facts.c.measure, facts.c.record_id)
        customers = Table(
            f"{prefix}customers",
            metadata,
            Column("customer_id", String(36), primary_key=True),
            Column("name", String(NAME_LENGTH), nullable=False),
            Column("region", String(NAME_LENGTH), nullable=False),
            Column("industry", String(NAME_LENGTH), nullable=False),
            Column("registered_at", UtcDateTime, nullable=False),
        )
        employees = Table(
            f"{prefix}employees",
            metadata,
            Column("employee_id", String(36), primary_key=True),
            Column("name", String(NAME_LENGTH), nullable=False),
            Column("team", String(NAME_LENGTH), nullable=False),
            Column("manager_id", String(36)),
            Column("active", Boolean, nullable=False),
            Column("left_on", Date),
        )
        team_history = Table(
            f"{prefix}team_history",
            metadata,
            Column("position", Integer, primary_key=True),
            Column("employee_id", String(36), nullable=False),
            Column("team", String(NAME_LENGTH), nullable=False),
            Column("effective_on", Date, nullable=False),
        )
        people = Table(
            f"{prefix}people",
            metadata,
            Column("employee_id", String(36), primary_key=True),
            Column("name", String(NAME_LENGTH)),
        )
        records = Table(
            f"{prefix}records",
            metadata,
            Column("record_id", String(36), primary_key=True),
            Column("kind", String(20), nullable=False),
            Column("customer_id", String(36)),
            Column("owner_id", String(36)),
            Column("owner_name", Text),  # an actor's name: free text
            Column("revision", Integer),
        )
        order_lines = Table(
            f"{prefix}order_lines",
            metadata,
            Column("order_id", String(36), primary_key=True),
            Column("revision", Integer, primary_key=True),
            Column("product_code", String(32), primary_key=True),
            Column("quantity", figure(), nullable=False),
            Column("unit_price", figure(), nullable=False),
            Column("unit_cost", figure(), nullable=False),
            Column("currency", String(3), nullable=False),
        )
        products = Table(
            f"{prefix}products",
            metadata,
            Column("product_code", String(32), primary_key=True),
            Column("name", String(NAME_LENGTH), nullable=False),
            Column("specification", String(NAME_LENGTH), nullable=False),
        )
        targets = Table(
            f"{prefix}targets",
            metadata,
            Column("target_id", String(36), primary_key=True),
            Column("subject_kind", String(20), nullable=False),
            Column("employee_id", String(36)),
            Column("team", String(NAME_LENGTH)),
            Column("period", String(8), nullable=False),
        )
        target_figures = Table(
            f"{prefix}target_figures",
            metadata,
            Column("target_id", String(36), primary_key=True),
            Column("measure", String(40), primary_key=True),
            Column("value", figure()),
            Column("currency", String(3)),
        )
        expenses = Table(
            f"{prefix}expenses",
            metadata,
            Column("expense_id", String(36), primary_key=True),
            Column("employee_id", String(36), nullable=False),
            Column("incurred_on", Date, nullable=False),
            Column("amount", figure(), nullable=False),
            Column("currency", String(3), nullable=False),
            Column("status", String(12), nullable=False),
        )
        Index(f"{prefix}expenses_by_day", expenses.c.incurred_on)
        return {
            "facts": facts,
            "customers": customers,
            "employees": employees,
            "team_history": team_history,
            "people": people,
            "records": records,
            "order_lines": order_lines,
            "products": products,
            "targets": targets,
            "target_figures": target_figures,
            "expenses": expenses,
        }

    def changes(self, event: object, position: int) -> list[RowChange]:
        return HANDLERS.changes(event, position)
