"""Service cases and their response deadlines: ``service_cases``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from salesdomain.projections.access import orders_read_by
from salesdomain.projections.operations.queries import _today
from salesdomain.projections.operations.statuses import CASE_CLOSED
from salesdomain.projections.rows import row_of
from sqlalchemy import Table, select
from sqlalchemy.engine import Engine

from salesdomain.access import Reader


@dataclass(frozen=True)
class ServiceCaseRow:
    case_id: str
    """The service case's id."""
    customer_id: str
    """The customer who gave the feedback."""
    customer_name: str
    """The customer's company name."""
    order_id: str | None
    """The order the feedback is about, if any."""
    kind: str | None
    """The feedback's class: problem, opinion or suggestion (2.6.1)."""
    severity: str | None
    """How severe the problem is (2.6.1)."""
    status: str
    """Where the case stands."""
    assignee_name: str | None
    """Who the case is assigned to."""
    received_at: datetime
    """When the feedback was received (2.6.1)."""
    respond_by: datetime
    """The time limit for the answer (2.6.1)."""
    responded_at: datetime | None
    """When the customer was answered."""
    within_time_limit: bool | None
    """Whether the answer came within the time limit."""
    breached: bool
    """Answered after the deadline, or still unanswered after it."""
    overdue_by: timedelta | None
    """How late the answer was, or how long past the deadline it still is."""
    late_answers: int
    """First answers given late over the case's life (a reopened case has several)."""


def service_cases(
    engine: Engine,
    tables: Mapping[str, Table],
    now: datetime,
    *,
    open_only: bool = False,
    breached_only: bool = False,
    reader: Reader | None = None,
) -> list[ServiceCaseRow]:
    """Service cases with their response deadline and first answer, earliest deadline
    first.  ``open_only``: leave out closed cases; ``breached_only``: only those whose
    time limit was missed.  ``reader``: only the cases the read policy lets them see
    (those of orders they follow; a case without an order, to those who read every
    sales record)."""
    _today(now)
    cases, responses = tables["service_cases"], tables["responses"]
    query = select(cases).order_by(cases.c.respond_by, cases.c.case_id)
    if open_only:
        query = query.where(cases.c.status != CASE_CLOSED)
    if reader is not None and reader.operations is not None:
        followed = select(tables["orders"].c.order_id).where(orders_read_by(reader, tables))
        query = query.where(cases.c.order_id.in_(followed))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        late = Counter(
            row.case_id
            for row in conn.execute(
                select(responses.c.case_id).where(responses.c.within_time_limit.is_(False))
            )
        )
    result = []
    for row in rows:
        if row.responded_at is not None:
            breached = not row.within_time_limit
            overdue_by = row.responded_at - row.respond_by if breached else None
        else:
            breached = now > row.respond_by
            overdue_by = now - row.respond_by if breached else None
        if breached_only and not breached:
            continue
        result.append(
            row_of(
                ServiceCaseRow,
                row,
                breached=breached,
                overdue_by=overdue_by,
                late_answers=late[row.case_id],
            )
        )
    return result
