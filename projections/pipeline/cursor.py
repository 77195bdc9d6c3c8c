"""The pipeline's page cursor: where the next page starts, as an opaque text.

A cursor holds the moment the pages stand at, the last row's place in the pipeline's
order (``opened_at``, ``opportunity_id``) and a digest of the filters it was made for,
so a cursor is only taken back for the same question: another filter, an edited or
truncated cursor is refused (``InvalidCursor``) rather than answered with other rows.
The digest is a checksum, not a signature: a cursor only says where a page starts, and
every page is filtered and read-policed again, so a hand-made one can show nothing the
reader could not page to.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

VERSION = "p1"
MAX_LENGTH = 400
"""Longer texts are not cursors (a cursor is about 150 characters)."""


class InvalidCursor(ValueError):
    """A cursor that this pipeline did not make for these filters."""


@dataclass(frozen=True)
class Cursor:
    at: datetime
    """The moment the pages stand at (the first page's ``at``)."""
    opened_at: datetime
    opportunity_id: str
    """The last row of the previous page."""


def _digest(filters: Mapping[str, str | None], at: str, opened_at: str, opportunity: str) -> str:
    text = json.dumps([VERSION, dict(sorted(filters.items())), at, opened_at, opportunity])
    return hashlib.blake2b(text.encode(), digest_size=12, person=b"sd-pipeline").hexdigest()


def encode(cursor: Cursor, filters: Mapping[str, str | None]) -> str:
    at, opened = cursor.at.isoformat(), cursor.opened_at.isoformat()
    digest = _digest(filters, at, opened, cursor.opportunity_id)
    body = json.dumps([at, opened, cursor.opportunity_id, digest], separators=(",", ":"))
    return f"{VERSION}.{base64.urlsafe_b64encode(body.encode()).decode().rstrip('=')}"


def decode(text: str, filters: Mapping[str, str | None]) -> Cursor:
    """The cursor ``text`` stands for, if it was made for ``filters``."""
    if len(text) > MAX_LENGTH or not text.startswith(f"{VERSION}."):
        raise InvalidCursor("not a cursor of this list (give the next_cursor of a page)")
    try:
        packed = text.removeprefix(f"{VERSION}.")
        body = base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4))
        at, opened, opportunity, digest = json.loads(body)
        if not all(isinstance(part, str) for part in (at, opened, opportunity, digest)):
            raise ValueError("not texts")
        cursor = Cursor(datetime.fromisoformat(at), datetime.fromisoformat(opened), opportunity)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor("not a cursor of this list (damaged or made by hand)") from None
    if cursor.at.tzinfo is None or cursor.opened_at.tzinfo is None:
        raise InvalidCursor("not a cursor of this list (damaged or made by hand)")
    if digest != _digest(filters, at, opened, opportunity):
        raise InvalidCursor(
            "made for other filters or altered: page again from the first page with these "
            "filters (a cursor continues only the list it came from)"
        )
    return cursor
