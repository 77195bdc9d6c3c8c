"""Read: records found and shown (issue 19, ADR 59, 66): ``/records/{kind}`` lists
customers, opportunities, contracts, orders, service cases, employees, candidates or
appraisals, searched and filtered
alike, a page at a time by a cursor; ``/records/{kind}/{id}`` shows one record as it
stands (or stood ``as_of`` a moment) with its history.  Both answer what the reader may
read (ADR 30): a record they may not read is not found."""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict
from pydantic_core import to_jsonable_python
from salesdomain.adapters.web import params
from salesdomain.adapters.web.context import CurrentReader, ReadCtx, WebContext
from salesdomain.adapters.web.errors import InvalidQuery
from salesdomain.adapters.web.responses import ERROR_RESPONSES
from salesdomain.adapters.web.rows import row_model
from salesdomain.projections.history import HistoryLine
from salesdomain.projections.paging import InvalidCursor, Page
from salesdomain.projections.records import (
    LISTS,
    RecordFilter,
    RecordList,
    RecordRow,
    Sort,
    UnknownKind,
    record_list,
    records_page,
    show_record,
)

from salesdomain import clock
from salesdomain.access import Reader
from salesdomain.bounds import LINE_PATTERN, NAME_LENGTH

router = APIRouter(prefix="/records", tags=["records"], responses=ERROR_RESPONSES)
KINDS = ", ".join(LISTS)

Kind = Annotated[
    str,
    Path(
        min_length=1,
        max_length=40,
        description=f"The kind of record: {KINDS} (or one record's kind: customer, order...)",
    ),
]


def _unknown(error: UnknownKind) -> HTTPException:
    """A kind no list or record is called: ``404 not_found`` naming it."""
    return HTTPException(404, str(error))


def _list(kind: str) -> RecordList:
    try:
        return record_list(kind)
    except UnknownKind as error:
        raise _unknown(error) from None


def _line(description: str) -> Any:
    """A text filter: at most a name long, on one line, without control characters."""
    return Query(
        min_length=1, max_length=NAME_LENGTH, pattern=LINE_PATTERN, description=description
    )


@dataclass(frozen=True)
class RecordFilters:
    """Which records: a search text, the owner, status, customer and period (each
    optional), and the order."""

    search: Annotated[
        str | None, _line("A part of the name or number (any case), or the id's start")
    ] = None
    owner_id: UUID | None = None
    status: Annotated[str | None, _line("Where it stands (the kind's statuses)")] = None
    customer_id: UUID | None = None
    since: Annotated[AwareDatetime | None, params.moment("Recorded from (included)")] = None
    until: Annotated[AwareDatetime | None, params.moment("Recorded before")] = None
    sort: Sort | None = None
    role: Annotated[
        str | None, _line("Employees holding this role, candidates for a position with it")
    ] = None

    def chosen(self) -> RecordFilter:
        return RecordFilter(
            self.search,
            None if self.owner_id is None else str(self.owner_id),
            self.status,
            None if self.customer_id is None else str(self.customer_id),
            self.since,
            self.until,
            self.role,
        )


Filters = Annotated[RecordFilters, Depends()]


def read_list(
    ctx: WebContext,
    reader: Reader,
    listed: RecordList,
    filters: RecordFilters,
    limit: int,
    cursor: str | None,
) -> tuple[Page[RecordRow], int]:
    """One page of ``listed`` for ``reader`` and the position its view shows; a filter or
    cursor the list cannot take is ``InvalidQuery`` naming it (the API's 422, and the
    list page's)."""
    engine, tables, position = ctx.view(listed.view)
    try:
        found = records_page(
            engine,
            tables,
            listed.name,
            None if cursor else clock.now(),
            filters=filters.chosen(),
            reader=reader,
            sort=filters.sort,
            limit=limit,
            cursor=cursor,
        )
    except InvalidCursor as error:
        raise InvalidQuery("cursor", str(error)) from None
    except ValueError as error:
        field, _, problem = str(error).partition(": ")
        raise InvalidQuery(field if problem else "filters", problem or field) from None
    return found, position


Row = row_model(RecordRow)
Line = row_model(HistoryLine)


class RecordsOut(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    position: int
    """The log position the list's view shows."""
    as_at: datetime
    """When the first page was read (the records as they are now)."""
    rows: list[Row]  # type: ignore[valid-type]
    """In the order asked (default: newest first; employees by name), then ids."""
    next_cursor: str | None
    """For the next page (``cursor=``); ``null``: this is the last page."""


@router.get("/{kind}", response_model=RecordsOut)
def records(
    ctx: ReadCtx, reader: CurrentReader, kind: Kind, filters: Filters, page: params.Paging
) -> RecordsOut:
    """The records of a kind the reader may see (a sales representative: their own), with
    their full ids; a page at a time (follow ``next_cursor`` until it is ``null``)."""
    found, position = read_list(ctx, reader, _list(kind), filters, page.limit, page.cursor)
    return RecordsOut(
        position=position, as_at=found.at, rows=found.rows, next_cursor=found.next_cursor
    )


class RecordOut(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True, from_attributes=True)

    position: int
    """The log position the history shows."""
    kind: str
    """The kind of record (``Order``, ``ServiceCase``, ...)."""
    id: UUID
    """The record's full id."""
    owner_id: str | None
    """Whose record it is for the read policy."""
    as_of: datetime | None
    """The moment it is shown as it stood; ``null``: as it stands now."""
    version: int
    """How many events made it (by ``as_of``)."""
    state: dict[str, Any] | None
    """Every fact of its state; ``null``: withheld (``withheld`` says why)."""
    withheld: str | None
    """Why the state is withheld from this reader; ``null``: it is not."""
    history: list[Line]  # type: ignore[valid-type]
    """Time, SOP step, actor and what happened, oldest first."""


@router.get("/{kind}/{record_id}", response_model=RecordOut)
def record(
    ctx: ReadCtx,
    reader: CurrentReader,
    kind: Kind,
    record_id: UUID,
    as_of: params.AsOf = None,
) -> RecordOut:
    """One record as it stands, or as it stood ``as_of`` a moment, with its history
    lines; a record of another kind, or one the reader may not read, is not found."""
    engine, tables, position = ctx.view("audit")
    try:
        shown = show_record(
            ctx.system.app,
            engine,
            tables,
            kind,
            record_id,
            reader=reader,
            as_of=as_of,
            log=ctx.system.views.log,
        )
    except UnknownKind as error:
        raise _unknown(error) from None
    state = None if shown.state is None else to_jsonable_python(shown.state, fallback=str)
    return RecordOut(position=position, **{**vars(shown), "state": state})
