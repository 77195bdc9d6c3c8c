"""What each event changes: the KPI projection's handlers, by event class, from its three
areas (sales, people, after-sales)."""

from __future__ import annotations

from salesdomain.projections.changes import RowChange
from salesdomain.projections.dispatch import Handlers
from salesdomain.projections.kpi import aftersales, people, sales

HANDLERS = Handlers[RowChange](sales.HANDLERS, people.HANDLERS, aftersales.HANDLERS)
