"""``salesdomain demo``: the main job, with a progress bar, then what it produced.

The report is printed by the steps in ``REPORT_STEPS``, in order; another report
(the conformance findings, say) is one more function appended there."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from salesdomain.adapters.cli.analysis_tables import short_section
from salesdomain.adapters.cli.common import (
    ExitCode,
    Failure,
    err,
    open_system,
    out,
    print_json,
    reported,
)
from salesdomain.adapters.cli.conformance_tables import show_findings
from salesdomain.adapters.cli.due import work_queue_table
from salesdomain.adapters.cli.forecast import show_accuracy, show_forecast
from salesdomain.adapters.cli.tables import (
    funnel_table,
    history_table,
    kpi_rows_table,
    market_share_table,
)
from salesdomain.adapters.demo import DemoReport, run_demo
from salesdomain.adapters.demo.quarter_report import write_quarter_report
from salesdomain.adapters.demo.store_guard import (
    DemoStoreRefused,
    prepare_demo_store,
    refuse_store_with_events,
)
from salesdomain.adapters.store import DATABASE_URL_VARIABLE

DEMO_FILE = "salesdomain-demo.db"
DEMO_URL = f"sqlite:///{DEMO_FILE}"


@contextmanager
def guarded() -> Iterator[None]:
    """A store the demo refuses (ADR 57) as a conflict (exit 7), nothing deleted."""
    try:
        yield
    except DemoStoreRefused as refused:
        raise Failure(ExitCode.CONFLICT, str(refused)) from None


def print_cases(report: DemoReport, console: Console) -> None:
    for case in report.cases:
        if case.featured:
            title = f"{case.customer}: {case.title}  [{case.outcome}]"
            console.print(history_table(title, case.history))
    table = Table(title="Sales cases (SOP 2.1-2.6)", title_justify="left")
    for column in ("Customer", "Opportunity", "Owner", "Outcome", "Amount", "Events"):
        table.add_column(column, justify="right" if column in ("Amount", "Events") else "left")
    for case in report.cases:
        table.add_row(
            case.customer, case.title, case.owner, case.outcome, case.amount, str(len(case.history))
        )
    console.print(table)


def print_team(report: DemoReport, console: Console) -> None:
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


def print_scale(report: DemoReport, console: Console) -> None:
    if report.scale is not None:
        s = report.scale
        console.print(
            f"Simulated after the quarter: {s.cases:,} business cases ({s.won:,} won and "
            f"delivered), {s.events:,} events from {s.commands:,} commands."
        )


def print_pipeline(report: DemoReport, console: Console) -> None:
    if report.pipeline is not None:
        console.print(funnel_table(report.pipeline))


def print_kpi(report: DemoReport, console: Console) -> None:
    if report.kpi:
        console.print(kpi_rows_table(report.kpi, "KPIs by representative against targets"))


def print_forecast(report: DemoReport, console: Console) -> None:
    if report.forecast is not None:
        show_forecast(report.forecast, console)
    if report.forecast_accuracy is not None:
        show_accuracy(report.forecast_accuracy, console)


def print_customers(report: DemoReport, console: Console) -> None:
    found = report.customers
    if found is not None:
        lines = short_section(found.analysis, found.ranking, found.losses, found.pricing)
        for line in lines:
            console.print(line, markup=True, soft_wrap=True)


def print_results(report: DemoReport, console: Console) -> None:
    """The results by two dimensions and the market share (SOP 4.2.1)."""
    if report.results:
        console.print(kpi_rows_table(report.results, "Results by representative and product"))
    if report.market_shares:
        console.print(market_share_table(report.market_shares, "Market share of the quarter"))


def print_conformance(report: DemoReport, console: Console) -> None:
    found = report.conformance
    if found is not None:
        console.print(
            f"[bold]SOP conformance of {report.period}[/bold] (from the conformance view, as at "
            f"{found.as_at:%Y-%m-%d %H:%M} UTC; `salesdomain conformance` for steps per team "
            "and person):",
            markup=True,
        )
        show_findings(found, console)


def print_work_queue(report: DemoReport, console: Console) -> None:
    found = report.work_queue
    if found is not None:
        title = f"Work queue of {found.person} and her team (`salesdomain due --team`)"
        console.print(work_queue_table(title, found.at, found.items))


def print_digest(report: DemoReport, console: Console) -> None:
    if report.digest is not None:
        console.print(
            f"Audit digest (hash chain head, ADR 10): position {report.digest.position:,}, "
            f"link {report.digest.link}"
        )


ReportStep = Callable[[DemoReport, Console], None]
REPORT_STEPS: list[ReportStep] = [
    print_cases,
    print_team,
    print_scale,
    print_pipeline,
    print_kpi,
    print_results,
    print_customers,
    print_forecast,
    print_conformance,
    print_work_queue,
    print_digest,
]


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err(), transient=False) as bar:
        tasks: dict[str, TaskID] = {}

        def told(what: str, done: int, total: int) -> None:
            key = what.split(":")[0]
            if key not in tasks:
                tasks[key] = bar.add_task(what, total=total)
            bar.update(tasks[key], description=what, completed=done, total=total)

        yield told


def demo(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option(help="Seed of the simulated company.")] = 7,
    scale: Annotated[
        int | None,
        typer.Option(min=1, help="Then simulate business cases until about N more events."),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="Where the demo stores events (default: $SALESDOMAIN_DATABASE_URL, else "
            "sqlite:///salesdomain-demo.db); an empty store, or one an earlier demo made.",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a summary as JSON.")] = False,
) -> None:
    """Run a quarter of a small company through the SOP and print what happened, the
    funnel, KPIs and the digest.  The store: --database-url, else
    $SALESDOMAIN_DATABASE_URL, else sqlite:///salesdomain-demo.db; it must be empty, or
    a SQLite file an earlier demo made and nothing has open (then it is recreated)."""
    with reported(as_json):
        database_url = database_url or os.environ.get(DATABASE_URL_VARIABLE) or DEMO_URL
        started = time.perf_counter()
        with guarded():
            prepare_demo_store(database_url)
        with guarded(), open_system(ctx, database_url) as system:
            refuse_store_with_events(database_url, system.app.recorder.max_notification_id() or 0)
            with progress_bar(not (quiet or as_json)) as told:
                report = run_demo(system, seed, scale=scale, progress=told)
            written = write_quarter_report(system, database_url)
        seconds = time.perf_counter() - started
    if as_json:
        print_json(
            {
                "seed": seed,
                "database_url": database_url,
                "events": report.events,
                "commands": report.commands,
                "seconds": round(seconds, 1),
                "digest": report.digest,
                "scale": report.scale,
                "pipeline": report.pipeline,
                "kpi": report.kpi,
                "forecast": report.forecast,
                "forecast_accuracy": report.forecast_accuracy,
                "conformance": (
                    report.conformance.model_dump(mode="json") if report.conformance else None
                ),
                "quarter_report": written,
                "work_queue": report.work_queue,
            }
        )
        return
    console = out()
    console.print(
        f"[bold]A quarter of a small company ({report.period}), seed {report.seed}[/bold]: "
        f"{report.started:%Y-%m-%d} to {report.finished:%Y-%m-%d}, simulated clock",
        markup=True,
    )
    for print_step in REPORT_STEPS:
        print_step(report, console)
    console.print(
        f"{report.events:,} events and {report.commands:,} command records stored in "
        f"{database_url} (seed {report.seed}) in {seconds:.1f} s."
    )
    console.print(written, soft_wrap=True)
