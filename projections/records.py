"""Records found and shown: the lists of customers, opportunities, contracts, orders,
service cases, employees, candidates and appraisals, searched and filtered alike and
paged by a cursor, and one record shown with its history (issue 19, ADR 59; issue 20,
ADR 66).

    found = records_page(engine, tables, "orders", now, filters=RecordFilter(search="acme"))
    found.rows[0].id, found.next_cursor          # the full id; give the cursor back
    shown = show_record(app, audit_engine, audit_tables, "order", order_id, reader=reader)

Each list reads the view that holds its records (``RecordList.view``: give
``records_page`` that view's tables; contracts, candidates and employees are in the
``registers`` view).  Every list answers the same ``RecordRow`` (id, name, number,
owner, status, customer, time, value, day), so a table or a screen lists any kind the
same way.  Rows are ordered by ``Sort`` and paged by keyset: the cursor holds the last
row's sort key and id (``paging.Kind``), so a page starts exactly after the previous
one however many rows came in between, and a cursor is refused for another list, other
filters or another order.  Each view indexes what its lists sort and filter by.

The read policy (``salesdomain.access``, ADR 30) is applied in the query: a sales
representative lists their own customers, deals, contracts and orders; a department
reads the orders it holds a task on; people records by the ``people`` reach
(candidates, who belong to nobody, by who reaches everyone's), an appraisal's score
only where the ``appraisals`` reach covers its employee.  ``show_record`` reads a
record only if the audit view's ``records`` table (its area and its owner, as the
latest event that named one left it) lets the reader see it, else it is not found;
the state of a record whose figures are confidential (pay, appraisals) is withheld
from a reader who may not see them, and its history lines are those the audit trail
shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from salesdomain.projections.access import orders_read_by
from salesdomain.projections.appraisals.projection import STAGES as APPRAISAL_STAGES
from salesdomain.projections.audit import query_audit
from salesdomain.projections.customers.queries import CustomerStatus, customer_status
from salesdomain.projections.history import HistoryLine
from salesdomain.projections.operations import statuses
from salesdomain.projections.paging import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    InvalidCursor,
    Kind,
    Page,
    page_from,
    resume,
    sortable,
)
from salesdomain.projections.runner.generations import EventLog
from sqlalchemy import ColumnElement, Table, and_, case, false, func, literal, or_, select, true
from sqlalchemy.engine import Engine

from salesdomain.access import Area, Confidential, Reader, hidden_line
from salesdomain.bounds import NAME_LENGTH, single_line
from salesdomain.contracts.contract import ContractStatus
from salesdomain.errors import RecordNotFound
from salesdomain.opportunities.stages import Stage
from salesdomain.past import aggregate_as_of
from salesdomain.people.candidate import CandidateStatus
from salesdomain.records import record_kind, record_kinds, record_state
from salesdomain.sop import Role


class UnknownKind(LookupError):
    """A kind of record no list or record is called."""

    def __init__(self, kind: str, known: list[str], what: str = "kind of record") -> None:
        self.kind = kind
        self.known = known
        super().__init__(f"no {what} is called {kind[:40]!r}; known: {', '.join(known)}")


class Sort(Enum):
    """The order of a list: newest or oldest first (by the time the list names), or by
    name (case folded); ties by id."""

    NEWEST = "newest"
    OLDEST = "oldest"
    NAME = "name"


@dataclass(frozen=True)
class RecordFilter:
    """Which records (each ``None``: any).  ``search``: a part of the name or number
    (any case), or the start of the id; ``since`` <= the list's time < ``until``;
    ``role``: people holding or hired for a role."""

    search: str | None = None
    owner_id: str | None = None
    status: str | None = None
    customer_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    role: str | None = None
    """A role (``Role``): employees who hold it, candidates for a position that carries it."""

    def described(self) -> dict[str, str | None]:
        """The filters as texts (what a cursor is bound to)."""
        return {
            f.name: None if (value := getattr(self, f.name)) is None else str(value)
            for f in fields(self)
        }


@dataclass(frozen=True)
class RecordRow:
    """One record in a list: the same facts for every kind (``None``: the kind has none)."""

    kind: str
    """The list it is in (``customers``, ``orders``, ...)."""
    id: str
    """The record's full id (what ``show`` and every command take)."""
    name: str
    """The company name, the deal's title, the customer of a contract, order or case,
    the employee's name (also of an appraisal), the position a candidate applied for
    (a candidate's own name is personal data no view keeps)."""
    number: str | None
    """The customer's registration number; an appraisal's period ("2026-Q1")."""
    owner_id: str | None
    """The id of the employee who owns the record (its representative; the employee an
    appraisal is about)."""
    owner_name: str | None
    """The owner's name."""
    status: str | None
    """Where it stands: the customer's status, the deal's stage, the contract's revision
    (in review ... signed), the order's or case's status, whether the employee is
    active, the candidate's stage, the appraisal's stage."""
    customer_id: str | None
    """The id of the customer the record is for."""
    customer_name: str | None
    """The customer's company name."""
    at: datetime | None
    """When it was recorded: registered, opened, drafted, entered, received, applied."""
    value: Decimal | None = None
    """What it is worth: a contract's amount (in ``currency``); an appraisal's final
    score (confidential: ``None`` where ``withheld``)."""
    currency: str | None = None
    """The currency of ``value`` (for a contract)."""
    day: date | None = None
    """The day it took effect: a contract's signing day (``None`` until signed); the
    last day of an appraisal's period."""
    withheld: str | None = None
    """Why ``value`` is not shown to this reader (confidential figures)."""


