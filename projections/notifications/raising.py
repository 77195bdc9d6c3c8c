"""Working out the warnings due now from the views (SOP 4.2.4, ADR 54): the open
deadlines of the conformance view and the KPI view's figures of the month, under the
policy, for the moment given; and putting the new ones into the outbox."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from salesdomain.projections.conformance.view import NAME as CONFORMANCE
from salesdomain.projections.conformance.view.reading import open_deadlines, staff_register
from salesdomain.projections.kpi import kpi_table
from salesdomain.projections.kpi.figures import KpiRow
from salesdomain.projections.notifications import outbox
from salesdomain.projections.notifications.warnings import Notice, deadline_notices, kpi_notices
from salesdomain.projections.read_models import ReadModels
from sqlalchemy import Engine

from salesdomain.policy import SalesPolicy

KPI = "kpi"


def notices_due(views: ReadModels, policy: SalesPolicy, now: datetime) -> list[Notice]:
    """Every warning due at ``now`` from the views as they stand: the deadlines open
    and overdue or due within the notice, and the month's KPIs below their floors."""
    rules = policy.notifications
    conformance = views.runner(CONFORMANCE)
    tables = conformance.tables()
    with conformance.engine.connect() as conn:
        staff = staff_register(conn, tables)
        horizon = now + timedelta(hours=rules.deadline_notice_hours)
        deadlines = open_deadlines(conn, tables, due_by=horizon) or []
    notices = deadline_notices(deadlines, staff, rules, now)
    today = now.date()
    if rules.kpi_floors and today.day > rules.kpi_grace_days:
        kpi = views.runner(KPI)
        first = date(today.year, today.month, 1)
        rows: dict[str, list[KpiRow]] = {
            by: kpi_table(
                kpi.engine,
                kpi.tables(),
                grain="month",
                by=by,
                since=first,
                until=today,
                currency=policy.currencies.reporting_currency,
            )
            for by in sorted({floor.by for floor in rules.kpi_floors})
        }
        notices += kpi_notices(rows, staff, rules, today)
    return notices


def raise_warnings(
    views: ReadModels, store: Engine, policy: SalesPolicy, now: datetime
) -> list[UUID]:
    """Put the warnings due at ``now`` that the outbox does not hold yet into it (in
    ``store``), and withdraw the pending ones no longer due; answer the ids put in."""
    due = notices_due(views, policy, now)
    added = outbox.record(store, due, now)
    outbox.withdraw_all_but(store, (n.notification_id for n in due))
    return added
