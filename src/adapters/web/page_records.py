"""Lists and record pages (issue 20, ADR 63, ADR 65).

``/list`` names the lists the person's role may read; ``/list/{kind}`` is one list,
searched, filtered, sorted and paged exactly as ``GET /records/{kind}`` (the same
parameters, read policy and cursor: ``routes_records.read_list``), with a period given
as days.  ``/record/{kind}/{id}`` is one record (``show_record``): its state in words,
its history, as it stood at a moment (``as_of``), and the next SOP steps its state
allows and the person's role may take (``salesdomain.next_steps``), each a link to its
form.  Anything wrong in the address is a page in words: 404 for a kind or record
not known (or not the reader's), 422 naming the field."""

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import TypeAdapter, ValidationError
from salesdomain.adapters.web import links, pages, params
from salesdomain.adapters.web.context import ReadCtx as Ctx
from salesdomain.adapters.web.errors import InvalidQuery
from salesdomain.adapters.web.pages import NavEntry, PageSession, page
from salesdomain.adapters.web.record_display import facts, when, words
from salesdomain.adapters.web.routes_records import RecordFilters, read_list
from salesdomain.projections.paging import MAX_LENGTH, MAX_LIMIT
from salesdomain.projections.records import (
    LISTS,
    RecordList,
    RecordRow,
    Sort,
    UnknownKind,
    record_list,
    show_record,
)
from sqlalchemy.sql.elements import False_

from salesdomain.aggregate import SopAggregate
from salesdomain.errors import RecordNotFound
from salesdomain.next_steps import steps_for

router = APIRouter(include_in_schema=False)
pages.NAV.append(NavEntry("/list", "Records"))

PAGE_ROWS = 25
NOTICE_LENGTH = 200
"""The most of a ``done`` notice shown."""
FILTERS = ("search", "owner_id", "status", "customer_id", "since", "until", "sort")
KEPT = (*FILTERS, "limit")
"""What a list's links keep from page to page (the cursor is given by each)."""
ADAPTER = TypeAdapter(RecordFilters)
PROBLEMS = {
    "string_pattern_mismatch": "one line, without control characters",
    "timezone_aware": "give a day (YYYY-MM-DD) or a time with its time zone",
}
SUMMARY = ("title", "company_name", "name", "customer_name")
"""The facts that name a record, the first one it has."""


class Problem(Exception):
    """Something in the address a page cannot answer: its status, field and words."""

    def __init__(self, status: int, field: str, text: str) -> None:
        super().__init__(f"{field}: {text}")
        self.status, self.field, self.text = status, field, text


def _problem_page(request: Request, session: PageSession, problem: Problem) -> HTMLResponse:
    title = "Not found" if problem.status == 404 else "Cannot show this"
    return page(
        request, "record_problem.html", session, problem.status, title=title, problem=problem
    )


# ---- lists -------------------------------------------------------------------------