Readable = Callable[[Reader, Mapping[str, Table]], ColumnElement[bool]]


def _owned(column: str, table: str, area: Area) -> Readable:
    def readable(reader: Reader, tables: Mapping[str, Table]) -> ColumnElement[bool]:
        people = reader.sales if area is Area.SALES else reader.people
        if people is None:
            return true()
        return tables[table].c[column].in_(sorted(people)) if people else false()

    return readable


def _orders(reader: Reader, tables: Mapping[str, Table]) -> ColumnElement[bool]:
    """Orders they own (or their team's, by the sales reach) and those they follow in
    execution (the operations reach)."""
    return or_(
        _owned("owner_id", "orders", Area.SALES)(reader, tables), orders_read_by(reader, tables)
    )


def _cases(reader: Reader, tables: Mapping[str, Table]) -> ColumnElement[bool]:
    """Cases of the orders they read; a case without an order, to those who read every
    sales record."""
    if reader.sales is None:
        return true()
    followed = select(tables["orders"].c.order_id).where(_orders(reader, tables))
    return tables["service_cases"].c.order_id.in_(followed)


Columns = Callable[[Mapping[str, Table]], ColumnElement[Any]]


@dataclass(frozen=True)
class RecordList:
    """A list of one kind of record, read from a view's table: which columns give a
    ``RecordRow``'s facts (``None``: the kind has none) and who may read which rows."""

    name: str
    record: str
    """The kind of record (``salesdomain.records.record_kind``)."""
    view: str
    table: str
    id: str
    title: str | Columns
    """The column of its name, or how it is read (a candidate's: their requisition's
    position)."""
    number: str | None
    owner_id: str | None
    owner_name: str | None
    status: Columns | None
    statuses: tuple[str, ...]
    customer_id: str | None
    customer_name: str | None
    at: str | None
    readable: Readable
    value: str | None = None
    currency: str | None = None
    day: str | None = None
    figures: Confidential | None = None
    """The confidential figures ``value`` holds, shown only to who may see them."""
    roles: str | None = None
    """The column matched against the registers view's ``roles`` (the ``role`` filter)."""
    name_key: str | None = None
    """A column holding the name case-folded (indexed), the name order's key."""

    def column(self, tables: Mapping[str, Table], name: str | None) -> ColumnElement[Any]:
        return literal(None) if name is None else tables[self.table].c[name]

    def title_of(self, tables: Mapping[str, Table]) -> ColumnElement[Any]:
        if isinstance(self.title, str):
            return tables[self.table].c[self.title]
        return self.title(tables)


