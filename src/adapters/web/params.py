"""The reads' parameters, bounded as the domain bounds what it records.

Dates and times lie between ``salesdomain.bounds.FIRST_DAY`` and ``LAST_DAY`` (so no
read computes a day before year 1 or after 9999); a KPI table has at most
``salesdomain.projections.kpi.periods.PERIOD_LIMIT`` periods; a text filter is at most a name
long.  Anything outside is refused with ``422 invalid_request`` naming the parameter.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from fastapi import Depends, Query
from pydantic import AwareDatetime
from salesdomain.adapters.web.errors import InvalidQuery
from salesdomain.projections.paging import DEFAULT_LIMIT, MAX_LENGTH, MAX_LIMIT

from salesdomain import clock
from salesdomain.bounds import FIRST_DAY, LAST_DAY, NAME_LENGTH, is_currency

FIRST_MOMENT = datetime.combine(FIRST_DAY, time(), UTC)
LAST_MOMENT = datetime.combine(LAST_DAY, time.max, UTC)
BETWEEN = f"from {FIRST_DAY} to {LAST_DAY}"


def day(description: str) -> Any:
    """A date query parameter between the bounds."""
    # FastAPI's stubs type the bounds as numbers; pydantic compares dates as well
    return Query(ge=FIRST_DAY, le=LAST_DAY, description=f"{description}; {BETWEEN}")  # type: ignore[arg-type]


def moment(description: str) -> Any:
    """A time query parameter (with its time zone) between the bounds."""
    return Query(
        ge=FIRST_MOMENT,  # type: ignore[arg-type]
        le=LAST_MOMENT,  # type: ignore[arg-type]
        description=f"{description}; ISO 8601 with a time zone, {BETWEEN} (UTC)",
    )


def name(description: str) -> Any:
    """A text filter: at most a name long."""
    return Query(min_length=1, max_length=NAME_LENGTH, description=description)


Day = Annotated[date | None, day("A day")]
AsAt = Annotated[AwareDatetime | None, moment("The time to judge by (default: now)")]
AsOf = Annotated[AwareDatetime | None, moment("As it stood then (default: now)")]
Since = Annotated[date | None, day("First day (default: 1 January of until)")]
Until = Annotated[date | None, day("Last day (default: today)")]


def period(since: date | None, until: date | None) -> tuple[date, date]:
    """The days ``since``..``until`` asked for (``Since``, ``Until``), their defaults
    filled in: the last day today, the first 1 January of the last day's year; refused
    (422 naming ``until``) when the last day is before the first."""
    last = until or clock.now().date()
    first = since or last.replace(month=1, day=1)
    if last < first:
        raise InvalidQuery("until", f"{last} is before since ({first})")
    return first, last


def check_currency(currency: str | None) -> None:
    """Refuse (422 naming ``currency``) a code given that is not an ISO 4217 currency."""
    if currency is not None and not is_currency(currency):
        raise InvalidQuery("currency", f"{currency} is not an ISO 4217 currency code")


@dataclass(frozen=True)
class Page:
    """A page of rows: at most ``limit``, after the row ``cursor`` points at.  An
    ``offset`` is refused, never silently ignored (ADR 59)."""

    limit: Annotated[
        int,
        Query(
            ge=1,
            le=MAX_LIMIT,
            description=f"Rows in the page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT})",
        ),
    ] = DEFAULT_LIMIT
    cursor: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=MAX_LENGTH,
            description="The `next_cursor` of the previous page, with the same filters "
            "(absent: the first page); the pages then stand at that page's moment "
            "(`as_of`, `as_at`)",
        ),
    ] = None
    offset: Annotated[
        int | None,
        Query(
            deprecated=True,
            description="Not taken: lists page by cursor (ADR 59); a request with it is "
            "refused (422 naming `offset`) rather than answered from the first row",
        ),
    ] = None

    def __post_init__(self) -> None:
        if self.offset is not None:
            raise InvalidQuery(
                "offset",
                "lists page by cursor, not by offset: leave offset out and give the "
                "previous page's next_cursor as cursor",
            )

    def at(self, asked: datetime | None = None) -> datetime | None:
        """The moment the page stands at: ``asked`` (a read's ``as_of`` or ``as_at``),
        else now for a first page; ``None`` for a later page without one (its cursor
        carries the first page's moment)."""
        return asked or (None if self.cursor else clock.now())


Paging = Annotated[Page, Depends()]
