"""Reading: the pipeline, the KPI tables, the audit trail, one record's history, staff.

Every read brings the views up to date first (a one-shot process has no follower)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import typer
from rich.table import Table
from sqlalchemy import func, select

from adapters.bootstrap import System
from adapters.cli.actors import employee, staff
from adapters.cli.common import (
    DatabaseUrl,
    ExitCode,
    Failure,
    JsonOutput,
    err,
    open_system,
    out,
    print_json,
    reported,
    when,
)
from adapters.cli.tables import funnel_table, history_table, kpi_rows_table
from adapters.demo import history_lines, pipeline_summary
from projections.audit import query_audit
from projections.kpi import kpi_table
from projections.pipeline import pipeline_as_of
from salesdomain.errors import RecordNotFound


def caught_up(system: System) -> None:
    system.views.catch_up()
    for name, stopped in system.views.stopped.items():
        err().print(f"[yellow]warning:[/yellow] view {name} is behind: {stopped}")


def pipeline(
    ctx: typer.Context,
    as_of: Annotated[str | None, typer.Option(help="As it stood then (default: now).")] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """The pipeline (SOP 4.2.3): every opportunity's stage and amounts, and the funnel."""
    with reported(as_json), open_system(ctx, database_url) as system:
        at = when(as_of, "--as-of") or datetime.now(UTC)
        caught_up(system)
        runner = system.views.runner("pipeline")
        rows = pipeline_as_of(
            runner.engine, runner.tables(), system.app.policy.stage_probability, at
        )
        summary = pipeline_summary(system, at)
    if as_json:
        print_json({"as_of": at, "opportunities": rows, "summary": summary})
        return
    table = Table(title=f"Pipeline at {at:%Y-%m-%d %H:%M} UTC", title_justify="left")
    for column in ("Opportunity", "Customer", "Owner", "Stage", "Amount", "Weighted", "Close by"):
        table.add_column(column, justify="right" if column in ("Amount", "Weighted") else "left")
    for row in rows:
        table.add_row(
            row.title,
            row.customer_name,
            row.owner_name,
            row.stage.value.replace("_", " "),
            f"{row.amount:,.2f} {row.currency}",
            f"{row.weighted_amount:,.2f}",
            str(row.expected_close),
        )
    out().print(table)
    out().print(funnel_table(summary))


Grain = Literal["day", "month", "quarter", "year"]
GroupBy = Literal["rep", "team", "region", "industry", "product", "total"]


def kpi(
    ctx: typer.Context,
    grain: Annotated[Grain, typer.Option(help="Period length.")] = "quarter",
    by: Annotated[GroupBy, typer.Option(help="Dimension to group by.")] = "rep",
    since: Annotated[str | None, typer.Option(help="First day (default: first fact).")] = None,
    until: Annotated[str | None, typer.Option(help="Last day (default: last fact).")] = None,
    currency: Annotated[str | None, typer.Option(help="Money in this currency.")] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """KPI tables (SOP 3.3.1, 4.2.1): results, customers and process figures by period
    and dimension, with growth and attainment of targets."""
    with reported(as_json), open_system(ctx, database_url) as system:
        caught_up(system)
        runner = system.views.runner("kpi")
        tables = runner.tables()
        first, last = _fact_days(system)
        start = _day(since, "--since") or first
        end = _day(until, "--until") or last
        if start is None or end is None:
            rows: list[Any] = []
        else:
            try:
                rows = kpi_table(
                    runner.engine,
                    tables,
                    grain=grain,
                    by=by,
                    since=start,
                    until=end,
                    currency=currency,
                )
            except ValueError as error:  # several currencies and none chosen
                raise Failure(ExitCode.USAGE, f"--currency: {error}") from None
    if as_json:
        print_json({"grain": grain, "by": by, "since": start, "until": end, "rows": rows})
        return
    if not rows:
        out().print("No KPI facts recorded yet.")
        return
    out().print(kpi_rows_table(rows, f"KPIs by {by}, per {grain}"))


def _fact_days(system: System) -> tuple[date | None, date | None]:
    runner = system.views.runner("kpi")
    facts = runner.tables()["facts"]
    with runner.engine.connect() as conn:
        first, last = conn.execute(select(func.min(facts.c.day), func.max(facts.c.day))).one()
    return first, last


def _day(text: str | None, option: str) -> date | None:
    moment = when(text, option)
    return moment.date() if moment else None


def audit(
    ctx: typer.Context,
    record: Annotated[UUID | None, typer.Option(help="One record's entries.")] = None,
    actor: Annotated[str | None, typer.Option(help="Employee id or name.")] = None,
    step: Annotated[
        str | None, typer.Option(help="SOP step or section, e.g. 2.3.2 or 2.4.")
    ] = None,
    case: Annotated[UUID | None, typer.Option(help="Business case (correlation id).")] = None,
    since: Annotated[str | None, typer.Option(help="From this time (included).")] = None,
    until: Annotated[str | None, typer.Option(help="Before this time.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many entries.")] = 1000,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """The audit trail (SOP 4): who did which SOP step, when, on which record."""
    with reported(as_json), open_system(ctx, database_url) as system:
        start, end = when(since, "--since"), when(until, "--until")
        actor_id = employee(system, actor).id if actor else None
        caught_up(system)
        runner = system.views.runner("audit")
        entries = query_audit(
            runner.engine,
            runner.tables()["entries"],
            actor_id=actor_id,
            sop_step=step,
            aggregate_id=record,
            correlation_id=case,
            since=start,
            until=end,
            limit=limit,
        )
    if as_json:
        print_json(entries)
        return
    table = Table(title=f"Audit trail ({len(entries)} entries)", title_justify="left")
    for column in ("Pos", "Time (UTC)", "SOP step", "Actor", "Record", "What happened"):
        table.add_column(column, justify="right" if column == "Pos" else "left")
    for e in entries:
        table.add_row(
            str(e.position),
            f"{e.recorded_at:%Y-%m-%d %H:%M}",
            f"{e.sop_step} {e.step_title}",
            f"{e.actor_name} ({e.actor_role.replace('_', ' ')})",
            f"{e.aggregate_type} {e.aggregate_id[:8]}",
            e.description,
        )
    out().print(table)


def history(
    ctx: typer.Context,
    record_id: Annotated[UUID, typer.Argument(help="Id of any record (customer, order...).")],
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """One record's history: time, SOP step, actor, what happened."""
    with reported(as_json), open_system(ctx, database_url) as system:
        lines = history_lines(system.app, record_id)
        if not lines:
            raise RecordNotFound("record", record_id)
    if as_json:
        print_json(lines)
        return
    out().print(history_table(str(record_id), lines))


def staff_list(
    ctx: typer.Context, database_url: DatabaseUrl = None, as_json: JsonOutput = False
) -> None:
    """The employees: id, name, team, roles (who can act with --as)."""
    with reported(as_json), open_system(ctx, database_url) as system:
        members = []
        for member in staff(system):
            person = employee(system, member.employee_id)
            roles = sorted(r.value for r in person.roles)
            members.append({**member.__dict__, "roles": roles})
    if as_json:
        print_json(members)
        return
    table = Table(title="Staff", title_justify="left")
    for column in ("Employee id", "Name", "Team", "Roles", "Active"):
        table.add_column(column)
    for m in members:
        table.add_row(
            m["employee_id"],
            m["name"],
            m["team"],
            ", ".join(m["roles"]),
            "yes" if m["active"] else "left",
        )
    out().print(table)
