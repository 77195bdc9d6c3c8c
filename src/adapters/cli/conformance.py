"""``salesdomain conformance``: the reviewer's replay of the raw event log against the
SOP (ADR 15, docs/conformance.md): breaches, overrides, decisions not judged, and who
did which step, per team and per person.

It is a report: breaches are findings, not failures, so it exits 0 unless asked to
``--fail-on-breach`` (exit 12).  The tables are shared with the demo's report."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from rich.text import Text

from adapters.cli.common import (
    DatabaseUrl,
    ExitCode,
    Failure,
    JsonOutput,
    open_system,
    out,
    print_json,
    reported,
    when,
)
from projections.conformance import ConformanceReport, Summary, conformance_report
from salesdomain.past import moment
from salesdomain.policy import SalesPolicy


def conformance(
    ctx: typer.Context,
    period_from: Annotated[
        str, typer.Option("--from", help="First day of the period reviewed (YYYY-MM-DD, UTC).")
    ],
    period_to: Annotated[
        str, typer.Option("--to", help="Last day of the period reviewed (included).")
    ],
    as_at: Annotated[
        str | None,
        typer.Option(
            "--as-at",
            help="Judge as at this moment: deadlines after it are not due (default: now).",
        ),
    ] = None,
    earlier_policy: Annotated[
        list[Path] | None,
        typer.Option(
            "--earlier-policy",
            help="An earlier policy file, to judge decisions recorded under its version "
            "(repeat for several).",
        ),
    ] = None,
    fail_on_breach: Annotated[
        bool, typer.Option("--fail-on-breach", help="Exit 12 if the period has any breach.")
    ] = False,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """SOP conformance of a period: every time limit, authority and segregation rule
    re-run over the event log; breaches, overrides, steps per team and person."""
    with reported(as_json):
        start, end = _day(period_from, "--from"), _day(period_to, "--to")
        moment_asked = when(as_at, "--as-at")
        earlier = [read_policy(path) for path in earlier_policy or []]
        if end < start:
            raise Failure(ExitCode.INVALID_DATA, f"--to {end} is before --from {start}")
        with open_system(ctx, database_url) as system:
            report = conformance_report(
                system.app, system.app.policy, start, end, moment_asked, earlier_policies=earlier
            )
        if as_json:
            print_json(report.model_dump(mode="json"))
        else:
            show_report(report, out())
        if fail_on_breach and report.breaches:
            raise Failure(
                ExitCode.BREACHES_FOUND,
                f"{len(report.breaches)} breach(es) of the SOP from {start} to {end}",
            )


def _day(text: str, option: str) -> date:
    moment_given = when(text, option)
    assert moment_given is not None
    return moment_given.date()


def read_policy(path: Path) -> SalesPolicy:
    """An earlier policy file: unreadable or not JSON exits 9, not a policy exits 3."""
    try:
        return SalesPolicy.from_file(path)
    except ValidationError as error:
        problems = tuple(
            f"{'.'.join(str(p) for p in e['loc']) or '(file)'}: {e['msg']}" for e in error.errors()
        )
        raise Failure(
            ExitCode.INVALID_DATA,
            f"--earlier-policy: {path} is not a valid policy ({len(problems)} problem(s)):",
            problems,
        ) from None
    except json.JSONDecodeError as error:
        raise Failure(
            ExitCode.BAD_FILE,
            f"--earlier-policy: {path} is not valid JSON: {error.msg} at line {error.lineno}",
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise Failure(ExitCode.BAD_FILE, f"--earlier-policy: cannot read {path}: {error}") from None


# ---- the report, for people (also printed by the demo) --------------------------------------


def show_report(report: ConformanceReport, console: Console) -> None:
    console.print(
        f"[bold]SOP conformance {report.period_start} to {report.period_end}[/bold], as at "
        f"{moment(report.as_at)}, policy {report.policy_version}: {report.events_reviewed:,} "
        f"events reviewed (to log position {report.last_position:,})",
        markup=True,
    )
    show_findings(report, console)
    console.print(steps_table(report))
    console.print(summary_table("Per team", report.teams, people=False))
    console.print(summary_table("Per person", report.people, people=True))


def show_findings(report: ConformanceReport, console: Console) -> None:
    """Breaches, overrides, then one warning line per decision not judged."""
    console.print(breaches_table(report))
    console.print(overrides_table(report))
    for mismatch in report.policy_mismatches:
        line = (
            f" not judged: {mismatch.rule} (SOP {mismatch.sop_step}) on record "
            f"{mismatch.record_id} at {moment(mismatch.at)}, decided under policy version "
            f"{mismatch.recorded_version}, which was not supplied "
            f"(supplied: {', '.join(mismatch.supplied_versions)}); {mismatch.detail}"
        )
        console.print(Text.assemble(("warning:", "yellow"), line), soft_wrap=True)
    versions = {m.recorded_version for m in report.policy_mismatches}
    decisions = len(report.policy_mismatches)
    line = f"{_count(len(versions), 'policy version')} not judged"
    console.print(f"{line} ({_count(decisions, 'decision')})." if decisions else f"{line}.")


def breaches_table(report: ConformanceReport) -> Table:
    still_open = len(report.still_open)
    table = Table(
        title=f"Breaches ({len(report.breaches)}, {still_open} still open)", title_justify="left"
    )
    for column in ("Day", "SOP", "Status", "Rule", "Record", "Responsible", "Due -> done"):
        table.add_column(column)
    for b in report.breaches:
        team = f", {b.responsible.team}" if b.responsible.team else ""
        table.add_row(
            str(b.occurred_on),
            b.sop_step,
            b.status.value,
            b.rule_text,
            b.record,
            f"{b.responsible.name}{team}",
            f"{_when(b.due)} -> {_when(b.actual) or 'not done'}",
        )
    return table


def overrides_table(report: ConformanceReport) -> Table:
    table = Table(title=f"Overrides, approved ({len(report.overrides)})", title_justify="left")
    for column in ("When", "SOP", "What", "Record", "Requested by", "Approved by"):
        table.add_column(column)
    for o in report.overrides:
        table.add_row(
            _when(o.at),
            o.sop_step,
            f"{o.kind}: {o.detail}" if o.detail else o.kind,
            o.record,
            o.requested_by.name,
            o.approved_by.name,
        )
    return table


def steps_table(report: ConformanceReport) -> Table:
    table = Table(title="Steps done in the period", title_justify="left")
    table.add_column("SOP step")
    table.add_column("Done", justify="right")
    for s in report.steps:
        table.add_row(f"{s.sop_step} {s.title}", f"{s.count:,}")
    return table


def summary_table(title: str, rows: tuple[Summary, ...], *, people: bool) -> Table:
    table = Table(title=title, title_justify="left")
    columns = ["Team", *(["Person"] if people else []), "Steps", "Breaches", "Still open"]
    for column in (*columns, "Overrides"):
        table.add_column(column, justify="left" if column in ("Team", "Person") else "right")
    for s in rows:
        cells: list[Any] = [s.team, *([s.name] if people else [])]
        cells += [f"{s.steps_done:,}", str(s.breaches), str(s.still_open), str(s.overrides)]
        table.add_row(*cells)
    return table


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


def _when(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    return str(value)
