"""Client mode (docs/cli.md): what ``run``, ``pipeline``, ``kpi``, ``audit``, ``story``,
``operations``, ``list``, ``show`` and ``views status`` ask the web API, read back into
the rows the direct mode prints; and ``whoami``.  What a token may read and do is the
server's to decide (ADR 30): the rows are those its employee may see, and a command acts
as its employee, under its role."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import suppress
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote
from uuid import UUID

import typer
from pydantic import BaseModel, TypeAdapter, ValidationError
from salesdomain.adapters.cli import common
from salesdomain.adapters.cli.client import Api, connect
from salesdomain.adapters.cli.common import ExitCode, Failure, JsonOutput
from salesdomain.adapters.cli.output import err, out, print_json, visible
from salesdomain.projections.audit import AuditEntry
from salesdomain.projections.customers import CustomerRow
from salesdomain.projections.kpi import KpiInReportingCurrency, KpiRow, MarketShare
from salesdomain.projections.paging import Page
from salesdomain.projections.pipeline import (
    MAX_LIMIT,
    FunnelLine,
    FunnelStep,
    PipelinePage,
    PipelineRow,
    PipelineSummary,
    StageOwnerValue,
    pipeline_summary,
)
from salesdomain.projections.prices import PriceComparison
from salesdomain.projections.records import RecordRow, RecordShown
from salesdomain.projections.runner import ProjectionStatus
from salesdomain.projections.story import CaseStory, StoryEntry
from salesdomain.projections.workqueue import DueItem

from salesdomain.command_record import CommandResult, RecordedEvent
from salesdomain.commands import Command
from salesdomain.currencies import InReportingCurrency
from salesdomain.sop import Role

if TYPE_CHECKING:
    from salesdomain.adapters.cli.records import AuditFilters

Answer = TypeVar("Answer")


class _Paged(BaseModel):
    next_cursor: str | None = None


class _Pipeline(_Paged):
    as_of: datetime
    rows: list[PipelineRow]


class _Summary(BaseModel):
    """What the pipeline's summary answers that the command line prints."""

    open_count: int
    win_rate: Decimal | None
    funnel: list[FunnelStep]
    value_by_stage_and_owner: list[StageOwnerValue]
    in_reporting_currency: InReportingCurrency


class _Kpi(BaseModel):
    grain: str
    by: str
    then_by: str | None = None
    since: date
    until: date
    rows: list[KpiRow]
    in_reporting_currency: list[KpiInReportingCurrency]


class _Audit(BaseModel):
    entries: list[AuditEntry]


class _Story(BaseModel):
    position: int
    case_id: UUID
    customer_id: UUID | None
    entries: list[StoryEntry]


class _Operations(_Paged):
    position: int
    as_at: datetime
    rows: list[dict[str, Any]]


class _Customers(_Paged):
    position: int
    as_at: datetime
    rows: list[CustomerRow]


class _Prices(_Paged):
    position: int
    as_at: datetime
    rows: list[PriceComparison]


class _Records(_Paged):
    position: int
    as_at: datetime
    rows: list[RecordRow]


class _Due(_Paged):
    position: int
    as_at: datetime
    rows: list[dict[str, Any]]
    """Read into ``DueItem`` by ``_due_item`` (a deadline is a day or a moment)."""


class _Status(BaseModel):
    views: list[ProjectionStatus]


class _Outcome(BaseModel):
    command_id: UUID
    command: str
    replayed: bool
    events: list[dict[str, Any]]
    positions: list[int]


class _Me(BaseModel):
    employee_id: UUID
    name: str
    role: Role
    token_id: str


def _read(api: Api, shape: type[Answer], answer: Any) -> Answer:
    """``answer`` read as ``shape`` (fields it does not name are left aside)."""
    try:
        return TypeAdapter(shape).validate_python(answer)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise Failure(
            ExitCode.STORE_UNAVAILABLE,
            f"the web API at {api.url} answered what this command line cannot read "
            f"({where}: {first['msg']}): is it the same version of salesdomain?",
            kind="api_unusable",
        ) from None


def _fields_of(model: type[BaseModel], answered: dict[str, Any]) -> dict[str, Any]:
    return {name: answered.get(name) for name in model.model_fields}