def _column(table: str, name: str) -> Columns:
    return lambda tables: tables[table].c[name]


def _active(tables: Mapping[str, Table]) -> ColumnElement[Any]:
    return case((tables["employees"].c.active, "active"), else_="left")


def _customer_status(tables: Mapping[str, Table]) -> ColumnElement[Any]:
    customers = tables["customers"]
    return customer_status(customers, customers.alias("merged"))


def _position_applied_for(tables: Mapping[str, Table]) -> ColumnElement[Any]:
    requisitions, candidates = tables["requisitions"], tables["candidates"]
    chosen = requisitions.c.requisition_id == candidates.c.requisition_id
    return select(requisitions.c.position).where(chosen).scalar_subquery()


def _nobodys(area: Area) -> Readable:
    """Records that belong to nobody (candidates): read by who reaches everyone's."""

    def readable(reader: Reader, tables: Mapping[str, Table]) -> ColumnElement[bool]:
        return (
            true() if (reader.sales if area is Area.SALES else reader.people) is None else false()
        )

    return readable


LISTS: dict[str, RecordList] = {
    listed.name: listed
    for listed in (
        RecordList(
            "customers", "Customer", "customers", "customers", "customer_id", "company_name",
            "registration_number", "owner_id", "owner_name", _customer_status,
            tuple(s.value for s in CustomerStatus), None, None, "registered_at",
            _owned("owner_id", "customers", Area.SALES), name_key="search_name",
        ),
        RecordList(
            "opportunities", "Opportunity", "pipeline", "opportunities", "opportunity_id",
            "title", None, "owner_id", "owner_name", _column("opportunities", "stage"),
            tuple(s.value for s in Stage), "customer_id", "customer_name", "opened_at",
            _owned("owner_id", "opportunities", Area.SALES),
        ),
        RecordList(
            "contracts", "Contract", "registers", "contracts", "contract_id", "customer_name",
            None, "owner_id", None, _column("contracts", "status"),
            tuple(s.value for s in ContractStatus), "customer_id", "customer_name",
            "drafted_at", _owned("owner_id", "contracts", Area.SALES),
            value="amount", currency="currency", day="signed_on",
        ),
        RecordList(
            "orders", "Order", "operations", "orders", "order_id", "customer_name", None,
            "owner_id", None, _column("orders", "status"),
            (statuses.IN_EXECUTION, statuses.COMPLETED, statuses.CANCELLED),
            "customer_id", "customer_name", "entered_at", _orders,
        ),
        RecordList(
            "service-cases", "ServiceCase", "operations", "service_cases", "case_id",
            "customer_name", None, "assignee_id", "assignee_name",
            _column("service_cases", "status"),
            (
                statuses.CASE_RECEIVED, statuses.CASE_ANSWERED, statuses.CASE_RESOLVED,
                statuses.CASE_CLOSED, statuses.CASE_REOPENED,
            ),
            "customer_id", "customer_name", "received_at", _cases,
        ),
        RecordList(
            "employees", "Employee", "registers", "employees", "employee_id", "name", None,
            "employee_id", "name", _active, ("active", "left"), None, None, None,
            _owned("employee_id", "employees", Area.PEOPLE), roles="employee_id",
        ),
        RecordList(
            "candidates", "Candidate", "registers", "candidates", "candidate_id",
            _position_applied_for, None, None, None, _column("candidates", "status"),
            tuple(s.value for s in CandidateStatus), None, None, "applied_at",
            _nobodys(Area.PEOPLE), roles="requisition_id",
        ),
        RecordList(
            "appraisals", "Appraisal", "appraisals", "appraisals", "appraisal_id",
            "employee_name", "period", "employee_id", "employee_name",
            _column("appraisals", "stage"), APPRAISAL_STAGES, None, None, "opened_at",
            _owned("employee_id", "appraisals", Area.PEOPLE),
            value="final_score", day="period_end", figures=Confidential.APPRAISAL,
        ),
    )
}  # fmt: skip
"""Every list by name (``record_list`` also takes the record's name: "order")."""


