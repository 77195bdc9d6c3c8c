"""The dashboard's tables, each from one library read under the (narrowed) reader's
read policy: pipeline, stale deals, forecast, KPI attainment, revenue, breaches.  Each
row links to the records behind it (``links``): the lists, records and case stories of
the workspace."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.web.context import BreachProvider
from salesdomain.adapters.web.dashboard_model import Choice, Dashboard, Table
from salesdomain.adapters.web.formats import Figure, count, days, measure, money, percent
from salesdomain.adapters.web.links import list_href, record_href, review_href, story_href
from salesdomain.projections.audit import query_audit
from salesdomain.projections.conformance.view import NAME as CONFORMANCE
from salesdomain.projections.forecast import forecast_table
from salesdomain.projections.kpi import kpi_table
from salesdomain.projections.kpi.groups import GroupBy
from salesdomain.projections.pipeline import PipelineFilter, pipeline_figures, pipeline_page
from salesdomain.projections.reports.sections import conformance_by_rule
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
    open_cells = [c for c in cells if c.stage.is_open]
    d.add(
        Table.of(
            "open-pipeline",
            "Open pipeline by stage and owner",
            columns,
            [
                (
                    c.stage.value,
                    c.owner_name,
                    count(c.count),
                    money(c.amount, c.currency),
                    money(c.weighted_amount, c.currency),
                    c.currency,
                )
                for c in open_cells
            ],
            [_deals(c.stage.value, c.owner_id) for c in open_cells],
        )
    )
    closed = [c for c in cells if not c.stage.is_open]
    d.add(
        Table.of(
            "closed-deals",
            "Won and lost deals by owner",
            (*columns[:4], "Currency"),
            [
                (
                    c.stage.value,
                    c.owner_name,
                    count(c.count),
                    money(c.amount, c.currency),
                    c.currency,
                )
                for c in closed
            ],
            [_deals(c.stage.value, c.owner_id) for c in closed],
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
        Table.of(
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
                "Days in stage",
                "Days open",
            ),
            [
                (
                    r.title,
                    r.customer_name,
                    r.owner_name,
                    r.stage.value,
                    money(r.amount, r.currency),
                    r.currency,
                    r.expected_close,
                    r.last_contact_on,
                    days(r.time_in_stage.get(r.stage)),
                    days(r.age),
                )
                for r in stale.rows
            ],
            [record_href("opportunities", r.opportunity_id) for r in stale.rows],
        )
    )


def _deals(stage: str, owner_id: str | None) -> str:
    """The deals of a stage and owner (the open pipeline's and closed deals' cells)."""
    return list_href("opportunities", status=stage, owner_id=owner_id)


def _orders(owner_id: str | None, first: date, last: date) -> str:
    """The orders of an owner (``None``: everyone the reader reaches) entered from
    ``first`` to ``last`` (days, both included): what a KPI row of the period is made of."""
    since = datetime.combine(first, time(), tzinfo=UTC)
    until = datetime.combine(last + timedelta(days=1), time(), tzinfo=UTC)
    return list_href("orders", owner_id=owner_id, since=since.isoformat(), until=until.isoformat())


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
        Table.of(
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
                (
                    f.group,
                    f.currency,
                    *(
                        money(m, f.currency)
                        for m in (
                            f.won_amount,
                            f.commit,
                            f.best_case,
                            f.pipeline,
                            f.category_forecast,
                            f.best_case_forecast,
                            f.revenue_target,
                        )
                    ),
                    percent(f.forecast_to_target),
                    count(f.open_deals),
                )
                for f in table.lines
            ],
            [list_href("opportunities", owner_id=f.group_id) for f in table.lines],
        )
    )


def kpis(system: System, scope: Reader, choice: Choice, d: Dashboard) -> None:
    """KPI attainment by representative for the period, and the revenue trend over the
    months before it: one read serves both when the trend is by representative too."""
    kpi = system.views.runner("kpi")
    grain, p = choice.grain, choice.period
    by: GroupBy = (
        "rep" if choice.rep else "team" if choice.team or scope.sales is not None else "total"
    )
    since = _months_before(p.start, 9 if grain == "quarter" else 11)

    def read(by: GroupBy, since: date, customers: bool) -> Sequence[Any]:
        return kpi_table(
            kpi.engine,
            kpi.tables(),
            grain=grain,
            by=by,
            since=since,
            until=p.end,
            reader=scope,
            several=d.reporting_currency,
            customers=customers,
            growth=False,  # neither table shows it
        )

    # the attainment needs the customer counts (a new-customers target), the trend not
    trend = read(by, since, customers=by == "rep")
    rows = (
        [r for r in trend if r.period == p.label]
        if by == "rep"
        else read("rep", p.start, customers=True)
    )
    d.add(
        Table.of(
            "attainment",
            f"KPI attainment by representative, {choice.code}",
            ("Representative", "Measure", "Actual", "Target", "Attainment"),
            [
                (
                    r.label,
                    m,
                    measure(m, r.figures()[m], r.currency),
                    measure(m, r.target[m], r.target_currency.get(m, r.currency)),
                    percent(a),
                )
                for r in rows
                for m, a in sorted(r.attainment.items())
            ],
            [_orders(r.group, r.period_start, r.period_end) for r in rows for _ in r.attainment],
        )
    )
    d.add(
        Table.of(
            "revenue",
            f"Revenue by {grain} to {choice.code}, against the target",
            ("Period", "Group", "Currency", "Revenue", "Revenue target"),
            [
                (
                    r.period,
                    r.label,
                    r.currency,
                    money(r.revenue, r.currency),
                    money(r.target.get("revenue"), r.target_currency.get("revenue", r.currency)),
                )
                for r in trend
            ],
            [
                _orders(r.group if by == "rep" else None, r.period_start, r.period_end)
                for r in trend
            ],
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
    by_rule = conformance_by_rule(source)
    d.add(
        Table.of(
            "breaches-by-rule",
            f"Conformance breaches in {choice.code} by rule",
            ("Rule", "SOP step", "What the rule says", "Breaches"),
            [(r.rule, r.sop_step, r.text, count(r.breaches)) for r in by_rule],
            [_conformance(choice, scope) for _ in by_rule],
        )
    )
    listed = []
    if provider is not None and CONFORMANCE in system.views.runners:
        listed = [
            b
            for b in provider(None)
            if scope.grant.conformance or scope.reaches(scope.sales, b["responsible_id"])
        ][:BREACHES_LISTED]
    kinds = _kinds(system, [b["record_id"] for b in listed])
    d.add(
        Table.of(
            "time-limits",
            "SOP time limits missed, late or still open",
            ("Step", "Record", "Responsible", "Due", "Done", "Status"),
            [
                (
                    b["step"],
                    b["case"],
                    b["responsible"],
                    Figure(b["due"], "moment"),
                    Figure(b["actual"], "moment"),
                    b["status"],
                )
                for b in listed
            ],
            [_case(b, kinds, scope) for b in listed],
        )
    )


def _kinds(system: System, record_ids: Sequence[str]) -> dict[str, str]:
    """The kind of each record (``Order``, ``ServiceCase``...), from its first audit entry."""
    audit = system.views.runner("audit")
    table = audit.tables()["entries"]
    found = {}
    for record_id in dict.fromkeys(record_ids):
        entries = query_audit(audit.engine, table, aggregate_id=UUID(record_id), limit=1)
        if entries:
            found[record_id] = entries[0].aggregate_type
    return found


def _conformance(choice: Choice, scope: Reader) -> str | None:
    """The period's conformance report, for a reader who reviews the SOP company-wide
    (the reviewer's page); others have no page to go to from a rule."""
    if not scope.grant.conformance:
        return None
    period = choice.period
    return review_href("conformance", since=period.start, until=period.end)


def _case(breach: Mapping[str, Any], kinds: Mapping[str, str], scope: Reader) -> str | None:
    """Where a missed time limit leads: the story of its case for a reader who reviews
    the SOP company-wide, else the record's own page (a manager reads their team's)."""
    kind = kinds.get(breach["record_id"])
    if kind is None:
        return None
    if scope.grant.conformance:
        return story_href(kind, breach["record_id"])
    return record_href(kind, breach["record_id"])