def pipeline(
    api: Api,
    at: datetime | None,
    limit: int,
    cursor: str | None,
    *,
    every: bool = False,
    stale: bool = False,
) -> tuple[PipelinePage, PipelineSummary]:
    """A page of the opportunities the token's employee may see as they stood at ``at``
    (``every``: all of them, the largest pages the API gives until the last; ``stale``:
    only the deals stale then), and the funnel of them all, as the direct mode gives
    them."""
    only = {"stale": "true"} if stale else {}
    if every:
        if at is None:
            raise Failure(ExitCode.USAGE, "--all reads every opportunity: leave --cursor out")
        pages = _every_page(api, "/views/pipeline", _Pipeline, {"as_of": at.isoformat()}, only)
        rows = [row for got in pages for row in got.rows]
        summary_asked = {"as_of": at.isoformat(), **only}
        converted = _read(
            api, _Summary, api.get("/views/pipeline/summary", **summary_asked)
        ).in_reporting_currency
        summary = replace(pipeline_summary(rows, at), in_reporting_currency=converted)
        return PipelinePage(at, rows, None), summary
    asked = {"cursor": cursor, **only} if cursor else {**only}
    if at is not None:
        asked["as_of"] = at.isoformat()
    got = _read(api, _Pipeline, api.get("/views/pipeline", limit=limit, **asked))
    moment = got.as_of.isoformat()
    figures = _read(api, _Summary, api.get("/views/pipeline/summary", as_of=moment, **only))
    open_weighted: dict[str, Decimal] = {}
    for value in figures.value_by_stage_and_owner:
        if value.stage.is_open:
            total = open_weighted.get(value.currency, Decimal(0))
            open_weighted[value.currency] = total + value.weighted_amount
    summary = PipelineSummary(
        as_of=got.as_of,
        funnel=[FunnelLine(s.stage.value, s.reached, s.stage_conversion) for s in figures.funnel],
        win_rate=figures.win_rate,
        open_count=figures.open_count,
        open_weighted=dict(sorted(open_weighted.items())),
        in_reporting_currency=figures.in_reporting_currency,
    )
    return PipelinePage(got.as_of, got.rows, got.next_cursor), summary


def kpi(
    api: Api,
    grain: str,
    by: str,
    since: date | None,
    until: date | None,
    currency: str | None,
    then_by: str | None = None,
) -> dict[str, Any]:
    """The KPI rows the token's employee may see (without ``since``/``until``: the web
    API's defaults, 1 January to today)."""
    params = {"since": since, "until": until, "currency": currency, "then_by": then_by}
    answer = _read(api, _Kpi, api.get("/views/kpi", grain=grain, by=by, **params))
    fields = ("grain", "by", "then_by", "since", "until", "rows", "in_reporting_currency")
    return {name: getattr(answer, name) for name in fields}


class _MarketShare(BaseModel):
    by: str
    since: date
    until: date
    rows: list[MarketShare]


def market_share(api: Api, by: str, since: date | None, until: date | None) -> dict[str, Any]:
    """The market share the token's employee may see (without ``since``/``until``: the
    web API's defaults, 1 January to today)."""
    params = {"by": by, "since": since, "until": until}
    answer = _read(api, _MarketShare, api.get("/views/kpi/market-share", **params))
    return {name: getattr(answer, name) for name in ("by", "since", "until", "rows")}


def audit(api: Api, wanted: AuditFilters) -> list[AuditEntry]:
    """The audit trail the token's employee may read; ``--actor`` by id only (names are
    looked up in the staff register, which the web API does not serve)."""
    try:
        actor_id = UUID(wanted.actor) if wanted.actor is not None else None
    except ValueError:
        raise Failure(
            ExitCode.USAGE,
            f"--actor: '{visible(wanted.actor or '')}' is not an employee id, which is what "
            "client mode takes (names are looked up in the database)",
        ) from None
    since, until = common.when(wanted.since, "--since"), common.when(wanted.until, "--until")
    answer = api.get(
        "/views/audit",
        aggregate_id=wanted.record,
        actor_id=actor_id,
        sop_step=wanted.step,
        correlation_id=wanted.case,
        since=since.isoformat() if since else None,
        until=until.isoformat() if until else None,
        limit=wanted.limit,
    )
    return _read(api, _Audit, answer).entries