def record_list(kind: str) -> RecordList:
    """The list called ``kind`` ("orders"), or of the records called so ("order",
    "Service case"); ``UnknownKind`` naming it otherwise."""
    found = LISTS.get(kind.strip().casefold().replace(" ", "-").replace("_", "-"))
    if found is not None:
        return found
    try:
        record = record_kind(kind).__name__
    except ValueError:
        record = None
    for listed in LISTS.values():
        if listed.record == record:
            return listed
    raise UnknownKind(kind, list(LISTS), "list of records")


def _cursors(listed: RecordList) -> Kind:
    return Kind(f"r-{listed.name}"[:13], "r1", 2)


def _sort_key(listed: RecordList, tables: Mapping[str, Table], sort: Sort) -> ColumnElement[Any]:
    if sort is Sort.NAME:
        if listed.name_key is not None:
            return tables[listed.table].c[listed.name_key]
        return func.lower(listed.title_of(tables))
    return tables[listed.table].c[listed.at]  # type: ignore[index]


def _key_value(sort: Sort, text: str) -> Any:
    if sort is Sort.NAME:
        return text
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=UTC)


def _checked(listed: RecordList, filters: RecordFilter, sort: Sort) -> None:
    """Filters and orders the list can apply, else a ``ValueError`` naming them."""
    if filters.search is not None:
        if not 1 <= len(filters.search) <= NAME_LENGTH:
            raise ValueError(f"search: 1 to {NAME_LENGTH} characters")
        try:
            single_line(filters.search)
        except ValueError as error:
            raise ValueError(f"search: {error}") from None
    if filters.status is not None and filters.status not in listed.statuses:
        raise ValueError(
            f"status: {listed.name} are {', '.join(listed.statuses)}, not {filters.status[:40]!r}"
        )
    if filters.role is not None:
        if listed.roles is None:
            raise ValueError(f"role: {listed.name} hold no roles")
        if filters.role not in _ROLES:
            raise ValueError(f"role: roles are {', '.join(_ROLES)}, not {filters.role[:40]!r}")
    if filters.customer_id is not None and listed.customer_id is None:
        raise ValueError(f"customer: {listed.name} belong to no customer")
    if listed.at is None and (
        sort is not Sort.NAME or filters.since is not None or filters.until is not None
    ):
        raise ValueError(f"{listed.name} have no time: list them by name, without a period")
    for name in ("since", "until"):
        moment = getattr(filters, name)
        if moment is not None and moment.tzinfo is None:
            raise ValueError(f"{name}: give a time zone")


_ROLES = tuple(role.value for role in Role if role is not Role.AUTOMATED_POLICY)


def _query(
    listed: RecordList,
    tables: Mapping[str, Table],
    filters: RecordFilter,
    reader: Reader | None,
    sort: Sort,
    after: tuple[str, ...],
    limit: int,
) -> Any:
    c = tables[listed.table].c
    ident = c[listed.id]
    title = listed.title_of(tables)
    status = literal(None) if listed.status is None else listed.status(tables)
    key = _sort_key(listed, tables, sort)
    query = select(
        ident.label("id"),
        title.label("name"),
        listed.column(tables, listed.number).label("number"),
        listed.column(tables, listed.owner_id).label("owner_id"),
        listed.column(tables, listed.owner_name).label("owner_name"),
        status.label("status"),
        listed.column(tables, listed.customer_id).label("customer_id"),
        listed.column(tables, listed.customer_name).label("customer_name"),
        listed.column(tables, listed.at).label("at"),
        listed.column(tables, listed.value).label("value"),
        listed.column(tables, listed.currency).label("currency"),
        listed.column(tables, listed.day).label("day"),
        key.label("sort_key"),
    )
    if reader is not None:
        query = query.where(listed.readable(reader, tables))
    if filters.search is not None:
        text = filters.search.casefold()
        found = [
            func.lower(title).contains(text, autoescape=True),
            ident.startswith(text, autoescape=True),
        ]
        if listed.number is not None:
            found.append(func.lower(c[listed.number]).contains(text, autoescape=True))
        query = query.where(or_(*found))
    if filters.owner_id is not None and listed.owner_id is not None:
        query = query.where(c[listed.owner_id] == filters.owner_id)
    if filters.status is not None:
        query = query.where(status == filters.status)
    if filters.customer_id is not None and listed.customer_id is not None:
        query = query.where(c[listed.customer_id] == filters.customer_id)
    if filters.role is not None and listed.roles is not None:
        roles = tables["roles"].c
        holders = select(roles.holder_id).where(roles.role == filters.role, roles.held)
        query = query.where(c[listed.roles].in_(holders))
    if filters.since is not None:
        query = query.where(key >= filters.since)
    if filters.until is not None:
        query = query.where(key < filters.until)
    descending = sort is Sort.NEWEST
    if after:
        value, last = _key_value(sort, after[0]), after[1]
        if descending:
            query = query.where(or_(key < value, and_(key == value, ident < last)))
        else:
            query = query.where(or_(key > value, and_(key == value, ident > last)))
    order = (key.desc(), ident.desc()) if descending else (key, ident)
    return query.order_by(*order).limit(limit)


