"""The manager's dashboard page and its tables as CSV (issue 20, ADR 63)."""

import csv
import io
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from salesdomain.adapters.web.context import Ctx
from salesdomain.adapters.web.dashboard import dashboard
from salesdomain.adapters.web.dashboard_model import Choice, Dashboard, chart_data, chosen
from salesdomain.adapters.web.pages import DASHBOARD_ROLES, PageRoute, PageSession, forbidden, page

from salesdomain import clock

router = APIRouter(include_in_schema=False, route_class=PageRoute)
Text = Annotated[str | None, Query(max_length=100)]
WHO = (
    "The dashboard is for sales supervisors, managers, directors, the general manager, "
    "sales operations and compliance reviewers."
)


@dataclass(frozen=True)
class DashboardFilters:
    """What the dashboard and each of its CSVs show: a month or quarter (default: this
    quarter), a team and a representative (each optional)."""

    period: Text = None
    team: Text = None
    rep: Text = None


Filters = Annotated[DashboardFilters, Depends()]


def _read(
    request: Request,
    ctx: Ctx,
    session: PageSession,
    filters: DashboardFilters,
    only: str | None = None,
) -> Dashboard | Response:
    if session.token.role not in DASHBOARD_ROLES:
        return forbidden(request, session, WHO)
    now = clock.now()
    team, rep = filters.team, filters.rep
    try:
        choice = chosen(filters.period, team, rep, now.date())
    except ValueError as error:
        fallback = chosen(None, team, rep, now.date())
        shown = _read_with(ctx, session, fallback)
        return _page(request, ctx, session, shown, 422, error=str(error))
    return _read_with(ctx, session, choice, only)


def _read_with(
    ctx: Ctx, session: PageSession, choice: Choice, only: str | None = None
) -> Dashboard:
    reader = ctx.reader(session.token.employee_id, session.token.role)
    return dashboard(ctx.system, reader, choice, clock.now(), ctx.open_breaches, only)


def _page(
    request: Request,
    ctx: Ctx,
    session: PageSession,
    d: Dashboard,
    status: int = 200,
    error: str = "",
) -> HTMLResponse:
    periods = _periods(d.choice)
    query = request.url.query
    stopped = [v for v in ctx.system.views.status() if v.error]
    return page(
        request,
        "dashboard.html",
        session,
        status,
        title="Sales dashboard",
        d=d,
        charts=chart_data(d),
        periods=periods,
        error=error,
        export=f"?{query}" if query else "",
        stopped=stopped,
    )


def _periods(choice: Choice) -> list[str]:
    """The quarters of this year and last, and this year's months, to choose from."""
    year = choice.period.start.year
    found = [f"{y}-Q{q}" for y in (year, year - 1) for q in (4, 3, 2, 1)]
    found += [f"{year}-{m:02d}" for m in range(12, 0, -1)]
    return found if choice.code in found else [choice.code, *found]


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(request: Request, ctx: Ctx, session: PageSession, filters: Filters) -> Response:
    """Pipeline, forecast, KPI attainment, revenue, breaches and stale deals."""
    found = _read(request, ctx, session, filters)
    return found if isinstance(found, Response) else _page(request, ctx, session, found)


@router.get("/dashboard/{table}.csv")
def dashboard_csv(
    request: Request, ctx: Ctx, session: PageSession, table: str, filters: Filters
) -> Response:
    """One of the dashboard's tables as CSV: the rows the page shows, with the figures
    as the library gives them (``334800.00``, ``1.0000``: machine-readable, unformatted)."""
    found = _read(request, ctx, session, filters, only=table)
    if isinstance(found, Response):
        return found
    chosen_table = found.tables.get(table)
    if chosen_table is None:
        return Response(
            f"No table {table[:40]!r} on the dashboard.\n", 404, media_type="text/plain"
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(chosen_table.columns)
    writer.writerows(chosen_table.rows)
    name = f"{table}-{found.choice.code}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