def story(api: Api, case_id: UUID) -> CaseStory:
    """The business case's story as the token's employee may read it (a case of which
    they may read nothing is not found)."""
    told = _read(api, _Story, api.get(f"/views/story/{case_id}"))
    return CaseStory(told.case_id, told.customer_id, told.position, tuple(told.entries))


def operations(
    api: Api,
    path: str,
    row: type[Answer],
    at: datetime | None,
    page: tuple[int, str | None, bool],
    **filters: object,
) -> tuple[int, Page[Answer]]:
    """A page of the rows of ``/views/operations/{path}`` the token's employee may read,
    as at ``at`` (``None``: the cursor's moment), and the log position the view shows;
    ``page``: ``limit``, ``cursor``, and whether every page is read (the largest the
    API gives)."""
    limit, cursor, every = page
    moment = {} if at is None else {"as_at": at.isoformat()}
    where = f"/views/operations/{path}"
    if every:
        pages = list(_every_page(api, where, _Operations, moment, filters))
        rows = [_read(api, row, item) for got in pages for item in got.rows]
        return pages[-1].position, Page(pages[0].as_at, rows, None)
    asked = moment if cursor is None else {**moment, "cursor": cursor}
    got = _read(api, _Operations, api.get(where, limit=limit, **asked, **filters))
    rows = [_read(api, row, item) for item in got.rows]
    return got.position, Page(got.as_at, rows, got.next_cursor)


def customers(
    api: Api, page: tuple[int, str | None, bool], filters: Mapping[str, str | None]
) -> tuple[int, Page[CustomerRow]]:
    """A page of the customers the token's employee may read (``page``: ``limit``,
    ``cursor`` and whether every page is read), and the log position the view shows."""
    return _view_page(api, "/views/customers", _Customers, page, filters)


def prices(
    api: Api, page: tuple[int, str | None, bool], filters: Mapping[str, str | None]
) -> tuple[int, Page[PriceComparison]]:
    """A page of the competitor prices against ours the token's employee may read
    (``page`` as for ``customers``), and the log position the view shows."""
    return _view_page(api, "/views/prices", _Prices, page, filters)


def due(
    api: Api, page: tuple[int, str | None, bool], asked: Mapping[str, object]
) -> tuple[int, Page[DueItem]]:
    """A page of the token's employee's work queue (``asked``: ``team``, ``overdue``,
    ``as_of``), and the log position the conformance view shows."""
    moment = asked.get("as_of")
    filters = {
        "team": str(bool(asked.get("team"))).lower(),
        "overdue": str(bool(asked.get("overdue"))).lower(),
        "as_of": moment.isoformat() if isinstance(moment, datetime) else None,
    }
    position, found = _view_page(api, "/views/due", _Due, page, filters)
    return position, replace(found, rows=[_due_item(api, row) for row in found.rows])


def records(
    api: Api, name: str, page: tuple[int, str | None, bool], filters: Mapping[str, str | None]
) -> tuple[int, Page[RecordRow]]:
    """A page of the list ``name`` (``customers``, ``orders``, ...) of the records the
    token's employee may read (``page`` as for ``customers``), and the log position the
    list's view shows."""
    return _view_page(api, f"/records/{quote(name)}", _Records, page, filters)


def record(api: Api, kind: str, record_id: UUID, as_of: datetime | None) -> RecordShown:
    """The record ``record_id`` of ``kind`` (a record's name: ``Order``) as it stands, or
    stood ``as_of`` a moment, with its history, if the token's employee may read it."""
    moment = None if as_of is None else as_of.isoformat()
    return _read(api, RecordShown, api.get(f"/records/{quote(kind)}/{record_id}", as_of=moment))


def _due_item(api: Api, row: dict[str, Any]) -> DueItem:
    """A row of the work queue: its ``due`` a moment if it has a time, else a day."""
    due = row.get("due")
    if isinstance(due, str):
        read = datetime.fromisoformat if "T" in due else date.fromisoformat
        with suppress(ValueError):  # else refused below, naming the field
            row = {**row, "due": read(due)}
    return _read(api, DueItem, row)


