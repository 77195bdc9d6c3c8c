"""``salesdomain conformance``: the reviewer's replay of the raw event log against the
SOP (ADR 15, docs/conformance.md): breaches, overrides, decisions not judged, and who
did which step, per team and per person.  As at now it reads the conformance view,
caught up first (ADR 39); as at a moment before the view's newest event, the view as it
stood then, built from its newest usable checkpoint (ADR 40).  Earlier policies the view
does not judge under are replayed from the log.

It is a report: breaches are findings, not failures, so it exits 0 unless asked to
``--fail-on-breach`` (exit 12).  The tables are in ``conformance_tables`` (the demo
prints them too)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.cli import common, vocabulary
from salesdomain.adapters.cli.common import DatabaseUrl, ExitCode, Failure, JsonOutput
from salesdomain.adapters.cli.conformance_tables import show_report
from salesdomain.adapters.cli.output import out, print_json
from salesdomain.projections.conformance import ConformanceReport, conformance_report
from salesdomain.projections.conformance.api import as_at_or_now
from salesdomain.projections.conformance.policies import PolicyBook
from salesdomain.projections.conformance.view import NAME, past, reading

from salesdomain.commands import problems_of
from salesdomain.errors import problems_reported
from salesdomain.policy import SalesPolicy


def conformance(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="The first day of the period reviewed, required (YYYY-MM-DD, UTC).",
            show_default=False,
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            help="The last day of the period reviewed, included; required.",
            show_default=False,
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Judge as at this moment: deadlines after it are not yet due (default: now).",
            show_default=False,
        ),
    ] = None,
    old_from: vocabulary.OldFrom = None,
    old_to: vocabulary.OldTo = None,
    old_as_at: vocabulary.OldAsAt = None,
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
    with common.reported(as_json):
        start = _day(vocabulary.required(since, old_from, "--since", "--from"), "--since")
        end = _day(vocabulary.required(until, old_to, "--until", "--to"), "--until")
        moment_asked = common.when(
            vocabulary.given(as_of, old_as_at, "--as-of", "--as-at"), "--as-of"
        )
        earlier = [read_policy(path) for path in earlier_policy or []]
        common.period_in_order(start, end)
        with common.open_system(ctx, database_url) as system:
            report = from_view(system, start, end, moment_asked, earlier) or conformance_report(
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


def from_view(
    system: System,
    start: date,
    end: date,
    as_at: datetime | None,
    earlier: list[SalesPolicy],
) -> ConformanceReport | None:
    """The report from the conformance view caught up first (ADR 39); for a moment
    before its newest event, from the view as it stood then, built from a checkpoint
    (``view.past``, ADR 40).  ``None`` when neither can give it (policies other than
    the view's, a view that stopped): then the log is replayed."""
    system.views.catch_up(only=[NAME])
    if NAME in system.views.stopped:
        return None
    policies = PolicyBook(system.app.policy, earlier)
    runner = system.views.runner(NAME)
    with runner.engine.connect() as conn:
        report = reading.conformance_report(
            conn,
            runner.tables(),
            policies,
            start,
            end,
            as_at_or_now(as_at),
            events_of=system.app.events.get,
            as_recorded=as_at is None,
        )
    if report is not None or as_at is None:
        return report
    with past.view_as_at(system.views, policies, as_at) as then:
        if then is None:
            return None
        conn, tables = then
        events_of = past.events_until(system.app.events.get, as_at)
        return reading.conformance_report(
            conn, tables, policies, start, end, as_at, events_of=events_of
        )


def _day(text: str, option: str) -> date:
    moment_given = common.when(text, option)
    assert moment_given is not None
    return moment_given.date()


def read_policy(path: Path) -> SalesPolicy:
    """An earlier policy file: unreadable or not JSON exits 9, not a policy exits 3."""
    try:
        return SalesPolicy.from_file(path)
    except ValidationError as error:
        problems = problems_reported(problems_of(error))
        raise Failure(
            ExitCode.INVALID_DATA,
            f"--earlier-policy: {path} is not a valid policy ({len(problems)} problem(s)):",
            problems,
            kind="invalid_command",
        ) from None
    except json.JSONDecodeError as error:
        raise Failure(
            ExitCode.BAD_FILE,
            f"--earlier-policy: {path} is not valid JSON: {error.msg} at line {error.lineno}",
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise Failure(ExitCode.BAD_FILE, f"--earlier-policy: cannot read {path}: {error}") from None
