"""What each event changes: the operations projection's handlers, by event class, from
its two areas (orders, after-sales)."""

from __future__ import annotations

from salesdomain.projections.changes import RowChange
from salesdomain.projections.dispatch import Handlers
from salesdomain.projections.operations import aftersales, orders

HANDLERS = Handlers[RowChange](orders.HANDLERS, aftersales.HANDLERS)
