"""A projection: SQL tables written only by it, and a pure function from event to rows."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from salesdomain.projections.changes import RowChange
from sqlalchemy import Column, ColumnElement, Index, MetaData, Table
from sqlalchemy.engine import Connection


class Projection(ABC):
    """Subclasses define their tables (through ``Tables``, which names them for the
    generation) and ``changes(event, position)``.

    ``changes`` must be a pure function of the event (and its log position): no
    database, no clock, no aggregate loading; everything it needs is on the event.
    A projection that reads some events registers a handler per event class
    (``salesdomain.projections.dispatch.Handlers``) and returns ``handlers.changes``.
    """

    name: ClassVar[str]
    version: ClassVar[int] = 1
    rebuild_weight: ClassVar[int] = 1
    """The view's share of the work of rebuilding all views, against the others': the
    tenths of a second it adds to a rebuild of 100,000 events (rebuilt alone, less a
    rebuild of a view with nearly no rows, ADR 75).  A rebuild in several processes
    gives each about the same weight."""

    @abstractmethod
    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        """Define this projection's tables on ``metadata``, each name starting with
        ``prefix``; return them by logical name."""

    @abstractmethod
    def changes(self, event: object, position: int) -> list[RowChange]:
        """The row changes one event makes (an empty list for events it ignores)."""


BUILT_BY = "built_by"
"""Key of the ``MetaData.info`` of a generation's tables: the version of the projection
that built it (``built_by``)."""


def built_by(tables: Mapping[str, Table], projection: type[Projection]) -> int:
    """The version of ``projection`` that built ``tables``: lower than its ``version``
    while a view an earlier release built serves reads until it is rebuilt (its tables
    then exist, but what this version added to them is filled in only by the rebuild).
    Tables not made by a runner (a test's) count as this version's."""
    first = next(iter(tables.values()))
    return int(first.metadata.info.get(BUILT_BY, projection.version))


class Tables:
    """The tables ``Projection.define`` makes: each on one ``metadata``, its name (and
    its indexes' names) starting with the generation's ``prefix``, kept by logical name
    in ``defined``."""

    def __init__(self, metadata: MetaData, prefix: str) -> None:
        self.metadata = metadata
        self.prefix = prefix
        self.defined: dict[str, Table] = {}

    def add(self, name: str, *columns: Column[Any]) -> Table:
        table = self.defined[name] = Table(f"{self.prefix}{name}", self.metadata, *columns)
        return table

    def index(
        self,
        name: str,
        *columns: ColumnElement[Any],
        where: Any = None,
        read_while_building: bool = False,
    ) -> None:
        """An index on ``columns`` (or expressions of them: ``lower(name)``); ``where``:
        only of the rows that meet it (a partial index, on SQLite and PostgreSQL alike).

        A generation being built gets its indexes when it is complete (ADR 12), except
        those ``read_while_building``: the ones a projection's own fold reads by, made
        with the table (without one, every page of a rebuild would scan the table)."""
        partial = {} if where is None else {"sqlite_where": where, "postgresql_where": where}
        info = {READ_WHILE_BUILDING: True} if read_while_building else {}
        Index(f"{self.prefix}{name}", *columns, info=info, **partial)


READ_WHILE_BUILDING = "read_while_building"
"""Key of an ``Index.info``: the index is made with its table (``Tables.index``)."""


def event_name(event: Any) -> str:
    """``Aggregate.Event`` name of a domain event, e.g. ``Opportunity.QuoteIssued``: for
    what people read (the audit trail's columns, a stopped view's message); views
    choose what to do with an event by its class, never by this name."""
    return type(event).__qualname__


class FoldFailed(Exception):
    """The event at ``index`` of the page could not be folded (``error``: why)."""

    def __init__(self, index: int, error: BaseException) -> None:
        super().__init__(f"event {index} of the page: {error}")
        self.index = index
        self.error = error


class FoldingProjection(Projection):
    """A projection whose rules need what earlier events left (ADR 39): for each page of
    the log it reads the state it keeps in its own tables for what the page touches,
    folds the page over it, and says what changed.  The runner calls ``fold_page``
    before the transaction that moves the position (by compare-and-set, so a state read
    while another runner moved on is never written), and stops the view at the event
    that raises (``FoldFailed``) as for any projection."""

    @abstractmethod
    def fold_page(
        self, conn: Connection, tables: dict[str, Table], page: Sequence[tuple[int, Any]]
    ) -> list[RowChange]:
        """The row changes the page makes to the state as committed (command records
        come as ``(position, None)``); raises ``FoldFailed`` naming the event that fails."""

    def changes(self, event: object, position: int) -> list[RowChange]:
        raise TypeError(f"{self.name} folds pages of the log (fold_page), not single events")
