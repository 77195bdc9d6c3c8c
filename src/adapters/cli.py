"""The ``salesdomain`` command line (Typer, rich output)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console
from rich.table import Table

from adapters.bootstrap import bootstrap
from adapters.demo import CaseReport, run_demo
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
    """Walk several prospects through SOP 2.1-2.3 and print each history."""
    if database_url is None:
        Path(DEMO_FILE).unlink(missing_ok=True)
        database_url = f"sqlite:///{DEMO_FILE}"
    system = _system(database_url)
    try:
        report = run_demo(system, seed)
    finally:
        system.close()
    for case in report.cases:
        _print_case(case)
    if report.refused:
        table = Table(title="Refused by the SOP (nothing was recorded)", title_justify="left")
        table.add_column("Attempt")
        table.add_column("Why")
        for what, why in report.refused:
            table.add_row(what, why)
        console.print(table)
    console.print(f"{report.events} events stored in {database_url} (seed {report.seed}).")


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
