"""The dashboard's tables, each from one library read under the (narrowed) reader's
read policy: pipeline, stale deals, forecast, KPI attainment, revenue, breaches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.web.context import BreachProvider
from salesdomain.adapters.web.dashboard_model import Choice, Dashboard, Table, row
from salesdomain.projections.conformance.view import NAME as CONFORMANCE
from salesdomain.projections.forecast import forecast_table
from salesdomain.projections.kpi import kpi_table
from salesdomain.projections.kpi.groups import GroupBy
from salesdomain.projections.pipeline import PipelineFilter, pipeline_figures, pipeline_page
from salesdomain.projections.reports.sections import conformance
from salesdomain.projections.reports.source import ReportSource

from salesdomain.access import Reader

STALE_LISTED = 100
BREACHES_LISTED = 100


def pipeline(system: System, reader: Reader, choice: Choice, at: datetime, d: Dashboard) -> None:
    runner, policy = system.views.runner("pipeline"), system.app.policy
    chosen_deals = PipelineFilter(owner_id=choice.rep, team=choice.team)
    figures = pipeline_figures(
        runner.engine,
        runner.tables(),
        policy.stage_probability,
        at,
        filters=chosen_deals,
        reader=reader,
        stale_after_days=policy.stale_after_days,
    )
    cells = figures.value_by_stage_and_owner
    columns = ("Stage", "Owner", "Deals", "Amount", "Weighted amount", "Currency")
    d.add(
        Table(
            "open-pipeline",
            "Open pipeline by stage and owner",
            columns,
            [
                row(c.stage.value, c.owner_name, c.count, c.amount, c.weighted_amount, c.currency)
                for c in cells
                if c.stage.is_open
            ],
            frozenset({2, 3, 4}),
        )
    )
    d.add(
        Table(
            "closed-deals",
            "Won and lost deals by owner",
            (*columns[:4], "Currency"),
            [
                row(c.stage.value, c.owner_name, c.count, c.amount, c.currency)
                for c in cells
                if not c.stage.is_open
            ],
            frozenset({2, 3}),
        )
    )
    stale = pipeline_page(
        runner.engine,
        runner.tables(),
        policy.stage_probability,
        at,
        filters=replace(chosen_deals, stale=True),
        reader=reader,
        limit=STALE_LISTED,
        stale_after_days=policy.stale_after_days,
    )
    d.add(
        Table(
            "stale-deals",
            "Stale deals: open, past their expected close or without contact",
            (
                "Deal",
                "Customer",
                "Owner",
                "Stage",
                "Amount",
                "Currency",
                "Expected close",
                "Last contact",
            ),
            [
                row(
                    r.title,
                    r.customer_name,
                    r.owner_name,
                    r.stage.value,
                    r.amount,
                    r.currency,
                    r.expected_close,
                    r.last_contact_on,
                )
                for r in stale.rows
            ],
            frozenset({4}),
            [f"/views/story/{r.opportunity_id}" for r in stale.rows],
        )
    )


def forecast(system: System, scope: Reader, choice: Choice, at: datetime, d: Dashboard) -> None:
    runner = system.views.runner("forecast")
    table = forecast_table(
        runner.engine,
        runner.tables(),
        choice.code,
        at,
        by="rep",
        reader=scope,
        currencies=system.app.policy.currencies,
    )
    d.add(
        Table(
            "forecast",
            f"Forecast of {table.period} by category against the target",
            (
                "Representative",
                "Currency",
                "Won",
                "Commit",
                "Best case",
                "Pipeline",
                "Forecast",
                "Best-case forecast",
                "Target",
                "Forecast to target",
                "Open deals",
            ),
            [
                row(
                    f.group,
                    f.currency,
                    f.won_amount,
                    f.commit,
                    f.best_case,
                    f.pipeline,
                    f.category_forecast,
                    f.best_case_forecast,
                    f.revenue_target,
                    f.forecast_to_target,
                    f.open_deals,
                )
                for f in table.lines
            ],
            frozenset(range(2, 11)),
        )
    )


def kpis(system: System, scope: Reader, choice: Choice, d: Dashboard) -> None:
    kpi = system.views.runner("kpi")
    grain = choice.grain
    p = choice.period
    rows = kpi_table(
        kpi.engine,
        kpi.tables(),
        grain=grain,
        by="rep",
        since=p.start,
        until=p.end,
        reader=scope,
        several=d.reporting_currency,
    )
    d.add(
        Table(
            "attainment",
            f"KPI attainment by representative, {choice.code}",
            ("Representative", "Measure", "Actual", "Target", "Attainment"),
            [
                row(r.label, m, r.figures()[m], r.target[m], a)
                for r in rows
                for m, a in sorted(r.attainment.items())
            ],
            frozenset({2, 3, 4}),
        )
    )
    by: GroupBy = (
        "rep" if choice.rep else "team" if choice.team or scope.sales is not None else "total"
    )
    since = _months_before(p.start, 9 if grain == "quarter" else 11)
    trend = kpi_table(
        kpi.engine,
        kpi.tables(),
        grain=grain,
        by=by,
        since=since,
        until=p.end,
        reader=scope,
        several=d.reporting_currency,
    )
    d.add(
        Table(
            "revenue",
            f"Revenue by {grain} to {choice.code}, against the target",
            ("Period", "Group", "Currency", "Revenue", "Revenue target"),
            [row(r.period, r.label, r.currency, r.revenue, r.target.get("revenue")) for r in trend],
            frozenset({3, 4}),
        )
    )


def _months_before(day: date, months: int) -> date:
    """The first day of the month ``months`` before ``day``'s (the trend's start)."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def breaches(
    system: System,
    scope: Reader,
    choice: Choice,
    at: datetime,
    provider: BreachProvider | None,
    d: Dashboard,
) -> None:
    app = system.app
    source = ReportSource(
        app,
        system.views,
        app.policy,
        choice.kind,
        choice.period,
        at,
        False,
        scope,
        app.events.get,
    )
    section = conformance(source)
    d.add(
        Table(
            "breaches-by-rule",
            f"Conformance breaches in {choice.code} by rule",
            ("Rule", "SOP step", "What the rule says", "Breaches"),
            [row(r.rule, r.sop_step, r.text, r.breaches) for r in section.by_rule],
            frozenset({3}),
            [f"/views/breaches#{r.rule}" for r in section.by_rule],
        )
    )
    listed = []
    if provider is not None and CONFORMANCE in system.views.runners:
        listed = [
            b
            for b in provider(None)
            if scope.grant.conformance or scope.reaches(scope.sales, b["responsible_id"])
        ][:BREACHES_LISTED]
    d.add(
        Table(
            "time-limits",
            "SOP time limits missed, late or still open",
            ("Step", "Record", "Responsible", "Due", "Done", "Status"),
            [
                row(b["step"], b["case"], b["responsible"], b["due"], b["actual"], b["status"])
                for b in listed
            ],
            links=[_case_link(b) for b in listed],
        )
    )


def _case_link(breach: Mapping[str, Any]) -> str:
    """The case's story (JSON until its page exists), else the record's audit trail."""
    if breach.get("case_id"):
        return f"/views/story/{breach['case_id']}"
    return f"/views/audit?aggregate_id={breach['record_id']}"
