"""The pipeline's page cursor (``paging``): the moment the pages stand at and the last
row's place in the pipeline's order (``opened_at``, ``opportunity_id``), bound to the
filters it was made for."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from salesdomain.projections.paging import MAX_LENGTH, InvalidCursor, Kind, Place

__all__ = ["MAX_LENGTH", "Cursor", "InvalidCursor", "decode", "encode"]

PIPELINE = Kind("pipeline", "p1", 2)


@dataclass(frozen=True)
class Cursor:
    at: datetime
    """The moment the pages stand at (the first page's ``at``)."""
    opened_at: datetime
    opportunity_id: str
    """The last row of the previous page."""


def encode(cursor: Cursor, filters: Mapping[str, str | None]) -> str:
    place = (cursor.opened_at.isoformat(), cursor.opportunity_id)
    return PIPELINE.encode(Place(cursor.at, place), filters)


def decode(text: str, filters: Mapping[str, str | None]) -> Cursor:
    """The cursor ``text`` stands for, if it was made for ``filters``."""
    place = PIPELINE.decode(text, filters)
    opened, opportunity = place.after
    try:
        opened_at = datetime.fromisoformat(opened)
    except ValueError:
        raise InvalidCursor("not a cursor of this list (damaged or made by hand)") from None
    if opened_at.tzinfo is None:
        raise InvalidCursor("not a cursor of this list (damaged or made by hand)")
    return Cursor(place.at, opened_at, opportunity)
