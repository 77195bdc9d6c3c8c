"""The projection: the KPI tables and the rows each event adds to them."""

from __future__ import annotations

from salesdomain.projections.changes import RowChange
from salesdomain.projections.kpi.handlers import HANDLERS
from salesdomain.projections.kpi.rollup import define_sums
from salesdomain.projections.projection import Projection, Tables
from salesdomain.projections.types import UtcDateTime, figure
from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table, Text

from salesdomain.bounds import NAME_LENGTH


class Kpi(Projection):
    """Version 3 (issue 17, ADR 47): ``customers.merged_into``, the record a customer was
    merged into; its facts count for that record's company from then on.  Version 4
    (issue 18, ADR 50): ``market_sizes`` and ``research_notes``, what market share is
    measured against (``market``)."""

    name = "kpi"
    version = 4
    rebuild_weight = 20
    SUMS_SINCE = 2
    """The version that keeps the sums by day and by month (``rollup``, ADR 41)."""

    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        tables = Tables(metadata, prefix)
        facts = tables.add(
            "facts",
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
        tables.index("facts_by_day", facts.c.day)
        tables.index("facts_by_record", facts.c.measure, facts.c.record_id)
        tables.index("facts_by_measure", facts.c.measure, facts.c.day)
        # a customer's completed orders in order: first and second orders, a score's owner
        # (covering: the record and the rep are read from the index alone)
        tables.index(
            "facts_customer_orders",
            *(facts.c.measure, facts.c.customer_id, facts.c.day, facts.c.position),
            *(facts.c.record_id, facts.c.rep_id),
        )
        # the facts that name no representative, which the sums leave out (``rollup``)
        tables.index("facts_unnamed", facts.c.day, where=facts.c.rep_id.is_(None))
        # the bookings that replace a contract's revision, netted by day (``_amendments``)
        tables.index(
            "facts_amending", facts.c.measure, facts.c.day, where=facts.c.amends.is_not(None)
        )
        define_sums(tables)
        customers = tables.add(
            "customers",
            Column("customer_id", String(36), primary_key=True),
            Column("name", String(NAME_LENGTH), nullable=False),
            Column("region", String(NAME_LENGTH), nullable=False),
            Column("industry", String(NAME_LENGTH), nullable=False),
            Column("registered_at", UtcDateTime, nullable=False),
            Column("merged_into", String(36)),  # version 3; None: not merged
        )
        # the few records merged into another, and those merged into a company (covering:
        # SQLite reads them from the index alone, not from every customer's row)
        tables.index("customers_merged", customers.c.merged_into, customers.c.customer_id)
        tables.add(
            "employees",
            Column("employee_id", String(36), primary_key=True),
            Column("name", String(NAME_LENGTH), nullable=False),
            Column("team", String(NAME_LENGTH), nullable=False),
            Column("manager_id", String(36)),
            Column("active", Boolean, nullable=False),
            Column("left_on", Date),
        )
        tables.add(
            "team_history",
            Column("position", Integer, primary_key=True),
            Column("employee_id", String(36), nullable=False),
            Column("team", String(NAME_LENGTH), nullable=False),
            Column("effective_on", Date, nullable=False),
        )
        tables.add(
            "people",
            Column("employee_id", String(36), primary_key=True),
            Column("name", String(NAME_LENGTH)),
        )
        tables.add(
            "records",
            Column("record_id", String(36), primary_key=True),
            Column("kind", String(20), nullable=False),
            Column("customer_id", String(36)),
            Column("owner_id", String(36)),
            Column("owner_name", Text),  # an actor's name: free text
            Column("revision", Integer),
        )
        tables.add(
            "order_lines",
            Column("order_id", String(36), primary_key=True),
            Column("revision", Integer, primary_key=True),
            Column("product_code", String(32), primary_key=True),
            Column("quantity", figure(), nullable=False),
            Column("unit_price", figure(), nullable=False),
            Column("unit_cost", figure(), nullable=False),
            Column("currency", String(3), nullable=False),
        )
        tables.add(
            "products",
            Column("product_code", String(32), primary_key=True),
            Column("name", String(NAME_LENGTH), nullable=False),
            Column("specification", String(NAME_LENGTH), nullable=False),
        )
        tables.add(
            "targets",
            Column("target_id", String(36), primary_key=True),
            Column("subject_kind", String(20), nullable=False),
            Column("employee_id", String(36)),
            Column("team", String(NAME_LENGTH)),
            Column("period", String(8), nullable=False),
        )
        tables.add(
            "target_figures",
            Column("target_id", String(36), primary_key=True),
            Column("measure", String(40), primary_key=True),
            Column("value", figure()),
            Column("currency", String(3)),
        )
        expenses = tables.add(
            "expenses",
            Column("expense_id", String(36), primary_key=True),
            Column("employee_id", String(36), nullable=False),
            Column("incurred_on", Date, nullable=False),
            Column("amount", figure(), nullable=False),
            Column("currency", String(3), nullable=False),
            Column("status", String(12), nullable=False),
        )
        tables.index("expenses_by_day", expenses.c.incurred_on)
        tables.add(
            "research_notes",
            Column("note_id", String(36), primary_key=True),
            Column("subject_kind", String(20), nullable=False),
            Column("subject", String(NAME_LENGTH), nullable=False),
        )
        tables.add(
            "market_sizes",
            Column("position", Integer, primary_key=True),
            Column("note_id", String(36), nullable=False),
            Column("dimension", String(20), nullable=False),
            Column("segment", String(NAME_LENGTH), nullable=False),
            Column("period", String(8), nullable=False),
            Column("size", figure(), nullable=False),
            Column("currency", String(3), nullable=False),
            Column("recorded_at", UtcDateTime, nullable=False),
        )
        return tables.defined

    def changes(self, event: object, position: int) -> list[RowChange]:
        return HANDLERS.changes(event, position)
