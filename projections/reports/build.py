"""``sales_report``: a monthly or quarterly report built from the views, as they stand or
as they stood at a past moment (``views_as_of``, ADR 40), for a reader (ADR 30)."""

from __future__ import annotations

from datetime import datetime

from salesdomain.projections.as_of import views_as_of
from salesdomain.projections.conformance.view import NAME as CONFORMANCE
from salesdomain.projections.conformance.view.past import events_until
from salesdomain.projections.read_models import ReadModels
from salesdomain.projections.reports.model import ReportKind, SalesReport
from salesdomain.projections.reports.sections import SECTIONS
from salesdomain.projections.reports.source import ReportSource, report_period_of, whose_view
from sqlalchemy import select

from salesdomain import clock
from salesdomain.access import Reader
from salesdomain.application import SalesApplication

VIEWS = ("kpi", "pipeline", "customers", "forecast", CONFORMANCE, "appraisals")
"""The views a report reads."""

TITLES = {"monthly": "Monthly sales report", "quarterly": "Quarterly sales report"}


def sales_report(
    app: SalesApplication,
    views: ReadModels,
    kind: ReportKind,
    period: str,
    *,
    as_of: datetime | None = None,
    reader: Reader | None = None,
) -> SalesReport:
    """The ``kind`` report of ``period`` ("2026-03", "2026-Q1") from ``views`` (the live
    views, read as they stand: bring them up to date first) or, given ``as_of``, from the
    views as they stood then (rebuilt aside from their newest checkpoint, ADR 40);
    ``reader``: what the read policy lets them see (``None``: everything).  A
    ``ValueError`` names ``period`` or ``as_of`` when they make no report."""
    chosen = report_period_of(kind, period)
    names = [name for name in VIEWS if name in views.runners]
    if as_of is None:
        now = clock.now()
        source = ReportSource(
            app, views, app.policy, kind, chosen, now, False, reader, app.events.get
        )
        position = min(views.runner(name).position() for name in names)
        return _report(source, position)
    if as_of.tzinfo is None:
        raise ValueError(f"as_of: {as_of.isoformat()} needs a time zone (e.g. +00:00)")
    if as_of.date() < chosen.start:
        raise ValueError(f"as_of: {as_of.isoformat()} is before {chosen.label} began")
    with views_as_of(views, as_of, only=names) as past:
        for stopped in past.stopped.values():
            raise stopped
        events_of = events_until(app.events.get, as_of)
        source = ReportSource(app, past, app.policy, kind, chosen, as_of, True, reader, events_of)
        return _report(source, past.position)


def _report(source: ReportSource, position: int) -> SalesReport:
    engine, tables = source.view("kpi")
    employees = tables["employees"].c
    with engine.connect() as conn:
        names = [
            (row.employee_id, row.name)
            for row in conn.execute(select(employees.employee_id, employees.name))
        ]
    period = source.period
    return SalesReport(
        kind=source.kind,
        period=period.label,
        period_start=period.start,
        period_end=period.end,
        title=f"{TITLES[source.kind]}: {period.label}",
        reader=whose_view(source.reader, names),
        as_of=source.at,
        in_the_past=source.in_the_past,
        position=position,
        reporting_currency=source.policy.currencies.reporting_currency,
        policy_version=source.policy.version,
        sections=tuple(build(source) for build in SECTIONS[source.kind]),
    )