def records_page(
    engine: Engine,
    tables: Mapping[str, Table],
    kind: str,
    at: datetime | None,
    *,
    filters: RecordFilter | None = None,
    reader: Reader | None = None,
    sort: Sort | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> Page[RecordRow]:
    """One page of the list ``kind`` (``LISTS``; ``tables``: its view's), the records
    that pass ``filters`` and the read policy (``reader``; ``None``: the administrator):
    at most ``limit`` (1 to ``MAX_LIMIT``) in the order ``sort`` (default: newest first,
    employees by name), after the row ``cursor`` points at (``None``: the first page).
    The views hold the records as they are now; ``at`` is when the first page was read,
    which a cursor keeps (``None`` with a cursor).  Raises ``UnknownKind``,
    ``ValueError`` naming a filter the list cannot apply, and ``InvalidCursor`` for a
    cursor made for another list, other filters or order, altered or not one."""
    listed = record_list(kind)
    chosen = filters or RecordFilter()
    order = sort or (Sort.NEWEST if listed.at is not None else Sort.NAME)
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit: a page holds 1 to {MAX_LIMIT} rows, not {limit}")
    _checked(listed, chosen, order)
    described = {**chosen.described(), "sort": order.value}
    cursors = _cursors(listed)
    start = resume(cursors, cursor, at, described)
    with engine.connect() as conn:
        found = conn.execute(
            _query(listed, tables, chosen, reader, order, start.after, limit + 1)
        ).all()
    return page_from(
        found,
        limit,
        cursors,
        start,
        described,
        place=lambda last: (
            last.sort_key if order is Sort.NAME else sortable(last.sort_key),
            last.id,
        ),
        row=lambda row: _row(listed, row, reader),
    )


def _row(listed: RecordList, row: Any, reader: Reader | None) -> RecordRow:
    """The list's row, its confidential figures withheld from a reader who may not see
    them (those of the employee it is about)."""
    value, withheld = row.value, None
    figures = listed.figures
    if (
        figures is not None
        and reader is not None
        and not reader.sees_figures(figures, row.owner_id)
    ):
        value, withheld = None, hidden_line(figures)
    return RecordRow(
        listed.name,
        row.id,
        row.name,
        row.number,
        row.owner_id,
        row.owner_name,
        row.status,
        row.customer_id,
        row.customer_name,
        row.at,
        None if value is None else Decimal(value),
        row.currency,
        row.day,
        withheld,
    )


# ---- one record -------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordShown:
    """One record as it stands (or stood ``as_of`` a moment), with its history."""

    kind: str
    """The kind of record (``Order``, ``ServiceCase``, ...)."""
    id: str
    owner_id: str | None
    """Whose it is for the read policy (set when it was created, moved by a takeover)."""
    as_of: datetime | None
    version: int
    state: dict[str, Any] | None
    """Every fact of its state (``salesdomain.records.record_state``); ``None``: withheld."""
    withheld: str | None
    """Why the state is not shown (confidential figures the reader may not see)."""
    history: list[HistoryLine]
    """Its lines up to the moment, oldest first, as the audit trail shows the reader."""


def _figures_in(kind: str) -> Confidential | None:
    """Which confidential figures records of ``kind`` hold in their state, if any."""
    if kind in ("Appraisal", "AppraisalRecord"):
        return Confidential.APPRAISAL
    if kind in ("Employee", "Candidate"):
        return Confidential.PAY
    return None


def show_record(
    app: Application[UUID],
    audit_engine: Engine,
    audit_tables: Mapping[str, Table],
    kind: str,
    record_id: UUID,
    *,
    reader: Reader | None = None,
    as_of: datetime | None = None,
    log: EventLog | None = None,
) -> RecordShown:
    """The record ``record_id`` of ``kind`` (a list's name or a record's: "orders",
    "order", "ServiceCase") as it stands, or as it stood ``as_of`` a moment
    (``salesdomain.past``), with its history lines up to then from the audit view
    (``audit_tables``, caught up; ``log``: for lines with personal data).  Raises
    ``UnknownKind``, and ``RecordNotFound`` for no record of that kind with that id or
    one the reader may not read (the same answer: a record's existence is not told)."""
    chosen = kind_of_record(kind)
    name = chosen.__name__
    records = audit_tables["records"]
    with audit_engine.connect() as conn:
        row = conn.execute(
            select(records.c.area, records.c.owner_id).where(
                records.c.aggregate_id == str(record_id)
            )
        ).first()
    owner = None if row is None else row.owner_id
    if reader is not None:
        people = None if row is None else (reader.sales if row.area == "sales" else reader.people)
        if row is None or not reader.reaches(people, owner):
            raise RecordNotFound(name, record_id)
    if as_of is None:
        record = _current(app, chosen, record_id)
    else:
        record = aggregate_as_of(app, chosen, record_id, as_of)
    figures = _figures_in(name)
    state: dict[str, Any] | None = record_state(record)
    withheld = None
    if figures is not None and reader is not None and not reader.sees_figures(figures, owner):
        state, withheld = None, hidden_line(figures)
    entries = query_audit(
        audit_engine,
        audit_tables["entries"],
        aggregate_id=record_id,
        limit=None,
        reader=reader,
        log=log,
    )
    if as_of is not None:
        entries = [e for e in entries if e.recorded_at <= as_of]
    history = [
        HistoryLine(
            e.recorded_at,
            e.sop_step,
            e.step_title,
            f"{e.actor_name} ({e.actor_role.replace('_', ' ')})",
            e.description,
        )
        for e in entries
    ]
    return RecordShown(name, str(record_id), owner, as_of, record.version, state, withheld, history)


def kind_of_record(kind: str) -> Any:
    """The kind of record called ``kind``, or whose list is called so ("orders");
    ``UnknownKind`` naming the lists and kinds otherwise (what ``show_record`` takes)."""
    try:
        return record_kind(kind)
    except ValueError:
        pass
    try:
        return record_kind(record_list(kind).record)
    except UnknownKind:
        known = sorted(chosen.__name__ for chosen in record_kinds().values())
        raise UnknownKind(kind, [*LISTS, *known]) from None


def _current(app: Application[UUID], kind: type[Any], record_id: UUID) -> Any:
    """The record as it stands (``RecordNotFound`` for none of ``kind``)."""
    try:
        found: object = app.repository.get(record_id)
    except AggregateNotFoundError:
        raise RecordNotFound(kind.__name__, record_id) from None
    if not isinstance(found, kind):
        raise RecordNotFound(kind.__name__, record_id)
    return found


__all__ = [
    "LISTS",
    "InvalidCursor",
    "RecordFilter",
    "RecordList",
    "RecordRow",
    "RecordShown",
    "Sort",
    "UnknownKind",
    "kind_of_record",
    "record_list",
    "records_page",
    "show_record",
]