def _view_page(
    api: Api,
    path: str,
    model: type[_Customers] | type[_Prices] | type[_Due] | type[_Records],
    page: tuple[int, str | None, bool],
    filters: Mapping[str, str | None],
) -> tuple[int, Page[Any]]:
    limit, cursor, every = page
    if every:
        pages = list(_every_page(api, path, model, {}, filters))
        rows = [row for got in pages for row in got.rows]
        return pages[-1].position, Page(pages[0].as_at, rows, None)
    asked = {} if cursor is None else {"cursor": cursor}
    got = _read(api, model, api.get(path, limit=limit, **asked, **filters))
    return got.position, Page(got.as_at, list(got.rows), got.next_cursor)


Paged = TypeVar("Paged", bound=_Paged)


def _every_page(
    api: Api,
    path: str,
    shape: type[Paged],
    moment: Mapping[str, object],
    filters: Mapping[str, object] | None = None,
) -> Iterator[Paged]:
    """Every page of ``path`` from the first (as at ``moment``) to the last, the largest
    the API gives, each asked with ``filters`` (a cursor is bound to them)."""
    asked = {**(filters or {}), **moment}
    while True:
        got = _read(api, shape, api.get(path, limit=MAX_LIMIT, **asked))
        yield got
        if got.next_cursor is None:
            return
        asked = {**(filters or {}), "cursor": got.next_cursor}


def views_status(api: Api) -> list[ProjectionStatus]:
    """Position, lag and last error of every view of the server."""
    return _read(api, _Status, api.get("/views/status")).views


def token_acts(chosen: Mapping[str, object]) -> None:
    """Refuse the options that choose who acts (``chosen``, by name): the token does."""
    given = [option for option, value in chosen.items() if value is not None]
    if given:
        raise Failure(
            ExitCode.USAGE,
            f"{'/'.join(given)}: in client mode the token's employee acts, under its role, "
            "and the record decides the case (`salesdomain whoami`)",
        )


def send(api: Api, command: Command, data: dict[str, Any]) -> tuple[CommandResult, dict[int, str]]:
    """``command`` sent as ``data`` with its command id (so that sending it again records
    it once); what it recorded, and what happened at each position (from the audit
    trail)."""
    name, command_id = type(command).__name__, str(command.command_id)
    unsure = (
        f'; it may have been recorded: send it again with "command_id": "{command_id}" '
        "in its data, and it is recorded once"
    )
    body = {**data, "command_id": command_id}
    sent = _read(api, _Outcome, api.post(f"/commands/{name}", body, unsure=unsure))
    result = CommandResult(
        sent.command_id,
        sent.command,
        tuple(RecordedEvent.model_validate(_fields_of(RecordedEvent, e)) for e in sent.events),
        tuple(sent.positions),
        replayed=sent.replayed,
    )
    return result, _described(api, result)


def _described(api: Api, result: CommandResult) -> dict[int, str]:
    """What happened at each of ``result``'s positions, as the audit trail says."""
    described: dict[int, str] = {}
    for record in dict.fromkeys(event.aggregate_id for event in result.events):
        if not result.positions:
            break
        try:
            answer = api.get("/views/audit", aggregate_id=record, limit=10_000)
        except Failure as failure:  # recorded all the same: say why the lines are bare
            err().print(f"note: what happened is not shown: {failure}", soft_wrap=True)
            break
        for entry in _read(api, _Audit, answer).entries:
            if entry.position in result.positions:
                described[entry.position] = entry.description
    return described


def whoami(ctx: typer.Context, as_json: JsonOutput = False) -> None:
    """Who the API token acts as (client mode: --api URL)."""
    with common.reported(as_json):
        api = connect(ctx, None)
        if api is None:
            raise Failure(
                ExitCode.USAGE,
                "whoami asks the web API who its token acts as: give --api URL "
                "(direct mode acts as whoever --as names)",
            )
        me = _read(api, _Me, api.get("/me"))
    if as_json:
        print_json({**me.model_dump(), "api": api.url})
        return
    out().print(f"{me.name} ({me.role.label}), employee {me.employee_id}")
    out().print(f"token {me.token_id} at {api.url}")
