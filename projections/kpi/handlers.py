"""What each event changes: the KPI projection's handlers, by event class, from its three
areas (sales, people, after-sales) and the market sizes of research."""

from __future__ import annotations

from salesdomain.projections.changes import RowChange
from salesdomain.projections.dispatch import Handlers
from salesdomain.projections.kpi import aftersales, people, research, sales

HANDLERS = Handlers[RowChange](
    sales.HANDLERS, people.HANDLERS, aftersales.HANDLERS, research.HANDLERS
)
