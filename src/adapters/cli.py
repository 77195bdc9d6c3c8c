"""The ``salesdomain`` command line (Typer, rich output)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console
from rich.table import Table

from adapters.bootstrap import bootstrap, build_system
from adapters.demo import CaseReport, DemoReport, PipelineSummary, run_demo
from adapters.store import BadDatabaseUrl
from salesdomain.errors import RecordNotFound
from salesdomain.sop import steps

app = typer.Typer(
    help="salesdomain: the sales SOP as executable, auditable software.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(width=None if Console().is_terminal else 150)

DEMO_FILE = "salesdomain-demo.db"

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="Where events are stored "
        "(default: $SALESDOMAIN_DATABASE_URL, else sqlite:///salesdomain.db).",
    ),
]


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="Seed of the simulated company.")] = 7,
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help=f"Store to use (default: a fresh {DEMO_FILE})."),
    ] = None,
) -> None:
    """Run a quarter of a small company through the SOP and print what happened."""
    if database_url is None:
        Path(DEMO_FILE).unlink(missing_ok=True)
        database_url = f"sqlite:///{DEMO_FILE}"
    try:
        system = build_system(database_url)
    except BadDatabaseUrl as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    try:
        report = run_demo(system, seed)
    finally:
        system.close()
    _print_demo(report, database_url)


def _print_demo(report: DemoReport, database_url: str) -> None:
    console.print(
        f"[bold]A quarter of a small company ({report.period}), seed {report.seed}[/bold]: "
        f"{report.started:%Y-%m-%d} to {report.finished:%Y-%m-%d}, simulated clock"
    )
    for case in report.cases:
        if case.featured:
            _print_case(case)
    table = Table(title="Sales cases (SOP 2.1-2.6)", title_justify="left")
    for column in ("Customer", "Opportunity", "Owner", "Outcome", "Amount", "Events"):
        table.add_column(column, justify="right" if column in ("Amount", "Events") else "left")
    for case in report.cases:
        table.add_row(
            case.customer, case.title, case.owner, case.outcome, case.amount, str(len(case.history))
        )
    console.print(table)
    team = Table(title="Team (SOP 3.1-3.4)", title_justify="left")
    for column in ("SOP", "Who", "What"):
        team.add_column(column)
    for line in report.team:
        team.add_row(line.sop_step, line.who, line.what)
    console.print(team)
    if report.refused:
        table = Table(title="Refused by the SOP (nothing was recorded)", title_justify="left")
        table.add_column("Attempt")
        table.add_column("Why")
        for what, why in report.refused:
            table.add_row(what, why)
        console.print(table)
    if report.pipeline is not None:
        _print_pipeline(report.pipeline)
    console.print(
        f"{report.events} events and {report.commands} command records stored in "
        f"{database_url} (seed {report.seed})."
    )


def _print_pipeline(pipeline: PipelineSummary) -> None:
    table = Table(
        title=f"Pipeline funnel at {pipeline.as_of:%Y-%m-%d} (read model)",
        title_justify="left",
    )
    table.add_column("Stage")
    table.add_column("Reached", justify="right")
    table.add_column("From previous", justify="right")
    for line in pipeline.funnel:
        conversion = "" if line.conversion is None else f"{line.conversion * 100:.0f}%"
        table.add_row(line.stage.replace("_", " "), str(line.reached), conversion)
    console.print(table)
    rate = "n/a" if pipeline.win_rate is None else f"{pipeline.win_rate * 100:.0f}%"
    console.print(
        f"Win rate {rate}; {pipeline.open_count} open opportunity(ies), weighted "
        f"{pipeline.open_weighted:,.2f} {pipeline.currency}."
    )


@app.command()
def history(
    aggregate_id: Annotated[UUID, typer.Argument(help="Id of a customer or opportunity.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Print the history of one record: time, SOP step, actor, what happened."""
    from adapters.demo import history_lines

    system = _system(database_url)
    try:
        lines = history_lines(system, aggregate_id)
    finally:
        system.close()
    if not lines:
        console.print(f"[red]{RecordNotFound('record', aggregate_id)}[/red]")
        raise typer.Exit(4)
    _print_case(CaseReport(str(aggregate_id), "", "", lines))


@app.command("steps")
def list_steps() -> None:
    """List the SOP step catalogue: codes, titles, roles and time limits."""
    table = Table(title="SOP steps")
    for column in ("Code", "Title", "Roles", "Time limit"):
        table.add_column(column)
    for sop_step in steps():
        roles = ", ".join(sorted(r.label for r in sop_step.roles))
        limit = sop_step.time_limit.rule if sop_step.time_limit else ""
        table.add_row(sop_step.code, sop_step.title, roles, limit)
    console.print(table)


@app.command()
def policy(
    file: Annotated[
        Path | None, typer.Option(help="A policy file to check (default: the one in use).")
    ] = None,
) -> None:
    """Print the policy data in force (or check a policy file) as JSON."""
    from pydantic import ValidationError

    from adapters.bootstrap import policy_from_environment
    from salesdomain.policy import SalesPolicy

    try:
        chosen = SalesPolicy.from_file(file) if file else policy_from_environment()
    except (ValidationError, OSError, ValueError) as error:
        console.print(f"[red]policy file is not valid: {error}[/red]")
        raise typer.Exit(2) from None
    print(chosen.model_dump_json(indent=2))


def _system(database_url: str | None):  # type: ignore[no-untyped-def]
    try:
        return bootstrap(database_url)
    except BadDatabaseUrl as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None


def _print_case(case: CaseReport) -> None:
    title = f"{case.customer}: {case.title}" if case.customer else case.title
    if case.outcome:
        title += f"  [{case.outcome}]"
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("Time (UTC)", no_wrap=True)
    table.add_column("SOP step")
    table.add_column("Actor")
    table.add_column("What happened")
    for line in case.history:
        table.add_row(
            line.at.strftime("%Y-%m-%d %H:%M"),
            f"{line.sop_step} {line.step_title}",
            line.actor,
            line.what,
        )
    console.print(table)


def main() -> None:
    app()
