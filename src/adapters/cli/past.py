"""``salesdomain as-of``: the past on demand (docs/past-on-demand.md).

``as-of record KIND ID`` is one record as it stood at a moment or a version;
``as-of pipeline|kpi|audit`` are the views rebuilt aside from the log as it stood at
a moment (the live views are not touched), read by the same code as ``pipeline``,
``kpi`` and ``audit``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import typer
from rich.markup import escape
from rich.table import Table
from salesdomain.adapters.bootstrap import System
from salesdomain.adapters.cli import common, paging, vocabulary
from salesdomain.adapters.cli.common import DatabaseUrl, ExitCode, Failure, JsonOutput
from salesdomain.adapters.cli.output import err, out, plain, print_json
from salesdomain.adapters.cli.reading import (
    BysOption,
    CurrencyOption,
    GrainOption,
    Since,
    StaleOnly,
    Until,
    dimensions,
    kpi_rows,
    pipeline_rows,
    show_kpi,
    show_pipeline,
)
from salesdomain.adapters.cli.records import (
    ActorFilter,
    AuditFilters,
    CaseFilter,
    Limit,
    RecordFilter,
    SinceFilter,
    StepFilter,
    UntilFilter,
    actor_filter,
    audit_entries,
    audit_table,
)
from salesdomain.projections.as_of import views_as_of
from salesdomain.projections.pipeline import DEFAULT_LIMIT

from salesdomain.past import moment
from salesdomain.records import record_as_of, record_kind, record_state

as_of_app = typer.Typer(
    help="The past on demand: a record, or the views, as they stood at a moment.",
    no_args_is_help=True,
)

At = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="The moment, required: YYYY-MM-DD[THH:MM[:SS]][+HH:MM] (UTC unless it says).",
        show_default=False,
    ),
]


def _at(text: str | None, old: str | None) -> datetime:
    at = common.when(vocabulary.required(text, old, "--as-of", "--at"), "--as-of")
    assert at is not None
    return at


@as_of_app.command()
def record(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="Kind of record: customer, opportunity, order...")],
    record_id: Annotated[UUID, typer.Argument(help="The record's id.")],
    at: vocabulary.AsOfMoment = None,
    old_at: vocabulary.OldAt = None,
    version: Annotated[
        int | None, typer.Option("--version", min=1, help="As it stood after its Nth event.")
    ] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """One record exactly as it stood at a moment (--as-of) or a version (--version)."""
    with common.reported(as_json):
        at = vocabulary.given(at, old_at, "--as-of", "--at")
        if (at is None) == (version is None):
            raise Failure(ExitCode.USAGE, "as-of record: give either --as-of or --version")
        moment_asked = common.when(at, "--as-of")
        try:
            chosen = record_kind(kind)
        except ValueError as error:
            raise Failure(ExitCode.USAGE, str(error)) from None
        with common.open_system(ctx, database_url) as system:
            state = record_state(
                record_as_of(system.app, chosen, record_id, at=moment_asked, version=version)
            )
    if as_json:
        print_json(state)
        return
    when_text = f"as of {moment(moment_asked)}" if moment_asked else f"at version {version}"
    out().print(
        f"{state['kind']} {record_id} {when_text}: version {state['version']}, "
        f"last changed {moment(state['modified_on'])}",
        soft_wrap=True,
    )
    table = Table()
    table.add_column("Fact")
    table.add_column("Value")
    for name, value in state.items():
        if name not in ("kind", "id", "version", "modified_on"):
            table.add_row(name, shown(value))
    out().print(table)


def shown(value: Any) -> str:
    """A fact for a person: plain values as they are, nested ones as compact JSON."""
    data = plain(value)
    if data is None:
        return ""
    if isinstance(data, str | int | float | bool):
        return str(data)
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


@contextmanager
def past(system: System, at: datetime, view: str, *more: str) -> Iterator[tuple[System, int]]:
    """The system with its ``view`` (and ``more``) as it stood at ``at`` (rebuilt aside
    from its newest checkpoint before, then dropped), and the last log position it
    includes."""
    views = views_as_of(system.views, at, only=[view, *more])
    try:
        for name, stopped in views.stopped.items():
            err().print(
                f"[yellow]warning:[/yellow] view {name} stopped: {escape(str(stopped))}",
                markup=True,
            )
        yield System(system.app, views, system.store), views.position
    finally:
        views.close()


@contextmanager
def _views_at(
    ctx: typer.Context,
    database_url: str | None,
    as_json: bool,
    at: tuple[str | None, str | None],
    view: str,
) -> Iterator[tuple[System, datetime, int]]:
    """For a command that reads the views as they stood at ``--as-of`` (``at``: it and
    its old spelling ``--at``): the system with
    them (see ``past``), the moment asked and the last log position they include;
    failures are reported as every command reports them."""
    with common.reported(as_json), common.open_system(ctx, database_url) as system:
        moment_asked = _at(*at)
        with past(system, moment_asked, view) as (then, position):
            yield then, moment_asked, position


@as_of_app.command("pipeline")
def pipeline_as_of(
    ctx: typer.Context,
    at: At = None,
    old_at: vocabulary.OldAt = None,
    limit: paging.Limit = DEFAULT_LIMIT,
    cursor: paging.Cursor = None,
    every: paging.Every = False,
    stale: StaleOnly = False,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """The pipeline and its funnel as they stood at a moment, a page at a time, each
    deal marked STALE if it was stale then (``--stale``: only those)."""
    with _views_at(ctx, database_url, as_json, (at, old_at), "pipeline") as (
        then,
        moment_asked,
        position,
    ):
        page, summary = pipeline_rows(then, moment_asked, limit, cursor, every=every, stale=stale)
    if as_json:
        print_json(
            {
                "as_of": moment_asked,
                "position": position,
                "opportunities": page.rows,
                "next_cursor": page.next_cursor,
                "summary": summary,
            }
        )
        return
    show_pipeline(
        f"Pipeline as of {moment(moment_asked)} (log position {position:,})", page, summary
    )


@as_of_app.command("kpi")
def kpi_as_of(
    ctx: typer.Context,
    at: At = None,
    old_at: vocabulary.OldAt = None,
    grain: GrainOption = "quarter",
    by: BysOption = ["rep"],  # noqa: B006 (typer reads the default, never changes it)
    since: Since = None,
    until: Until = None,
    currency: CurrencyOption = None,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """The KPI tables as they stood at a moment (facts recorded by then)."""
    with _views_at(ctx, database_url, as_json, (at, old_at), "kpi") as (
        then,
        moment_asked,
        position,
    ):
        first, then_by = dimensions(by)
        found = kpi_rows(then, grain, first, since, until, currency, then_by)
    if as_json:
        print_json({"as_of": moment_asked, "position": position, **found})
        return
    show_kpi(found, f"KPIs by {' and '.join(by)}, per {grain}, as of {moment(moment_asked)}")


@as_of_app.command("audit")
def audit_as_of(
    ctx: typer.Context,
    at: At = None,
    old_at: vocabulary.OldAt = None,
    record: RecordFilter = None,
    actor: ActorFilter = None,
    step: StepFilter = None,
    case: CaseFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    limit: Limit = 1000,
    database_url: DatabaseUrl = None,
    as_json: JsonOutput = False,
) -> None:
    """The audit trail as it stood at a moment (--actor is looked up among today's
    staff)."""
    wanted = AuditFilters(record, actor, step, case, since, until, limit)
    with common.reported(as_json), common.open_system(ctx, database_url) as system:
        moment_asked = _at(at, old_at)
        actor_id = actor_filter(system, wanted)
        with past(system, moment_asked, "audit") as (then, position):
            entries = audit_entries(then, wanted, actor_id)
    if as_json:
        print_json({"as_of": moment_asked, "position": position, "entries": entries})
        return
    title = (
        f"Audit trail as of {moment(moment_asked)} (log position {position:,}): "
        f"{len(entries)} entries"
    )
    out().print(audit_table(entries, title))