def _moment(field: str, text: str) -> str:
    """A day from a date field as the time it starts (``until``: the day after, so the
    day given is included); a time as given."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return text
    if field == "until":
        day += timedelta(days=1)
    return datetime.combine(day, datetime.min.time(), UTC).isoformat()


def _filters(query: Mapping[str, str]) -> RecordFilters:
    given = {name: query[name].strip() for name in FILTERS if query.get(name, "").strip()}
    for name in ("since", "until"):
        if name in given:
            given[name] = _moment(name, given[name])
    try:
        return ADAPTER.validate_python(given)
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "filters"
        raise Problem(422, field, PROBLEMS.get(first["type"], first["msg"])) from None


def _limit(text: str | None) -> int:
    if not text:
        return PAGE_ROWS
    if not text.isdigit() or not 1 <= int(text[:5]) <= MAX_LIMIT:
        raise Problem(422, "limit", f"a page holds 1 to {MAX_LIMIT} rows")
    return int(text)


def _list_or_404(kind: str) -> RecordList:
    try:
        return record_list(kind[:40])
    except UnknownKind as error:
        raise Problem(404, "kind", f"{error}") from None


def _readable(ctx: Ctx, session: PageSession) -> list[RecordList]:
    """The lists whose read policy may give this person rows."""
    reader = ctx.reader(session.token.employee_id, session.token.role)
    found = []
    for listed in LISTS.values():
        _, tables, _ = ctx.view(listed.view)
        if not isinstance(listed.readable(reader, tables), False_):
            found.append(listed)
    return found


@router.get("/list", response_class=HTMLResponse)
def list_index(request: Request, ctx: Ctx, session: PageSession) -> HTMLResponse:
    """The lists this person may read."""
    shown = [(links.list_href(x.name), words(x.name)) for x in _readable(ctx, session)]
    return page(request, "list_index.html", session, title="Records", lists=shown)


def _row(listed: RecordList, row: RecordRow) -> dict[str, Any]:
    customer = None
    if row.customer_id is not None:
        customer = links.record_href("customers", row.customer_id)
    return {
        "href": links.record_href(listed.name, row.id),
        "name": row.name,
        "number": row.number or "",
        "status": words(row.status or ""),
        "owner": row.owner_name or "",
        "customer": row.customer_name or "",
        "customer_href": customer,
        "at": when(row.at),
    }


def _choices(rows: list[RecordRow], chosen: str | None, me: str, key: str) -> list[tuple[str, str]]:
    """The people or customers to filter by: those on the page, and the one chosen."""
    found: dict[str, str] = {}
    if key == "owner":
        found[me] = "Me"
    for row in rows:
        ident, name = getattr(row, f"{key}_id"), getattr(row, f"{key}_name")
        if ident is not None:
            found.setdefault(ident, name or ident[:8])
    if chosen and chosen not in found:
        found[chosen] = chosen[:8]
    return sorted(found.items(), key=lambda item: item[1].casefold())


@router.get("/list/{kind}", response_class=HTMLResponse)
def list_page(request: Request, ctx: Ctx, session: PageSession, kind: str) -> HTMLResponse:
    """One list: search, filters, order and pages, each row a link to its record."""
    query = request.query_params
    try:
        listed = _list_or_404(kind)
        filters = _filters(query)
        cursor = query.get("cursor") or None
        if cursor is not None and len(cursor) > MAX_LENGTH:
            raise Problem(422, "cursor", "not a cursor of this list")
        limit = _limit(query.get("limit"))
        reader = ctx.reader(session.token.employee_id, session.token.role)
        try:
            found, _ = read_list(ctx, reader, listed, filters, limit, cursor)
        except InvalidQuery as error:
            raise Problem(422, error.field, error.problem) from None
    except Problem as problem:
        return _problem_page(request, session, problem)
    given = {name: query[name] for name in KEPT if query.get(name)}
    return page(
        request,
        "list.html",
        session,
        title=words(listed.name),
        listed=listed,
        rows=[_row(listed, row) for row in found.rows],
        given=given,
        statuses=[(s, words(s)) for s in listed.statuses],
        owners=_choices(found.rows, given.get("owner_id"), str(session.token.employee_id), "owner"),
        customers=_choices(found.rows, given.get("customer_id"), "", "customer"),
        sorts=[s.value for s in Sort] if listed.at is not None else [Sort.NAME.value],
        next_href=(
            links.list_href(listed.name, **given, cursor=found.next_cursor)
            if found.next_cursor
            else None
        ),
        first_href=links.list_href(listed.name, **given) if cursor else None,
        as_at=when(found.at),
    )


# ---- one record --------------------------------------------------------------------


def _record_id(text: str) -> UUID:
    try:
        return UUID(text[:40])
    except ValueError:
        raise Problem(422, "id", "not a record's id (a UUID, 8-4-4-4-12 hex digits)") from None


def _as_of(text: str | None) -> datetime | None:
    """A moment from the ``as_of`` field: a day (its end), a time (UTC unless it says
    its zone), between the bounds."""
    if not text:
        return None
    try:
        if len(text) > 40:
            raise ValueError(text)
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), datetime.max.time(), UTC)
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise Problem(422, "as_of", "give a day or a time (2026-03-05T14:30)") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if not params.FIRST_MOMENT <= moment <= params.LAST_MOMENT:
        raise Problem(422, "as_of", f"a time {params.BETWEEN}")
    return moment


def _after(text: str) -> int | None:
    """The log position a form just recorded (``?after=``, set by the form's answer):
    the page waits for the audit view to show it."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 18:
        raise Problem(422, "after", "a log position: a whole number")
    return int(text)


def _summary(state: Mapping[str, Any] | None, kind: str) -> str:
    for name in SUMMARY:
        if state and isinstance(state.get(name), str) and state[name]:
            return str(state[name])
    return words(kind)


@router.get("/record/{kind}/{record_id}", response_class=HTMLResponse)
def record_page(
    request: Request, ctx: Ctx, session: PageSession, kind: str, record_id: str
) -> HTMLResponse:
    """One record as it stands (or stood ``as_of``), its history and next steps."""
    query = request.query_params
    reader = ctx.reader(session.token.employee_id, session.token.role)
    try:
        try:
            engine, tables, _ = ctx.reading_after(_after(query.get("after", ""))).view("audit")
        except InvalidQuery as error:
            raise Problem(422, "after", error.problem) from None
        ident = _record_id(record_id)
        as_of = _as_of(query.get("as_of", "").strip())
        try:
            shown = show_record(
                ctx.system.app,
                engine,
                tables,
                kind[:40],
                ident,
                reader=reader,
                as_of=as_of,
                log=ctx.system.views.log,
            )
        except UnknownKind as error:
            raise Problem(404, "kind", str(error)) from None
        except RecordNotFound as error:
            raise Problem(404, "id", f"{error}, or not one you may read") from None
    except Problem as problem:
        return _problem_page(request, session, problem)
    steps = []
    if as_of is None:
        record: SopAggregate = ctx.system.app.repository.get(ident)
        steps = [
            (links.act_href(s.name, **s.prefill), words(s.name), f"{s.sop_step} {s.title}")
            for s in steps_for(record, session.token.role, session.token.employee_id)
        ]
    state = dict(shown.state or {})
    for name in ("kind", "id"):
        state.pop(name, None)
    done = query.get("done", "")[:NOTICE_LENGTH]
    return page(
        request,
        "record.html",
        session,
        title=f"{words(shown.kind)}: {_summary(shown.state, shown.kind)}",
        shown=shown,
        kind_words=words(shown.kind),
        facts=facts(state) if shown.state is not None else None,
        history=[(when(line.at), line) for line in shown.history],
        steps=steps,
        as_of=as_of,
        as_of_words=when(as_of) if as_of else "",
        as_of_value=as_of.strftime("%Y-%m-%dT%H:%M") if as_of else "",
        now_href=links.record_href(shown.kind, shown.id),
        done=done,
    )
