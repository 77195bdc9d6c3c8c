"""The manager's dashboard (issue 20, ADR 63): the library's figures, read under the
reader's read policy (narrowed by the team and representative chosen), as tables; the
charts draw the same rows.  Nothing here computes a figure: it picks and formats them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.web import dashboard_tables as tables
from salesdomain.adapters.web.context import BreachProvider
from salesdomain.adapters.web.dashboard_model import Choice, Dashboard, narrowed
from salesdomain.projections.access import staff_directory
from salesdomain.projections.kpi import representatives_with_figures

from salesdomain.access import Reader

READ_BY = {
    "open-pipeline": "pipeline",
    "closed-deals": "pipeline",
    "stale-deals": "pipeline",
    "forecast": "forecast",
    "attainment": "kpis",
    "revenue": "kpis",
    "breaches-by-rule": "breaches",
    "time-limits": "breaches",
}
"""Which read makes each table."""


def dashboard(
    system: System,
    reader: Reader,
    choice: Choice,
    at: datetime,
    breaches: BreachProvider | None,
    only: str | None = None,
) -> Dashboard:
    """Every table of the dashboard for ``reader`` and ``choice``, as the views stand
    (``only``: the reads of that table alone, for its CSV)."""
    policy = system.app.policy
    kpi = system.views.runner("kpi")
    staff = staff_directory(kpi.engine, kpi.tables())
    scope = narrowed(reader, staff, choice)
    currency = policy.currencies.reporting_currency
    found = Dashboard(
        choice,
        at,
        currency,
        teams=sorted(
            {m.team for m in staff if m.team and reader.reaches(reader.sales, m.employee_id)}
        ),
        reps=representatives(system, reader, choice) if only is None else [],
    )
    steps: dict[str, Callable[[], None]] = {
        "pipeline": lambda: tables.pipeline(system, reader, choice, at, found),
        "forecast": lambda: tables.forecast(system, scope, choice, at, found),
        "kpis": lambda: tables.kpis(system, scope, choice, found),
        "breaches": lambda: tables.breaches(system, scope, choice, at, breaches, found),
    }
    for step, read in steps.items():
        if only is None or READ_BY.get(only) == step:
            read()
    return found


def representatives(system: System, reader: Reader, choice: Choice) -> list[tuple[str, str]]:
    """The representatives to choose from: those with figures this year the reader may
    read (the page's filter; a CSV needs none)."""
    kpi = system.views.runner("kpi")
    return representatives_with_figures(
        kpi.engine,
        kpi.tables(),
        since=choice.period.start.replace(month=1, day=1),
        until=choice.period.end,
        reader=reader,
    )
