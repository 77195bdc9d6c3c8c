"""Lists read a page at a time, with an opaque cursor for the next page.

A cursor holds the moment the pages stand at, the last row's place in the list's order
(texts that sort as the list does) and a digest of the list's name and the filters it
was made for, so a cursor is only taken back for the same question: another list,
another filter, an edited or truncated cursor is refused (``InvalidCursor``) rather than
answered with other rows.  The digest is a checksum, not a signature: a cursor only says
where a page starts, and every page is filtered and read-policed again, so a hand-made
one can show nothing the reader could not page to.

The pipeline pages in SQL (``pipeline.queries``); the operations lists, small and
computed from a few rows each, are paged here (``page_of``) over the rows found.  Lists
that page in SQL read one row more than the page holds and cut it with ``page_from``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Generic, TypeVar

DEFAULT_LIMIT = 100
"""Rows in a page unless another number is asked for."""
MAX_LIMIT = 1000
"""The most rows a page holds."""
MAX_LENGTH = 400
"""Longer texts are not cursors (a cursor is about 150 characters)."""

Filters = Mapping[str, str | None]
Row = TypeVar("Row")
Found = TypeVar("Found")


class InvalidCursor(ValueError):
    """A cursor that this list did not make for these filters."""


@dataclass(frozen=True)
class Place:
    """Where a page starts: the moment the pages stand at (the first page's) and the
    last row of the previous page, as the texts its list is ordered by (none: the first
    page)."""

    at: datetime
    after: tuple[str, ...]


@dataclass(frozen=True)
class Kind:
    """A list that pages: its name (at most 13 characters, it salts the digest), the
    version of its cursors (their prefix) and how many texts place a row in it."""

    name: str
    version: str
    width: int

    def _digest(self, filters: Filters, at: str, after: Sequence[str]) -> str:
        text = json.dumps([self.version, dict(sorted(filters.items())), at, *after])
        person = f"sd-{self.name}".encode()
        return hashlib.blake2b(text.encode(), digest_size=12, person=person).hexdigest()

    def encode(self, place: Place, filters: Filters) -> str:
        at = place.at.isoformat()
        digest = self._digest(filters, at, place.after)
        body = json.dumps([at, *place.after, digest], separators=(",", ":"))
        return f"{self.version}.{base64.urlsafe_b64encode(body.encode()).decode().rstrip('=')}"

    def decode(self, text: str, filters: Filters) -> Place:
        """The place ``text`` stands for, if this list made it for ``filters``."""
        if len(text) > MAX_LENGTH or not text.startswith(f"{self.version}."):
            raise InvalidCursor("not a cursor of this list (give the next_cursor of a page)")
        damaged = InvalidCursor("not a cursor of this list (damaged or made by hand)")
        try:
            packed = text.removeprefix(f"{self.version}.")
            parts = json.loads(base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)))
            if not isinstance(parts, list) or len(parts) != self.width + 2:
                raise ValueError("not the list's cursor")
            if not all(isinstance(part, str) for part in parts):
                raise ValueError("not texts")
            at, *after, digest = parts
            place = Place(datetime.fromisoformat(at), tuple(after))
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            raise damaged from None
        if place.at.tzinfo is None:
            raise damaged
        if digest != self._digest(filters, at, place.after):
            raise InvalidCursor(
                "made for other filters or altered: page again from the first page with these "
                "filters (a cursor continues only the list it came from)"
            )
        return place


@dataclass(frozen=True)
class Page(Generic[Row]):
    at: datetime
    rows: list[Row]
    next_cursor: str | None
    """Give it back for the next page; ``None``: this was the last page."""


def sortable(value: datetime | date | int | str | None) -> str:
    """A text that sorts as ``value`` does among values of its kind (``None`` first)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return f"{value:020d}"
    return value


def page_of(
    rows: Iterable[Row],
    order: Callable[[Row], tuple[str, ...]],
    kind: Kind,
    start: Place,
    *,
    limit: int = DEFAULT_LIMIT,
    filters: Filters | None = None,
) -> Page[Row]:
    """A page of ``rows`` (all those found as at ``start.at``), in the order of their
    place ``order(row)`` (unique texts): at most ``limit`` (1 to ``MAX_LIMIT``) after
    ``start`` (``resume``)."""
    check_limit(limit)
    found = sorted((r for r in rows if order(r) > start.after), key=order)
    return page_from(found, limit, kind, start, filters or {}, place=order, row=lambda r: r)


def check_limit(limit: int) -> None:
    """Refuse (``ValueError``) a page of fewer than 1 or more than ``MAX_LIMIT`` rows."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"a page holds 1 to {MAX_LIMIT} rows, not {limit}")


def page_from(
    found: Sequence[Found],
    limit: int,
    kind: Kind,
    start: Place,
    filters: Filters,
    *,
    place: Callable[[Found], tuple[str, ...]],
    row: Callable[[Found], Row],
) -> Page[Row]:
    """The page of the first ``limit`` of ``found`` (the rows after ``start``, in the
    list's order, read up to one more than ``limit``), each as ``row`` makes it; when
    more were found, the cursor for the next page holds the place (``place``) of the
    page's last row."""
    following = None
    if len(found) > limit:
        following = kind.encode(Place(start.at, place(found[limit - 1])), filters)
    return Page(start.at, [row(r) for r in found[:limit]], following)


def resume(
    kind: Kind, cursor: str | None, at: datetime | None, filters: Filters | None = None
) -> Place:
    """Where a page of ``kind``'s list starts: after the place ``cursor`` holds (at its
    moment, which ``at``, if given, must be), else before the first row, as at ``at``.
    Raises ``InvalidCursor`` for a cursor not made for this list with these filters."""
    if cursor is None:
        if at is None:
            raise ValueError("a first page needs the moment it stands at")
        return Place(at, ())
    place = kind.decode(cursor, filters or {})
    if at is not None and at != place.at:
        raise InvalidCursor(
            f"made for the list as at {place.at.isoformat()}, not {at.isoformat()} "
            "(leave the moment out, or page again from the first page)"
        )
    return place
